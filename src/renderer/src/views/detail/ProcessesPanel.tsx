import { useEffect, useMemo, useState } from 'react'
import type { ProcessHistory, ProcessRow } from '../../../../shared/metric-series'
import { ChartGroup } from '../../charts/chart-group'
import { SERIES_COLOURS } from '../../charts/palette'
import { resolveRange, type RangeChoice } from '../../charts/ranges'
import { alignSeries, padToRange, type Table } from '../../charts/shaping'
import { TimeChart } from '../../charts/TimeChart'
import { exploreHref, processQuery } from '../../charts/explore-links'
import { SortHeader } from '../../components/DataTable'
import { Notices } from '../../components/Notices'
import { useLoad } from '../../hooks/use-load'
import { useTheme } from '../../stores/theme'
import { call, subscribe } from '../../transport/client'

type SortKey = 'pid' | 'user' | 'cpu' | 'mem' | 'command'
const COLUMNS: ReadonlyArray<{ key: SortKey; label: string; numeric: boolean }> = [
  { key: 'pid', label: 'PID', numeric: true },
  { key: 'user', label: 'User', numeric: false },
  { key: 'cpu', label: 'CPU %', numeric: true },
  { key: 'mem', label: 'Memory %', numeric: true },
  { key: 'command', label: 'Command', numeric: false }
]
const MAX_CHOSEN = 8

function compare(a: ProcessRow, b: ProcessRow, key: SortKey): number {
  const x = a[key]
  const y = b[key]
  if (typeof x === 'number' || typeof y === 'number') return (Number(x ?? -1) - Number(y ?? -1)) || a.pid - b.pid
  return String(x).localeCompare(String(y)) || a.pid - b.pid
}

/** The latest top processes, sortable, refreshed as samples land; CPU and memory history of the chosen pids. */
/** How often a live range re-reads the chosen processes' history. */
const LIVE_HISTORY_REFRESH_MS = 30_000

interface ProcessesPanelProps {
  serverId: string
  exportName: string
  choice: RangeChoice
  /** The pids charted; kept by the parent so a new range keeps them. */
  chosen: number[]
  onChoose: (pids: number[]) => void
}

export function ProcessesPanel({ serverId, exportName, choice, chosen, onChoose }: ProcessesPanelProps) {
  const top = useLoad(() => call('metrics.topProcesses', { serverId }), [serverId])
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'cpu', descending: true })
  const group = useMemo(() => new ChartGroup(`processes-${serverId}`), [serverId])
  const themeVersion = useTheme((state) => state.version)
  const { reload } = top

  useEffect(
    () =>
      subscribe('metrics.samples', (payload) => {
        if (payload.serverId === serverId && payload.metric === 'process') reload()
      }),
    [serverId, reload]
  )

  // Keyed by the range choice in the parent, so a new choice starts here afresh; a live range
  // re-reads the history now and then, not every frame.
  const [range, setRange] = useState(() => resolveRange(choice, Date.now()))
  useEffect(() => {
    if (choice.kind !== 'live') return
    const timer = setInterval(() => setRange(resolveRange(choice, Date.now())), LIVE_HISTORY_REFRESH_MS)
    return () => clearInterval(timer)
  }, [choice])
  const { start, end } = range
  const history = useLoad<ProcessHistory | null>(
    () => (chosen.length === 0 ? Promise.resolve(null) : call('metrics.processHistory', { serverId, pids: chosen, start, end })),
    [serverId, chosen, start, end]
  )
  const error = top.error ?? history.error

  const rows = useMemo(() => {
    const sorted = [...(top.data?.processes ?? [])].sort((a, b) => compare(a, b, sort.key))
    return sort.descending ? sorted.reverse() : sorted
  }, [top.data, sort])

  const toggle = (pid: number): void => onChoose(chosen.includes(pid) ? chosen.filter((p) => p !== pid) : [...chosen, pid].slice(-MAX_CHOSEN))

  return (
    <div className="processes">
      <Notices error={error} />
      <p className="hint">
        {top.data?.timestamp ? `Top processes at ${new Date(top.data.timestamp).toLocaleTimeString()}. ` : 'No process sample yet. '}
        Tick processes to chart their CPU and memory over the range above (up to {MAX_CHOSEN}).
      </p>
      {history.data && chosen.length > 0 ? <ProcessCharts history={history.data} group={group} exportName={exportName} themeVersion={themeVersion} /> : null}
      <div className="table-wrap">
      <table className="data-table process-table">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Chart</span>
            </th>
            {COLUMNS.map((column) => (
              <SortHeader
                key={column.key}
                label={column.label}
                descending={sort.key === column.key ? sort.descending : null}
                onSort={() => setSort({ key: column.key, descending: sort.key === column.key ? !sort.descending : column.numeric })}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((process) => (
            <tr key={process.pid}>
              <td>
                <input type="checkbox" aria-label={`Chart process ${process.pid}`} checked={chosen.includes(process.pid)} onChange={() => toggle(process.pid)} />
              </td>
              <td className="numeric">{process.pid}</td>
              <td>{process.user}</td>
              <td className="numeric">{process.cpu ?? '—'}</td>
              <td className="numeric">{process.mem ?? '—'}</td>
              <td className="mono command" title={process.command}>
                {process.command}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </div>
  )
}

function ProcessCharts({ history, group, exportName, themeVersion }: { history: ProcessHistory; group: ChartGroup; exportName: string; themeVersion: number }) {
  const labels = history.processes.map((process) => `${process.pid} ${process.command.split(' ')[0]?.split('/').pop() ?? ''}`)
  const series = labels.map((label, i) => ({ label, colour: SERIES_COLOURS[i % SERIES_COLOURS.length] as string }))
  const tableOf = (field: 'avgCpu' | 'avgMem'): Table =>
    padToRange(alignSeries(history.processes.map((process) => ({ ts: process.ts, columns: [process[field]] }))), history.start, history.end)
  const cpu = useMemo(() => tableOf('avgCpu'), [history]) // eslint-disable-line react-hooks/exhaustive-deps
  const mem = useMemo(() => tableOf('avgMem'), [history]) // eslint-disable-line react-hooks/exhaustive-deps
  if (history.processes.length === 0) return <p className="hint">No samples of these processes in this range.</p>
  const common = { group, series, gapCount: 0, exportName, themeVersion }
  const pids = history.processes.map((process) => process.pid)
  const href = (field: 'cpu' | 'mem'): string => exploreHref(processQuery(field, history.serverId, pids), (history.end - history.start) / 1000)
  return (
    <div className="chart-grid">
      <TimeChart id="process-cpu" title="Process CPU" unit="%" table={cpu} raw={cpu} exploreHref={href('cpu')} {...common} />
      <TimeChart id="process-mem" title="Process memory" unit="%" table={mem} raw={mem} exploreHref={href('mem')} {...common} />
    </div>
  )
}
