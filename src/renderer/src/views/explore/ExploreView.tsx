import { useEffect, useMemo, useState } from 'react'
import { ChartGroup } from '../../charts/chart-group'
import { exploreParams, followedExploreLink } from '../../charts/explore-links'
import { SERIES_COLOURS } from '../../charts/palette'
import { TimeChart } from '../../charts/TimeChart'
import { TabList, tabId, tabPanelId } from '../../components/TabList'
import { useTheme } from '../../stores/theme'
import { errorOffset, graphData, tableRows, type QueryResult } from './explore-data'
import { runQuery } from './prometheus-client'
import { PromQLEditor, type EditorError } from './PromQLEditor'

type Mode = 'range' | 'instant'
type Tab = 'graph' | 'table'

const RANGES = [
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
  { seconds: 3600, label: '1 h' },
  { seconds: 6 * 3600, label: '6 h' },
  { seconds: 24 * 3600, label: '24 h' },
  { seconds: 7 * 24 * 3600, label: '7 d' }
]
const TABS = [
  { id: 'graph' as const, label: 'Graph' },
  { id: 'table' as const, label: 'Table' }
]
/** The range a query is drawn over when its link names none. */
const DEFAULT_RANGE = 3600
/** About as many points as a graph is wide, as Prometheus' own UI chooses its step. */
const POINTS = 250

interface Ran {
  mode: Mode
  data: QueryResult
}

/** PromQL over everything Vigil stores: an editor with completion, a graph and a table. */
export function ExploreView() {
  const initial = useMemo(() => exploreParams(window.location.hash), [])
  const [query, setQuery] = useState(initial.query)
  const [loaded, setLoaded] = useState<{ query: string } | null>(null)
  const [mode, setMode] = useState<Mode>('range')
  const [rangeSeconds, setRangeSeconds] = useState(initial.rangeSeconds ?? DEFAULT_RANGE)
  const [step, setStep] = useState('')
  const [tab, setTab] = useState<Tab>('graph')
  const [ran, setRan] = useState<Ran | null>(null)
  const [error, setError] = useState<(EditorError & { errorType: string }) | null>(null)
  const [running, setRunning] = useState(false)
  const group = useMemo(() => new ChartGroup('explore'), [])
  const themeVersion = useTheme((state) => state.version)
  const autoStep = Math.max(1, Math.ceil(rangeSeconds / POINTS))

  // The view stays open while the hash changes within #/explore: a link to another query (or
  // Back and Forward to one) loads it as opening the page would; the bare nav entry leaves the
  // editor be.
  useEffect(() => {
    const follow = (): void => {
      const link = followedExploreLink(window.location.hash)
      if (!link) return
      setQuery(link.query)
      setLoaded({ query: link.query })
      setRangeSeconds(link.rangeSeconds ?? DEFAULT_RANGE)
      setError(null)
      setRan(null)
    }
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [])

  const run = async (): Promise<void> => {
    const expression = query.trim()
    if (!expression) return
    setRunning(true)
    const end = Date.now() / 1000
    const outcome =
      mode === 'range'
        ? await runQuery('query_range', { query: expression, start: String(end - rangeSeconds), end: String(end), step: step.trim() || String(autoStep) })
        : await runQuery('query', { query: expression, time: String(end) })
    setRunning(false)
    if (outcome.ok) {
      setError(null)
      setRan({ mode, data: outcome.data })
      setTab(mode === 'range' ? 'graph' : 'table')
    } else {
      setError({ errorType: outcome.errorType, message: outcome.error, offset: errorOffset(outcome.error, query) })
    }
  }

  return (
    <section className="view explore" aria-labelledby="explore-title">
      <header className="view-header">
        <h1 id="explore-title">Explore</h1>
      </header>
      <PromQLEditor value={initial.query} loaded={loaded} onChange={setQuery} onRun={() => void run()} error={error} />
      {error ? (
        <p className="form-error explore-error" role="alert">
          <span className="mono">{error.errorType}</span>: {error.message}
        </p>
      ) : null}
      <div className="toolbar explore-controls">
        <label>
          Query{' '}
          <select value={mode} onChange={(event) => setMode(event.target.value as Mode)}>
            <option value="range">Range</option>
            <option value="instant">Instant (now)</option>
          </select>
        </label>
        {mode === 'range' ? (
          <>
            <label>
              Last{' '}
              <select value={rangeSeconds} onChange={(event) => setRangeSeconds(Number(event.target.value))}>
                {RANGES.some((range) => range.seconds === rangeSeconds) ? null : <option value={rangeSeconds}>{rangeSeconds} s</option>}
                {RANGES.map((range) => (
                  <option key={range.seconds} value={range.seconds}>
                    {range.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Step <input value={step} onChange={(event) => setStep(event.target.value)} placeholder={`${autoStep}s`} size={6} aria-label="Step" />
            </label>
          </>
        ) : null}
        <button type="button" className="primary" onClick={() => void run()} disabled={running || !query.trim()}>
          {running ? 'Running…' : 'Run'}
        </button>
      </div>
      {ran ? (
        <>
          <TabList label="Result views" tabs={TABS} active={tab} onSelect={setTab} idPrefix="explore-" />
          <div role="tabpanel" id={tabPanelId('explore-', tab)} aria-labelledby={tabId('explore-', tab)}>
            {tab === 'graph' ? <Graph ran={ran} group={group} themeVersion={themeVersion} /> : <ResultTable data={ran.data} />}
          </div>
        </>
      ) : (
        <p className="hint">Type PromQL (Ctrl+Space completes metric names, labels and values) and press Enter to run it.</p>
      )}
    </section>
  )
}

function Graph({ ran, group, themeVersion }: { ran: Ran; group: ChartGroup; themeVersion: number }) {
  const graph = useMemo(() => graphData(ran.data), [ran])
  const series = useMemo(() => (graph?.labels ?? []).map((label, i) => ({ label, colour: SERIES_COLOURS[i % SERIES_COLOURS.length] as string })), [graph])
  if (!graph) return <p className="hint">An instant query has no graph: choose Range and run it again, or see the table.</p>
  if (graph.labels.length === 0) return <p className="hint">No series in this range.</p>
  return <TimeChart id="explore-graph" title="Result" unit="" group={group} series={series} table={graph.table} raw={graph.table} gapCount={0} exportName="explore" themeVersion={themeVersion} />
}

function ResultTable({ data }: { data: QueryResult }) {
  const rows = useMemo(() => tableRows(data), [data])
  if (rows.length === 0) return <p className="hint">No series.</p>
  return (
    <table className="data-table explore-table">
      <thead>
        <tr>
          <th>Series</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={index}>
            <td className="mono">{row.series}</td>
            <td className="mono numeric">
              {row.values.map((value, i) => (
                <div key={i}>{value}</div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
