import { useEffect, useState } from 'react'
import { CollectionBadge } from '../../components/CollectionBadge'
import { DetailHeader } from '../../components/DetailHeader'
import { StatusBadge } from '../../components/StatusBadge'
import { TabList, tabId, tabPanelId } from '../../components/TabList'
import { useCan } from '../../stores/session'
import { useServerDetail } from '../../stores/server-detail'
import { ConnectionCheck } from '../servers/ConnectionCheck'
import { ChartsPanel } from './ChartsPanel'
import { ProcessesPanel } from './ProcessesPanel'
import { RangeBar } from './RangeBar'

const TABS = [
  { id: 'charts', label: 'Charts' },
  { id: 'processes', label: 'Processes' },
  { id: 'connection', label: 'Connection' }
] as const
type TabId = (typeof TABS)[number]['id']
/** What a user who may read servers but not metrics can open: the charts and processes are metrics. */
const CONNECTION_ONLY = TABS.filter((each) => each.id === 'connection')

/** One server: live and historical charts, its processes, and its connection. */
export function ServerDetailView({ serverId }: { serverId: string }) {
  const detail = useServerDetail()
  const readsMetrics = useCan()('metrics.series')
  const [chosenTab, setTab] = useState<TabId>('charts')
  const tab: TabId = readsMetrics ? chosenTab : 'connection'
  const [chosenPids, setChosenPids] = useState<number[]>([])

  useEffect(() => {
    void useServerDetail.getState().open(serverId, readsMetrics)
    return () => useServerDetail.getState().close()
  }, [serverId, readsMetrics])

  const server = detail.server
  const name = server?.hostname ?? 'Server'
  return (
    <section className="view detail" aria-labelledby="detail-title">
      <DetailHeader
        back="#/overview"
        backLabel="Overview"
        titleId="detail-title"
        title={name}
        subtitle={server?.alias ? <span className="subtitle"> {server.alias}</span> : null}
      >
        {server ? (
          <div className="detail-facts">
            <StatusBadge status={server.status} />
            <CollectionBadge server={server} />
            <span className="hint">
              Last seen {server.last_seen ? new Date(server.last_seen).toLocaleString() : 'never'} · every {server.monitoring_interval} s ·{' '}
              {server.os_type}
            </span>
          </div>
        ) : null}
      </DetailHeader>
      {detail.error ? (
        <p role="alert" className="form-error">
          {detail.error}{' '}
          <button type="button" onClick={() => void detail.reload()}>
            Retry
          </button>
        </p>
      ) : null}
      {readsMetrics ? (
        <RangeBar choice={detail.choice} loading={detail.loading} onChoose={(choice) => void detail.setRange(choice)} />
      ) : (
        <p className="hint">Charts and processes need read access to Metrics: ask an admin.</p>
      )}
      <TabList label="Server views" tabs={readsMetrics ? TABS : CONNECTION_ONLY} active={tab} onSelect={setTab} />
      <div role="tabpanel" id={tabPanelId('', tab)} aria-labelledby={tabId('', tab)}>
        {tab === 'charts' ? <ChartsPanel key={serverId} serverId={serverId} exportName={name} data={detail.data} versions={detail.versions} ranges={detail.ranges} /> : null}
        {tab === 'processes' ? <ProcessesPanel key={`${serverId} ${JSON.stringify(detail.choice)}`} serverId={serverId} exportName={name} choice={detail.choice} chosen={chosenPids} onChoose={setChosenPids} /> : null}
        {tab === 'connection' && server ? (
          <>
            <dl className="facts">
              <dt>Collector</dt>
              <dd>
                {server.collection_state} since {server.collection_state_since ? new Date(server.collection_state_since).toLocaleString() : '—'}
              </dd>
              <dt>Last error</dt>
              <dd>{server.collection_error ?? 'none'}</dd>
            </dl>
            <ConnectionCheck server={server} runOnMount={false} />
          </>
        ) : null}
      </div>
    </section>
  )
}
