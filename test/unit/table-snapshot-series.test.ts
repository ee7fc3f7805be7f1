// The watched tables' snapshot counts in the series store: snapshots stored before the counts
// were series (an upgraded data dir) or lost from them (a crash between the two writes) are
// caught up once, in order, and never twice; a table's series go with it.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../src/main/base/db/db'
import { STALE } from '../../src/main/base/series/sample'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { createOracleMonitoringRepo } from '../../src/main/table-monitoring/monitoring-repo'
import { SnapshotCountSeries, TABLE_SNAPSHOT_MATCHERS } from '../../src/main/table-monitoring/snapshot-series'
import { MetricsMaintenance } from '../../src/main/metrics/metrics-maintenance'
import { MetricsStore } from '../../src/main/metrics/metrics-store'
import { makeTempDir } from '../helpers/temp-dir'

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0)
let temp: ReturnType<typeof makeTempDir>
let db: Db
let series: SeriesStore

beforeEach(() => {
  temp = makeTempDir()
  db = openDb(join(temp.dir, 'vigil.db'))
  db.exec(`INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES ('s1', 'db-host', '192.0.2.1', 'u', 0, 0);
    INSERT INTO oracle_databases (id, server_id, name, engine, host, port, username, created_at, updated_at) VALUES (7, 's1', 'PROD', 'oracle', 'h', 1521, 'u', 0, 0);
    INSERT INTO oracle_tables (id, database_id, schema_name, table_name, created_at, updated_at) VALUES (3, 7, 'HR', 'EMPLOYEES', 0, 0);
    INSERT INTO oracle_snapshot_data (id, table_id, columns, key_columns, rows_json, preview_json) VALUES (1, 3, '[]', '[]', '[]', '[]')`)
  series = new SeriesStore(db, { logDir: join(temp.dir, 'series-head') })
})
afterEach(() => {
  series.close()
  db.close()
  temp.remove()
})

function snapshot(minute: number, counts: { rows: number; added?: number; removed?: number; changed?: number; baseline?: boolean }): void {
  db.prepare(
    `INSERT INTO oracle_snapshots (table_id, data_id, taken_at, record_count, collection_duration, truncated, config_version, baseline, added, removed, changed)
     VALUES (3, 1, ?, ?, 0.25, 0, 1, ?, ?, ?, ?)`
  ).run(T0 + minute * 60_000, counts.rows, counts.baseline ? 1 : 0, counts.added ?? 0, counts.removed ?? 0, counts.changed ?? 0)
}

function stored(): Array<[number, ...unknown[]]> {
  const [group] = series.select(TABLE_SNAPSHOT_MATCHERS)
  if (!group) return []
  expect(group.labels).toEqual({ table_id: '3', database_id: '7' })
  const range = series.read(group.id, 0, Infinity)
  return range.ts.map((ts, row) => [(ts - T0) / 60_000, ...range.columns.map((column) => column[row])])
}

describe('snapshot counts as series', () => {
  it('catches up the snapshots taken before, in order, once; a baseline has no added, removed or changed', () => {
    const counts = new SnapshotCountSeries(series, createOracleMonitoringRepo(db))
    snapshot(0, { rows: 100, baseline: true })
    snapshot(1, { rows: 101, added: 2, removed: 1, changed: 4 })
    counts.catchUp()
    counts.catchUp()
    expect(stored()).toEqual([
      [0, 100, null, null, null, 0.25, 0],
      [1, 101, 2, 1, 4, 0.25, 0]
    ])
    // Snapshots stored while the series missed them (a crash between the two writes) come next time.
    snapshot(2, { rows: 99, removed: 2 })
    snapshot(3, { rows: 99 })
    counts.catchUp([3])
    expect(stored().map(([minute, rows]) => [minute, rows])).toEqual([
      [0, 100],
      [1, 101],
      [2, 99],
      [3, 99]
    ])
    expect(stored().flat()).not.toContain(STALE)
  })

  it('names each table by the register, and forgets the series of a table no longer watched', () => {
    const counts = new SnapshotCountSeries(series, createOracleMonitoringRepo(db))
    snapshot(0, { rows: 1, baseline: true })
    counts.catchUp()
    expect(counts.tableLabels()).toEqual(new Map([['3', { server: 'db-host', database: 'PROD', engine: 'oracle', schema: 'HR', table: 'EMPLOYEES' }]]))
    counts.forgetDeleted()
    expect(stored()).toHaveLength(1)
    db.exec('DELETE FROM oracle_tables WHERE id = 3')
    counts.forgetDeleted()
    expect(series.select(TABLE_SNAPSHOT_MATCHERS)).toEqual([])
  })

  it('is kept as long as raw metrics', () => {
    const counts = new SnapshotCountSeries(series, createOracleMonitoringRepo(db))
    snapshot(0, { rows: 1, baseline: true })
    counts.catchUp()
    series.cutAll()
    const retention = { rawDays: 7, minuteRollupDays: 30, hourRollupDays: 400 }
    const maintain = (days: number) => {
      const maintenance = new MetricsMaintenance(new MetricsStore(series), retention, () => T0 + days * 86_400_000)
      maintenance.retainAsRaw(TABLE_SNAPSHOT_MATCHERS)
      maintenance.run()
    }
    maintain(6)
    expect(stored()).toHaveLength(1)
    maintain(8)
    expect(stored()).toEqual([])
  })
})
