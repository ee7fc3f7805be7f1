// Remote write against a receiver on loopback that decodes every request and answers as each
// test says: what arrives (labels, values, staleness markers, headers), each sample exactly
// once through 5xx, 429, a 400 for one series, a 401, and Vigil restarting. Samples are put in
// through Vigil's public paths (the import endpoint, the scraper); the writer's sent() is what
// the tests await, never a clock.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { STALE } from '../../src/main/base/series/sample'
import type { RemoteSeries } from '../../src/main/prometheus'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { startRemoteWriteReceiver, type RemoteWriteReceiver } from '../helpers/remote-write-receiver'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestExporter, type TestExporter } from '../helpers/test-exporter'

const PACE = { idleMs: 20, minBackoffMs: 10, maxBackoffMs: 200 }

let receiver: RemoteWriteReceiver
const opened: TestApi[] = []

beforeAll(async () => {
  receiver = await startRemoteWriteReceiver()
})
afterAll(async () => {
  await receiver?.close()
})
afterEach(async () => {
  await Promise.all(opened.splice(0).map((api) => api.close()))
  receiver.requests.length = 0
  receiver.accepted.clear()
  receiver.answerWith(() => ({ status: 204 }))
})

async function vigil(dataDir?: string): Promise<TestApi> {
  const api = await startApi({ dataDir, remoteWriteOptions: PACE })
  opened.push(api)
  return api
}

async function sendTo(api: TestApi, body: Record<string, unknown> = {}): Promise<void> {
  const response = await api.request('PUT', '/api/remote-write', { body: { url: receiver.url, ...body } })
  expect(response.status, response.text).toBe(200)
}

/** Imports `count` samples a series, one a second from `fromMs`: value = series index * 1000 + i. */
async function importSamples(api: TestApi, names: readonly string[], fromMs: number, count: number): Promise<void> {
  const lines: string[] = []
  names.forEach((name, s) => {
    for (let i = 0; i < count; i++) lines.push(`${name} ${s * 1000 + i} ${fromMs + i * 1000}`)
  })
  const response = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: lines.join('\n') + '\n' })
  expect(response.status, response.text).toBe(200)
}

function expectedSamples(s: number, fromMs: number, count: number): RemoteSeries['samples'] {
  return Array.from({ length: count }, (_, i) => ({ value: s * 1000 + i, timestamp: fromMs + i * 1000 }))
}

const statusOf = async (api: TestApi) => (await api.request('GET', '/api/remote-write')).body

describe('remote write', () => {
  it('sends what is stored after it is set, once, as Prometheus series, with the protocol headers and the token', async () => {
    const api = await vigil()
    const before = Date.now() - 60_000
    await importSamples(api, ['before_set{a="1"}'], before, 5)
    const response = await api.request('PUT', '/api/remote-write', { body: { url: receiver.url, bearerToken: 'receiver-secret' } })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ url: receiver.url, enabled: true, hasBearerToken: true })
    expect(response.text).not.toContain('receiver-secret')
    const from = Date.now() + 1000
    await importSamples(api, ['rw_one{host="a"}', 'rw_one{host="b"}', 'rw_two'], from, 10)
    await api.app.prometheus.remoteWrite.sent()

    expect([...receiver.accepted.keys()].sort()).toEqual(['__name__="rw_one",host="a"', '__name__="rw_one",host="b"', '__name__="rw_two"'])
    expect(receiver.accepted.get('__name__="rw_one",host="a"')).toEqual(expectedSamples(0, from, 10))
    expect(receiver.accepted.get('__name__="rw_one",host="b"')).toEqual(expectedSamples(1, from, 10))
    expect(receiver.accepted.get('__name__="rw_two"')).toEqual(expectedSamples(2, from, 10))
    expect(receiver.requests[0]?.headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
      authorization: 'Bearer receiver-secret',
      'user-agent': 'Vigil/test'
    })
    expect(await statusOf(api)).toMatchObject({ state: 'idle', samplesSent: 30, samplesRefused: 0, failedRequests: 0, backlogRows: 0, lastError: null })
  })

  it('tries a batch again after 5xx and 429 until the receiver takes it, each sample once', async () => {
    const api = await vigil()
    await sendTo(api)
    let answered = 0
    receiver.answerWith(() => {
      answered++
      if (answered <= 2) return { status: 503, body: 'receiver overloaded' }
      if (answered === 3) return { status: 429, body: 'slow down', headers: { 'Retry-After': '1' } }
      return { status: 200 }
    })
    const from = Date.now() + 1000
    await importSamples(api, ['retried{n="1"}', 'retried{n="2"}'], from, 20)
    await api.app.prometheus.remoteWrite.sent()
    expect(receiver.accepted.get('__name__="retried",n="1"')).toEqual(expectedSamples(0, from, 20))
    expect(receiver.accepted.get('__name__="retried",n="2"')).toEqual(expectedSamples(1, from, 20))
    const status = await statusOf(api)
    expect(status).toMatchObject({ state: 'idle', samplesSent: 40, failedRequests: 3, samplesRefused: 0 })
    expect(status.lastError.message).toBe('HTTP 429: slow down')
  })

  it('passes over only the series a 400 refuses: the rest of the batch is sent', async () => {
    const api = await vigil()
    await sendTo(api)
    receiver.answerWith((series) => (series.some((one) => one.labels.some((label) => label.value === 'refused')) ? { status: 400, body: 'out of order sample' } : { status: 204 }))
    const from = Date.now() + 1000
    await importSamples(api, ['mixed{k="ok1"}', 'mixed{k="refused"}', 'mixed{k="ok2"}', 'mixed{k="ok3"}'], from, 5)
    await api.app.prometheus.remoteWrite.sent()
    expect([...receiver.accepted.keys()].sort()).toEqual(['__name__="mixed",k="ok1"', '__name__="mixed",k="ok2"', '__name__="mixed",k="ok3"'])
    expect(receiver.accepted.get('__name__="mixed",k="ok3"')).toEqual(expectedSamples(3, from, 5))
    const status = await statusOf(api)
    expect(status).toMatchObject({ samplesSent: 15, samplesRefused: 5 })
    expect(status.lastError.message).toBe('HTTP 400: out of order sample (5 samples of mixed{k="refused"} passed over)')
  })

  it('catches up a backlog in time order across series, as a receiver that refuses samples an hour older than its newest needs', async () => {
    const api = await vigil()
    await sendTo(api, { enabled: false })
    const from = Date.now() + 1000
    const names = ['backlog{n="1"}', 'backlog{n="2"}', 'backlog{n="3"}']
    // Three hours of each series, 15 s apart, stored while sending is off.
    const lines = names.flatMap((name, s) => Array.from({ length: 720 }, (_, i) => `${name} ${s * 1000 + i} ${from + i * 15_000}`))
    expect((await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: lines.join('\n') + '\n' })).status).toBe(200)
    // Prometheus' rule: a sample more than an hour older than the newest it holds is out of bounds (400).
    let newest = -Infinity
    receiver.answerWith((series) => {
      const times = series.flatMap((one) => one.samples.map((sample) => sample.timestamp))
      if (times.some((t) => t < newest - 3_600_000)) return { status: 400, body: 'out of bounds' }
      newest = Math.max(newest, ...times)
      return { status: 204 }
    })
    await sendTo(api, { enabled: true })
    await api.app.prometheus.remoteWrite.sent()
    expect(await statusOf(api)).toMatchObject({ samplesSent: 2160, samplesRefused: 0 })
    expect(receiver.accepted.get('__name__="backlog",n="3"')).toHaveLength(720)
  })

  it('keeps everything while the receiver refuses Vigil (401), and sends it once the token is right', async () => {
    const api = await vigil()
    await sendTo(api, { bearerToken: 'wrong' })
    const refusedOnce = new Promise<void>((resolve) => {
      receiver.answerWith(() => {
        resolve()
        return { status: 401, body: 'bad token' }
      })
    })
    const from = Date.now() + 1000
    await importSamples(api, ['guarded'], from, 8)
    await refusedOnce
    await expect.poll(async () => (await statusOf(api)).state).toBe('refused')
    expect((await statusOf(api)).lastError.message).toBe('HTTP 401: bad token')
    receiver.answerWith(() => (receiver.requests.at(-1)?.headers.authorization === 'Bearer right' ? { status: 204 } : { status: 401, body: 'bad token' }))
    await sendTo(api, { bearerToken: 'right' })
    await api.app.prometheus.remoteWrite.sent()
    expect(receiver.accepted.get('__name__="guarded"')).toEqual(expectedSamples(0, from, 8))
    expect(await statusOf(api)).toMatchObject({ state: 'idle', samplesRefused: 0, hasBearerToken: true })
  })

  it('resumes after a restart where sending stopped: no sample twice, none missing, also when the receiver was down', async () => {
    const temp = makeTempDir()
    try {
      const first = await vigil(temp.dir)
      await sendTo(first)
      const from = Date.now() + 1000
      await importSamples(first, ['resumed'], from, 10)
      await first.app.prometheus.remoteWrite.sent()
      // The receiver goes down; samples keep coming and wait in the store.
      receiver.answerWith(() => ({ status: 503 }))
      await importSamples(first, ['resumed'], from + 10_000, 10)
      await expect.poll(async () => (await statusOf(first)).state).toBe('retrying')
      await first.close()
      opened.splice(opened.indexOf(first), 1)

      receiver.answerWith(() => ({ status: 204 }))
      const second = await vigil(temp.dir)
      expect(await statusOf(second)).toMatchObject({ url: receiver.url, enabled: true })
      await importSamples(second, ['resumed'], from + 20_000, 10)
      await second.app.prometheus.remoteWrite.sent()
      const each = [from, from + 10_000, from + 20_000].flatMap((start) => expectedSamples(0, start, 10))
      expect(receiver.accepted.get('__name__="resumed"')).toEqual(each)
    } finally {
      await Promise.all(opened.splice(0).map((api) => api.close()))
      temp.remove()
    }
  })

  it('sends the staleness marker when a scraped series disappears, as Prometheus would', async () => {
    const api = await vigil()
    const exporter: TestExporter = await startTestExporter()
    try {
      const server = await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'rw-exporter', ip_address: '127.0.0.1' }) })
      const job = await api.request('POST', '/v1.0/projects/default/jobs', { body: { jobName: 'rwjob', metricsPath: '/metrics' } })
      const target = await api.request('POST', `/v1.0/projects/default/jobs/${job.body.body.jobId as string}/targets`, { body: { hostId: server.body.server.id, port: exporter.port } })
      await sendTo(api)
      exporter.serve('kept 1\ngone 2\n')
      const first = await api.app.prometheus.scraper.scrapeNow(target.body.body)
      exporter.serve('kept 3\n')
      const second = await api.app.prometheus.scraper.scrapeNow(target.body.body)
      await api.app.prometheus.remoteWrite.sent()
      const instance = `127.0.0.1:${exporter.port}`
      expect(receiver.accepted.get(`__name__="gone",instance="${instance}",job="rwjob"`)).toEqual([
        { value: 2, timestamp: first?.at },
        { value: STALE, timestamp: second?.at }
      ])
      expect(receiver.accepted.get(`__name__="kept",instance="${instance}",job="rwjob"`)).toEqual([
        { value: 1, timestamp: first?.at },
        { value: 3, timestamp: second?.at }
      ])
      expect(receiver.accepted.get(`__name__="up",instance="${instance}",job="rwjob"`)?.map((sample) => sample.value)).toEqual([1, 1])
    } finally {
      await exporter.close()
    }
  })

  it('refuses a bad receiver with the API error format, and forgets the receiver on DELETE', async () => {
    const api = await vigil()
    const ftp = await api.request('PUT', '/api/remote-write', { body: { url: 'ftp://example.org/write' } })
    expect(ftp.status).toBe(400)
    expect(ftp.body).toMatchObject({ error: 'Validation error', details: { url: ['A remote write URL is http:// or https://, not ftp:.'] } })
    const missing = await api.request('PUT', '/api/remote-write', { body: { bearerToken: 'x' } })
    expect(missing.status).toBe(400)
    expect(missing.body.details.url).toHaveLength(1)
    const extra = await api.request('PUT', '/api/remote-write', { body: { url: receiver.url, batch: 5 } })
    expect(extra.status, extra.text).toBe(400)
    expect((await api.request('GET', '/api/remote-write', { anonymous: true })).status).toBe(401)
    expect(await statusOf(api)).toMatchObject({ url: null, state: 'off' })
    await sendTo(api)
    expect(await statusOf(api)).toMatchObject({ url: receiver.url, enabled: true })
    const removed = await api.request('DELETE', '/api/remote-write')
    expect(removed.body).toMatchObject({ url: null, state: 'off', enabled: false })
  })
})
