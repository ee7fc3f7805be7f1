// Remote write into the real Prometheus 2.42 (Debian's, started with
// --web.enable-remote-write-receiver): Vigil scrapes a test exporter that changes its series,
// loses one and dies, sends everything on, and the same queries answer the same in both — the
// raw samples too. Then Prometheus is killed (SIGKILL) while Vigil goes on scraping, and started
// again: once Vigil has caught up, not a sample is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { startPrometheusReference, type PrometheusReference } from '../helpers/prometheus-reference'
import { startTestExporter, type TestExporter } from '../helpers/test-exporter'

let api: TestApi
let prometheus: PrometheusReference
let exporter: TestExporter
let targetId: string
const JOB = 'rw_job'

beforeAll(async () => {
  ;[api, prometheus, exporter] = await Promise.all([
    startApi({ remoteWriteOptions: { idleMs: 20, minBackoffMs: 10, maxBackoffMs: 200 } }),
    startPrometheusReference({ dataset: null, flags: ['--web.enable-remote-write-receiver'] }),
    startTestExporter()
  ])
  const server = await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'rw-exporter', ip_address: '127.0.0.1' }) })
  const job = await api.request('POST', '/v1.0/projects/default/jobs', { body: { jobName: JOB, metricsPath: '/metrics' } })
  const target = await api.request('POST', `/v1.0/projects/default/jobs/${job.body.body.jobId as string}/targets`, { body: { hostId: server.body.server.id, port: exporter.port } })
  targetId = target.body.body
  const set = await api.request('PUT', '/api/remote-write', { body: { url: `${prometheus.url}/api/v1/write` } })
  expect(set.status, set.text).toBe(200)
}, 120_000)

afterAll(async () => {
  await Promise.all([api?.close(), prometheus?.stop(), exporter?.close()])
})

async function scrape(body: string | null): Promise<number> {
  if (body === null) await exporter.kill()
  else exporter.serve(body)
  const report = await api.app.prometheus.scraper.scrapeNow(targetId)
  if (body === null) await exporter.revive()
  return report?.at as number
}

/** An answer's result with the fields both servers must agree on, sorted by labels. */
function comparable(body: { status: string; data: { resultType: string; result: Array<{ metric: Record<string, string> }> } }): unknown {
  expect(body.status).toBe('success')
  return { resultType: body.data.resultType, result: [...body.data.result].sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric))) }
}

async function bothAnswer(path: 'query' | 'query_range', params: Record<string, string | number>): Promise<{ vigil: unknown; prometheus: unknown }> {
  const search = new URLSearchParams(Object.entries(params).map(([key, value]) => [key, String(value)]))
  const vigil = await api.request('GET', `/prometheus/api/v1/${path}?${search}`)
  const reference = await prometheus.get(`/api/v1/${path}`, params)
  expect(vigil.status, vigil.text).toBe(200)
  expect(reference.status, reference.text).toBe(200)
  return { vigil: comparable(vigil.body), prometheus: comparable(reference.body) }
}

let counter = 0
const page = (extra = ''): string => `# TYPE requests counter\nrequests_total{code="200"} ${(counter += 7)}\nrequests_total{code="500"} ${counter / 7}\ntemperature 21.${counter % 10}\n${extra}`

describe('remote write into Prometheus 2.42', () => {
  let first = 0
  let last = 0

  it('sends scraped series, their staleness and up, so the same queries answer the same', async () => {
    first = await scrape(page('leaving 1\n'))
    await scrape(page('leaving 2\n'))
    await scrape(page())
    await scrape(null)
    await scrape(page())
    last = await scrape(page())
    await api.app.prometheus.remoteWrite.sent()

    const endS = (last + 1) / 1000
    const raw = await bothAnswer('query', { query: `{job="${JOB}"}[10m]`, time: endS })
    expect(raw.vigil).toEqual(raw.prometheus)
    expect((raw.vigil as { result: unknown[] }).result.length).toBeGreaterThanOrEqual(8)
    for (const query of [`up{job="${JOB}"}`, 'leaving', `sum by (code) (rate(requests_total[5m]))`, 'temperature', `count({job="${JOB}"})`]) {
      const range = await bothAnswer('query_range', { query, start: (first - 1) / 1000, end: endS, step: 0.05 })
      expect(range.vigil, query).toEqual(range.prometheus)
    }
    // The series that left is stale from the scrape that no longer had it: no answer after it.
    const after = await bothAnswer('query', { query: 'leaving', time: endS })
    expect(after.vigil).toEqual({ resultType: 'vector', result: [] })
    expect(after.prometheus).toEqual(after.vigil)
  })

  it('loses no sample when Prometheus is killed and comes back while Vigil goes on scraping', async () => {
    await prometheus.killAndRestart(async () => {
      for (let i = 0; i < 5; i++) last = await scrape(page())
      await expect.poll(async () => (await api.request('GET', '/api/remote-write')).body.state).toBe('retrying')
    })
    last = await scrape(page())
    await api.app.prometheus.remoteWrite.sent()
    const raw = await bothAnswer('query', { query: `{job="${JOB}"}[10m]`, time: (last + 1) / 1000 })
    expect(raw.vigil).toEqual(raw.prometheus)
    const samples = (raw.prometheus as { result: Array<{ values: unknown[] }> }).result.reduce((sum, series) => sum + series.values.length, 0)
    // 12 scrapes: 5 samples each of up and the scrape_* series, plus what the exporter served.
    expect(samples).toBeGreaterThan(12 * 5)
    const status = (await api.request('GET', '/api/remote-write')).body
    expect(status).toMatchObject({ state: 'idle', samplesRefused: 0, backlogRows: 0 })
    expect(status.failedRequests).toBeGreaterThan(0)
  })
})
