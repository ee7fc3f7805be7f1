// A fleet of simulated Linux servers for bench/fleet.ts: one ssh2 server on 127.0.0.1 that
// accepts any user and password and answers the exact commands Vigil sends
// (src/main/metrics/parsers/commands.ts) with output in the real formats
// (test/fixtures/linux-*.txt). Each connection is one server of bench/workload.ts, whose values
// move like a machine's (uniform noise, drawn afresh each interval, would be the store's worst
// case and no fleet's). `vmstat N` and `iostat N` print a report every N seconds until their
// channel closes, and so does the report loop (interface counters and processes, each after its
// marker line, every N seconds, as the remote shell loop would). Every vmstat row carries the
// moment it was written, in ms since the epoch, in its `free` column (stored by Vigil unchanged
// as `fre`), so a WebSocket client can compute sample-to-WebSocket latency. It runs in its own process so its CPU is not
// counted as Vigil's; bench/fleet.ts forks it and reads its stats over the IPC channel.
//   node --import tsx bench/fleet-sim.ts          (normally started by bench/fleet.ts)
import { Server, type Connection, type ServerChannel } from 'ssh2'
import type { SampleBatch, SampleValues } from '../src/main/metrics/samples'
import type { MetricName } from '../src/shared/metrics'
import { ed25519KeyPair } from '../test/helpers/ssh-keys'
import { createServerWorkload, type ServerWorkload } from './workload'

/** Counters the orchestrator reads (as deltas over its measurement window). */
export interface SimStats {
  pid: number
  connections: number
  connectionsTotal: number
  authFailures: number
  openChannels: number
  execs: Record<string, number>
  vmstatRows: number
  iostatReports: number
  /** Rounds of the report loop written (one /proc/net/dev and one ps report each). */
  loopReports: number
}

export type SimMessage = { type: 'ready'; port: number; pid: number } | { type: 'stats'; stats: SimStats }

const stats: SimStats = {
  pid: process.pid,
  connections: 0,
  connectionsTotal: 0,
  authFailures: 0,
  openChannels: 0,
  execs: { uname: 0, vmstat: 0, iostat: 0, netdev: 0, ps: 0, loop: 0, other: 0 },
  vmstatRows: 0,
  iostatReports: 0,
  loopReports: 0
}

const rand = (min: number, max: number): number => min + Math.random() * (max - min)
const int = (min: number, max: number): number => Math.floor(rand(min, max + 1))
const pad = (value: string | number, width: number): string => String(value).padStart(width)
const num = (row: SampleValues, field: string): number => (typeof row[field] === 'number' ? row[field] : 0)

/** Rows per ps report in the workload; Vigil asks for its top 20 unless told otherwise. */
const PROCESS_ROWS = 20

/**
 * One simulated server's values, from bench/workload.ts (a Linux server moving like a machine:
 * CPU around a daily cycle with bursts, bursty disks and interfaces, processes that come and
 * go), printed in the formats of the commands Vigil runs. The streams run on their own timers,
 * so each takes its metric's batch of the newest interval and starts the next interval when it
 * has had this one's.
 */
class SimServer {
  private readonly workload: ServerWorkload
  private intervals = 0
  private readonly pending = new Map<MetricName, SampleBatch>()
  /** Per interface: the mean size of its packets, which its byte counters are printed from. */
  private readonly packetBytes = new Map<string, number>()
  /** Per disk: its usual service time in ms, which %util is printed from. */
  private readonly serviceMs = new Map<string, number>()
  private pgsteal = int(0, 1_000_000)

  constructor(index: number) {
    this.workload = createServerWorkload(index, { startMs: Date.now(), aixShare: 0, topProcesses: PROCESS_ROWS, seed: 1 })
  }

  get hostname(): string {
    return this.workload.profile.hostname
  }

  private next(metric: MetricName): readonly SampleValues[] {
    let batch = this.pending.get(metric)
    if (!batch) {
      for (const each of this.workload.batches(this.intervals++)) this.pending.set(each.metric, each)
      batch = this.pending.get(metric) as SampleBatch
    }
    this.pending.delete(metric)
    return batch.rows
  }

  /** One vmstat -a line: `free` is the send time in ms (see the file comment), in place of the workload's. */
  vmstatRow(): string {
    const row = this.next('vmstat')[0] as SampleValues
    const active = num(row, 'avm')
    const cells: Array<[number, number]> = [
      [num(row, 'r'), 2], [num(row, 'b'), 2], [0, 6], [Date.now(), 6], [Math.round(active / 2), 6], [active, 6],
      [num(row, 'pi'), 4], [num(row, 'po'), 4], [0, 5], [0, 5], [num(row, 'interface_in'), 4], [num(row, 'cs'), 4],
      [num(row, 'us'), 2], [num(row, 'sy'), 2], [num(row, 'idle'), 2], [num(row, 'wa'), 2], [0, 2]
    ]
    return cells.map(([value, width]) => pad(value, width)).join(' ') + '\n'
  }

  /** The pages reclaimed since boot, read before a vmstat line: most intervals reclaim none. */
  nextPgsteal(): number {
    if (Math.random() < 0.05) this.pgsteal += int(1, 5000)
    return this.pgsteal
  }

  /** One interval report of `iostat -d -k -x -y N` (sysstat 12's extended columns). */
  iostatReport(): string {
    const rows = this.next('iostat').map((row) => {
      const disk = String(row.disk)
      const tps = num(row, 'tps')
      const readKb = num(row, 'kb_read_rate')
      const writeKb = num(row, 'kb_wrtn_rate')
      const reads = readKb + writeKb > 0 ? (tps * readKb) / (readKb + writeKb) : tps / 2
      const writes = tps - reads
      let serviceMs = this.serviceMs.get(disk)
      if (serviceMs === undefined) this.serviceMs.set(disk, (serviceMs = rand(0.2, 8)))
      const util = Math.min(100, (tps * serviceMs * rand(0.8, 1.2)) / 10)
      const size = (kb: number, ios: number): number => (ios > 0 ? kb / ios : 0)
      const cells = [
        reads, readKb, 0, 0, reads > 0 ? serviceMs : 0, size(readKb, reads),
        writes, writeKb, 0, 0, writes > 0 ? serviceMs * 1.5 : 0, size(writeKb, writes),
        0, 0, 0, 0, 0, 0, 0, 0, (tps * serviceMs) / 1000, util
      ]
      return disk.padEnd(13) + cells.map((value) => ' ' + pad(value.toFixed(2), 8)).join('')
    })
    return IOSTAT_HEADER + rows.join('\n') + '\n\n\n'
  }

  /** /proc/net/dev: the workload's packet counters, and bytes counted as packets of the interface's mean size. */
  netDev(): string {
    let out =
      'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n'
    for (const row of this.next('netstat')) {
      const name = String(row.interface)
      let size = this.packetBytes.get(name)
      if (size === undefined) this.packetBytes.set(name, (size = rand(60, 1500)))
      const [ipkts, opkts] = [num(row, 'ipkts'), num(row, 'opkts')]
      const cells = [Math.round(ipkts * size), ipkts, num(row, 'ierrs'), 0, 0, 0, 0, 0, Math.round(opkts * size), opkts, num(row, 'oerrs'), 0, 0, 0, 0, 0]
      out += `${pad(name, 6)}: ${cells.join(' ')}\n`
    }
    return out
  }

  /** `ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu | head -n ${rows + 1}`. */
  ps(rows: number): string {
    let out = '    PID USER                             %CPU %MEM COMMAND\n'
    for (const row of this.next('process').slice(0, rows)) {
      const cpu = num(row, 'cpu')
      // procps prints one decimal below 100 %, none from there.
      out += `${pad(Number(row.pid), 7)} ${String(row.user).padEnd(32)} ${pad(cpu >= 100 ? cpu : cpu.toFixed(1), 4)} ${pad(num(row, 'mem').toFixed(1), 4)} ${String(row.command)}\n`
    }
    return out
  }
}

// --- output in the formats of procps vmstat, sysstat iostat, /proc/net/dev and procps ps ---

const VMSTAT_HEADER =
  'procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n' +
  ' r  b   swpd   free  inact active   si   so    bi    bo   in   cs us sy id wa st\n'

const IOSTAT_HEADER =
  'Device            r/s     rkB/s   rrqm/s  %rrqm r_await rareq-sz     w/s     wkB/s   wrqm/s  %wrqm w_await wareq-sz' +
  '     d/s     dkB/s   drqm/s  %drqm d_await dareq-sz     f/s f_await  aqu-sz  %util\n'

function iostatBanner(hostname: string): string {
  return `Linux 6.1.0-27-amd64 (${hostname}) \t11/24/26 \t_x86_64_\t(8 CPU)\n\n`
}

// --- the SSH server ---

type Handler = (channel: ServerChannel, track: (timer: NodeJS.Timeout) => void) => void

/** Finishes an exec'd command: output, exit status, EOF and close, as sshd does. */
function finish(channel: ServerChannel, stdout: string, code = 0, stderr = ''): void {
  if (stdout) channel.write(stdout)
  if (stderr) channel.stderr.write(stderr)
  channel.exit(code)
  channel.end()
}

function commandHandler(command: string, server: SimServer): { kind: string; run: Handler } {
  if (command === 'LC_ALL=C uname -s') return { kind: 'uname', run: (channel) => finish(channel, 'Linux\n') }
  if (command === 'LC_ALL=C cat /proc/net/dev') return { kind: 'netdev', run: (channel) => finish(channel, server.netDev()) }
  const ps = /^LC_ALL=C ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu \| head -n (\d+)$/.exec(command)
  if (ps) return { kind: 'ps', run: (channel) => finish(channel, server.ps(Number(ps[1]) - 1)) }
  // Vigil's vmstat pipeline (commands.ts, linuxVmstat): the page size once, then before each
  // line of vmstat the page reclaim counter read from /proc/vmstat at that moment.
  const vmstat = /^LC_ALL=C vmstat -n -a (\d+) \| \{ LC_ALL=C getconf PAGESIZE /.exec(command)
  if (vmstat) {
    const ms = Number(vmstat[1]) * 1000
    const withPgsteal = (lines: string): string =>
      lines
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => `vigil-pgsteal ${server.nextPgsteal()}\n${line}\n`)
        .join('')
    return {
      kind: 'vmstat',
      run: (channel, track) => {
        // The first row is the since-boot average; then one row per interval.
        channel.write('vigil-pagesize 4096\n' + withPgsteal(VMSTAT_HEADER + server.vmstatRow()))
        track(
          setInterval(() => {
            stats.vmstatRows++
            channel.write(withPgsteal(server.vmstatRow()))
          }, ms)
        )
      }
    }
  }
  // Vigil's report loop (commands.ts, reportLoop) on a host with a readable /proc/net/dev: a
  // round at once, then one every interval, each section after its marker, until the channel closes.
  const loop = /^LC_ALL=C; export LC_ALL; while :; do if \[ -r \/proc\/net\/dev \]; then .* head -n (\d+); echo ':vigil-report: end' \|\| exit; sleep (\d+); done$/.exec(command)
  if (loop) {
    const rows = Number(loop[1]) - 1
    const ms = Number(loop[2]) * 1000
    const round = (): string => {
      stats.loopReports++
      return `:vigil-report: netstat procnetdev\n${server.netDev()}:vigil-report: process\n${server.ps(rows)}:vigil-report: end\n`
    }
    return {
      kind: 'loop',
      run: (channel, track) => {
        channel.write(round())
        track(setInterval(() => channel.write(round()), ms))
      }
    }
  }
  const iostat = /^LC_ALL=C iostat -d -k -x -y (\d+)$/.exec(command)
  if (iostat) {
    const seconds = Number(iostat[1])
    return {
      kind: 'iostat',
      run: (channel, track) => {
        channel.write(iostatBanner(server.hostname))
        track(
          setInterval(() => {
            stats.iostatReports++
            channel.write(server.iostatReport())
          }, seconds * 1000)
        )
      }
    }
  }
  return { kind: 'other', run: (channel) => finish(channel, '', 127, `sh: 1: ${command.split(' ')[0] ?? ''}: not found\n`) }
}

function serveClient(client: Connection, index: number): void {
  const server = new SimServer(index)
  const timers = new Set<NodeJS.Timeout>()
  stats.connections++
  stats.connectionsTotal++
  client.on('error', () => {})
  client.on('close', () => {
    stats.connections--
    for (const timer of timers) clearInterval(timer)
    timers.clear()
  })
  client.on('authentication', (ctx) => {
    if (ctx.method === 'password' || ctx.method === 'keyboard-interactive') return ctx.accept()
    if (ctx.method !== 'none') stats.authFailures++
    ctx.reject(['password'])
  })
  client.on('ready', () => {
    client.on('session', (acceptSession) => {
      const session = acceptSession()
      let stop = (): void => {}
      session.on('signal', (accept) => {
        accept?.()
        stop()
      })
      session.on('exec', (acceptExec, _reject, info) => {
        const channel = acceptExec()
        const handler = commandHandler(info.command, server)
        stats.execs[handler.kind] = (stats.execs[handler.kind] ?? 0) + 1
        stats.openChannels++
        let timer: NodeJS.Timeout | null = null
        let closed = false
        stop = () => {
          if (timer) clearInterval(timer)
          if (timer) timers.delete(timer)
          timer = null
          if (!closed) {
            closed = true
            try {
              channel.exit('KILL')
              channel.end()
            } catch {
              // the connection is already gone
            }
          }
        }
        channel.on('error', () => {})
        channel.on('close', () => {
          stats.openChannels--
          closed = true
          if (timer) clearInterval(timer)
          if (timer) timers.delete(timer)
          timer = null
        })
        handler.run(channel, (t) => {
          timer = t
          timers.add(t)
        })
      })
    })
  })
}

function main(): void {
  const hostKey = ed25519KeyPair('vigil-fleet-sim').private
  let connections = 0
  const server = new Server({ hostKeys: [hostKey] }, (client) => serveClient(client, connections++))
  server.on('error', (error: Error) => {
    console.error('[fleet-sim]', error)
    process.exit(1)
  })
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const ready: SimMessage = { type: 'ready', port, pid: process.pid }
    if (process.send) process.send(ready)
    else console.log(`fleet-sim listening on 127.0.0.1:${port}`)
  })
  process.on('message', (message: unknown) => {
    if (message === 'stats' && process.send) process.send({ type: 'stats', stats } satisfies SimMessage)
  })
  // The orchestrator went away: so do we.
  process.on('disconnect', () => process.exit(0))
  process.on('SIGTERM', () => process.exit(0))
}

main()
