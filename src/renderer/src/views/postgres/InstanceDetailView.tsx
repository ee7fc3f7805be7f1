import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { PostgresInstance } from '../../../../shared/postgres-instances'
import { call, errorMessage, subscribe } from '../../transport/client'
import { ActivityTab } from './ActivityTab'
import { ConfigurationTab } from './ConfigurationTab'
import { DashboardTab } from './DashboardTab'
import { shortVersion } from './instance-form-model'
import { MaintenanceTab } from './MaintenanceTab'
import { StatementsTab } from './StatementsTab'
import { TrailTab } from './TrailTab'

export const PG_TABS = [
  { id: 'activity', label: 'Activity' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'maintenance', label: 'Maintenance' },
  { id: 'configuration', label: 'Configuration' },
  { id: 'statements', label: 'Statements' },
  { id: 'trail', label: 'Trail' }
] as const
export type PgTabId = (typeof PG_TABS)[number]['id']

export function isPgTab(value: string | undefined): value is PgTabId {
  return PG_TABS.some((tab) => tab.id === value)
}

/** One instance (`#/postgres/{id}/{tab}`): its live activity, dashboard, maintenance, configuration, statements and trail. */
export function InstanceDetailView({ instanceId, tab }: { instanceId: number; tab: PgTabId }) {
  const [instance, setInstance] = useState<PostgresInstance | null>(null)
  const [error, setError] = useState<string | null>(null)
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([])

  useEffect(() => {
    const load = (): void => {
      call('postgres.get', { id: instanceId }).then(
        (found) => {
          setInstance(found)
          setError(null)
        },
        (failure: unknown) => setError(errorMessage(failure))
      )
    }
    load()
    return subscribe('postgres.changed', (change) => {
      if (change.ids.includes(instanceId)) load()
    })
  }, [instanceId])

  const go = (next: PgTabId): void => {
    window.location.assign(`#/postgres/${instanceId}/${next}`)
  }
  // Arrow keys move between tabs, as a tablist should.
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (step === 0) return
    const index = (PG_TABS.findIndex((candidate) => candidate.id === tab) + step + PG_TABS.length) % PG_TABS.length
    go(PG_TABS[index]?.id ?? 'activity')
    tabRefs.current[index]?.focus()
  }

  return (
    <section className="view detail pg-detail" aria-labelledby="pg-detail-title">
      <header className="view-header">
        <div>
          <a href="#/postgres" className="back-link">
            ← PostgreSQL
          </a>
          <h1 id="pg-detail-title">
            {instance?.name ?? 'PostgreSQL instance'}
            {instance ? (
              <span className="subtitle mono">
                {instance.host}:{instance.port}
              </span>
            ) : null}
          </h1>
        </div>
        {instance ? (
          <div className="detail-facts">
            <span className={instance.is_active ? 'badge badge-active' : 'badge badge-inactive'}>{instance.is_active ? 'active' : 'inactive'}</span>
            {instance.last_status === 'error' ? <span className="badge badge-error" title={instance.last_error ?? undefined}>last test failed</span> : null}
            <span className="hint">
              {shortVersion(instance.server_version) ? `PostgreSQL ${shortVersion(instance.server_version)}` : 'version unknown until tested'} · as {instance.username}
              {instance.server_name ? ` · on ${instance.server_name}` : ''}
            </span>
          </div>
        ) : null}
      </header>
      {error ? (
        <p role="alert" className="form-error">
          {error}
        </p>
      ) : null}
      <div role="tablist" aria-label="Instance views" className="tabs" onKeyDown={onTabKey}>
        {PG_TABS.map((candidate, index) => (
          <button
            key={candidate.id}
            ref={(element) => {
              tabRefs.current[index] = element
            }}
            type="button"
            role="tab"
            id={`pg-tab-${candidate.id}`}
            aria-selected={tab === candidate.id}
            aria-controls={`pg-panel-${candidate.id}`}
            tabIndex={tab === candidate.id ? 0 : -1}
            onClick={() => go(candidate.id)}
          >
            {candidate.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`pg-panel-${tab}`} aria-labelledby={`pg-tab-${tab}`}>
        {tab === 'activity' ? <ActivityTab instanceId={instanceId} /> : null}
        {tab === 'dashboard' ? <DashboardTab instanceId={instanceId} exportName={instance?.name ?? `pg-${instanceId}`} /> : null}
        {tab === 'maintenance' ? <MaintenanceTab instanceId={instanceId} /> : null}
        {tab === 'configuration' ? <ConfigurationTab instanceId={instanceId} instance={instance} /> : null}
        {tab === 'statements' ? <StatementsTab instanceId={instanceId} /> : null}
        {tab === 'trail' ? <TrailTab instanceId={instanceId} /> : null}
      </div>
    </section>
  )
}
