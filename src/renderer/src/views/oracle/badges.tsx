import { CONNECTION_STATUS_DISPLAY, type OracleDatabase, type OracleTable, type OracleTask } from '../../../../shared/oracle'
import { columnLabel } from './diff-model'

const CONNECTION_TONE = { connected: 'ok', failed: 'bad', unknown: 'off' } as const

/** Connected / failed / unknown at a glance, the reason right under it. */
export function ConnectionState({ database, withError = true }: { database: OracleDatabase; withError?: boolean }) {
  const status = database.connection_status
  return (
    <div className="collection" data-connection={status} title={database.connection_error ?? undefined}>
      <span className={`dot dot-${CONNECTION_TONE[status]}`} aria-hidden="true" />
      <span>{CONNECTION_STATUS_DISPLAY[status]}</span>
      {withError && status === 'failed' && database.connection_error ? <div className="cell-secondary collection-error">{database.connection_error}</div> : null}
    </div>
  )
}

/** active (fine, or not run yet) / inactive (paused) / error (its last run failed). */
export function MonitoringBadge({ table }: { table: OracleTable }) {
  const label = table.monitoring_status === 'inactive' ? 'paused' : table.monitoring_status
  return <span className={`badge badge-${table.monitoring_status}`}>{label}</span>
}

const TASK_TONE = { completed: 'ok', failed: 'bad', running: 'pending', pending: 'pending' } as const

export function TaskState({ task }: { task: OracleTask | undefined }) {
  if (!task) return <span className="hint">no run yet</span>
  return (
    <span className="task-state" data-status={task.status}>
      <span className={`dot dot-${TASK_TONE[task.status]}`} aria-hidden="true" />
      {task.status}
    </span>
  )
}

/** A snapshot column's heading text, tagged when it is part of the key. */
export function ColumnName({ column, isKey }: { column: string; isKey: boolean }) {
  return (
    <>
      {columnLabel(column)}
      {isKey ? <span className="key-tag">key</span> : null}
    </>
  )
}
