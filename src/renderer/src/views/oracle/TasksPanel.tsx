import type { OracleTask } from '../../../../shared/oracle'
import { TaskState } from './badges'
import { formatDuration, formatTime } from './diff-model'

/** The table's recent runs: when, how (schedule or by hand), how long, and why one failed. */
export function TasksPanel({ tasks, onShowSnapshot }: { tasks: readonly OracleTask[]; onShowSnapshot: (snapshotId: number) => void }) {
  if (tasks.length === 0) return <p className="empty-state">No run yet.</p>
  return (
    <div className="table-wrap">
      <table className="data-table tasks-table" aria-label="Monitoring tasks">
        <thead>
          <tr>
            <th className="numeric">Task</th>
            <th>Status</th>
            <th>Started</th>
            <th>Trigger</th>
            <th className="numeric">Duration</th>
            <th className="numeric">Rows</th>
            <th>Error / snapshot</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.id} data-task={task.id} data-status={task.status}>
              <td className="numeric">#{task.id}</td>
              <td>
                <TaskState task={task} />
              </td>
              <td>{formatTime(task.started_at ?? task.created_at)}</td>
              <td>{task.trigger === 'manual' ? 'by hand' : 'schedule'}</td>
              <td className="numeric">{formatDuration(task.duration)}</td>
              <td className="numeric">{task.records_collected === null ? '—' : task.records_collected.toLocaleString()}</td>
              <td className="task-error">
                {task.error_message ? (
                  <span className="error-text">{task.error_message}</span>
                ) : task.snapshot_id !== null ? (
                  <button type="button" className="link-button" onClick={() => onShowSnapshot(task.snapshot_id as number)}>
                    Changes of snapshot #{task.snapshot_id}
                  </button>
                ) : task.status === 'completed' ? (
                  <span className="hint">snapshot no longer kept</span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
