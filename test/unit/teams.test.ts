// Issue 18's pieces without HTTP: the one permission check every face is to call, the persisted
// rate limiter, migration 014 on a data dir that already has users, and the limits' env form.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_RATE_LIMITS, rateLimitsFromEnv } from '../../src/main/config'
import { migrate, openDb, type Db } from '../../src/main/base/db/db'
import { MIGRATIONS } from '../../src/main/base/db/migrations'
import { FLUSH_AFTER_MS, RateLimiter } from '../../src/main/base/security/rate-limiter'
import { accessOf, allows, OWNER_ACTORS, ownerPrincipal, requirePermission, type Principal } from '../../src/main/users'
import { intersect, missingPermissions, normalise, userPermissions } from '../../src/main/users/permissions'
import { createUsersFeature } from '../../src/main/users'
import type { Permission } from '../../src/shared/teams'
import { AppError } from '../../src/shared/errors'
import { unexpectedFailure } from '../helpers/failures'
import { makeTempDir } from '../helpers/temp-dir'

const principal = (permissions: Permission[], isStaff = false): Principal => ({ kind: 'api_token', username: 'u', isStaff, permissions: new Set(permissions), actor: 'u' })

describe('permissions', () => {
  it('grants read and write for an area, read only for area:read', () => {
    const viewer = principal(['servers:read', 'metrics'])
    expect(allows(viewer, 'servers', 'read')).toBe(true)
    expect(allows(viewer, 'servers', 'write')).toBe(false)
    expect(allows(viewer, 'metrics', 'read')).toBe(true)
    expect(allows(viewer, 'metrics', 'write')).toBe(true)
    expect(allows(viewer, 'oracle', 'read')).toBe(false)
  })

  it('keeps the users area for is_staff, and lets the owner do everything', () => {
    expect(allows(principal(['users']), 'users', 'read')).toBe(false)
    expect(allows(principal(['users:read'], true), 'users', 'read')).toBe(true)
    expect(allows(principal(['users:read'], true), 'users', 'write')).toBe(false)
    for (const area of ['servers', 'users', 'logs'] as const) expect(allows(ownerPrincipal(OWNER_ACTORS.token), area, 'write')).toBe(true)
  })

  it('throws forbidden naming the permission needed', () => {
    const error = (() => {
      try {
        requirePermission(principal(['servers:read']), 'servers', 'write')
      } catch (caught) {
        return caught as AppError
      }
    })()
    expect(error).toBeInstanceOf(AppError)
    expect(error?.code).toBe('forbidden')
    expect(error?.message).toContain("'servers'")
  })

  it('reads GET, HEAD and OPTIONS as read, every other method as write', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'].map(accessOf)).toEqual(['read', 'read', 'read', 'write', 'write', 'write', 'write'])
  })

  it('normalises, finds what is not held, and narrows a token to its user', () => {
    expect(normalise(['servers:read', 'servers', 'logs:read', 'logs:read'])).toEqual(['logs:read', 'servers'])
    expect(missingPermissions(['servers:read', 'metrics', 'logs'], new Set<Permission>(['servers', 'metrics:read']))).toEqual(['metrics', 'logs'])
    expect([...intersect(['servers', 'metrics:read', 'logs'], new Set<Permission>(['servers:read', 'metrics']))].sort()).toEqual(['metrics:read', 'servers:read'])
    expect(userPermissions(false, ['users', 'servers']).has('users')).toBe(false)
    expect(userPermissions(true, []).size).toBe(11)
  })
})

describe('rate limiter', () => {
  let temp: ReturnType<typeof makeTempDir>
  let db: Db
  let now: number
  beforeEach(() => {
    temp = makeTempDir()
    db = openDb(join(temp.dir, 'vigil.db'))
    now = 1_000_000
  })
  afterEach(() => {
    db.close()
    temp.remove()
  })

  it('counts within a fixed window, refuses without counting, and opens a new window when it ends', () => {
    const limiter = new RateLimiter(db, unexpectedFailure, () => now)
    const rule = { max: 2, windowSeconds: 60 }
    expect(limiter.hit('k', rule)).toEqual({ allowed: true, limit: 2, remaining: 1, resetAt: 1_060_000, retryAfterSeconds: 60 })
    now += 10_000
    expect(limiter.hit('k', rule)).toMatchObject({ allowed: true, remaining: 0, resetAt: 1_060_000 })
    expect(limiter.hit('k', rule)).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 50 })
    expect(limiter.hit('other', rule)).toMatchObject({ allowed: true, remaining: 1 })
    // Counted in memory, written at flush (within a second, and at close).
    expect(db.prepare("SELECT count FROM rate_limits WHERE key = 'k'").get()).toBeUndefined()
    limiter.flush()
    expect(db.prepare("SELECT count FROM rate_limits WHERE key = 'k'").get()).toEqual({ count: 2 })
    // A limiter started afresh on the same database (a restart) goes on from the written count.
    expect(new RateLimiter(db, unexpectedFailure, () => now).hit('k', rule)).toMatchObject({ allowed: false })
    now = 1_070_000
    expect(limiter.hit('k', rule)).toMatchObject({ allowed: true, remaining: 1, resetAt: 1_130_000 })
    limiter.flush()
    // The ended window of 'other' was purged when the counts were next written.
    expect(db.prepare("SELECT key FROM rate_limits WHERE key = 'other'").get()).toBeUndefined()
  })

  it('reports a timed write the database refused, out of harm’s way, and writes the counts at the next', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const failures: unknown[] = []
      const limiter = new RateLimiter(db, (error) => failures.push(error), () => now)
      const rule = { max: 5, windowSeconds: 60 }
      limiter.hit('k', rule)
      db.exec('ALTER TABLE rate_limits RENAME TO rate_limits_away')
      expect(() => vi.advanceTimersByTime(FLUSH_AFTER_MS)).not.toThrow()
      expect(failures).toHaveLength(1)
      expect(String(failures[0])).toMatch(/no such table: rate_limits/)
      db.exec('ALTER TABLE rate_limits_away RENAME TO rate_limits')
      limiter.hit('k', rule)
      vi.advanceTimersByTime(FLUSH_AFTER_MS)
      expect(failures).toHaveLength(1)
      expect(db.prepare("SELECT count FROM rate_limits WHERE key = 'k'").get()).toEqual({ count: 2 })
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('migration 014', () => {
  it('gives users made before it an id and exactly what they could do (postgres), and keeps their sessions', () => {
    const temp = makeTempDir()
    const db = openDb(join(temp.dir, 'vigil.db'), MIGRATIONS.filter((migration) => migration.version < 14))
    try {
      db.prepare("INSERT INTO users VALUES ('alice', 'h1', 1, 1), ('bob', 'h2', 2, 2)").run()
      db.prepare("INSERT INTO agent_sessions VALUES ('s', 'bob', 1, 99999999999999)").run()
      migrate(db, MIGRATIONS)
      expect(db.prepare('SELECT id, username, email, is_staff, permissions FROM users ORDER BY id').all()).toEqual([
        { id: 1, username: 'alice', email: '', is_staff: 0, permissions: '["postgres"]' },
        { id: 2, username: 'bob', email: '', is_staff: 0, permissions: '["postgres"]' }
      ])
      expect(db.prepare('SELECT username FROM agent_sessions').all()).toEqual([{ username: 'bob' }])
    } finally {
      db.close()
      temp.remove()
    }
  })

  it('numbers new users after the highest id', async () => {
    const temp = makeTempDir()
    const db = openDb(join(temp.dir, 'vigil.db'))
    try {
      const { users } = createUsersFeature(db)
      await users.add('first', 'long enough password')
      const second = await users.create({ username: 'second', password: 'long enough password', is_staff: true })
      // Through the Users API a user has only what is given; `vigil users add` keeps giving postgres.
      expect(second).toMatchObject({ id: 2, is_staff: true, permissions: [] })
      expect(users.get(1)).toMatchObject({ username: 'first', permissions: ['postgres'] })
      users.removeById(1)
      expect((await users.create({ username: 'third', password: 'long enough password' })).id).toBe(3)
    } finally {
      db.close()
      temp.remove()
    }
 }, 30_000) // three scrypt hashes, on a busy machine
})

describe('rate limits from the environment', () => {
  it('reads MAX/SECONDS, keeps the spec’s otherwise, and refuses nonsense', () => {
    expect(rateLimitsFromEnv({})).toEqual(DEFAULT_RATE_LIMITS)
    expect(rateLimitsFromEnv({ VIGIL_RATE_LIMIT_GENERAL: '1000/3600', VIGIL_RATE_LIMIT_AUTH: '10/60' })).toEqual({
      general: { max: 1000, windowSeconds: 3600 },
      auth: { max: 10, windowSeconds: 60 }
    })
    expect(() => rateLimitsFromEnv({ VIGIL_RATE_LIMIT_GENERAL: '100 per hour' })).toThrow(/MAX\/SECONDS/)
    expect(() => rateLimitsFromEnv({ VIGIL_RATE_LIMIT_AUTH: '0/60' })).toThrow(/MAX\/SECONDS/)
  })
})
