// Records real answers of Prometheus 2.42 (Debian's package, run by test/helpers/prometheus-reference.ts
// over the differential tests' data set) into test/fixtures/prometheus-2.42-responses.json, for
// the parser and HTTP API engineers to use as expected values:
//   - exchanges: whole responses (status, parsed body, raw text) — Grafana's calls (Save &
//     test's `1+1` at time=4, buildinfo, rules, exemplars, labels, series…), parse errors with
//     their positions, execution errors, empty results, special values;
//   - timeParams: how the `time` parameter is read (`time()` evaluated at it), or its error;
//   - rangeParams: how start/end/step are read by query_range (first point, step, point count), or the error;
//   - valueFormats: how a number is written as a scalar result and as a vector sample;
//   - timestampFormats: how a time is written in a scalar result and in a vector sample.
// test/integration/prometheus-reference.test.ts checks that the live Prometheus still answers
// all of it the same way, so the file cannot drift from what it claims to be.
//
//   npx tsx scripts/record-prometheus-responses.ts [out.json]
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Dataset } from '../test/helpers/openmetrics-dataset'
import { startPrometheusReference, type ApiParams, type PrometheusReference, type PrometheusResponse } from '../test/helpers/prometheus-reference'

export const FIXTURE_FILE = resolve(import.meta.dirname, '../test/fixtures/prometheus-2.42-responses.json')

/** Inside the data set (2026-01-01T00:00Z..02:00Z): 01:00. */
const AT = 1767229200
const START = 1767225600
const END = 1767232800

export interface RecordedExchange {
  name: string
  method: 'GET' | 'POST'
  path: string
  params: Record<string, string | string[]>
  status: number
  contentType: string
  body: unknown
  text: string
}

/** `time()` evaluated at `time=input` (scalar result, raw), or the error. */
export interface TimeParamCase {
  input: string
  status: number
  /** The raw scalar result, e.g. `[4.5,"4.5"]`. */
  result?: string
  errorType?: string
  error?: string
}

/** `time()` over query_range's start/end/step: its points (times in ms), or the error. */
export interface RangeParamCase {
  start: string
  end: string
  step: string
  status: number
  points?: number
  firstMs?: number
  /** From the first two points; absent with a single point. */
  stepMs?: number
  lastMs?: number
  resultType?: string
  errorType?: string
  error?: string
}

export interface ValueFormatCase {
  expr: string
  /** The value in JavaScript, as `Number(value)` reads it ("-0", "NaN", "Infinity" included). */
  value: string
  /** Written as a scalar result's value (query `expr`). */
  scalar: string
  /** Written as a vector sample's value (query `vector(expr)`). */
  vector: string
}

export interface TimestampFormatCase {
  /** The `time` parameter sent. */
  time: string
  ms: number
  /** Raw JSON number text of the timestamp in a scalar result (query `1`). */
  scalar: string
  /** Raw JSON number text of the timestamp in a vector sample (query `vector(1)`). */
  vector: string
}

export interface RecordedFixture {
  about: string
  prometheus: { version: string; buildinfo: unknown }
  dataset: { seed: number; startMs: number; endMs: number; series: number }
  exchanges: RecordedExchange[]
  timeParams: TimeParamCase[]
  rangeParams: RangeParamCase[]
  valueFormats: ValueFormatCase[]
  timestampFormats: TimestampFormatCase[]
}

type Request = { name: string; method?: 'GET' | 'POST'; path: string; params?: Record<string, string | string[]> }

const query = (name: string, expr: string, time: string = String(AT)): Request => ({ name, path: '/api/v1/query', params: { query: expr, time } })

/** Near-misses of PromQL's grammar and types, each with the error text and position Prometheus gives. */
const PARSE_CASES = [
  '',
  '   ',
  '# only a comment',
  'foo(',
  'sum(',
  '(1',
  '1)',
  '1 +',
  '+',
  '1 + * 2',
  '1 ^ ^ 2',
  '1.2.3',
  '0x',
  '1e',
  'foo{',
  'foo{bar',
  'foo{bar=',
  'foo{bar="baz"',
  'foo{bar="baz",}',
  'foo{"bar"="baz"}',
  'foo{bar~"baz"}',
  'foo{bar="baz" or qux="1"}',
  '{}',
  '{foo=""}',
  '{__name__=""}',
  'foo{__name__="bar"}',
  'foo{a=~"("}',
  'foo{a=~"(?<name>x)"}',
  'foo{a=~"(?=x)"}',
  'foo{a=~"\\\\1"}',
  'foo{a=~"a{1001}"}',
  'foo[5m',
  'foo[5m]]',
  'foo[5]',
  'foo[5x]',
  'foo[]',
  'foo[-5m]',
  'foo[1h:5m:1m]',
  'foo[:5m]',
  '(foo)[5m]',
  'rate(foo[5m])[5m]',
  '{}[5m]',
  'foo offset',
  'foo offset 5',
  'foo offset 5m offset 1m',
  'sum(foo) offset 5m',
  '1 offset 5m',
  'foo @',
  'foo @ bar',
  'foo @ start',
  'foo @ now()',
  'foo @ 1 @ 2',
  '@',
  'rate(foo)',
  'rate(foo[5m], 1)',
  'rate()',
  'rate(1)',
  'unknown_function(foo)',
  'abs(1)',
  'sum(1)',
  'vector("a")',
  'vector()',
  'time(1)',
  'scalar(foo, bar)',
  'round(foo, 1, 2)',
  'clamp(foo)',
  'absent(foo[5m])',
  'foo[5m] + 1',
  'foo + "a"',
  '"a" + 1',
  'sum by (foo',
  'sum by foo (bar)',
  'sum(foo) by (1)',
  'sum by (a) (foo) without (b)',
  'topk(foo, bar)',
  'topk(1)',
  'bottomk(1, foo, bar)',
  'count_values(1, foo)',
  'count_values("x")',
  'quantile(foo)',
  'stddev(foo, bar)',
  'histogram_quantile(0.9)',
  'label_replace(foo, "a")',
  'label_join(foo)',
  '"unterminated',
  "'unterminated",
  '`unterminated',
  '"\\q"',
  "'\\xZZ'",
  'foo == bool',
  'foo + bool bar',
  '1 < bool',
  'foo and 1',
  '1 and foo',
  '1 or 1',
  'foo on(a) bar',
  'foo + group_left bar',
  'foo + on(a) group_left(b) group_right bar',
  'foo and on(a) group_left bar',
  '-foo{',
  'foo{bar="baz"}[5m] offset',
  // Valid, for contrast.
  'foo offset -5m',
  'foo @ start()',
  'foo[5m:] @ end() offset 1m',
  '-1 ^ 2',
  '0x1F + 1e3 + Inf - NaN',
  "'\\u00e9' ",
  'foo # trailing comment'
]

/** The first time each of NaN, +Inf and -Inf is a sample of the data set. */
function specialValueTimes(dataset: Dataset): Array<[label: string, seconds: number]> {
  const samples = dataset.series.flatMap((s) => s.samples)
  const first = (test: (v: number) => boolean): number => (samples.filter(([, v]) => test(v)).sort((a, b) => a[0] - b[0])[0] as [number, number])[0] / 1000
  return [
    ['NaN', first(Number.isNaN)],
    ['+Inf', first((v) => v === Infinity)],
    ['-Inf', first((v) => v === -Infinity)]
  ]
}

const requestsFor = (dataset: Dataset): Request[] => [
  // Grafana's "Save & test", then what it calls when a dashboard loads.
  query("Grafana Save & test: 1+1 at time=4", '1+1', '4'),
  { name: 'status/buildinfo', path: '/api/v1/status/buildinfo' },
  { name: 'rules (none)', path: '/api/v1/rules' },
  { name: 'rules of type alert', path: '/api/v1/rules', params: { type: 'alert' } },
  {
    name: 'query_exemplars (none stored)',
    path: '/api/v1/query_exemplars',
    params: { query: 'http_requests_total', start: String(START), end: String(END) }
  },
  { name: 'query_exemplars with end before start', path: '/api/v1/query_exemplars', params: { query: 'up', start: String(END), end: String(START) } },
  { name: 'labels over the data set', path: '/api/v1/labels', params: { start: String(START), end: String(END) } },
  { name: 'labels of up', path: '/api/v1/labels', params: { 'match[]': ['up'], start: String(START), end: String(END) } },
  { name: 'labels by POST form', method: 'POST', path: '/api/v1/labels', params: { 'match[]': ['node_load1', 'up{job="api"}'], start: String(START), end: String(END) } },
  { name: 'labels with a bad start', path: '/api/v1/labels', params: { start: 'yesterday' } },
  { name: 'label values of job', path: '/api/v1/label/job/values', params: { start: String(START), end: String(END) } },
  { name: 'label values of an unknown label', path: '/api/v1/label/nonexistent/values', params: { start: String(START), end: String(END) } },
  { name: 'label values with an invalid label name', path: '/api/v1/label/0bad/values' },
  { name: 'series of up', path: '/api/v1/series', params: { 'match[]': ['up'], start: String(START), end: String(END) } },
  { name: 'series matching two selectors', path: '/api/v1/series', params: { 'match[]': ['up{job="api"}', 'node_boot_time_seconds{instance="host-a:9100"}'], start: String(START), end: String(END) } },
  { name: 'series without match[]', path: '/api/v1/series' },
  { name: 'series with an empty matcher only', path: '/api/v1/series', params: { 'match[]': ['{foo=""}'] } },
  { name: 'series with a bad selector', path: '/api/v1/series', params: { 'match[]': ['up{'] } },
  { name: 'metadata (none for backfilled data)', path: '/api/v1/metadata' },
  { name: 'format_query', path: '/api/v1/format_query', params: { query: 'sum(rate(http_requests_total{code=~"5.."}[5m]))by(job)/ignoring(code)group_left sum(rate(http_requests_total[5m]))by(job)' } },
  { name: 'format_query with a parse error', path: '/api/v1/format_query', params: { query: 'sum(' } },
  { name: 'unknown API path', path: '/api/v1/nonexistent' },

  // Query and query_range envelopes.
  query('vector result', 'node_load1'),
  query('empty vector result', 'nonexistent_metric'),
  query('matrix result of a range selector', 'lookback_probe[1m]', String(START + 600)),
  ...specialValueTimes(dataset).map(([label, at]) => query(`vector with ${label}`, 'sensor_humidity_ratio', String(at))),
  query('string result', '"a<b>&c"'),
  query('label value with characters JSON escapes', 'label_replace(vector(1), "x", "<a&b>\\"\\\\é\\u2028", "", "")'),
  { name: 'query by POST form', method: 'POST', path: '/api/v1/query', params: { query: 'sum by (job) (up)', time: String(AT) } },
  { name: 'query without a query', path: '/api/v1/query', params: { time: String(AT) } },
  { name: 'query with a bad time', path: '/api/v1/query', params: { query: '1', time: 'foo' } },
  { name: 'query with a bad timeout', path: '/api/v1/query', params: { query: '1', time: String(AT), timeout: 'foo' } },
  { name: 'query_range of a rate', path: '/api/v1/query_range', params: { query: 'rate(http_requests_total{instance="api-1:8080",code="200",method="GET"}[5m])', start: String(START + 900), end: String(START + 1800), step: '60' } },
  { name: 'query_range by POST form', method: 'POST', path: '/api/v1/query_range', params: { query: 'sum by (job) (up)', start: String(AT), end: String(AT + 300), step: '1m' } },
  { name: 'query_range of NaN and infinities', path: '/api/v1/query_range', params: { query: 'sensor_humidity_ratio', start: String(START + 1495), end: String(START + 1505), step: '5' } },
  { name: 'query_range of a scalar', path: '/api/v1/query_range', params: { query: '1', start: '0', end: '30', step: '15' } },
  { name: 'query_range of a string', path: '/api/v1/query_range', params: { query: '"a"', start: '0', end: '30', step: '15' } },
  { name: 'query_range empty result', path: '/api/v1/query_range', params: { query: 'nonexistent_metric', start: '0', end: '30', step: '15' } },
  { name: 'query_range with a parse error', path: '/api/v1/query_range', params: { query: 'foo(', start: '0', end: '30', step: '15' } },
  { name: 'query_range without parameters', path: '/api/v1/query_range', params: { query: '1' } },

  // Execution errors (422) and their texts.
  query('label_replace with an invalid regex', 'label_replace(up, "x", "$1", "job", "(")'),
  query('label_replace with an invalid destination label', 'label_replace(up, "0x", "$1", "job", "(.*)")'),
  query('label_join with an invalid destination label', 'label_join(up, "0x", ",", "job")'),
  query('count_values with an invalid label name', 'count_values("0x", up)'),
  query('many-to-many matching', 'node_cpu_seconds_total + on(instance) node_load1'),
  query('one-to-one matching with duplicates on the right', 'node_load1 + on(instance) node_cpu_seconds_total'),
  query('group_left with duplicates on the one side', 'node_load1 * on(job) group_left node_boot_time_seconds'),
  query('same labelset after dropping the name', 'abs({__name__=~"node_load1|node_boot_time_seconds"})'),
  query('same labelset after rate drops the name', 'rate({__name__=~"http_request_duration_seconds_count|http_request_duration_seconds_sum"}[5m])'),

  // Parse errors, with positions.
  ...PARSE_CASES.map((expr) => query(`parse: ${JSON.stringify(expr)}`, expr))
]

const TIME_INPUTS = [
  '4',
  '4.5',
  '-1.5',
  '0',
  '-0',
  '1767225600.123',
  '1767225600.0005',
  '1767225600.0015',
  '0.0005',
  '-0.0005',
  '0.0015',
  '1.0005',
  '2.0005',
  '1e3',
  '1E3',
  '1_000',
  '1__000',
  '_1000',
  '1000_',
  '1_000.5',
  '0x10p0',
  '0x_10p0',
  '0x10',
  '0x1.8p1',
  '0X1P-2',
  '0x1p',
  '0b101',
  '0o17',
  '017',
  '.5',
  '5.',
  '.',
  '+5',
  '++5',
  ' 4',
  '4 ',
  'Inf',
  '+Inf',
  '-Inf',
  'inf',
  'infinity',
  '-Infinity',
  'infinit',
  'NaN',
  'nan',
  '-nan',
  '+NaN',
  '1e19',
  '-1e19',
  '9223372036854775807',
  '9223372036854.775',
  '1e400',
  '-1e400',
  '1e-400',
  '9007199254740.993',
  '2026-01-01T00:00:00Z',
  '2026-01-01T00:00:00.5Z',
  '2026-01-01T00:00:00.123456789Z',
  '2026-01-01T00:00:00.1234567891Z',
  '2026-01-01T00:00:00.9999Z',
  '2026-01-01T00:00:00.9995Z',
  '2026-01-01T00:00:00,5Z',
  '2026-01-01T00:00:00.Z',
  '2026-01-01T01:00:00+01:00',
  '2026-01-01T00:00:00-00:30',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01T00:00:00+25:00',
  '2026-01-01T00:00:00+99:99',
  '2026-01-01T00:00:00+01:60',
  '2026-01-01T00:00:00+0100',
  '2026-01-01T00:00:00+01',
  '2026-01-01T00:00:00 +01:00',
  '2026-01-01T1:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:60:00Z',
  '2026-01-01T00:00:60Z',
  '2026-01-01T00:0:00Z',
  '2026-1-01T00:00:00Z',
  '2026-01-1T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-00-01T00:00:00Z',
  '2026-01-00T00:00:00Z',
  '2026-01-01t00:00:00z',
  '2026-01-01T00:00:00z',
  '2026-01-01 00:00:00Z',
  '2026-01-01T00:00:00',
  '2026-01-01',
  '0000-01-01T00:00:00Z',
  '0099-06-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '10000-01-01T00:00:00Z',
  '+2026-01-01T00:00:00Z',
  '1969-12-31T23:59:59.9995Z',
  '1969-12-31T23:59:59.0001Z',
  '-292273086-05-16T16:47:06Z',
  '292277025-08-18T07:12:54.999999999Z',
  '292277025-08-18T07:12:54.999Z',
  'foo',
  'now',
  '1767225600s'
]

/** query_range start/end/step triples: `step` on a one-day range, the ordering and size checks, ns precision. */
const RANGE_INPUTS: Array<[start: string, end: string, step: string]> = [
  ...[
    '15', '15s', '1m', '1h30m', '1.5', '1.0005', '0.5', '7.855', '7.85', '0', '-1', '0s', '0ms', '-1s', 'foo', '', ' 1', '5m30s', '1d', '1w', '1y',
    '1ms', '500ms', '1h1h', '1.5h', '1H', '1e3', '0x10p0', '1_0', 'Inf', '-Inf', 'NaN', '1e10', '9223372036.854775807', '9223372036.854775808',
    '9223372037', '-9223372037', '292y', '293y', '106751d', '106752d', '2562047h', '2562048h', '9223372036854ms', '9223372036855ms',
    '99999999999999999999ms'
  ].map((step): [string, string, string] => ['0', '86400', step]),
  ['10', '5', '1'],
  ['10', '10', '1'],
  ['foo', '10', '1'],
  ['0', 'foo', '1'],
  ['', '10', '1'],
  ['0', '', '1'],
  ['10', '5', 'foo'],
  ['0', '11000', '1'],
  ['0', '11000.999', '1'],
  ['0', '11001', '1'],
  ['0', '1100', '0.1'],
  ['0', '1100.1', '0.1'],
  ['0', '0', '0.0001'],
  ['0', '0', '1e-10'],
  ['0', '1', '0.0005'],
  ['0.0004', '0.0006', '1'],
  ['1970-01-01T00:00:10.000000001Z', '1970-01-01T00:00:10Z', '1'],
  ['1970-01-01T00:00:10Z', '1970-01-01T00:00:10.000000001Z', '1'],
  ['2026-01-01T00:00:00Z', '2026-01-01T01:00:00+01:00', '60'],
  ['-292273086-05-16T16:47:06Z', '292277025-08-18T07:12:54.999999999Z', '1'],
  ['-292273086-05-16T16:47:06Z', '292277025-08-18T07:12:54.999999999Z', '1000y'],
  ['0', '9223372036.854775807', '1'],
  ['-Inf', 'Inf', '1']
]

/** [PromQL expression, the same number in JavaScript] (literals JavaScript would round are read with Number(), as Go reads them). */
const VALUE_CASES: Array<[expr: string, value: number]> = [
  ['1', 1],
  ['0', 0],
  ['-0', -0],
  ['0.1', 0.1],
  ['0.1 + 0.2', 0.1 + 0.2],
  ['1 / 3', 1 / 3],
  ['-2 / 3', -2 / 3],
  ['100', 100],
  ['4.35', 4.35],
  ['123456789', 123456789],
  ['0.000001', 0.000001],
  ['0.0000009999', 0.0000009999],
  ['1e-7', 1e-7],
  ['-1e-7', -1e-7],
  ['1.5e-7', 1.5e-7],
  ['1.234e-10', 1.234e-10],
  ['5e-324', 5e-324],
  ['1e15', 1e15],
  ['2^53', 2 ** 53],
  ['2^53 + 1', 2 ** 53 + 1],
  ['123456789012345678', Number('123456789012345678')],
  ['1e20', 1e20],
  ['99999999999999990000', Number('99999999999999990000')],
  ['1e21', 1e21],
  ['-1e21', -1e21],
  ['1.5e21', 1.5e21],
  ['1e22', 1e22],
  ['1.7976931348623157e308', 1.7976931348623157e308],
  ['1 / 0', Infinity],
  ['-1 / 0', -Infinity],
  ['0 / 0', NaN]
]

const TIMESTAMP_CASES = ['4', '4.5', '4.05', '4.005', '4.0005', '0', '0.001', '-0.001', '-1.5', '-4', '1767225600.123', '1767225600.1', '1767225600.12', '0.000001', '1e12']

function asParams(params: ApiParams | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.map(String) : String(value)
  }
  return out
}

function jsNumberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value)
}

/** The raw text of the first point in `"result"` (scalar) or the first `"value"` (vector). */
function rawPoint(text: string, kind: 'scalar' | 'vector'): string {
  const match = kind === 'scalar' ? /"result":(\[[^\]]*\])/.exec(text) : /"value":(\[[^\]]*\])/.exec(text)
  if (!match?.[1]) throw new Error(`no ${kind} point in ${text}`)
  return match[1]
}

/** [ts text, value text] of a raw point such as `[4.500,"1"]`. */
function splitPoint(point: string): [string, string] {
  const match = /^\[([^,]+),"([^"]*)"\]$/.exec(point)
  if (!match) throw new Error(`not a point: ${point}`)
  return [match[1] as string, match[2] as string]
}

async function send(reference: PrometheusReference, request: Request): Promise<PrometheusResponse> {
  return request.method === 'POST' ? reference.post(request.path, request.params) : reference.get(request.path, request.params)
}

export async function recordResponses(reference: PrometheusReference): Promise<RecordedFixture> {
  const dataset = reference.dataset
  if (!dataset) throw new Error('recording needs a Prometheus over the data set')
  const exchanges: RecordedExchange[] = []
  for (const request of requestsFor(dataset)) {
    const response = await send(reference, request)
    exchanges.push({
      name: request.name,
      method: request.method ?? 'GET',
      path: request.path,
      params: asParams(request.params),
      status: response.status,
      contentType: response.contentType,
      body: response.body,
      text: response.text
    })
  }

  const timeParams: TimeParamCase[] = []
  for (const input of TIME_INPUTS) {
    const response = await reference.query('time()', input)
    timeParams.push(
      response.body?.status === 'success'
        ? { input, status: response.status, result: rawPoint(response.text, 'scalar') }
        : { input, status: response.status, errorType: response.body?.errorType, error: response.body?.error }
    )
  }

  const rangeParams: RangeParamCase[] = []
  for (const [start, end, step] of RANGE_INPUTS) {
    const response = await reference.queryRange('time()', start, end, step)
    const body = response.body
    if (body?.status !== 'success') {
      rangeParams.push({ start, end, step, status: response.status, errorType: body?.errorType, error: body?.error })
      continue
    }
    const recorded: RangeParamCase = { start, end, step, status: response.status, resultType: body.data.resultType }
    const values: Array<[number, string]> = body.data.resultType === 'matrix' ? (body.data.result[0]?.values ?? []) : []
    const ms = (point: [number, string] | undefined): number | undefined => (point ? Math.round(point[0] * 1000) : undefined)
    recorded.points = values.length
    recorded.firstMs = ms(values[0])
    if (values.length > 1) recorded.stepMs = (ms(values[1]) as number) - (ms(values[0]) as number)
    recorded.lastMs = ms(values[values.length - 1])
    rangeParams.push(recorded)
  }

  const valueFormats: ValueFormatCase[] = []
  for (const [expr, value] of VALUE_CASES) {
    const scalar = await reference.query(expr, 4)
    const vector = await reference.query(`vector(${expr})`, 4)
    valueFormats.push({
      expr,
      value: jsNumberText(value),
      scalar: splitPoint(rawPoint(scalar.text, 'scalar'))[1],
      vector: splitPoint(rawPoint(vector.text, 'vector'))[1]
    })
  }

  const timestampFormats: TimestampFormatCase[] = []
  for (const time of TIMESTAMP_CASES) {
    const scalar = await reference.query('1', time)
    const vector = await reference.query('vector(1)', time)
    const scalarTs = splitPoint(rawPoint(scalar.text, 'scalar'))[0]
    timestampFormats.push({ time, ms: Math.round(Number(scalarTs) * 1000), scalar: scalarTs, vector: splitPoint(rawPoint(vector.text, 'vector'))[0] })
  }

  const buildinfo = await reference.get('/api/v1/status/buildinfo')
  return {
    about:
      'Real answers of Prometheus 2.42 (Debian bookworm\'s prometheus package) over the differential tests\' data set ' +
      '(test/helpers/openmetrics-dataset.ts, default seed). Written by scripts/record-prometheus-responses.ts, ' +
      'checked against the live Prometheus by test/integration/prometheus-reference.test.ts.',
    prometheus: { version: reference.version, buildinfo: buildinfo.body?.data },
    dataset: { seed: dataset.seed, startMs: dataset.startMs, endMs: dataset.endMs, series: dataset.series.length },
    exchanges,
    timeParams,
    rangeParams,
    valueFormats,
    timestampFormats
  }
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? FIXTURE_FILE)
  const reference = await startPrometheusReference()
  try {
    const fixture = await recordResponses(reference)
    writeFileSync(out, JSON.stringify(fixture, null, 2) + '\n')
    console.log(
      `${out}: Prometheus ${fixture.prometheus.version}, ${fixture.exchanges.length} exchanges, ${fixture.timeParams.length} time and ` +
        `${fixture.rangeParams.length} range parameter cases, ${fixture.valueFormats.length} value and ${fixture.timestampFormats.length} timestamp formats`
    )
  } finally {
    await reference.stop()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
