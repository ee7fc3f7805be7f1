import { SERIES_KEY } from '../../shared/metrics'
import type { ChartedMetric, ProcessRow, Series, Sparkline } from '../../shared/metric-series'
import { numberOrNull, type SampleValue } from '../base/series/sample'
import type { GroupRows, MetricsStore } from './metrics-store'
import { compareBusiest } from './samples'
import { labelFields } from './series-mapping'

export type MetricSeriesRepo = ReturnType<typeof createMetricSeriesRepo>

/** The charts' reads of the series store, columnar: one array per field, per disk/interface. */
export function createMetricSeriesRepo(store: MetricsStore) {
  /** One series per group, sorted by disk or interface; `columnOf` names the stored column of a field. */
  const toSeries = (metric: ChartedMetric, fields: readonly string[], read: GroupRows[], columnOf: (field: string) => string): Series[] => {
    const keyLabel = SERIES_KEY[metric]
    const series = joined(read, ({ group }) => (keyLabel ? (group.labels[keyLabel] ?? '') : '')).map(({ group, rows }): Series => {
      const values: Series['values'] = {}
      for (const field of fields) {
        const column = rows.columns[group.columns.indexOf(columnOf(field))] ?? []
        values[field] = column.map(numberOrNull)
      }
      return { key: keyLabel ? (group.labels[keyLabel] ?? '') : null, ts: rows.ts, values }
    })
    return series.sort((a, b) => String(a.key).localeCompare(String(b.key)))
  }

  return {
    /** Raw samples of one server in [start, end], one series per disk/interface. */
    samples(metric: ChartedMetric, fields: readonly string[], serverId: string, start: number, end: number): Series[] {
      return toSeries(metric, fields, store.read(store.groups(metric, serverId), start, end), (field) => field)
    },

    /** Roll-up averages of one server in [start, end] at `resolution` ms. */
    rollups(metric: ChartedMetric, fields: readonly string[], resolution: number, serverId: string, start: number, end: number): Series[] {
      return toSeries(metric, fields, store.read(store.rollupGroups(metric, resolution, serverId), start, end), (field) => `${field}_avg`)
    },

    /** Every server's CPU (us + sy), run queue, free memory and paging (pi + po) in [start, end], for the overview. */
    sparklines(start: number, end: number): Map<string, Sparkline> {
      const byServer = new Map<string, Sparkline>()
      const groups = store.groups('vmstat').sort((a, b) => ((a.labels.server_id ?? '') < (b.labels.server_id ?? '') ? -1 : 1))
      for (const { group, serverId, rows } of joined(store.read(groups, start, end), ({ serverId: id }) => id)) {
        const column = (name: string) => rows.columns[group.columns.indexOf(name)] ?? []
        const sum = (a: string, b: string): Array<number | null> => {
          const left = column(a)
          const right = column(b)
          return rows.ts.map((_, r) => {
            const x = left[r]
            const y = right[r]
            return typeof x === 'number' && typeof y === 'number' ? x + y : null
          })
        }
        const numbers = (name: string): Array<number | null> => column(name).map(numberOrNull)
        byServer.set(serverId, { ts: rows.ts, values: { cpu: sum('us', 'sy'), r: numbers('r'), fre: numbers('fre'), paging: sum('pi', 'po') } })
      }
      return byServer
    },

    /** The processes of a server's latest process sample, busiest first. */
    latestProcesses(serverId: string): { ts: number | null; rows: ProcessRow[] } {
      const groups = store.groups('process', serverId)
      let latest: number | null = null
      const lastOf = new Map<number, number | null>()
      for (const group of groups) {
        const last = store.lastSampleTs(group.id)
        lastOf.set(group.id, last)
        if (last !== null && (latest === null || last > latest)) latest = last
      }
      if (latest === null) return { ts: null, rows: [] }
      const at = latest
      const rows = store
        .read(
          groups.filter((group) => lastOf.get(group.id) === at),
          at,
          at
        )
        .map(({ group, rows: range }): ProcessRow => {
          const { pid, user, command } = labelFields('process', group)
          const number = (c: number): number | null => numberOrNull(range.columns[c]?.[0])
          return { pid: pid as number, user: user as string, cpu: number(0), mem: number(1), command: command as string }
        })
      return { ts: latest, rows: rows.sort(compareBusiest) }
    }
  }
}

/**
 * One entry per key: a series and the imported files' groups of it (imported-groups.ts) are
 * charted as one line, their rows in time order. Groups of one metric share their columns.
 */
function joined(read: readonly GroupRows[], keyOf: (rows: GroupRows) => string): GroupRows[] {
  const byKey = new Map<string, GroupRows[]>()
  for (const rows of read) {
    const key = keyOf(rows)
    const same = byKey.get(key)
    if (same) same.push(rows)
    else byKey.set(key, [rows])
  }
  return [...byKey.values()].map((parts) => (parts.length === 1 ? (parts[0] as GroupRows) : joinedRows(parts)))
}

function joinedRows(parts: readonly GroupRows[]): GroupRows {
  const order = parts.flatMap((part, p) => part.rows.ts.map((ts, row) => ({ ts, p, row }))).sort((a, b) => a.ts - b.ts || a.p - b.p)
  const first = parts[0] as GroupRows
  const columns = first.group.columns.map((_, c) => order.map(({ p, row }): SampleValue => (parts[p] as GroupRows).rows.columns[c]?.[row] ?? null))
  return {
    group: first.group,
    serverId: first.serverId,
    rows: { ts: order.map(({ ts }) => ts), seq: order.map(({ p, row }) => (parts[p] as GroupRows).rows.seq[row] as number), columns }
  }
}
