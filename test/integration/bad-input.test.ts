// Bad input gets the face's 4xx, never a 500 (issue 12, finding 2): malformed and non-UTF-8
// JSON bodies, pages that would overflow SQLite, a foreign Origin on the agent face, an
// undecodable URL, two Host headers. The route walk sends a malformed body and an overflowing
// page to every registered route; the audit checks every declared error response against the
// face's error body.
import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { Value } from 'typebox/value'
import type { TSchema } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { primaryApiError } from '../../src/main/api/primary/errors'
import type { RouteEntry } from '../../src/main/api/server'
import { startApi, type TestApi } from '../helpers/api'
import { rawRequest } from '../helpers/raw-http'

let api: TestApi
let host: string

beforeAll(async () => {
  api = await startApi()
  host = new URL(api.url).host
})
afterAll(async () => {
  await api.close()
})

const json = { 'Content-Type': 'application/json' }
const NOT_UTF8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0xae, 0x22, 0x3a, 0x31, 0x7d]) // {"\xff\xfe\xc0\xae":1}
const OVERFLOW = '922337203685477581'

/** A path of the route with each parameter filled in by something that exists nowhere. */
function pathOf(route: RouteEntry): string {
  return route.url
    .replace(/:server_id/g, randomUUID())
    .replace(/:instanceId/g, '999999')
    .replace(/:channel/g, 'servers.list')
    .replace(/:metric/g, 'vmstat')
    .replace(/:[A-Za-z_]+/g, '999999')
    .replace(/\*/g, 'x')
}

/** The face's error body: primary {error, timestamp}, agent {error}, rpc {ok: false, error}, prometheus {status, errorType, error}, platform {detail}, webops {success: false, error}, openmetrics its envelope. */
function expectFaceError(route: RouteEntry, status: number, text: string, what: string): void {
  if (route.face === 'openmetrics') {
    // The sysmon OpenMetrics API answers a bad body on HTTP 200 with a result code (BAD_INPUT_VALUE).
    expect(status, what).toBe(200)
    expect(JSON.parse(text), what).toEqual({ header: { isSuccessful: false, resultCode: -40002, resultMessage: 'BAD_INPUT_VALUE', resultDetail: expect.any(String) }, body: null })
    return
  }
  expect(status, what).toBeGreaterThanOrEqual(400)
  expect(status, what).toBeLessThan(500)
  const body = JSON.parse(text) as Record<string, unknown>
  if (route.face === 'rpc') expect(body, what).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } })
  else if (route.face === 'postgres-agent') expect(Object.keys(body), what).toEqual(['error'])
  else if (route.face === 'prometheus') expect(body, what).toEqual({ status: 'error', errorType: expect.any(String), error: expect.any(String) })
  else if (route.face === 'platform') expect(body, what).toEqual({ detail: expect.any(String) })
  else if (route.face === 'webops') expect(body, what).toEqual({ success: false, error: { code: expect.any(String), message: expect.any(String), details: expect.any(Object) } })
  else expect(body, what).toMatchObject({ error: expect.any(String), timestamp: expect.any(String) })
}

describe('malformed bodies', () => {
  it('answers a malformed or non-UTF-8 JSON body on test-connection, test_connection and monitor_now with 400', async () => {
    const server = await api.request('POST', '/api/servers/create/', { body: { hostname: 'bad-body', ip_address: '192.0.2.7', ssh_username: 'u' } })
    const paths = [
      `/api/servers/${server.body.server.id as string}/test-connection/`,
      '/api/postgres-instances/1/test_connection/',
      '/api/oracle-databases/1/test_connection/',
      '/api/oracle-tables/1/monitor_now/'
    ]
    for (const path of paths) {
      for (const body of [Buffer.from('{"a":'), NOT_UTF8, Buffer.from('[1,2')]) {
        const response = await rawRequest(api.url, path, { Host: host, Authorization: `Bearer ${api.token}`, ...json }, 'POST', body)
        expect(response.status, `${path} ${body.toString('hex')}`).toBe(400)
        expect(JSON.parse(response.body)).toEqual({ error: expect.stringMatching(/^The request body must be valid JSON/), timestamp: expect.any(String) })
      }
    }
  })

  it('sends a malformed body to every registered route and gets the face’s 4xx', async () => {
    const routes = api.app.api.routeTable.filter((route) => !route.websocket && route.method !== 'GET' && route.method !== 'OPTIONS')
    expect(routes.length).toBeGreaterThan(30)
    for (const route of routes) {
      const path = pathOf(route)
      for (const body of [Buffer.from('{"a":'), NOT_UTF8]) {
        const response = await rawRequest(api.url, path, { Host: host, Authorization: `Bearer ${api.token}`, ...json }, route.method, body)
        expectFaceError(route, response.status, response.body, `${route.method} ${route.url}`)
      }
    }
  })
})

describe('pages', () => {
  it('answers a page that would overflow SQLite with 400 on every paged list', async () => {
    const paged = [
      '/api/servers/',
      '/api/oracle-data/',
      '/api/oracle-tasks/',
      `/api/metrics/historical/?metric=vmstat&start=2024-01-01T00:00:00Z&end=2024-01-02T00:00:00Z`
    ]
    for (const base of paged) {
      for (const page of [OVERFLOW, '9223372036854775808', '1' + '0'.repeat(40), '1000001']) {
        const response = await api.request('GET', `${base}${base.includes('?') ? '&' : '?'}page=${page}`)
        expect(response.status, `${base} page=${page}`).toBe(400)
        expect(response.body.details ?? response.body, base).toMatchObject({ page: [expect.stringMatching(/from 1 to 1000000/)] })
      }
      expect((await api.request('GET', `${base}${base.includes('?') ? '&' : '?'}page=1000000`)).status, base).toBe(200)
    }
  })

  it('sends an overflowing page and per_page to every registered route and never gets a 5xx', async () => {
    for (const route of api.app.api.routeTable.filter((entry) => !entry.websocket)) {
      const path = `${pathOf(route)}?page=${OVERFLOW}&per_page=${OVERFLOW}9&interval=${OVERFLOW}&pids=${OVERFLOW}`
      const headers: Record<string, string> = { Host: host, Authorization: `Bearer ${api.token}` }
      const response = await rawRequest(api.url, path, headers, route.method)
      expect(response.status, `${route.method} ${path}`).toBeLessThan(500)
    }
  })
})

describe('declared error responses', () => {
  it('every route’s declared 4xx and 5xx bodies accept the face’s error body (the docs tell the truth)', () => {
    const samples = [
      primaryApiError(new AppError('validation', 'The request body must be valid JSON')),
      primaryApiError(AppError.invalidField('page', 'must be an integer from 1 to 1000000')),
      primaryApiError(new AppError('not_found', 'Not found'))
    ]
    const platformSamples = samples.map((sample) => ({ detail: sample.error }))
    const checked: string[] = []
    for (const route of api.app.api.routeTable) {
      const response = (route.schema?.response ?? {}) as Record<string, TSchema>
      for (const [status, schema] of Object.entries(response)) {
        if (Number(status) < 400) continue
        expect(['primary', 'platform'], `${route.method} ${route.url}`).toContain(route.face)
        for (const sample of route.face === 'platform' ? platformSamples : samples) expect(Value.Check(schema, sample), `${route.method} ${route.url} ${status}`).toBe(true)
        checked.push(`${route.method} ${route.url} ${status}`)
      }
    }
    expect(checked).toContain('POST /api/servers/:server_id/test-connection/ 400')
    expect(checked).toContain('POST /api/oracle-tables/:id/monitor_now/ 400')
    expect(checked).toContain('POST /api/sources/:source_name/sync 409')
  })
})

describe('the HTTP layer', () => {
  it('answers a foreign Origin on the agent face with 403 in the agent’s format', async () => {
    for (const path of ['/pg/1/status', '/pg/1/login', '/pg/999/activity']) {
      const response = await api.request(path.endsWith('login') ? 'POST' : 'GET', path, { headers: { Origin: 'http://evil.example' }, body: path.endsWith('login') ? {} : undefined })
      expect(response.status, path).toBe(403)
      expect(response.body).toEqual({ error: "Origin 'http://evil.example' is not allowed" })
    }
  })

  it('answers an undecodable URL in the format of the face that owns it', async () => {
    const assets = await rawRequest(api.url, '/assets/%c0%ae%c0%ae/etc/passwd', { Host: host })
    expect(assets.status).toBe(400)
    expect(JSON.parse(assets.body)).toEqual({ error: expect.stringContaining('not a valid url'), timestamp: expect.any(String) })
    expect(assets.headers['x-content-type-options']).toBe('nosniff')
    const agent = await rawRequest(api.url, '/pg/1/maintenance/%c0%ae', { Host: host })
    expect(agent.status).toBe(400)
    expect(Object.keys(JSON.parse(agent.body))).toEqual(['error'])
    const rpc = await rawRequest(api.url, '/rpc/%ff', { Host: host }, 'POST')
    expect(rpc.status).toBe(400)
    expect(JSON.parse(rpc.body)).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  })

  it('answers a message that is not HTTP with Vigil’s body, not Fastify’s', async () => {
    const { port } = new URL(api.url)
    const socket = connect(Number(port), '127.0.0.1')
    let answer = ''
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')))
    const closed = new Promise((resolve) => socket.on('close', resolve))
    socket.write('GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n')
    await closed
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'The request is not valid HTTP', timestamp: expect.any(String) })
  })

  it('refuses a request with two Host headers', async () => {
    for (const second of [host, 'attacker.example.com']) {
      const response = await rawRequest(api.url, '/health/', ['Host', host, 'Host', second])
      expect(response.status, second).toBe(400)
      expect(JSON.parse(response.body)).toMatchObject({ error: 'The request has more than one Host header' })
    }
    const agent = await rawRequest(api.url, '/pg/1/status', ['Host', host, 'Host', host])
    expect(agent.status).toBe(400)
  })
})
