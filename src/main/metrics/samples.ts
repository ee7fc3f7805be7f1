// What the metrics feature stores and reads back: batches of rows as collectors take them, and
// the rows, roll-ups and process aggregates the APIs answer with.
import type { MetricName } from '../../shared/metrics'

export type SampleValues = Record<string, string | number | null>

/** The metrics kept with 1-minute and 1-hour roll-ups (processes are kept raw only). */
export const ROLLED_UP = ['vmstat', 'iostat', 'netstat'] as const
export type RolledUpMetric = (typeof ROLLED_UP)[number]

/** A batch of rows taken at one moment from one server. */
export interface SampleBatch {
  metric: MetricName
  serverId: string
  ts: number
  rows: readonly SampleValues[]
}

/** A stored row with the server's names, as the metrics API returns it. */
export type StoredSample = SampleValues & {
  id: number
  server_id: string
  ts: number
  server_hostname: string
  server_alias: string | null
}

/** A roll-up row: `n` samples, and `{field}_min`, `{field}_avg`, `{field}_max` per numeric field. */
export type StoredRollup = SampleValues & {
  resolution: number
  server_id: string
  bucket: number
  n: number
  server_hostname: string
  server_alias: string | null
}

export interface RangeQuery {
  serverId?: string
  start: number
  end: number
  /** Rows at most; -1 for all. */
  limit: number
  offset: number
  /** Process samples only: just these pids. */
  pids?: readonly number[]
}

export interface ProcessAggregateQuery extends RangeQuery {
  intervalMs: number
}

export interface ProcessAggregateRow {
  bucket: number
  server_id: string
  server_hostname: string
  server_alias: string | null
  pid: number
  command: string
  user: string
  avg_cpu: number | null
  max_cpu: number | null
  min_cpu: number | null
  avg_mem: number | null
  max_mem: number | null
  min_mem: number | null
  count: number
}

/** What orders processes busiest first. */
export interface ProcessLoad {
  pid: number
  cpu: number | null
  mem: number | null
}

/** Busiest first: cpu, then mem, descending (missing last), then pid — as ps sorts, and top lists show. */
export function compareBusiest(a: ProcessLoad, b: ProcessLoad): number {
  return descending(a.cpu, b.cpu) || descending(a.mem, b.mem) || a.pid - b.pid
}

function descending(a: number | null, b: number | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  return b - a
}

/** Text compared as SQLite compares it (by code point, for the names Vigil stores). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
