// The charts' reads of release 9's metrics tables (before the series store), kept as the
// reference the series store's answers are compared with. Not used by Vigil itself.
import { SERIES_KEY } from '../../src/shared/metrics'
import type { ChartedMetric, ProcessRow, Series, Sparkline } from '../../src/shared/metric-series'
import type { Db } from '../../src/main/base/db/db'

export type MetricSeriesRepo = ReturnType<typeof createMetricSeriesRepo>

/**
 * The charts' reads of the metric tables, columnar: rows come back as arrays (better-sqlite3's
 * raw mode, no per-row objects) and are split into one array per field, per disk/interface.
 */
export function createMetricSeriesRepo(db: Db) {
  // Field names are checked against NUMERIC_FIELDS by the service before they reach SQL.
  const columnsOf = (fields: readonly string[], suffix = ''): string[] => fields.map((field) => `${field}${suffix}`)

  const toSeries = (metric: ChartedMetric, fields: readonly string[], rows: unknown[][]): Series[] => {
    const byKey = new Map<string | null, Series>()
    for (const row of rows) {
      const key = SERIES_KEY[metric] ? String(row[1]) : null
      let series = byKey.get(key)
      if (!series) {
        series = { key, ts: [], values: Object.fromEntries(fields.map((field) => [field, []])) }
        byKey.set(key, series)
      }
      series.ts.push(row[0] as number)
      for (let f = 0; f < fields.length; f++) (series.values[fields[f] as string] as Array<number | null>).push(row[f + 2] as number | null)
    }
    return [...byKey.values()].sort((a, b) => String(a.key).localeCompare(String(b.key)))
  }

  return {
    /** Raw samples of one server in [start, end], one series per disk/interface. */
    samples(metric: ChartedMetric, fields: readonly string[], serverId: string, start: number, end: number): Series[] {
      const key = SERIES_KEY[metric] ?? 'NULL'
      const rows = db
        .prepare(
          `SELECT ts, ${key}, ${columnsOf(fields).join(', ')} FROM ${metric}_samples
            WHERE server_id = ? AND ts >= ? AND ts <= ? ORDER BY ts, id`
        )
        .raw()
        .all(serverId, start, end) as unknown[][]
      return toSeries(metric, fields, rows)
    },

    /** Roll-up averages of one server in [start, end] at `resolution` ms. */
    rollups(metric: ChartedMetric, fields: readonly string[], resolution: number, serverId: string, start: number, end: number): Series[] {
      const key = SERIES_KEY[metric] ?? 'NULL'
      const rows = db
        .prepare(
          `SELECT bucket, ${key}, ${columnsOf(fields, '_avg').join(', ')} FROM ${metric}_rollups
            WHERE resolution = ? AND server_id = ? AND bucket >= ? AND bucket <= ? ORDER BY bucket`
        )
        .raw()
        .all(resolution, serverId, start, end) as unknown[][]
      return toSeries(metric, fields, rows)
    },

    /** Every server's CPU, run queue, free memory and paging since `start`, for the overview. */
    sparklines(start: number, end: number): Map<string, Sparkline> {
      const rows = db
        .prepare(
          `SELECT server_id, ts, us + sy, r, fre, pi + po FROM vmstat_samples
            WHERE ts >= ? AND ts <= ? ORDER BY server_id, ts`
        )
        .raw()
        .all(start, end) as Array<[string, number, number | null, number | null, number | null, number | null]>
      const byServer = new Map<string, Sparkline>()
      for (const [serverId, ts, cpu, r, fre, paging] of rows) {
        let spark = byServer.get(serverId)
        if (!spark) byServer.set(serverId, (spark = { ts: [], values: { cpu: [], r: [], fre: [], paging: [] } }))
        spark.ts.push(ts)
        spark.values.cpu.push(cpu)
        spark.values.r.push(r)
        spark.values.fre.push(fre)
        spark.values.paging.push(paging)
      }
      return byServer
    },

    /** The processes of a server's latest process sample, busiest first. */
    latestProcesses(serverId: string): { ts: number | null; rows: ProcessRow[] } {
      const latest = db.prepare('SELECT MAX(ts) AS ts FROM process_samples WHERE server_id = ?').get(serverId) as { ts: number | null }
      if (latest.ts === null) return { ts: null, rows: [] }
      const rows = db
        .prepare(
          `SELECT pid, user, cpu, mem, command FROM process_samples
            WHERE server_id = ? AND ts = ? ORDER BY cpu DESC, mem DESC, pid`
        )
        .all(serverId, latest.ts) as ProcessRow[]
      return { ts: latest.ts, rows }
    }
  }
}
