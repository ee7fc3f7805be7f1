// Checks a conversion before the old tables go: per group, the old table's rows and the
// store's agree in count, first and last time, and an order-independent checksum of times and
// values (row-digest.ts). Both sides are read in full, once each; nothing is sorted.
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

/** The groups of `table` whose rows in the store differ from the old table's (none: verified). */
export function verifyTable(reader: Database.Database, store: SeriesStore, table: OldTable): GroupMismatch[] {
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
  }

  const mismatches: GroupMismatch[] = []
  const seen = new Set<string>()
  for (const group of store.select([{ name: '__name__', op: '=', value: table.seriesMetric }])) {
    const identity = groupIdentity(group)
    seen.add(identity)
    const digest = new RowDigest()
    const range = store.read(group.id, -Infinity, Infinity)
    for (let i = 0; i < range.ts.length; i++) digest.add(range.ts[i] as number, range.columns.map((column) => column[i] ?? null))
    const before = old.get(identity)?.digest.summary() ?? null
    const after = digest.summary()
    // A group the store knows but holds no rows of (none in the old table either) is no difference.
    if (before === null && after.rows === 0) continue
    if (before === null || !sameSummary(before, after)) {
      mismatches.push({ table: table.table, metric: table.seriesMetric, labels: { ...group.labels }, old: before, stored: after })
    }
  }
  for (const [identity, { labels, digest }] of old) {
    if (!seen.has(identity)) mismatches.push({ table: table.table, metric: table.seriesMetric, labels, old: digest.summary(), stored: null })
  }
  return mismatches
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
