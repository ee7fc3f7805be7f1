import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startApi, validServer, type TestApi } from '../helpers/api'

let api: TestApi

beforeAll(async () => {
  api = await startApi()
})
afterAll(async () => {
  await api.close()
})
beforeEach(() => {
  api.app.db.exec('DELETE FROM servers')
})

const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
/** The spec's standard error body. */
const plainError = (error: string, extra: Record<string, unknown> = {}) => ({ error, ...extra, timestamp: TIMESTAMP })
/** The spec's validation error body. */
const validationError = (details: Record<string, string[]>, extra: Record<string, unknown> = {}) => ({
  error: 'Validation error',
  ...extra,
  details,
  timestamp: TIMESTAMP
})

const create = (overrides: Record<string, unknown> = {}) =>
  api.request('POST', '/api/servers/create/', { body: validServer(overrides) })

describe('server CRUD', () => {
  it('creates, reads, updates and deletes a server with every spec field', async () => {
    const full = {
      hostname: 'web-server-02',
      ip_address: '192.168.1.101',
      ssh_username: 'admin',
      os_type: 'linux',
      ssh_port: 2222,
      alias: 'Web Server 2',
      os_version: 'Ubuntu 22.04',
      architecture: 'x86_64',
      ssh_key_path: '/home/admin/.ssh/id_ed25519',
      ssh_password: 'password123',
      status: 'active',
      monitoring_enabled: true,
      monitoring_interval: 30,
      description: 'New production server',
      location: 'Data Center 1',
      environment: 'production'
    }
    const created = await api.request('POST', '/api/servers/create/', { body: full })
    expect(created.status).toBe(201)
    expect(created.body.status).toBe('created')
    const server = created.body.server
    expect(server.id).toMatch(/^[0-9a-f-]{36}$/)
    const { ssh_password: _password, ...visible } = full
    expect(server).toMatchObject({ ...visible, ssh_password_set: true, last_seen: null })
    expect(server.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

    const fetched = await api.request('GET', `/api/servers/${server.id}/`)
    expect(fetched.status).toBe(200)
    expect(fetched.body).toEqual(server)

    const updated = await api.request('PUT', `/api/servers/${server.id}/`, {
      body: { hostname: 'updated-web-server-01', status: 'maintenance', monitoring_enabled: false, description: 'Updated description' }
    })
    expect(updated.status).toBe(200)
    expect(updated.body.status).toBe('updated')
    expect(updated.body.server).toMatchObject({
      id: server.id,
      hostname: 'updated-web-server-01',
      status: 'maintenance',
      monitoring_enabled: false,
      description: 'Updated description',
      alias: 'Web Server 2',
      ssh_port: 2222
    })

    const deleted = await api.request('DELETE', `/api/servers/${server.id}/`)
    expect(deleted.status).toBe(204)
    expect(deleted.text).toBe('')
    expect((await api.request('GET', `/api/servers/${server.id}/`)).status).toBe(404)
  })

  it('applies the documented defaults', async () => {
    const { body } = await create()
    expect(body.server).toMatchObject({
      os_type: 'linux',
      ssh_port: 22,
      status: 'active',
      monitoring_enabled: true,
      monitoring_interval: 60,
      alias: null,
      ssh_password_set: false
    })
  })

  it('accepts a server sent back whole (GET then PUT), ignoring read-only fields', async () => {
    const { body } = await create()
    const again = await api.request('PUT', `/api/servers/${body.server.id}/`, { body: { ...body.server, alias: 'Again' } })
    expect(again.status).toBe(200)
    expect(again.body.server.alias).toBe('Again')
    expect(again.body.server.id).toBe(body.server.id)
  })

  it('works without the trailing slash too', async () => {
    const { body } = await create()
    expect((await api.request('GET', `/api/servers/${body.server.id}`)).status).toBe(200)
  })
})

describe('validation errors, in the spec format', () => {
  it.each(['hostname', 'ip_address', 'ssh_username'])('names the missing required field %s', async (field) => {
    const body: Record<string, unknown> = validServer()
    delete body[field]
    const response = await api.request('POST', '/api/servers/create/', { body })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      error: `Missing required field: '${field}'`,
      required_fields: ['hostname', 'ip_address', 'ssh_username'],
      details: { [field]: ['This field is required.'] },
      timestamp: TIMESTAMP
    })
  })

  it('treats a missing body as missing fields', async () => {
    const response = await api.request('POST', '/api/servers/create/')
    expect(response.status).toBe(400)
    expect(response.body.error).toBe("Missing required field: 'hostname'")
  })

  it.each([
    [{ ip_address: '300.1.1.1' }, 'ip_address', 'Must be an IPv4 or IPv6 address.'],
    [{ ip_address: 'fe80::1' }, null, null],
    [{ ssh_port: 0 }, 'ssh_port', 'Must be an integer from 1 to 65535.'],
    [{ ssh_port: 70000 }, 'ssh_port', 'Must be an integer from 1 to 65535.'],
    [{ ssh_port: '22' }, 'ssh_port', 'Must be an integer from 1 to 65535.'],
    [{ ssh_port: 22.5 }, 'ssh_port', 'Must be an integer from 1 to 65535.'],
    [{ monitoring_interval: 0 }, 'monitoring_interval', 'Must be an integer from 1 to 86400.'],
    [{ monitoring_enabled: 'yes' }, 'monitoring_enabled', 'Must be true or false.'],
    [{ status: 'broken' }, 'status', 'Must be one of: active, inactive, maintenance, error.'],
    [{ os_type: 'windows' }, 'os_type', 'Must be one of: linux, aix.'],
    [{ hostname: 'web server' }, 'hostname', 'Must be a host name of letters, digits, dots, hyphens and underscores.'],
    [{ hostname: '' }, 'hostname', 'Must be a host name of letters, digits, dots, hyphens and underscores.'],
    [{ ssh_username: 'ad min' }, 'ssh_username', 'Must be a user name without spaces, ":", "@" or slashes.'],
    [{ alias: 'x'.repeat(101) }, 'alias', 'Must be at most 100 characters.'],
    [{ alias: 5 }, 'alias', 'Must be a string.'],
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

  it('lists every field at fault at once', async () => {
    const response = await create({ ssh_port: 0, status: 'x' })
    expect(response.body.details).toEqual({
      ssh_port: ['Must be an integer from 1 to 65535.'],
      status: ['Must be one of: active, inactive, maintenance, error.']
    })
  })

  it('refuses a second server with the same hostname, whatever its case', async () => {
    await create()
    const response = await create({ hostname: 'WEB-SERVER-01' })
    expect(response.status).toBe(400)
    expect(response.body).toEqual(validationError({ hostname: ["A server with hostname 'WEB-SERVER-01' already exists."] }))
  })

  it('refuses a rename onto another server', async () => {
    await create()
    const other = await create({ hostname: 'db-01' })
    const response = await api.request('PUT', `/api/servers/${other.body.server.id}/`, { body: { hostname: 'web-server-01' } })
    expect(response.status).toBe(400)
    expect(response.body.details.hostname[0]).toMatch(/already exists/)
  })

  it('validates updates field by field and changes nothing on error', async () => {
    const { body } = await create()
    const response = await api.request('PUT', `/api/servers/${body.server.id}/`, { body: { alias: 'ok', ssh_port: -1 } })
    expect(response.status).toBe(400)
    expect(response.body).toEqual(validationError({ ssh_port: ['Must be an integer from 1 to 65535.'] }))
    expect((await api.request('GET', `/api/servers/${body.server.id}/`)).body.alias).toBeNull()
  })

  it('accepts JSON bodies only', async () => {
    const text = await api.request('POST', '/api/servers/create/', { rawBody: 'hostname=x', headers: { 'Content-Type': 'text/plain' } })
    expect(text.status).toBe(415)
    expect(text.body).toEqual(plainError('Only application/json request bodies are accepted'))
    const form = await api.request('POST', '/api/servers/create/', {
      rawBody: 'hostname=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    })
    expect(form.status).toBe(415)
  })

  it('treats Content-Type: application/json with an empty body as no body', async () => {
    const { body } = await create()
    const id = body.server.id as string
    const json = { 'Content-Type': 'application/json' }
    // What clients that set the header on every request send to the POSTs that take no body.
    for (const [path, status] of [
      [`/api/servers/${id}/test-connection/`, 400],
      ['/api/oracle/dashboard/', 200]
    ] as const) {
      const empty = await api.request('POST', path, { rawBody: '', headers: json })
      const none = await api.request('POST', path)
      expect(empty.status, path).toBe(status)
      expect(empty.status, path).toBe(none.status)
      expect(Object.keys(empty.body as object), path).toEqual(Object.keys(none.body as object))
    }
    expect((await api.request('POST', `/api/servers/${id}/test-connection/`, { rawBody: '', headers: json })).body).toMatchObject({ status: 'error', server_id: id })
    // Where a body is required, its absence is said as for any missing field, not as bad JSON.
    const create_ = await api.request('POST', '/api/servers/create/', { rawBody: '', headers: json })
    expect(create_.status).toBe(400)
    expect(create_.body.error).not.toMatch(/JSON/)
    expect(create_.body).toEqual((await api.request('POST', '/api/servers/create/')).body)
  })

  it('explains malformed JSON, non-object bodies and oversized bodies', async () => {
    const malformed = await api.request('POST', '/api/servers/create/', { rawBody: '{"hostname":', headers: { 'Content-Type': 'application/json' } })
    expect(malformed.status).toBe(400)
    expect(malformed.body).toEqual(plainError('The request body must be valid JSON'))
    const array = await api.request('POST', '/api/servers/create/', { body: [validServer()] })
    expect(array.status).toBe(400)
    expect(array.body).toEqual(validationError({ non_field_errors: ['Must be a JSON object.'] }))
    const huge = await create({ description: 'x'.repeat(2 * 1024 * 1024) })
    expect(huge.status).toBe(413)
    expect(huge.body).toEqual(plainError('The request body is too large'))
  })
})

describe('404s', () => {
  it('answers an unknown or malformed server id in the spec format', async () => {
    const id = '550e8400-e29b-41d4-a716-446655440000'
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await api.request(method, `/api/servers/${id}/`, method === 'PUT' ? { body: { alias: 'x' } } : {})
      expect(response.status).toBe(404)
      expect(response.body).toEqual(plainError(`Server with ID '${id}' not found`))
    }
    const malformed = await api.request('GET', '/api/servers/not-a-uuid/')
    expect(malformed.status).toBe(404)
    expect(malformed.body).toEqual(plainError("Server with ID 'not-a-uuid' not found"))
  })

  it('answers an unknown route with a JSON 404', async () => {
    const response = await api.request('GET', '/api/nothing-here/')
    expect(response.status).toBe(404)
    expect(response.body.error).toMatch(/No route/)
  })
})

describe('list, filters and pagination', () => {
  beforeEach(async () => {
    for (let i = 1; i <= 30; i++) {
      await create({
        hostname: `host-${String(i).padStart(2, '0')}`,
        environment: i % 2 ? 'production' : 'staging',
        status: i <= 3 ? 'maintenance' : 'active',
        monitoring_enabled: i % 3 !== 0
      })
    }
  })

  it('pages with count, page, total_pages, has_next and has_previous', async () => {
    const first = await api.request('GET', '/api/servers/')
    expect(first.body).toMatchObject({ count: 30, page: 1, total_pages: 2, has_next: true, has_previous: false })
    expect(first.body.servers).toHaveLength(25)
    expect(first.body.servers[0].hostname).toBe('host-01')
    const second = await api.request('GET', '/api/servers/?page=2&per_page=25')
    expect(second.body).toMatchObject({ page: 2, has_next: false, has_previous: true })
    expect(second.body.servers.map((s: { hostname: string }) => s.hostname)).toEqual([
      'host-26', 'host-27', 'host-28', 'host-29', 'host-30'
    ])
  })

  it('caps per_page at 100', async () => {
    const response = await api.request('GET', '/api/servers/?per_page=500')
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ count: 30, total_pages: 1 })
    expect(response.body.servers).toHaveLength(30)
    for (let i = 0; i < 80; i++) await create({ hostname: `extra-${i}` })
    const capped = await api.request('GET', '/api/servers/?per_page=500')
    expect(capped.body.servers).toHaveLength(100)
    expect(capped.body.total_pages).toBe(2)
  })

  it('answers a page past the end with an empty list, not an error', async () => {
    const response = await api.request('GET', '/api/servers/?page=9')
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ count: 30, page: 9, total_pages: 2, has_next: false, has_previous: true, servers: [] })
  })

  it.each([
    ['page=0', 'page', 'Must be an integer from 1 to 1000000.'],
    ['page=abc', 'page', 'Must be an integer from 1 to 1000000.'],
    ['page=922337203685477581', 'page', 'Must be an integer from 1 to 1000000.'],
    ['per_page=0', 'per_page', 'Must be an integer of at least 1.'],
    ['status=broken', 'status', 'Must be one of: active, inactive, maintenance, error.'],
    ['monitoring_enabled=maybe', 'monitoring_enabled', 'Must be true or false.']
  ])('refuses %s', async (query, field, rule) => {
    const response = await api.request('GET', `/api/servers/?${query}`)
    expect(response.status).toBe(400)
    expect(response.body).toEqual(validationError({ [field]: [rule] }))
  })

  it('ignores query parameters it does not know, as the reference API does', async () => {
    const response = await api.request('GET', '/api/servers/?format=json&per_page=5')
    expect(response.status).toBe(200)
    expect(response.body.servers).toHaveLength(5)
  })

  it('filters by status, monitoring_enabled, environment and text', async () => {
    const maintenance = await api.request('GET', '/api/servers/?status=maintenance')
    expect(maintenance.body.count).toBe(3)
    const off = await api.request('GET', '/api/servers/?monitoring_enabled=false')
    expect(off.body.count).toBe(10)
    expect(off.body.servers.every((s: { monitoring_enabled: boolean }) => !s.monitoring_enabled)).toBe(true)
    const staging = await api.request('GET', '/api/servers/?environment=staging&monitoring_enabled=true')
    expect(staging.body.count).toBe(10)
    const search = await api.request('GET', '/api/servers/?search=host-1')
    expect(search.body.count).toBe(10)
    const literal = await api.request('GET', '/api/servers/?search=%25')
    expect(literal.body.count).toBe(0)
  })
})

describe('bulk status', () => {
  it('sets the status of every listed server', async () => {
    const a = (await create({ hostname: 'a' })).body.server.id
    const b = (await create({ hostname: 'b' })).body.server.id
    const response = await api.request('POST', '/api/servers/bulk-status/', { body: { server_ids: [a, b], status: 'maintenance' } })
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'success', updated_count: 2, new_status: 'maintenance' })
    expect((await api.request('GET', `/api/servers/${a}/`)).body.status).toBe('maintenance')
  })

  it('changes nothing when an id is unknown, and says which', async () => {
    const a = (await create({ hostname: 'a' })).body.server.id
    const ghost = '550e8400-e29b-41d4-a716-446655440000'
    const response = await api.request('POST', '/api/servers/bulk-status/', {
      body: { server_ids: [a, ghost, 'junk'], status: 'inactive' }
    })
    expect(response.status).toBe(400)
    expect(response.body).toEqual(
      validationError({ server_ids: [`Unknown server IDs: ${ghost}, junk.`] }, { unknown_ids: [ghost, 'junk'] })
    )
    expect((await api.request('GET', `/api/servers/${a}/`)).body.status).toBe('active')
  })

  it.each([
    [{ server_ids: [], status: 'active' }, { server_ids: ['Must list at least 1 item(s).'] }],
    [{ server_ids: ['x'] }, { status: ['This field is required.'] }],
    [{ server_ids: 'x', status: 'active' }, { server_ids: ['Must be a list.'] }],
    [{ server_ids: ['x'], status: 'gone' }, { status: ['Must be one of: active, inactive, maintenance, error.'] }]
  ])('refuses %j', async (body, details) => {
    const response = await api.request('POST', '/api/servers/bulk-status/', { body })
    expect(response.status).toBe(400)
    expect(response.body.details).toEqual(details)
  })
})

describe('secrets', () => {
  it('never returns the SSH password or passphrase, and stores them encrypted', async () => {
    const secret = 'correct-horse-battery-staple'
    const created = await create({ ssh_password: secret, ssh_key_passphrase: secret + '-2' })
    const id = created.body.server.id
    const texts = [
      created.text,
      (await api.request('GET', `/api/servers/${id}/`)).text,
      (await api.request('GET', '/api/servers/')).text,
      (await api.request('PUT', `/api/servers/${id}/`, { body: { ssh_password: secret + '-3' } })).text,
      (await api.request('POST', '/rpc/servers.get', { body: { id } })).text
    ]
    for (const text of texts) {
      expect(text).not.toContain(secret)
      expect(text).not.toMatch(/"ssh_password"|"ssh_key_passphrase"/)
    }
    const row = api.app.db.prepare('SELECT ssh_password_enc, ssh_key_passphrase_enc FROM servers WHERE id = ?').get(id) as Record<string, string>
    expect(row.ssh_password_enc).toMatch(/^v1:/)
    expect(JSON.stringify(row)).not.toContain(secret)
    expect(api.app.servers.credentials(id)).toEqual({ password: secret + '-3', keyPassphrase: secret + '-2' })
  })

  it('forgets a stored password when an empty one is sent', async () => {
    const id = (await create({ ssh_password: 'pw' })).body.server.id
    const response = await api.request('PUT', `/api/servers/${id}/`, { body: { ssh_password: '' } })
    expect(response.body.server.ssh_password_set).toBe(false)
    expect(api.app.servers.credentials(id).password).toBeNull()
  })
})
