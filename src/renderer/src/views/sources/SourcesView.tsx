import { useEffect, useState } from 'react'
import type { LogEntry, Source, SourceStatus } from '../../../../shared/platform'
import { ActionsHeader, EmptyRow } from '../../components/DataTable'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { useCan } from '../../stores/session'
import { call, subscribe } from '../../transport/client'

const DOT: Record<SourceStatus, string> = {
  synced: 'dot-ok',
  syncing: 'dot-pending',
  failed: 'dot-bad',
  empty: 'dot-off',
  not_synced: 'dot-off',
  unknown: 'dot-off'
}

const TYPE_LABEL: Record<string, string> = {
  local: 'this machine',
  ssh: 'server (SSH)',
  postgresql: 'PostgreSQL instance',
  oracle_table: 'Oracle table',
  postgresql_table: 'PostgreSQL table',
  csv_metrics: 'import: metrics CSV',
  csv_table: 'import: table CSV',
  nmon: 'import: nmon recordings'
}

/** "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function ago(iso: string | null, now: number): string {
  if (iso === null) return 'never'
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`
  return `${Math.floor(seconds / 86_400)} d ago`
}

function LogPanel({ name, version }: { name: string; version: number }) {
  const logs = useLoad<LogEntry[]>(() => call('sources.logs', { name, limit: 200 }), [name])
  const { reload } = logs
  // Each platform event may have added lines.
  useEffect(() => {
    if (version > 0) reload()
  }, [version, reload])
  return (
    <section className="source-log" aria-label={`Log of ${name}`}>
      <h2>Log of {name}</h2>
      {logs.error ? <p className="state-error">{logs.error}</p> : null}
      <ol className="log-lines mono">
        {(logs.data ?? []).map((line, index) => (
          <li key={`${line.timestamp}-${index}`} className={`log-${line.level.toLowerCase()}`}>
            <time dateTime={line.timestamp}>{new Date(line.timestamp).toLocaleString()}</time> <span className="log-level">{line.level}</span> {line.message}
          </li>
        ))}
        {logs.data?.length === 0 ? <li className="hint">Nothing logged yet.</li> : null}
      </ol>
    </section>
  )
}

/** Every collector at a glance (platform-api.md's sources): status, freshness, rows, last error, Sync now, logs. */
export function SourcesView() {
  const sources = useLoad<Source[]>(() => call('sources.list'), [])
  const action = useAction()
  const can = useCan()
  const [open, setOpen] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const [now, setNow] = useState(() => Date.now())

  useEffect(() => {
    // Syncs, failures and recoveries arrive as platform events; collectors' states as servers.state.
    const refresh = (): void => {
      sources.reload()
      setVersion((value) => value + 1)
    }
    const unsubscribers = [subscribe('platform.event', refresh), subscribe('servers.state', () => sources.reload())]
    const tick = setInterval(() => setNow(Date.now()), 10_000)
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe()
      clearInterval(tick)
    }
    // reload is stable
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const sync = async (source: Source): Promise<void> => {
    const answer = await action.run(() => call('sources.sync', { name: source.name }))
    if (answer.ok) sources.reload()
  }

  return (
    <section className="view" aria-labelledby="sources-title">
      <header className="view-header">
        <h1 id="sources-title">Sources</h1>
        <button type="button" onClick={() => sources.reload()}>
          Refresh
        </button>
      </header>
      <Notices error={action.error ?? sources.error} />
      <div className="table-wrap">
        <table className="data-table sources" aria-busy={sources.loading}>
          <thead>
            <tr>
              <th>Source</th>
              <th>Status</th>
              <th>Freshness</th>
              <th className="num">Rows</th>
              <th>Last error</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {(sources.data ?? []).map((source) => (
              <tr key={source.name} data-source={source.name}>
                <td>
                  <div className="cell-primary">{source.name}</div>
                  <div className="cell-secondary">
                    {TYPE_LABEL[source.type] ?? source.type}
                    {source.enabled ? '' : ' · off'}
                  </div>
                </td>
                <td data-status={source.status}>
                  <span className={`dot ${DOT[source.status]}`} />
                  {source.status.replace('_', ' ')}
                  <div className="cell-secondary">{source.state}</div>
                </td>
                <td title={source.last_sync ?? undefined}>{ago(source.freshness.last_update, now)}</td>
                <td className="num">{source.row_count.toLocaleString()}</td>
                <td className="state-error collection-error">{source.last_error ?? ''}</td>
                <td className="col-actions">
                  {can('sources.sync') && (
                    <button
                      type="button"
                      onClick={() => void sync(source)}
                      disabled={!source.enabled || source.status === 'syncing'}
                      aria-label={`Sync ${source.name} now`}
                    >
                      Sync now
                    </button>
                  )}
                  <button type="button" onClick={() => setOpen(open === source.name ? null : source.name)} aria-label={`Logs of ${source.name}`} aria-expanded={open === source.name}>
                    Logs
                  </button>
                </td>
              </tr>
            ))}
            {!sources.loading && sources.data?.length === 0 ? (
              <EmptyRow colSpan={6}>No source yet: every server, PostgreSQL instance and watched table Vigil collects is listed here.</EmptyRow>
            ) : null}
          </tbody>
        </table>
      </div>
      {open ? <LogPanel name={open} version={version} /> : null}
    </section>
  )
}
