// Checks a conversion before the old tables go: per group, the old table's rows and the
// store's agree in count, first and last time, and an order-independent checksum of times and
// values (row-digest.ts). Both sides are read in full, once each; nothing is sorted. The store's
// samples from the cutoff on (collected while the conversion ran) are not the copy's: left out.
import type Database from 'better-sqlite3'
import { RowDigest } from '../base/series/row-digest'
import type { SeriesStore } from '../base/series/series-store'
import type { SampleValues } from './samples'
import { groupIdentity } from '../base/series/group-catalog'
import type { OldTable } from './series-conversion-tables'

export interface GroupSummary {
  rows: number
  firstTs: number | null
  lastTs: number | null
  checksum: string
}

/** A group whose rows differ: `old` or `stored` is null when that side has no such group. */
export interface GroupMismatch {
  table: string
  metric: string
  labels: Record<string, string>
  old: GroupSummary | null
  stored: GroupSummary | null
}

export interface VerifyOptions {
  /** Only the store's samples older than this are compared: newer ones were collected since the copy began. */
  before?: number
  /** Told of every few thousand rows read (from either side) and awaited: a turn for the event loop. */
  onRows?: (rows: number) => Promise<void> | void
}

/** Rows read between two calls of onRows. */
const ROWS_PER_STEP = 2_000

/** The groups of `table` whose rows in the store differ from the old table's (none: verified). */
export async function verifyTable(reader: Database.Database, store: SeriesStore, table: OldTable, options: VerifyOptions = {}): Promise<GroupMismatch[]> {
  const before = options.before ?? Infinity
  let unreported = 0
  const report = async (): Promise<void> => {
    const rowsRead = unreported
    unreported = 0
    await options.onRows?.(rowsRead)
  }
  const old = new Map<string, { labels: Record<string, string>; digest: RowDigest }>()
  const byColumns = new Map<string, RowDigest>()
  for (const row of reader.prepare(`SELECT * FROM ${table.table}`).iterate() as Iterable<SampleValues>) {
    const columns = JSON.stringify(table.groupColumns.map((column) => row[column]))
    let digest = byColumns.get(columns)
    if (!digest) {
      const key = table.groupKey(row)
      const identity = groupIdentity(key)
      const known = old.get(identity)
      digest = known?.digest ?? new RowDigest()
      if (!known) old.set(identity, { labels: { ...key.labels }, digest })
      byColumns.set(columns, digest)
    }
    digest.add(row[table.time] as number, table.values(row))
    if (++unreported >= ROWS_PER_STEP) await report()
  }

  const mismatches: GroupMismatch[] = []
  const seen = new Set<string>()
  for (const group of store.select([{ name: '__name__', op: '=', value: table.seriesMetric }])) {
    const identity = groupIdentity(group)
    seen.add(identity)
    const digest = new RowDigest()
    const oldRows = old.get(identity)?.digest.summary() ?? null
    // Everything before the cutoff (integer milliseconds: up to before - 1), read in windows of
    // about ROWS_PER_STEP of the old rows, so a long group does not hold the event loop.
    for (const [start, end] of windows(oldRows, before - 1)) {
      const range = store.read(group.id, start, end)
      for (let i = 0; i < range.ts.length; i++) digest.add(range.ts[i] as number, range.columns.map((column) => column[i] ?? null))
      unreported += range.ts.length
      if (unreported >= ROWS_PER_STEP) await report()
    }
    const after = digest.summary()
    // A group the store knows but holds no copied rows of (none in the old table either: a new
    // process, a new server) is no difference.
    if (oldRows === null && after.rows === 0) continue
    if (oldRows === null || !sameSummary(oldRows, after)) {
      mismatches.push({ table: table.table, metric: table.seriesMetric, labels: { ...group.labels }, old: oldRows, stored: after })
    }
  }
  for (const [identity, { labels, digest }] of old) {
    if (!seen.has(identity)) mismatches.push({ table: table.table, metric: table.seriesMetric, labels, old: digest.summary(), stored: null })
  }
  if (unreported > 0) await report()
  return mismatches
}

/** [start, end] ranges that cover up to `last` (from -Infinity), each holding about ROWS_PER_STEP of `rows` if spread as the old rows are. */
function windows(rows: GroupSummary | null, last: number): Array<[number, number]> {
  if (rows === null || rows.firstTs === null || rows.lastTs === null || rows.rows <= ROWS_PER_STEP) return [[-Infinity, last]]
  const span = Math.max(1, Math.ceil((rows.lastTs - rows.firstTs + 1) / Math.ceil(rows.rows / ROWS_PER_STEP)))
  const ranges: Array<[number, number]> = []
  let start = -Infinity
  for (let end = rows.firstTs + span - 1; end < last; end += span) {
    ranges.push([start, end])
    start = end + 1
  }
  ranges.push([start, last])
  return ranges
}

function sameSummary(a: GroupSummary, b: GroupSummary): boolean {
  return a.rows === b.rows && a.firstTs === b.firstTs && a.lastTs === b.lastTs && a.checksum === b.checksum
}

/** One line per mismatch, for a log or an error message. */
export function describeMismatch(mismatch: GroupMismatch): string {
  const labels = Object.entries(mismatch.labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ')
  const side = (summary: GroupSummary | null): string =>
    summary === null ? 'no such group' : `${summary.rows} rows ${summary.firstTs}..${summary.lastTs} #${summary.checksum}`
  return `${mismatch.table} ${mismatch.metric}{${labels}}: old ${side(mismatch.old)}, stored ${side(mismatch.stored)}`
}
