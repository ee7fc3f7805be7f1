import { useMemo, useState } from 'react'
import type { OracleDatabase } from '../../../../shared/oracle'
import { ActionsHeader, EmptyRow } from '../../components/DataTable'
import { RemoveDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useOracle } from '../../stores/oracle'
import { useCan } from '../../stores/session'
import { ConnectionState } from './badges'
import { ConnectionTestDialog } from './ConnectionTest'
import { DatabaseForm } from './DatabaseForm'
import { describeAddress } from './database-form-model'
import { formatAgo, formatTime, shortVersion } from './diff-model'
import { useNow } from './shared'

/** The monitored databases: where they are, whether Vigil can reach them, how many tables it watches. */
export function DatabasesView() {
  const state = useOracle()
  const [editing, setEditing] = useState<{ database?: OracleDatabase } | null>(null)
  const [testing, setTesting] = useState<OracleDatabase | null>(null)
  const [deleting, setDeleting] = useState<OracleDatabase | null>(null)
  const [serverFilter, setServerFilter] = useState('')
  const action = useAction()
  const can = useCan()
  const now = useNow()

  const servers = useMemo(() => {
    const byId = new Map(state.databases.map((database) => [database.server_id, database.server_name]))
    return [...byId].sort((a, b) => a[1].localeCompare(b[1]))
  }, [state.databases])
  const databases = state.databases.filter((database) => !serverFilter || database.server_id === serverFilter)
  const counts = { connected: 0, failed: 0, unknown: 0 }
  for (const database of state.databases) counts[database.connection_status]++

  return (
    <section className="view oracle" aria-labelledby="oracle-title">
      <header className="view-header">
        <div>
          <h1 id="oracle-title">Monitored databases</h1>
          <p className="hint header-hint">
            Oracle (and PostgreSQL) tables snapshotted on a schedule; each snapshot is compared with the one before.
          </p>
        </div>
        {can('oracle.databases.create') && (
          <button type="button" className="primary" onClick={() => setEditing({})}>
            Add database
          </button>
        )}
      </header>

      {state.databases.length > 0 ? (
        <div className="toolbar">
          <select aria-label="Server filter" value={serverFilter} onChange={(event) => setServerFilter(event.target.value)}>
            <option value="">All servers</option>
            {servers.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
          <span className="hint toolbar-summary">
            {counts.connected} connected · {counts.failed} failed · {counts.unknown} not tested
          </span>
        </div>
      ) : null}

      <Notices notice={state.notice} onDismiss={() => state.say(null)} error={action.error ?? state.error} />

      <div className="table-wrap">
        <table className="data-table" aria-busy={state.loading} aria-label="Databases">
          <thead>
            <tr>
              <th>Database</th>
              <th>Server</th>
              <th>Connection</th>
              <th>Last test</th>
              <th>Version</th>
              <th className="numeric">Tables</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {databases.map((database) => (
              <tr key={database.id} data-database={database.name}>
                <td>
                  <div className="cell-primary">
                    <a href={`#/oracle/databases/${database.id}`}>{database.name}</a>
                    {database.is_active ? null : <span className="badge badge-inactive inline-badge">paused</span>}
                  </div>
                  <div className="cell-secondary">
                    {database.engine === 'postgresql' ? 'PostgreSQL' : 'Oracle'} · <span className="mono">{describeAddress(database)}</span>
                  </div>
                </td>
                <td>{database.server_name}</td>
                <td>
                  <ConnectionState database={database} />
                </td>
                <td title={formatTime(database.last_connection_test)}>{formatAgo(database.last_connection_test, now)}</td>
                <td title={database.database_version ?? undefined}>{shortVersion(database.database_version)}</td>
                <td className="numeric">{database.monitored_tables_count}</td>
                <td className="col-actions">
                  {can('oracle.databases.test') && (
                    <button type="button" onClick={() => setTesting(database)} aria-label={`Test connection to ${database.name}`}>
                      Test
                    </button>
                  )}
                  {can('oracle.databases.update') && (
                    <button type="button" onClick={() => setEditing({ database })} aria-label={`Edit ${database.name}`}>
                      Edit
                    </button>
                  )}
                  {can('oracle.databases.delete') && (
                    <button type="button" className="danger-text" onClick={() => setDeleting(database)} aria-label={`Delete ${database.name}`}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {state.loaded && databases.length === 0 ? (
              <EmptyRow colSpan={7}>
                {state.databases.length === 0 ? 'No database yet. Add one, then pick the tables to watch.' : 'No database on this server.'}
              </EmptyRow>
            ) : null}
          </tbody>
        </table>
      </div>

      {editing ? <DatabaseForm database={editing.database} onClose={() => setEditing(null)} /> : null}
      {testing ? <ConnectionTestDialog database={testing} onClose={() => setTesting(null)} /> : null}
      {deleting ? (
        <RemoveDialog
          verb="Delete"
          name={deleting.name}
          message={
            <p>
              The database, its {deleting.monitored_tables_count} watched table{deleting.monitored_tables_count === 1 ? '' : 's'} and all their
              snapshots and tasks are removed from Vigil, with the stored password. The database itself is not touched.
            </p>
          }
          onConfirm={() => action.run(() => state.deleteDatabase(deleting.id))}
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </section>
  )
}
