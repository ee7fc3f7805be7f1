import type { InterfaceSource } from './interfaces'
import type { OsKind } from './types'

// The exact remote commands, per OS and metric. They are built only from numbers Vigil
// controls (an interval, a top-N), checked here, never from text a user typed. LC_ALL=C keeps
// decimal points, headers and dates in the form the parsers read.

/** A long-running command with an interval mode; its output goes to a StreamParser. */
export interface StreamCommand {
  readonly mode: 'stream'
  readonly command: string
  /** Whether the stream parser drops the first report as the since-boot one. */
  readonly dropsFirstReport: boolean
  /**
   * What to run instead on a host whose command refuses an option (sysstat before 10.1.3 has no
   * `iostat -y`): told by `refusal` matching what the command printed when it ended at once.
   */
  readonly fallback?: { readonly command: string; readonly dropsFirstReport: boolean; readonly refusal: RegExp }
}

/** A command run once per collection cycle; its whole output goes to a parser. */
export interface ExecCommand {
  readonly mode: 'exec'
  readonly command: string
}

export interface InterfacesCommand extends ExecCommand {
  readonly source: InterfaceSource
}

/**
 * The per-interval reports (interface counters, processes) as one long-running shell loop: each
 * interval it prints every report after a marker line (see reportMarker), ends the round with
 * the `end` marker, and sleeps the interval. One channel per server instead of two execs an
 * interval. When its channel closes, its next write kills it (SIGPIPE, or `|| exit`).
 */
export interface ReportLoopCommand {
  readonly mode: 'stream'
  readonly command: string
  /**
   * The same loop with the interface counters from `netstat -i` only: for a host whose
   * /proc/net/dev is readable but does not read as /proc/net/dev (the loop prefers it).
   */
  readonly fallback?: { readonly command: string }
}

export interface OsCommands {
  vmstat(intervalSeconds: number): StreamCommand
  iostat(intervalSeconds: number): StreamCommand
  /** In order of preference: use the next one when the one before fails or does not parse. */
  readonly interfaces: readonly InterfacesCommand[]
  processes(topN: number): ExecCommand
  /** netstat and process every interval, in one stream (the collector's way; `collectOnce` execs the two above). */
  reportLoop(intervalSeconds: number, topN: number): ReportLoopCommand
}

/**
 * Starts every marker line of the report loop: `:vigil-report: <section> [<source>]`. No line
 * of the reports can start with it: a /proc/net/dev or netstat -i line starts with blanks, an
 * interface name (never empty, so never the colon) or a header word; a ps line with blanks, a
 * pid or its header; what a failing command or the shell says with a program's name.
 */
export const REPORT_MARKER = ':vigil-report:'
/** The sections of a report (`netstat <source>`, `process`), and the marker that ends a round. */
export const REPORT_SECTIONS = Object.freeze({ netstat: 'netstat', process: 'process', end: 'end' } as const)

const marker = (words: string): string => `echo '${REPORT_MARKER} ${words}' || exit`

/**
 * The loop around a round of sections (shell text built here from fixed strings and checked
 * numbers). LC_ALL=C once, exported, for every command; each report's stderr goes with its
 * stdout so that an error is read (and shown) as its section.
 */
const reportLoop = (seconds: number, sections: readonly string[]): string =>
  `LC_ALL=C; export LC_ALL; while :; do ${sections.join('; ')}; ${marker(REPORT_SECTIONS.end)}; sleep ${interval(seconds)}; done`

export const MIN_INTERVAL_SECONDS = 1
export const MAX_INTERVAL_SECONDS = 86_400
export const MAX_TOP_PROCESSES = 1000

function wholeNumber(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be a whole number from ${min} to ${max}, not ${String(value)}`)
  }
  return value
}

const interval = (seconds: number): number => wholeNumber(seconds, MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS, 'interval')
const topN = (count: number): number => wholeNumber(count, 1, MAX_TOP_PROCESSES, 'top-N')

const stream = (command: string, dropsFirstReport: boolean, fallback?: StreamCommand['fallback']): StreamCommand =>
  Object.freeze({ mode: 'stream', command, dropsFirstReport, ...(fallback ? { fallback: Object.freeze(fallback) } : {}) })

/** sysstat's usage text (or getopt's complaint) when an option is unknown, printed as iostat exits. */
const IOSTAT_REFUSES_OPTION = /Usage: iostat|invalid option|unrecognized option/i

/**
 * Linux vmstat with the page reclaim counters: before each line of vmstat, the sum of the
 * kernel's pgsteal_* counters (pages reclaimed since boot: by kswapd, direct reclaim, khugepaged
 * and proactive reclaim, or per zone on kernels before 4.8; pgsteal_anon and pgsteal_file are
 * the same pages counted by kind, so left out), read from /proc/vmstat at that moment, and the
 * page size once at the start. The parser turns two readings a row apart into `fr`.
 */
const linuxVmstat = (seconds: number): string =>
  `LC_ALL=C vmstat -n -a ${seconds} | { LC_ALL=C getconf PAGESIZE | LC_ALL=C awk '{ print "vigil-pagesize", $1 }'; ` +
  `while IFS= read -r l; do LC_ALL=C awk '/^pgsteal_/ && $1 !~ /_(anon|file)$/ { s += $2; n++ } END { if (n) printf "vigil-pgsteal %.0f\\n", s }' /proc/vmstat; ` +
  `printf '%s\\n' "$l"; done; }`
const exec = (command: string): ExecCommand => Object.freeze({ mode: 'exec', command })
const loop = (command: string, fallback?: string): ReportLoopCommand =>
  Object.freeze({ mode: 'stream', command, ...(fallback ? { fallback: Object.freeze({ command: fallback }) } : {}) })

// -ww: never cut the command line; user:32 keeps long user names whole.
const LINUX_PS = 'ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu'
// AIX ps cannot sort: keep its header line, sort the rest by %CPU (third column), keep N.
const AIX_PS = 'ps -e -o pid,user,pcpu,pmem,args'
const aixSorted = (count: number, locale: string): string =>
  `{ IFS= read -r h; printf '%s\\n' "$h"; ${locale}sort -k3,3nr | head -n ${topN(count)}; }`

const linuxNetstatSection = `${marker(`${REPORT_SECTIONS.netstat} netstat`)}; netstat -i 2>&1`
const linuxProcessSection = (count: number): string => `${marker(REPORT_SECTIONS.process)}; ${LINUX_PS} 2>&1 | head -n ${topN(count) + 1}`

const linux: OsCommands = Object.freeze({
  // -a: active/inactive memory instead of buff/cache (avm is "active"); -n: one header only.
  vmstat: (seconds: number) => stream(linuxVmstat(interval(seconds)), true),
  // -d: devices only; -k: kB; -x: extended (%util, for the service time); -y: no since-boot
  // report. sysstat before 10.1.3 has no -y: there the first report is dropped by Vigil.
  iostat: (seconds: number) =>
    stream(`LC_ALL=C iostat -d -k -x -y ${interval(seconds)}`, false, {
      command: `LC_ALL=C iostat -d -k -x ${interval(seconds)}`,
      dropsFirstReport: true,
      refusal: IOSTAT_REFUSES_OPTION
    }),
  interfaces: Object.freeze([
    Object.freeze({ mode: 'exec', command: 'LC_ALL=C cat /proc/net/dev', source: 'procnetdev' } as const),
    Object.freeze({ mode: 'exec', command: 'LC_ALL=C netstat -i', source: 'netstat' } as const)
  ]),
  processes: (count: number) => exec(`LC_ALL=C ${LINUX_PS} | head -n ${topN(count) + 1}`),
  // /proc/net/dev when it can be read, else netstat -i; the marker says which one follows.
  reportLoop: (seconds: number, count: number) =>
    loop(
      reportLoop(seconds, [
        `if [ -r /proc/net/dev ]; then ${marker(`${REPORT_SECTIONS.netstat} procnetdev`)}; cat /proc/net/dev 2>&1; else ${linuxNetstatSection}; fi`,
        linuxProcessSection(count)
      ]),
      reportLoop(seconds, [linuxNetstatSection, linuxProcessSection(count)])
    )
})

const aix: OsCommands = Object.freeze({
  vmstat: (seconds: number) => stream(`LC_ALL=C vmstat ${interval(seconds)}`, true),
  // -D: the extended drive report (service times); its first report is since boot.
  iostat: (seconds: number) => stream(`LC_ALL=C iostat -dD ${interval(seconds)}`, true),
  // -n: numeric addresses, so no name lookups can stall the command.
  interfaces: Object.freeze([Object.freeze({ mode: 'exec', command: 'LC_ALL=C netstat -in', source: 'netstat' } as const)]),
  processes: (count: number) => exec(`LC_ALL=C ${AIX_PS} | ${aixSorted(count, 'LC_ALL=C ')}`),
  reportLoop: (seconds: number, count: number) =>
    loop(
      reportLoop(seconds, [
        `${marker(`${REPORT_SECTIONS.netstat} netstat`)}; netstat -in 2>&1`,
        `${marker(REPORT_SECTIONS.process)}; ${AIX_PS} 2>&1 | ${aixSorted(count, '')}`
      ])
    )
})

export const COMMANDS: Readonly<Record<OsKind, OsCommands>> = Object.freeze({ linux, aix })
