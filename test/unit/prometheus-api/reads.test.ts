// The UI's channel to the Prometheus API: the HTTP face's status and body, without HTTP.
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { QueryEndpoints } from '../../../src/main/prometheus/api/query-endpoints'
import { prometheusRead } from '../../../src/main/prometheus/api/reads'
import { SeriesEndpoints } from '../../../src/main/prometheus/api/series-endpoints'
import { StatusEndpoints, vigilBuildInfo } from '../../../src/main/prometheus/api/status-endpoints'
import { importExposition } from '../../../src/main/prometheus/exposition/importer'
import { SeriesModel } from '../../../src/main/prometheus/series/series-model'
import { EMPTY_REGISTRY } from '../../../src/main/prometheus/series/registry'

const T0 = Date.UTC(2026, 0, 1)

function endpoints() {
  const store = new SeriesStore(openDb(':memory:'), { logDir: null })
  importExposition(store, `up{job="a"} 1 ${T0}\nup{job="b"} 1 ${T0}`, 'prometheus', T0)
  const model = new SeriesModel(store, EMPTY_REGISTRY)
  const query = new QueryEndpoints(async () => ({ type: 'scalar', t: 4000, v: 2 }), () => T0)
  return { series: new SeriesEndpoints(model), status: new StatusEndpoints(model, vigilBuildInfo('1.2.3')), query }
}

describe('prometheusRead', () => {
  it('answers label values, with the name from the path', async () => {
    expect(await prometheusRead(endpoints(), { path: 'label/job/values', params: {} })).toEqual({
      status: 200,
      body: '{"status":"success","data":["a","b"]}'
    })
  })

  it('answers a query as the HTTP face does', async () => {
    expect(await prometheusRead(endpoints(), { path: 'query', params: { query: ['1+1'], time: ['4'] } })).toEqual({
      status: 200,
      body: '{"status":"success","data":{"resultType":"scalar","result":[4,"2"]}}'
    })
  })

  it('answers errors in the envelope, with their status and position', async () => {
    expect(await prometheusRead(endpoints(), { path: 'query', params: { query: ['sum(up'] } })).toEqual({
      status: 400,
      body: '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:7: parse error: unclosed left parenthesis"}'
    })
    expect((await prometheusRead(endpoints(), { path: 'import/prometheus', params: {} })).status).toBe(404)
  })

  it('takes a malformed request as one without those parameters', async () => {
    const malformed = { path: 'labels', params: { 'match[]': [7, 'up'], start: { at: 1 } } } as unknown as Parameters<typeof prometheusRead>[1]
    expect(await prometheusRead(endpoints(), malformed)).toEqual({ status: 200, body: '{"status":"success","data":["__name__","job"]}' })
    expect((await prometheusRead(endpoints(), null as unknown as Parameters<typeof prometheusRead>[1])).status).toBe(404)
  })
})
