import type { Db } from '../base/db/db'

// The table-monitoring store (migration 009): databases, their watched tables, snapshots with
// their shared row data, and the tasks that took them. Times are epoch milliseconds.

export interface OracleDatabaseRow {
  id: number
  server_id: string
  name: string
  engine: 'oracle' | 'postgresql'
  host: string
  port: number
  sid: string | null
  service_name: string | null
  database_name: string | null
  username: string
  password_enc: string | null
  connection_timeout: number
  is_active: number
  created_at: number
  updated_at: number
  last_connection_test: number | null
  connection_status: 'connected' | 'failed' | 'unknown'
  connection_error: string | null
  database_version: string | null
}

/** A database row with its server's hostname and how many tables it watches. */
export type OracleDatabaseView = OracleDatabaseRow & { server_hostname: string; monitored_tables_count: number }

export interface OracleTableRow {
  id: number
  database_id: number
  schema_name: string
  table_name: string
  /** JSON array of dictionary names; [] for every column. */
  columns_to_monitor: string
  where_clause: string | null
  order_by: string | null
  polling_interval: number
  max_rows: number
  skip_unchanged: number
  is_active: number
  config_version: number
  /** JSON array: the key the last snapshot was diffed by. */
  key_columns: string
  created_at: number
  updated_at: number
  last_record_count: number | null
  last_snapshot_at: number | null
  last_status: 'ok' | 'error' | null
  last_error: string | null
}

/** A table row with what the API shows of its database and server. */
export type OracleTableView = OracleTableRow & {
  database_name: string
  database_active: number
  engine: 'oracle' | 'postgresql'
  server_id: string
  server_hostname: string
}

export interface SnapshotDataRow {
  id: number
  table_id: number
  columns: string
  key_columns: string
  rows_json: string
  preview_json: string
}

export interface SnapshotRow {
  id: number
  table_id: number
  task_id: number | null
  data_id: number
  taken_at: number
  record_count: number
  collection_duration: number
  truncated: number
  config_version: number
  baseline: number
  added: number
  removed: number
  changed: number
  changed_keys: string
  fingerprint: string | null
  fetched: number
}

export type SnapshotView = SnapshotRow & {
  schema_name: string
  table_name: string
  database_id: number
  database_name: string
  server_id: string
  server_hostname: string
}

export interface TaskRow {
  id: number
  table_id: number
  status: 'pending' | 'running' | 'completed' | 'failed'
  trigger: 'schedule' | 'manual'
  created_at: number
  started_at: number | null
  completed_at: number | null
  duration: number | null
  records_collected: number | null
  error_message: string | null
  snapshot_id: number | null
}

export type TaskView = TaskRow & {
  schema_name: string
  table_name: string
  database_id: number
  database_name: string
  server_hostname: string
}

export interface TableFilter {
  databaseId?: number
  serverId?: string
}

export interface SnapshotFilter extends TableFilter {
  tableId?: number
}

export interface TaskFilter {
  tableId?: number
  databaseId?: number
  status?: string
}

const DATABASE_COLUMNS: readonly (keyof Omit<OracleDatabaseRow, 'id'>)[] = [
  'server_id', 'name', 'engine', 'host', 'port', 'sid', 'service_name', 'database_name', 'username', 'password_enc',
  'connection_timeout', 'is_active', 'created_at', 'updated_at', 'last_connection_test', 'connection_status',
  'connection_error', 'database_version'
]
const TABLE_COLUMNS: readonly (keyof Omit<OracleTableRow, 'id'>)[] = [
  'database_id', 'schema_name', 'table_name', 'columns_to_monitor', 'where_clause', 'order_by', 'polling_interval', 'max_rows',
  'skip_unchanged', 'is_active', 'config_version', 'key_columns', 'created_at', 'updated_at', 'last_record_count',
  'last_snapshot_at', 'last_status', 'last_error'
]
const SNAPSHOT_COLUMNS: readonly (keyof Omit<SnapshotRow, 'id'>)[] = [
  'table_id', 'task_id', 'data_id', 'taken_at', 'record_count', 'collection_duration', 'truncated', 'config_version', 'baseline',
  'added', 'removed', 'changed', 'changed_keys', 'fingerprint', 'fetched'
]
const TASK_COLUMNS: readonly (keyof Omit<TaskRow, 'id'>)[] = [
  'table_id', 'status', 'trigger', 'created_at', 'started_at', 'completed_at', 'duration', 'records_collected', 'error_message',
  'snapshot_id'
]
const DATABASE_UPDATABLE = new Set<string>(DATABASE_COLUMNS.filter((c) => c !== 'created_at'))
const TABLE_UPDATABLE = new Set<string>(TABLE_COLUMNS.filter((c) => c !== 'created_at' && c !== 'database_id'))
const TASK_UPDATABLE = new Set<string>(TASK_COLUMNS.filter((c) => c !== 'table_id' && c !== 'created_at'))

const DATABASE_SELECT = `
  SELECT d.*, s.hostname AS server_hostname,
    (SELECT COUNT(*) FROM oracle_tables t WHERE t.database_id = d.id AND t.is_active = 1) AS monitored_tables_count
  FROM oracle_databases d JOIN servers s ON s.id = d.server_id`

const TABLE_SELECT = `
  SELECT t.*, d.name AS database_name, d.is_active AS database_active, d.engine AS engine, d.server_id AS server_id,
    s.hostname AS server_hostname
  FROM oracle_tables t JOIN oracle_databases d ON d.id = t.database_id JOIN servers s ON s.id = d.server_id`

const SNAPSHOT_SELECT = `
  SELECT n.*, t.schema_name, t.table_name, t.database_id, d.name AS database_name, d.server_id, s.hostname AS server_hostname
  FROM oracle_snapshots n JOIN oracle_tables t ON t.id = n.table_id JOIN oracle_databases d ON d.id = t.database_id
  JOIN servers s ON s.id = d.server_id`

const TASK_SELECT = `
  SELECT k.*, t.schema_name, t.table_name, t.database_id, d.name AS database_name, s.hostname AS server_hostname
  FROM oracle_tasks k JOIN oracle_tables t ON t.id = k.table_id JOIN oracle_databases d ON d.id = t.database_id
  JOIN servers s ON s.id = d.server_id`

function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`
}

function whereOf(clauses: Array<[string, unknown] | false | undefined>): { sql: string; params: unknown[] } {
  const present = clauses.filter((c): c is [string, unknown] => Array.isArray(c))
  return { sql: present.length ? `WHERE ${present.map(([sql]) => sql).join(' AND ')}` : '', params: present.map(([, value]) => value) }
}

export type OracleMonitoringRepo = ReturnType<typeof createOracleMonitoringRepo>

export function createOracleMonitoringRepo(db: Db) {
  const insertDatabase = db.prepare(insertSql('oracle_databases', DATABASE_COLUMNS))
  const insertTable = db.prepare(insertSql('oracle_tables', TABLE_COLUMNS))
  const insertSnapshot = db.prepare(insertSql('oracle_snapshots', SNAPSHOT_COLUMNS))
  const insertTask = db.prepare(insertSql('oracle_tasks', TASK_COLUMNS))
  const insertData = db.prepare(
    'INSERT INTO oracle_snapshot_data (table_id, columns, key_columns, rows_json, preview_json) VALUES (?, ?, ?, ?, ?)'
  )
  const databaseById = db.prepare(`${DATABASE_SELECT} WHERE d.id = ?`)
  const databaseByName = db.prepare('SELECT id FROM oracle_databases WHERE name = ?')
  const tableById = db.prepare(`${TABLE_SELECT} WHERE t.id = ?`)
  const tableByName = db.prepare('SELECT id FROM oracle_tables WHERE database_id = ? AND schema_name = ? AND table_name = ?')
  const snapshotById = db.prepare(`${SNAPSHOT_SELECT} WHERE n.id = ?`)
  const latestSnapshot = db.prepare(`${SNAPSHOT_SELECT} WHERE n.table_id = ? ORDER BY n.id DESC LIMIT 1`)
  const previousSnapshot = db.prepare(`${SNAPSHOT_SELECT} WHERE n.table_id = ? AND n.id < ? ORDER BY n.id DESC LIMIT 1`)
  const dataById = db.prepare('SELECT * FROM oracle_snapshot_data WHERE id = ?')
  const dataPreviewById = db.prepare('SELECT id, table_id, columns, key_columns, preview_json FROM oracle_snapshot_data WHERE id = ?')
  const taskById = db.prepare(`${TASK_SELECT} WHERE k.id = ?`)

  const update = (table: string, allowed: Set<string>, id: number, changes: Record<string, unknown>): void => {
    const columns = Object.keys(changes).filter((column) => allowed.has(column) && changes[column] !== undefined)
    if (columns.length === 0) return
    db.prepare(`UPDATE ${table} SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({
      ...Object.fromEntries(columns.map((c) => [c, changes[c]])),
      id
    })
  }

  const tableWhere = (filter: TableFilter) =>
    whereOf([
      filter.databaseId !== undefined && ['t.database_id = ?', filter.databaseId],
      filter.serverId !== undefined && ['d.server_id = ?', filter.serverId.toLowerCase()]
    ])
  const snapshotWhere = (filter: SnapshotFilter) =>
    whereOf([
      filter.tableId !== undefined && ['n.table_id = ?', filter.tableId],
      filter.databaseId !== undefined && ['t.database_id = ?', filter.databaseId],
      filter.serverId !== undefined && ['d.server_id = ?', filter.serverId.toLowerCase()]
    ])
  const taskWhere = (filter: TaskFilter) =>
    whereOf([
      filter.tableId !== undefined && ['k.table_id = ?', filter.tableId],
      filter.databaseId !== undefined && ['t.database_id = ?', filter.databaseId],
      filter.status !== undefined && ['k.status = ?', filter.status]
    ])

  return {
    /** Runs `work` in one transaction. */
    transaction<T>(work: () => T): T {
      return db.transaction(work)()
    },

    // --- databases
    insertDatabase(row: Omit<OracleDatabaseRow, 'id'>): number {
      return Number(insertDatabase.run(row).lastInsertRowid)
    },
    getDatabase(id: number): OracleDatabaseView | undefined {
      return databaseById.get(id) as OracleDatabaseView | undefined
    },
    databaseIdByName(name: string): number | undefined {
      return (databaseByName.get(name) as { id: number } | undefined)?.id
    },
    updateDatabase(id: number, changes: Partial<OracleDatabaseRow>): void {
      update('oracle_databases', DATABASE_UPDATABLE, id, changes)
    },
    deleteDatabase(id: number): boolean {
      return db.prepare('DELETE FROM oracle_databases WHERE id = ?').run(id).changes > 0
    },
    listDatabases(filter: { serverId?: string } = {}): OracleDatabaseView[] {
      const { sql, params } = whereOf([filter.serverId !== undefined && ['d.server_id = ?', filter.serverId.toLowerCase()]])
      return db.prepare(`${DATABASE_SELECT} ${sql} ORDER BY d.name COLLATE NOCASE, d.id`).all(...params) as OracleDatabaseView[]
    },
    databaseIds(): number[] {
      return (db.prepare('SELECT id FROM oracle_databases').all() as Array<{ id: number }>).map((row) => row.id)
    },

    // --- tables
    insertTable(row: Omit<OracleTableRow, 'id'>): number {
      return Number(insertTable.run(row).lastInsertRowid)
    },
    getTable(id: number): OracleTableView | undefined {
      return tableById.get(id) as OracleTableView | undefined
    },
    tableIdByName(databaseId: number, schema: string, table: string): number | undefined {
      return (tableByName.get(databaseId, schema, table) as { id: number } | undefined)?.id
    },
    updateTable(id: number, changes: Partial<OracleTableRow>): void {
      update('oracle_tables', TABLE_UPDATABLE, id, changes)
    },
    deleteTable(id: number): boolean {
      return db.prepare('DELETE FROM oracle_tables WHERE id = ?').run(id).changes > 0
    },
    listTables(filter: TableFilter = {}): OracleTableView[] {
      const { sql, params } = tableWhere(filter)
      return db.prepare(`${TABLE_SELECT} ${sql} ORDER BY t.database_id, t.schema_name, t.table_name, t.id`).all(...params) as OracleTableView[]
    },
    /** Tables the monitor runs: active, of an active database. */
    activeTables(): OracleTableView[] {
      return db.prepare(`${TABLE_SELECT} WHERE t.is_active = 1 AND d.is_active = 1 ORDER BY t.id`).all() as OracleTableView[]
    },

    // --- snapshots and their rows
    insertData(tableId: number, columns: readonly string[], keyColumns: readonly string[], rowsJson: string, previewJson: string): number {
      return Number(insertData.run(tableId, JSON.stringify(columns), JSON.stringify(keyColumns), rowsJson, previewJson).lastInsertRowid)
    },
    /** The columns, key and first rows of a snapshot's data, without the rows themselves. */
    getDataPreview(id: number): Omit<SnapshotDataRow, 'rows_json'> | undefined {
      return dataPreviewById.get(id) as Omit<SnapshotDataRow, 'rows_json'> | undefined
    },
    getData(id: number): SnapshotDataRow | undefined {
      return dataById.get(id) as SnapshotDataRow | undefined
    },
    insertSnapshot(row: Omit<SnapshotRow, 'id'>): number {
      return Number(insertSnapshot.run(row).lastInsertRowid)
    },
    getSnapshot(id: number): SnapshotView | undefined {
      return snapshotById.get(id) as SnapshotView | undefined
    },
    latestSnapshot(tableId: number): SnapshotView | undefined {
      return latestSnapshot.get(tableId) as SnapshotView | undefined
    },
    previousSnapshot(tableId: number, beforeId: number): SnapshotView | undefined {
      return previousSnapshot.get(tableId, beforeId) as SnapshotView | undefined
    },
    listSnapshots(filter: SnapshotFilter, limit: number, offset: number): { rows: SnapshotView[]; total: number } {
      const { sql, params } = snapshotWhere(filter)
      const join = 'FROM oracle_snapshots n JOIN oracle_tables t ON t.id = n.table_id JOIN oracle_databases d ON d.id = t.database_id'
      const total = (db.prepare(`SELECT COUNT(*) AS n ${join} ${sql}`).get(...params) as { n: number }).n
      const rows = db.prepare(`${SNAPSHOT_SELECT} ${sql} ORDER BY n.id DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as SnapshotView[]
      return { rows, total }
    },
    /** The newest snapshot of every table (that has one), newest first. */
    latestByTable(filter: TableFilter = {}): SnapshotView[] {
      const { sql, params } = tableWhere(filter)
      const latest = `n.id = (SELECT MAX(id) FROM oracle_snapshots WHERE table_id = t.id)`
      const where = sql ? `${sql} AND ${latest}` : `WHERE ${latest}`
      return db.prepare(`${SNAPSHOT_SELECT} ${where} ORDER BY n.taken_at DESC, n.id DESC`).all(...params) as SnapshotView[]
    },
    /** A table's snapshots taken after `afterTs` (ms), oldest first. */
    snapshotsAfter(tableId: number, afterTs: number): SnapshotRow[] {
      return db.prepare('SELECT * FROM oracle_snapshots WHERE table_id = ? AND taken_at > ? ORDER BY taken_at, id').all(tableId, afterTs) as SnapshotRow[]
    },
    countSnapshotsSince(since: number): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM oracle_snapshots WHERE taken_at >= ?').get(since) as { n: number }).n
    },
    /**
     * Keeps the newest `keep` snapshots of the table and drops the row data no kept snapshot
     * uses any more. Returns how many snapshots went.
     */
    pruneSnapshots(tableId: number, keep: number): number {
      return db.transaction(() => {
        const removed = db
          .prepare(
            `DELETE FROM oracle_snapshots WHERE table_id = ? AND id NOT IN
               (SELECT id FROM oracle_snapshots WHERE table_id = ? ORDER BY id DESC LIMIT ?)`
          )
          .run(tableId, tableId, keep).changes
        if (removed > 0) {
          db.prepare(
            `DELETE FROM oracle_snapshot_data WHERE table_id = ? AND id NOT IN (SELECT data_id FROM oracle_snapshots WHERE table_id = ?)`
          ).run(tableId, tableId)
        }
        return removed
      })()
    },

    // --- tasks
    insertTask(row: Omit<TaskRow, 'id'>): number {
      return Number(insertTask.run(row).lastInsertRowid)
    },
    updateTask(id: number, changes: Partial<TaskRow>): void {
      update('oracle_tasks', TASK_UPDATABLE, id, changes)
    },
    getTask(id: number): TaskView | undefined {
      return taskById.get(id) as TaskView | undefined
    },
    listTasks(filter: TaskFilter, limit: number, offset: number): { rows: TaskView[]; total: number } {
      const { sql, params } = taskWhere(filter)
      const join = 'FROM oracle_tasks k JOIN oracle_tables t ON t.id = k.table_id'
      const total = (db.prepare(`SELECT COUNT(*) AS n ${join} ${sql}`).get(...params) as { n: number }).n
      const rows = db.prepare(`${TASK_SELECT} ${sql} ORDER BY k.id DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as TaskView[]
      return { rows, total }
    },
    taskCounts(filter: { databaseId?: number; since?: number } = {}): Record<TaskRow['status'], number> & { total: number } {
      const { sql, params } = whereOf([
        filter.databaseId !== undefined && ['t.database_id = ?', filter.databaseId],
        filter.since !== undefined && ['k.created_at >= ?', filter.since]
      ])
      const rows = db
        .prepare(`SELECT k.status AS status, COUNT(*) AS n FROM oracle_tasks k JOIN oracle_tables t ON t.id = k.table_id ${sql} GROUP BY k.status`)
        .all(...params) as Array<{ status: TaskRow['status']; n: number }>
      const counts = { pending: 0, running: 0, completed: 0, failed: 0, total: 0 }
      for (const { status, n } of rows) {
        counts[status] = n
        counts.total += n
      }
      return counts
    },
    countFailuresSince(since: number): number {
      return (db.prepare("SELECT COUNT(*) AS n FROM oracle_tasks WHERE status = 'failed' AND created_at >= ?").get(since) as { n: number }).n
    },
    pruneTasks(tableId: number, keep: number): number {
      return db
        .prepare(`DELETE FROM oracle_tasks WHERE table_id = ? AND id NOT IN (SELECT id FROM oracle_tasks WHERE table_id = ? ORDER BY id DESC LIMIT ?)`)
        .run(tableId, tableId, keep).changes
    },
    /** Tasks a previous run of Vigil left pending or running (it stopped or crashed): they failed. */
    failUnfinishedTasks(now: number): number {
      return db
        .prepare(
          `UPDATE oracle_tasks SET status = 'failed', completed_at = ?, error_message = 'Vigil stopped before the task finished'
           WHERE status IN ('pending', 'running')`
        )
        .run(now).changes
    }
  }
}
