import { memo, useEffect, useMemo, useState } from 'react'
import type { Sparkline as SparklineData } from '../../../../shared/metric-series'
import type { Server } from '../../../../shared/servers'
import { formatValue } from '../../charts/format'
import { lastValue } from '../../charts/shaping'
import { Notices } from '../../components/Notices'
import { useOverview } from '../../stores/overview'
import { attentionOf, compareAttention, type Attention } from './attention'
import { Sparkline } from './Sparkline'

type SortKey = 'attention' | 'hostname' | 'cpu' | 'last_seen'
const SORTS: ReadonlyArray<{ key: SortKey; label: string }> = [
  { key: 'attention', label: 'Needs attention' },
  { key: 'hostname', label: 'Hostname' },
  { key: 'cpu', label: 'CPU' },
  { key: 'last_seen', label: 'Last seen' }
]

interface Row {
  server: Server
  spark: SparklineData | undefined
  attention: Attention
}

function matches(server: Server, text: string): boolean {
  const needle = text.trim().toLowerCase()
  if (!needle) return true
  // Servers carry no tags in the spec; location and description are where people put them.
  return [server.hostname, server.alias ?? '', server.ip_address, server.environment ?? '', server.location ?? '', server.description ?? ''].some((value) =>
    value.toLowerCase().includes(needle)
  )
}

function compareRows(a: Row, b: Row, key: SortKey): number {
  const byName = a.server.hostname.localeCompare(b.server.hostname)
  switch (key) {
    case 'attention':
      return compareAttention(a.attention, b.attention) || byName
    case 'hostname':
      return byName
    case 'cpu':
      return (lastValue(b.spark?.values.cpu ?? []) ?? -1) - (lastValue(a.spark?.values.cpu ?? []) ?? -1) || byName
    case 'last_seen':
      return String(b.server.last_seen ?? '').localeCompare(String(a.server.last_seen ?? '')) || byName
  }
}

/** Every server at a glance: state, last seen, the last 15 minutes of CPU, run queue, free memory, paging. */
export function OverviewView() {
  const { servers, sparklines, versions, window, loading, error } = useOverview()
  const [text, setText] = useState('')
  const [environment, setEnvironment] = useState('')
  const [level, setLevel] = useState('')
  const [status, setStatus] = useState('')
  const [sort, setSort] = useState<SortKey>('attention')
  // Re-evaluated with the window, so "no recent samples" appears without new data.
  const now = window.end

  useEffect(() => {
    void useOverview.getState().load()
    return useOverview.getState().follow()
  }, [])

  const environments = useMemo(() => [...new Set(servers.map((server) => server.environment).filter(Boolean))].sort() as string[], [servers])
  // Each server's attention, once per change; the list and the counts both read it.
  const all = useMemo(
    () => servers.map((server): Row => ({ server, spark: sparklines[server.id], attention: attentionOf(server, sparklines[server.id], now) })),
    // `versions` stands for sparklines grown in place.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [servers, sparklines, versions, now]
  )
  const rows = useMemo(
    () =>
      all
        .filter((row) => (!environment || row.server.environment === environment) && (!level || row.attention.level === level) && (!status || row.server.status === status) && matches(row.server, text))
        .sort((a, b) => compareRows(a, b, sort)),
    [all, environment, level, status, text, sort]
  )
  const counts = useMemo(() => {
    const tally = { bad: 0, warn: 0, ok: 0, off: 0 }
    for (const row of all) tally[row.attention.level]++
    return tally
  }, [all])

  return (
    <section className="view" aria-labelledby="overview-title">
      <header className="view-header">
        <h1 id="overview-title">Overview</h1>
        <p className="hint" aria-live="polite">
          {servers.length} servers · <span className="tone-bad">{counts.bad} failing</span> · <span className="tone-warn">{counts.warn} to check</span> ·{' '}
          {counts.ok} fine · {counts.off} not monitored
        </p>
      </header>
      <div className="toolbar" role="search">
        <input type="search" aria-label="Filter by name, IP, environment, location or description" placeholder="Filter by name, IP, environment, location" value={text} onChange={(event) => setText(event.target.value)} />
        <select aria-label="Environment" value={environment} onChange={(event) => setEnvironment(event.target.value)}>
          <option value="">All environments</option>
          {environments.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <select aria-label="State" value={level} onChange={(event) => setLevel(event.target.value)}>
          <option value="">All states</option>
          <option value="bad">Failing</option>
          <option value="warn">To check</option>
          <option value="ok">Fine</option>
          <option value="off">Not monitored</option>
        </select>
        <select aria-label="Status" value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="inactive">Inactive</option>
          <option value="maintenance">Maintenance</option>
        </select>
        <label>
          Sort by{' '}
          <select aria-label="Sort by" value={sort} onChange={(event) => setSort(event.target.value as SortKey)}>
            {SORTS.map((option) => (
              <option key={option.key} value={option.key}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Notices error={error} />
      {loading ? <p role="status">Loading…</p> : null}
      <div className="table-wrap">
      <table className="data-table overview-table">
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Server</th>
            <th scope="col">Last seen</th>
            <th scope="col">CPU us+sy</th>
            <th scope="col">Run queue</th>
            <th scope="col">Free memory</th>
            <th scope="col">Paging in+out</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <OverviewRow key={row.server.id} row={row} version={versions[row.server.id] ?? 0} start={window.start} end={window.end} />
          ))}
        </tbody>
      </table>
      </div>
      {!loading && rows.length === 0 ? <p className="hint">No server matches.</p> : null}
    </section>
  )
}

const SPARK_COLUMNS = [
  { field: 'cpu', unit: '%', max: 100 },
  { field: 'r', unit: 'count', max: undefined },
  { field: 'fre', unit: 'KiB', max: undefined },
  { field: 'paging', unit: 'KiB/s', max: undefined }
] as const

const OverviewRow = memo(function OverviewRow({ row, version, start, end }: { row: Row; version: number; start: number; end: number }) {
  const { server, spark, attention } = row
  const open = (): void => {
    window.location.hash = `#/servers/${server.id}`
  }
  return (
    <tr className={`attention-${attention.level}`} data-hostname={server.hostname} data-attention={attention.level}>
      <td>
        <span className={`dot dot-${attention.level}`} aria-hidden="true" /> <span className="attention-label">{attention.level === 'bad' ? 'failing' : attention.level === 'warn' ? 'check' : attention.level === 'ok' ? 'fine' : 'off'}</span>
        {attention.reasons.length > 0 && attention.level !== 'ok' ? <div className="cell-secondary">{attention.reasons.join('; ')}</div> : null}
      </td>
      <td>
        <a href={`#/servers/${server.id}`} onKeyDown={(event) => event.key === ' ' && (event.preventDefault(), open())}>
          {server.hostname}
        </a>
        <div className="cell-secondary">{[server.alias, server.environment].filter(Boolean).join(' · ')}</div>
      </td>
      <td>{server.last_seen ? new Date(server.last_seen).toLocaleTimeString() : 'never'}</td>
      {SPARK_COLUMNS.map((column) => {
        const values = spark?.values[column.field] ?? []
        return (
          <td key={column.field} className="spark-cell">
            <Sparkline
              ts={spark?.ts ?? []}
              values={values}
              start={start}
              end={end}
              max={column.max}
              stepMs={server.monitoring_interval * 1000}
              version={version}
              label={`${column.field} of ${server.hostname}`}
            />
            <span className="spark-value" data-field={column.field}>
              {formatValue(lastValue(values), column.unit)}
            </span>
          </td>
        )
      })}
    </tr>
  )
})
