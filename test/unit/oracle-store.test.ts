// The table-monitoring store (migration 009) on a real SQLite file: shared row data, pruning,
// cascades, and tasks left behind by a stopped Vigil.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../src/main/base/db/db'
import { createOracleMonitoringRepo, type OracleMonitoringRepo } from '../../src/main/table-monitoring/monitoring-repo'
import { makeTempDir } from '../helpers/temp-dir'

let temp: ReturnType<typeof makeTempDir>
let db: Db
let repo: OracleMonitoringRepo
let tableId: number

beforeEach(() => {
  temp = makeTempDir()
  db = openDb(join(temp.dir, 'vigil.db'))
  repo = createOracleMonitoringRepo(db)
  db.prepare(
    `INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES ('550e8400-e29b-41d4-a716-446655440000', 'db-01', '192.0.2.1', 'admin', 0, 0)`
  ).run()
  const databaseId = repo.insertDatabase({
    server_id: '550e8400-e29b-41d4-a716-446655440000',
    name: 'ProductionDB',
    engine: 'oracle',
    host: '192.0.2.200',
    port: 1521,
    sid: 'PROD',
    service_name: null,
    database_name: null,
    username: 'monitor_user',
    password_enc: null,
    connection_timeout: 30,
    is_active: 1,
    created_at: 0,
    updated_at: 0,
    last_connection_test: null,
    connection_status: 'unknown',
    connection_error: null,
    database_version: null
  })
  tableId = repo.insertTable({
    database_id: databaseId,
    schema_name: 'HR',
    table_name: 'USERS',
    columns_to_monitor: '[]',
    where_clause: null,
    order_by: null,
    polling_interval: 30,
    max_rows: 10_000,
    skip_unchanged: 0,
    is_active: 1,
    config_version: 1,
    key_columns: '[]',
    created_at: 0,
    updated_at: 0,
    last_record_count: null,
    last_snapshot_at: null,
    last_status: null,
    last_error: null
  })
})
afterEach(() => {
  db.close()
  temp.remove()
})

const task = (status: 'pending' | 'running' | 'completed' = 'completed') =>
  repo.insertTask({ table_id: tableId, status, trigger: 'schedule', created_at: 0, started_at: null, completed_at: null, duration: null, records_collected: null, error_message: null, snapshot_id: null })

function snapshot(dataId: number, at: number): number {
  return repo.insertSnapshot({
    table_id: tableId,
    task_id: task(),
    data_id: dataId,
    taken_at: at,
    record_count: 1,
    collection_duration: 0.1,
    truncated: 0,
    config_version: 1,
    baseline: 0,
    added: 0,
    removed: 0,
    changed: 0,
    changed_keys: '{}',
    fingerprint: null,
    fetched: 1
  })
}

const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n

describe('oracle monitoring store', () => {
  it('keeps the newest snapshots and the row data they still share', () => {
    const first = repo.insertData(tableId, ['ID'], ['ID'], '[[1]]', '[[1]]')
    const second = repo.insertData(tableId, ['ID'], ['ID'], '[[2]]', '[[2]]')
    snapshot(first, 1)
    snapshot(first, 2)
    const kept = [snapshot(first, 3), snapshot(second, 4)]
    expect(repo.pruneSnapshots(tableId, 2)).toBe(2)
    expect((db.prepare('SELECT id FROM oracle_snapshots ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id)).toEqual(kept)
    expect(count('oracle_snapshot_data')).toBe(2)
    expect(repo.pruneSnapshots(tableId, 1)).toBe(1)
    expect(count('oracle_snapshot_data')).toBe(1)
    expect(repo.getData(second)?.rows_json).toBe('[[2]]')
    expect(repo.getDataPreview(second)).toEqual({ id: second, table_id: tableId, columns: '["ID"]', key_columns: '["ID"]', preview_json: '[[2]]' })
  })

  it('deletes snapshots, their data and tasks with their table, and tables with their server', () => {
    snapshot(repo.insertData(tableId, ['ID'], ['ID'], '[]', '[]'), 1)
    expect(count('oracle_tasks')).toBe(1)
    db.prepare('DELETE FROM servers').run()
    for (const table of ['oracle_databases', 'oracle_tables', 'oracle_snapshots', 'oracle_snapshot_data', 'oracle_tasks']) expect(count(table), table).toBe(0)
  })

  it('fails tasks a stopped Vigil left pending or running', () => {
    const pending = task('pending')
    const running = task('running')
    const done = task('completed')
    expect(repo.failUnfinishedTasks(5)).toBe(2)
    for (const id of [pending, running]) expect(repo.getTask(id)).toMatchObject({ status: 'failed', completed_at: 5, error_message: 'Vigil stopped before the task finished' })
    expect(repo.getTask(done)?.status).toBe('completed')
  })

  it('keeps the newest tasks of a table', () => {
    const ids = [task(), task(), task()]
    expect(repo.pruneTasks(tableId, 2)).toBe(1)
    expect(repo.listTasks({ tableId }, 10, 0).rows.map((row) => row.id)).toEqual([ids[2], ids[1]])
  })
})
