// The dashboard's history as chart tables: rates from the cumulative counters (commits,
// rollbacks, buffers allocated), the gauges as they are, the host's CPU and memory stacked.
// Pure, unit-tested; drawn by DashboardTab with TimeChart.
import type { Dashboard } from '../../../../shared/pg-agent'
import { insertGaps, stack, type Column, type Table } from '../../charts/shaping'

export interface DashboardPanel {
  id: string
  title: string
  unit: string
  labels: string[]
  stacked?: boolean
  yRange?: readonly [number, number]
  /** Host figures are null for an instance whose machine Vigil cannot read. */
  host?: boolean
}

export const DASHBOARD_PANELS: readonly DashboardPanel[] = [
  { id: 'tps', title: 'Transactions', unit: 'tx/s', labels: ['commit', 'rollback'] },
  { id: 'backends', title: 'Backends', unit: 'sessions', labels: ['active', 'max_connections'] },
  { id: 'hitratio', title: 'Cache hit ratio', unit: '%', labels: ['hit ratio'], yRange: [0, 100] },
  { id: 'buffers', title: 'Buffers allocated', unit: 'buffers/s', labels: ['allocated'] },
  { id: 'cpu', title: 'CPU', unit: '%', labels: ['user', 'system', 'I/O wait', 'steal', 'idle'], stacked: true, yRange: [0, 100], host: true },
  { id: 'memory', title: 'Memory', unit: '%', labels: ['active', 'cache', 'free'], stacked: true, yRange: [0, 100], host: true },
  { id: 'load', title: 'Load average', unit: 'load', labels: ['1 min'], host: true }
]

export interface PanelData {
  /** What is drawn (running sums when stacked), with a null row at each gap. */
  table: Table
  /** The values, for the legend and CSV. */
  raw: Table
  gaps: number
  /** Whether any value is known (host panels of an unreadable host have none). */
  known: boolean
}

/** Per-second rate of a cumulative counter between two readings; null across a reset or a missing reading. */
export function rate(previous: number | undefined, current: number, dtSeconds: number): number | null {
  if (previous === undefined || !(dtSeconds > 0) || current < previous) return null
  return Math.round(((current - previous) / dtSeconds) * 100) / 100
}

/** The time of a data set in epoch ms (the databases reading's). */
export function sampleTime(sample: Dashboard): number {
  return Math.round(sample.databases.timestamp * 1000)
}

/** Appends a data set unless it is not newer than the last one kept; keeps at most `limit`. */
export function appendSample(samples: readonly Dashboard[], sample: Dashboard, limit: number): Dashboard[] {
  const last = samples[samples.length - 1]
  if (last && sampleTime(sample) <= sampleTime(last)) return samples as Dashboard[]
  const next = [...samples, sample]
  return next.length > limit ? next.slice(next.length - limit) : next
}

function columnsFor(panel: DashboardPanel, samples: readonly Dashboard[]): Column[] {
  const ts = samples.map(sampleTime)
  const dt = (i: number): number => (i === 0 ? 0 : ((ts[i] as number) - (ts[i - 1] as number)) / 1000)
  const prev = (i: number): Dashboard | undefined => (i === 0 ? undefined : samples[i - 1])
  switch (panel.id) {
    case 'tps':
      return [
        samples.map((s, i) => rate(prev(i)?.databases.total_commit, s.databases.total_commit, dt(i))),
        samples.map((s, i) => rate(prev(i)?.databases.total_rollback, s.databases.total_rollback, dt(i)))
      ]
    case 'backends':
      return [samples.map((s) => s.active_backends.nb), samples.map((s) => s.max_connections)]
    case 'hitratio':
      return [samples.map((s) => s.hitratio)]
    case 'buffers':
      return [samples.map((s, i) => rate(prev(i)?.buffers.nb, s.buffers.nb, dt(i)))]
    case 'cpu':
      return [
        samples.map((s) => s.cpu?.user ?? null),
        samples.map((s) => s.cpu?.system ?? null),
        samples.map((s) => s.cpu?.iowait ?? null),
        samples.map((s) => s.cpu?.steal ?? null),
        samples.map((s) => s.cpu?.idle ?? null)
      ]
    case 'memory':
      return [samples.map((s) => s.memory?.active ?? null), samples.map((s) => s.memory?.cached ?? null), samples.map((s) => s.memory?.free ?? null)]
    case 'load':
      return [samples.map((s) => s.loadaverage)]
    default:
      return []
  }
}

/** One panel's tables; readings further apart than 2.5 intervals break the lines. */
export function panelData(panel: DashboardPanel, samples: readonly Dashboard[], intervalSeconds: number): PanelData {
  const raw: Table = { ts: samples.map(sampleTime), columns: columnsFor(panel, samples) }
  const stepMs = Math.max(1, intervalSeconds) * 1000
  const withGaps = insertGaps(raw, stepMs)
  const gaps = withGaps.ts.length - raw.ts.length
  const table = panel.stacked ? { ts: withGaps.ts, columns: stack(withGaps.columns) } : withGaps
  const known = raw.columns.some((column) => column.some((value) => value !== null))
  return { table, raw: withGaps, gaps, known }
}
