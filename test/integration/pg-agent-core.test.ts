// The PostgreSQL agent API's core (login, sessions, profile, discover, status, notifications)
// under /pg/{id}/, against a real throwaway cluster, and the `vigil users` CLI.
import { spawn } from 'node:child_process'
import { cpus, hostname, totalmem } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres } from '../helpers/postgres'

let api: TestApi
let pg: Postgres
let instanceId: number
const PASSWORD = 'correct horse battery'

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  const monitor = await pg.createRole('vigil_monitor', 'monitor-secret-1', ['pg_monitor'])
  const created = await api.request('POST', '/api/postgres-instances/', {
    body: { name: 'local', host: '127.0.0.1', port: pg.port, username: monitor.user, password: monitor.password }
  })
  instanceId = created.body.id
  await api.app.users.add('alice', PASSWORD)
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})

const agent = (method: string, path: string, options: { body?: unknown; session?: string; token?: boolean } = {}) =>
  api.request(method, `/pg/${instanceId}${path}`, {
    body: options.body,
    anonymous: !options.token,
    headers: options.session ? { 'X-Session': options.session } : {}
  })
const login = async (): Promise<string> => (await agent('POST', '/login', { body: { username: 'alice', password: PASSWORD } })).body.session

describe('login and sessions', () => {
  it('gives a 64-hex session for a good password, 404 for a bad one, 406 for a malformed one', async () => {
    const good = await agent('POST', '/login', { body: { username: 'alice', password: PASSWORD } })
    expect(good.status).toBe(200)
    expect(good.body).toEqual({ session: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const wrong = await agent('POST', '/login', { body: { username: 'alice', password: 'not it at all' } })
    expect(wrong).toMatchObject({ status: 404, body: { error: 'Invalid username/password.' } })
    const nobody = await agent('POST', '/login', { body: { username: 'mallory', password: PASSWORD } })
    expect(nobody).toMatchObject({ status: 404, body: { error: 'Invalid username/password.' } })
    const missing = await agent('POST', '/login', { body: { username: 'alice' } })
    expect(missing).toMatchObject({ status: 406, body: { error: "Parameter 'password' is malformed." } })
    const odd = await agent('POST', '/login', { body: { username: 'al ice', password: PASSWORD } })
    expect(odd).toMatchObject({ status: 406, body: { error: "Parameter 'username' is malformed." } })
  })

  it('answers the profile for a session, 406 for a malformed or missing one, 401 for an unknown one', async () => {
    const session = await login()
    expect((await agent('GET', '/profile', { session })).body).toEqual({ username: 'alice' })
    expect(await agent('GET', '/profile', { session: 'xyz' })).toMatchObject({ status: 406, body: { error: "Parameter 'X-Session' is malformed." } })
    expect(await agent('GET', '/profile', { session: 'a'.repeat(64) })).toMatchObject({ status: 401, body: { error: 'Invalid session.' } })
    // The agent answers a missing X-Session as a malformed one.
    expect(await agent('GET', '/profile')).toMatchObject({ status: 406, body: { error: "Parameter 'X-Session' is malformed." } })
  })

  it('accepts Vigil’s API token as a bearer', async () => {
    expect((await agent('GET', '/profile', { token: true })).body).toEqual({ username: 'api-token' })
  })

  it('ends a session at logout and when the password changes', async () => {
    const session = await login()
    expect((await agent('GET', '/logout', { session })).body).toEqual({ logout: true })
    expect((await agent('GET', '/profile', { session })).status).toBe(401)
    const other = await login()
    await api.app.users.setPassword('alice', PASSWORD)
    expect((await agent('GET', '/profile', { session: other })).status).toBe(401)
  })

  it('answers 404 in the agent format for an instance that is not registered', async () => {
    const response = await api.request('POST', '/pg/999/login', { body: { username: 'alice', password: PASSWORD }, anonymous: true })
    expect(response).toMatchObject({ status: 404, body: { error: "PostgreSQL instance with ID '999' not found" } })
  })
})

describe('environment', () => {
  it('discovers the instance: data directory, port, version, plugins', async () => {
    const session = await login()
    const { status, body } = await agent('GET', '/discover', { session })
    expect(status).toBe(200)
    // The instance is on this machine, so the host's facts are read here.
    expect(body).toEqual({
      hostname: hostname(),
      pg_data: pg.dataDir,
      pg_port: pg.port,
      plugins: expect.arrayContaining(['activity', 'dashboard', 'monitoring', 'pgconf', 'administration', 'maintenance']),
      memory_size: Math.floor(totalmem() / 1024) * 1024,
      pg_version: expect.stringMatching(/^PostgreSQL \d+/),
      cpu: cpus().length
    })
  })

  it('tells the status of the agent (Vigil)', async () => {
    const { body } = await agent('GET', '/status')
    expect(body).toEqual({
      start_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      version: 'test',
      user: expect.any(String),
      reload_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      pid: process.pid,
      configfile: api.dataDir
    })
  })

  it('answers discover and status without a credential, as the agent does, but not for an instance that is not registered', async () => {
    expect((await agent('GET', '/discover')).status).toBe(200)
    expect((await agent('GET', '/status')).status).toBe(200)
    expect(await api.request('GET', '/pg/999/status', { anonymous: true })).toMatchObject({ status: 404, body: { error: "PostgreSQL instance with ID '999' not found" } })
  })

  it('keeps the trail of logins, newest first', async () => {
    await login()
    const { body } = await agent('GET', '/notifications', { token: true })
    expect(body[0]).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), username: 'alice', message: 'Login' })
    expect(body.some((entry: { message: string }) => entry.message === 'Logout')).toBe(true)
  })
})

describe('vigil users', () => {
  const cli = (args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'users', ...args, '--data-dir', api.dataDir])
      let out = ''
      let err = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      child.on('exit', (code) => resolve({ code: code ?? -1, out, err }))
      child.stdin.end(stdin)
    })

  // Five CLI processes, each compiling Vigil's TypeScript with tsx: about 4 s each on an idle
  // machine, several times that while the PostgreSQL matrix runs two majors beside it.
  it('adds a user (password from stdin) who can then log in, lists and removes them', async () => {
    const added = await cli(['add', 'bob'], 'bobs password 1\n')
    expect(added).toMatchObject({ code: 0, out: 'Added bob\n' })
    const session = await agent('POST', '/login', { body: { username: 'bob', password: 'bobs password 1' } })
    expect(session.status).toBe(200)
    expect((await cli(['list'])).out).toMatch(/^alice\t.*\nbob\t/)
    expect(await cli(['add', 'carol'], 'short\n')).toMatchObject({ code: 1, err: expect.stringContaining('at least 8 characters') })
    expect((await cli(['remove', 'bob'])).code).toBe(0)
    expect((await agent('GET', '/profile', { session: session.body.session })).status).toBe(401)
  }, 90_000)
})
