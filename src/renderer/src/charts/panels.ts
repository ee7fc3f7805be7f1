// The server detail's panels: which metric and fields each draws, in which unit. Units come
// from the field catalogue, so an axis says what the API and README say.
import { catalogueOf } from '../../../shared/metrics-catalogue'
import type { ChartedMetric, SeriesAnswer } from '../../../shared/metric-series'
import { alignSeries, insertGaps, padToRange, stack, tableOf, type Table } from './shaping'

export interface PanelLine {
  field: string
  label: string
}

export interface PanelSpec {
  id: string
  title: string
  metric: ChartedMetric
  lines: readonly PanelLine[]
  /** Areas stacked bottom-up in line order (CPU split). */
  stacked?: boolean
  /** Fixed y range, e.g. 0–100 for percentages. */
  yRange?: readonly [number, number]
}

const line = (field: string, label: string): PanelLine => ({ field, label })

export const PANELS: readonly PanelSpec[] = [
  { id: 'cpu', title: 'CPU', metric: 'vmstat', lines: [line('us', 'user'), line('sy', 'system'), line('wa', 'I/O wait'), line('idle', 'idle')], stacked: true, yRange: [0, 100] },
  { id: 'runq', title: 'Run queue and blocked', metric: 'vmstat', lines: [line('r', 'runnable'), line('b', 'blocked')] },
  { id: 'memory', title: 'Memory', metric: 'vmstat', lines: [line('avm', 'active'), line('fre', 'free')] },
  { id: 'paging', title: 'Paging', metric: 'vmstat', lines: [line('pi', 'paged in'), line('po', 'paged out'), line('fr', 'freed')] },
  { id: 'switches', title: 'Context switches and interrupts', metric: 'vmstat', lines: [line('cs', 'context switches'), line('interface_in', 'interrupts')] },
  { id: 'disk-throughput', title: 'Disk throughput', metric: 'iostat', lines: [line('kb_read_rate', 'read'), line('kb_wrtn_rate', 'write')] },
  { id: 'disk-tps', title: 'Disk transfers', metric: 'iostat', lines: [line('tps', 'tps')] },
  { id: 'disk-service', title: 'Disk service time', metric: 'iostat', lines: [line('service_time', 'service time')] },
  { id: 'net-packets', title: 'Network packets', metric: 'netstat', lines: [line('ipkts_rate', 'in'), line('opkts_rate', 'out')] },
  { id: 'net-errors', title: 'Network errors', metric: 'netstat', lines: [line('ierrs_rate', 'errors in'), line('oerrs_rate', 'errors out')] }
]

/** The unit of a panel's y axis: its first field's, from the catalogue. */
export function unitOf(panel: PanelSpec): string {
  const first = panel.lines[0]?.field
  return catalogueOf(panel.metric).fields.find((field) => field.field === first)?.unit ?? ''
}

/** One drawn series of a panel: its legend label and its data column index. */
export interface DrawnSeries {
  label: string
  key: string | null
  field: string
}

export interface PanelData {
  table: Table
  /** Raw (unstacked) columns in `drawn` order, for legends and CSV. */
  raw: Table
  drawn: DrawnSeries[]
}

/**
 * What a panel draws for the chosen keys (disks, interfaces): one column per key × line,
 * aligned, with gap rows, padded to [start, end]; stacked panels draw running sums.
 */
export function panelData(panel: PanelSpec, answer: SeriesAnswer | undefined, keys: readonly string[] | null, start: number, end: number): PanelData {
  const fields = panel.lines.map((l) => l.field)
  const chosen = (answer?.series ?? []).filter((series) => series.key === null || keys === null || keys.includes(series.key))
  const drawn: DrawnSeries[] = chosen.flatMap((series) =>
    panel.lines.map((l) => ({ label: series.key === null ? l.label : `${series.key} ${l.label}`, key: series.key, field: l.field }))
  )
  const aligned = chosen.length === 0 ? { ts: [], columns: [] } : alignSeries(chosen.map((series) => tableOf(series, fields)))
  const raw = padToRange(insertGaps(aligned, answer?.stepMs ?? 5_000), start, end)
  const table = panel.stacked ? { ts: raw.ts, columns: stack(raw.columns) } : raw
  return { table, raw, drawn }
}

/** Keys shown by default: the `limit` busiest by the sum of the panel metric's first line. */
export function busiestKeys(answer: SeriesAnswer | undefined, field: string, limit: number): string[] {
  const totals = (answer?.series ?? [])
    .filter((series) => series.key !== null && series.key !== 'lo')
    .map((series) => ({ key: series.key as string, total: (series.values[field] ?? []).reduce<number>((sum, value) => sum + (value ?? 0), 0) }))
  return totals
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key))
    .slice(0, limit)
    .map((entry) => entry.key)
}

/** The fields a metric's panels draw: all a detail view asks the core for. */
export function fieldsDrawn(metric: ChartedMetric): string[] {
  return [...new Set(PANELS.filter((panel) => panel.metric === metric).flatMap((panel) => panel.lines.map((l) => l.field)))]
}
