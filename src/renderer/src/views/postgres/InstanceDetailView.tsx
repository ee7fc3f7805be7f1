import { useEffect } from 'react'
import { DetailHeader } from '../../components/DetailHeader'
import { Notices } from '../../components/Notices'
import { TabList, tabId, tabPanelId } from '../../components/TabList'
import { useLoad } from '../../hooks/use-load'
import { call, subscribe } from '../../transport/client'
import { ActiveBadge } from './ActiveBadge'
import { ActivityTab } from './ActivityTab'
import { ConfigurationTab } from './ConfigurationTab'
import { DashboardTab } from './DashboardTab'
import { shortVersion } from './instance-form-model'
import { MaintenanceTab } from './MaintenanceTab'
import { PG_TABS, type PgTabId } from './pg-tabs'
import { StatementsTab } from './StatementsTab'
import { TrailTab } from './TrailTab'

/** One instance (`#/postgres/{id}/{tab}`): its live activity, dashboard, maintenance, configuration, statements and trail. */
export function InstanceDetailView({ instanceId, tab }: { instanceId: number; tab: PgTabId }) {
  const { data: instance, error, reload } = useLoad(() => call('postgres.get', { id: instanceId }), [instanceId])
  useEffect(
    () =>
      subscribe('postgres.changed', (change) => {
        if (change.ids.includes(instanceId)) reload()
      }),
    [instanceId, reload]
  )

  const go = (next: PgTabId): void => {
    window.location.assign(`#/postgres/${instanceId}/${next}`)
  }
  return (
    <section className="view detail pg-detail" aria-labelledby="pg-detail-title">
      <DetailHeader
        back="#/postgres"
        backLabel="PostgreSQL"
        titleId="pg-detail-title"
        title={instance?.name ?? 'PostgreSQL instance'}
        subtitle={
          instance ? (
            <span className="subtitle mono">
              {instance.host}:{instance.port}
            </span>
          ) : null
        }
      >
        {instance ? (
          <div className="detail-facts">
            <ActiveBadge active={instance.is_active} />
            {instance.last_status === 'error' ? <span className="badge badge-error" title={instance.last_error ?? undefined}>last test failed</span> : null}
            <span className="hint">
              {shortVersion(instance.server_version) ? `PostgreSQL ${shortVersion(instance.server_version)}` : 'version unknown until tested'} · as {instance.username}
              {instance.server_name ? ` · on ${instance.server_name}` : ''}
            </span>
          </div>
        ) : null}
      </DetailHeader>
      <Notices error={error} />
      <TabList label="Instance views" tabs={PG_TABS} active={tab} onSelect={go} idPrefix="pg-" />
      <div role="tabpanel" id={tabPanelId('pg-', tab)} aria-labelledby={tabId('pg-', tab)}>
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
