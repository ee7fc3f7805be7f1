// The Prometheus face against the real Prometheus 2.42: the differential data set goes into
// Vigil through the import endpoint and into Prometheus through promtool's backfill, and the
// answers — series, labels, label values, metadata, Grafana's calls, parameter errors, the
// recorded query answers — must be the same JSON, byte for byte (prometheus-query.test.ts
// compares query evaluation at length). Vigil also holds series of its own (a server's vmstat),
// which Prometheus has not: the comparisons leave them out where they would show, and check that
// they do show.
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NUMERIC_FIELDS } from '../../src/shared/metrics'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { generateDataset, toPrometheusText } from '../helpers/openmetrics-dataset'
import { startPrometheusReference, type ApiParams, type PrometheusReference, type PrometheusResponse } from '../helpers/prometheus-reference'
import { askVigil, recordedExchanges } from '../helpers/prometheus-vigil'

const dataset = generateDataset()
const MINUTE = 60_000
const at = (minutes: number): number => (dataset.startMs + minutes * MINUTE) / 1000
const START = at(0)
const END = dataset.endMs / 1000
/** Every series of the data set, and none of Vigil's own (they have no job). */
const DATASET_SERIES = '{job=~".+"}'
/** The labels only Vigil's own series carry. */
const VIGIL_LABELS = ['os', 'server', 'server_id']
/** A list of label names or values without those of Vigil's own series. */
const withoutVigilsOwn = (names: string[]): string[] => names.filter((name) => !VIGIL_LABELS.includes(name) && !name.startsWith('vigil_'))

const exchanges = recordedExchanges()

let prometheus: PrometheusReference
let api: TestApi

/** Vigil's answer, as the reference helper gives Prometheus': GET with a query, POST with a form. */
const vigil = (method: 'GET' | 'POST', path: string, params?: ApiParams, headers?: Record<string, string>): Promise<PrometheusResponse> =>
  askVigil(api, method, path, params, headers)

async function both(method: 'GET' | 'POST', path: string, params?: ApiParams): Promise<[PrometheusResponse, PrometheusResponse]> {
  return [method === 'GET' ? await prometheus.get(path, params) : await prometheus.post(path, params), await vigil(method, path, params)]
}

/** The same status, content type and body text. */
async function expectSame(method: 'GET' | 'POST', path: string, params?: ApiParams): Promise<PrometheusResponse> {
  const [expected, actual] = await both(method, path, params)
  const what = `${method} ${path} ${JSON.stringify(params)}`
  expect({ status: actual.status, contentType: actual.contentType, text: actual.text }, what).toEqual({
    status: expected.status,
    contentType: expected.contentType,
    text: expected.text
  })
  return actual
}

beforeAll(async () => {
  ;[prometheus, api] = await Promise.all([startPrometheusReference({ dataset }), startApi()])
  // A server of Vigil's own with an hour of vmstat inside the data set's range.
  const server = await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'web-01', os_type: 'linux' }) })
  const group = api.app.series.groupId({ metric: 'vmstat', labels: { server_id: server.body.server.id }, columns: NUMERIC_FIELDS.vmstat })
  for (let t = dataset.startMs; t < dataset.startMs + 60 * MINUTE; t += 5000) api.app.series.append(group, t, NUMERIC_FIELDS.vmstat.map((_, c) => c))
  api.app.series.flush()
}, 120_000)

afterAll(async () => {
  await Promise.all([prometheus?.stop(), api?.close()])
})

describe('the import endpoint', () => {
  it('takes the whole data set as Prometheus text in one body', async () => {
    const body = toPrometheusText(dataset.families)
    const response = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: body, headers: { 'Content-Type': 'text/plain' } })
    const samples = dataset.series.reduce((n, s) => n + s.samples.length, 0)
    expect(response.status, response.text).toBe(200)
    expect(response.body).toEqual({ status: 'success', data: { series: dataset.series.length, samples, unchanged: 0 } })
    // The same body again stores nothing new.
    const again = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: body })
    expect(again.body.data).toEqual({ series: dataset.series.length, samples: 0, unchanged: samples })
  })

  it('refuses a bad body with its line and column, writing none of it', async () => {
    const body = `fresh_metric 1 ${dataset.startMs}\nfresh_metric{a="b} 2 ${dataset.startMs}\n`
    const response = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: body })
    expect(response.status).toBe(400)
    expect(response.text).toBe('{"status":"error","errorType":"bad_data","error":"2:16: unterminated label value"}')
    expect((await vigil('GET', '/api/v1/series', { 'match[]': 'fresh_metric' })).body.data).toEqual([])
  })

  it('takes a gzip body, and refuses one that is not gzip or inflates past the limit', async () => {
    const body = `gzipped_metric{a="b"} 1 ${dataset.startMs}\ngzipped_metric{a="b"} 2 ${dataset.startMs + 15_000}\n`
    const gzip = { 'Content-Encoding': 'gzip' }
    const response = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: gzipSync(body), headers: gzip })
    expect(response.body).toEqual({ status: 'success', data: { series: 1, samples: 2, unchanged: 0 } })
    const notGzip = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: body, headers: gzip })
    expect(notGzip.status).toBe(400)
    expect(notGzip.body.error).toMatch(/^the body is not valid gzip: /)
    const bomb = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: gzipSync('x 1\n'.repeat(9 << 20)), headers: gzip })
    expect(bomb.status).toBe(413)
    const brotli = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: body, headers: { 'Content-Encoding': 'br' } })
    expect(brotli.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'unsupported Content-Encoding "br": send the body as it is, or gzip' })
    expect((await vigil('GET', '/api/v1/series', { 'match[]': 'gzipped_metric' })).body.data).toEqual([{ __name__: 'gzipped_metric', a: 'b' }])
    // Gone again, so that the comparisons below see the data set alone.
    expect((await vigil('POST', '/api/v1/admin/tsdb/delete_series', { 'match[]': 'gzipped_metric' })).status).toBe(204)
    expect((await vigil('GET', '/api/v1/series', { 'match[]': 'gzipped_metric' })).body.data).toEqual([])
  })

  it('refuses a body over the size limit, and one without the credential', async () => {
    const tooLarge = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: 'x 1\n'.repeat(9 << 20) })
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'The request body is too large' })
    const anonymous = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: 'x 1\n', anonymous: true })
    expect(anonymous.status).toBe(401)
  })
})

describe('series, labels and label values, as Prometheus 2.42 answers them', () => {
  it('lists the same series', async () => {
    await expectSame('GET', '/api/v1/series', { 'match[]': DATASET_SERIES, start: START, end: END })
    await expectSame('GET', '/api/v1/series', { 'match[]': DATASET_SERIES })
    await expectSame('GET', '/api/v1/series', { 'match[]': 'up', start: START, end: END })
    await expectSame('POST', '/api/v1/series', { 'match[]': ['up{job="api"}', 'node_boot_time_seconds{instance="host-a:9100"}'], start: START, end: END })
    await expectSame('GET', '/api/v1/series', { 'match[]': ['{__name__=~"http_.*_bucket", le=~"0\\\\.0.*|\\\\+Inf"}', 'rpc_duration_seconds'], start: START, end: END })
    await expectSame('GET', '/api/v1/series', { 'match[]': '{instance=~"(?i)HOST-[ab].*", __name__!~"node_cpu.*"}', start: START, end: END })
  })

  it('lists only the series with samples in the time range', async () => {
    // batch_job_progress_ratio lives 00:40–01:30; api-2 restarts at 01:05 with a new api_build_info version.
    for (const [from, to] of [
      [at(50), at(60)],
      [at(95), at(110)],
      [at(0), at(60)],
      [at(70), END]
    ]) {
      const answer = await expectSame('GET', '/api/v1/series', { 'match[]': ['batch_job_progress_ratio', 'api_build_info'], start: from, end: to })
      expect(answer.body.data.length).toBeGreaterThan(0)
    }
  })

  it('gives the same label names, and Vigil’s own besides without match[]', async () => {
    await expectSame('GET', '/api/v1/labels', { 'match[]': DATASET_SERIES, start: START, end: END })
    await expectSame('GET', '/api/v1/labels', { 'match[]': 'up', start: START, end: END })
    await expectSame('POST', '/api/v1/labels', { 'match[]': ['node_load1', 'up{job="api"}'], start: START, end: END })
    const [expected, actual] = await both('GET', '/api/v1/labels', { start: START, end: END })
    expect(withoutVigilsOwn(actual.body.data)).toEqual(expected.body.data)
    expect(actual.body.data).toEqual(expect.arrayContaining(VIGIL_LABELS))
  })

  it('gives the same label values', async () => {
    await expectSame('GET', '/api/v1/label/__name__/values', { 'match[]': DATASET_SERIES, start: START, end: END })
    await expectSame('GET', '/api/v1/label/job/values', { start: START, end: END })
    await expectSame('GET', '/api/v1/label/instance/values', { 'match[]': 'up{job="node"}', start: START, end: END })
    await expectSame('GET', '/api/v1/label/version/values', { 'match[]': 'api_build_info', start: at(70), end: END })
    await expectSame('GET', '/api/v1/label/le/values', { 'match[]': ['http_request_duration_seconds_bucket{handler="/metrics"}'], start: START, end: END })
    await expectSame('GET', '/api/v1/label/nonexistent/values', { start: START, end: END })
    const [expected, actual] = await both('GET', '/api/v1/label/__name__/values', { start: START, end: END })
    expect(withoutVigilsOwn(actual.body.data)).toEqual(expected.body.data)
    expect(actual.body.data).toContain('vigil_vmstat_us')
  })

  it('counts, for labels and label values, only series with samples in the range, where 2.42 counts whole blocks', async () => {
    // batch_records_processed_total pauses 00:30–01:15; api-2's api_build_info is 1.5.0 from 01:05.
    // Prometheus answers from the two-hour block that overlaps the range, Vigil from the samples.
    const cases: Array<[string, ApiParams, string[]]> = [
      ['/api/v1/labels', { 'match[]': 'batch_records_processed_total', start: at(35), end: at(70) }, []],
      ['/api/v1/label/version/values', { 'match[]': 'api_build_info', start: at(0), end: at(60) }, ['1.4.2']],
      ['/api/v1/label/batch/values', { start: at(100), end: at(110) }, ['hourly-rollup']]
    ]
    for (const [path, params, exact] of cases) {
      const [expected, actual] = await both('GET', path, params)
      expect(actual.body.data, path).toEqual(exact)
      expect(expected.body.data, path).toEqual(expect.arrayContaining(exact))
      expect(expected.body.data.length, path).toBeGreaterThan(exact.length)
    }
  })

  it('answers a Grafana series and labels lookup with match[] and limit (which 2.42 ignores) the same', async () => {
    await expectSame('GET', '/api/v1/series', { 'match[]': 'http_requests_total{job="api"}', start: START, end: END, limit: 3 })
    await expectSame('POST', '/api/v1/labels', { 'match[]': 'http_requests_total', start: START, end: END, limit: 2 })
    await expectSame('GET', '/api/v1/label/handler/values', { 'match[]': 'http_requests_total', start: START, end: END, limit: 1 })
  })

  it('refuses bad parameters with 2.42’s errors', async () => {
    const cases: Array<['GET' | 'POST', string, ApiParams]> = [
      ['GET', '/api/v1/series', {}],
      ['GET', '/api/v1/series', { 'match[]': '{foo=""}' }],
      ['GET', '/api/v1/series', { 'match[]': 'up{' }],
      ['GET', '/api/v1/series', { 'match[]': 'sum(up)' }],
      ['POST', '/api/v1/series', { 'match[]': ['up', 'rate(up[5m])'] }],
      ['GET', '/api/v1/series', { 'match[]': 'up', start: 'yesterday' }],
      ['GET', '/api/v1/series', { 'match[]': 'up', end: '2026-13-01T00:00:00Z' }],
      ['GET', '/api/v1/labels', { 'match[]': 'up{a=~"("}' }],
      ['GET', '/api/v1/labels', { 'match[]': '{}' }],
      ['GET', '/api/v1/labels', { start: 'x' }],
      ['GET', '/api/v1/label/0bad/values', { start: 'x' }],
      ['GET', '/api/v1/label/job/values', { 'match[]': 'up offset 5m' }],
      ['GET', '/api/v1/rules', { type: 'Recording' }],
      ['GET', '/api/v1/metadata', { limit: 'ten' }],
      ['GET', '/api/v1/query_exemplars', { query: 'up', start: END, end: START }],
      ['GET', '/api/v1/query_exemplars', { query: 'up[' }],
      ['GET', '/api/v1/format_query', { query: 'sum(' }],
      ['GET', '/api/v1/query', { query: 'up', time: 'soon' }],
      ['GET', '/api/v1/query', { query: 'up', timeout: '5 minutes' }],
      ['GET', '/api/v1/query', { query: 'rate(up)' }],
      ['POST', '/api/v1/query_range', { query: 'up', start: END, end: START, step: 15 }],
      ['GET', '/api/v1/query_range', { query: 'up', start: 0, end: 86400 * 365, step: 1 }],
      ['GET', '/api/v1/query_range', { query: 'up[5m]', start: START, end: END, step: 60 }],
      ['GET', '/api/v1/query_range', { query: '"text"', start: START, end: END, step: '1m' }]
    ]
    for (const [method, path, params] of cases) await expectSame(method, path, params)
  })
})

describe('metadata, rules, exemplars and build information', () => {
  it('has no metadata for imported series, as Prometheus has none for backfilled ones; Vigil’s own have theirs', async () => {
    await expectSame('GET', '/api/v1/metadata', { metric: 'http_requests_total' })
    const [expected, actual] = await both('GET', '/api/v1/metadata', {})
    const imported = Object.fromEntries(Object.entries(actual.body.data).filter(([name]) => !name.startsWith('vigil_')))
    expect(imported).toEqual(expected.body.data)
    expect(actual.body.data.vigil_vmstat_fre).toEqual([{ type: 'gauge', help: 'Free real memory.', unit: 'KiB' }])
    expect(actual.body.data.vigil_netstat_ipkts[0].type).toBe('counter')
    expect(Object.keys((await vigil('GET', '/api/v1/metadata', { limit: 3 })).body.data)).toHaveLength(3)
  })

  it('answers rules, exemplars (millisecond times too) and format_query as 2.42', async () => {
    await expectSame('GET', '/api/v1/rules', {})
    await expectSame('GET', '/api/v1/rules', { type: 'alert' })
    await expectSame('GET', '/api/v1/query_exemplars', { query: 'http_requests_total', start: START, end: END })
    await expectSame('POST', '/api/v1/query_exemplars', { query: 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))', start: '1767225600.123', end: '1767232800.456' })
    await expectSame('GET', '/api/v1/query_exemplars', { query: '1 + 1', start: START, end: END })
    await expectSame('GET', '/api/v1/format_query', { query: 'sum(rate(http_requests_total{code=~"5.."}[5m]))by(job)/ignoring(code)group_left sum(rate(http_requests_total[5m]))by(job)' })
  })

  it('gives build information in 2.42’s shape, without the features map of 3.x', async () => {
    const [expected, actual] = await both('GET', '/api/v1/status/buildinfo')
    expect(Object.keys(actual.body.data)).toEqual(Object.keys(expected.body.data))
    expect(actual.body.data.version).toBe('2.42.0')
  })
})

describe('Grafana’s calls and the other recorded exchanges of 2.42', () => {
  // Every one, queries too, replayed against Vigil. The unknown API path is answered in the face's
  // JSON envelope rather than Go's text; buildinfo names Vigil's revision.
  const replayed = exchanges.filter((exchange) => exchange.name !== 'unknown API path' && exchange.path !== '/api/v1/status/buildinfo')

  it('replays every one of them with the same answer', async () => {
    expect(replayed.length).toBeGreaterThan(80)
    for (const exchange of replayed) {
      const actual = await vigil(exchange.method, exchange.path, exchange.params)
      // Without match[], label names and values also list those of Vigil's own series, and metadata has theirs.
      if (/\/label/.test(exchange.path) && !exchange.params['match[]'] && exchange.status === 200) {
        expect({ status: actual.status, data: withoutVigilsOwn(actual.body.data) }, exchange.name).toEqual({ status: 200, data: JSON.parse(exchange.text).data })
        continue
      }
      if (exchange.path === '/api/v1/metadata') {
        const imported = Object.fromEntries(Object.entries(actual.body.data).filter(([name]) => !name.startsWith('vigil_')))
        expect({ status: actual.status, data: imported }, exchange.name).toEqual({ status: 200, data: JSON.parse(exchange.text).data })
        continue
      }
      expect({ status: actual.status, text: actual.text }, exchange.name).toEqual({ status: exchange.status, text: exchange.text })
    }
  })

  it('takes the API token as X-TC-APP-KEY, as the spec and Grafana’s custom header send it', async () => {
    const withKey = await api.request('GET', '/prometheus/api/v1/label/job/values', { anonymous: true, headers: { 'X-TC-APP-KEY': api.token } })
    expect(withKey.body).toEqual({ status: 'success', data: ['api', 'batch', 'node', 'sensors'] })
    const wrongKey = await api.request('GET', '/prometheus/api/v1/labels', { anonymous: true, headers: { 'X-TC-APP-KEY': 'f'.repeat(64) } })
    expect({ status: wrongKey.status, body: wrongKey.body }).toEqual({ status: 401, body: { status: 'error', errorType: 'unauthorized', error: 'Invalid token.' } })
  })
})
