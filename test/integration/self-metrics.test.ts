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
    expect(valueOf(series, 'vigil_self_remote_write_samples_sent_total')).toBe(0)
    expect(valueOf(series, 'vigil_self_remote_write_backlog_rows')).toBe(0)
    expect(metadata.get('vigil_self_http_requests_total')).toMatchObject({ type: 'counter' })
    // Every name Vigil exposes about itself stays out of the namespace of the series it collects.
    expect(series.filter((one) => one.name.startsWith('vigil_') && !one.name.startsWith('vigil_self_'))).toEqual([])
  })
})
