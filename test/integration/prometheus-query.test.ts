// PromQL through HTTP against the real Prometheus 2.42 (issue 15): the differential data set goes
// into a real Vigil through its import endpoint and into Prometheus through promtool's backfill,
// and every query of the engine's differential test (test/helpers/promql-cases.ts) goes to both
// as `query` and `query_range` requests. The answers must agree as JSON: HTTP status, `status`,
// `errorType` and `error` (the text too, unless it depends on timing), `resultType`, label sets,
// order where 2.42 defines it, every point's time, values within a relative tolerance of 1e-5
// (NaN equal to NaN) — and where two values are the same number, the same Go formatting of it;
// where a whole answer is the same and in the same order, the same bytes. Then Grafana's calls,
// as the fixture recorded them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Labels } from '../../src/main/prometheus/promql/engine'
import { startApi, type TestApi } from '../helpers/api'
import { toPrometheusText } from '../helpers/openmetrics-dataset'
import { CASES, caseRequests, dataset, difference, fromPrometheus, parseValue, type CaseRequest } from '../helpers/promql-cases'
import { startPrometheusReference, type ApiParams, type PrometheusReference, type PrometheusResponse } from '../helpers/prometheus-reference'
import { askVigil, recordedExchanges, type RecordedExchange } from '../helpers/prometheus-vigil'

/** Differences Vigil and 2.42 may keep, by request label, each with its reason (the README shows this list); keep it empty. */
const ALLOWED: Record<string, string> = {}

const exchanges = recordedExchanges()

let prometheus: PrometheusReference
let api: TestApi

/** Vigil's answer, as the reference helper gives Prometheus': GET with a query, POST with a form. */
const vigil = (method: 'GET' | 'POST', path: string, params?: ApiParams, headers?: Record<string, string>): Promise<PrometheusResponse> =>
  askVigil(api, method, path, params, headers)

/** The request's path and parameters, as Grafana or a script sends them (times in unix seconds). */
function httpRequest(request: CaseRequest): { path: string; params: ApiParams } {
  const timeout = request.timeoutMs === undefined ? {} : { timeout: `${request.timeoutMs}ms` }
  return request.kind === 'instant'
    ? { path: '/api/v1/query', params: { query: request.query, time: request.timeMs / 1000, ...timeout } }
    : { path: '/api/v1/query_range', params: { query: request.query, start: request.startMs / 1000, end: request.endMs / 1000, step: request.stepMs / 1000, ...timeout } }
}

/** Each value's text in a success answer, by series key: what Go's formatting gave. */
function valueTexts(body: any): Map<string, string[]> {
  const { resultType, result } = body.data
  if (resultType === 'scalar' || resultType === 'string') return new Map([['', [String(result[1])]]])
  return new Map(result.map((s: any) => [Labels.fromRecord(s.metric).key, resultType === 'vector' ? [s.value[1]] : s.values.map((p: [number, string]) => p[1])]))
}

const sameNumber = (a: string, b: string): boolean => Object.is(parseValue(a), parseValue(b)) || (Number.isNaN(parseValue(a)) && Number.isNaN(parseValue(b)))

/** Where Vigil's HTTP answer differs from 2.42's, or null. */
function httpDifference(expected: PrometheusResponse, actual: PrometheusResponse, request: CaseRequest): string | null {
  if (expected.status !== actual.status) return `HTTP ${expected.status} vs ${actual.status}: ${expected.text.slice(0, 300)} | ${actual.text.slice(0, 300)}`
  if (expected.body?.status !== actual.body?.status) return `status ${expected.body?.status} vs ${actual.body?.status}`
  const outcomes = difference(fromPrometheus(expected), fromPrometheus(actual), request)
  if (outcomes !== null) return outcomes
  if (expected.body.status === 'error') {
    return request.textVaries || expected.body.error === actual.body.error ? null : `error text:\n  Prometheus ${expected.body.error}\n  Vigil      ${actual.body.error}`
  }
  // The same number must be written the same way (Go's 'f' or 'e' form, "+Inf", "-0").
  const actualTexts = valueTexts(actual.body)
  let allSame = true
  for (const [key, texts] of valueTexts(expected.body)) {
    const other = actualTexts.get(key) as string[]
    for (let i = 0; i < texts.length; i++) {
      const [e, a] = [texts[i] as string, other[i] as string]
      if (sameNumber(e, a)) {
        if (e !== a) return `${key} value ${i} written as ${JSON.stringify(e)} by Prometheus, ${JSON.stringify(a)} by Vigil`
      } else allSame = false
    }
  }
  // Then, with every value the same and the order defined, the whole answer (timestamps as "4.500" too).
  if (allSame && request.ordered && expected.text !== actual.text) return `same values, other bytes:\n  Prometheus ${expected.text.slice(0, 500)}\n  Vigil      ${actual.text.slice(0, 500)}`
  return null
}

beforeAll(async () => {
  ;[prometheus, api] = await Promise.all([startPrometheusReference({ dataset }), startApi()])
  const imported = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: toPrometheusText(dataset.families), headers: { 'Content-Type': 'text/plain' } })
  expect(imported.status, imported.text).toBe(200)
}, 120_000)

afterAll(async () => {
  await Promise.all([prometheus?.stop(), api?.close()])
})

describe('query and query_range through HTTP, against Prometheus 2.42', () => {
  it('answers every query of the differential test as 2.42 does', async () => {
    const failures: string[] = []
    let equal = 0
    let total = 0
    let identical = 0
    for (const request of CASES.flatMap((c) => [...caseRequests(c)])) {
      const { path, params } = httpRequest(request)
      const [expected, actual] = await Promise.all([prometheus.get(path, params), vigil('GET', path, params)])
      total++
      if (expected.text === actual.text) identical++
      const diff = httpDifference(expected, actual, request)
      if (diff === null) equal++
      else if (!(request.label in ALLOWED)) failures.push(`${request.label}: ${diff}`)
    }
    console.log(`Prometheus API vs Prometheus 2.42 through HTTP: ${equal}/${total} query and query_range requests equal (${identical} byte for byte)`)
    expect(total).toBeGreaterThanOrEqual(600)
    expect(failures).toEqual([])
  }, 120_000)
})

describe('Grafana’s calls', () => {
  const recorded = (name: string) => exchanges.find((exchange) => exchange.name === name) as RecordedExchange

  it('answers Save & test’s 1+1 at time=4, by GET and by POST form, as 2.42 does', async () => {
    const saveAndTest = recorded('Grafana Save & test: 1+1 at time=4')
    const byGet = await vigil('GET', saveAndTest.path, saveAndTest.params)
    expect({ status: byGet.status, contentType: byGet.contentType, text: byGet.text }).toEqual({ status: saveAndTest.status, contentType: saveAndTest.contentType, text: saveAndTest.text })
    const [expected, byPost] = await Promise.all([prometheus.post(saveAndTest.path, saveAndTest.params), vigil('POST', saveAndTest.path, saveAndTest.params)])
    expect({ status: byPost.status, text: byPost.text }).toEqual({ status: expected.status, text: expected.text })
    expect(byPost.text).toBe(saveAndTest.text)
  })

  it('answers a panel’s query_range and query by POST form as recorded', async () => {
    for (const name of ['query_range by POST form', 'query by POST form', 'query_range of a rate']) {
      const exchange = recorded(name)
      const actual = await vigil(exchange.method, exchange.path, exchange.params)
      expect({ status: actual.status, contentType: actual.contentType, text: actual.text }, name).toEqual({ status: exchange.status, contentType: exchange.contentType, text: exchange.text })
    }
  })
})
