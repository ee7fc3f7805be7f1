import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApi, type TestApi } from '../helpers/api'
import { rawRequest } from '../helpers/raw-http'

let api: TestApi
let hostHeader: string

beforeAll(async () => {
  api = await startApi({ allowedHosts: ['jump.example.net'] })
  hostHeader = new URL(api.url).host
})
afterAll(async () => {
  await api.close()
})

describe('credentials', () => {
  it('lets /health/ through without one', async () => {
    const response = await api.request('GET', '/health/', { anonymous: true })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ status: 'healthy', database: 'connected' })
    expect(response.body.timestamp).toMatch(/Z$/)
  })

  it('refuses every other route without one, in the spec error format', async () => {
    for (const path of ['/api/servers/', '/debug/', '/api/docs/json', '/api/redoc']) {
      const response = await api.request('GET', path, { anonymous: true })
      expect(response.status, path).toBe(401)
      expect(response.body).toMatchObject({ error: 'Authentication credentials were not provided.' })
    }
  })

  it('refuses a wrong token, and a malformed header', async () => {
    for (const authorization of [`Bearer ${'0'.repeat(64)}`, 'Bearer', `Basic ${api.token}`, `Bearer ${api.token}x`]) {
      const response = await api.request('GET', '/api/servers/', { headers: { Authorization: authorization } })
      expect(response.status, authorization).toBe(401)
      expect(response.body).toMatchObject({ error: 'Invalid token.' })
    }
  })

  it('takes the token as Bearer or Token', async () => {
    expect((await api.request('GET', '/api/servers/', { headers: { Authorization: `Token ${api.token}` } })).status).toBe(200)
    expect((await api.request('GET', '/api/servers/', { headers: { Authorization: `bearer ${api.token}` } })).status).toBe(200)
  })

  it('takes the token as X-TC-APP-KEY, the sysmon spec’s header, and refuses a wrong one', async () => {
    for (const path of ['/api/servers/', '/prometheus/api/v1/labels']) {
      expect((await api.request('GET', path, { anonymous: true, headers: { 'X-TC-APP-KEY': api.token } })).status, path).toBe(200)
      const wrong = await api.request('GET', path, { anonymous: true, headers: { 'X-TC-APP-KEY': `${api.token}x` } })
      expect(wrong.status, path).toBe(401)
    }
    // Authorization comes first: a wrong bearer is not rescued by a right app key.
    const both = await api.request('GET', '/api/servers/', { headers: { Authorization: 'Bearer nope', 'X-TC-APP-KEY': api.token } })
    expect(both.status).toBe(401)
  })

  it('keeps the token in a file only its owner can read', () => {
    const mode = statSync(join(api.dataDir, 'api-token')).mode & 0o777
    expect(mode).toBe(0o600)
    expect(statSync(join(api.dataDir, 'secret.key')).mode & 0o777).toBe(0o600)
    expect(api.token).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answers /debug/ as the spec writes it', async () => {
    const response = await api.request('GET', '/debug/')
    expect(response.status).toBe(200)
    expect(response.text).toBe('Debug view is working! Your Django URL routing is correct.')
  })
})

describe('Host and Origin', () => {
  it('refuses a foreign Host with 421 (DNS rebinding)', async () => {
    const response = await rawRequest(api.url, '/health/', { Host: 'attacker.example.com' })
    expect(response.status).toBe(421)
    expect(JSON.parse(response.body).error).toMatch(/Host 'attacker.example.com' is not allowed/)
    const wrongPort = await rawRequest(api.url, '/health/', { Host: '127.0.0.1:1' })
    expect(wrongPort.status).toBe(421)
  })

  it('accepts loopback names and the configured extra host', async () => {
    const port = new URL(api.url).port
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `jump.example.net:${port}`, `LOCALHOST:${port}`]) {
      expect((await rawRequest(api.url, '/health/', { Host: host })).status, host).toBe(200)
    }
  })

  it('refuses a foreign Origin with 403, even with a valid token', async () => {
    const response = await api.request('GET', '/api/servers/', { headers: { Origin: 'https://evil.example' } })
    expect(response.status).toBe(403)
    expect(response.body).toMatchObject({ error: "Origin 'https://evil.example' is not allowed" })
    const nullOrigin = await api.request('GET', '/api/servers/', { headers: { Origin: 'null' } })
    expect(nullOrigin.status).toBe(403)
  })

  it("accepts Vigil's own origin and sends no CORS headers", async () => {
    const response = await api.request('GET', '/api/servers/', { headers: { Origin: `http://${hostHeader}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await api.request('OPTIONS', '/api/servers/', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' }
    })
    expect(preflight.status).toBe(403)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('refuses WebSocket upgrades from a foreign Origin or without credentials', async () => {
    const wsUrl = api.url.replace('http', 'ws') + '/rpc/events'
    const foreign = await upgradeStatus(wsUrl + `?token=${api.token}`, { Origin: 'https://evil.example' })
    expect(foreign).toBe(403)
    expect(await upgradeStatus(wsUrl, {})).toBe(401)
    expect(await upgradeStatus(wsUrl + `?token=${'1'.repeat(64)}`, {})).toBe(401)
    expect(await upgradeStatus(wsUrl, { Host: 'attacker.example.com' })).toBe(421)
  })

  it('takes ?token= only on a real WebSocket upgrade (Connection: upgrade and Upgrade: websocket)', async () => {
    const path = `/api/servers/?token=${api.token}`
    const variants: Array<Record<string, string>> = [{}, { Upgrade: 'websocket' }, { Upgrade: 'websocket', Connection: 'keep-alive' }, { Connection: 'upgrade' }]
    for (const headers of variants) {
      const response = await rawRequest(api.url, path, { Host: hostHeader, ...headers })
      expect(response.status, JSON.stringify(headers)).toBe(401)
    }
    expect(await upgradeStatus(api.url.replace('http', 'ws') + `/rpc/events?token=${api.token}`, {})).toBe(101)
  })

  it('delivers events over an authenticated WebSocket', async () => {
    const socket = new WebSocket(api.url.replace('http', 'ws') + `/rpc/events?token=${api.token}`)
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const messages: Array<Record<string, unknown>> = []
    const next = () =>
      new Promise<Record<string, unknown>>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))))
    socket.send(JSON.stringify({ subscribe: 'servers.changed' }))
    messages.push(await next())
    expect(messages[0]).toEqual({ subscribed: 'servers.changed' })
    const received = next()
    await api.request('POST', '/api/servers/create/', { body: { hostname: 'ws-host', ip_address: '192.0.2.1', ssh_username: 'u' } })
    const event = (await received) as { topic: string; payload: { ids: string[] } }
    expect(event.topic).toBe('servers.changed')
    expect(event.payload.ids).toHaveLength(1)
    socket.close()
  })
})

describe('browser login', () => {
  it('turns a one-time login code into an HttpOnly, SameSite=Strict session cookie', async () => {
    const code = api.app.auth.createLoginCode()
    const login = await api.request('GET', `/auth/login?code=${code}`, { anonymous: true })
    expect(login.status).toBe(303)
    expect(login.headers.get('location')).toBe('/')
    const cookie = login.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^vigil_session=[0-9a-f]{64};/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const session = cookie.split(';')[0] as string
    const info = await api.request('POST', '/rpc/app.info', { anonymous: true, headers: { Cookie: session } })
    expect(info.status).toBe(200)
    expect(info.body.ok).toBe(true)
    expect(JSON.stringify(info.body)).not.toContain(api.token)

    const reused = await api.request('GET', `/auth/login?code=${code}`, { anonymous: true })
    expect(reused.status).toBe(303)
    expect(reused.headers.get('location')).toBe('/#/login?expired=1')
    expect(reused.headers.get('set-cookie')).toBeNull()

    const logout = await api.request('POST', '/auth/logout', { anonymous: true, headers: { Cookie: session } })
    // Cleared with the attributes it was set with.
    const cleared = logout.headers.get('set-cookie') ?? ''
    expect(cleared).toMatch(/^vigil_session=;/)
    expect(cleared).toMatch(/Path=\//)
    expect(cleared).toMatch(/HttpOnly/)
    expect(cleared).toMatch(/SameSite=Strict/)
    const after = await api.request('POST', '/rpc/app.info', { anonymous: true, headers: { Cookie: session } })
    expect(after.status).toBe(401)
    expect(after.body).toEqual({ ok: false, error: { code: 'unauthorized', message: 'Session expired; log in again.' } })
  })

  it('exchanges the pasted token for a session, and refuses a wrong one', async () => {
    const wrong = await api.request('POST', '/auth/session', { anonymous: true, body: { token: 'nope' } })
    expect(wrong.status).toBe(401)
    const right = await api.request('POST', '/auth/session', { anonymous: true, body: { token: api.token } })
    expect(right.status).toBe(200)
    expect(right.headers.get('set-cookie')).toMatch(/^vigil_session=/)
  })

  it('refuses a forged session cookie', async () => {
    const response = await api.request('GET', '/api/servers/', { anonymous: true, headers: { Cookie: `vigil_session=${'a'.repeat(64)}` } })
    expect(response.status).toBe(401)
  })
})

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0)
      socket.terminate()
    })
    socket.on('open', () => {
      resolve(101)
      socket.close()
    })
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error)
    })
  })
}
