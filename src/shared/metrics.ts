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
