// Import throughput: a generated metrics CSV (~1 GB by default) and a day-long nmon recording at
// 10 s, each imported through an import source of Vigil's real API, with peak memory.
//   npx tsx bench/imports.ts [--csv-mb 1024] [--table-mb 0] [--nmon-hours 24] [--dir /tmp]
//
// The files are generated into --dir (never the repository) with streams, then the process's
// peak RSS is reset (/proc/self/clear_refs) so the figure is the import's alone. Each file is
// put in its source's upload directory and the source synced (POST /api/sources/{name}/sync);
// the time is from the request to the sync's end (SourcesService.settled), the whole import:
// for csv_metrics and nmon, the checking pass and the storing pass. RSS is sampled every
// 100 ms; VmHWM is the kernel's peak. Each imported file is then deleted (with its samples), timed.
//   - metrics CSV: time (ISO), host (one of 20), 5 value columns → 5 samples a row;
//   - table CSV (--table-mb): the same rows into imports.db;
//   - nmon: a Linux-style recording, 8,640 snapshots (24 h at 10 s), CPU_ALL, MEM, PROC, VM,
//     4 disks, 3 interfaces and 20 TOP processes a snapshot: 1 vmstat, 4 iostat, 3 netstat and
//     20 process rows a snapshot.
import { createWriteStream, mkdirSync, readFileSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { once } from 'node:events'
import { startApi, type TestApi } from '../test/helpers/api'

interface Options {
  csvMb: number
  tableMb: number
  nmonHours: number
  dir: string
}

function parseOptions(argv: string[]): Options {
  const options: Options = { csvMb: 1024, tableMb: 0, nmonHours: 24, dir: '/tmp' }
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1] as string
    if (argv[i] === '--csv-mb') options.csvMb = Number(value)
    else if (argv[i] === '--table-mb') options.tableMb = Number(value)
    else if (argv[i] === '--nmon-hours') options.nmonHours = Number(value)
    else if (argv[i] === '--dir') options.dir = value
    else continue
    i++
  }
  return options
}

/** Writes lines from `next` (null: the end) through a stream, honouring back-pressure. */
async function writeLines(path: string, next: () => string | null): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 })
  let lines = 0
  for (let line = next(); line !== null; line = next()) {
    lines++
    if (!out.write(line)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return lines
}

async function generateCsv(path: string, megabytes: number): Promise<number> {
  const limit = megabytes * 1024 * 1024
  const start = Date.UTC(2026, 0, 1)
  let written = 0
  let row = 0
  const rows = await writeLines(path, () => {
    if (written >= limit) return null
    const line =
      row === 0
        ? 'time,host,cpu,mem,load,net_in,net_out\n'
        : `${new Date(start + Math.floor(row / 20) * 1000).toISOString()},host-${row % 20},${(row % 1000) / 10},${(row * 7) % 65536},${((row % 400) / 100).toFixed(2)},${row % 100000},${(row * 3) % 100000}\n`
    row++
    written += line.length
    return line
  })
  return rows - 1
}

async function generateNmon(path: string, hours: number): Promise<number> {
  const snapshots = Math.round((hours * 3600) / 10)
  const disks = ['sda', 'sdb', 'nvme0n1', 'dm-0']
  const nets = ['lo', 'eth0', 'eth1']
  const header = [
    'AAA,progname,nmon',
    'AAA,version,16n',
    'AAA,host,benchhost',
    'AAA,OS,Linux,6.1.0,#1 SMP,x86_64',
    'AAA,time,00:00.00',
    'AAA,date,01-JAN-2026',
    'AAA,interval,10',
    `AAA,snapshots,${snapshots}`,
    'BBBP,001,uname,"Linux benchhost"',
    'CPU_ALL,CPU Total benchhost,User%,Sys%,Wait%,Idle%,Steal%,Busy,CPUs',
    'MEM,Memory MB benchhost,memtotal,hightotal,lowtotal,swaptotal,memfree,highfree,lowfree,swapfree,memshared,cached,active,bigfree,buffers,swapcached,inactive',
    'PROC,Processes benchhost,Runnable,Blocked,pswitch,syscall,read,write,fork,exec,sem,msg',
    `NET,Network I/O benchhost,${nets.map((n) => `${n}-read-KB/s`).join(',')},${nets.map((n) => `${n}-write-KB/s`).join(',')}`,
    `NETPACKET,Network Packets benchhost,${nets.map((n) => `${n}-read/s`).join(',')},${nets.map((n) => `${n}-write/s`).join(',')}`,
    `DISKBUSY,Disk %Busy benchhost,${disks.join(',')}`,
    `DISKREAD,Disk Read KB/s benchhost,${disks.join(',')}`,
    `DISKWRITE,Disk Write KB/s benchhost,${disks.join(',')}`,
    `DISKXFER,Disk transfers per second benchhost,${disks.join(',')}`,
    'TOP,%CPU Utilisation',
    'TOP,+PID,Time,%CPU,%Usr,%Sys,Size,ResSet,ResText,ResData,ShdLib,MinorFault,MajorFault,Command,Threads,IOwaitTime'
  ]
  let lines: string[] = header.map((line) => `${line}\n`)
  let snapshot = 0
  await writeLines(path, () => {
    if (lines.length === 0) {
      if (snapshot >= snapshots) return null
      snapshot++
      const tag = `T${String(snapshot).padStart(4, '0')}`
      const seconds = snapshot * 10
      const time = `${String(Math.floor(seconds / 3600) % 24).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`
      const day = String(1 + Math.floor(seconds / 86400)).padStart(2, '0')
      const v = (k: number): string => ((snapshot * k) % 1000 / 10).toFixed(1)
      lines = [
        `ZZZZ,${tag},${time},${day}-JAN-2026`,
        `CPU_ALL,${tag},${v(3)},${v(5)},${v(7)},${v(11)},0.0,,8`,
        `MEM,${tag},32000.0,-0.0,-0.0,8000.0,${v(13)},-0.0,-0.0,8000.0,0.0,1000.0,${v(17)},-1.0,50.0,0.0,900.0`,
        ...(snapshot === 1 ? ['VM,Paging and Virtual Memory,pswpin,pswpout'] : []),
        `VM,${tag},${snapshot % 5},${snapshot % 3}`,
        `PROC,${tag},${snapshot % 9},${snapshot % 2},${v(19)},-1.0,-1.0,-1.0,${v(23)},-1.0,-1.0,-1.0`,
        `NET,${tag},${nets.map((_, i) => v(29 + i)).join(',')},${nets.map((_, i) => v(31 + i)).join(',')}`,
        `NETPACKET,${tag},${nets.map((_, i) => v(37 + i)).join(',')},${nets.map((_, i) => v(41 + i)).join(',')}`,
        `DISKBUSY,${tag},${disks.map((_, i) => v(43 + i)).join(',')}`,
        `DISKREAD,${tag},${disks.map((_, i) => v(47 + i)).join(',')}`,
        `DISKWRITE,${tag},${disks.map((_, i) => v(53 + i)).join(',')}`,
        `DISKXFER,${tag},${disks.map((_, i) => v(59 + i)).join(',')}`,
        ...Array.from({ length: 20 }, (_, p) => `TOP,${String(1000 + p).padStart(7, '0')},${tag},${v(61 + p)},1.0,0.5,${p * 100},${p * 50},1,1,1,0,0,proc-${p},1,0`)
      ].map((line) => `${line}\n`)
      return lines.shift() as string
    }
    return lines.shift() as string
  }).then(() => undefined)
  return snapshots
}

/** RSS sampled every 100 ms while `work` runs; the kernel's peak (VmHWM) after it. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; sampledPeakMb: number; hwmMb: number }> {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
  } catch {
    // not Linux, or not allowed: VmHWM then includes what came before
  }
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
  const started = performance.now()
  const value = await work()
  const seconds = (performance.now() - started) / 1000
  clearInterval(timer)
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return { value, seconds, sampledPeakMb: peak / 2 ** 20, hwmMb: hwm ? Number(hwm[1]) / 1024 : NaN }
}

async function importInto(api: TestApi, source: Record<string, unknown>, file: string): Promise<{ rows: number; status: string }> {
  const name = source.name as string
  const created = await api.request('POST', '/api/sources', { body: source })
  if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${created.text}`)
  const dir = join(api.dataDir, 'uploads', name)
  mkdirSync(dir, { recursive: true })
  renameSync(file, join(dir, file.split('/').pop() as string))
  const sync = await api.request('POST', `/api/sources/${name}/sync`)
  if (sync.status !== 200) throw new Error(`sync ${name}: ${sync.status} ${sync.text}`)
  await api.app.platform.sources.settled(name)
  const files = (await api.request('GET', `/api/sources/${name}/csv-files`)).body
  const file0 = files.files[0]
  if (file0.status !== 'success') console.error(name, JSON.stringify(file0.errors.slice(0, 3)), file0.bad_rows)
  return { rows: file0.rows_loaded, status: file0.status }
}

/** Deletes an imported file through the API (its samples go with it) and prints how long that took. */
async function timeDelete(api: TestApi, source: string, filename: string): Promise<void> {
  const started = performance.now()
  const response = await api.request('DELETE', `/api/sources/${source}/csv-files?file_path=${filename}`)
  if (response.status !== 200) throw new Error(`delete ${filename}: ${response.status}`)
  console.log(`  deleting ${filename} and what it imported: ${((performance.now() - started) / 1000).toFixed(2)} s`)
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  const work = join(options.dir, `vigil-bench-imports-${process.pid}`)
  mkdirSync(work, { recursive: true })
  const api = await startApi({ collect: false, monitorLocalhost: false })
  try {
    const report = (label: string, rows: number, bytes: number, m: { seconds: number; sampledPeakMb: number; hwmMb: number }, unit = 'rows'): void =>
      console.log(
        `${label}: ${rows.toLocaleString()} ${unit} (${(bytes / 2 ** 20).toFixed(0)} MiB) in ${m.seconds.toFixed(1)} s = ${Math.round(rows / m.seconds).toLocaleString()} ${unit}/s, ` +
          `${(bytes / 2 ** 20 / m.seconds).toFixed(1)} MiB/s; RSS peak ${m.sampledPeakMb.toFixed(0)} MiB sampled, VmHWM ${m.hwmMb.toFixed(0)} MiB`
      )
    if (options.csvMb > 0) {
      const file = join(work, 'metrics.csv')
      const rows = await generateCsv(file, options.csvMb)
      const bytes = statSync(file).size
      const m = await measured(() => importInto(api, { name: 'bench_metrics', type: 'csv_metrics', timestamp_column: 'time', label_columns: ['host'], metric_prefix: 'bench_' }, file))
      if (m.value.status !== 'success' || m.value.rows !== rows) throw new Error(`metrics CSV: ${m.value.status}, ${m.value.rows} of ${rows} rows`)
      report('metrics CSV (5 values a row)', rows, bytes, m)
      await timeDelete(api, 'bench_metrics', 'metrics.csv')
    }
    if (options.tableMb > 0) {
      const file = join(work, 'table.csv')
      const rows = await generateCsv(file, options.tableMb)
      const bytes = statSync(file).size
      const m = await measured(() => importInto(api, { name: 'bench_table', type: 'csv_table' }, file))
      if (m.value.status !== 'success' || m.value.rows !== rows) throw new Error(`table CSV: ${m.value.status}, ${m.value.rows} of ${rows} rows`)
      report('table CSV (7 columns) into imports.db', rows, bytes, m)
    }
    if (options.nmonHours > 0) {
      const server = await api.request('POST', '/api/servers/create/', { body: { hostname: 'benchhost', ip_address: '192.0.2.99', ssh_username: 'ops', monitoring_enabled: false } })
      const file = join(work, 'benchhost.nmon')
      const snapshots = await generateNmon(file, options.nmonHours)
      const bytes = statSync(file).size
      const m = await measured(() => importInto(api, { name: 'bench_nmon', type: 'nmon', server_id: server.body.server.id, utc_offset: '+00:00' }, file))
      if (m.value.status !== 'success') throw new Error(`nmon: ${m.value.status}`)
      report(`nmon, ${snapshots.toLocaleString()} snapshots`, m.value.rows, bytes, m, 'rows')
      console.log(`  = ${Math.round(snapshots / m.seconds).toLocaleString()} snapshots/s`)
      await timeDelete(api, 'bench_nmon', 'benchhost.nmon')
    }
  } finally {
    await api.close()
    rmSync(work, { recursive: true, force: true })
  }
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
