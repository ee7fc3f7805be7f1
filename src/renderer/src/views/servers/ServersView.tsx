import { useEffect, useState } from 'react'
import { SERVER_STATUSES, type Server, type ServerStatus } from '../../../../shared/servers'
import { BulkBar } from '../../components/BulkBar'
import { CollectionBadge } from '../../components/CollectionBadge'
import { ActionsHeader, EmptyRow } from '../../components/DataTable'
import { RemoveDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { Pager } from '../../components/Pager'
import { StatusBadge } from '../../components/StatusBadge'
import { useAction } from '../../hooks/use-action'
import { useServers } from '../../stores/servers'
import { useCan } from '../../stores/session'
import { subscribe } from '../../transport/client'
import { ConnectionDialog } from './ConnectionDialog'
import { ServerForm } from './ServerForm'

export function ServersView() {
  const state = useServers()
  const { result, filters, selected } = state
  const [editing, setEditing] = useState<{ server?: Server } | null>(null)
  const [deleting, setDeleting] = useState<Server | null>(null)
  const [testing, setTesting] = useState<Server | null>(null)
  const [bulkStatus, setBulkStatus] = useState<ServerStatus>('maintenance')
  const action = useAction()
  const can = useCan()
  // Selecting is for the bulk actions: no right to them, no check boxes.
  const canBulk = can('servers.bulkStatus')

  useEffect(() => {
    void useServers.getState().load()
    // Another window, a script or the API changed the registry, or a collector changed state: show it.
    const unsubscribers = [
      subscribe('servers.changed', () => void useServers.getState().load()),
      subscribe('servers.state', (change) => useServers.getState().applyCollectionState(change))
    ]
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe())
  }, [])

  const servers = result?.servers ?? []
  const allOnPageSelected = servers.length > 0 && servers.every((server) => selected.has(server.id))

  return (
    <section className="view" aria-labelledby="servers-title">
      <header className="view-header">
        <h1 id="servers-title">Servers</h1>
        {can('servers.create') && (
          <button type="button" className="primary" onClick={() => setEditing({})}>
            Add server
          </button>
        )}
      </header>

      <div className="toolbar" role="search">
        <input
          type="search"
          aria-label="Search hostname, alias or IP"
          placeholder="Search hostname, alias or IP"
          defaultValue={filters.search ?? ''}
          onChange={(event) => state.setFilters({ search: event.target.value })}
        />
        <select
          aria-label="Status filter"
          value={filters.status ?? ''}
          onChange={(event) => state.setFilters({ status: (event.target.value || undefined) as ServerStatus | undefined })}
        >
          <option value="">Any status</option>
          {SERVER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
        <select
          aria-label="Monitoring filter"
          value={filters.monitoring_enabled === undefined ? '' : String(filters.monitoring_enabled)}
          onChange={(event) =>
            state.setFilters({ monitoring_enabled: event.target.value === '' ? undefined : event.target.value === 'true' })
          }
        >
          <option value="">Monitoring on or off</option>
          <option value="true">Monitoring on</option>
          <option value="false">Monitoring off</option>
        </select>
        <input
          aria-label="Environment filter"
          placeholder="Environment"
          defaultValue={filters.environment ?? ''}
          onChange={(event) => state.setFilters({ environment: event.target.value || undefined })}
        />
      </div>

      <Notices notice={state.notice} onDismiss={state.dismissNotice} error={action.error ?? state.error} />

      {canBulk && selected.size > 0 ? (
        <BulkBar label="Bulk actions" onClear={state.clearSelection}>
          <span>{selected.size} selected</span>
          <label>
            Set status to{' '}
            <select aria-label="New status" value={bulkStatus} onChange={(event) => setBulkStatus(event.target.value as ServerStatus)}>
              {SERVER_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="primary" onClick={() => void action.run(() => state.setStatusOfSelected(bulkStatus))}>
            Apply
          </button>
        </BulkBar>
      ) : null}

      <div className="table-wrap">
        <table className="data-table" aria-busy={state.loading}>
          <thead>
            <tr>
              {canBulk && (
                <th className="col-check">
                  <input
                    type="checkbox"
                    aria-label="Select all servers on this page"
                    checked={allOnPageSelected}
                    onChange={state.toggleAllOnPage}
                  />
                </th>
              )}
              <th>Hostname</th>
              <th>IP address</th>
              <th>OS</th>
              <th>Environment</th>
              <th>Status</th>
              <th>Monitoring</th>
              <th>Collection</th>
              <th>Last seen</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {servers.map((server) => (
              <tr key={server.id} data-hostname={server.hostname}>
                {canBulk && (
                  <td className="col-check">
                    <input
                      type="checkbox"
                      aria-label={`Select ${server.hostname}`}
                      checked={selected.has(server.id)}
                      onChange={() => state.toggle(server.id)}
                    />
                  </td>
                )}
                <td>
                  <div className="cell-primary">
                    <a href={`#/servers/${server.id}`}>{server.hostname}</a>
                  </div>
                  {server.alias ? <div className="cell-secondary">{server.alias}</div> : null}
                </td>
                <td className="mono">{server.ip_address}</td>
                <td>
                  {server.os_type === 'aix' ? 'AIX' : 'Linux'}
                  {server.os_version ? <span className="cell-secondary"> {server.os_version}</span> : null}
                </td>
                <td>{server.environment ?? '—'}</td>
                <td>
                  <StatusBadge status={server.status} />
                </td>
                <td>{server.monitoring_enabled ? `every ${server.monitoring_interval}s` : 'off'}</td>
                <td>
                  <CollectionBadge server={server} />
                </td>
                <td>{server.last_seen ? new Date(server.last_seen).toLocaleString() : 'never'}</td>
                <td className="col-actions">
                  {can('servers.testConnection') && (
                    <button
                      type="button"
                      className={server.collection_state === 'host_key_mismatch' ? 'danger' : undefined}
                      onClick={() => setTesting(server)}
                      aria-label={`Connection of ${server.hostname}`}
                    >
                      {server.collection_state === 'host_key_mismatch' ? 'Review key' : 'Test'}
                    </button>
                  )}
                  {can('servers.update') && (
                    <button type="button" onClick={() => setEditing({ server })} aria-label={`Edit ${server.hostname}`}>
                      Edit
                    </button>
                  )}
                  {can('servers.delete') && (
                    <button type="button" className="danger-text" onClick={() => setDeleting(server)} aria-label={`Delete ${server.hostname}`}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {result && servers.length === 0 ? (
              <EmptyRow colSpan={canBulk ? 10 : 9}>
                {result.count === 0 && !Object.values(filters).some((value) => value !== undefined && value !== '')
                  ? 'No servers yet. Add one to start watching it.'
                  : 'No server matches these filters.'}
              </EmptyRow>
            ) : null}
          </tbody>
        </table>
      </div>

      {result ? (
        <Pager
          summary={`${result.count} server${result.count === 1 ? '' : 's'} · page ${result.page} of ${result.total_pages}`}
          page={result.page}
          hasPrevious={result.has_previous}
          hasNext={result.has_next}
          onPage={state.setPage}
        >
          <label>
            Per page{' '}
            <select value={state.perPage} onChange={(event) => state.setPerPage(Number(event.target.value))}>
              {[10, 25, 50, 100].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </Pager>
      ) : null}

      {editing ? (
        <ServerForm server={editing.server} onClose={() => setEditing(null)} />
      ) : null}
      {testing ? <ConnectionDialog server={testing} onClose={() => setTesting(null)} /> : null}
      {deleting ? (
        <RemoveDialog
          verb="Delete"
          name={deleting.hostname}
          message={<p>The server and its stored credentials are removed from Vigil. This cannot be undone.</p>}
          onConfirm={() => action.run(() => state.remove(deleting.id))}
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </section>
  )
}
