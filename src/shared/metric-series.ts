// What the charts read: columnar series (one array per field, ready for uPlot) rather than
// the API's row objects, so 24 h at 5 s is 17,280 numbers per field and no per-row keys.
import { Type, type Static } from 'typebox'
import type { MetricName, Resolution } from './metrics'

/** The metrics that are charted as time series (process samples have their own views). */
export const CHARTED_METRICS = ['vmstat', 'iostat', 'netstat'] as const
export type ChartedMetric = (typeof CHARTED_METRICS)[number]

/** Longest range one request may cover: the hourly roll-ups' retention. */
export const MAX_SERIES_RANGE_MS = 400 * 86_400_000

const Id = Type.String({ minLength: 1, maxLength: 64 })
const Epoch = Type.Integer({ minimum: 0, description: 'Milliseconds since the epoch.' })

export const SeriesQuerySchema = Type.Object(
  {
    serverId: Id,
    metric: Type.Union([Type.Literal('vmstat'), Type.Literal('iostat'), Type.Literal('netstat')]),
    start: Epoch,
    end: Epoch,
    resolution: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('raw'), Type.Literal('1m'), Type.Literal('1h')])),
    /** Only these numeric fields (default: all of the metric's); a day of samples is megabytes. */
    fields: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 32, uniqueItems: true }))
  },
  { additionalProperties: false }
)
export type SeriesQuery = Static<typeof SeriesQuerySchema>

/** One series: a disk, an interface, or the host (key null for vmstat). */
export interface Series {
  key: string | null
  /** Sample times, ms, ascending. */
  ts: number[]
  /** One array per numeric field, aligned with `ts`; roll-ups carry the bucket averages. */
  values: Record<string, Array<number | null>>
}

export interface SeriesAnswer {
  metric: ChartedMetric
  serverId: string
  start: number
  end: number
  resolution: Resolution
  /** The spacing samples are expected at: the server's interval for raw, the bucket otherwise. */
  stepMs: number
  series: Series[]
}

export const OverviewQuerySchema = Type.Object(
  { windowMs: Type.Optional(Type.Integer({ minimum: 60_000, maximum: 3_600_000 })) },
  { additionalProperties: false }
)
export type OverviewQuery = Static<typeof OverviewQuerySchema>

/** The four sparklines of the fleet overview, derived from vmstat. */
export const SPARK_FIELDS = ['cpu', 'r', 'fre', 'paging'] as const
export type SparkField = (typeof SPARK_FIELDS)[number]

export interface Sparkline {
  ts: number[]
  /** cpu = us + sy (%), r = run queue, fre = free memory, paging = pi + po. */
  values: Record<SparkField, Array<number | null>>
}

export interface OverviewAnswer {
  start: number
  end: number
  /** By server id; servers without a sample in the window are absent. */
  sparklines: Record<string, Sparkline>
}

export const TopProcessesQuerySchema = Type.Object({ serverId: Id }, { additionalProperties: false })
export type TopProcessesQuery = Static<typeof TopProcessesQuerySchema>

export interface ProcessRow {
  pid: number
  user: string
  cpu: number | null
  mem: number | null
  command: string
}

export interface TopProcesses {
  serverId: string
  /** When the latest process sample was taken; null when there is none. */
  timestamp: number | null
  processes: ProcessRow[]
}

export const ProcessHistoryQuerySchema = Type.Object(
  {
    serverId: Id,
    pids: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 20 }),
    start: Epoch,
    end: Epoch
  },
  { additionalProperties: false }
)
export type ProcessHistoryQuery = Static<typeof ProcessHistoryQuerySchema>

/** Buckets a process history is cut into at most, whatever the range. */
export const PROCESS_HISTORY_POINTS = 360

export interface ProcessHistory {
  serverId: string
  start: number
  end: number
  intervalMs: number
  /** One per pid that has samples in the range: averages and maxima per bucket. */
  processes: Array<{
    pid: number
    command: string
    user: string
    ts: number[]
    avgCpu: Array<number | null>
    maxCpu: Array<number | null>
    avgMem: Array<number | null>
  }>
}

export function isChartedMetric(metric: MetricName): metric is ChartedMetric {
  return (CHARTED_METRICS as readonly string[]).includes(metric)
}
