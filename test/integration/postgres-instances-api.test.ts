// The PostgreSQL instances registry over HTTP and RPC, tested against a real throwaway cluster.
import { escapeIdentifier } from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PostgresPools } from '../../src/main/postgres/pool'
import { AppError } from '../../src/shared/errors'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'
import { freePort } from '../helpers/sshd'

const BASE = '/api/postgres-instances/'
const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
const plainError = (error: string) => ({ error, timestamp: TIMESTAMP })
const validationError = (details: Record<string, string[]>) => ({ error: 'Validation error', details, timestamp: TIMESTAMP })

let api: TestApi
let pg: Postgres
let monitor: RoleCredentials

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  monitor = await pg.createRole('vigil_monitor', 'monitor-secret-1', ['pg_monitor'])
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})
beforeEach(() => {
  api.app.db.exec('DELETE FROM postgres_instances; DELETE FROM servers')
})

/** An instance that reaches the test cluster as the monitoring role. */
const valid = (overrides: Record<string, unknown> = {}) => ({
  name: 'Local PG',
  host: '127.0.0.1',
  port: pg.port,
  username: monitor.user,
  password: monitor.password,
  ...overrides
})
const create = (overrides: Record<string, unknown> = {}) => api.request('POST', BASE, { body: valid(overrides) })
const testConnection = (id: number) => api.request('POST', `${BASE}${id}/test_connection/`)
const createServer = async (hostname = 'db-host-01') =>
  (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname }) })).body.server.id as string

describe('CRUD', () => {
  it('creates, reads, lists, updates and deletes an instance', async () => {
    const serverId = await createServer()
    const created = await create({ server_id: serverId, maintenance_db: 'postgres', description: 'Main cluster', is_active: true })
    expect(created.status).toBe(201)
    const instance = created.body
    expect(instance).toEqual({
      id: expect.any(Number),
      name: 'Local PG',
      server: { id: serverId, hostname: 'db-host-01' },
      server_id: serverId,
      server_name: 'db-host-01',
      host: '127.0.0.1',
      port: pg.port,
      username: 'vigil_monitor',
      password_set: true,
      agent_key_set: false,
      maintenance_db: 'postgres',
      description: 'Main cluster',
      is_active: true,
      control: null,
      created_at: TIMESTAMP,
      updated_at: TIMESTAMP,
      last_check_at: null,
      last_status: null,
      last_error: null,
      server_version: null,
      server_version_num: null,
      in_recovery: null
    })

    const fetched = await api.request('GET', `${BASE}${instance.id}/`)
    expect(fetched.status).toBe(200)
    expect(fetched.body).toEqual(instance)
    const list = await api.request('GET', BASE)
    expect(list.status).toBe(200)
    expect(list.body).toEqual([instance])

    const updated = await api.request('PUT', `${BASE}${instance.id}/`, { body: { description: 'Renamed', is_active: false, server_id: null } })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ id: instance.id, description: 'Renamed', is_active: false, server: null, server_id: null, server_name: null, password_set: true })

    const deleted = await api.request('DELETE', `${BASE}${instance.id}/`)
    expect(deleted.status).toBe(204)
    expect(deleted.text).toBe('')
    expect((await api.request('GET', `${BASE}${instance.id}/`)).status).toBe(404)
  })

  it('applies the defaults: port 5432, maintenance database postgres, active, no password', async () => {
    const { body } = await api.request('POST', BASE, { body: { name: 'Bare', host: 'db-01.example.com', username: 'monitor' } })
    expect(body).toMatchObject({ port: 5432, maintenance_db: 'postgres', is_active: true, password_set: false, server: null, description: null })
  })

  it('accepts an instance sent back whole (GET then PUT), ignoring read-only fields', async () => {
    const { body } = await create()
    const again = await api.request('PUT', `${BASE}${body.id}/`, { body: { ...body, description: 'Again' } })
    expect(again.status).toBe(200)
    expect(again.body.description).toBe('Again')
    expect(again.body.password_set).toBe(true)
  })

  it('lists by name and filters by server_id, is_active and search', async () => {
    const serverId = await createServer()
    await create({ name: 'beta', server_id: serverId })
    await create({ name: 'Alpha', is_active: false, description: 'reporting replica' })
    await create({ name: 'gamma', host: 'pg-gamma.internal' })
    const names = async (query: string) => ((await api.request('GET', BASE + query)).body as { name: string }[]).map((i) => i.name)
    expect(await names('')).toEqual(['Alpha', 'beta', 'gamma'])
    expect(await names(`?server_id=${serverId}`)).toEqual(['beta'])
    expect(await names(`?server_id=${serverId.toUpperCase()}`)).toEqual(['beta'])
    expect(await names('?is_active=false')).toEqual(['Alpha'])
    expect(await names('?is_active=true')).toEqual(['beta', 'gamma'])
    expect(await names('?search=replica')).toEqual(['Alpha'])
    expect(await names('?search=GAMMA.int')).toEqual(['gamma'])
    expect(await names('?search=%25')).toEqual([])
    expect(await names('?format=json')).toHaveLength(3)
  })
})

describe('the password', () => {
  it('is never returned, and is stored encrypted', async () => {
    const secret = 'correct-horse-battery-staple'
    const created = await create({ password: secret })
    const id = created.body.id
    const texts = [
      created.text,
      (await api.request('GET', `${BASE}${id}/`)).text,
      (await api.request('GET', BASE)).text,
      (await api.request('PUT', `${BASE}${id}/`, { body: { password: secret + '-2', description: 'x' } })).text,
      (await testConnection(id)).text,
      (await api.request('POST', '/rpc/postgres.get', { body: { id } })).text,
      (await api.request('POST', '/rpc/postgres.list', { body: {} })).text
    ]
    for (const text of texts) {
      expect(text).not.toContain(secret)
      expect(text).not.toMatch(/"password"/)
    }
    const row = api.app.db.prepare('SELECT password_enc FROM postgres_instances WHERE id = ?').get(id) as { password_enc: string }
    expect(row.password_enc).toMatch(/^v1:/)
    expect(row.password_enc).not.toContain(secret)
    expect(api.app.postgres.target(id).password).toBe(secret + '-2')
  })

  it('is kept when not sent, and forgotten when sent empty', async () => {
    const { body } = await create()
    expect((await api.request('PUT', `${BASE}${body.id}/`, { body: { description: 'd' } })).body.password_set).toBe(true)
    const cleared = await api.request('PUT', `${BASE}${body.id}/`, { body: { password: '' } })
    expect(cleared.body.password_set).toBe(false)
    expect(api.app.postgres.target(body.id).password).toBeNull()
  })
})

describe('validation errors, in the primary API format', () => {
  it('names every missing required field', async () => {
    const response = await api.request('POST', BASE, { body: {} })
    expect(response.status).toBe(400)
    expect(response.body).toEqual(
      validationError({ name: ['This field is required.'], host: ['This field is required.'], username: ['This field is required.'] })
    )
  })

  it.each([
    [{ name: '' }, 'name', 'Must be 1 to 100 characters, without slashes, control characters or surrounding spaces.'],
    [{ name: 'a/b' }, 'name', 'Must be 1 to 100 characters, without slashes, control characters or surrounding spaces.'],
    [{ name: 'x'.repeat(101) }, 'name', 'Must be 1 to 100 characters, without slashes, control characters or surrounding spaces.'],
    [{ host: 'bad host' }, 'host', 'Must be a host name, an IPv4 address or an IPv6 address.'],
    [{ host: '300.1.1.1' }, 'host', 'Must be a host name, an IPv4 address or an IPv6 address.'],
    [{ host: '::1' }, null, null],
    [{ host: 'pg_primary.corp' }, null, null],
    [{ port: 0 }, 'port', 'Must be an integer from 1 to 65535.'],
    [{ port: 65536 }, 'port', 'Must be an integer from 1 to 65535.'],
    [{ port: '5432' }, 'port', 'Must be an integer from 1 to 65535.'],
    [{ username: '' }, 'username', 'Must be a role name of 1 to 63 characters, without control characters.'],
    [{ username: 'x'.repeat(64) }, 'username', 'Must be a role name of 1 to 63 characters, without control characters.'],
    [{ maintenance_db: 'a\u0000b' }, 'maintenance_db', 'Must be a database name of 1 to 63 characters, without control characters.'],
    [{ password: 7 }, 'password', 'Must be a string.'],
    [{ server_id: 'not-a-uuid' }, 'server_id', 'Must be the ID (a UUID) of a registered server.'],
    [{ is_active: 'yes' }, 'is_active', 'Must be true or false.'],
    [{ description: 'd'.repeat(10), is_active: 1 }, 'is_active', 'Must be true or false.'],
    [{ colour: 'blue' }, 'colour', 'Unknown field.']
  ])('%j → %s: %s', async (overrides, field, rule) => {
    const response = await create(overrides)
    if (field === null || rule === null) {
      expect(response.status).toBe(201)
      return
    }
    expect(response.status).toBe(400)
    expect(response.body).toEqual(validationError({ [field]: [rule] }))
  })

  it('limits the description to 2000 characters', async () => {
    expect((await create({ description: 'x'.repeat(2001) })).body).toEqual(validationError({ description: ['Must be at most 2000 characters.'] }))
  })

  it('refuses a second instance with the same name, whatever its case, also on rename', async () => {
    await create()
    const duplicate = await create({ name: 'LOCAL pg' })
    expect(duplicate.status).toBe(400)
    expect(duplicate.body).toEqual(validationError({ name: ["A PostgreSQL instance named 'LOCAL pg' already exists."] }))
    const other = await create({ name: 'other' })
    const rename = await api.request('PUT', `${BASE}${other.body.id}/`, { body: { name: 'local PG' } })
    expect(rename.status).toBe(400)
    expect(rename.body.details.name[0]).toMatch(/already exists/)
    // Changing only the case of its own name is fine.
    expect((await api.request('PUT', `${BASE}${other.body.id}/`, { body: { name: 'OTHER' } })).status).toBe(200)
  })

  it('validates updates field by field and changes nothing on error', async () => {
    const { body } = await create()
    const response = await api.request('PUT', `${BASE}${body.id}/`, { body: { description: 'ok', port: -1, surprise: 1 } })
    expect(response.status).toBe(400)
    expect(response.body).toEqual(validationError({ surprise: ['Unknown field.'], port: ['Must be an integer from 1 to 65535.'] }))
    expect((await api.request('GET', `${BASE}${body.id}/`)).body.description).toBeNull()
  })

  it('refuses a list filter that cannot be a server id or a boolean', async () => {
    expect((await api.request('GET', `${BASE}?server_id=42`)).body).toEqual(validationError({ server_id: ['Must be the ID (a UUID) of a server.'] }))
    expect((await api.request('GET', `${BASE}?is_active=maybe`)).body).toEqual(validationError({ is_active: ['Must be true or false.'] }))
  })
})

describe('the linked server', () => {
  it('must exist', async () => {
    const ghost = '550e8400-e29b-41d4-a716-446655440000'
    const response = await create({ server_id: ghost })
    expect(response.status).toBe(400)
    expect(response.body).toEqual(validationError({ server_id: [`No server with ID '${ghost}' is registered.`] }))
    const { body } = await create()
    const update = await api.request('PUT', `${BASE}${body.id}/`, { body: { server_id: ghost } })
    expect(update.status).toBe(400)
    expect(update.body.details).toEqual({ server_id: [`No server with ID '${ghost}' is registered.`] })
  })

  it('is unlinked, not deleted with, when the server is deleted', async () => {
    const serverId = await createServer()
    const { body } = await create({ server_id: serverId.toUpperCase() })
    expect(body.server_id).toBe(serverId)
    expect((await api.request('DELETE', `/api/servers/${serverId}/`)).status).toBe(204)
    const after = await api.request('GET', `${BASE}${body.id}/`)
    expect(after.status).toBe(200)
    expect(after.body).toMatchObject({ server: null, server_id: null, server_name: null })
  })
})

describe('404s', () => {
  it('answers an unknown or malformed id in the spec format, for every route', async () => {
    for (const id of ['999999', 'abc', '0', '1.5']) {
      for (const [method, path] of [['GET', `${BASE}${id}/`], ['PUT', `${BASE}${id}/`], ['DELETE', `${BASE}${id}/`], ['POST', `${BASE}${id}/test_connection/`]] as const) {
        const response = await api.request(method, path, method === 'PUT' ? { body: { description: 'x' } } : {})
        expect(response.status, `${method} ${path}`).toBe(404)
        expect(response.body).toEqual(plainError(`PostgreSQL instance with ID '${id}' not found`))
      }
    }
  })
})

describe('test_connection', () => {
  it("reports the server's version and records it on the instance", async () => {
    const { body } = await create()
    const response = await testConnection(body.id)
    expect(response.status).toBe(200)
    expect(response.body).toEqual({
      success: true,
      message: 'Connection successful',
      connection_time: expect.any(Number),
      database_version: expect.stringMatching(/^PostgreSQL \d+/),
      status: 'success',
      instance_id: body.id,
      server_version: expect.stringMatching(/^PostgreSQL \d+/),
      server_version_num: pg.serverVersionNum,
      in_recovery: false,
      connection_time_ms: expect.any(Number),
      checked_at: TIMESTAMP
    })
    expect(response.body.connection_time).toBe(response.body.connection_time_ms / 1000)
    expect(response.body.connection_time_ms).toBeLessThan(5_000)
    const instance = (await api.request('GET', `${BASE}${body.id}/`)).body
    expect(instance).toMatchObject({
      last_status: 'ok',
      last_error: null,
      last_check_at: response.body.checked_at,
      server_version: response.body.server_version,
      server_version_num: pg.serverVersionNum,
      in_recovery: false
    })
  })

  it('says a wrong password was refused, and keeps the version learned before', async () => {
    const role = await pg.createRole('vigil_rotating', 'first-password')
    const { body } = await create({ name: 'rotating', username: role.user, password: role.password })
    expect((await testConnection(body.id)).status).toBe(200)
    // The password changes on the server: a pooled session would still work, a new one must not.
    await pg.query(`ALTER ROLE ${escapeIdentifier(role.user)} PASSWORD 'second-password'`)
    const response = await testConnection(body.id)
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      success: false,
      message: `PostgreSQL at 127.0.0.1:${pg.port} refused user 'vigil_rotating': wrong password, or no such role`,
      status: 'error',
      instance_id: body.id,
      error: `PostgreSQL at 127.0.0.1:${pg.port} refused user 'vigil_rotating': wrong password, or no such role`,
      code: 'auth_failed',
      sqlstate: '28P01',
      checked_at: TIMESTAMP
    })
    const instance = (await api.request('GET', `${BASE}${body.id}/`)).body
    expect(instance).toMatchObject({ last_status: 'error', last_error: response.body.error, server_version_num: pg.serverVersionNum })
  })

  it('says when no password is stored and the server asks for one', async () => {
    const { body } = await create({ password: null })
    const response = await testConnection(body.id)
    expect(response.body).toMatchObject({ success: false, code: 'auth_failed', error: expect.stringMatching(/asks user 'vigil_monitor' for a password, and none is stored/) })
  })

  it('names host and port when nothing listens there', async () => {
    const port = await freePort()
    const { body } = await create({ port })
    const response = await testConnection(body.id)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      success: false,
      code: 'unreachable',
      sqlstate: null,
      error: `Connection refused by 127.0.0.1:${port}: is PostgreSQL running and listening there?`
    })
  })

  it('says which privilege a role lacks to connect to the database', async () => {
    await pg.createDatabase('guarded')
    await pg.query('REVOKE CONNECT ON DATABASE guarded FROM PUBLIC')
    const { body } = await create({ maintenance_db: 'guarded' })
    const response = await testConnection(body.id)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      success: false,
      code: 'insufficient_privilege',
      sqlstate: '42501',
      error:
        `User 'vigil_monitor' may not connect to database 'guarded' on 127.0.0.1:${pg.port}: ` +
        'it lacks the CONNECT privilege (GRANT CONNECT ON DATABASE "guarded" TO "vigil_monitor")'
    })
  })

  it('names a maintenance database that does not exist', async () => {
    const { body } = await create({ maintenance_db: 'no_such_db' })
    const response = await testConnection(body.id)
    expect(response.body).toMatchObject({ code: 'database_missing', sqlstate: '3D000', error: `Database 'no_such_db' does not exist on 127.0.0.1:${pg.port}` })
  })

  it('forgets the last test when the instance is pointed elsewhere', async () => {
    const { body } = await create()
    await testConnection(body.id)
    const unchanged = await api.request('PUT', `${BASE}${body.id}/`, { body: { description: 'd', password: monitor.password } })
    expect(unchanged.body.last_status).toBe('ok')
    const moved = await api.request('PUT', `${BASE}${body.id}/`, { body: { port: 1 } })
    expect(moved.body).toMatchObject({ last_status: null, last_check_at: null, server_version: null, server_version_num: null, in_recovery: null })
  })
})

describe('pools', () => {
  it('opens sessions named vigil, with a statement and an idle-in-transaction timeout', async () => {
    const { body } = await create()
    const settings = await api.app.postgresPools.withClient(api.app.postgres.target(body.id), async (client) => {
      const { rows } = await client.query<Record<string, string>>(
        `SELECT current_setting('application_name') AS application_name,
                current_setting('statement_timeout') AS statement_timeout,
                current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout`
      )
      return rows[0]
    })
    expect(settings).toEqual({ application_name: 'vigil', statement_timeout: '15s', idle_in_transaction_session_timeout: '1min' })
    expect(api.app.postgresPools.openInstances()).toContain(body.id)
    await api.request('DELETE', `${BASE}${body.id}/`)
    expect(api.app.postgresPools.openInstances()).not.toContain(body.id)
  })

  it('cancels a statement past the timeout with a clear error, and refuses work once closed', async () => {
    const pools = new PostgresPools({ statementTimeoutMs: 200 })
    const target = { id: 1, host: '127.0.0.1', port: pg.port, user: monitor.user, password: monitor.password, database: 'postgres' }
    const error = await pools.withClient(target, (client) => client.query('SELECT pg_sleep(5)')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'timeout', sqlstate: '57014' } })
    // The pool is usable after the failure, and rebuilt when the connection fields change.
    expect((await pools.withClient(target, (client) => client.query('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }])
    const refused = await pools.withClient({ ...target, password: 'wrong' }, (client) => client.query('SELECT 1')).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'validation', extra: { reason: 'auth_failed' } })
    await pools.closeAll()
    await expect(pools.withClient(target, (client) => client.query('SELECT 1'))).rejects.toThrow('Vigil is shutting down')
  })

  it('survives its idle sessions dying with a server restart, and reconnects', async () => {
    const idleErrors: AppError[] = []
    const pools = new PostgresPools({}, (_id, error) => idleErrors.push(error))
    const target = { id: 1, host: '127.0.0.1', port: pg.port, user: monitor.user, password: monitor.password, database: 'postgres' }
    // The app's own pools would log their sessions' deaths too: close them first, for a quiet run.
    await Promise.all(api.app.postgresPools.openInstances().map((id) => api.app.postgresPools.close(id)))
    try {
      await pools.withClient(target, (client) => client.query('SELECT 1'))
      await pg.restart()
      await expect.poll(() => idleErrors.length, { timeout: 5_000 }).toBeGreaterThan(0)
      expect(idleErrors[0]?.extra?.reason).toMatch(/^(server_unavailable|unreachable)$/)
      expect(idleErrors[0]?.message).toContain(`127.0.0.1:${pg.port}`)
      expect((await pools.withClient(target, (client) => client.query('SELECT 2 AS two'))).rows).toEqual([{ two: 2 }])
    } finally {
      await pools.closeAll()
    }
  })
})

describe('the renderer contract and events', () => {
  it('serves postgres.* over /rpc with Outcome envelopes, and publishes postgres.changed', async () => {
    const events: number[][] = []
    const unsubscribe = api.app.bus.subscribe('postgres.changed', ({ ids }) => events.push(ids))
    try {
      const created = await api.request('POST', '/rpc/postgres.create', { body: valid() })
      expect(created.status).toBe(200)
      expect(created.body.ok).toBe(true)
      const id = created.body.value.id
      expect((await api.request('POST', '/rpc/postgres.list', { body: { is_active: true } })).body.value.map((i: { id: number }) => i.id)).toEqual([id])
      expect((await api.request('POST', '/rpc/postgres.get', { body: { id } })).body.value.name).toBe('Local PG')
      const updated = await api.request('POST', '/rpc/postgres.update', { body: { id, changes: { description: 'via rpc' } } })
      expect(updated.body.value.description).toBe('via rpc')
      const tested = await api.request('POST', '/rpc/postgres.test', { body: { id } })
      expect(tested.body).toMatchObject({ ok: true, value: { status: 'success', server_version_num: pg.serverVersionNum } })
      expect((await api.request('POST', '/rpc/postgres.delete', { body: { id } })).body).toEqual({ ok: true, value: { id } })
      expect(events).toEqual([[id], [id], [id], [id]])

      const invalid = await api.request('POST', '/rpc/postgres.create', { body: { name: 'x', host: 'bad host', port: 0 } })
      expect(invalid.status).toBe(400)
      expect(invalid.body.error.code).toBe('validation')
      expect(invalid.body.error.issues.map((issue: { field: string }) => issue.field)).toEqual(['username', 'host', 'port'])
      const missing = await api.request('POST', '/rpc/postgres.get', { body: { id } })
      expect(missing.status).toBe(404)
      expect(missing.body.error).toMatchObject({ code: 'not_found' })
    } finally {
      unsubscribe()
    }
  })

  it('documents the routes in OpenAPI without a password in any response', async () => {
    const { body } = await api.request('GET', '/api/docs/json')
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining([BASE, `${BASE}{id}/`, `${BASE}{id}/test_connection/`]))
    const schema = body.paths[`${BASE}{id}/`].get.responses['200'].content['application/json'].schema
    expect(Object.keys(schema.properties)).toContain('password_set')
    expect(Object.keys(schema.properties)).not.toContain('password')
  })
})
