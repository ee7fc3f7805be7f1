// A metrics CSV under its source's mapping: one column the time, some columns labels, the rest
// (or those named) numbers, each column one metric — `<metric_prefix><column>` — whose series
// are told apart by the label columns' values. They are stored as `csv:<metric>` groups
// (external-series.ts), so the Prometheus API answers them like imported or scraped series.
import type { CsvMetricsOptions, TimestampFormat } from '../../shared/imports'
import { IMPORT_TIME_RANGE, VIGIL_PREFIX } from '../prometheus'

export interface MetricsPlan {
  width: number
  time: number
  parseTime: (text: string) => number | null
  values: Array<{ index: number; metric: string }>
  labels: Array<{ index: number; name: string }>
}

export interface MetricsRow {
  ts: number
  /** Label values in the plan's label order ('' for none). */
  labelValues: string[]
  /** Per value column, its number; null for an empty field (no sample). */
  values: Array<number | null>
}

/** What a header column becomes in a name: letters, digits and _, never a leading digit. */
export function identifier(column: string): string {
  const name = column.trim().replace(/[^A-Za-z0-9_]/g, '_')
  return /^[0-9]/.test(name) ? `_${name}` : name || '_'
}

/** The mapping applied to a file's header, or what is wrong with the header. */
export function planMetrics(header: readonly string[], options: CsvMetricsOptions): MetricsPlan | string {
  const columns = header.map((name) => name.trim())
  const indexOf = (name: string): number => columns.indexOf(name)
  const time = indexOf(options.timestamp_column)
  if (time < 0) return `the header has no timestamp column ${JSON.stringify(options.timestamp_column)}`
  const labels: MetricsPlan['labels'] = []
  for (const name of options.label_columns ?? []) {
    const index = indexOf(name)
    if (index < 0) return `the header has no label column ${JSON.stringify(name)}`
    const label = identifier(name)
    if (label.startsWith('__')) return `the label column ${JSON.stringify(name)} makes a reserved label name (starting with __)`
    labels.push({ index, name: label })
  }
  const taken = new Set([time, ...labels.map((label) => label.index)])
  const valueNames = options.value_columns ?? columns.filter((_, index) => !taken.has(index))
  if (valueNames.length === 0) return 'the header has no value column'
  const prefix = options.metric_prefix ?? ''
  const values: MetricsPlan['values'] = []
  for (const name of valueNames) {
    const index = indexOf(name)
    if (index < 0) return `the header has no value column ${JSON.stringify(name)}`
    if (taken.has(index)) return `the column ${JSON.stringify(name)} is the time or a label, not a value`
    const metric = prefix + identifier(name)
    if (metric.startsWith(VIGIL_PREFIX)) return `the metric ${metric} is reserved: names starting with ${VIGIL_PREFIX} are the series Vigil collects`
    values.push({ index, metric })
  }
  return { width: columns.length, time, parseTime: timeParser(options.timestamp_format ?? 'iso'), values, labels }
}

/** One data record under the plan, or what is wrong with it. */
export function metricsRow(plan: MetricsPlan, fields: readonly string[]): MetricsRow | string {
  if (fields.length !== plan.width) return `${fields.length} fields under a header of ${plan.width} columns`
  const timeText = fields[plan.time] as string
  const ts = plan.parseTime(timeText.trim())
  if (ts === null) return `the time ${JSON.stringify(timeText.slice(0, 40))} cannot be read`
  if (ts < IMPORT_TIME_RANGE.min || ts > IMPORT_TIME_RANGE.max) return `the time ${JSON.stringify(timeText.slice(0, 40))} is outside 1970–9999`
  const values: Array<number | null> = []
  for (const { index, metric } of plan.values) {
    const text = (fields[index] as string).trim()
    if (text === '') {
      values.push(null)
      continue
    }
    const value = sampleValue(text)
    if (value === null) return `${metric}: ${JSON.stringify(text.slice(0, 40))} is not a number`
    values.push(value)
  }
  return { ts, labelValues: plan.labels.map(({ index }) => (fields[index] as string).trim()), values }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

function sampleValue(text: string): number | null {
  if (NUMBER.test(text)) return Number(text)
  switch (text.toLowerCase()) {
    case 'nan':
      return NaN
    case 'inf':
    case '+inf':
      return Infinity
    case '-inf':
      return -Infinity
    default:
      return null
  }
}

const ISO_WITHOUT_ZONE = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?$/
const ISO = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?([Zz]|[+-]\d\d:?\d\d)?)?$/

function timeParser(format: TimestampFormat): (text: string) => number | null {
  if (format === 'unix' || format === 'unix_ms') {
    const scale = format === 'unix' ? 1000 : 1
    return (text) => {
      if (!NUMBER.test(text)) return null
      const ms = Math.round(Number(text) * scale)
      return Number.isSafeInteger(ms) ? ms : null
    }
  }
  return (text) => {
    if (!ISO.test(text)) return null
    // A time without a zone is UTC (a spreadsheet's export rarely says): README, "Imports".
    const normalised = text.replace(' ', 'T')
    const ms = Date.parse(ISO_WITHOUT_ZONE.test(text) && normalised.includes('T') ? `${normalised}Z` : normalised)
    return Number.isFinite(ms) ? ms : null
  }
}
