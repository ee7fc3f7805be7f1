// Scraping: what 100 targets × 1,000 series at 15 s cost one `vigil serve`, and how soon a
// scraped sample is queryable; then the bytes a scraped sample takes on disk.
//   npm run build && npx tsx bench/scrape.ts [--targets 100] [--series 1000] [--interval 15]
//       [--settle 30] [--window 120] [--size-targets 10] [--size-seconds 150]
//
// Load: bench/scrape-sim.ts (its own process) serves the targets on 127.0.0.1; a fresh
// `vigil serve --port 0` on a temp data dir (its "this machine" server switched off) gets one
// server (127.0.0.1), a workspace at --interval and one target per simulated port, through the
// sysmon API. After --settle seconds (every target scraped), a --window is measured: Vigil's CPU
// (/proc/<pid>/stat), RSS (VmRSS, peak VmHWM), disk writes, the targets' health, and
// scrape-to-queryable latency: every 100 ms the benchmark asks PromQL for `sim_generated_ms` of
// 10 targets and notes when each new value (the moment the simulator wrote its answer) is first
// seen — so the figure includes the scrape's own HTTP time and up to 100 ms of polling, and the
// polling (100 small queries a second) is in Vigil's CPU.
// Size: 1,000 series per target need ~120 samples per series for chunks as large as at 15 s
// over half an hour, so a second run scrapes --size-targets targets every second for
// --size-seconds, stops Vigil (which writes every head as a chunk) and divides the chunks'
// bytes in SQLite by their samples.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import Database from 'better-sqlite3'
import { cpuSeconds, memoryMiB, storageWrites } from './proc-stats'

const CLI = resolve('out/main/cli.js')
const SIM = resolve(__dirname, 'scrape-sim.ts')

const args = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`)
  return at === -1 ? fallback : Number(args[at + 1])
}
const TARGETS = option('targets', 100)
const SERIES = option('series', 1000)
const INTERVAL_S = option('interval', 15)
const SETTLE_S = option('settle', 30)
const WINDOW_S = option('window', 120)
const SIZE_TARGETS = option('size-targets', 10)
const SIZE_SECONDS = option('size-seconds', 150)

const children = new Set<ChildProcess>()
const dirs = new Set<string>()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130))

const wait = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((done) => child.once('exit', () => done()))
    child.kill('SIGTERM')
    await exited
  }
  children.delete(child)
}

async function startSim(targets: number): Promise<{ ports: number[]; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SIM, String(targets), String(SERIES)], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.add(child)
  const line = await new Promise<string>((done) => createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', done))
  return { ports: (JSON.parse(line) as { ports: number[] }).ports, child }
}

interface Vigil {
  pid: number
  dataDir: string
  child: ChildProcess
  api<T>(method: string, path: string, body?: unknown): Promise<T>
}

async function startVigil(): Promise<Vigil> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-scrape-bench-'))
  dirs.add(dataDir)
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.add(child)
  const found: { url?: string; token?: string } = {}
  await new Promise<void>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`vigil serve exited with ${String(code)}`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      found.url ??= /listening on (http:\/\/\S+)/.exec(line)?.[1]
      found.token ??= /API token: ([0-9a-f]{64})/.exec(line)?.[1]
      if (/log in:/.test(line)) done()
    })
  })
  const api = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${found.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${found.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`)
    return (text ? JSON.parse(text) : null) as T
  }
  return { pid: child.pid as number, dataDir, child, api }
}

/** Vigil with one workspace scraping every port at `intervalS`; its local collection off. */
async function setUp(ports: number[], intervalS: number): Promise<{ vigil: Vigil; jobId: string }> {
  const vigil = await startVigil()
  const servers = await vigil.api<{ servers?: Array<{ id: string }> }>('GET', '/api/servers/')
  for (const server of servers.servers ?? []) await vigil.api('PUT', `/api/servers/${server.id}/`, { monitoring_enabled: false })
  const created = await vigil.api<{ server: { id: string } }>('POST', '/api/servers/create/', { hostname: 'sim', ip_address: '127.0.0.1', ssh_username: 'bench', monitoring_enabled: false })
  const hostId = created.server.id
  const job = await vigil.api<{ body: { jobId: string } }>('POST', '/v1.0/projects/default/jobs', { jobName: 'sim', metricsPath: '/metrics', scrapeIntervalSec: intervalS, scrapeTimeoutSec: Math.min(10, intervalS) })
  const jobId = job.body.jobId
  for (const port of ports) {
    const target = await vigil.api<{ header: { isSuccessful: boolean } }>('POST', `/v1.0/projects/default/jobs/${jobId}/targets`, { hostId, port })
    if (!target.header.isSuccessful) throw new Error(JSON.stringify(target))
  }
  return { vigil, jobId }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

async function load(): Promise<void> {
  const sim = await startSim(TARGETS)
  const { vigil, jobId } = await setUp(sim.ports, INTERVAL_S)
  await wait(SETTLE_S * 1000)
  const watched = sim.ports.slice(0, 10).map((port) => `127.0.0.1:${port}`)
  const query = encodeURIComponent(`sim_generated_ms{instance=~"${watched.join('|')}"}`)
  const seen = new Map<string, number>()
  const latencies: number[] = []
  const cpu0 = cpuSeconds(vigil.pid)
  const writes0 = storageWrites(vigil.pid)
  const t0 = Date.now()
  while (Date.now() - t0 < WINDOW_S * 1000) {
    const answer = await vigil.api<{ data: { result: Array<{ metric: { instance: string }; value: [number, string] }> } }>('GET', `/prometheus/api/v1/query?query=${query}`)
    const now = Date.now()
    for (const series of answer.data.result) {
      const generated = Number(series.value[1])
      const previous = seen.get(series.metric.instance)
      if (previous !== undefined && generated > previous) latencies.push(now - generated)
      seen.set(series.metric.instance, generated)
    }
    await wait(100)
  }
  const elapsed = (Date.now() - t0) / 1000
  const cpu = (cpuSeconds(vigil.pid) - cpu0) / elapsed
  const writes = (storageWrites(vigil.pid) - writes0) / elapsed
  const memory = memoryMiB(vigil.pid)
  const targets = (await vigil.api<{ body: Array<{ mntrnStatCd: string; lastScrapeDurationSec: number }> }>('GET', `/v1.0/projects/default/jobs/${jobId}/targets`)).body
  const down = targets.filter((t) => t.mntrnStatCd !== 'UP').length
  const durations = targets.map((t) => t.lastScrapeDurationSec * 1000)
  const samplesPerS = (TARGETS * (SERIES + 5)) / INTERVAL_S
  console.log(
    `load: ${TARGETS} targets × ${SERIES} series at ${INTERVAL_S} s (${samplesPerS.toFixed(0)} samples/s) over ${elapsed.toFixed(0)} s: ` +
      `CPU ${cpu.toFixed(3)} cores, RSS ${memory.rss.toFixed(0)} MiB (peak ${memory.peak.toFixed(0)}), disk writes ${(writes / 1024).toFixed(0)} KiB/s, ` +
      `scrape duration p50 ${percentile(durations, 50).toFixed(1)} ms max ${Math.max(...durations).toFixed(1)} ms, targets down ${down}, ` +
      `scrape-to-queryable p50 ${percentile(latencies, 50)} ms p99 ${percentile(latencies, 99)} ms max ${Math.max(...latencies)} ms (${latencies.length} samples)`
  )
  await stop(vigil.child)
  await stop(sim.child)
}

async function size(): Promise<void> {
  const sim = await startSim(SIZE_TARGETS)
  const { vigil } = await setUp(sim.ports, 1)
  await wait(SIZE_SECONDS * 1000)
  await stop(vigil.child)
  await stop(sim.child)
  const db = new Database(join(vigil.dataDir, 'vigil.db'), { readonly: true })
  const chunks = db.prepare('SELECT COUNT(*) AS chunks, SUM(rows) AS samples, SUM(length(data)) AS bytes FROM series_chunks').get() as { chunks: number; samples: number; bytes: number }
  db.close()
  const file = statSync(join(vigil.dataDir, 'vigil.db')).size
  console.log(
    `size: ${SIZE_TARGETS} targets × ${SERIES} series every 1 s for ${SIZE_SECONDS} s: ${chunks.samples} samples in ${chunks.chunks} chunks ` +
      `(${(chunks.samples / chunks.chunks).toFixed(0)} a chunk): ${(chunks.bytes / chunks.samples).toFixed(2)} bytes/sample of chunk data, ` +
      `${(file / chunks.samples).toFixed(2)} bytes/sample of database file`
  )
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}`)
  await load()
  await size()
  process.exit(0)
}

void main()
