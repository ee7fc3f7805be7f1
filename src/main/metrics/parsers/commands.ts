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
}

/** A command run once per collection cycle; its whole output goes to a parser. */
export interface ExecCommand {
  readonly mode: 'exec'
  readonly command: string
}

export interface InterfacesCommand extends ExecCommand {
  readonly source: InterfaceSource
}

export interface OsCommands {
  vmstat(intervalSeconds: number): StreamCommand
  iostat(intervalSeconds: number): StreamCommand
  /** In order of preference: use the next one when the one before fails or does not parse. */
  readonly interfaces: readonly InterfacesCommand[]
  processes(topN: number): ExecCommand
}

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

const stream = (command: string, dropsFirstReport: boolean): StreamCommand => Object.freeze({ mode: 'stream', command, dropsFirstReport })
const exec = (command: string): ExecCommand => Object.freeze({ mode: 'exec', command })

const linux: OsCommands = Object.freeze({
  // -a: active/inactive memory instead of buff/cache (avm is "active"); -n: one header only.
  vmstat: (seconds: number) => stream(`LC_ALL=C vmstat -n -a ${interval(seconds)}`, true),
  // -d: devices only; -k: kB; -y: no since-boot report, every report is an interval.
  iostat: (seconds: number) => stream(`LC_ALL=C iostat -d -k -y ${interval(seconds)}`, false),
  interfaces: Object.freeze([
    Object.freeze({ mode: 'exec', command: 'LC_ALL=C cat /proc/net/dev', source: 'procnetdev' } as const),
    Object.freeze({ mode: 'exec', command: 'LC_ALL=C netstat -i', source: 'netstat' } as const)
  ]),
  // -ww: never cut the command line; user:32 keeps long user names whole.
  processes: (count: number) => exec(`LC_ALL=C ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu | head -n ${topN(count) + 1}`)
})

const aix: OsCommands = Object.freeze({
  vmstat: (seconds: number) => stream(`LC_ALL=C vmstat ${interval(seconds)}`, true),
  iostat: (seconds: number) => stream(`LC_ALL=C iostat -d ${interval(seconds)}`, true),
  // -n: numeric addresses, so no name lookups can stall the command.
  interfaces: Object.freeze([Object.freeze({ mode: 'exec', command: 'LC_ALL=C netstat -in', source: 'netstat' } as const)]),
  // AIX ps cannot sort: keep its header line, sort the rest by %CPU (third column), keep N.
  processes: (count: number) =>
    exec(`LC_ALL=C ps -e -o pid,user,pcpu,pmem,args | { IFS= read -r h; printf '%s\\n' "$h"; LC_ALL=C sort -k3,3nr | head -n ${topN(count)}; }`)
})

export const COMMANDS: Readonly<Record<OsKind, OsCommands>> = Object.freeze({ linux, aix })
