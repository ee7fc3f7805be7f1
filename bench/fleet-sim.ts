// A fleet of simulated Linux servers for bench/fleet.ts: one ssh2 server on 127.0.0.1 that
// accepts any user and password and answers the exact commands Vigil sends
// (src/main/metrics/parsers/commands.ts) with output in the real formats
// (test/fixtures/linux-*.txt). `vmstat N` and `iostat N` print a report every N seconds
// until their channel closes, and so does the report loop (interface counters and processes,
// each after its marker line, every N seconds, as the remote shell loop would). Every vmstat row carries the moment it was written, in ms since
// the epoch, in its `free` column (stored by Vigil unchanged as `fre`), so a WebSocket client
// can compute sample-to-WebSocket latency. It runs in its own process so its CPU is not
// counted as Vigil's; bench/fleet.ts forks it and reads its stats over the IPC channel.
//   node --import tsx bench/fleet-sim.ts          (normally started by bench/fleet.ts)
import { Server, type Connection, type ServerChannel } from 'ssh2'
import { ed25519KeyPair } from '../test/helpers/ssh-keys'

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

// --- output in the formats of procps vmstat, sysstat iostat, /proc/net/dev and procps ps ---

const VMSTAT_HEADER =
  'procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n' +
  ' r  b   swpd   free  inact active   si   so    bi    bo   in   cs us sy id wa st\n'

/** One vmstat -a row; `free` is the send time in ms (see the file comment). */
function vmstatRow(free: number): string {
  const us = int(1, 40)
  const sy = int(0, 10)
  const wa = int(0, 3)
  const id = Math.max(0, 100 - us - sy - wa)
  const cells: Array<[number, number]> = [
    [int(0, 4), 2], [int(0, 1), 2], [0, 6], [free, 6], [int(150_000, 160_000), 6], [int(200_000, 220_000), 6],
    [0, 4], [0, 4], [int(0, 500), 5], [int(0, 90_000), 5], [int(50, 1200), 4], [int(80, 3000), 4],
    [us, 2], [sy, 2], [id, 2], [wa, 2], [0, 2]
  ]
  return cells.map(([value, width]) => pad(value, width)).join(' ') + '\n'
}

const DISKS = ['sda', 'sdb', 'dm-0', 'dm-1']
const IOSTAT_HEADER =
  'Device            r/s     rkB/s   rrqm/s  %rrqm r_await rareq-sz     w/s     wkB/s   wrqm/s  %wrqm w_await wareq-sz' +
  '     d/s     dkB/s   drqm/s  %drqm d_await dareq-sz     f/s f_await  aqu-sz  %util\n'

function iostatBanner(hostname: string): string {
  return `Linux 6.1.0-27-amd64 (${hostname}) \t11/24/26 \t_x86_64_\t(8 CPU)\n\n`
}

/** One interval report of `iostat -d -k -x -y N` (sysstat 12's extended columns). */
function iostatReport(): string {
  const rows = DISKS.map((disk) => {
    const reads = rand(0, 300)
    const writes = rand(0, 600)
    const cells = [
      reads, reads * rand(4, 64), rand(0, 20), rand(0, 10), rand(0, 2), rand(4, 64),
      writes, writes * rand(4, 64), rand(0, 40), rand(0, 10), rand(0, 3), rand(4, 64),
      0, 0, 0, 0, 0, 0, rand(0, 5), rand(0, 1), rand(0, 2), rand(0, 60)
    ]
    return disk.padEnd(14) + cells.map((value) => pad(value.toFixed(2), 9)).join('')
  })
  return IOSTAT_HEADER + rows.join('\n') + '\n\n\n'
}

/** Per-connection interface counters, growing from call to call like the kernel's. */
class NetCounters {
  private readonly bytes = new Map<string, [number, number, number, number]>([
    ['lo', [46_348_593, 19_490, 46_348_593, 19_490]],
    ['eth0', [770_720_973, 25_058, 2_648_280, 18_786]],
    ['eth1', [12_884_901, 9_771, 3_221_225, 8_012]]
  ])

  render(): string {
    let out =
      'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n'
    for (const [name, counters] of this.bytes) {
      const packetsIn = int(10, 5000)
      const packetsOut = int(10, 4000)
      counters[0] += packetsIn * int(60, 1500)
      counters[1] += packetsIn
      counters[2] += packetsOut * int(60, 1500)
      counters[3] += packetsOut
      const [rxBytes, rxPackets, txBytes, txPackets] = counters
      out += `${pad(name, 6)}: ${pad(rxBytes, 9)} ${pad(rxPackets, 7)}    0    0    0     0          0         0 ${pad(txBytes, 9)} ${pad(txPackets, 7)}    0    0    0     0       0          0\n`
    }
    return out
  }
}

const PROGRAMS = [
  ['postgres', '/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -c config_file=/etc/postgresql/16/main/postgresql.conf'],
  ['www-data', 'nginx: worker process'],
  ['app', '/usr/bin/java -Xms2g -Xmx2g -XX:+UseG1GC -jar /opt/app/lib/service.jar --spring.profiles.active=production'],
  ['root', '/usr/lib/systemd/systemd-journald'],
  ['app', 'node /opt/app/api/server.js --port 8080 --workers 4'],
  ['root', '/usr/sbin/sshd -D'],
  ['redis', '/usr/bin/redis-server 127.0.0.1:6379'],
  ['root', '/usr/bin/containerd'],
  ['prometheus', '/usr/local/bin/node_exporter --collector.systemd'],
  ['root', '[kworker/u16:2-events_unbound]']
] as const

/** `ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu | head -n ${rows + 1}`. */
function psOutput(rows: number): string {
  const cpus = Array.from({ length: rows }, () => rand(0, 60)).sort((a, b) => b - a)
  let out = '    PID USER                             %CPU %MEM COMMAND\n'
  cpus.forEach((cpu, index) => {
    const [user, args] = PROGRAMS[index % PROGRAMS.length] as (typeof PROGRAMS)[number]
    out += `${pad(1000 + index * 37, 7)} ${user.padEnd(32)} ${pad(cpu.toFixed(1), 4)} ${pad(rand(0, 12).toFixed(1), 4)} ${args}\n`
  })
  return out
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

function commandHandler(command: string, hostname: string, net: NetCounters): { kind: string; run: Handler } {
  if (command === 'LC_ALL=C uname -s') return { kind: 'uname', run: (channel) => finish(channel, 'Linux\n') }
  if (command === 'LC_ALL=C cat /proc/net/dev') return { kind: 'netdev', run: (channel) => finish(channel, net.render()) }
  const ps = /^LC_ALL=C ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu \| head -n (\d+)$/.exec(command)
  if (ps) return { kind: 'ps', run: (channel) => finish(channel, psOutput(Number(ps[1]) - 1)) }
  // Vigil's vmstat pipeline (commands.ts, linuxVmstat): the page size once, then before each
  // line of vmstat the page reclaim counter read from /proc/vmstat at that moment.
  const vmstat = /^LC_ALL=C vmstat -n -a (\d+) \| \{ LC_ALL=C getconf PAGESIZE /.exec(command)
  if (vmstat) {
    const ms = Number(vmstat[1]) * 1000
    let pgsteal = int(0, 1_000_000)
    const withPgsteal = (lines: string): string =>
      lines
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => `vigil-pgsteal ${(pgsteal += int(0, 50))}\n${line}\n`)
        .join('')
    return {
      kind: 'vmstat',
      run: (channel, track) => {
        // The first row is the since-boot average; then one row per interval.
        channel.write('vigil-pagesize 4096\n' + withPgsteal(VMSTAT_HEADER + vmstatRow(Date.now())))
        track(
          setInterval(() => {
            stats.vmstatRows++
            channel.write(withPgsteal(vmstatRow(Date.now())))
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
      return `:vigil-report: netstat procnetdev\n${net.render()}:vigil-report: process\n${psOutput(rows)}:vigil-report: end\n`
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
        channel.write(iostatBanner(hostname))
        track(
          setInterval(() => {
            stats.iostatReports++
            channel.write(iostatReport())
          }, seconds * 1000)
        )
      }
    }
  }
  return { kind: 'other', run: (channel) => finish(channel, '', 127, `sh: 1: ${command.split(' ')[0] ?? ''}: not found\n`) }
}

function serveClient(client: Connection, index: number): void {
  const hostname = `sim-${String(index).padStart(5, '0')}`
  const net = new NetCounters()
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
        const handler = commandHandler(info.command, hostname, net)
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
