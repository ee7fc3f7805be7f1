import { useState } from 'react'
import type { OracleTable } from '../../../../shared/oracle'
import { ActionsHeader, EmptyRow } from '../../components/DataTable'
import { DetailHeader } from '../../components/DetailHeader'
import { RemoveDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useOracle } from '../../stores/oracle'
import { useCan } from '../../stores/session'
import { ConnectionState, MonitoringBadge, TaskState } from './badges'
import { ConnectionTestDialog } from './ConnectionTest'
import { DatabaseForm } from './DatabaseForm'
import { describeAddress } from './database-form-model'
import { formatAgo, formatInterval, formatTime, shortVersion } from './diff-model'
import { useNow } from './shared'
import { StopWatchingDialog } from './StopWatchingDialog'
import { TableForm } from './TableForm'

/** One database: its connection, and the tables watched on it with their state. */
export function DatabaseView({ databaseId }: { databaseId: number }) {
  const state = useOracle()
  const [editingTable, setEditingTable] = useState<{ table?: OracleTable } | null>(null)
  const [editingDatabase, setEditingDatabase] = useState(false)
  const [testing, setTesting] = useState(false)
  const [removing, setRemoving] = useState<OracleTable | null>(null)
  const [deleting, setDeleting] = useState(false)
  const action = useAction()
  const can = useCan()
  const now = useNow()

  const database = state.databases.find((candidate) => candidate.id === databaseId)
  const tables = state.tables.filter((table) => table.database_id === databaseId).sort((a, b) => a.full_table_name.localeCompare(b.full_table_name))

  if (!database) {
    return (
      <section className="view oracle" aria-labelledby="database-title">
        <a href="#/oracle" className="back-link">
          ← Databases
        </a>
        <h1 id="database-title">Database</h1>
        {state.error ? (
          <p className="form-error" role="alert">
            {state.error}
          </p>
        ) : (
          <p className="empty-state">{state.loaded ? `No database with ID ${databaseId} is registered (it may have been deleted).` : 'Loading…'}</p>
        )}
      </section>
    )
  }

  return (
    <section className="view oracle" aria-labelledby="database-title">
      <DetailHeader
        back="#/oracle"
        backLabel="Databases"
        titleId="database-title"
        title={database.name}
        subtitle={
          <span className="subtitle">
            {database.engine === 'postgresql' ? 'PostgreSQL' : 'Oracle'} on {database.server_name}
          </span>
        }
      >
        <div className="header-actions">
          {can('oracle.databases.test') && (
            <button type="button" onClick={() => setTesting(true)}>
              Test connection
            </button>
          )}
          {can('oracle.databases.update') && (
            <button type="button" onClick={() => setEditingDatabase(true)}>
              Edit
            </button>
          )}
          {can('oracle.databases.delete') && (
            <button type="button" className="danger-text" onClick={() => setDeleting(true)}>
              Delete
            </button>
          )}
        </div>
      </DetailHeader>

      <dl className="fact-row" aria-label="Connection">
        <div>
          <dt>Connection</dt>
          <dd>
            <ConnectionState database={database} />
          </dd>
        </div>
        <div>
          <dt>Address</dt>
          <dd className="mono">{describeAddress(database)}</dd>
        </div>
        <div>
          <dt>User</dt>
          <dd>
            {database.username}
            {database.password_set ? '' : ' (no password)'}
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd title={database.database_version ?? undefined}>{shortVersion(database.database_version)}</dd>
        </div>
        <div>
          <dt>Last test</dt>
          <dd title={formatTime(database.last_connection_test)}>{formatAgo(database.last_connection_test, now)}</dd>
        </div>
        <div>
          <dt>Snapshots</dt>
          <dd>{database.is_active ? 'on' : 'paused for every table'}</dd>
        </div>
      </dl>

      <div className="section-header">
        <h2>Watched tables</h2>
        {can('oracle.tables.add') && (
          <button type="button" className="primary" onClick={() => setEditingTable({})}>
            Add table
          </button>
        )}
      </div>

      <Notices notice={state.notice} onDismiss={() => state.say(null)} error={action.error ?? state.error} />

      <div className="table-wrap">
        <table className="data-table" aria-busy={state.loading} aria-label="Watched tables">
          <thead>
            <tr>
              <th>Table</th>
              <th>Status</th>
              <th>Schedule</th>
              <th>Last snapshot</th>
              <th className="numeric">Rows</th>
              <th>Last run</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {tables.map((table) => {
              const task = state.lastTasks[table.id]
              const running = state.running.has(table.id)
              return (
                <tr key={table.id} data-table={table.full_table_name}>
                  <td>
                    <div className="cell-primary">
                      <a href={`#/oracle/tables/${table.id}`}>{table.full_table_name}</a>
                    </div>
                    <div className="cell-secondary">
                      {table.columns_to_monitor.length === 0 ? 'all columns' : `${table.columns_to_monitor.length} columns`}
                      {table.where_clause ? (
                        <>
                          {' · where '}
                          <span className="mono">{table.where_clause}</span>
                        </>
                      ) : null}
                    </div>
                  </td>
                  <td>
                    <MonitoringBadge table={table} />
                  </td>
                  <td>{formatInterval(table.polling_interval)}</td>
                  <td title={formatTime(table.last_snapshot_at)}>{formatAgo(table.last_snapshot_at, now)}</td>
                  <td className="numeric">{table.last_record_count === null ? '—' : table.last_record_count.toLocaleString()}</td>
                  <td className="last-run">
                    <TaskState task={task} />
                    {task?.status === 'failed' && task.error_message ? <div className="cell-secondary collection-error">{task.error_message}</div> : null}
                  </td>
                  <td className="col-actions">
                    {can('oracle.tables.monitorNow') && (
                      <button type="button" disabled={running} onClick={() =>
                          void action.run(async () => {
                            const result = await state.monitorNow(table.id)
                            if (!result.success) throw new Error(`${table.full_table_name}: ${result.message}`)
                          })
                        } aria-label={`Monitor ${table.full_table_name} now`}>
                        {running ? 'Running…' : 'Monitor now'}
                      </button>
                    )}
                    {can('oracle.tables.update') && (
                      <button type="button" onClick={() => setEditingTable({ table })} aria-label={`Configure ${table.full_table_name}`}>
                        Configure
                      </button>
                    )}
                    {can('oracle.tables.remove') && (
                      <button type="button" className="danger-text" onClick={() => setRemoving(table)} aria-label={`Remove ${table.full_table_name}`}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              )
            })}
            {tables.length === 0 ? (
              <EmptyRow colSpan={7}>No table watched on {database.name} yet. Add one: pick it from the tables the account can read.</EmptyRow>
            ) : null}
          </tbody>
        </table>
      </div>

      {editingTable ? (
        <TableForm database={database} table={editingTable.table} onClose={() => setEditingTable(null)} />
      ) : null}
      {editingDatabase ? <DatabaseForm database={database} onClose={() => setEditingDatabase(false)} /> : null}
      {testing ? <ConnectionTestDialog database={database} onClose={() => setTesting(false)} /> : null}
      {removing ? (
        <StopWatchingDialog
          table={removing}
          onConfirm={() => action.run(() => state.removeTable(removing.id))}
          onClose={() => setRemoving(null)}
        />
      ) : null}
      {deleting ? (
        <RemoveDialog
          verb="Delete"
          name={database.name}
          message={
            <p>
              The database, its {tables.length} watched table{tables.length === 1 ? '' : 's'} and all their snapshots and tasks are removed from
              Vigil, with the stored password. The database itself is not touched.
            </p>
          }
          onConfirm={() =>
            action.run(async () => {
              await state.deleteDatabase(database.id)
              window.location.hash = '#/oracle'
            })
          }
          onClose={() => setDeleting(false)}
        />
      ) : null}
    </section>
  )
}
