// webops-api.md's /api/v1 face against a real Vigil: users and permissions (admin only), tokens
// (hashed, shown once, expiring, revocable), the envelope and error codes exactly as the spec
// writes them, and the rate limits with their headers. The clock is injected: expiry and rate
// windows are crossed by moving it, never by sleeping.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { makeTempDir } from '../helpers/temp-dir'

const PASSWORD = 'correct horse battery'
let api: TestApi
let now = Date.parse('2026-01-01T00:00:00Z')
const clock = () => now

beforeAll(async () => {
  // Generous limits here; the rate-limit tests start Vigils of their own with small ones.
  api = await startApi({ clock, rateLimits: { general: { max: 10_000, windowSeconds: 3600 }, auth: { max: 10_000, windowSeconds: 900 } } })
})
afterAll(async () => {
  await api?.close()
})

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } })
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** The spec's error body, exactly: nothing more, nothing less. */
function expectError(response: { status: number; body: any }, status: number, code: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status)
  expect(Object.keys(response.body).sort()).toEqual(['error', 'success'])
  expect(response.body.success).toBe(false)
  expect(Object.keys(response.body.error).sort()).toEqual(['code', 'details', 'message'])
  expect(response.body.error).toMatchObject({ code, message: expect.any(String), details: expect.any(Object) })
}

async function createUser(name: string, extra: Record<string, unknown> = {}): Promise<any> {
  const response = await api.request('POST', '/api/v1/users/', { body: { username: name, password: PASSWORD, email: `${name}@example.com`, ...extra } })
  expect(response.status, JSON.stringify(response.body)).toBe(201)
  return response.body.data
}

async function tokenFor(username: string, extra: Record<string, unknown> = {}, target: TestApi = api): Promise<any> {
  const response = await target.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username, password: PASSWORD, ...extra } })
  expect(response.status, JSON.stringify(response.body)).toBe(201)
  return response.body.data
}

describe('users (admin only)', () => {
  it('creates, lists with pagination, gets, updates and deletes users in the spec’s envelope', async () => {
    const created = await api.request('POST', '/api/v1/users/', {
      body: { username: 'newuser', email: 'user@example.com', password: 'secure_password', is_staff: false, permissions: ['servers:read', 'deployments', 'deployments:read'] }
    })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      success: true,
      message: 'User created',
      data: {
        id: expect.any(Number),
        username: 'newuser',
        email: 'user@example.com',
        is_staff: false,
        // Normalised: sorted, and deployments:read folded into deployments.
        permissions: ['deployments', 'servers:read'],
        created_at: new Date(now).toISOString(),
        updated_at: new Date(now).toISOString()
      }
    })
    const id = created.body.data.id as number
    for (let index = 0; index < 3; index++) await createUser(`pager-${index}`)

    const page = await api.request('GET', '/api/v1/users/?page=2&per_page=2')
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ success: true, message: expect.any(String), pagination: { page: 2, per_page: 2, total: 4, total_pages: 2 } })
    expect(page.body.data.map((user: any) => user.username)).toEqual(['pager-1', 'pager-2'])
    expect(JSON.stringify(page.body)).not.toMatch(/password/)

    expect((await api.request('GET', `/api/v1/users/${id}/`)).body).toMatchObject({ success: true, data: { id, username: 'newuser' } })

    now += 1000
    const updated = await api.request('PUT', `/api/v1/users/${id}/`, { body: { email: 'new@example.com', is_staff: true } })
    expect(updated.body).toMatchObject({ success: true, data: { id, email: 'new@example.com', is_staff: true, updated_at: new Date(now).toISOString() } })

    const permissions = await api.request('PUT', `/api/v1/users/${id}/permissions/`, { body: { permissions: ['deployments', 'databases', 'monitoring'] } })
    expect(permissions.body).toEqual({
      success: true,
      message: 'Permissions updated',
      data: { id, username: 'newuser', is_staff: true, permissions: ['databases', 'deployments', 'monitoring'] }
    })
    expect((await api.request('GET', `/api/v1/users/${id}/permissions/`)).body.data.permissions).toEqual(['databases', 'deployments', 'monitoring'])

    expect((await api.request('DELETE', `/api/v1/users/${id}/`)).body).toEqual({ success: true, data: null, message: 'User deleted' })
    expectError(await api.request('GET', `/api/v1/users/${id}/`), 404, 'RESOURCE_NOT_FOUND')
    // The owner's changes are in the audit trail, as the agent face names the owner token.
    const trail = api.app.audit.recent(50).map((row) => `${row.username}: ${row.message}`)
    expect(trail).toEqual(
      expect.arrayContaining([
        'api-token: Created user newuser with deployments, servers:read',
        'api-token: Updated user newuser: email, is_staff',
        'api-token: Set the permissions of newuser: databases, deployments, monitoring',
        'api-token: Deleted user newuser and their tokens'
      ])
    )
    expectError(await api.request('DELETE', `/api/v1/users/${id}/`), 404, 'RESOURCE_NOT_FOUND')
    expectError(await api.request('GET', '/api/v1/users/abc/permissions/'), 404, 'RESOURCE_NOT_FOUND')
  })

  it('refuses bad input with VALIDATION_ERROR naming each field, and writes nothing', async () => {
    const before = (api.app.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n
    const bad = await api.request('POST', '/api/v1/users/', { body: { username: 'bad name', password: 'short', permissions: ['servers', 'nuclear'], colour: 'red' } })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(bad.body.error.message).toBe('Invalid input data')
    expect(Object.keys(bad.body.error.details).sort()).toEqual(['colour', 'password', 'permissions.1', 'username'])
    expect(bad.body.error.details.username).toEqual([expect.stringMatching(/letters, digits/)])

    const missing = await api.request('POST', '/api/v1/users/', { body: { email: 'x@example.com' } })
    expectError(missing, 400, 'VALIDATION_ERROR')
    expect(missing.body.error.details).toEqual({ username: ['This field is required.'], password: ['This field is required.'] })

    // The users area is what is_staff means; a plain user cannot be given it.
    const usersArea = await api.request('POST', '/api/v1/users/', { body: { username: 'sneaky', password: PASSWORD, permissions: ['users'] } })
    expectError(usersArea, 400, 'VALIDATION_ERROR')
    expect(Object.keys(usersArea.body.error.details)).toEqual(['permissions'])

    await createUser('dupe')
    expectError(await api.request('POST', '/api/v1/users/', { body: { username: 'dupe', password: PASSWORD } }), 400, 'VALIDATION_ERROR')
    expectError(await api.request('POST', '/api/v1/users/', { rawBody: '{"username":', headers: { 'Content-Type': 'application/json' } }), 400, 'VALIDATION_ERROR')
    expect((api.app.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n).toBe(before + 1)

    const dupe = (await api.request('GET', '/api/v1/users/?per_page=100')).body.data.find((user: any) => user.username === 'dupe')
    const rename = await api.request('PUT', `/api/v1/users/${dupe.id}/`, { body: { username: 'other', email: 'changed@example.com' } })
    expectError(rename, 400, 'VALIDATION_ERROR')
    expect((await api.request('GET', `/api/v1/users/${dupe.id}/`)).body.data.email).toBe('dupe@example.com')
    expectError(await api.request('PUT', `/api/v1/users/${dupe.id}/permissions/`, { body: { permissions: 'servers' } }), 400, 'VALIDATION_ERROR')
    expectError(await api.request('GET', '/api/v1/users/?per_page=101'), 400, 'VALIDATION_ERROR')
  })

  it('refuses a user who is not is_staff, and a staff token without the users area, with 403 PERMISSION_DENIED', async () => {
    await createUser('viewer', { permissions: ['servers:read', 'metrics:read'] })
    const { token } = await tokenFor('viewer')
    for (const [method, path, body] of [
      ['GET', '/api/v1/users/'],
      ['POST', '/api/v1/users/', { username: 'by-viewer', password: PASSWORD }],
      ['GET', '/api/v1/users/1/permissions/'],
      ['PUT', '/api/v1/users/1/permissions/', { permissions: ['servers'] }],
      ['DELETE', '/api/v1/users/1/']
    ] as const) {
      const response = await api.request(method, path, { ...bearer(token), body })
      expectError(response, 403, 'PERMISSION_DENIED')
    }
    expect(api.app.db.prepare("SELECT 1 FROM users WHERE username = 'by-viewer'").get()).toBeUndefined()

    await createUser('boss', { is_staff: true })
    const limited = await tokenFor('boss', { permissions: ['servers'] })
    expectError(await api.request('GET', '/api/v1/users/', bearer(limited.token)), 403, 'PERMISSION_DENIED')
    const full = await tokenFor('boss')
    expect((await api.request('GET', '/api/v1/users/', bearer(full.token))).status).toBe(200)
    const readOnly = await tokenFor('boss', { permissions: ['users:read'] })
    expect((await api.request('GET', '/api/v1/users/', bearer(readOnly.token))).status).toBe(200)
    expectError(await api.request('POST', '/api/v1/users/', { ...bearer(readOnly.token), body: { username: 'x1', password: PASSWORD } }), 403, 'PERMISSION_DENIED')
  })

  it('asks for credentials with 401 AUTHENTICATION_REQUIRED (unknown paths too), and answers unknown paths 404 in its format', async () => {
    expectError(await api.request('GET', '/api/v1/users/', { anonymous: true }), 401, 'AUTHENTICATION_REQUIRED')
    expectError(await api.request('GET', '/api/v1/users/', bearer('not-a-token')), 401, 'AUTHENTICATION_REQUIRED')
    expectError(await api.request('GET', '/api/v1/auth/verify/', bearer('vgl_' + 'A'.repeat(43))), 401, 'AUTHENTICATION_REQUIRED')
    expectError(await api.request('GET', '/api/v1/nothing-here/'), 404, 'RESOURCE_NOT_FOUND')
    expectError(await api.request('GET', '/api/v1/nothing-here/', { anonymous: true }), 401, 'AUTHENTICATION_REQUIRED')
    await createUser('wanderer')
    const { token } = await tokenFor('wanderer')
    expectError(await api.request('GET', '/api/v1/nothing-here/', bearer(token)), 404, 'RESOURCE_NOT_FOUND')
  })
})

describe('tokens', () => {
  it('mints a vgl_ token shown once and stored only as its hash, with permissions within the user’s', async () => {
    await createUser('scripter', { permissions: ['servers', 'metrics:read', 'postgres'] })
    const response = await api.request('POST', '/api/v1/auth/token/', {
      anonymous: true,
      body: { username: 'scripter', password: PASSWORD, name: 'My CLI Token', expires_in: 86400, permissions: ['servers:read', 'metrics:read'] }
    })
    expect(response.status).toBe(201)
    expect(response.body).toEqual({
      success: true,
      message: expect.any(String),
      data: { token: expect.stringMatching(/^vgl_[A-Za-z0-9_-]{43}$/), name: 'My CLI Token', expires_at: new Date(now + 86_400_000).toISOString(), permissions: ['metrics:read', 'servers:read'] }
    })
    const token = response.body.data.token as string

    const rows = api.app.db.prepare("SELECT * FROM api_tokens WHERE username = 'scripter'").all() as Array<Record<string, unknown>>
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ token_hash: sha256(token), name: 'My CLI Token', last_used_at: null })
    expect(JSON.stringify(rows)).not.toContain(token)
    expect(JSON.stringify(rows)).not.toContain(token.slice(4))
    const trail = JSON.stringify(api.app.audit.recent(200))
    expect(trail).toContain("Created API token 'My CLI Token' (metrics:read, servers:read)")
    expect(trail).not.toContain(token.slice(4))

    now += 5000
    const verify = await api.request('GET', '/api/v1/auth/verify/', bearer(token))
    expect(verify.body).toEqual({
      success: true,
      message: 'Token is valid',
      data: {
        valid: true,
        kind: 'api_token',
        username: 'scripter',
        is_staff: false,
        permissions: ['metrics:read', 'servers:read'],
        name: 'My CLI Token',
        created_at: new Date(now - 5000).toISOString(),
        expires_at: new Date(now - 5000 + 86_400_000).toISOString(),
        last_used_at: new Date(now).toISOString()
      }
    })
    expect((api.app.db.prepare('SELECT last_used_at FROM api_tokens WHERE token_hash = ?').get(sha256(token)) as { last_used_at: number }).last_used_at).toBe(now)

    // Default: all of the user's permissions. Beyond them: refused.
    expect((await tokenFor('scripter')).permissions).toEqual(['metrics:read', 'postgres', 'servers'])
    const beyond = await api.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username: 'scripter', password: PASSWORD, permissions: ['metrics', 'oracle:read'] } })
    expectError(beyond, 400, 'VALIDATION_ERROR')
    expect(beyond.body.error.details.permissions[0]).toMatch(/metrics, oracle:read/)
    expectError(await api.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username: 'scripter', password: PASSWORD, expires_in: 10 } }), 400, 'VALIDATION_ERROR')
    expect((api.app.db.prepare("SELECT COUNT(*) AS n FROM api_tokens WHERE username = 'scripter'").get() as { n: number }).n).toBe(2)
  })

  it('refuses a wrong password or an unknown user with 401, alike', async () => {
    await createUser('wrongpw')
    const wrong = await api.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username: 'wrongpw', password: 'not the password' } })
    const unknown = await api.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username: 'nobody-at-all', password: 'not the password' } })
    expectError(wrong, 401, 'AUTHENTICATION_REQUIRED')
    expect(unknown.body).toEqual(wrong.body)
  })

  it('lets the owner token in as admin, unthrottled', async () => {
    const verify = await api.request('GET', '/api/v1/auth/verify/')
    expect(verify.body.data).toMatchObject({ valid: true, kind: 'owner', is_staff: true, permissions: expect.arrayContaining(['users', 'servers']) })
    expect(verify.headers.get('x-ratelimit-limit')).toBeNull()
    // A browser session is the owner's too (Origin is checked as on every face).
    const session = api.app.auth.openSession()
    const byBrowser = await api.request('GET', '/api/v1/auth/verify/', { anonymous: true, headers: { Cookie: `vigil_session=${session}` } })
    expect(byBrowser.body.data).toMatchObject({ kind: 'owner', is_staff: true })
    expect(byBrowser.headers.get('x-ratelimit-limit')).toBeNull()
    // As on every face, the owner token may come as X-TC-APP-KEY.
    expect((await api.request('GET', '/api/v1/users/', { anonymous: true, headers: { 'X-TC-APP-KEY': api.token } })).status).toBe(200)
    expectError(await api.request('GET', '/api/v1/users/', { anonymous: true, headers: { 'X-TC-APP-KEY': 'wrong' } }), 401, 'AUTHENTICATION_REQUIRED')
  })

  it('expires a token when its time comes: 401', async () => {
    await createUser('shortlived')
    const { token } = await tokenFor('shortlived', { expires_in: 60 })
    expect((await api.request('GET', '/api/v1/auth/verify/', bearer(token))).status).toBe(200)
    now += 59_999
    expect((await api.request('GET', '/api/v1/auth/verify/', bearer(token))).status).toBe(200)
    now += 1
    const expired = await api.request('GET', '/api/v1/auth/verify/', bearer(token))
    expectError(expired, 401, 'AUTHENTICATION_REQUIRED')
    expect(expired.body.error.message).toMatch(/expired/i)
  })

  it('revokes a token: 401 afterwards, 404 for one that is gone; a new password or a deleted user takes the tokens too', async () => {
    const user = await createUser('revoker')
    const first = await tokenFor('revoker')
    const second = await tokenFor('revoker')
    expect((await api.request('DELETE', `/api/v1/auth/token/${first.token}/`, bearer(second.token))).body).toEqual({ success: true, data: null, message: 'Token revoked' })
    expectError(await api.request('GET', '/api/v1/auth/verify/', bearer(first.token)), 401, 'AUTHENTICATION_REQUIRED')
    expectError(await api.request('DELETE', `/api/v1/auth/token/${first.token}/`, bearer(second.token)), 404, 'RESOURCE_NOT_FOUND')
    expectError(await api.request('DELETE', `/api/v1/auth/token/${first.token}/`, { anonymous: true }), 401, 'AUTHENTICATION_REQUIRED')
    // A token may revoke itself.
    const third = await tokenFor('revoker')
    expect((await api.request('DELETE', `/api/v1/auth/token/${third.token}/`, bearer(third.token))).status).toBe(200)
    expectError(await api.request('GET', '/api/v1/auth/verify/', bearer(third.token)), 401, 'AUTHENTICATION_REQUIRED')

    expect((await api.request('PUT', `/api/v1/users/${user.id}/`, { body: { password: 'another long password' } })).status).toBe(200)
    expectError(await api.request('GET', '/api/v1/auth/verify/', bearer(second.token)), 401, 'AUTHENTICATION_REQUIRED')

    const { token } = await api.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username: 'revoker', password: 'another long password' } }).then((r) => r.body.data)
    expect((await api.request('DELETE', `/api/v1/users/${user.id}/`)).status).toBe(200)
    expectError(await api.request('GET', '/api/v1/auth/verify/', bearer(token)), 401, 'AUTHENTICATION_REQUIRED')
    expect(api.app.db.prepare("SELECT COUNT(*) AS n FROM api_tokens WHERE username = 'revoker'").get()).toEqual({ n: 0 })
  })

  it('narrows a token when its user loses a permission', async () => {
    const user = await createUser('demoted', { permissions: ['servers', 'logs'] })
    const { token } = await tokenFor('demoted')
    await api.request('PUT', `/api/v1/users/${user.id}/permissions/`, { body: { permissions: ['servers:read'] } })
    expect((await api.request('GET', '/api/v1/auth/verify/', bearer(token))).body.data.permissions).toEqual(['servers:read'])
  })
})

describe('rate limits', () => {
  it('counts each token’s requests with X-RateLimit headers, answers 429 RATE_LIMIT_EXCEEDED with Retry-After, and opens a new window when it ends', async () => {
    let at = Date.parse('2026-03-01T12:00:00Z')
    const limited = await startApi({ clock: () => at, rateLimits: { general: { max: 3, windowSeconds: 3600 }, auth: { max: 100, windowSeconds: 900 } } })
    try {
      await limited.request('POST', '/api/v1/users/', { body: { username: 'busy', password: PASSWORD } })
      const { token } = await tokenFor('busy', {}, limited)
      const other = (await tokenFor('busy', {}, limited)).token
      const reset = String(Math.ceil((at + 3_600_000) / 1000))
      for (const remaining of ['2', '1', '0']) {
        const response = await limited.request('GET', '/api/v1/auth/verify/', bearer(token))
        expect(response.status).toBe(200)
        expect([response.headers.get('x-ratelimit-limit'), response.headers.get('x-ratelimit-remaining'), response.headers.get('x-ratelimit-reset')]).toEqual(['3', remaining, reset])
        at += 1000
      }
      const refused = await limited.request('GET', '/api/v1/auth/verify/', bearer(token))
      expectError(refused, 429, 'RATE_LIMIT_EXCEEDED')
      expect(refused.headers.get('retry-after')).toBe(String(3600 - 3))
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0')
      expect(refused.headers.get('x-ratelimit-reset')).toBe(reset)
      // Per token: another token of the same user has its own quota; the owner has none.
      expect((await limited.request('GET', '/api/v1/auth/verify/', bearer(other))).headers.get('x-ratelimit-remaining')).toBe('2')
      expect((await limited.request('GET', '/api/v1/users/')).status).toBe(200)

      at += 3_600_000
      const again = await limited.request('GET', '/api/v1/auth/verify/', bearer(token))
      expect(again.status).toBe(200)
      expect(again.headers.get('x-ratelimit-remaining')).toBe('2')
    } finally {
      await limited.close()
    }
  })

  it('keeps a spent limit across a restart', async () => {
    const at = Date.parse('2026-03-02T12:00:00Z')
    const data = makeTempDir()
    const options = { dataDir: data.dir, clock: () => at, rateLimits: { general: { max: 1, windowSeconds: 3600 }, auth: { max: 100, windowSeconds: 900 } } }
    try {
      let vigil = await startApi(options)
      await vigil.request('POST', '/api/v1/users/', { body: { username: 'restart', password: PASSWORD } })
      const { token } = await tokenFor('restart', {}, vigil)
      expect((await vigil.request('GET', '/api/v1/auth/verify/', bearer(token))).status).toBe(200)
      expect((await vigil.request('GET', '/api/v1/auth/verify/', bearer(token))).status).toBe(429)
      await vigil.close()
      vigil = await startApi(options)
      try {
        expectError(await vigil.request('GET', '/api/v1/auth/verify/', bearer(token)), 429, 'RATE_LIMIT_EXCEEDED')
      } finally {
        await vigil.close()
      }
    } finally {
      data.remove()
    }
  })

  it('allows 5 token requests per client address in 15 minutes, good passwords included, then 429 until the window ends', async () => {
    let at = Date.parse('2026-03-03T12:00:00Z')
    const limited = await startApi({ clock: () => at, rateLimits: { general: { max: 100, windowSeconds: 3600 }, auth: { max: 5, windowSeconds: 900 } } })
    try {
      await limited.request('POST', '/api/v1/users/', { body: { username: 'guesser', password: PASSWORD } })
      const attempt = (password: string) => limited.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username: 'guesser', password } })
      const first = await attempt(PASSWORD)
      expect(first.status).toBe(201)
      expect([first.headers.get('x-ratelimit-limit'), first.headers.get('x-ratelimit-remaining')]).toEqual(['5', '4'])
      for (const remaining of ['3', '2', '1', '0']) {
        const response = await attempt('wrong guess')
        expectError(response, 401, 'AUTHENTICATION_REQUIRED')
        expect(response.headers.get('x-ratelimit-remaining')).toBe(remaining)
      }
      const refused = await attempt(PASSWORD)
      expectError(refused, 429, 'RATE_LIMIT_EXCEEDED')
      expect(refused.headers.get('retry-after')).toBe('900')
      // A malformed attempt is an attempt too, and refused before it is read.
      expectError(await limited.request('POST', '/api/v1/auth/token/', { anonymous: true, body: {} }), 429, 'RATE_LIMIT_EXCEEDED')
      at += 900_000
      expect((await attempt(PASSWORD)).status).toBe(201)
    } finally {
      await limited.close()
    }
  })
})
