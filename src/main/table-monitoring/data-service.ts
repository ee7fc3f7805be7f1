import { AppError } from '../../shared/errors'
import {
  DATA_PER_PAGE,
  MAX_DATA_PER_PAGE,
  OracleDataListQuerySchema,
  OracleTaskListQuerySchema,
  type DatabaseStatus,
  type OracleDashboard,
  type OracleDataListQuery,
  type OracleTask,
  type OracleTaskListQuery,
  type SnapshotDetail,
  type SnapshotDiffView,
  type SnapshotPage,
  type SnapshotSummary,
  type TaskPage,
  type TaskStatistics
} from '../../shared/oracle'
import { isoSeconds } from '../../shared/time'
import { diffSnapshots, type SnapshotRow } from './monitor/diff'
import type { OracleMonitoringRepo, SnapshotView } from './monitoring-repo'
import type { OracleDatabasesService } from './databases-service'
import { changeSummary, parseId, snapshotRows, toSnapshotSummary, toTask } from './views'
import { validated } from '../base/validated'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** Tables listed under the dashboard's latest_data, the most recently read first. */
const DASHBOARD_LATEST = 10

/**
 * "3. Oracle Data", "4. Oracle Monitoring Tasks" and "5. Oracle Dashboard": what the monitor
 * stored, read back. "Recent" means the last 24 hours (recent_failures_1h: the last hour).
 */
export class OracleDataService {
  constructor(
    private readonly repo: OracleMonitoringRepo,
    private readonly databases: OracleDatabasesService,
    private readonly now: () => number = Date.now
  ) {}

  /** Snapshots, newest first, paginated as the spec's "Pagination" says. */
  list(query: OracleDataListQuery = {}): SnapshotPage {
    const q = validated<OracleDataListQuery>(OracleDataListQuerySchema, query)
    const { perPage, page, offset } = paging(q)
    const { rows, total } = this.repo.listSnapshots({ tableId: q.table_id, databaseId: q.database_id, serverId: q.server_id }, perPage, offset)
    return { ...pageInfo(total, page, perPage), results: rows.map((row) => toSnapshotSummary(this.repo, row)) }
  }

  /** The newest snapshot of every table, with its first five rows. */
  latestByTable(): SnapshotSummary[] {
    return this.repo.latestByTable().map((row) => toSnapshotSummary(this.repo, row))
  }

  /** One snapshot with all its rows. */
  get(id: number | string): SnapshotDetail {
    const row = this.snapshot(id)
    const data = snapshotRows(this.repo, row)
    return { ...toSnapshotSummary(this.repo, row), columns: data.columns, key_columns: data.keyColumns, data: data.rows }
  }

  /** All rows of a snapshot, or the first `limit` (the WebSocket's data). */
  rows(id: number, limit = Infinity): { rows: SnapshotRow[]; total: number } {
    const row = this.repo.getSnapshot(id)
    if (!row) return { rows: [], total: 0 }
    return { rows: snapshotRows(this.repo, row, limit).rows, total: row.record_count }
  }

  /**
   * The snapshot against its predecessor, row by row: added and removed rows, and changed rows
   * with both versions and the columns that differ. The first snapshot, and the first after a
   * configuration change, is a baseline with nothing to compare.
   */
  diff(id: number | string): SnapshotDiffView {
    const row = this.snapshot(id)
    const current = snapshotRows(this.repo, row)
    const base = {
      snapshot_id: row.id,
      table: row.table_id,
      timestamp: isoSeconds(row.taken_at),
      columns: current.columns,
      key_columns: current.keyColumns
    }
    const previous = this.repo.previousSnapshot(row.table_id, row.id)
    const comparable = previous && previous.config_version === row.config_version && row.baseline === 0 ? previous : null
    if (!comparable) {
      return { ...base, previous_snapshot_id: null, baseline: true, added: [], removed: [], changed: [], unchanged: current.rows.length, duplicate_keys: 0 }
    }
    const before = comparable.data_id === row.data_id ? current : snapshotRows(this.repo, comparable)
    const diff = diffSnapshots(before.rows, current.rows, { keyColumns: current.keyColumns, columns: current.columns })
    return {
      ...base,
      previous_snapshot_id: comparable.id,
      baseline: false,
      added: diff.added,
      removed: diff.removed,
      changed: diff.changed,
      unchanged: diff.unchanged,
      duplicate_keys: diff.duplicateKeys
    }
  }

  tasks(query: OracleTaskListQuery = {}): TaskPage {
    const q = validated<OracleTaskListQuery>(OracleTaskListQuerySchema, query)
    const { perPage, page, offset } = paging(q)
    const { rows, total } = this.repo.listTasks({ tableId: q.table_id, databaseId: q.database_id, status: q.status }, perPage, offset)
    return { ...pageInfo(total, page, perPage), results: rows.map(toTask) }
  }

  task(id: number | string): OracleTask {
    const numeric = parseId(id)
    const row = numeric === undefined ? undefined : this.repo.getTask(numeric)
    if (!row) throw new AppError('not_found', `Task with ID '${String(id)}' not found`)
    return toTask(row)
  }

  statistics(): TaskStatistics {
    const now = this.now()
    const all = this.repo.taskCounts()
    return {
      total_tasks: all.total,
      status_breakdown: { completed: all.completed, failed: all.failed, running: all.running, pending: all.pending },
      recent_tasks_24h: this.repo.taskCounts({ since: now - DAY_MS }).total,
      recent_failures_1h: this.repo.countFailuresSince(now - HOUR_MS)
    }
  }

  dashboard(): OracleDashboard {
    const now = this.now()
    const databases = this.repo.listDatabases()
    const connected = databases.filter((db) => db.connection_status === 'connected').length
    const tables = this.repo.listTables()
    const recent = this.repo.taskCounts({ since: now - DAY_MS })
    return {
      databases: {
        total: databases.length,
        connected,
        connection_rate: databases.length === 0 ? 0 : Math.round((connected / databases.length) * 1000) / 10
      },
      tables: {
        total: tables.length,
        actively_monitored: tables.filter((table) => table.is_active === 1 && table.database_active === 1).length
      },
      activity: {
        recent_snapshots: this.repo.countSnapshotsSince(now - DAY_MS),
        recent_tasks: { completed: recent.completed, failed: recent.failed, running: recent.running }
      },
      latest_data: this.repo
        .latestByTable()
        .slice(0, DASHBOARD_LATEST)
        .map((row) => {
          const changes = changeSummary(row)
          return {
            table_name: `${row.schema_name}.${row.table_name}`,
            server_name: row.server_hostname,
            database_name: row.database_name,
            record_count: row.record_count,
            timestamp: isoSeconds(row.taken_at),
            collection_duration: row.collection_duration,
            table_id: row.table_id,
            snapshot_id: row.id,
            changes_detected: changes.added + changes.removed + changes.changed > 0
          }
        })
    }
  }

  /** "Get Database Status". */
  status(databaseId: number | string): DatabaseStatus {
    const database = this.databases.row(databaseId)
    const lastTest = database.last_connection_test === null ? null : isoSeconds(database.last_connection_test)
    return {
      database: { id: database.id, name: database.name, connection_status: database.connection_status },
      statistics: {
        table_count: this.repo.listTables({ databaseId: database.id }).length,
        recent_tasks: this.repo.taskCounts({ databaseId: database.id, since: this.now() - DAY_MS }).total,
        connection_status: database.connection_status,
        last_connection_test: lastTest
      },
      latest_snapshots: this.repo.latestByTable({ databaseId: database.id }).map((row) => toSnapshotSummary(this.repo, row))
    }
  }

  private snapshot(id: number | string): SnapshotView {
    const numeric = parseId(id)
    const row = numeric === undefined ? undefined : this.repo.getSnapshot(numeric)
    if (!row) throw new AppError('not_found', `Snapshot with ID '${String(id)}' not found`)
    return row
  }
}

function paging(q: { page?: number; per_page?: number }): { perPage: number; page: number; offset: number } {
  const perPage = Math.min(q.per_page ?? DATA_PER_PAGE, MAX_DATA_PER_PAGE)
  const page = q.page ?? 1
  return { perPage, page, offset: (page - 1) * perPage }
}

function pageInfo(total: number, page: number, perPage: number) {
  const totalPages = Math.max(1, Math.ceil(total / perPage))
  return { count: total, page, total_pages: totalPages, has_next: page < totalPages, has_previous: page > 1 }
}
