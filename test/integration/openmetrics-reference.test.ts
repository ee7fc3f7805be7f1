// The scraper against real parts: Debian's prometheus-node-exporter (a real exporter), and
// Prometheus 2.42 scraping the same test exporter as Vigil through a static target, so that
// what each stores — which series a query finds after a series vanished, after the target died
// and after it came back, and the values of up and the scrape_* series — can be compared where
// it does not depend on when each scraped (never the durations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { startNodeExporter, type NodeExporter } from '../helpers/node-exporter'
import { startPrometheusReference, type PrometheusReference } from '../helpers/prometheus-reference'
import { startTestExporter, type TestExporter } from '../helpers/test-exporter'

let api: TestApi
let nodeExporter: NodeExporter
let exporter: TestExporter
let prometheus: PrometheusReference
let hostId: string
const BASE = '/v1.0/projects/default'

beforeAll(async () => {
  ;[api, nodeExporter, exporter] = await Promise.all([startApi(), startNodeExporter(), startTestExporter()])
  exporter.serve('a 1\nb 2\n')
  prometheus = await startPrometheusReference({
    dataset: null,
    scrapeConfigs: `  - job_name: ref\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    static_configs:\n      - targets: ['127.0.0.1:${exporter.port}']`
  })
  const server = await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'loopback', ip_address: '127.0.0.1' }) })
  hostId = server.body.server.id
}, 90_000)

afterAll(async () => {
  await Promise.all([api?.close(), nodeExporter?.stop(), exporter?.close(), prometheus?.stop()])
})

async function target(jobName: string, port: number): Promise<{ jobId: string; targetId: string }> {
  const job = await api.request('POST', `${BASE}/jobs`, { body: { jobName, metricsPath: '/metrics' } })
  const created = await api.request('POST', `${BASE}/jobs/${job.body.body.jobId as string}/targets`, { body: { hostId, port } })
  return { jobId: job.body.body.jobId, targetId: created.body.body }
}

type Series = Array<{ metric: Record<string, string>; value: [number, string] }>

async function vigilQuery(expr: string): Promise<Series> {
  const response = await api.request('GET', `/prometheus/api/v1/query?query=${encodeURIComponent(expr)}&time=${Date.now() / 1000}`)
  expect(response.status, response.text).toBe(200)
  return response.body.data.result
}

async function prometheusQuery(expr: string): Promise<Series> {
  const response = await prometheus.query(expr, Date.now() / 1000)
  expect(response.status, response.text).toBe(200)
  return response.body.data.result
}

/** Every series of the job but the durations, as "name{labels} value", sorted. */
const COMPARED = '{job="ref",__name__!="scrape_duration_seconds"}'
const lines = (series: Series): string[] =>
  series.map(({ metric, value }) => `${JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : 1)))} ${value[1]}`).sort()

/**
 * Waits for Prometheus' next scrape after now (it scrapes every second on its own: the one
 * thing these tests cannot trigger), then returns what it stores.
 */
async function afterPrometheusScrapes(): Promise<string[]> {
  const since = Date.now() / 1000
  const deadline = Date.now() + 15_000
  for (;;) {
    const times = (await prometheusQuery('timestamp(up{job="ref"})')).map((s) => Number(s.value[1]))
    if (times.length > 0 && (times[0] as number) > since + 0.001) break
    if (Date.now() > deadline) throw new Error(`Prometheus did not scrape the test exporter:\n${prometheus.log().slice(-2000)}`)
    // Prometheus tells nothing when it scrapes: ask again shortly.
    await new Promise<void>((resolve) => setTimeout(resolve, 100))
  }
  return lines(await prometheusQuery(COMPARED))
}

describe('node_exporter', () => {
  it('is scraped: its series stored with job and instance, up 1, the target healthy', async () => {
    const { jobId, targetId } = await target('node', nodeExporter.port)
    const report = await api.app.prometheus.scraper.scrapeNow(targetId)
    expect(report, report?.failReason ?? '').toMatchObject({ up: true, resultCd: 0 })
    expect(report?.samples).toBeGreaterThan(50)
    const instance = `127.0.0.1:${nodeExporter.port}`
    const cpus = await vigilQuery(`node_cpu_seconds_total{job="node",mode="idle"}`)
    expect(cpus.length).toBeGreaterThan(0)
    for (const series of cpus) expect(series.metric).toMatchObject({ job: 'node', instance, cpu: expect.any(String), mode: 'idle' })
    expect((await vigilQuery('node_memory_MemTotal_bytes{job="node"}'))[0]?.value[1]).toMatch(/^\d+$/)
    expect(await vigilQuery('up{job="node"}')).toEqual([{ metric: { __name__: 'up', job: 'node', instance }, value: [expect.any(Number), '1'] }])
    // A second scrape a moment later: rates work over the stored counters.
    await api.app.prometheus.scraper.scrapeNow(targetId)
    expect((await vigilQuery('sum(rate(node_cpu_seconds_total{job="node"}[5m])) > 0')).length).toBe(1)
    const health = (await api.request('GET', `${BASE}/jobs/${jobId}/targets/${targetId}`)).body.body
    expect(health).toMatchObject({ resultCd: 0, failReason: null, mntrnStatCd: 'UP', lastScrapeSamples: report?.samples, scrapeUrl: `http://${instance}/metrics` })
  })

  it('is down once it stops: up 0, its series stale, the reason kept', async () => {
    const { targetId } = await target('node-stopped', nodeExporter.port)
    await api.app.prometheus.scraper.scrapeNow(targetId)
    expect((await vigilQuery('count(node_cpu_seconds_total{job="node-stopped"})')).length).toBe(1)
    await nodeExporter.stop()
    const report = await api.app.prometheus.scraper.scrapeNow(targetId)
    expect(report).toMatchObject({ up: false, resultCd: 1, failReason: expect.stringContaining('connection refused') })
    expect(await vigilQuery('count(node_cpu_seconds_total{job="node-stopped"})')).toEqual([])
    expect((await vigilQuery('up{job="node-stopped"}'))[0]?.value[1]).toBe('0')
  })
})

describe('staleness as Prometheus 2.42 shows it, scraping the same target', () => {
  it('finds the same series with the same values after a series vanishes, the target dies and comes back', async () => {
    const { targetId } = await target('ref', exporter.port)
    const vigil = async (): Promise<string[]> => {
      await api.app.prometheus.scraper.scrapeNow(targetId)
      return lines(await vigilQuery(COMPARED))
    }
    // Both have scraped the exporter before (Prometheus since it started): series are not new.
    await afterPrometheusScrapes()
    await vigil()
    const stages: Array<[string, () => Promise<void>]> = [
      ['both series', async () => exporter.serve('a 1\nb 2\n')],
      ['b vanished', async () => exporter.serve('a 3\n')],
      ['target dead', () => exporter.kill()],
      [
        'target back',
        async () => {
          await exporter.revive()
          exporter.serve('a 4\nb 5\n')
        }
      ]
    ]
    for (const [stage, change] of stages) {
      await change()
      const expected = await afterPrometheusScrapes()
      if (process.env.VIGIL_TEST_VERBOSE) console.log(stage, expected)
      expect(await vigil(), stage).toEqual(expected)
    }
    // What was compared, for the record: the last stage.
    expect(lines(await vigilQuery(COMPARED)).length).toBe(6)
  }, 90_000)

  it('lists the scraped families’ HELP, TYPE and UNIT in /api/v1/metadata as Prometheus does, in both formats', async () => {
    const { targetId } = await target('ref-metadata', exporter.port)
    const expositions: Array<[string, string, { openMetrics?: boolean }]> = [
      ['# HELP m_temp The temperature, "quoted" \\ and \\n.\n# TYPE m_temp gauge\nm_temp 1\n# TYPE m_untyped untyped\nm_untyped 2\n# HELP m_helponly Only help.\nm_helponly 3\n', 'm_temp m_untyped m_helponly', {}],
      ['# TYPE m_time_seconds counter\n# UNIT m_time_seconds seconds\n# HELP m_time_seconds Time spent.\nm_time_seconds_total 1\n# TYPE m_info info\nm_info_info{v="1"} 1\n# EOF\n', 'm_time_seconds m_info', { openMetrics: true }]
    ]
    for (const [body, names, options] of expositions) {
      exporter.serve(body, options)
      await afterPrometheusScrapes()
      await api.app.prometheus.scraper.scrapeNow(targetId)
      for (const metric of names.split(' ')) {
        const expected = await prometheus.get('/api/v1/metadata', { metric })
        const actual = await api.request('GET', `/prometheus/api/v1/metadata?metric=${metric}`)
        if (process.env.VIGIL_TEST_VERBOSE) console.log(metric, expected.text)
        expect(actual.text, metric).toBe(expected.text)
      }
    }
  }, 60_000)
})
