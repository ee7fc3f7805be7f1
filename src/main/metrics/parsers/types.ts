// The contract between collectors and parsers. Parsers are pure and total: any text in,
// rows or an error value out, never a throw. Field names are the spec's
// (servers-metrics-oracle-api.md); units and per-OS sources are in src/shared/metrics-catalogue.ts.
// A field an OS cannot supply is null, never a made-up value.

import { excerpt } from '../../base/text'

export type { OsKind } from '../../base/exec/os'

/**
 * What a parser read. `rejected`: lines where a row belongs that could not be read under their
 * header (another layout, a new column, a decimal comma…), each as a message quoting the line —
 * the rows that could be read are still there. `cleanReports` (streams): reports that ended in
 * this chunk with every row read, which tells a collector a failing metric is well again; a
 * one-shot parse is one whole report.
 */
export type Parsed<T> = { ok: true; rows: T[]; rejected?: string[]; cleanReports?: number } | { ok: false; error: string }

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

/** The message for a line that stands where a row belongs but does not read under its header. */
export function rejectedRow(line: string, header: string): string {
  return `a line does not match its header "${excerpt(header, 100)}": ${excerpt(line, 200)}`
}
