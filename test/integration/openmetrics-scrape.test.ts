// The scraper end to end on loopback: Vigil's real API and store, a test exporter that changes
// its series, fails in every way a target fails, dies and comes back. Scrapes are triggered
// explicitly (the scraper's scrapeNow, what the UI's "scrape now" calls), never waited for on a
// clock; what they stored is read back through PromQL and the target API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScrapeReport } from '../../src/main/prometheus'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { startTestExporter, type TestExporter } from '../helpers/test-exporter'

let api: TestApi
let exporter: TestExporter
let hostId: string
const BASE = '/v1.0/projects/default'

beforeAll(async () => {
  ;[api, exporter] = await Promise.all([startApi(), startTestExporter()])
  const server = await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'exporter-host', ip_address: '127.0.0.1' }) })
  hostId = server.body.server.id
}, 60_000)

afterAll(async () => {
  await Promise.all([api?.close(), exporter?.close()])
})

async function workspace(settings: Record<string, unknown> = {}): Promise<{ jobId: string; jobName: string; targetId: string }> {
  const jobName = `job-${Math.random().toString(36).slice(2, 8)}`
  const job = await api.request('POST', `${BASE}/jobs`, { body: { jobName, metricsPath: '/metrics', ...settings } })
  expect(job.body.header.isSuccessful, JSON.stringify(job.body)).toBe(true)
  const target = await api.request('POST', `${BASE}/jobs/${job.body.body.jobId as string}/targets`, { body: { hostId, port: exporter.port } })
  return { jobId: job.body.body.jobId, jobName, targetId: target.body.body }
}

async function scrape(targetId: string): Promise<ScrapeReport> {
  const report = await api.app.prometheus.scraper.scrapeNow(targetId)
  if (!report) throw new Error(`no target ${targetId}`)
  return report
}

/** An instant query's result as [labels, value] pairs, sorted. */
async function query(expr: string, atMs: number): Promise<Array<[Record<string, string>, string]>> {
  const response = await api.request('GET', `/prometheus/api/v1/query?query=${encodeURIComponent(expr)}&time=${atMs / 1000}`)
  expect(response.status, response.text).toBe(200)
  const result = response.body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>
  return result.map((r): [Record<string, string>, string] => [r.metric, r.value[1]]).sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])))
}

const target = async (jobId: string, targetId: string) => (await api.request('GET', `${BASE}/jobs/${jobId}/targets/${targetId}`)).body.body

describe('scraping a target', () => {
  it('stores its series with job and instance, and the report series; the target reports its last scrape', async () => {
    exporter.serve('# HELP temp Temperature.\n# TYPE temp gauge\ntemp{room="a"} 21.5\ntemp{room="b"} 19\n# TYPE hits counter\nhits 7\n')
    const { jobId, jobName, targetId } = await workspace()
    const report = await scrape(targetId)
    expect(report).toMatchObject({ up: true, resultCd: 0, failReason: null, samples: 3, seriesAdded: 3 })
    const instance = `127.0.0.1:${exporter.port}`
    expect(await query(`{job="${jobName}",__name__!~"scrape_.*"}`, report.at)).toEqual([
      [{ __name__: 'hits', instance, job: jobName }, '7'],
      [{ __name__: 'temp', instance, job: jobName, room: 'a' }, '21.5'],
      [{ __name__: 'temp', instance, job: jobName, room: 'b' }, '19'],
      [{ __name__: 'up', instance, job: jobName }, '1']
    ])
    expect(await query(`scrape_samples_scraped{job="${jobName}"}`, report.at)).toEqual([[{ __name__: 'scrape_samples_scraped', instance, job: jobName }, '3']])
    expect(await query(`scrape_series_added{job="${jobName}"}`, report.at)).toEqual([[{ __name__: 'scrape_series_added', instance, job: jobName }, '3']])
    expect(Number((await query(`scrape_duration_seconds{job="${jobName}"}`, report.at))[0]?.[1])).toBeGreaterThan(0)
    expect(await target(jobId, targetId)).toMatchObject({ resultCd: 0, failReason: null, mntrnStatCd: 'UP', lastScrapeSamples: 3, lastScrapeDurationSec: expect.any(Number) })
    // Prometheus' Accept header and gzip.
    expect(exporter.requests.at(-1)).toMatchObject({
      accept: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      'accept-encoding': 'gzip',
      'user-agent': 'Vigil/test'
    })
  })

  it('marks a series that disappears stale at once, and all of them when the target dies; up follows', async () => {
    exporter.serve('a 1\nb 2\n')
    const { jobId, jobName, targetId } = await workspace()
    const first = await scrape(targetId)
    exporter.serve('a 3\n')
    const second = await scrape(targetId)
    expect(second.seriesAdded).toBe(0)
    const names = async (at: number) => (await query(`{job="${jobName}",__name__=~"a|b|up"}`, at)).map(([labels, value]) => `${labels.__name__}=${value}`)
    // Without the marker, b would be found for 5 minutes after its last sample.
    expect(await names(first.at)).toEqual(['a=1', 'b=2', 'up=1'])
    expect(await names(second.at)).toEqual(['a=3', 'up=1'])
    expect(await query(`count_over_time(b{job="${jobName}"}[1h])`, second.at + 1)).toEqual([[{ instance: `127.0.0.1:${exporter.port}`, job: jobName }, '1']])

    await exporter.kill()
    const down = await scrape(targetId)
    expect(down).toMatchObject({ up: false, resultCd: 1, failReason: expect.stringMatching(/connection refused \(ECONNREFUSED\)/) })
    expect(await names(down.at)).toEqual(['up=0'])
    expect(await target(jobId, targetId)).toMatchObject({ resultCd: 1, mntrnStatCd: 'DOWN', failReason: down.failReason })
    expect(await query(`scrape_samples_scraped{job="${jobName}"}`, down.at)).toEqual([[expect.anything(), '0']])

    await exporter.revive()
    exporter.serve('a 4\nb 5\n')
    const back = await scrape(targetId)
    // b is new since the last successful scrape (a is not), as Prometheus counts it.
    expect(back).toMatchObject({ up: true, seriesAdded: 1 })
    expect(await names(back.at)).toEqual(['a=4', 'b=5', 'up=1'])
  })

  it('negotiates OpenMetrics (timestamps in seconds, _created kept) and gzip', async () => {
    const seconds = Math.floor(Date.now() / 1000) - 30
    exporter.serve(`# TYPE req counter\nreq_total{code="200"} 5 ${seconds}.25\nreq_created{code="200"} ${seconds - 100} ${seconds}.25\n# EOF\n`, { openMetrics: true, gzip: true })
    const { jobName, targetId } = await workspace()
    const report = await scrape(targetId)
    expect(report).toMatchObject({ up: true, samples: 2 })
    const result = await api.request('GET', `/prometheus/api/v1/query?query=${encodeURIComponent(`{job="${jobName}",__name__=~"req_.*"}`)}&time=${report.at / 1000}`)
    expect(result.body.data.result.map((r: { metric: { __name__: string }; value: [number, string] }) => [r.metric.__name__, r.value[1]])).toEqual([
      ['req_created', String(seconds - 100)],
      ['req_total', '5']
    ])
    // Explicitly timed samples are not tracked for staleness (as in Prometheus): gone from the
    // exposition, they stay visible within the lookback.
    exporter.serve('# EOF\n', { openMetrics: true })
    const next = await scrape(targetId)
    expect((await query(`req_total{job="${jobName}"}`, next.at)).length).toBe(1)
  })

  it('renames clashing exposed labels to exported_* unless honor_labels is set', async () => {
    exporter.serve('m{job="theirs",instance="elsewhere",exported_job="x"} 1\n')
    const plain = await workspace()
    await scrape(plain.targetId)
    const honoring = await workspace({ honorLabels: true })
    const report = await scrape(honoring.targetId)
    expect((await query(`m{job="${plain.jobName}"}`, report.at)).map(([labels]) => labels)).toEqual([
      { __name__: 'm', exported_exported_job: 'theirs', exported_instance: 'elsewhere', exported_job: 'x', instance: `127.0.0.1:${exporter.port}`, job: plain.jobName }
    ])
    expect((await query('m{job="theirs"}', report.at)).map(([labels]) => labels)).toEqual([{ __name__: 'm', exported_job: 'x', instance: 'elsewhere', job: 'theirs' }])
    // The report series always carry the target's own labels.
    expect(await query(`up{job="${honoring.jobName}"}`, report.at)).toEqual([[{ __name__: 'up', instance: `127.0.0.1:${exporter.port}`, job: honoring.jobName }, '1']])
  })

  it('fails a scrape with a clear reason, storing none of it: HTTP status, bad exposition, limits, timeout', async () => {
    const cases: Array<{ settings?: Record<string, unknown>; serve: () => void; resultCd: number; reason: RegExp }> = [
      { serve: () => exporter.serve('oops', { status: 500 }), resultCd: 3, reason: /^server returned HTTP status 500/ },
      { serve: () => exporter.serve('good 1\nbad{ 2\n'), resultCd: 4, reason: /^invalid exposition at 2:6: expected a label name or "}", found "2"$/ },
      { serve: () => exporter.serve('good 1\n# EOF\n', { openMetrics: true, gzip: true }), resultCd: 0, reason: /^$/ },
      { serve: () => exporter.serve('good 1\n', { openMetrics: true }), resultCd: 4, reason: /^invalid exposition at 2:1: OpenMetrics text must end with # EOF$/ },
      { settings: { bodySizeLimitBytes: 1024 }, serve: () => exporter.serve(`good 1\n${'x 1\n'.repeat(400)}`, { gzip: true }), resultCd: 5, reason: /^body size limit exceeded: the answer is larger than 1024 bytes \(decompressed\)/ },
      { settings: { sampleLimit: 2 }, serve: () => exporter.serve('good 1\nx 1\ny 1\n'), resultCd: 6, reason: /^sample limit exceeded: 3 samples, the workspace takes at most 2/ },
      { settings: { scrapeTimeoutSec: 0.3 }, serve: () => exporter.serve('good 1\n', { hang: true }), resultCd: 2, reason: /^no complete answer from .* within the scrape timeout \(0.3 s\)/ }
    ]
    for (const [i, testCase] of cases.entries()) {
      testCase.serve()
      const { jobName, targetId } = await workspace(testCase.settings)
      const report = await scrape(targetId)
      expect(report.resultCd, `case ${i}: ${report.failReason}`).toBe(testCase.resultCd)
      expect(report.failReason ?? '', `case ${i}`).toMatch(testCase.reason)
      const stored = await query(`good{job="${jobName}"}`, report.at)
      expect(stored.length, `case ${i}`).toBe(testCase.resultCd === 0 ? 1 : 0)
      expect(await query(`up{job="${jobName}"}`, report.at), `case ${i}`).toEqual([[expect.anything(), testCase.resultCd === 0 ? '1' : '0']])
    }
    expect((await query('scrape_samples_scraped{job=~"job-.*"} == 3', Date.now())).length).toBeGreaterThan(0)
  }, 30_000)

  it('ends every series of a target that is removed, report series too', async () => {
    exporter.serve('gone 1\n')
    const { jobId, jobName, targetId } = await workspace()
    const report = await scrape(targetId)
    expect((await query(`{job="${jobName}"}`, report.at)).length).toBe(6)
    await api.request('DELETE', `${BASE}/jobs/${jobId}/targets/${targetId}`)
    expect(await api.app.prometheus.scraper.scrapeNow(targetId)).toBeNull()
    expect(await query(`{job="${jobName}"}`, Date.now() + 1)).toEqual([])
    expect(api.app.prometheus.scraper.targets()).not.toContain(targetId)
  })
})

describe('the UI’s channels (scrape.*, over /rpc as the browser sends them)', () => {
  const rpc = async (channel: string, body?: unknown) => (await api.request('POST', `/rpc/${channel}`, { body })).body

  it('creates, scrapes now, lists and removes, with the contract’s errors', async () => {
    exporter.serve('ui_metric 1\n')
    const workspace = await rpc('scrape.createWorkspace', { jobName: 'ui-job', metricsPath: '/metrics', scrapeIntervalSec: 30 })
    expect(workspace).toMatchObject({ ok: true, value: { jobName: 'ui-job', scrapeIntervalSec: 30, scrapeTimeoutSec: 10 } })
    const jobId = workspace.value.jobId as string
    const servers = await rpc('scrape.servers')
    expect(servers.value).toContainEqual(expect.objectContaining({ hostId, svrIp: '127.0.0.1' }))
    const added = await rpc('scrape.addTarget', { jobId, hostId, port: exporter.port })
    expect(added).toMatchObject({ ok: true, value: { hostId, port: exporter.port, mntrnStatCd: null } })
    const scraped = await rpc('scrape.scrapeNow', { jobId, targetId: added.value.targetId })
    expect(scraped).toMatchObject({ ok: true, value: { mntrnStatCd: 'UP', resultCd: 0, lastScrapeSamples: 1 } })
    expect((await rpc('scrape.targets', { jobId })).value).toHaveLength(1)
    expect(await rpc('scrape.createWorkspace', { jobName: 'ui-job', metricsPath: '/metrics' })).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('exists already') } })
    expect(await rpc('scrape.updateWorkspace', { jobId: 'vigil', changes: { metricsPath: '/m' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await rpc('scrape.targets', { jobId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await rpc('scrape.removeTarget', { jobId, targetId: added.value.targetId })).toEqual({ ok: true, value: { targetId: added.value.targetId } })
    expect(await rpc('scrape.deleteWorkspace', { jobId })).toEqual({ ok: true, value: { jobId } })
  })
})

describe('targets as platform sources', () => {
  it('lists each target as a source of type scrape, whose sync scrapes it now', async () => {
    exporter.serve('src_metric 1\nsrc_other 2\n')
    const { jobId, jobName, targetId } = await workspace()
    const name = `scrape:${jobName}@exporter-host:${exporter.port}`
    const listed = (await api.request('GET', '/api/sources')).body as Array<{ name: string; type: string }>
    expect(listed.find((source) => source.name === name)).toMatchObject({ type: 'scrape' })
    const sync = await api.request('POST', `/api/sources/${encodeURIComponent(name)}/sync`, { body: {} })
    expect(sync.status, sync.text).toBe(200)
    await api.app.platform.sources.settled(name)
    expect(await target(jobId, targetId)).toMatchObject({ mntrnStatCd: 'UP', lastScrapeSamples: 2 })
    const details = (await api.request('GET', `/api/sources/${encodeURIComponent(name)}/details`)).body
    expect(details.history[0]).toMatchObject({ status: 'success', rows_processed: 2 })
    expect(details.config).toMatchObject({ job: jobName, port: exporter.port, url: `http://127.0.0.1:${exporter.port}/metrics` })

    await exporter.kill()
    await api.request('POST', `/api/sources/${encodeURIComponent(name)}/sync`, { body: {} })
    await api.app.platform.sources.settled(name)
    const failed = (await api.request('GET', `/api/sources/${encodeURIComponent(name)}/details`)).body
    expect(failed.history[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('connection refused') })
    await exporter.revive()
  })
})
