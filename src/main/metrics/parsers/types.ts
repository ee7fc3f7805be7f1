// The contract between collectors and parsers. Parsers are pure and total: any text in,
// rows or an error value out, never a throw. Field names are the spec's
// (servers-metrics-oracle-api.md); units and per-OS sources are in src/shared/metrics-catalogue.ts.
// A field an OS cannot supply is null, never a made-up value.

export type { OsKind } from '../../base/exec/os'

export type Parsed<T> = { ok: true; rows: T[] } | { ok: false; error: string }

/** One vmstat interval. */
export interface VmstatSample {
  r: number | null
  b: number | null
  avm: number | null
  fre: number | null
  pi: number | null
  po: number | null
  fr: number | null
  interface_in: number | null
  cs: number | null
  us: number | null
  sy: number | null
  idle: number | null
  /** Vigil extension: I/O wait %, for the CPU chart. */
  wa: number | null
}

/** One disk in one iostat interval. */
export interface IostatSample {
  disk: string
  tps: number | null
  kb_read: number | null
  kb_wrtn: number | null
  kb_read_rate: number | null
  kb_wrtn_rate: number | null
  service_time: number | null
}

/** Cumulative interface counters as the OS reports them; the collector turns them into rates. */
export interface InterfaceCounters {
  interface: string
  ipkts: number
  ierrs: number
  opkts: number
  oerrs: number
}

/** One netstat row as stored and sent: counters, per-second rates over the last interval, and the sample time. */
export interface NetstatSample extends InterfaceCounters {
  ipkts_rate: number | null
  ierrs_rate: number | null
  opkts_rate: number | null
  oerrs_rate: number | null
  /** Epoch seconds of the sample. */
  time: number
}

/** One process from a ps snapshot. */
export interface ProcessSample {
  pid: number
  user: string
  cpu: number | null
  mem: number | null
  command: string
}

/** Incremental parser for a command that prints one report per interval (vmstat N, iostat N). */
export interface StreamParser<T> {
  /** Feeds raw output (any chunking); returns the rows this chunk completed, each as soon as its line ends. */
  push(chunk: string): Parsed<T>
}
