// The PromQL kernels against the real Prometheus 2.42 (issue 15): each query's answer is worked
// out here from the data set's raw samples with the kernels alone — the window or lookback
// selection written out in this file — and compared with what Prometheus answers, value by value
// (relative tolerance 1e-5, absolute near 0, NaN equal to NaN), series by series and step by step.
// Most queries are range queries, so one query compares every step of the two hours (and the
// minutes after the data ends); instant queries check exact window edges and result orders.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { aggregate, type AggregationOp } from '../../src/main/prometheus/promql/kernels/aggregations'
import { scalarBinop, vectorScalarBinop, type BinaryOperator } from '../../src/main/prometheus/promql/kernels/binary-ops'
import { applyElementFunction, histogramQuantile, sort, sortDesc, timestamp } from '../../src/main/prometheus/promql/kernels/instant-functions'
import { civilTime } from '../../src/main/prometheus/promql/kernels/go-time'
import { pointsInWindow, RANGE_FUNCTIONS, type RangeFunctionName } from '../../src/main/prometheus/promql/kernels/range-functions'
import { Labels, type Point, type Sample, type Series } from '../../src/main/prometheus/promql/kernels/values'
import { generateDataset } from '../helpers/openmetrics-dataset'
import { startPrometheusReference, type PrometheusReference } from '../helpers/prometheus-reference'

const SECOND = 1000
const MINUTE = 60 * SECOND
const LOOKBACK_MS = 5 * MINUTE
const RELATIVE_TOLERANCE = 1e-5
const ABSOLUTE_TOLERANCE = 1e-9

const dataset = generateDataset()
const at = (minutes: number): number => dataset.startMs + minutes * MINUTE

// Every step of the data set and 11 minutes past its end (series ending), at a step that keeps
// moving against the 15 s scrapes.
const STEP_MS = 97 * SECOND
const RANGE_START_MS = dataset.startMs + 17 * SECOND
const RANGE_END_MS = dataset.endMs + 11 * MINUTE
const STEPS: number[] = []
for (let t = RANGE_START_MS; t <= RANGE_END_MS; t += STEP_MS) STEPS.push(t)

/** The data set as the kernels see it, in storage order (series sorted by their labels). */
const STORE: Series[] = dataset.series
  .map((s) => ({ labels: Labels.fromRecord({ __name__: s.name, ...s.labels }), points: s.samples.map(([t, v]) => ({ t, v })) }))
  .sort((a, b) => Labels.compare(a.labels, b.labels))

/** A set of series and the PromQL selector that picks exactly them. */
interface Selection {
  selector: string
  series: Series[]
}

/** Series of the given names whose labels include `where`. */
function select(names: string[], where: Record<string, string> = {}): Selection {
  const matchers = [names.length === 1 ? `__name__="${names[0]}"` : `__name__=~"${names.join('|')}"`, ...Object.entries(where).map(([k, v]) => `${k}="${v}"`)]
  const series = STORE.filter((s) => names.includes(s.labels.metricName) && Object.entries(where).every(([k, v]) => s.labels.get(k) === v))
  if (series.length === 0) throw new Error(`nothing selected by ${names.join(', ')}`)
  return { selector: `{${matchers.join(',')}}`, series }
}

// Label sets stay distinct within each selection once the metric name is dropped.
const COUNTERS_AND_GAUGES = select([
  'node_cpu_seconds_total',
  'http_requests_total',
  'batch_records_processed_total',
  'node_load1',
  'temperature_celsius',
  'lookback_probe',
  'batch_job_progress_ratio',
  'node_filesystem_avail_bytes'
])
const ODD_VALUES = select(['sensor_humidity_ratio', 'node_boot_time_seconds', 'rpc_duration_seconds', 'node_network_receive_bytes_total'])
const BUCKETS = select(['http_request_duration_seconds_bucket'])

/** The latest sample at or before t, no older than the lookback (2.x includes t − 5 m). */
function lookback(series: Series, t: number): Point | undefined {
  const points = pointsInWindow(series.points, t - LOOKBACK_MS, t)
  return points[points.length - 1]
}

/** The instant vector a selector answers at t, in storage order. */
function instantVector(selection: Selection, t: number): Sample[] {
  return selection.series.flatMap((s) => {
    const point = lookback(s, t)
    return point ? [{ labels: s.labels, t: point.t, v: point.v }] : []
  })
}

/** A matrix as label key → step time → value (with the labels kept for messages). */
type Grid = Map<string, { labels: Labels; values: Map<number, number> }>

function addToGrid(grid: Grid, labels: Labels, t: number, v: number): void {
  let row = grid.get(labels.key)
  if (!row) {
    row = { labels, values: new Map() }
    grid.set(labels.key, row)
  }
  if (row.values.has(t)) throw new Error(`two values for ${labels.toString()} at ${t}`)
  row.values.set(t, v)
}

/** What an instant-vector expression gives at every step, from what its selection gives there. */
function overSteps(selection: Selection, evaluate: (vector: Sample[], t: number) => Sample[]): Grid {
  const grid: Grid = new Map()
  for (const t of STEPS) for (const s of evaluate(instantVector(selection, t), t)) addToGrid(grid, s.labels, t, s.v)
  return grid
}

interface RangeCall {
  name: RangeFunctionName
  rangeMs: number
  args?: number[]
  offsetMs?: number
}

/** `name(selector[range] offset o, args…)` at every step, from each series' points in the window. */
function rangeFunctionOverSteps(selection: Selection, { name, rangeMs, args = [], offsetMs = 0 }: RangeCall, steps = STEPS): Grid {
  const grid: Grid = new Map()
  for (const series of selection.series) {
    const labels = name === 'last_over_time' ? series.labels : series.labels.withoutMetricName()
    for (const t of steps) {
      const endMs = t - offsetMs
      const points = pointsInWindow(series.points, endMs - rangeMs, endMs)
      // The engine leaves out a series with no points in the window.
      if (points.length === 0) continue
      const window = { timestamps: points.map((p) => p.t), values: points.map((p) => p.v), from: 0, to: points.length, startMs: endMs - rangeMs, endMs, evalMs: t }
      const v = RANGE_FUNCTIONS[name](window, args)
      if (v !== undefined) addToGrid(grid, labels, t, v)
    }
  }
  return grid
}

/** Rate-like functions over the range, per series, as an instant vector at t (for histogram_quantile). */
function rangeFunctionVector(selection: Selection, call: RangeCall, t: number): Sample[] {
  const grid = rangeFunctionOverSteps(selection, call, [t])
  return [...grid.values()].map(({ labels, values }) => ({ labels, t, v: values.get(t) as number }))
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}

const ms = (seconds: number): number => Math.round(seconds * 1000)

function gridFromMatrix(result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>): Grid {
  const grid: Grid = new Map()
  for (const { metric, values } of result) for (const [t, v] of values) addToGrid(grid, Labels.fromRecord(metric), ms(t), parseValue(v))
  return grid
}

function close(expected: number, actual: number): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual)
  if (expected === actual) return true
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return false
  const difference = Math.abs(expected - actual)
  return difference <= ABSOLUTE_TOLERANCE || difference <= RELATIVE_TOLERANCE * Math.max(Math.abs(expected), Math.abs(actual))
}

/** Comparisons made, equal within tolerance, and bit for bit. */
class Tally {
  total = 0
  equal = 0
  exact = 0
  queries = 0
  readonly mismatches: string[] = []

  value(context: string, expected: number | undefined, actual: number | undefined): void {
    this.total++
    if (expected !== undefined && actual !== undefined && close(expected, actual)) {
      this.equal++
      if (expected === actual || (Number.isNaN(expected) && Number.isNaN(actual))) this.exact++
    } else {
      this.mismatches.push(`${context}: expected ${expected ?? 'no value'}, Prometheus ${actual ?? 'no value'}`)
    }
  }

  grid(query: string, expected: Grid, actual: Grid): void {
    for (const key of new Set([...expected.keys(), ...actual.keys()])) {
      const e = expected.get(key)
      const a = actual.get(key)
      const labels = (e ?? a)?.labels.toString() ?? key
      for (const t of new Set([...(e?.values.keys() ?? []), ...(a?.values.keys() ?? [])])) {
        this.value(`${query} ${labels} @${new Date(t).toISOString()}`, e?.values.get(t), a?.values.get(t))
      }
    }
  }

  failure(context: string, message: string): void {
    this.total++
    this.mismatches.push(`${context}: ${message}`)
  }
}

describe('the PromQL kernels against Prometheus 2.42', () => {
  let prometheus: PrometheusReference
  const tally = new Tally()
  // Each test fails on its own mismatches only.
  let mismatchesBefore = 0
  beforeEach(() => {
    mismatchesBefore = tally.mismatches.length
  })

  beforeAll(async () => {
    prometheus = await startPrometheusReference({ dataset })
  })

  afterAll(async () => {
    await prometheus?.stop()
    console.log(`promql kernels vs Prometheus 2.42: ${tally.equal}/${tally.total} equal (${tally.exact} bit for bit) over ${tally.queries} queries`)
  })

  /** Runs `expr` as a range query over STEPS and compares it with the expected grid. */
  async function compareRange(expr: string, expected: Grid): Promise<void> {
    tally.queries++
    const response = await prometheus.queryRange(expr, RANGE_START_MS / 1000, RANGE_END_MS / 1000, STEP_MS / 1000)
    if (response.body?.status !== 'success') return tally.failure(expr, response.text)
    tally.grid(expr, expected, gridFromMatrix(response.body.data.result))
  }

  /** Runs `expr` as an instant query at t and compares the vector, in order when `ordered`. */
  async function compareInstant(expr: string, t: number, expected: Sample[], ordered: boolean): Promise<void> {
    tally.queries++
    const response = await prometheus.query(expr, t / 1000)
    if (response.body?.status !== 'success') return tally.failure(expr, response.text)
    const actual = (response.body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map(({ metric, value }) => ({
      labels: Labels.fromRecord(metric),
      v: parseValue(value[1])
    }))
    const context = `${expr} @${new Date(t).toISOString()}`
    const keys = (samples: Array<{ labels: Labels }>): string[] => samples.map((s) => s.labels.key)
    const expectedKeys = keys(expected)
    const actualKeys = keys(actual)
    const sameSet = [...expectedKeys].sort().join('\n') === [...actualKeys].sort().join('\n')
    if (!sameSet || (ordered && expectedKeys.join('\n') !== actualKeys.join('\n'))) {
      return tally.failure(context, `series ${ordered ? 'or order ' : ''}differ:\n  expected ${expected.map((s) => s.labels).join(' ')}\n  actual   ${actual.map((s) => s.labels).join(' ')}`)
    }
    const actualByKey = new Map(actual.map((s) => [s.labels.key, s.v]))
    for (const s of expected) tally.value(`${context} ${s.labels.toString()}`, s.v, actualByKey.get(s.labels.key))
  }

  function expectNoMismatches(): void {
    expect(tally.mismatches.slice(mismatchesBefore, mismatchesBefore + 20)).toEqual([])
  }

  describe('range-vector functions over 1m, 5m and 10m windows', () => {
    const calls: Array<Omit<RangeCall, 'rangeMs'> & { promql?: (selector: string, range: string) => string }> = [
      ...(['rate', 'increase', 'delta', 'irate', 'idelta', 'deriv', 'changes', 'resets'] as const).map((name) => ({ name })),
      ...(['avg_over_time', 'sum_over_time', 'count_over_time', 'min_over_time', 'max_over_time', 'last_over_time'] as const).map((name) => ({ name })),
      ...(['stddev_over_time', 'stdvar_over_time', 'present_over_time'] as const).map((name) => ({ name })),
      { name: 'quantile_over_time', args: [0.9], promql: (s, r) => `quantile_over_time(0.9, ${s}[${r}])` },
      { name: 'predict_linear', args: [600], promql: (s, r) => `predict_linear(${s}[${r}], 600)` },
      { name: 'holt_winters', args: [0.5, 0.3], promql: (s, r) => `holt_winters(${s}[${r}], 0.5, 0.3)` }
    ]
    for (const selection of [COUNTERS_AND_GAUGES, ODD_VALUES]) {
      it(`agree on ${selection.series.length} series (${selection.selector.slice(0, 60)}…)`, async () => {
        for (const call of calls) {
          for (const range of ['1m', '5m', '10m']) {
            const rangeMs = Number(range.slice(0, -1)) * MINUTE
            const expr = call.promql?.(selection.selector, range) ?? `${call.name}(${selection.selector}[${range}])`
            await compareRange(expr, rangeFunctionOverSteps(selection, { ...call, rangeMs }))
          }
        }
        expectNoMismatches()
      })
    }

    it('agree with scalar arguments at their edges, and with offsets', async () => {
      const s = COUNTERS_AND_GAUGES
      const cases: Array<[string, RangeCall]> = [
        ...[0, 0.25, 0.5, 1, -0.5, 1.5].map((phi): [string, RangeCall] => [`quantile_over_time(${phi}, ${s.selector}[5m])`, { name: 'quantile_over_time', rangeMs: 5 * MINUTE, args: [phi] }]),
        [`predict_linear(${s.selector}[10m], -300)`, { name: 'predict_linear', rangeMs: 10 * MINUTE, args: [-300] }],
        [`holt_winters(${s.selector}[10m], 0.1, 0.9)`, { name: 'holt_winters', rangeMs: 10 * MINUTE, args: [0.1, 0.9] }],
        // predict_linear fits around the step's time even when the window is offset.
        [`predict_linear(${s.selector}[10m] offset 5m, 600)`, { name: 'predict_linear', rangeMs: 10 * MINUTE, args: [600], offsetMs: 5 * MINUTE }],
        [`rate(${s.selector}[5m] offset 3m)`, { name: 'rate', rangeMs: 5 * MINUTE, offsetMs: 3 * MINUTE }],
        [`delta(${s.selector}[2m] offset -1m)`, { name: 'delta', rangeMs: 2 * MINUTE, offsetMs: -MINUTE }],
        [`increase(${s.selector}[90s])`, { name: 'increase', rangeMs: 90 * SECOND }],
        [`rate(${s.selector}[1m30s500ms])`, { name: 'rate', rangeMs: 90_500 }]
      ]
      for (const [expr, call] of cases) await compareRange(expr, rangeFunctionOverSteps(s, call))
      expectNoMismatches()
    })

    it('include a sample exactly at either end of the window', async () => {
      // lookback_probe is written at whole seconds: 00:10:00, then 00:15:00, then 00:21:00.
      const probe = select(['lookback_probe'])
      const host = select(['node_cpu_seconds_total'], { instance: 'host-a:9100', cpu: '0', mode: 'user' })
      const hostPoints = (host.series[0] as Series).points
      const edges: Array<[Selection, number, number]> = [
        [probe, at(20), 5 * MINUTE],
        [probe, at(20) + 1, 5 * MINUTE],
        [probe, at(15), 5 * MINUTE],
        [probe, at(15) - 1, 5 * MINUTE],
        [probe, at(21), MINUTE],
        [probe, at(22), MINUTE],
        [probe, at(22) + 1, MINUTE]
      ]
      // A scrape exactly at the left edge, and exactly at the right one.
      for (const index of [40, 200, 333]) {
        const t = (hostPoints[index] as Point).t
        edges.push([host, t + MINUTE, MINUTE], [host, t + MINUTE + 1, MINUTE], [host, t, MINUTE], [host, t - 1, MINUTE])
      }
      for (const [selection, t, rangeMs] of edges) {
        for (const name of ['count_over_time', 'rate', 'sum_over_time', 'idelta'] as const) {
          const expected = rangeFunctionVector(selection, { name, rangeMs }, t)
          await compareInstant(`${name}(${selection.selector}[${rangeMs / SECOND}s])`, t, expected, false)
        }
      }
      expectNoMismatches()
    })
  })

  describe('instant-vector functions', () => {
    const calls: Array<[string, number[]]> = [
      ...['abs', 'ceil', 'floor', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'round'].map((name): [string, number[]] => [name, []]),
      ...['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'deg', 'rad'].map((name): [string, number[]] => [name, []]),
      ...['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'].map((name): [string, number[]] => [name, []]),
      ['round', [0.1]],
      ['round', [5]],
      ['round', [-0.3]],
      ['clamp', [-1, 20]],
      ['clamp', [30, 20]],
      ['clamp_min', [0.5]],
      ['clamp_max', [1]],
      ['clamp_min', [Infinity]],
      ['clamp_max', [-Infinity]]
    ]
    const literal = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Inf' : v === -Infinity ? '-Inf' : String(v))

    for (const selection of [COUNTERS_AND_GAUGES, ODD_VALUES]) {
      it(`agree on the looked-up samples of ${selection.series.length} series`, async () => {
        for (const [name, args] of calls) {
          const expr = `${name}(${[selection.selector, ...args.map(literal)].join(', ')})`
          await compareRange(expr, overSteps(selection, (vector) => applyElementFunction(name, vector, args)))
        }
        await compareRange(`timestamp(${selection.selector})`, overSteps(selection, (vector) => timestamp(vector)))
        expectNoMismatches()
      })
    }

    it('date functions without an argument read the evaluation time', async () => {
      for (const name of ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year']) {
        const expected: Grid = new Map()
        for (const t of STEPS) addToGrid(expected, Labels.EMPTY, t, applyElementFunction(name, [{ labels: Labels.EMPTY, t, v: t / 1000 }])[0]?.v as number)
        await compareRange(`${name}()`, expected)
      }
      expect(civilTime(RANGE_START_MS / 1000).year).toBe(2026)
      expectNoMismatches()
    })

    it('histogram_quantile over rates, raw buckets, sums by le, and doctored buckets', async () => {
      const rate5m = (t: number): Sample[] => rangeFunctionVector(BUCKETS, { name: 'rate', rangeMs: 5 * MINUTE }, t)
      for (const phi of [0, 0.25, 0.5, 0.9, 0.99, 1, -0.5, 1.5, NaN]) {
        const expected: Grid = new Map()
        for (const t of STEPS) for (const s of histogramQuantile(phi, rate5m(t), t)) addToGrid(expected, s.labels, t, s.v)
        await compareRange(`histogram_quantile(${literal(phi)}, rate(${BUCKETS.selector}[5m]))`, expected)
      }
      const bucketsOnly = (keep: (le: string) => boolean) => (vector: Sample[]) => vector.filter((s) => keep(s.labels.get('le')))
      const relabelled = (from: string, to: string) => (vector: Sample[]) => vector.filter((s) => s.labels.get('le') === from).map((s) => ({ ...s, labels: s.labels.with('le', to) }))
      const cases: Array<[string, (vector: Sample[], t: number) => Sample[]]> = [
        [`histogram_quantile(0.9, ${BUCKETS.selector})`, (vector, t) => histogramQuantile(0.9, vector, t)],
        [
          `histogram_quantile(0.5, sum by (le) (rate(${BUCKETS.selector}[5m])))`,
          (_vector, t) => histogramQuantile(0.5, aggregate('sum', rate5m(t), { grouping: ['le'], t }), t)
        ],
        // Without the +Inf bucket: NaN.
        [`histogram_quantile(0.5, ${BUCKETS.selector.replace('}', ',le!="+Inf"}')})`, (vector, t) => histogramQuantile(0.5, bucketsOnly((le) => le !== '+Inf')(vector), t)],
        // The 0.5 bucket replaced by the 0.1 bucket's (lower) count: not monotonic.
        [
          `histogram_quantile(0.3, ${BUCKETS.selector.replace('}', ',le!="0.5"}')} or label_replace(${BUCKETS.selector.replace('}', ',le="0.1"}')}, "le", "0.5", "le", ".*"))`,
          (vector, t) => histogramQuantile(0.3, [...bucketsOnly((le) => le !== '0.5')(vector), ...relabelled('0.1', '0.5')(vector)], t)
        ],
        // le "1" next to "1.0": one bound, counts added.
        [
          `histogram_quantile(0.7, ${BUCKETS.selector} or label_replace(${BUCKETS.selector.replace('}', ',le="1.0"}')}, "le", "1", "le", ".*"))`,
          (vector, t) => histogramQuantile(0.7, [...vector, ...relabelled('1.0', '1')(vector)], t)
        ]
      ]
      for (const [expr, evaluate] of cases) await compareRange(expr, overSteps(BUCKETS, evaluate))
      expectNoMismatches()
    })
  })

  describe('binary operators between vectors and scalars', () => {
    const cases: Array<[string, number, boolean, boolean]> = [
      ['^', 0.5, false, false],
      ['^', 3, false, false],
      ['^', -1, false, false],
      ['^', 2, true, false],
      ['^', 1, true, false],
      ['^', 0, false, false],
      ['%', 7, false, false],
      ['%', -2.5, false, false],
      ['%', 3, true, false],
      ['/', 0, false, false],
      ['/', 0, true, false],
      ['*', -1e308, false, false],
      ['-', 1, true, false],
      ['atan2', 1, false, false],
      ['>', 0.5, false, false],
      ['<', 0.5, true, false],
      ['>=', 20, false, true],
      ['==', 1, false, true],
      ['!=', 1, true, true],
      ['<=', Infinity, false, true]
    ]
    const literal = (v: number): string => (v === Infinity ? 'Inf' : String(v))

    for (const selection of [COUNTERS_AND_GAUGES, ODD_VALUES]) {
      it(`agree on ${selection.series.length} series`, async () => {
        for (const [op, scalar, scalarOnLeft, returnBool] of cases) {
          const operator = `${op}${returnBool ? ' bool' : ''}`
          const expr = scalarOnLeft ? `${literal(scalar)} ${operator} ${selection.selector}` : `${selection.selector} ${operator} ${literal(scalar)}`
          await compareRange(expr, overSteps(selection, (vector) => vectorScalarBinop(op as BinaryOperator, vector, scalar, scalarOnLeft, returnBool)))
        }
        // (-1) ^ (x * Inf): Pow(-1, ±Inf) is 1 in Go.
        await compareRange(
          `(-1) ^ (${selection.selector} * Inf)`,
          overSteps(selection, (vector) => vectorScalarBinop('^', vectorScalarBinop('*', vector, Infinity, false, false), -1, true, false))
        )
        expectNoMismatches()
      })
    }

    it('agree between scalars, Go special cases included', async () => {
      const cases: Array<[string, BinaryOperator, number, number]> = [
        ['(-8) ^ (1/3)', '^', -8, 1 / 3],
        ['1 ^ NaN', '^', 1, NaN],
        ['NaN ^ 0', '^', NaN, 0],
        ['(-1) ^ Inf', '^', -1, Infinity],
        ['(-0) ^ -1', '^', -0, -1],
        ['0 ^ -Inf', '^', 0, -Infinity],
        ['1.1 ^ 10', '^', 1.1, 10],
        ['2 ^ 0.5', '^', 2, 0.5],
        ['(-2) ^ 1e300', '^', -2, 1e300],
        ['Inf % 2', '%', Infinity, 2],
        ['5 % Inf', '%', 5, Infinity],
        ['-5 % 3', '%', -5, 3],
        ['5 % 0', '%', 5, 0],
        ['0 / 0', '/', 0, 0],
        ['1 atan2 -1', 'atan2', 1, -1],
        ['NaN == bool NaN', '==', NaN, NaN],
        ['NaN != bool NaN', '!=', NaN, NaN],
        ['Inf >= bool Inf', '>=', Infinity, Infinity]
      ]
      const t = at(30)
      for (const [expr, op, l, r] of cases) {
        tally.queries++
        const response = await prometheus.query(expr, t / 1000)
        if (response.body?.status !== 'success') tally.failure(expr, response.text)
        else tally.value(expr, scalarBinop(op, l, r), parseValue(response.body.data.result[1]))
      }
      expectNoMismatches()
    })
  })

  describe('aggregations', () => {
    const nodeCpu = select(['node_cpu_seconds_total'])
    const requests = select(['http_requests_total'])
    const humidity = select(['sensor_humidity_ratio'])
    const temperatures = select(['temperature_celsius', 'node_load1'])
    const ops: Array<[AggregationOp, string, number?]> = [
      ['sum', ''],
      ['avg', ''],
      ['count', ''],
      ['min', ''],
      ['max', ''],
      ['group', ''],
      ['stddev', ''],
      ['stdvar', ''],
      ['quantile', '0.9, ', 0.9],
      ['quantile', '-1, ', -1],
      ['quantile', '2, ', 2],
      ['topk', '3, ', 3],
      ['bottomk', '2, ', 2],
      ['topk', '20, ', 20]
    ]
    const groupings: Array<[Selection, string, string[], boolean]> = [
      [nodeCpu, 'by (mode)', ['mode'], false],
      [nodeCpu, 'without (cpu)', ['cpu'], true],
      [requests, 'by (code, job)', ['code', 'job'], false],
      [requests, 'without (method, handler)', ['method', 'handler'], true],
      [humidity, '', [], false],
      [temperatures, 'by (__name__)', ['__name__'], false],
      [temperatures, 'without (instance)', ['instance'], true]
    ]

    it('agree for every operator over groups by and without', async () => {
      for (const [selection, clause, grouping, without] of groupings) {
        for (const [op, param, value] of ops) {
          await compareRange(
            `${op} ${clause} (${param}${selection.selector})`,
            overSteps(selection, (vector, t) => aggregate(op, vector, { grouping, without, param: value, t }))
          )
        }
      }
      expectNoMismatches()
    })

    it('agree on count_values, an average near the float64 maximum, and aggregated rates', async () => {
      const cases: Array<[string, Selection, (vector: Sample[], t: number) => Sample[]]> = [
        ['count_values("value", round(node_load1, 0.5))', select(['node_load1']), (v, t) => aggregate('count_values', applyElementFunction('round', v, [0.5]), { param: 'value', t })],
        ['count_values by (job) ("job", up)', select(['up']), (v, t) => aggregate('count_values', v, { param: 'job', grouping: ['job'], t })],
        ['count_values without (instance) ("v", up)', select(['up']), (v, t) => aggregate('count_values', v, { param: 'v', grouping: ['instance'], without: true, t })],
        ['avg(sensor_humidity_ratio * 1e308)', humidity, (v, t) => aggregate('avg', vectorScalarBinop('*', v, 1e308, false, false), { t })],
        ['sum(sensor_humidity_ratio * 1e308)', humidity, (v, t) => aggregate('sum', vectorScalarBinop('*', v, 1e308, false, false), { t })],
        [
          `sum by (instance) (rate(${nodeCpu.selector}[5m]))`,
          nodeCpu,
          (_v, t) => aggregate('sum', rangeFunctionVector(nodeCpu, { name: 'rate', rangeMs: 5 * MINUTE }, t), { grouping: ['instance'], t })
        ]
      ]
      for (const [expr, selection, evaluate] of cases) await compareRange(expr, overSteps(selection, evaluate))
      expectNoMismatches()
    })
  })

  describe('orders of instant results', () => {
    const nodeCpu = select(['node_cpu_seconds_total'])
    const requests = select(['http_requests_total'])
    const humidity = select(['sensor_humidity_ratio'])
    const up = select(['up'])
    const clampMax = (limit: number) => (vector: Sample[]) => applyElementFunction('clamp_max', vector, [limit])
    const cases: Array<[string, Selection, (vector: Sample[], t: number) => Sample[]]> = [
      // Ties among 48 series: Go's pdqsort decides their order.
      ['sort(clamp_max(node_cpu_seconds_total, 1000))', nodeCpu, (v) => sort(clampMax(1000)(v))],
      ['sort_desc(clamp_max(node_cpu_seconds_total, 1000))', nodeCpu, (v) => sortDesc(clampMax(1000)(v))],
      ['sort(http_requests_total)', requests, (v) => sort(v)],
      ['sort_desc(http_requests_total)', requests, (v) => sortDesc(v)],
      ['sort(up)', up, (v) => sort(v)],
      ['sort_desc(sensor_humidity_ratio)', humidity, (v) => sortDesc(v)],
      ['sort(sensor_humidity_ratio)', humidity, (v) => sort(v)],
      ['topk(20, clamp_max(node_cpu_seconds_total, 1000))', nodeCpu, (v, t) => aggregate('topk', clampMax(1000)(v), { param: 20, t })],
      ['bottomk(15, clamp_max(node_cpu_seconds_total, 1000))', nodeCpu, (v, t) => aggregate('bottomk', clampMax(1000)(v), { param: 15, t })],
      ['topk by (code) (4, http_requests_total)', requests, (v, t) => aggregate('topk', v, { param: 4, grouping: ['code'], t })],
      ['bottomk(5, http_requests_total)', requests, (v, t) => aggregate('bottomk', v, { param: 5, t })],
      ['topk(2, sensor_humidity_ratio)', humidity, (v, t) => aggregate('topk', v, { param: 2, t })],
      ['quantile(0.5, sensor_humidity_ratio)', humidity, (v, t) => aggregate('quantile', v, { param: 0.5, t })]
    ]
    // Before and after restarts and outages, and at the humidity sensor's NaN and ±Inf readings.
    const times = [3, 12, 22, 25.2, 25.4, 30, 48, 50.1, 62.6, 66, 75.1, 80, 100, 119.9].map(at)

    it('agree in order, ties and NaNs included', async () => {
      for (const [expr, selection, evaluate] of cases) {
        for (const t of times) await compareInstant(expr, t, evaluate(instantVector(selection, t), t), true)
      }
      expectNoMismatches()
    })
  })
})
