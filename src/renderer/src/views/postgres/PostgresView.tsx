import { useEffect, useState } from 'react'
import type { PostgresInstance, PostgresTestResult } from '../../../../shared/postgres-instances'
import { ActionsHeader, EmptyRow } from '../../components/DataTable'
import { RemoveDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { usePostgres } from '../../stores/postgres'
import { useCan } from '../../stores/session'
import { subscribe } from '../../transport/client'
import { ActiveBadge } from './ActiveBadge'
import { ago } from './format'
import { InstanceForm } from './InstanceForm'
import { shortVersion } from './instance-form-model'

/** The instance's state at a glance: its last connection test, or that it was never tested. */
function StateCell({ instance, test, now }: { instance: PostgresInstance; test: PostgresTestResult | 'running' | undefined; now: number }) {
  if (test === 'running') {
    return (
      <span role="status">
        <span className="dot dot-pending" />
        testing…
      </span>
    )
  }
  if (instance.last_status === null) {
    return (
      <span>
        <span className="dot dot-off" />
        not tested
      </span>
    )
  }
  const checked = instance.last_check_at ? ago(Date.parse(instance.last_check_at), now) : ''
  if (instance.last_status === 'ok') {
    const time = test?.status === 'success' ? ` in ${test.connection_time_ms} ms` : ''
    return (
      <span title={instance.last_check_at ?? undefined}>
        <span className="dot dot-ok" />
        reachable{time} · {checked}
        {instance.in_recovery ? <span className="badge badge-maintenance pg-standby">standby</span> : null}
      </span>
    )
  }
  return (
    <span className="state-error" title={instance.last_error ?? undefined}>
      <span className="dot dot-bad" />
      failed · {checked}
      <span className="cell-secondary collection-error">{instance.last_error}</span>
    </span>
  )
}

/** The PostgreSQL instances Vigil manages: each one's state at a glance; add, edit, test, remove. */
export function PostgresView() {
  const state = usePostgres()
  const [editing, setEditing] = useState<{ instance?: PostgresInstance } | null>(null)
  const [removing, setRemoving] = useState<PostgresInstance | null>(null)
  const action = useAction()
  const can = useCan()
  const [now, setNow] = useState(() => Date.now())

  useEffect(() => {
    void usePostgres.getState().load()
    const unsubscribe = subscribe('postgres.changed', () => void usePostgres.getState().load())
    // "checked 3 min ago" moves on by itself.
    const tick = setInterval(() => setNow(Date.now()), 30_000)
    return () => {
      unsubscribe()
      clearInterval(tick)
    }
  }, [])

  return (
    <section className="view" aria-labelledby="postgres-title">
      <header className="view-header">
        <h1 id="postgres-title">PostgreSQL</h1>
        {can('postgres.create') && (
          <button type="button" className="primary" onClick={() => setEditing({})}>
            Add instance
          </button>
        )}
      </header>

      <Notices notice={state.notice} onDismiss={state.dismissNotice} error={action.error ?? state.error} />

      <div className="table-wrap">
        <table className="data-table pg-instances" aria-busy={state.loading}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Address</th>
              <th>Version</th>
              <th>State</th>
              <th>Monitoring</th>
              <th>Runs on</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {state.instances.map((instance) => (
              <tr key={instance.id} data-instance={instance.name}>
                <td>
                  <div className="cell-primary">
                    <a href={`#/postgres/${instance.id}`}>{instance.name}</a>
                  </div>
                  {instance.description ? <div className="cell-secondary">{instance.description}</div> : null}
                </td>
                <td className="mono">
                  {instance.username}@{instance.host}:{instance.port}/{instance.maintenance_db}
                </td>
                <td title={instance.server_version ?? undefined}>{shortVersion(instance.server_version) ?? '—'}</td>
                <td>
                  <StateCell instance={instance} test={state.tests[instance.id]} now={now} />
                </td>
                <td>
                  <ActiveBadge active={instance.is_active} />
                </td>
                <td>{instance.server_name ?? <span className="hint">not linked</span>}</td>
                <td className="col-actions">
                  {can('postgres.test') && (
                    <button type="button" onClick={() => void action.run(() => state.test(instance.id))} aria-label={`Test ${instance.name}`} disabled={state.tests[instance.id] === 'running'}>
                      Test
                    </button>
                  )}
                  {can('postgres.update') && (
                    <button type="button" onClick={() => setEditing({ instance })} aria-label={`Edit ${instance.name}`}>
                      Edit
                    </button>
                  )}
                  {can('postgres.delete') && (
                    <button type="button" className="danger-text" onClick={() => setRemoving(instance)} aria-label={`Remove ${instance.name}`}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {!state.loading && state.instances.length === 0 ? (
              <EmptyRow colSpan={7}>
                No PostgreSQL instance yet. Add one with a role that has pg_monitor to watch it (a superuser, or the grants in the README, to act on it).
              </EmptyRow>
            ) : null}
          </tbody>
        </table>
      </div>

      {editing ? <InstanceForm instance={editing.instance} onClose={() => setEditing(null)} /> : null}
      {removing ? (
        <RemoveDialog
          verb="Remove"
          name={removing.name}
          message={
            <p>
              Vigil forgets the instance, its stored password and its dashboard history. Its maintenance jobs, scheduled or past, are deleted. PostgreSQL
              itself is not touched.
            </p>
          }
          onConfirm={() => action.run(() => state.remove(removing.id))}
          onClose={() => setRemoving(null)}
        />
      ) : null}
    </section>
  )
}
