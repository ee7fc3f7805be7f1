// Each watched table's snapshot counts as series (what the Prometheus face reads as
// vigil_table_*): one store group per table, a sample per snapshot at the time it was taken —
// the rows it selected, the rows added, removed and changed since the one before, how long it
// took and whether it stopped at max_rows. The snapshots themselves stay in their tables (and are
// pruned to the table's history); their counts are kept as long as raw metrics are.
import { METRIC_LABEL } from '../base/series/group-catalog'
import type { LabelMatcher } from '../base/series/matchers'
import type { SampleValue } from '../base/series/sample'
import type { GroupKey, SeriesStore } from '../base/series/series-store'
import type { OracleMonitoringRepo, SnapshotRow } from './monitoring-repo'

export const TABLE_SNAPSHOT_METRIC = 'table_snapshot'
export const TABLE_ID_LABEL = 'table_id'
export const DATABASE_ID_LABEL = 'database_id'
export const TABLE_SNAPSHOT_COLUMNS = ['rows', 'added', 'removed', 'changed', 'duration_seconds', 'truncated'] as const

/** The matchers of every table's snapshot group (for retention). */
export const TABLE_SNAPSHOT_MATCHERS: readonly LabelMatcher[] = [{ name: METRIC_LABEL, op: '=', value: TABLE_SNAPSHOT_METRIC }]

function groupKey(tableId: number, databaseId: number): GroupKey {
  return {
    metric: TABLE_SNAPSHOT_METRIC,
    labels: { [TABLE_ID_LABEL]: String(tableId), [DATABASE_ID_LABEL]: String(databaseId) },
    columns: TABLE_SNAPSHOT_COLUMNS
  }
}

/** A snapshot's counts; a baseline (the first of its configuration) compares with nothing: no added, removed or changed. */
function sampleOf(snapshot: SnapshotRow): SampleValue[] {
  const compared = snapshot.baseline === 0
  return [
    snapshot.record_count,
    compared ? snapshot.added : null,
    compared ? snapshot.removed : null,
    compared ? snapshot.changed : null,
    snapshot.collection_duration,
    snapshot.truncated
  ]
}

export interface WatchedTableLabels {
  server: string
  database: string
  engine: string
  schema: string
  table: string
}

export class SnapshotCountSeries {
  constructor(
    private readonly series: SeriesStore,
    private readonly repo: OracleMonitoringRepo
  ) {}

  /**
   * Stores every snapshot not in the series yet, of every table: at start, the snapshots taken
   * before the series existed (or before a crash lost the last ones); after a snapshot, it.
   */
  catchUp(tableIds: readonly number[] = this.repo.listTables().map((table) => table.id)): void {
    for (const tableId of tableIds) {
      const table = this.repo.getTable(tableId)
      if (!table) continue
      const group = this.series.groupId(groupKey(table.id, table.database_id))
      let newest = this.series.lastTs(group) ?? -Infinity
      for (const snapshot of this.repo.snapshotsAfter(table.id, newest)) {
        if (snapshot.taken_at <= newest) continue
        this.series.append(group, snapshot.taken_at, sampleOf(snapshot))
        newest = snapshot.taken_at
      }
    }
    this.series.flush()
  }

  /** The labels each watched table's series carry beside its ids, by table id: names looked up when read, so a rename relabels. */
  tableLabels(): Map<string, WatchedTableLabels> {
    return new Map(
      this.repo.listTables().map((table) => [
        String(table.id),
        { server: table.server_hostname, database: table.database_name, engine: table.engine, schema: table.schema_name, table: table.table_name }
      ])
    )
  }

  /** Deletes the series of tables no longer watched (deleted, or gone with their database or server). */
  forgetDeleted(): void {
    const watched = new Set(this.repo.listTables().map((table) => String(table.id)))
    for (const group of this.series.select(TABLE_SNAPSHOT_MATCHERS)) {
      const tableId = group.labels[TABLE_ID_LABEL] ?? ''
      if (!watched.has(tableId)) this.series.deleteGroups([...TABLE_SNAPSHOT_MATCHERS, { name: TABLE_ID_LABEL, op: '=', value: tableId }])
    }
  }
}
