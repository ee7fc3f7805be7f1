// The agent API driven the way its real clients drive it: the temboard UI posts its JSON as
// application/x-www-form-urlencoded (and `curl -d` does the same), scripts send no Content-Type,
// the UI's collector sends the agent key instead of a session, category names come with `+` for
// spaces, and the configuration page posts every setting of a category back, changed or not.
// Against a real PostgreSQL cluster and Vigil's API on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres } from '../helpers/postgres'
import { rawRequest } from '../helpers/raw-http'

let api: TestApi
let pg: Postgres
let instanceId: number
let host: string
const PASSWORD = 'correct horse battery'
const AGENT_KEY = 'f0e1d2c3b4a5968778695a4b3c2d1e0f'

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  host = new URL(api.url).host
  // The superuser: pgconf writes with ALTER SYSTEM.
  const created = await api.request('POST', '/api/postgres-instances/', {
    body: { name: 'local', host: '127.0.0.1', port: pg.port, username: pg.superuser, password: pg.password, agent_key: AGENT_KEY }
  })
  expect(created.status).toBe(201)
  instanceId = created.body.id
  await api.app.users.add('alice', PASSWORD)
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})

/** A request as a client other than fetch would send it: any Content-Type, or none. */
async function send(method: string, path: string, options: { body?: string; type?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { Host: host, ...options.headers }
  if (options.type !== null && options.body !== undefined) headers['Content-Type'] = options.type ?? 'application/x-www-form-urlencoded'
  const response = await rawRequest(api.url, `/pg/${instanceId}${path}`, headers, method, options.body)
  return { status: response.status, headers: response.headers, text: response.body, body: response.body ? JSON.parse(response.body) : null }
}

async function login(): Promise<string> {
  const answer = await send('POST', '/login', { body: JSON.stringify({ username: 'alice', password: PASSWORD }) })
  expect(answer.status).toBe(200)
  return answer.body.session
}

describe('bodies: JSON whatever the Content-Type', () => {
  it('logs in with the JSON posted as a form (the temboard UI, curl -d), as JSON, and with no Content-Type', async () => {
    const body = JSON.stringify({ username: 'alice', password: PASSWORD })
    for (const type of ['application/x-www-form-urlencoded', 'application/json', 'text/plain', null]) {
      const answer = await send('POST', '/login', { body, type })
      expect(answer, String(type)).toMatchObject({ status: 200, body: { session: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    }
  })

  it('answers 400 "Invalid json format" for a body that is not JSON, on every route that takes one', async () => {
    const session = await login()
    const posts = ['/login', '/activity/kill', '/administration/control', '/pgconf/configuration', '/dashboard/config', '/maintenance/postgres/vacuum']
    for (const path of posts) {
      for (const [body, type] of [
        ['username=alice&password=x', 'application/x-www-form-urlencoded'],
        ['{"settings": [', 'application/json'],
        ['{bad', null]
      ] as const) {
        const answer = await send('POST', path, { body, type, headers: { 'X-Session': session } })
        expect(answer, `${path} ${type}`).toMatchObject({ status: 400, body: { error: 'Invalid json format' } })
      }
    }
    const cancel = await send('DELETE', '/maintenance/vacuum/0123abcd', { body: '{', headers: { 'X-Session': session } })
    expect(cancel).toMatchObject({ status: 400, body: { error: 'Invalid json format' } })
    const notUtf8 = await rawRequest(api.url, `/pg/${instanceId}/login`, { Host: host, 'Content-Type': 'application/json' }, 'POST', Buffer.from([0x7b, 0xff, 0x7d]))
    expect(notUtf8.status).toBe(400)
    expect(JSON.parse(notUtf8.body)).toEqual({ error: 'Invalid json format' })
  })

  it('takes an empty body as none: the request then says which parameter is missing', async () => {
    const answer = await send('POST', '/login', { body: '' })
    expect(answer).toMatchObject({ status: 406, body: { error: "Parameter 'username' is malformed." } })
  })
})

describe('credentials as the agent takes them', () => {
  it('answers 406 without X-Session, as the agent does, and 401 for an unknown one', async () => {
    expect(await send('GET', '/activity')).toMatchObject({ status: 406, body: { error: "Parameter 'X-Session' is malformed." } })
    expect(await send('GET', '/activity', { headers: { 'X-Session': 'a'.repeat(64) } })).toMatchObject({ status: 401, body: { error: 'Invalid session.' } })
  })

  it('answers /discover and /status without a session, still behind the Host and Origin rules', async () => {
    const discover = await send('GET', '/discover')
    expect(discover.status).toBe(200)
    expect(discover.body).toMatchObject({ pg_port: pg.port, plugins: expect.arrayContaining(['pgconf']) })
    expect((await send('GET', '/status')).body).toMatchObject({ pid: process.pid })
    expect((await send('GET', '/discover', { headers: { Origin: 'http://evil.example' } })).status).toBe(403)
    expect((await send('GET', '/status', { headers: { Host: 'evil.example:80' } })).status).toBe(421)
    expect((await send('GET', '/notifications')).status).toBe(406)
  })

  it('takes the agent key as ?key= or X-TemBoard-Agent-Key where the spec lists it', async () => {
    for (const path of ['/dashboard', '/dashboard/hitratio', '/notifications', '/monitoring/probe/xacts', '/monitoring/probe/wal_files', '/maintenance', '/statements']) {
      expect((await send('GET', `${path}?key=${AGENT_KEY}`)).status, path).toBe(200)
      expect((await send('GET', path, { headers: { 'X-TemBoard-Agent-Key': AGENT_KEY } })).status, path).toBe(200)
      expect(await send('GET', `${path}?key=${AGENT_KEY}x`), path).toMatchObject({ status: 401, body: { error: 'Invalid key.' } })
    }
    // Not where the spec does not list it: the route asks for a session.
    for (const path of ['/activity', '/pgconf/configuration', '/profile']) {
      expect(await send('GET', `${path}?key=${AGENT_KEY}`), path).toMatchObject({ status: 406, body: { error: "Parameter 'X-Session' is malformed." } })
    }
    const control = await send('POST', `/administration/control?key=${AGENT_KEY}`, { body: '{"action": "reload"}' })
    expect(control.status).toBe(406)
    // The UI sends its key next to the session on every call: the session decides.
    const session = await login()
    expect((await send('GET', '/activity', { headers: { 'X-Session': session, 'X-TemBoard-Agent-Key': 'not the key at all' } })).status).toBe(200)
  })

  it('records what the key did as agent-key, and keeps the key hashed, write-only, replaceable and removable', async () => {
    const scheduled = await send('POST', `/maintenance/postgres/analyze?key=${AGENT_KEY}`, { body: '{"datetime": "2099-01-01T00:00:00Z"}' })
    expect(scheduled.status).toBe(200)
    const trail = await send('GET', `/notifications?key=${AGENT_KEY}`)
    expect(trail.body.some((entry: { username: string }) => entry.username === 'agent-key')).toBe(true)
    expect((await send('DELETE', `/maintenance/analyze/${scheduled.body.id}?key=${AGENT_KEY}`)).body).toEqual({ response: 'ok' })

    const shown = await api.request('GET', `/api/postgres-instances/${instanceId}/`)
    expect(shown.body.agent_key_set).toBe(true)
    expect(shown.text).not.toContain(AGENT_KEY)
    const stored = api.app.db.prepare('SELECT agent_key_hash FROM postgres_instances WHERE id = ?').get(instanceId) as { agent_key_hash: string }
    expect(stored.agent_key_hash).toMatch(/^sha256\$/)
    expect(stored.agent_key_hash).not.toContain(AGENT_KEY)

    const short = await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { agent_key: 'too short' } })
    expect(short.status).toBe(400)
    const other = 'another-key-of-16-chars-at-least'
    expect((await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { agent_key: other } })).status).toBe(200)
    expect((await send('GET', `/dashboard/hitratio?key=${AGENT_KEY}`)).status).toBe(401)
    expect((await send('GET', `/dashboard/hitratio?key=${other}`)).status).toBe(200)
    const removed = await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { agent_key: '' } })
    expect(removed.body.agent_key_set).toBe(false)
    expect((await send('GET', `/dashboard/hitratio?key=${other}`)).status).toBe(401)
    await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { agent_key: AGENT_KEY } })
  })
})
