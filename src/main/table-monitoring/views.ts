// Stored rows → the API's objects, for the table-monitoring services.
import {
  CONNECTION_STATUS_DISPLAY,
  PREVIEW_ROWS,
  type ChangeSummary,
  type OracleDatabase,
  type OracleTable,
  type OracleTask,
  type SnapshotSummary
} from '../../shared/oracle'
import { isoSeconds } from '../../shared/time'
import { decodeRows } from './monitor/rows'
import type { SnapshotRow } from './monitor/diff'
import type { OracleDatabaseView, OracleMonitoringRepo, OracleTableView, SnapshotDataRow, SnapshotView, TaskView } from './monitoring-repo'

const time = (ms: number | null): string | null => (ms === null ? null : isoSeconds(ms))

export function toDatabase(row: OracleDatabaseView): OracleDatabase {
  return {
    id: row.id,
    server: { id: row.server_id, hostname: row.server_hostname },
    server_id: row.server_id,
    server_name: row.server_hostname,
    name: row.name,
    engine: row.engine,
    host: row.host,
    port: row.port,
    sid: row.sid,
    service_name: row.service_name,
    database: row.database_name,
    username: row.username,
    password_set: row.password_enc !== null,
    connection_timeout: row.connection_timeout,
    is_active: row.is_active === 1,
    created_at: isoSeconds(row.created_at),
    updated_at: isoSeconds(row.updated_at),
    last_connection_test: time(row.last_connection_test),
    connection_status: row.connection_status,
    connection_status_display: CONNECTION_STATUS_DISPLAY[row.connection_status],
    connection_error: row.connection_error,
    database_version: row.database_version,
    monitored_tables_count: row.monitored_tables_count
  }
}

export function monitoringStatus(row: Pick<OracleTableView, 'is_active' | 'last_status'>): OracleTable['monitoring_status'] {
  if (row.is_active !== 1) return 'inactive'
  return row.last_status === 'error' ? 'error' : 'active'
}

export function toTable(row: OracleTableView): OracleTable {
  return {
    id: row.id,
    database: row.database_id,
    table_name: row.table_name,
    schema_name: row.schema_name,
    full_table_name: `${row.schema_name}.${row.table_name}`,
    is_active: row.is_active === 1,
    polling_interval: row.polling_interval,
    last_record_count: row.last_record_count,
    monitoring_status: monitoringStatus(row),
    database_id: row.database_id,
    database_name: row.database_name,
    server_id: row.server_id,
    server_name: row.server_hostname,
    columns_to_monitor: JSON.parse(row.columns_to_monitor) as string[],
    where_clause: row.where_clause,
    order_by: row.order_by,
    max_rows: row.max_rows,
    skip_unchanged: row.skip_unchanged === 1,
    key_columns: JSON.parse(row.key_columns) as string[],
    last_snapshot_at: time(row.last_snapshot_at),
    last_error: row.last_error,
    created_at: isoSeconds(row.created_at),
    updated_at: isoSeconds(row.updated_at)
  }
}

export function changeSummary(row: SnapshotView): ChangeSummary {
  const keys = JSON.parse(row.changed_keys) as { added?: SnapshotRow[]; removed?: SnapshotRow[]; changed?: SnapshotRow[]; truncated?: boolean }
  return {
    added: row.added,
    removed: row.removed,
    changed: row.changed,
    baseline: row.baseline === 1,
    keys: { added: keys.added ?? [], removed: keys.removed ?? [], changed: keys.changed ?? [] },
    keys_truncated: keys.truncated === true
  }
}

/** The rows of a snapshot (all, or the first `limit`), with the columns and key they were taken with. */
export function snapshotRows(
  repo: OracleMonitoringRepo,
  row: Pick<SnapshotView, 'data_id'>,
  limit = Infinity
): { columns: string[]; keyColumns: string[]; rows: SnapshotRow[] } {
  const preview = limit <= PREVIEW_ROWS
  const data = preview ? repo.getDataPreview(row.data_id) : repo.getData(row.data_id)
  if (!data) return { columns: [], keyColumns: [], rows: [] }
  const columns = JSON.parse(data.columns) as string[]
  const json = preview ? data.preview_json : (data as SnapshotDataRow).rows_json
  return { columns, keyColumns: JSON.parse(data.key_columns) as string[], rows: decodeRows(json, columns, limit) }
}

export function toSnapshotSummary(repo: OracleMonitoringRepo, row: SnapshotView): SnapshotSummary {
  const changes = changeSummary(row)
  return {
    id: row.id,
    table: row.table_id,
    table_name: row.table_name,
    database_name: row.database_name,
    server_name: row.server_hostname,
    record_count: row.record_count,
    timestamp: isoSeconds(row.taken_at),
    collection_duration: row.collection_duration,
    data_preview: snapshotRows(repo, row, PREVIEW_ROWS).rows,
    schema_name: row.schema_name,
    full_table_name: `${row.schema_name}.${row.table_name}`,
    database_id: row.database_id,
    server_id: row.server_id,
    task_id: row.task_id,
    truncated: row.truncated === 1,
    changes_detected: changes.added + changes.removed + changes.changed > 0,
    changes
  }
}

export function toTask(row: TaskView): OracleTask {
  return {
    id: row.id,
    table: row.table_id,
    table_name: row.table_name,
    schema_name: row.schema_name,
    full_table_name: `${row.schema_name}.${row.table_name}`,
    database_id: row.database_id,
    database_name: row.database_name,
    server_name: row.server_hostname,
    status: row.status,
    trigger: row.trigger,
    created_at: isoSeconds(row.created_at),
    started_at: time(row.started_at),
    completed_at: time(row.completed_at),
    duration: row.duration,
    records_collected: row.records_collected,
    error_message: row.error_message,
    snapshot_id: row.snapshot_id
  }
}

/** "12", 12 → 12; anything else → undefined (the caller answers not found). */
export function parseId(id: number | string): number | undefined {
  const text = String(id)
  return /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined
}
