// Issue 18's matrix: every registered route of every face, every contract channel and every
// topic, called with a user's `vgl_` token that lacks exactly the area it needs (403 in that
// face's own format), with one that holds it read-only (reads pass, writes 403), and with one
// that holds everything (never 401 or 403). The routes come from the server's own table, so a new
// route is in the matrix the day it is added — and a route without an area does not even
// register (server.ts). Expired and revoked tokens get 401 on every face.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CHANNEL_ACCESS, TOPIC_AREAS } from '../../src/shared/access'
import type { Channel, Topic } from '../../src/shared/contract'
import { PERMISSION_AREAS, type Permission, type PermissionArea } from '../../src/shared/teams'
import type { RouteEntry } from '../../src/main/api/server'
import { startApi, type ApiResponse, type TestApi } from '../helpers/api'

let api: TestApi
let at = Date.now()
const PASSWORD = 'matrix password 1'
const AREAS = PERMISSION_AREAS.filter((area) => area !== 'users')
/** Tokens of the user `worker` (every area but users) and of the staff user `admin`. */
const tokens: { all: string; readOnly: string; without: Partial<Record<PermissionArea, string>> } = { all: '', readOnly: '', without: {} }

async function mint(username: string, permissions: Permission[], expiresIn?: number): Promise<string> {
  const answer = await api.request('POST', '/api/v1/auth/token/', {
    anonymous: true,
    body: { username, password: PASSWORD, name: `matrix ${permissions.length} areas`, permissions, ...(expiresIn ? { expires_in: expiresIn } : {}) }
  })
  expect(answer.status, JSON.stringify(answer.body)).toBe(201)
  return answer.body.data.token as string
}

beforeAll(async () => {
  api = await startApi({ clock: () => at, rateLimits: { general: { max: 1_000_000, windowSeconds: 3600 }, auth: { max: 1000, windowSeconds: 900 } } })
  for (const [username, isStaff] of [['worker', false], ['admin', true]] as const) {
    const created = await api.request('POST', '/api/v1/users/', { body: { username, password: PASSWORD, is_staff: isStaff, permissions: isStaff ? [] : AREAS } })
    expect(created.status).toBe(201)
  }
  tokens.all = await mint('admin', [...PERMISSION_AREAS])
  tokens.readOnly = await mint('admin', PERMISSION_AREAS.map((area) => `${area}:read` as Permission))
  for (const area of AREAS) tokens.without[area] = await mint('worker', AREAS.filter((other) => other !== area))
  tokens.without.users = await mint('admin', AREAS)
}, 120_000)
afterAll(async () => {
  await api.close()
})

/** A path of the route with each parameter filled in by something that exists nowhere. */
function pathOf(route: RouteEntry): string {
  return route.url
    .replace(/:server_id/g, randomUUID())
    .replace(/:instanceId/g, '999999')
    .replace(/:projectId/g, 'default')
    .replace(/:metric/g, 'vmstat')
    .replace(/:[A-Za-z_]+/g, '999999')
    .replace(/\*/g, 'x')
}

const as = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } })

/** A 403 in the route's face's own format. */
function expectForbidden(route: RouteEntry, answer: ApiResponse, what: string): void {
  expect(answer.status, what).toBe(403)
  const body = answer.body as Record<string, unknown>
  const rule = expect.stringMatching(/permission/)
  if (route.face === 'postgres-agent') expect(body, what).toEqual({ error: rule })
  else if (route.face === 'prometheus') expect(body, what).toEqual({ status: 'error', errorType: expect.any(String), error: rule })
  else if (route.face === 'platform') expect(body, what).toEqual({ detail: rule })
  else if (route.face === 'webops') expect(body, what).toEqual({ success: false, error: { code: 'PERMISSION_DENIED', message: rule, details: {} } })
  else if (route.face === 'openmetrics') expect(body, what).toEqual({ header: { isSuccessful: false, resultCode: 403, resultMessage: 'FORBIDDEN', resultDetail: rule }, body: null })
  else if (route.face === 'rpc') expect(body, what).toMatchObject({ ok: false, error: { code: 'forbidden', message: rule } })
  else expect(body, what).toEqual({ error: rule, timestamp: expect.any(String) })
}

/** Opens a WebSocket with the token: the HTTP status it was refused with, or 101 once open. */
function upgrade(path: string, token: string): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const socket = new WebSocket(api.url.replace(/^http/, 'ws') + path, { headers: { Authorization: `Bearer ${token}` } })
    socket.once('open', () => {
      socket.close()
      resolveStatus(101)
    })
    socket.once('unexpected-response', (_request, response) => {
      response.resume()
      resolveStatus(response.statusCode ?? 0)
    })
    socket.once('error', reject)
  })
}

const routes = (): RouteEntry[] => api.app.api.routeTable
const guarded = (route: RouteEntry): route is RouteEntry & { area: PermissionArea } => route.area !== 'none' && route.area !== 'any'

describe('the route table', () => {
  it('gives every route an area, and only logins, health and the UI bundle none', () => {
    const open = routes().filter((route) => route.area === 'none').map((route) => `${route.method} ${route.url}`)
    expect(open.sort()).toEqual(
      [
        'GET /health/',
        'GET /auth/login',
        'POST /auth/login',
        'POST /auth/session',
        'POST /auth/logout',
        'POST /api/v1/auth/token/',
        'POST /pg/:instanceId/login',
        'GET /pg/:instanceId/discover',
        'GET /pg/:instanceId/status'
      ].sort()
    )
    for (const route of routes()) expect([...PERMISSION_AREAS, 'any', 'none'], `${route.method} ${route.url}`).toContain(route.area)
    expect(routes().filter(guarded).length).toBeGreaterThan(150)
    // Writes only where a query is sent as a form (Prometheus' reads, the Oracle dashboard the spec answers on POST too).
    const postedReads = routes().filter((route) => route.method !== 'GET' && route.access === 'read').map((route) => route.url)
    expect(postedReads.every((url) => (url.startsWith('/prometheus/api/v1/') && !/admin|import/.test(url)) || url === '/api/oracle/dashboard/'), postedReads.join(', ')).toBe(true)
  })
})

describe('every guarded route', () => {
  it('refuses a token without its area with 403 in the face’s format, and serves one with it', async () => {
    for (const route of routes().filter(guarded).filter((entry) => !entry.websocket)) {
      const path = pathOf(route)
      const what = `${route.method} ${route.url} (${route.area})`
      expectForbidden(route, await api.request(route.method, path, as(tokens.without[route.area] as string)), `${what} without the area`)
      const allowed = await api.request(route.method, path, as(tokens.all))
      expect([401, 403], `${what} with every area: ${allowed.text}`).not.toContain(allowed.status)
    }
  }, 120_000)

  it('lets a read-only token read and refuses its writes', async () => {
    for (const route of routes().filter(guarded).filter((entry) => !entry.websocket)) {
      const answer = await api.request(route.method, pathOf(route), as(tokens.readOnly))
      const what = `${route.method} ${route.url} read-only`
      if (route.access === 'read') expect([401, 403], `${what}: ${answer.text}`).not.toContain(answer.status)
      else expectForbidden(route, answer, what)
    }
  }, 120_000)

  it('takes any credential on the routes of area any', async () => {
    for (const route of routes().filter((entry) => entry.area === 'any' && !entry.websocket && entry.face !== 'rpc')) {
      const answer = await api.request(route.method, pathOf(route), as(tokens.without.servers as string))
      expect([401, 403], `${route.method} ${route.url}: ${answer.text}`).not.toContain(answer.status)
    }
  })

  it('refuses a WebSocket upgrade without the area with 403, and opens it with the area read-only', async () => {
    const sockets = routes().filter(guarded).filter((entry) => entry.websocket)
    expect(sockets.length).toBeGreaterThanOrEqual(3)
    for (const route of sockets) {
      expect(await upgrade(pathOf(route), tokens.without[route.area] as string), route.url).toBe(403)
      expect(await upgrade(pathOf(route), tokens.readOnly), route.url).not.toBe(403)
    }
  })
})

describe('every contract channel', () => {
  const rpc = (channel: Channel, token: string) => api.request('POST', `/rpc/${channel}`, { ...as(token), body: {} })

  it('refuses a token without the channel’s area as forbidden (403) and runs it for one with it', async () => {
    for (const [channel, rule] of Object.entries(CHANNEL_ACCESS) as Array<[Channel, (typeof CHANNEL_ACCESS)[Channel]]>) {
      if (rule.area === 'any') continue
      const refused = await rpc(channel, tokens.without[rule.area] as string)
      expect(refused.status, channel).toBe(403)
      expect(refused.body, channel).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      const readOnly = await rpc(channel, tokens.readOnly)
      if (rule.access === 'write') expect(readOnly.status, `${channel} read-only`).toBe(403)
      else expect(readOnly.body.error?.code, `${channel} read-only`).not.toBe('forbidden')
      expect((await rpc(channel, tokens.all)).body.error?.code, `${channel} with the area`).not.toBe('forbidden')
    }
  }, 60_000)

  it('subscribes to a topic only with its area read', async () => {
    const socket = new WebSocket(`${api.url.replace(/^http/, 'ws')}/rpc/events`, { headers: { Authorization: `Bearer ${tokens.without.servers as string}` } })
    const messages: Array<{ subscribed?: Topic; error?: string; topic?: Topic }> = []
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))))
    await new Promise((resolveOpen) => socket.once('open', resolveOpen))
    const topics = Object.keys(TOPIC_AREAS) as Topic[]
    for (const topic of topics) socket.send(JSON.stringify({ subscribe: topic }))
    await expect.poll(() => messages.length).toBe(topics.length)
    socket.close()
    for (const topic of topics) {
      const answer = messages.find((message) => message.subscribed === topic || message.topic === topic)
      if (TOPIC_AREAS[topic] === 'servers') expect(answer?.error, topic).toMatch(/servers:read/)
      else expect(answer, topic).toEqual({ subscribed: topic })
    }
  })
})

describe('expired and revoked tokens', () => {
  // One guarded read of each face, and the answer it gives an unknown credential.
  const probes = ['/api/servers/', '/pg/999999/activity', '/prometheus/api/v1/labels', '/api/sources', '/api/v1/users/', '/v1.0/projects/default/jobs', '/metrics']

  it('answers 401 on every face once a token expired, or was revoked', async () => {
    const expiring = await mint('admin', [...PERMISSION_AREAS], 60)
    const revoked = await mint('admin', [...PERMISSION_AREAS])
    for (const path of probes) expect((await api.request('GET', path, as(revoked))).status, path).not.toBe(401)
    expect((await api.request('DELETE', `/api/v1/auth/token/${revoked}/`, as(revoked))).status).toBe(200)
    at += 61_000
    for (const token of [expiring, revoked]) {
      for (const path of probes) expect((await api.request('GET', path, as(token))).status, path).toBe(401)
      expect((await api.request('POST', '/rpc/servers.list', { ...as(token), body: {} })).status).toBe(401)
      expect(await upgrade('/rpc/events', token)).toBe(401)
    }
  })
})
