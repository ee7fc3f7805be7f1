// The endpoints' parameter handling, without HTTP: which parameter is read from where, in which
// order the checks run, and the error each gives (texts as 2.42's; the integration test checks
// them against the real one).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { PromApiError } from '../../../src/main/prometheus/api/errors'
import { ApiParamError } from '../../../src/main/prometheus/api/params'
import { QueryEndpoints } from '../../../src/main/prometheus/api/query-endpoints'
import { parseForm, requestParams } from '../../../src/main/prometheus/api/request-params'
import { SeriesEndpoints } from '../../../src/main/prometheus/api/series-endpoints'
import { StatusEndpoints, vigilBuildInfo } from '../../../src/main/prometheus/api/status-endpoints'
import { importExposition } from '../../../src/main/prometheus/exposition/importer'
import { createQueryEngine, type QueryRequest } from '../../../src/main/prometheus/query-engine'
import { SeriesModel } from '../../../src/main/prometheus/series/series-model'
import { EMPTY_REGISTRY } from '../../../src/main/prometheus/series/registry'

const T0 = Date.UTC(2026, 0, 1)
const params = (query: Record<string, string | string[]>, form: Record<string, string | string[]> = {}) => requestParams(query, form)

function endpoints() {
  const db = openDb(':memory:')
  const store = new SeriesStore(db, { logDir: null })
  importExposition(store, [`up{job="a"} 1 ${T0}`, `up{job="b"} 1 ${T0 + 60_000}`, `other{job="a"} 2 ${T0}`].join('\n'), 'prometheus', T0)
  const model = new SeriesModel(store, EMPTY_REGISTRY)
  const requests: QueryRequest[] = []
  const query = new QueryEndpoints(async (request) => {
    requests.push(request)
    return { type: 'scalar', t: 4000, v: 2 }
  }, () => T0)
  return { series: new SeriesEndpoints(model), status: new StatusEndpoints(model, vigilBuildInfo('1.2.3')), query, requests, model }
}

/** The error thrown: [errorType, message]. */
async function failure(run: () => unknown): Promise<[string, string]> {
  try {
    await run()
  } catch (error) {
    if (error instanceof PromApiError || error instanceof ApiParamError) return [error.errorType, error.message]
    throw error
  }
  throw new Error('no error')
}

describe('request parameters', () => {
  it('reads the form body first, then the URL, as Go’s r.Form', () => {
    const p = params({ 'match[]': ['up'], time: '1' }, parseForm('match[]=other&time=2&match[]=%7Bjob%3D%22a%22%7D'))
    expect(p.values('match[]')).toEqual(['other', '{job="a"}', 'up'])
    expect(p.value('time')).toBe('2')
    expect(p.urlValue('time')).toBe('1')
    expect(p.value('absent')).toBe('')
  })
})

describe('series, labels and label values', () => {
  it('unions repeated match[] and sorts the series', () => {
    const { series } = endpoints()
    expect(series.series(params({ 'match[]': ['other', 'up', '{job="a"}'] }))).toBe(
      '[{"__name__":"other","job":"a"},{"__name__":"up","job":"a"},{"__name__":"up","job":"b"}]'
    )
    expect(series.series(params({ 'match[]': 'up', start: String((T0 + 30_000) / 1000) }))).toBe('[{"__name__":"up","job":"b"}]')
  })

  it('checks in 2.42’s order: match[] present, start, end, then the selectors', async () => {
    const { series } = endpoints()
    expect(await failure(() => series.series(params({ start: 'x' })))).toEqual(['bad_data', 'no match[] parameter provided'])
    expect(await failure(() => series.series(params({ 'match[]': 'up{', start: 'x' })))).toEqual([
      'bad_data',
      'invalid parameter "start": Invalid time value for \'start\': cannot parse "x" to a valid timestamp'
    ])
    expect(await failure(() => series.series(params({ 'match[]': 'up{' })))).toEqual(['bad_data', 'invalid parameter "match[]": 1:4: parse error: unexpected end of input inside braces'])
    expect(await failure(() => series.labels(params({ 'match[]': 'up{' })))).toEqual(['bad_data', '1:4: parse error: unexpected end of input inside braces'])
    expect(await failure(() => series.labels(params({ 'match[]': '{a=~".*"}' })))).toEqual(['bad_data', 'match[] must contain at least one non-empty matcher'])
    expect(await failure(() => series.labelValues('0bad', params({ start: 'x' })))).toEqual(['bad_data', 'invalid label name: "0bad"'])
  })

  it('gives label names and values, `[]` when there are none', () => {
    const { series } = endpoints()
    expect(series.labels(params({}))).toBe('["__name__","job"]')
    expect(series.labelValues('__name__', params({ 'match[]': '{job="b"}' }))).toBe('["up"]')
    expect(series.labelValues('job', params({}))).toBe('["a","b"]')
    expect(series.labelValues('nothing', params({}))).toBe('[]')
    expect(series.labels(params({ 'match[]': 'nothing' }))).toBe('[]')
  })
})

describe('metadata, rules, exemplars, format_query and build information', () => {
  it('reads metadata’s limit as Go’s Atoi and picks one metric', async () => {
    const { status } = endpoints()
    expect(await failure(() => status.metadata(params({ limit: '1.5' })))).toEqual(['bad_data', 'limit must be a number'])
    expect(status.metadata(params({ limit: '0' }))).toBe('{}')
    expect(Object.keys(JSON.parse(status.metadata(params({ limit: '+2' }))))).toEqual(['vigil_iostat_kb_read', 'vigil_iostat_kb_read_rate'])
    expect(Object.keys(JSON.parse(status.metadata(params({ limit: '-1' })))).length).toBeGreaterThan(40)
    expect(JSON.parse(status.metadata(params({ metric: 'vigil_vmstat_us' })))).toEqual({
      vigil_vmstat_us: [{ type: 'gauge', help: 'CPU time in user mode (Linux includes nice time).', unit: '%' }]
    })
    expect(status.metadata(params({ metric: 'up' }))).toBe('{}')
  })

  it('checks rules’ type from the URL only, in any case', async () => {
    const { status } = endpoints()
    expect(status.rules(params({ type: 'ALERT' }))).toBe('{"groups":[]}')
    expect(status.rules(params({}, { type: ['nonsense'] }))).toBe('{"groups":[]}')
    expect(await failure(() => status.rules(params({ type: 'Both' })))).toEqual(['bad_data', 'invalid parameter "type": not supported value "both"'])
  })

  it('answers exemplars with [] — or no content for a query without a selector — after checking times and query', async () => {
    const { status } = endpoints()
    expect(status.queryExemplars(params({ query: 'rate(up[5m])' }))).toBe('[]')
    expect(status.queryExemplars(params({ query: '1 + 1' }))).toBeNull()
    expect(await failure(() => status.queryExemplars(params({ query: 'up', start: '10', end: '5' })))).toEqual(['bad_data', 'end timestamp must not be before start timestamp'])
    expect(await failure(() => status.queryExemplars(params({})))).toEqual(['bad_data', '1:1: parse error: no expression found in input'])
  })

  it('formats a query as 2.42’s prettifier, and says what is wrong with one that does not parse', async () => {
    const { status } = endpoints()
    expect(status.formatQuery(params({ query: 'sum(rate(x[5m]))by(a)' }))).toBe('"sum by (a) (rate(x[5m]))"')
    expect(await failure(() => status.formatQuery(params({ query: 'sum(' })))).toEqual(['bad_data', 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis'])
  })

  it('reports the Prometheus API version it answers as, and says it is Vigil', () => {
    expect(JSON.parse(endpoints().status.buildinfo())).toEqual({
      version: '2.42.0',
      revision: 'vigil-1.2.3',
      branch: 'vigil',
      buildUser: 'vigil',
      buildDate: '',
      goVersion: 'none (Vigil is TypeScript)'
    })
  })
})

describe('query and query_range', () => {
  it('hands the engine a checked request: the time (now by default), the parsed expression, the timeout', async () => {
    const { query, requests } = endpoints()
    expect(await query.query(params({ query: '1+1', time: '4' }))).toBe('{"resultType":"scalar","result":[4,"2"]}')
    await query.query(params({ query: 'up' }, { timeout: ['30s'] }))
    await query.queryRange(params({ query: 'rate(up[5m])', start: '0', end: '60', step: '15s' }))
    expect(requests.map(({ expr: _expr, ...rest }) => rest)).toEqual([
      { kind: 'instant', query: '1+1', timeMs: 4000 },
      { kind: 'instant', query: 'up', timeMs: T0, timeoutMs: 30_000 },
      { kind: 'range', query: 'rate(up[5m])', startMs: 0, endMs: 60_000, stepMs: 15_000 }
    ])
  })

  it('checks time, then timeout, then the query; a range query’s start, end, step, then its query and type', async () => {
    const { query } = endpoints()
    expect(await failure(() => query.query(params({ query: 'up{', time: 'x', timeout: 'y' })))).toEqual([
      'bad_data',
      'invalid parameter "time": Invalid time value for \'time\': cannot parse "x" to a valid timestamp'
    ])
    expect(await failure(() => query.query(params({ query: 'up{', timeout: 'y' })))).toEqual(['bad_data', 'invalid parameter "timeout": cannot parse "y" to a valid duration'])
    expect(await failure(() => query.query(params({ query: 'up{' })))).toEqual(['bad_data', 'invalid parameter "query": 1:4: parse error: unexpected end of input inside braces'])
    expect(await failure(() => query.queryRange(params({ query: 'up{', start: '0', end: '1' })))).toEqual([
      'bad_data',
      'invalid parameter "step": cannot parse "" to a valid duration'
    ])
    expect(await failure(() => query.queryRange(params({ query: 'up{', start: '0', end: '1', step: '1' })))).toEqual(['bad_data', '1:4: parse error: unexpected end of input inside braces'])
    expect(await failure(() => query.queryRange(params({ query: 'up[5m]', start: '0', end: '1', step: '1' })))).toEqual([
      'bad_data',
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector'
    ])
  })

  it('evaluates with the PromQL engine over the series model', async () => {
    const { model } = endpoints()
    const query = new QueryEndpoints(createQueryEngine(model), () => T0)
    expect(await query.query(params({ query: '1+1', time: '4' }))).toBe('{"resultType":"scalar","result":[4,"2"]}')
    expect(await query.query(params({ query: 'sum by (job) (up)', time: String(T0 / 1000 + 60) }))).toBe(
      `{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[${T0 / 1000 + 60},"1"]},{"metric":{"job":"b"},"value":[${T0 / 1000 + 60},"1"]}]}`
    )
    expect(await query.queryRange(params({ query: 'up{job="b"} * 2', start: String(T0 / 1000), end: String(T0 / 1000 + 120), step: '1m' }))).toBe(
      `{"resultType":"matrix","result":[{"metric":{"job":"b"},"values":[[${T0 / 1000 + 60},"2"],[${T0 / 1000 + 120},"2"]]}]}`
    )
  })

  it('answers the engine’s errors with their errorType: execution, timeout', async () => {
    const { model } = endpoints()
    const query = new QueryEndpoints(createQueryEngine(model), () => T0 + 60_000)
    expect(await failure(() => query.query(params({ query: 'up + on () other' })))).toEqual([
      'execution',
      'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'
    ])
    expect(await failure(() => query.query(params({ query: 'up', timeout: '0s' })))).toEqual(['timeout', 'query timed out in query execution'])
    expect(await failure(() => query.queryRange(params({ query: 'up', start: '0', end: '1', step: '0.0001' })))).toEqual([
      'execution',
      'unexpected error: runtime error: integer divide by zero'
    ])
  })

  it('answers a failure to read the store as internal, as 2.42 its storage errors', async () => {
    const failing = createQueryEngine({
      select: () => {
        throw new Error('disk I/O error')
      }
    })
    const query = new QueryEndpoints(failing, () => T0)
    expect(await failure(() => query.query(params({ query: 'up' })))).toEqual(['internal', 'expanding series: disk I/O error'])
    expect(await query.query(params({ query: '1+1', time: '4' }))).toBe('{"resultType":"scalar","result":[4,"2"]}')
  })
})

describe('the fixture', () => {
  it('is what these tests quote', () => {
    const fixture = JSON.parse(readFileSync('test/fixtures/prometheus-2.42-responses.json', 'utf8')) as { exchanges: Array<{ name: string; text: string }> }
    const byName = new Map(fixture.exchanges.map((exchange) => [exchange.name, exchange.text]))
    expect(byName.get('format_query with a parse error')).toContain('invalid parameter \\"query\\": 1:5: parse error: unclosed left parenthesis')
    expect(byName.get('query_range with a parse error')).toContain('"error":"1:5: parse error: unclosed left parenthesis"')
  })
})
