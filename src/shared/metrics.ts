// The four metric families of servers-metrics-oracle-api.md and their stored fields.
// Units and per-OS sources: metrics-catalogue.ts.

export const METRICS = ['vmstat', 'iostat', 'netstat', 'process'] as const
export type MetricName = (typeof METRICS)[number]

/** Numeric fields of each metric, in the spec's order (plus Vigil's `wa`). */
export const NUMERIC_FIELDS = {
  vmstat: ['r', 'b', 'avm', 'fre', 'pi', 'po', 'fr', 'interface_in', 'cs', 'us', 'sy', 'idle', 'wa'],
  iostat: ['tps', 'kb_read', 'kb_wrtn', 'kb_read_rate', 'kb_wrtn_rate', 'service_time'],
  netstat: ['ipkts', 'ierrs', 'ipkts_rate', 'ierrs_rate', 'opkts', 'opkts_rate', 'oerrs', 'oerrs_rate'],
  process: ['cpu', 'mem']
} as const satisfies Record<MetricName, readonly string[]>

/** The field that tells rows of one sample apart (one row per disk, interface, process). */
export const SERIES_KEY = { vmstat: null, iostat: 'disk', netstat: 'interface', process: 'pid' } as const

/** What the historical API calls each metric in its `metric` member ("Process Metric"). */
export const METRIC_LABELS: Record<MetricName, string> = {
  vmstat: 'VMStat Metric',
  iostat: 'IOStat Metric',
  netstat: 'Netstat Metric',
  process: 'Process Metric'
}

export function isMetricName(value: unknown): value is MetricName {
  return typeof value === 'string' && (METRICS as readonly string[]).includes(value)
}

/** What the historical API serves: raw samples, or 1-minute / 1-hour roll-ups. */
export const RESOLUTIONS = ['raw', '1m', '1h'] as const
export type Resolution = (typeof RESOLUTIONS)[number]
export const RESOLUTION_MS: Record<Exclude<Resolution, 'raw'>, number> = { '1m': 60_000, '1h': 3_600_000 }

/**
 * The resolution `auto` picks for a time range: raw up to a day (17,280 points at 5 s),
 * 1-minute roll-ups up to a month, hourly beyond. Process samples have no roll-ups.
 */
export function chooseResolution(rangeMs: number, metric: MetricName): Resolution {
  if (metric === 'process' || rangeMs <= 86_400_000) return 'raw'
  return rangeMs <= 31 * 86_400_000 ? '1m' : '1h'
}
