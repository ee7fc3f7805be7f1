// GET /metrics: Vigil's own figures, behind the API's authentication, in the text format that
// Vigil's own scrape parser (tested on the OpenMetrics cases) and Prometheus read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseExposition, type ParsedSeries } from '../../src/main/prometheus'
import { startApi, validServer, type TestApi } from '../helpers/api'

let api: TestApi

beforeAll(async () => {
  api = await startApi()
})
afterAll(async () => {
  await api?.close()
})

const valueOf = (series: ParsedSeries[], name: string, labels: Record<string, string> = {}): number | undefined =>
  series.find((one) => one.name === name && Object.entries(labels).every(([key, value]) => one.labels[key] === value))?.values.at(-1)

describe("Vigil's own /metrics", () => {
  it('needs the API token', async () => {
    const response = await api.request('GET', '/metrics', { anonymous: true })
    expect(response.status).toBe(401)
  })

  it('exposes the process, API requests, servers by state, the store and remote write', async () => {
    await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'counted', ip_address: '192.0.2.10' }) })
    await api.request('GET', '/api/servers/')
    await api.request('GET', '/api/servers/')
    const response = await api.request<string>('GET', '/metrics')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const { series, metadata } = parseExposition(response.text, 'prometheus')
    expect(valueOf(series, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
    expect(valueOf(series, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024)
    expect(valueOf(series, 'vigil_self_http_requests_total', { route: '/api/servers/', method: 'GET', code: '200' })).toBe(2)
    expect(valueOf(series, 'vigil_self_http_requests_total', { route: '/api/servers/create/', method: 'POST', code: '201' })).toBe(1)
    expect(valueOf(series, 'vigil_self_http_request_duration_seconds_count', { route: '/api/servers/' })).toBe(2)
    expect(valueOf(series, 'vigil_self_servers', { state: 'idle' })).toBe(1)
    expect(valueOf(series, 'vigil_self_sources', { type: 'ssh' })).toBe(1)
    expect(valueOf(series, 'vigil_self_database_bytes', { file: 'db' })).toBeGreaterThan(0)
    expect(valueOf(series, 'vigil_self_series_groups', { kind: 'in_memory' })).toBeGreaterThanOrEqual(0)
    expect(valueOf(series, 'vigil_self_series_groups', { kind: 'parked' })).toBe(0)
    expect(valueOf(series, 'vigil_self_remote_write_samples_sent_total')).toBe(0)
    expect(valueOf(series, 'vigil_self_remote_write_backlog_rows')).toBe(0)
    expect(metadata.get('vigil_self_http_requests_total')).toMatchObject({ type: 'counter' })
    // Every name Vigil exposes about itself stays out of the namespace of the series it collects.
    expect(series.filter((one) => one.name.startsWith('vigil_') && !one.name.startsWith('vigil_self_'))).toEqual([])
  })
})

describe('Vigil scraping itself', () => {
  it('scrapes its own /metrics with the workspace bearer token; without one the target is down with HTTP 401', async () => {
    const port = Number(new URL(api.url).port)
    const server = await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'vigil-itself', ip_address: '127.0.0.1' }) })
    const addTarget = async (jobName: string, extra: Record<string, unknown>): Promise<string> => {
      const job = await api.request('POST', '/v1.0/projects/default/jobs', { body: { jobName, metricsPath: '/metrics', ...extra } })
      expect(job.body.body).toMatchObject({ jobName, hasBearerToken: 'bearerToken' in extra })
      expect(job.text).not.toContain(api.token)
      const target = await api.request('POST', `/v1.0/projects/default/jobs/${job.body.body.jobId as string}/targets`, { body: { hostId: server.body.server.id, port } })
      return target.body.body
    }
    const withToken = await api.app.prometheus.scraper.scrapeNow(await addTarget('self', { bearerToken: api.token }))
    expect(withToken).toMatchObject({ up: true, resultCd: 0 })
    const answer = await api.request('GET', `/prometheus/api/v1/query?query=${encodeURIComponent('vigil_self_http_requests_total{job="self",route="/api/servers/create/"}')}&time=${(withToken?.at ?? 0) / 1000}`)
    expect(answer.body.data.result.length).toBeGreaterThan(0)
    const without = await api.app.prometheus.scraper.scrapeNow(await addTarget('self-anonymous', {}))
    expect(without).toMatchObject({ up: false, resultCd: 3 })
    expect(without?.failReason).toContain('401')
  })
})
