// The sysmon OpenMetrics API (sysmon-prometheus-api.md, "OpenMetrics Dashboard Workspace API"
// and "… Collection Target API"): every endpoint, field by field, with its result codes, on
// Vigil's real API on a random loopback port. Collection is off: targets are never scraped here
// (openmetrics-scrape.test.ts scrapes them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, validServer, type TestApi } from '../helpers/api'

let api: TestApi
let hostId: string
const BASE = '/v1.0/projects/default'
const YMDT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/

const appKey = (): Record<string, string> => ({ 'X-TC-APP-KEY': api.token, 'X-SYSMON-REGION': 'kr' })
/** A request as the spec's curl examples send it: the app key header, no bearer. */
const call = (method: string, path: string, body?: unknown) =>
  api.request(method, path, { headers: { ...appKey(), authorization: '' }, body })

const failure = (code: number, message: string) => ({ header: { isSuccessful: false, resultCode: code, resultMessage: message, resultDetail: expect.any(String) }, body: null })
const ok = (body: unknown) => ({ header: { isSuccessful: true, resultCode: 0, resultMessage: 'SUCCESS' }, body })

beforeAll(async () => {
  api = await startApi()
  const server = await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'exporter-01', ip_address: '192.0.2.5' }) })
  hostId = server.body.server.id
}, 60_000)

afterAll(async () => {
  await api?.close()
})

describe('authentication and the project', () => {
  it('takes the API token as X-TC-APP-KEY or as a bearer token, and answers 401 without it', async () => {
    expect((await call('GET', `${BASE}/jobs`)).status).toBe(200)
    expect((await api.request('GET', `${BASE}/jobs`)).status).toBe(200)
    const none = await api.request('GET', `${BASE}/jobs`, { anonymous: true })
    expect(none.status).toBe(401)
    expect(none.body).toEqual(failure(401, 'UNAUTHORIZED'))
    const wrong = await api.request('GET', `${BASE}/jobs`, { headers: { 'X-TC-APP-KEY': 'not-the-token', authorization: '' } })
    expect(wrong.status).toBe(401)
  })

  it('answers 403 for any project but default', async () => {
    for (const path of ['/v1.0/projects/other/jobs', '/v1.0/projects/other/servers', '/v1.0/projects/aOpreudC/jobs/x/targets']) {
      const response = await call('GET', path)
      expect(response.status, path).toBe(403)
      expect(response.body).toEqual(failure(403, 'FORBIDDEN'))
    }
    expect((await call('POST', '/v1.0/projects/other/jobs', { jobName: 'x', metricsPath: '/metrics' })).status).toBe(403)
    expect((await call('GET', `${BASE}/jobs`)).body.body.some((job: { jobName: string }) => job.jobName === 'x')).toBe(false)
  })
})

describe('workspaces', () => {
  it('lists the system-reserved workspace of Vigil’s own series from the start', async () => {
    const response = await call('GET', `${BASE}/jobs`)
    expect(response.status).toBe(200)
    expect(response.body).toEqual(
      ok([
        {
          jobId: 'vigil',
          projectId: 'default',
          jobName: 'vigil',
          metricsPath: '/metrics',
          description: expect.any(String),
          lstModifier: null,
          lstModYmdt: expect.stringMatching(YMDT),
          reservedJobCd: 'VIGIL_SELF',
          scrapeIntervalSec: 15,
          scrapeTimeoutSec: 10,
          honorLabels: false,
          sampleLimit: 200000,
          bodySizeLimitBytes: 16777216,
          hasBearerToken: false
        }
      ])
    )
  })

  it('creates, gets, lists, modifies and deletes a workspace, with the spec’s fields', async () => {
    const created = await call('POST', `${BASE}/jobs`, { jobName: 'node', metricsPath: '/metrics', description: 'node exporters' })
    expect(created.status).toBe(200)
    expect(created.body).toEqual(
      ok({
        jobId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        projectId: 'default',
        jobName: 'node',
        metricsPath: '/metrics',
        description: 'node exporters',
        lstModifier: null,
        lstModYmdt: expect.stringMatching(YMDT),
        reservedJobCd: null,
        scrapeIntervalSec: 15,
        scrapeTimeoutSec: 10,
        honorLabels: false,
        sampleLimit: 200000,
        bodySizeLimitBytes: 16777216,
        hasBearerToken: false
      })
    )
    const job = created.body.body
    expect((await call('GET', `${BASE}/jobs/${job.jobId}`)).body).toEqual(ok(job))
    expect((await call('GET', `${BASE}/jobs`)).body.body).toContainEqual(job)

    const modified = await call('PUT', `${BASE}/jobs/${job.jobId}`, { metricsPath: '/updatemetricsPath', description: 'updatedescription', scrapeIntervalSec: 30, honorLabels: true })
    expect(modified.body).toEqual(ok({ ...job, metricsPath: '/updatemetricsPath', description: 'updatedescription', scrapeIntervalSec: 30, honorLabels: true, lstModYmdt: expect.stringMatching(YMDT) }))
    // The description stays when a modification leaves it out.
    expect((await call('PUT', `${BASE}/jobs/${job.jobId}`, { metricsPath: '/metrics' })).body.body).toMatchObject({ metricsPath: '/metrics', description: 'updatedescription' })

    const deleted = await call('DELETE', `${BASE}/jobs/${job.jobId}`)
    expect(deleted.body).toEqual(ok(job.jobId))
    expect((await call('GET', `${BASE}/jobs/${job.jobId}`)).body).toEqual(failure(-40006, 'NOT_FOUND_JOB'))
  })

  it('answers ALREADY_EXIST for a name in use', async () => {
    await call('POST', `${BASE}/jobs`, { jobName: 'twice', metricsPath: '/metrics' })
    const again = await call('POST', `${BASE}/jobs`, { jobName: 'twice', metricsPath: '/other' })
    expect(again.status).toBe(200)
    expect(again.body).toEqual(failure(-40001, 'ALREADY_EXIST'))
  })

  it('answers BAD_INPUT_VALUE for missing or invalid fields and bodies that are not JSON', async () => {
    const bad = [
      {},
      { jobName: 'a' },
      { metricsPath: '/metrics' },
      { jobName: '', metricsPath: '/metrics' },
      { jobName: 'a', metricsPath: 'metrics' },
      { jobName: 'a', metricsPath: '/me trics' },
      { jobName: 'a', metricsPath: '/metrics', description: 5 },
      { jobName: 'a', metricsPath: '/metrics', scrapeIntervalSec: 0 },
      { jobName: 'a', metricsPath: '/metrics', scrapeIntervalSec: 5, scrapeTimeoutSec: 6 },
      { jobName: 'a', metricsPath: '/metrics', honorLabels: 'yes' },
      { jobName: 'a', metricsPath: '/metrics', sampleLimit: 1.5 },
      [1, 2],
      'text'
    ]
    for (const body of bad) {
      const response = await call('POST', `${BASE}/jobs`, body)
      expect(response.status, JSON.stringify(body)).toBe(200)
      expect(response.body, JSON.stringify(body)).toEqual(failure(-40002, 'BAD_INPUT_VALUE'))
    }
    const notJson = await api.request('POST', `${BASE}/jobs`, { rawBody: '{"jobName":', headers: { 'Content-Type': 'application/json' } })
    expect(notJson.status).toBe(200)
    expect(notJson.body).toEqual(failure(-40002, 'BAD_INPUT_VALUE'))
    const created = await call('POST', `${BASE}/jobs`, { jobName: 'put-checks', metricsPath: '/metrics' })
    expect((await call('PUT', `${BASE}/jobs/${created.body.body.jobId}`, { description: 'no path' })).body).toEqual(failure(-40002, 'BAD_INPUT_VALUE'))
    expect((await call('PUT', `${BASE}/jobs/${created.body.body.jobId}`, { metricsPath: '/m', jobName: 'renamed' })).body).toEqual(failure(-40002, 'BAD_INPUT_VALUE'))
  })

  it('answers NOT_FOUND_JOB and SYSTEM_RESERVED_JOB for modifications and deletions', async () => {
    expect((await call('PUT', `${BASE}/jobs/nope`, { metricsPath: '/metrics' })).body).toEqual(failure(-40006, 'NOT_FOUND_JOB'))
    expect((await call('DELETE', `${BASE}/jobs/nope`)).body).toEqual(failure(-40006, 'NOT_FOUND_JOB'))
    expect((await call('PUT', `${BASE}/jobs/vigil`, { metricsPath: '/metrics' })).body).toEqual(failure(-40012, 'SYSTEM_RESERVED_JOB'))
    expect((await call('DELETE', `${BASE}/jobs/vigil`)).body).toEqual(failure(-40012, 'SYSTEM_RESERVED_JOB'))
    expect((await call('GET', `${BASE}/jobs/vigil`)).body.body.jobName).toBe('vigil')
  })
})

describe('servers and collection targets', () => {
  it('lists the registered servers as collection target servers', async () => {
    const response = await call('GET', `${BASE}/servers`)
    expect(response.body).toEqual(ok([{ hostId, hostNm: 'exporter-01', projectId: 'default', svrIp: '192.0.2.5', instanceId: hostId }]))
  })

  it('creates, lists, gets and deletes a target, not scraped yet', async () => {
    const job = (await call('POST', `${BASE}/jobs`, { jobName: 'targets', metricsPath: '/metrics' })).body.body
    // The spec's example sends the port as a string.
    const created = await call('POST', `${BASE}/jobs/${job.jobId}/targets`, { hostId, port: '9100' })
    expect(created.body).toEqual(ok(expect.stringMatching(/^[0-9a-f-]{36}$/)))
    const targetId = created.body.body
    const target = {
      targetId,
      jobId: job.jobId,
      hostId,
      port: 9100,
      resultCd: null,
      failReason: null,
      mntrnStatCd: null,
      lstModifier: null,
      lstModYmdt: expect.stringMatching(YMDT),
      hostNm: 'exporter-01',
      svrIp: '192.0.2.5',
      scrapeUrl: 'http://192.0.2.5:9100/metrics',
      lastScrapeYmdt: null,
      lastScrapeDurationSec: null,
      lastScrapeSamples: null
    }
    expect((await call('GET', `${BASE}/jobs/${job.jobId}/targets`)).body).toEqual(ok([target]))
    expect((await call('GET', `${BASE}/jobs/${job.jobId}/targets/${targetId}`)).body).toEqual(ok(target))
    expect((await call('POST', `${BASE}/jobs/${job.jobId}/targets`, { hostId, port: 9100 })).body).toEqual(failure(-40001, 'ALREADY_EXIST'))
    expect((await call('DELETE', `${BASE}/jobs/${job.jobId}/targets/${targetId}`)).body).toEqual(ok(targetId))
    expect((await call('GET', `${BASE}/jobs/${job.jobId}/targets/${targetId}`)).body).toEqual(failure(-40007, 'NOT_FOUND_TARGET'))
    expect((await call('DELETE', `${BASE}/jobs/${job.jobId}/targets/${targetId}`)).body).toEqual(failure(-40007, 'NOT_FOUND_TARGET'))
    expect((await call('GET', `${BASE}/jobs/${job.jobId}/targets`)).body).toEqual(ok([]))
  })

  it('answers the target result codes: BAD_INPUT_VALUE, INVALID_HOST_OR_PROJECT, NOT_FOUND_JOB, SYSTEM_RESERVED_JOB', async () => {
    const job = (await call('POST', `${BASE}/jobs`, { jobName: 'target-codes', metricsPath: '/metrics' })).body.body
    for (const body of [{}, { hostId }, { hostId, port: 0 }, { hostId, port: 70000 }, { hostId, port: 'abc' }, { hostId, port: 91.5 }, { port: 9100 }]) {
      expect((await call('POST', `${BASE}/jobs/${job.jobId}/targets`, body)).body, JSON.stringify(body)).toEqual(failure(-40002, 'BAD_INPUT_VALUE'))
    }
    expect((await call('POST', `${BASE}/jobs/${job.jobId}/targets`, { hostId: 'no-such-host', port: 9100 })).body).toEqual(failure(-40004, 'INVALID_HOST_OR_PROJECT'))
    expect((await call('POST', `${BASE}/jobs/nope/targets`, { hostId, port: 9100 })).body).toEqual(failure(-40006, 'NOT_FOUND_JOB'))
    expect((await call('GET', `${BASE}/jobs/nope/targets`)).body).toEqual(failure(-40006, 'NOT_FOUND_JOB'))
    expect((await call('DELETE', `${BASE}/jobs/nope/targets/x`)).body).toEqual(failure(-40006, 'NOT_FOUND_JOB'))
    expect((await call('POST', `${BASE}/jobs/vigil/targets`, { hostId, port: 9100 })).body).toEqual(failure(-40012, 'SYSTEM_RESERVED_JOB'))
    expect((await call('DELETE', `${BASE}/jobs/vigil/targets/x`)).body).toEqual(failure(-40012, 'SYSTEM_RESERVED_JOB'))
  })

  it('drops a workspace’s targets with it, and a server’s targets with the server', async () => {
    const server = await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'short-lived', ip_address: '192.0.2.6' }) })
    const job = (await call('POST', `${BASE}/jobs`, { jobName: 'cascade', metricsPath: '/metrics' })).body.body
    const first = (await call('POST', `${BASE}/jobs/${job.jobId}/targets`, { hostId: server.body.server.id, port: 9100 })).body.body
    const second = (await call('POST', `${BASE}/jobs/${job.jobId}/targets`, { hostId, port: 9100 })).body.body
    expect((await api.request('DELETE', `/api/servers/${server.body.server.id as string}/`)).status).toBeLessThan(300)
    expect((await call('GET', `${BASE}/jobs/${job.jobId}/targets`)).body.body.map((t: { targetId: string }) => t.targetId)).toEqual([second])
    expect(first).not.toBe(second)
    await call('DELETE', `${BASE}/jobs/${job.jobId}`)
    expect((await call('GET', `${BASE}/jobs/${job.jobId}/targets/${second}`)).body).toEqual(failure(-40006, 'NOT_FOUND_JOB'))
  })
})
