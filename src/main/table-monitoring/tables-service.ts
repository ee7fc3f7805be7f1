import Type from 'typebox'
import { AppError } from '../../shared/errors'
import {
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_MAX_ROWS,
  DEFAULT_POLLING_INTERVAL,
  DEFAULT_TASKS_LIMIT,
  OracleTableConfigSchema,
  OracleTableCreateSchema,
  OracleTableListQuerySchema,
  type CurrentData,
  type MonitorNowResult,
  type OracleTable,
  type OracleTableConfig,
  type OracleTableCreate,
  type OracleTableListQuery,
  type OracleTask,
  type SnapshotDetail,
  type SnapshotSummary
} from '../../shared/oracle'
import { isoSeconds } from '../../shared/time'
import type { EventBus } from '../base/bus'
import { DIALECTS, type SqlDialect } from './sql/dialect'
import { messageOf } from '../base/text'
import { isUnavailable, type SnapshotMonitor } from './monitor/snapshot-monitor'
import { resolveColumn, validateOrderBy } from './sql/order-by'
import { buildProbeQuery } from './sql/snapshot-query'
import type { SnapshotSource, SourceTableDetail } from './sources/source'
import type { SnapshotSources } from './sources/sources'
import { validateWhereClause } from './sql/where-clause'
import type { OracleDatabaseView, OracleMonitoringRepo, OracleTableRow, OracleTableView } from './monitoring-repo'
import type { OracleDatabasesService } from './databases-service'
import { parseId, snapshotRows, toSnapshotSummary, toTable, toTask } from './views'
import { validated } from '../base/validated'

/** Time limit of the dictionary lookups and the probe query that check a configuration. */
const CHECK_TIMEOUT_MS = 30_000
const MAX_LIMIT = 1000

const LimitQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT })),
    include_data: Type.Optional(Type.Boolean())
  },
  { additionalProperties: true }
)

export const dialectOf = (engine: OracleDatabaseView['engine']): SqlDialect => (engine === 'postgresql' ? DIALECTS.postgres : DIALECTS.oracle)

/** A configuration as checked against the database: exact dictionary names, validated SQL fragments. */
interface CheckedConfig {
  schemaName: string
  tableName: string
  columns: string[]
  /** The key the diff will pair rows by: the primary key, or the row identity. */
  keyColumns: string[]
  whereClause: string | null
  orderBy: string | null
}

/**
 * The watched tables ("Oracle Monitoring APIs → 2. Oracle Tables"). A configuration is checked
 * against the database before it is saved: the table and the columns must exist (names are
 * taken as the dictionary spells them), the WHERE text passes the tokenizer's checks and then
 * the database's own parser (the snapshot query with `AND 1 = 0`), and ORDER BY lists known
 * columns only.
 */
export class OracleTablesService {
  constructor(
    private readonly repo: OracleMonitoringRepo,
    private readonly databases: OracleDatabasesService,
    private readonly sources: SnapshotSources,
    private readonly monitor: SnapshotMonitor,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now
  ) {}

  list(query: OracleTableListQuery = {}): OracleTable[] {
    const q = validated<OracleTableListQuery>(OracleTableListQuerySchema, query)
    return this.repo.listTables({ databaseId: q.database_id, serverId: q.server_id }).map(toTable)
  }

  get(id: number | string): OracleTable {
    return toTable(this.row(id))
  }

  /**
   * Starts watching a table. The spec documents no create route for tables (its reference
   * implementation adds them from an admin page); POST /api/oracle-tables/ is Vigil's.
   */
  async add(input: OracleTableCreate): Promise<OracleTable> {
    const data = validated<OracleTableCreate>(OracleTableCreateSchema, input, {
      required_fields: ['database_id', 'schema_name', 'table_name']
    })
    const database = this.database(data.database_id)
    const checked = await this.check(database, data.schema_name, data.table_name, {
      columns: data.columns_to_monitor ?? [],
      whereClause: data.where_clause ?? null,
      orderBy: data.order_by ?? null
    })
    if (this.repo.tableIdByName(database.id, checked.schemaName, checked.tableName) !== undefined) {
      throw AppError.invalidField('table_name', `${checked.schemaName}.${checked.tableName} is already monitored on database '${database.name}'`)
    }
    const now = this.now()
    const id = this.repo.insertTable({
      database_id: database.id,
      schema_name: checked.schemaName,
      table_name: checked.tableName,
      columns_to_monitor: JSON.stringify(checked.columns),
      where_clause: checked.whereClause,
      order_by: checked.orderBy,
      polling_interval: data.polling_interval ?? DEFAULT_POLLING_INTERVAL,
      max_rows: data.max_rows ?? DEFAULT_MAX_ROWS,
      skip_unchanged: data.skip_unchanged ? 1 : 0,
      is_active: data.is_active === false ? 0 : 1,
      config_version: 1,
      key_columns: JSON.stringify(checked.keyColumns),
      created_at: now,
      updated_at: now,
      last_record_count: null,
      last_snapshot_at: null,
      last_status: null,
      last_error: null
    })
    this.monitor.reschedule(id)
    this.changed(database.id, id)
    return this.get(id)
  }

  remove(id: number | string): { id: number } {
    const row = this.row(id)
    this.repo.deleteTable(row.id)
    this.monitor.reschedule(row.id)
    this.changed(row.database_id, row.id)
    return { id: row.id }
  }

  /**
   * Changes what and how often a table is watched. A change to columns, WHERE or ORDER BY is
   * checked against the database first; a change to what a snapshot selects starts a new
   * baseline (the next snapshot is not diffed against one taken with the old configuration).
   */
  async updateConfig(id: number | string, changes: OracleTableConfig): Promise<OracleTable> {
    const current = this.row(id)
    const data = validated<OracleTableConfig>(OracleTableConfigSchema, changes)
    const patch: Partial<OracleTableRow> = {}
    const currentColumns = JSON.parse(current.columns_to_monitor) as string[]
    const selection = {
      columns: data.columns_to_monitor !== undefined ? (data.columns_to_monitor ?? []) : currentColumns,
      whereClause: data.where_clause !== undefined ? data.where_clause : current.where_clause,
      orderBy: data.order_by !== undefined ? data.order_by : current.order_by
    }
    const selectionChanged =
      JSON.stringify(selection.columns) !== current.columns_to_monitor ||
      blankToNull(selection.whereClause) !== current.where_clause ||
      blankToNull(selection.orderBy) !== current.order_by
    let selects = false
    if (selectionChanged) {
      const checked = await this.check(this.database(current.database_id), current.schema_name, current.table_name, selection)
      patch.columns_to_monitor = JSON.stringify(checked.columns)
      patch.where_clause = checked.whereClause
      patch.order_by = checked.orderBy
      patch.key_columns = JSON.stringify(checked.keyColumns)
      // `id` for Oracle's ID, or spaces around the WHERE text, select nothing new.
      selects =
        patch.columns_to_monitor !== current.columns_to_monitor || patch.where_clause !== current.where_clause || patch.order_by !== current.order_by
    }
    if (data.polling_interval !== undefined) patch.polling_interval = data.polling_interval
    if (data.is_active !== undefined) patch.is_active = data.is_active ? 1 : 0
    if (data.max_rows !== undefined) patch.max_rows = data.max_rows
    if (data.skip_unchanged !== undefined) patch.skip_unchanged = data.skip_unchanged ? 1 : 0
    if (selects || (patch.max_rows !== undefined && patch.max_rows !== current.max_rows)) {
      patch.config_version = current.config_version + 1
    }
    patch.updated_at = Math.max(this.now(), current.updated_at)
    // The row may have gone while the database was asked.
    this.row(current.id)
    this.repo.updateTable(current.id, patch)
    this.monitor.reschedule(current.id)
    this.changed(current.database_id, current.id)
    return this.get(current.id)
  }

  /** Takes a snapshot now and answers when it is stored (or failed). */
  async monitorNow(id: number | string): Promise<MonitorNowResult> {
    const row = this.row(id)
    const outcome = await this.monitor.runNow(row.id)
    return {
      success: outcome.status === 'completed',
      message: outcome.status === 'completed' ? 'Monitoring task completed' : `Monitoring task failed: ${outcome.error ?? 'unknown error'}`,
      task_id: outcome.taskId,
      records_collected: outcome.recordsCollected,
      collection_time: outcome.durationSeconds,
      snapshot_id: outcome.snapshotId,
      changes_detected: outcome.changesDetected,
      truncated: outcome.truncated
    }
  }

  /** The latest snapshot's rows; null when none has been taken yet. */
  currentData(id: number | string): CurrentData | null {
    const row = this.row(id)
    const latest = this.repo.latestSnapshot(row.id)
    if (!latest) return null
    const { columns, keyColumns, rows } = snapshotRows(this.repo, latest)
    return {
      table: { id: row.id, table_name: row.table_name, schema_name: row.schema_name },
      data: rows,
      record_count: latest.record_count,
      timestamp: isoSeconds(latest.taken_at),
      collection_duration: latest.collection_duration,
      snapshot_id: latest.id,
      columns,
      key_columns: keyColumns,
      truncated: latest.truncated === 1
    }
  }

  /** The newest snapshots, newest first (default 10); with include_data, each with all its rows. */
  history(id: number | string, query: { limit?: number; include_data?: boolean } = {}): Array<SnapshotSummary | SnapshotDetail> {
    const row = this.row(id)
    const q = validated<{ limit?: number; include_data?: boolean }>(LimitQuerySchema, query)
    const { rows } = this.repo.listSnapshots({ tableId: row.id }, q.limit ?? DEFAULT_HISTORY_LIMIT, 0)
    return rows.map((snapshot) => {
      const summary = toSnapshotSummary(this.repo, snapshot)
      if (!q.include_data) return summary
      const data = snapshotRows(this.repo, snapshot)
      return { ...summary, columns: data.columns, key_columns: data.keyColumns, data: data.rows }
    })
  }

  /** The newest tasks, newest first (default 20). */
  tasks(id: number | string, query: { limit?: number } = {}): OracleTask[] {
    const row = this.row(id)
    const q = validated<{ limit?: number }>(LimitQuerySchema, query)
    return this.repo.listTasks({ tableId: row.id }, q.limit ?? DEFAULT_TASKS_LIMIT, 0).rows.map(toTask)
  }

  row(id: number | string): OracleTableView {
    const numeric = parseId(id)
    const row = numeric === undefined ? undefined : this.repo.getTable(numeric)
    if (!row) throw new AppError('not_found', `Table with ID '${String(id)}' not found`)
    return row
  }

  private database(id: number): OracleDatabaseView {
    try {
      return this.databases.row(id)
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('database_id', `No database with ID '${id}' is registered`)
      throw error
    }
  }

  private async check(
    database: OracleDatabaseView,
    schemaName: string,
    tableName: string,
    config: { columns: readonly string[]; whereClause: string | null; orderBy: string | null }
  ): Promise<CheckedConfig> {
    const dialect = dialectOf(database.engine)
    // What can be judged without the database first: a ';' or a comment needs no connection to refuse.
    const whereClause = blankToNull(config.whereClause)?.trim() ?? null
    if (whereClause !== null) validateWhereClause(whereClause, dialect.name)
    const duplicate = config.columns.find((column, index) => config.columns.indexOf(column) !== index)
    if (duplicate !== undefined) throw AppError.invalidField('columns_to_monitor', `lists column '${duplicate}' more than once`)

    const source = this.sources.get(database.id)
    const detail = await this.findTable(database, source, schemaName, tableName)
    const known = detail.columns.map((column) => column.name)
    const columns = config.columns.map((column) => resolveColumn(column, known, 'columns_to_monitor'))
    const resolvedDuplicate = columns.find((column, index) => columns.indexOf(column) !== index)
    if (resolvedDuplicate !== undefined) throw AppError.invalidField('columns_to_monitor', `names column '${resolvedDuplicate}' more than once`)
    const orderBy = blankToNull(config.orderBy)?.trim() ?? null
    const orderItems = validateOrderBy(orderBy, known)

    // The database's parser has the last word on the WHERE text: the snapshot query with
    // `AND 1 = 0` is parsed, planned and type-checked without reading a row.
    const probe = buildProbeQuery(dialect, {
      owner: detail.owner,
      table: detail.name,
      columns: columns.length > 0 ? columns : known,
      keyColumns: detail.primaryKey,
      where: whereClause,
      orderBy: orderItems,
      maxRows: 1
    })
    try {
      await source.query(probe.sql, probe.binds, { timeoutMs: CHECK_TIMEOUT_MS })
    } catch (error) {
      if (isUnavailable(error)) throw this.unreachable(database, error)
      const aboutTable = error instanceof AppError && (error.code === 'forbidden' || error.code === 'not_found')
      const field = whereClause !== null && !aboutTable ? 'where_clause' : 'table_name'
      // The sources already word statement errors for the where_clause ("… could not run the snapshot query: …").
      const worded = error instanceof AppError && error.field === field
      throw AppError.invalidField(field, worded ? messageOf(error) : `was refused by the database: ${messageOf(error)}`)
    }
    return { schemaName: detail.owner, tableName: detail.name, columns, keyColumns: probe.keyColumns, whereClause, orderBy }
  }

  /** The table as the dictionary names it: exactly as typed, else the one table matching without case. */
  private async findTable(database: OracleDatabaseView, source: SnapshotSource, schemaName: string, tableName: string): Promise<SourceTableDetail> {
    const describe = (owner: string, name: string): Promise<SourceTableDetail | null> =>
      source.describeTable(owner, name).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'not_found') return null
        throw isUnavailable(error) ? this.unreachable(database, error) : error
      })
    const exact = await describe(schemaName, tableName)
    if (exact) return exact
    let candidates
    try {
      candidates = (await source.listTables()).filter(
        (table) => table.owner.toUpperCase() === schemaName.toUpperCase() && table.name.toUpperCase() === tableName.toUpperCase()
      )
    } catch (error) {
      throw isUnavailable(error) ? this.unreachable(database, error) : error
    }
    if (candidates.length > 1) {
      throw AppError.invalidField('table_name', `'${schemaName}.${tableName}' matches several tables (${candidates.map((t) => `${t.owner}.${t.name}`).join(', ')}): give the exact name`)
    }
    const match = candidates[0] && (await describe(candidates[0].owner, candidates[0].name))
    if (!match) {
      throw AppError.invalidField('table_name', `No table ${schemaName}.${tableName} that user '${database.username}' can read on database '${database.name}'`)
    }
    return match
  }

  private unreachable(database: OracleDatabaseView, error: unknown): AppError {
    return new AppError('unavailable', `Could not check the table on database '${database.name}': ${messageOf(error)}`, {
      extra: { reason: 'unreachable' }
    })
  }

  private changed(databaseId: number, tableId: number): void {
    this.bus.publish('oracle.changed', { databases: [databaseId], tables: [tableId] })
  }
}

function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value
}
