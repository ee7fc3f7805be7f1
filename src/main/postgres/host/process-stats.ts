// Per-process CPU, memory, disk I/O and I/O wait of PostgreSQL backends, read from /proc of
// the host PostgreSQL runs on: what the agent's activity plugin reports next to each backend.
//
// Two snapshots of /proc taken a short interval apart give the rates:
//   cpu      (utime + stime) delta of /proc/<pid>/stat, over the elapsed ticks of one CPU
//            (the /proc/stat "cpu" line's delta divided by the number of CPUs): percent of
//            one CPU, as top shows it. Children's times (cutime, cstime) are left out: a child
//            that exits (COPY ... PROGRAM) would add all its CPU to one short interval.
//   memory   rss pages of /proc/<pid>/stat × page size, over MemTotal of /proc/meminfo, in %.
//   read/write  read_bytes / write_bytes deltas of /proc/<pid>/io (what reached the storage
//            layer) over the elapsed seconds. /proc/<pid>/io is readable only by the process's
//            owner and root (ptrace access): when Vigil runs as another user these are null.
//   iow      the process is in uninterruptible sleep (state D), in the later snapshot.
//
// A pid whose /proc/<pid>/stat names no PostgreSQL program (comm 'postgres' or 'postmaster')
// is left out: the pids come from pg_stat_activity, and a server in a container publishes its
// port on this host while its pids belong to another pid namespace. A pid whose process start
// time changed between the snapshots was reused by another process and is left out too.
//
// The reading is behind ProcReader so that another host's /proc (over SSH) fits the same
// arithmetic: LocalProcReader reads this host's files, CommandProcReader reads them all with one
// shell command per snapshot (one SSH round trip).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import { promisify } from 'node:util'

/** What is known of one backend's process; null where /proc did not tell. */
export interface ProcessStats {
  /** Percent of one CPU over the sampling interval, 2 decimals. */
  cpu: number | null
  /** Resident memory as a percent of the host's total memory, 2 decimals. */
  memory: number | null
  /** Bytes per second read from storage over the sampling interval. */
  readBytesPerSecond: number | null
  /** Bytes per second written to storage over the sampling interval. */
  writeBytesPerSecond: number | null
  /** In uninterruptible sleep (state D), which is mostly waiting on disk I/O. */
  ioWait: boolean | null
}

/** Stats for a list of pids of one PostgreSQL host. */
export interface ProcessStatsSource {
  /** The pids it could identify as PostgreSQL processes; a pid missing from the map: nothing is known of it. */
  sample(pids: readonly number[]): Promise<Map<number, ProcessStats>>
}

/** The raw text of the /proc files at one moment; null for a file that could not be read. */
export interface ProcSnapshot {
  /** Monotonic clock, in seconds, when the files were read: only differences between snapshots mean something. */
  at: number
  /** /proc/stat */
  stat: string | null
  /** /proc/meminfo */
  meminfo: string | null
  /** /proc/<pid>/stat and /proc/<pid>/io of each pid asked for. */
  pids: Map<number, { stat: string | null; io: string | null }>
}

/** Reads the /proc files of one host. */
export interface ProcReader {
  snapshot(pids: readonly number[]): Promise<ProcSnapshot>
  /** Bytes per memory page (rss in /proc/<pid>/stat counts pages); null if unknown. */
  pageSize(): Promise<number | null>
}

/** The fields of /proc/<pid>/stat Vigil uses. */
export interface PidStat {
  /** Executable name, at most 15 characters. */
  comm: string
  /** One letter: R running, S sleeping, D uninterruptible sleep, Z zombie, … */
  state: string
  /** utime + stime, in clock ticks. */
  cpuTicks: number
  /** Clock ticks after boot when the process started: tells a reused pid. */
  startTime: number
  rssPages: number
}

/** Aggregate CPU time of the host, from /proc/stat. */
export interface CpuTotals {
  /** user + nice + system + idle + iowait + irq + softirq + steal of the "cpu" line, in clock ticks. */
  totalTicks: number
  /** Online CPUs (cpuN lines). */
  cpus: number
}

export interface PidIo {
  readBytes: number
  writeBytes: number
}

const POSTGRES_PROGRAMS = new Set(['postgres', 'postmaster'])

function toCount(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null
  return Number(text)
}

/**
 * Parses /proc/<pid>/stat. The command name is in parentheses and may itself hold spaces and
 * parentheses, so the fields after it are counted from the last ')'.
 */
export function parsePidStat(text: string): PidStat | null {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) return null
  // Fields 3 onwards (man 5 proc): rest[0] is field 3, so field n is rest[n - 3].
  const rest = text.slice(close + 1).trim().split(/\s+/)
  const state = rest[0]
  const utime = toCount(rest[11])
  const stime = toCount(rest[12])
  const startTime = toCount(rest[19])
  const rssPages = toCount(rest[21])
  if (!state || !/^[A-Za-z]$/.test(state) || utime === null || stime === null || startTime === null || rssPages === null) return null
  return { comm: text.slice(open + 1, close), state, cpuTicks: utime + stime, startTime, rssPages }
}

/** Parses /proc/<pid>/io. */
export function parsePidIo(text: string): PidIo | null {
  const readBytes = toCount(/^read_bytes:\s*(\d+)\s*$/m.exec(text)?.[1])
  const writeBytes = toCount(/^write_bytes:\s*(\d+)\s*$/m.exec(text)?.[1])
  if (readBytes === null || writeBytes === null) return null
  return { readBytes, writeBytes }
}

/** Parses /proc/stat's aggregate "cpu" line and counts the cpuN lines. */
export function parseCpuTotals(text: string): CpuTotals | null {
  const aggregate = /^cpu\s+(.*)$/m.exec(text)?.[1]
  if (!aggregate) return null
  // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
  const ticks = aggregate.trim().split(/\s+/).slice(0, 8).map((field) => toCount(field))
  if (ticks.length < 4 || ticks.some((tick) => tick === null)) return null
  const cpus = text.match(/^cpu\d+\s/gm)?.length ?? 0
  if (cpus === 0) return null
  return { totalTicks: ticks.reduce<number>((sum, tick) => sum + (tick ?? 0), 0), cpus }
}

/** MemTotal of /proc/meminfo, in bytes. */
export function parseMemTotal(text: string): number | null {
  const kib = toCount(/^MemTotal:\s*(\d+)\s*kB\s*$/m.exec(text)?.[1])
  return kib === null || kib === 0 ? null : kib * 1024
}

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

/** Ticks one CPU spent between two /proc/stat readings: what 100 % of one CPU means over the interval. */
function oneCpuTicks(before: string | null, after: string | null): number | null {
  const first = before === null ? null : parseCpuTotals(before)
  const second = after === null ? null : parseCpuTotals(after)
  if (!first || !second) return null
  const elapsed = (second.totalTicks - first.totalTicks) / second.cpus
  return elapsed > 0 ? elapsed : null
}

/** The stats of every PostgreSQL process present in both snapshots (see the file comment). */
export function computeProcessStats(before: ProcSnapshot, after: ProcSnapshot, pageSize: number | null): Map<number, ProcessStats> {
  const stats = new Map<number, ProcessStats>()
  const cpuTicks = oneCpuTicks(before.stat, after.stat)
  const memTotal = after.meminfo === null ? null : parseMemTotal(after.meminfo)
  const seconds = after.at - before.at

  for (const [pid, later] of after.pids) {
    const earlier = before.pids.get(pid)
    const first = earlier?.stat ? parsePidStat(earlier.stat) : null
    const second = later.stat ? parsePidStat(later.stat) : null
    if (!first || !second || !POSTGRES_PROGRAMS.has(second.comm) || first.startTime !== second.startTime) continue

    const firstIo = earlier?.io ? parsePidIo(earlier.io) : null
    const secondIo = later.io ? parsePidIo(later.io) : null
    const ioKnown = firstIo !== null && secondIo !== null && seconds > 0
    stats.set(pid, {
      cpu: cpuTicks === null ? null : round2((100 * Math.max(0, second.cpuTicks - first.cpuTicks)) / cpuTicks),
      memory: memTotal === null || pageSize === null ? null : round2((100 * second.rssPages * pageSize) / memTotal),
      readBytesPerSecond: ioKnown ? Math.max(0, secondIo.readBytes - firstIo.readBytes) / seconds : null,
      writeBytesPerSecond: ioKnown ? Math.max(0, secondIo.writeBytes - firstIo.writeBytes) / seconds : null,
      ioWait: second.state === 'D'
    })
  }
  return stats
}

/** Samples /proc twice, `intervalMs` apart, through a reader. */
export class ProcfsProcessStats implements ProcessStatsSource {
  constructor(
    private readonly reader: ProcReader,
    /** Longer is more precise (CPU time counts in 10 ms ticks) but makes the answer wait as long. */
    private readonly intervalMs = 250
  ) {}

  async sample(pids: readonly number[]): Promise<Map<number, ProcessStats>> {
    if (pids.length === 0) return new Map()
    const before = await this.reader.snapshot(pids)
    await delay(this.intervalMs)
    const after = await this.reader.snapshot(pids)
    return computeProcessStats(before, after, await this.reader.pageSize())
  }
}

const run = promisify(execFile)

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    // Gone (the backend exited), or not ours to read (/proc/<pid>/io of another user's process).
    return null
  }
}

/** Reads this host's /proc. */
export class LocalProcReader implements ProcReader {
  private pageSizeOnce: Promise<number | null> | null = null

  async snapshot(pids: readonly number[]): Promise<ProcSnapshot> {
    const [stat, meminfo, perPid] = await Promise.all([
      readOrNull('/proc/stat'),
      readOrNull('/proc/meminfo'),
      Promise.all(pids.map(async (pid) => [pid, { stat: await readOrNull(`/proc/${pid}/stat`), io: await readOrNull(`/proc/${pid}/io`) }] as const))
    ])
    return { at: performance.now() / 1000, stat, meminfo, pids: new Map(perPid) }
  }

  /** Node has no getpagesize(); getconf asks libc once. */
  pageSize(): Promise<number | null> {
    this.pageSizeOnce ??= run('getconf', ['PAGESIZE'], { encoding: 'utf8' }).then(
      ({ stdout }) => toCount(stdout.trim()),
      () => null
    )
    return this.pageSizeOnce
  }
}

/** Runs one shell command on the PostgreSQL host and gives its standard output. */
export type ProcCommand = (command: string) => Promise<string>

/** The largest pid Linux hands out (PID_MAX_LIMIT on 64-bit). */
const PID_MAX = 4_194_304

/** The pids a snapshot command may name: positive integers no larger than PID_MAX, each once. */
export function validPids(pids: readonly number[]): number[] {
  return [...new Set(pids.filter((pid) => Number.isSafeInteger(pid) && pid > 0 && pid <= PID_MAX))]
}

/**
 * The one command that prints every file a snapshot needs, each between marker lines that carry
 * `nonce` (so that no process name or file content can pose as one):
 *
 *   @<nonce> begin <name>            the file's text follows
 *   @<nonce> end <exit status>       cat's (getconf's) exit status: 0 when the text is whole
 *
 * Names: pagesize (getconf PAGESIZE), uptime, stat, meminfo, <pid>/stat, <pid>/io. It runs under
 * /bin/sh whatever the account's login shell is; it is made of fixed text, the nonce (hex) and
 * the pids (integers), so nothing in it needs quoting but the script itself.
 */
export function buildProcSnapshotCommand(pids: readonly number[], nonce: string): string {
  if (!/^[0-9a-f]{8,64}$/.test(nonce)) throw new Error('The snapshot nonce must be 8 to 64 lower-case hex digits')
  const list = validPids(pids)
  const script = [
    `s() { n=$1; shift; echo "@${nonce} begin $n"; "$@" 2>/dev/null; echo "@${nonce} end $?"; }`,
    's pagesize getconf PAGESIZE',
    's uptime cat /proc/uptime',
    's stat cat /proc/stat',
    's meminfo cat /proc/meminfo',
    ...(list.length > 0 ? [`for p in ${list.join(' ')}; do s $p/stat cat /proc/$p/stat; s $p/io cat /proc/$p/io; done`] : [])
  ].join('; ')
  return `env LC_ALL=C /bin/sh -c '${script}'`
}

/** The sections of a snapshot command's output, by name; a section whose command failed is null. */
export function parseProcSnapshotOutput(output: string, nonce: string): Map<string, string | null> {
  const sections = new Map<string, string | null>()
  const begin = `@${nonce} begin `
  const end = `@${nonce} end `
  let at = 0
  for (;;) {
    const start = output.indexOf(begin, at)
    if (start < 0) break
    const nameEnd = output.indexOf('\n', start)
    if (nameEnd < 0) break
    const name = output.slice(start + begin.length, nameEnd)
    const close = output.indexOf(end, nameEnd + 1)
    if (close < 0) break
    const statusEnd = output.indexOf('\n', close)
    const status = output.slice(close + end.length, statusEnd < 0 ? undefined : statusEnd).trim()
    // The text ends where the end marker begins (files end with a newline, kept as a local read keeps it).
    sections.set(name, status === '0' ? output.slice(nameEnd + 1, close) : null)
    at = statusEnd < 0 ? output.length : statusEnd + 1
  }
  return sections
}

/** Seconds since boot from /proc/uptime: the remote host's own clock for the snapshot time. */
function parseUptime(text: string | null | undefined): number | null {
  const seconds = Number(/^(\d+(?:\.\d+)?)\s/.exec(text ?? '')?.[1])
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null
}

/**
 * Reads the /proc files of another host through a command runner (a server over SSH): one
 * command per snapshot (see buildProcSnapshotCommand). A command that cannot run gives a snapshot
 * in which nothing is known, so the backends are still listed, without the host's fields.
 */
export class CommandProcReader implements ProcReader {
  private knownPageSize: number | null = null

  constructor(
    private readonly run: ProcCommand,
    private readonly nonce: () => string = () => randomBytes(8).toString('hex')
  ) {}

  async snapshot(pids: readonly number[]): Promise<ProcSnapshot> {
    const nonce = this.nonce()
    const asked = validPids(pids)
    let sections = new Map<string, string | null>()
    try {
      sections = parseProcSnapshotOutput(await this.run(buildProcSnapshotCommand(asked, nonce)), nonce)
    } catch {
      // Unreachable host or a failed command: this snapshot knows nothing.
    }
    const pageSize = toCount(sections.get('pagesize')?.trim())
    if (pageSize !== null && pageSize > 0) this.knownPageSize = pageSize
    return {
      // The host's uptime rather than ours: the round trip's delay does not count as elapsed time.
      at: parseUptime(sections.get('uptime')) ?? performance.now() / 1000,
      stat: sections.get('stat') ?? null,
      meminfo: sections.get('meminfo') ?? null,
      pids: new Map(asked.map((pid) => [pid, { stat: sections.get(`${pid}/stat`) ?? null, io: sections.get(`${pid}/io`) ?? null }]))
    }
  }

  /** Learned from the snapshots (getconf PAGESIZE is part of each). */
  async pageSize(): Promise<number | null> {
    return this.knownPageSize
  }
}
