// The PromQL differential tests' queries and comparison, shared by the engine's test against
// Prometheus 2.42 (promql-engine-reference.test.ts: the engine over the data set in memory) and
// the HTTP one (prometheus-query.test.ts: Vigil's /prometheus API over the data set imported).
//
//   dataset, at(minutes)            the generated data set (default seed) and a time in it, ms
//   CASES                           every query with its instant times and/or range
//   caseRequests(case)              each instant and range request a case makes
//   fromPrometheus(response)        an API answer (Prometheus' or Vigil's) as an Outcome
//   difference(expected, actual)    where two outcomes differ, or null
import { Labels } from '../../src/main/prometheus/promql/engine'
import { generateDataset } from './openmetrics-dataset'
import type { PrometheusResponse } from './prometheus-reference'

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const RELATIVE_TOLERANCE = 1e-5
export const ABSOLUTE_TOLERANCE = 1e-9

export const dataset = generateDataset()
export const at = (minutes: number): number => dataset.startMs + minutes * MINUTE

export interface Case {
  query: string
  /** Instant query times, ms. */
  times?: number[]
  /** Range query [start, end, step], ms. */
  range?: [number, number, number]
  /** Compare the order of instant results (default: unless 2.42's order is random there). */
  ordered?: boolean
  /** The query's `timeout` parameter, ms (the engine's timeoutMs). */
  timeoutMs?: number
}


/** Whether 2.42's order of an instant result is defined: not after histogram_quantile or a subquery of several steps (Go map order). */
export function orderDefined(query: string): boolean {
  return !/histogram_quantile|\[[^\]]*:/.test(query)
}

/** One request of a case: an instant query at timeMs, or a range query. */
export type CaseRequest = { query: string; label: string; ordered: boolean; textVaries: boolean; timeoutMs?: number } & (
  | { kind: 'instant'; timeMs: number }
  | { kind: 'range'; startMs: number; endMs: number; stepMs: number }
)

export function* caseRequests(c: Case): Generator<CaseRequest> {
  const common = { query: c.query, textVaries: c.timeoutMs !== undefined, ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }) }
  for (const t of c.times ?? []) {
    yield { ...common, kind: 'instant', timeMs: t, label: `${c.query} @${new Date(t).toISOString()}`, ordered: c.ordered ?? orderDefined(c.query) }
  }
  if (c.range) {
    const [startMs, endMs, stepMs] = c.range
    const label = `${c.query} [${new Date(startMs).toISOString()}..${new Date(endMs).toISOString()} / ${stepMs / 1000}s]`
    // 2.42 sorts a range query's series by their labels.
    yield { ...common, kind: 'range', startMs, endMs, stepMs, label, ordered: true }
  }
}

// ---------------------------------------------------------------------------------------------
// Outcomes, both sides in one shape

export interface SeriesOutcome {
  labels: Labels
  points: Array<[t: number, v: number | string]>
}

export type Outcome =
  | { kind: 'error'; errorType: string; message: string }
  | { kind: 'result'; resultType: string; series: SeriesOutcome[] }

export function parseValue(text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}

const ms = (seconds: number): number => Math.round(seconds * 1000)

export function fromPrometheus(response: PrometheusResponse): Outcome {
  const body = response.body
  if (body?.status !== 'success') {
    const message = String(body?.error ?? response.text).replace(/^invalid parameter "query": /, '')
    return { kind: 'error', errorType: String(body?.errorType), message }
  }
  const { resultType, result } = body.data
  switch (resultType) {
    case 'vector':
      return { kind: 'result', resultType, series: result.map((s: any) => ({ labels: Labels.fromRecord(s.metric), points: [[ms(s.value[0]), parseValue(s.value[1])]] })) }
    case 'matrix':
      return { kind: 'result', resultType, series: result.map((s: any) => ({ labels: Labels.fromRecord(s.metric), points: s.values.map(([t, v]: [number, string]) => [ms(t), parseValue(v)]) })) }
    case 'scalar':
      return { kind: 'result', resultType, series: [{ labels: Labels.EMPTY, points: [[ms(result[0]), parseValue(result[1])]] }] }
    default:
      return { kind: 'result', resultType, series: [{ labels: Labels.EMPTY, points: [[ms(result[0]), result[1]]] }] }
  }
}

export function close(expected: number | string, actual: number | string): boolean {
  if (typeof expected === 'string' || typeof actual === 'string') return expected === actual
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual)
  if (expected === actual) return true
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return false
  const difference = Math.abs(expected - actual)
  return difference <= ABSOLUTE_TOLERANCE || difference <= RELATIVE_TOLERANCE * Math.max(Math.abs(expected), Math.abs(actual))
}

/** Where two outcomes differ, or null when they agree. */
export function difference(expected: Outcome, actual: Outcome, { ordered, textVaries }: { ordered: boolean; textVaries: boolean }): string | null {
  if (expected.kind === 'error' || actual.kind === 'error') {
    if (expected.kind !== actual.kind) return `Prometheus ${summary(expected)}, engine ${summary(actual)}`
    if (expected.kind === 'error' && actual.kind === 'error') {
      if (expected.errorType !== actual.errorType) return `error type ${expected.errorType} vs ${actual.errorType}: ${expected.message} | ${actual.message}`
      if (!textVaries && expected.message !== actual.message) return `error text:\n  Prometheus ${expected.message}\n  engine     ${actual.message}`
    }
    return null
  }
  if (actual.kind !== 'result') return 'unreachable'
  if (expected.resultType !== actual.resultType) return `result type ${expected.resultType} vs ${actual.resultType}`
  const keys = (outcome: { series: SeriesOutcome[] }): string[] => outcome.series.map((s) => s.labels.key)
  const expectedKeys = keys(expected)
  const actualKeys = keys(actual)
  if ([...expectedKeys].sort().join('\n') !== [...actualKeys].sort().join('\n')) {
    return `series differ:\n  Prometheus ${expected.series.map((s) => s.labels.toString()).join(' ')}\n  engine     ${actual.series.map((s) => s.labels.toString()).join(' ')}`
  }
  if (ordered && expectedKeys.join('\n') !== actualKeys.join('\n')) {
    return `order differs:\n  Prometheus ${expected.series.map((s) => s.labels.toString()).join(' ')}\n  engine     ${actual.series.map((s) => s.labels.toString()).join(' ')}`
  }
  const actualByKey = new Map(actual.series.map((s) => [s.labels.key, s]))
  for (const e of expected.series) {
    const a = actualByKey.get(e.labels.key) as SeriesOutcome
    if (e.points.length !== a.points.length) return `${e.labels.toString()}: ${e.points.length} points vs ${a.points.length}: ${JSON.stringify(firstPointDifference(e, a))}`
    for (let i = 0; i < e.points.length; i++) {
      const [et, ev] = e.points[i] as [number, number | string]
      const [at, av] = a.points[i] as [number, number | string]
      if (et !== at || !close(ev, av)) return `${e.labels.toString()} point ${i}: Prometheus [${et}, ${ev}], engine [${at}, ${av}]`
    }
  }
  return null
}

function firstPointDifference(e: SeriesOutcome, a: SeriesOutcome): unknown {
  for (let i = 0; i < Math.max(e.points.length, a.points.length); i++) {
    const ep = e.points[i]
    const ap = a.points[i]
    if (ep?.[0] !== ap?.[0]) return { index: i, prometheus: ep, engine: ap }
  }
  return null
}

export function summary(outcome: Outcome): string {
  return outcome.kind === 'error' ? `error (${outcome.errorType}): ${outcome.message}` : `${outcome.resultType} of ${outcome.series.length}`
}

// ---------------------------------------------------------------------------------------------
// The queries: every function, operator, modifier, aggregation, matching mode and error case

/**
 * Instant query times: early; api-1 down (20–24 min, its series in the lookback); host-b's
 * restart (47 min); host-c down for longer than the lookback (70–82.5 min); after the data
 * ends, within and beyond the lookback; an odd millisecond.
 */
export const TIMES = [3, 22, 47.5, 75, 121.5, 126].map(at)
export const FEW_TIMES = [22, 75, 121.5].map(at)
export const ODD_TIME = at(33) + 123
/** Range queries: the whole data set and past its end at a step that moves against the scrapes; minute steps; 15 s steps over the restart; odd steps. */
export const WHOLE: [number, number, number] = [at(-10), at(130), 97 * SECOND]
export const MINUTES: [number, number, number] = [at(0), at(125), MINUTE]
export const FINE: [number, number, number] = [at(40), at(55), 15 * SECOND]
export const ODD: [number, number, number] = [at(5) + 7, at(100) + 7, 7 * MINUTE + 13]

export const instant = (query: string, times = TIMES, ordered?: boolean): Case => ({ query, times, ...(ordered === undefined ? {} : { ordered }) })
export const ranged = (query: string, range = WHOLE): Case => ({ query, range })
export const both = (query: string, times = FEW_TIMES, range = WHOLE): Case => ({ query, times, range })

const RANGE_FUNCTIONS = [
  'rate', 'increase', 'delta', 'irate', 'idelta', 'deriv', 'changes', 'resets', 'avg_over_time', 'sum_over_time',
  'count_over_time', 'min_over_time', 'max_over_time', 'last_over_time', 'stddev_over_time', 'stdvar_over_time',
  'present_over_time', 'absent_over_time'
]
const ELEMENT_FUNCTIONS = [
  'abs', 'ceil', 'floor', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'round', 'sin', 'cos', 'tan', 'asin', 'acos',
  'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'deg', 'rad'
]
const DATE_FUNCTIONS = ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year']
const AGGREGATIONS = ['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']
const ARITHMETIC = ['+', '-', '*', '/', '%', '^', 'atan2']
const COMPARISONS = ['==', '!=', '>', '<', '>=', '<=']

export const CASES: Case[] = [
  // Selectors, matchers, lookback and series that stop, restart or pause.
  both('up'),
  instant('up', [ODD_TIME]),
  ranged('up', MINUTES),
  ranged('up', ODD),
  both('node_load1{instance="host-b:9100"}'),
  both('node_load1{instance!="host-b:9100"}'),
  both('node_cpu_seconds_total{mode=~"user|sys.*", cpu!~"[23]"}'),
  both('{__name__=~"node_load1|up", job="node"}'),
  both('{job="api", __name__=~".*_info"}'),
  both('http_requests_total{code="500", handler=~".*query.*"}'),
  both('rpc_duration_seconds{quantile="0.99"}'),
  both('api_build_info'),
  both('batch_records_processed_total'),
  both('batch_job_progress_ratio'),
  both('sensor_humidity_ratio'),
  both('temperature_celsius{location=~"(?i)OUTDOOR|freezer"}'),
  both('node_filesystem_avail_bytes{mountpoint="/"}'),
  both('nonexistent_metric'),
  both('up{job="nope"}'),
  ranged('process_resident_memory_bytes', FINE),
  ranged('node_boot_time_seconds', FINE),
  // lookback_probe: whole seconds, gaps of exactly 5 min (00:10 → 00:15) and 6 min (00:15 → 00:21).
  instant('lookback_probe', [at(10), at(15), at(15) - 1, at(20), at(20) + 1, at(21) - 1, at(21), at(35), at(35) + 1]),
  ranged('lookback_probe', [at(5), at(40), 30 * SECOND]),
  ranged('lookback_probe', [at(9), at(22), SECOND * 60]),

  // offset and @, with start() and end(), negative offsets, and both together.
  both('node_load1 offset 5m'),
  both('node_load1 offset -5m'),
  both('node_load1 offset 1h30m'),
  both('up offset 2m30s'),
  both('lookback_probe offset 5m', [at(20), at(26)]),
  both(`node_load1 @ ${at(30) / 1000}`),
  both(`node_load1 @ ${(at(30) + 500) / 1000}`),
  both('node_load1 @ start()'),
  both('node_load1 @ end()'),
  both(`node_load1 @ ${at(30) / 1000} offset 10m`),
  both(`node_load1 offset -10m @ ${at(30) / 1000}`),
  both('up @ end() offset 1m'),
  both(`rate(node_cpu_seconds_total{mode="user"}[5m] @ ${at(60) / 1000})`),
  both('rate(node_cpu_seconds_total{mode="user"}[5m] @ start() offset -5m)'),
  both('sum(rate(http_requests_total[5m] @ end()))'),
  both(`node_load1 - node_load1 @ ${at(30) / 1000}`),
  both('node_load1 / node_load1 offset 10m'),
  both('avg_over_time(node_load1[10m] offset 5m)'),
  both('increase(node_network_receive_bytes_total[3m] offset -2m)'),

  // Range selectors and subqueries at the top of an instant query.
  instant('node_load1[1m]'),
  instant('lookback_probe[5m]', [at(15), at(20), at(20) + 1, at(26)]),
  instant('up[2m] offset 1m'),
  instant(`node_load1[3m] @ ${at(30) / 1000}`),
  instant('node_load1[10m:1m]'),
  instant('node_load1[10m:]'),
  instant('node_load1[5m:90s] offset 2m'),
  instant('rate(node_cpu_seconds_total{cpu="0"}[5m])[15m:5m]'),
  instant(`up[10m:2m] @ ${at(60) / 1000}`),
  instant('vector(1)[3m:1m]'),
  instant('(node_load1 > 1)[20m:3m]'),

  // Subqueries under functions: alignment of their steps to absolute multiples, default step, nesting, @ and offset.
  both('max_over_time(node_load1[10m:1m])'),
  both('max_over_time(node_load1[10m:])'),
  both('avg_over_time(node_load1[7m:45s])'),
  both('sum_over_time(up[1h:7m])'),
  both('count_over_time(node_load1[9m:2m])', FEW_TIMES, ODD),
  both('min_over_time(rate(node_cpu_seconds_total{mode="idle"}[5m])[30m:2m])'),
  both('max_over_time(deriv(node_filesystem_avail_bytes[10m])[20m:])'),
  both('max_over_time(max_over_time(node_load1[5m:1m])[20m:5m])'),
  both('rate(http_requests_total{code="200", method="GET"}[10m:30s])'),
  both('last_over_time(node_load1[10m:1m] offset 5m)'),
  both(`max_over_time(node_load1[10m:1m] @ ${at(60) / 1000})`),
  both('max_over_time(node_load1[10m:1m] @ end())'),
  both(`sum_over_time(node_load1[5m:1m] @ ${at(60) / 1000} offset 2m)`),
  both(`sum_over_time(node_load1 @ ${at(60) / 1000}[5m:1m])`),
  both(`max_over_time(rate(node_cpu_seconds_total{mode="user"}[5m] @ ${at(90) / 1000})[10m:1m])`),
  both('absent_over_time(nonexistent[5m:1m])'),
  both('absent_over_time(batch_job_progress_ratio[10m:1m])'),
  both('quantile_over_time(0.5, node_load1[20m:2m])'),
  both('present_over_time(lookback_probe[2m:30s])'),
  both('changes(up[30m:1m])'),
  both('holt_winters(node_load1[20m:1m], 0.3, 0.6)'),
  both('predict_linear(node_load1[20m:1m], 600)'),
  ranged('max_over_time(node_load1[10m:1m])', MINUTES),
  ranged('max_over_time(node_load1[10m:1m])', FINE),
  ranged('avg_over_time(up[6m:75s])', ODD),
  ranged('max_over_time(node_load1[10m:1m] offset -3m)', MINUTES),

  // Every range-vector function.
  ...RANGE_FUNCTIONS.flatMap((f) => [
    ranged(`${f}(node_cpu_seconds_total{cpu="1"}[5m])`),
    ranged(`${f}(batch_records_processed_total[10m])`, MINUTES),
    both(`${f}(sensor_humidity_ratio[2m])`),
    instant(`${f}(lookback_probe[5m])`, [at(15), at(20), at(20) + 1])
  ]),
  both('quantile_over_time(0.9, http_requests_total{handler="/metrics"}[10m])'),
  both('quantile_over_time(-1, node_load1[5m])'),
  both('quantile_over_time(2, node_load1[5m])'),
  both('quantile_over_time(NaN, node_load1[5m])'),
  both('predict_linear(node_filesystem_avail_bytes{mountpoint="/"}[30m], 3600)'),
  both('predict_linear(node_load1[10m] offset 5m, -300)'),
  both('holt_winters(node_memory_MemAvailable_bytes[15m], 0.5, 0.5)'),
  both('holt_winters(node_load1[5m], 0.1, 0.9)'),
  both('rate(node_network_receive_bytes_total[1m30s])'),
  both('irate(http_requests_total{code="500"}[10m])'),
  both('sum_over_time({__name__=~"lookback_probe|up", job="batch"}[5m])'),
  both('last_over_time({__name__=~"node_load1|up", instance="host-c:9100"}[2m])'),
  both('rate(up[0s])'),

  // Every function of instant vectors.
  ...ELEMENT_FUNCTIONS.map((f) => both(`${f}(sensor_humidity_ratio * 3 - 1.5)`)),
  ...ELEMENT_FUNCTIONS.map((f) => ranged(`${f}(temperature_celsius / 10)`, MINUTES)),
  ...DATE_FUNCTIONS.flatMap((f) => [both(`${f}()`), both(`${f}(node_boot_time_seconds)`), ranged(`${f}(vector(time()))`, ODD)]),
  both('round(node_load1, 0.25)'),
  both('round(temperature_celsius, -5)'),
  both('round(temperature_celsius, 0)'),
  both('clamp(temperature_celsius, -5, 20)'),
  both('clamp(temperature_celsius, 20, -5)'),
  both('clamp_min(sensor_humidity_ratio, 0.5)'),
  both('clamp_max(sensor_humidity_ratio, NaN)'),
  both('clamp_min(node_load1, scalar(up{instance="host-a:9100"}))'),
  both('exp(node_load1 * 300)'),
  both('ln(temperature_celsius)'),
  both('timestamp(node_load1)'),
  both('timestamp(node_load1 offset 3m)'),
  both('timestamp(node_load1 + 0)'),
  both('timestamp(-node_load1)'),
  both('timestamp(lookback_probe)', [at(13), at(20)], [at(8), at(25), 30 * SECOND]),
  both(`timestamp(node_load1 @ ${at(30) / 1000})`),
  both(`timestamp(node_load1 @ ${at(30) / 1000} offset 5m)`),
  both('timestamp(up @ end())'),
  both('timestamp(vector(1))'),
  both('timestamp(sum(up))'),
  both('histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m]))'),
  both('histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'),
  both('histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket[10m])))'),
  both('histogram_quantile(1.5, http_request_duration_seconds_bucket)'),
  both('histogram_quantile(NaN, sum by (le) (http_request_duration_seconds_bucket))'),
  both('histogram_quantile(0.5, up)'),
  both('histogram_count(http_request_duration_seconds_bucket)'),
  both('histogram_sum(http_request_duration_seconds_bucket)'),
  both('histogram_fraction(0, 0.1, http_request_duration_seconds_bucket)'),
  both('scalar(up{instance="host-a:9100"})'),
  both('scalar(up)'),
  both('scalar(nonexistent)'),
  both('scalar(sum(up))'),
  both('vector(1)'),
  both('vector(time())'),
  both('vector(scalar(node_load1{instance="host-c:9100"}))'),
  both('time()'),
  both('time() - node_boot_time_seconds'),
  both('pi()'),
  both('-pi()'),
  both('absent(nonexistent)'),
  both('absent(nonexistent{job="x", instance=~"y", env="prod"})'),
  both('absent(nonexistent{job="x", job="y"})'),
  both('absent(nonexistent{job!="x", job="y"})'),
  both('absent(up)'),
  both('absent(batch_job_progress_ratio)', FEW_TIMES, MINUTES),
  both('absent(sum(nonexistent))'),
  both('absent(nonexistent{__name__="x", a="b"} offset 1h)'),
  both('absent_over_time(nonexistent{job="x"}[5m])'),
  both('absent_over_time(batch_job_progress_ratio{batch="nightly-import"}[1m])', FEW_TIMES, MINUTES),
  both('absent_over_time(lookback_probe[1m])', [at(11), at(16)], [at(5), at(35), 30 * SECOND]),
  instant('sort(node_load1)', TIMES, true),
  instant('sort_desc(node_load1)', TIMES, true),
  instant('sort(sensor_humidity_ratio)', TIMES, true),
  instant('sort_desc(http_requests_total)', FEW_TIMES, true),
  instant('sort(clamp_max(node_cpu_seconds_total, 1000))', FEW_TIMES, true),
  ranged('sort(node_load1)'),
  ranged('sort_desc(node_load1)', ODD),

  // label_replace and label_join.
  both('label_replace(up, "host", "$1", "instance", "(.*):.*")'),
  both('label_replace(up, "host", "${1}-x", "instance", "(.*):(.*)")'),
  both('label_replace(up, "host", "$1x", "instance", "(.*):(.*)")'),
  both('label_replace(up, "host", "$name:$2", "instance", "(?P<name>.*):(.*)")'),
  both('label_replace(up, "host", "${name}$$", "instance", "(?P<name>[a-z]+)-.*")'),
  both('label_replace(up, "host", "$ $3 $0 $", "instance", "(.*):(.*)")'),
  both('label_replace(up, "instance", "", "instance", "host-.*")'),
  both('label_replace(up, "job", "$1", "nope", "(.*)")'),
  both('label_replace(up, "__name__", "renamed_$1", "job", "(.*)")'),
  both('label_replace(node_load1, "instance", "x", "", "")'),
  both('label_replace(up, "dst", "v", "job", "node|api")'),
  both('label_replace(up, "dst", "v", "job", "(")'),
  both('label_replace(up, "1dst", "v", "job", ".*")'),
  both('label_replace(nonexistent, "dst", "v", "job", "(")'),
  both('label_join(up, "dst", ",", "job", "instance")'),
  both('label_join(up, "dst", "", "job")'),
  both('label_join(up, "job", "-", "nope", "nope2")'),
  both('label_join(node_uname_info, "all", "/", "nodename", "release", "version")'),
  both('label_join(up, "dst", ",", "1bad")'),
  both('label_join(up, "1bad", ",", "job")'),
  both('label_join(up, "instance", "", "job")'),

  // Aggregations, by and without, with their parameters.
  ...AGGREGATIONS.flatMap((op) => [
    ranged(`${op} by (mode) (rate(node_cpu_seconds_total[5m]))`),
    ranged(`${op} without (cpu) (node_cpu_seconds_total)`, MINUTES),
    both(`${op}(sensor_humidity_ratio)`),
    both(`${op} by (__name__) ({__name__=~"node_load1|temperature_celsius"})`),
    instant(`${op} without (instance) (http_requests_total)`, FEW_TIMES),
    instant(`${op} by (job, nope) (up)`, FEW_TIMES)
  ]),
  both('sum(nonexistent)'),
  both('count(up) by (job)'),
  both('avg(sensor_humidity_ratio * 1e308)'),
  both('sum without () (up)'),
  both('max by () (up)'),
  instant('topk(3, node_load1)', TIMES, true),
  instant('bottomk(2, node_load1)', TIMES, true),
  instant('topk by (mode) (2, rate(node_cpu_seconds_total[5m]))', FEW_TIMES, true),
  instant('bottomk without (cpu) (1, node_cpu_seconds_total)', FEW_TIMES, true),
  instant('topk(2, sensor_humidity_ratio)', TIMES, true),
  instant('topk(100, up)', FEW_TIMES, true),
  instant('topk(0, up)', FEW_TIMES, true),
  instant('topk(1.9, up)', FEW_TIMES, true),
  instant('topk(scalar(up{instance="host-a:9100"}), node_load1)', FEW_TIMES, true),
  ranged('topk(2, node_load1)'),
  ranged('bottomk(1, rate(node_cpu_seconds_total{mode="user"}[5m]))', MINUTES),
  both('topk(NaN, up)'),
  both('topk(1e20, up)'),
  both('topk(-Inf, up)'),
  both('quantile(0.5, node_load1)'),
  both('quantile by (mode) (0.9, rate(node_cpu_seconds_total[5m]))'),
  both('quantile(-0.1, up)'),
  both('quantile(1.1, up)'),
  both('quantile(NaN, up)'),
  both('count_values("value", up)'),
  both('count_values by (job) ("up", up)'),
  both('count_values without (instance) ("v", round(node_load1))'),
  both('count_values("job", up)'),
  both('count_values("", up)'),
  both('count_values("0bad", up)'),
  both('count_values("le", http_request_duration_seconds_bucket{handler="/metrics"})'),
  both('stddev by (job) (process_resident_memory_bytes)'),
  both('group by (job) (up)'),
  both('sum(rate(http_requests_total[5m])) by (handler)'),
  both(`sum(rate(http_requests_total[5m] @ ${at(60) / 1000})) by (code)`),
  // 2.42 evaluates a parameter at every step and leaves its `@ end()` unresolved.
  both('topk(scalar(count(up @ end())), node_load1)'),
  both(`topk(scalar(count(up @ ${at(60) / 1000})), node_load1)`),
  both('quantile(scalar(node_load1{instance="host-a:9100"}) / 10, node_load1)'),

  // Binary operators: scalar–scalar, vector–scalar, vector–vector, bool, filters.
  ...ARITHMETIC.map((op) => both(`2 ${op} 3`)),
  ...COMPARISONS.map((op) => both(`2 ${op} bool 3`)),
  ...ARITHMETIC.flatMap((op) => [ranged(`node_load1 ${op} 2`, MINUTES), both(`-1.5 ${op} sensor_humidity_ratio`)]),
  ...COMPARISONS.flatMap((op) => [ranged(`node_load1 ${op} 1`, MINUTES), both(`1 ${op} node_load1`), both(`sensor_humidity_ratio ${op} bool 0.5`)]),
  ...ARITHMETIC.map((op) => ranged(`node_load1 ${op} node_memory_MemAvailable_bytes / 1e9`, MINUTES)),
  ...COMPARISONS.flatMap((op) => [
    ranged(`node_load1 ${op} on (instance) node_memory_MemAvailable_bytes / 1e9`, MINUTES),
    both(`node_load1 ${op} bool ignoring (job) (node_memory_MemAvailable_bytes / 4e9)`)
  ]),
  both('node_load1 == node_load1'),
  both('node_load1 == bool node_load1'),
  both('node_load1 > on (instance, job) node_load1 offset 5m'),
  both('up * on (instance) group_left (nodename, release) node_uname_info'),
  both('node_uname_info * on (instance) group_right (nodename) up'),
  both('up + on (instance, job) group_left () node_load1'),
  both('node_cpu_seconds_total / on (instance) group_left node_boot_time_seconds'),
  both('node_cpu_seconds_total / ignoring (cpu, mode) group_left node_boot_time_seconds'),
  both('node_boot_time_seconds / ignoring (cpu, mode) group_right node_cpu_seconds_total'),
  both('node_boot_time_seconds < ignoring (cpu, mode) group_right node_cpu_seconds_total'),
  both('http_requests_total / ignoring (code) group_left sum without (code) (http_requests_total)'),
  both('http_requests_total > bool on (instance, handler, method) group_left (job) sum by (instance, handler, method, job) (http_requests_total) / 3'),
  both('api_build_info * on (instance) group_right (version) process_resident_memory_bytes'),
  both('process_resident_memory_bytes * on (instance) group_left (version, goversion) api_build_info'),
  both('process_resident_memory_bytes atan2 on (instance) group_left node_load1'),
  both('node_load1 atan2 node_load1 offset 1m'),
  both('sum by (instance) (node_cpu_seconds_total) / on (instance) group_left (nope) node_boot_time_seconds'),
  both('up == on () group_left vector(1)'),
  // Set operators.
  both('up and node_load1'),
  both('up and on (instance) node_load1'),
  both('up and ignoring (job) node_load1 > 1'),
  both('up or node_load1'),
  both('node_load1 or up'),
  both('node_load1 > 1 or on (instance) node_memory_MemAvailable_bytes'),
  both('up unless node_load1'),
  both('up unless on (instance) node_load1'),
  both('nonexistent or up'),
  both('up or nonexistent'),
  both('nonexistent and up'),
  both('nonexistent unless up'),
  both('up unless nonexistent'),
  both('up and on () vector(1)'),
  both('(up == 0) or (node_load1 > 2) and on (instance) up'),
  both('api_build_info or process_resident_memory_bytes unless on (instance) up == 0'),
  // Precedence, unary minus, metric names.
  both('-node_load1'),
  both('+node_load1'),
  both('-(-node_load1)'),
  both('- 2 ^ 2'),
  both('2 ^ 3 ^ 2'),
  both('node_load1 * -1 + 1 % 3'),
  both('(up + 1) > bool 1'),
  both('up > 0 < 2'),
  both('sum(up) > bool scalar(count(up))'),

  // Errors: matching, duplicates, parameters, labels, parsing.
  both('node_load1 + on (job) node_load1'),
  both('node_load1 + on (job) group_left node_cpu_seconds_total'),
  both('node_cpu_seconds_total + on (instance) group_right node_load1'),
  both('node_cpu_seconds_total + ignoring (cpu, mode) node_load1'),
  both('node_cpu_seconds_total > ignoring (cpu) node_cpu_seconds_total'),
  both('{__name__=~"node_load1|process_resident_memory_bytes", job="node"} * on (instance) group_left node_memory_MemAvailable_bytes'),
  both('abs({__name__=~"node_load1|process_resident_memory_bytes"})'),
  both('-{__name__=~"node_load1|process_resident_memory_bytes"}'),
  both('{__name__=~"node_load1|process_resident_memory_bytes"} * 2'),
  both('{__name__=~"node_load1|process_resident_memory_bytes"} > 2'),
  both('rate({__name__=~"node_load1|process_resident_memory_bytes"}[5m])'),
  both('last_over_time({__name__=~"node_load1|process_resident_memory_bytes"}[5m])'),
  both('label_replace(up, "instance", "x", "", "")'),
  both('holt_winters(node_load1[5m], 1, 0.5)'),
  both('holt_winters(node_load1[5m], 0.5, 0)'),
  both('holt_winters(nonexistent[5m], 0, 0)'),
  instant('sum('),
  instant('rate(up)'),
  instant('up{}'),
  instant('foo @ start() @ end()'),
  instant('1 +'),
  instant('up[5m:1m:1m]'),
  ranged('up[5m]'),
  ranged('node_load1[10m:1m]'),
  ranged('"text"'),
  both('1 < 2'),

  // Results of every kind.
  both('42'),
  both('-Inf'),
  both('NaN'),
  instant('"a string"'),
  both('(3)'),
  both('1 - 1 / 0'),
  instant('up offset 10h'),
  instant('up @ 0'),
  ranged('vector(1) + vector(2)', ODD),
  ranged('time() * 2', FINE),
  both('count(count by (instance) (node_cpu_seconds_total))'),

  // What dashboards and alerts ask.
  ...[
    '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))',
    'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[2m])) / count by (instance) (node_cpu_seconds_total{mode="idle"})',
    'topk(5, sum by (handler) (rate(http_requests_total[5m])))',
    'sum by (code) (increase(http_requests_total[1h]))',
    'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
    'sum by (job) (rate(http_requests_total{code="500"}[10m])) > 0',
    'histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))',
    'rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])',
    'sum by (service) (rate(rpc_duration_seconds_count[5m]))',
    'rpc_duration_seconds{quantile="0.9"} > 0.05',
    'max by (service) (rpc_duration_seconds) / on (service) group_left min by (service) (rpc_duration_seconds)',
    'predict_linear(node_filesystem_avail_bytes{fstype!="tmpfs"}[1h], 4 * 3600) < 0',
    '1 - node_filesystem_avail_bytes / on (instance) group_left max by (instance) (node_filesystem_avail_bytes)',
    'node_memory_MemAvailable_bytes / 1024 / 1024 / 1024',
    'avg_over_time(up[1h]) * 100',
    'changes(node_boot_time_seconds[1h]) > 0',
    'resets(http_requests_total[30m])',
    'time() - node_boot_time_seconds > 3600',
    'absent(up{job="node"} == 1)',
    'up == 0',
    'count by (job) (up == 1) / count by (job) (up)',
    'sum without (device) (rate(node_disk_read_bytes_total[5m]))',
    'rate(node_network_receive_bytes_total{device!="lo"}[5m]) * 8',
    'delta(temperature_celsius[10m])',
    'deriv(temperature_celsius[10m]) * 3600',
    'abs(temperature_celsius - avg_over_time(temperature_celsius[30m]))',
    'stddev_over_time(temperature_celsius[15m]) > 0.3',
    'avg(sensor_humidity_ratio) by (job)',
    'max(sensor_humidity_ratio) - min(sensor_humidity_ratio)',
    'sensor_humidity_ratio != sensor_humidity_ratio',
    'count_values("reading", sensor_humidity_ratio > 0.9 or sensor_humidity_ratio < 0.1)',
    'sum(batch_records_processed_total) or vector(0)',
    'batch_job_progress_ratio * 100 > 50',
    'increase(batch_records_processed_total[15m])',
    'label_replace(rate(node_cpu_seconds_total{mode="user"}[5m]), "core", "cpu$1", "cpu", "(.*)")',
    'sum by (release) (node_uname_info * on (instance) group_left up)',
    'process_resident_memory_bytes / on (instance) group_left (version) api_build_info',
    'max_over_time(process_resident_memory_bytes[30m:5m]) - min_over_time(process_resident_memory_bytes[30m:5m])',
    'quantile(0.75, rate(http_requests_total[5m])) by (method)',
    'sum(rate(http_requests_total[5m])) by (handler) / ignoring (handler) group_left sum(rate(http_requests_total[5m]))',
    'rate(http_requests_total[5m]) % 1',
    'node_load1 ^ node_load1',
    'node_load1 % on (instance) group_left node_load1 offset 1m',
    'sensor_humidity_ratio > bool on (location) group_left sensor_humidity_ratio offset 15s',
    'stddev(sensor_humidity_ratio)',
    'count_values("v", sensor_humidity_ratio * 0 + 1)'
  ].map((query) => both(query)),
  // A subquery starting exactly at the evaluation time (offset -range): 2.42 keeps the outer `@` offsets then.
  both(`max_over_time((node_load1 @ ${at(50) / 1000})[10m:1m] offset -10m)`, [at(30), at(31)], MINUTES),
  both('max_over_time(node_load1[10m:1m] offset -10m)', [at(30), at(31)], MINUTES),
  both(`sum_over_time((up @ ${at(50) / 1000} offset 5m)[5m:1m] offset -5m)`, [at(30), at(30) + 1], MINUTES),
  both('last_over_time(node_load1[10m:1m] @ end() offset 1m)'),
  both(`max_over_time(rate(node_load1[5m])[10m:1m] @ ${at(40) / 1000} offset 2m)`),
  both('max_over_time(node_load1[10m:7m])', FEW_TIMES, MINUTES),
  both('min_over_time(node_load1[2h:30m])', FEW_TIMES, FINE),
  both('max_over_time(avg_over_time(node_load1[3m:1m])[9m:2m] @ start())'),

  // Subqueries at odd times and steps, and before the epoch.
  instant('max_over_time(node_load1[10m:1m])', [ODD_TIME, at(33) + 59_999, at(34)]),
  instant('node_load1[5m:2m]', [ODD_TIME, at(34)]),
  both('max_over_time(node_load1[5m:10m])', [ODD_TIME, at(40)], ODD),
  both('min_over_time(rate(http_requests_total{code="200"}[1m])[5m:15s])', [ODD_TIME], ODD),
  instant('vector(1)[1m:20s]', [-5 * SECOND, -60 * SECOND]),
  instant('time()', [-1500]),
  ranged('sum_over_time(vector(1)[1m:20s])', [-3 * MINUTE, MINUTE, 25 * SECOND]),

  // A query past its deadline (2.42 says where it noticed, which varies: the type is compared).
  { ...both('up'), timeoutMs: 0 },
  { ...both('sum(rate(node_cpu_seconds_total[5m]))'), timeoutMs: 0 }
]
