import type { Db } from '../base/db/db'

export type UsersRepo = ReturnType<typeof createUsersRepo>

export interface UserRow {
  username: string
  password_hash: string
  created_at: number
  updated_at: number
}

/** A user as the Users API sees it (migration 014's columns too); never the password hash. */
export interface UserRecord {
  id: number
  username: string
  email: string
  is_staff: number
  /** JSON list of permissions. */
  permissions: string
  created_at: number
  updated_at: number
}

const RECORD_COLUMNS = 'id, username, email, is_staff, permissions, created_at, updated_at'

export interface TokenRow {
  id: number
  username: string
  name: string
  permissions: string
  created_at: number
  expires_at: number
  last_used_at: number | null
}

/** Vigil's users and their agent sessions (stored as hashes of the session ids). */
export function createUsersRepo(db: Db) {
  /** Everything a user's password opened: agent and browser sessions, API tokens (inside the caller's transaction). */
  const endSessionsAndTokens = (username: string): void => {
    for (const table of ['agent_sessions', 'browser_sessions', 'api_tokens']) db.prepare(`DELETE FROM ${table} WHERE username = ?`).run(username)
  }
  return {
    list(): Array<Omit<UserRow, 'password_hash'>> {
      return db.prepare('SELECT username, created_at, updated_at FROM users ORDER BY username').all() as Array<Omit<UserRow, 'password_hash'>>
    },
    get(username: string): UserRow | undefined {
      return db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined
    },
    /** A new user with the next id (ids are never reused while a higher one exists). */
    insert(row: UserRow & { email?: string; is_staff?: boolean; permissions?: readonly string[] }): number {
      return db.transaction(() => {
        const { next } = db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS next FROM users').get() as { next: number }
        db.prepare(
          'INSERT INTO users (id, username, password_hash, email, is_staff, permissions, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
        ).run(next, row.username, row.password_hash, row.email ?? '', row.is_staff ? 1 : 0, JSON.stringify(row.permissions ?? ['postgres']), row.created_at, row.updated_at)
        return next
      })()
    },
    records(limit: number, offset: number): UserRecord[] {
      return db.prepare(`SELECT ${RECORD_COLUMNS} FROM users ORDER BY id LIMIT ? OFFSET ?`).all(limit, offset) as UserRecord[]
    },
    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n
    },
    record(id: number): UserRecord | undefined {
      return db.prepare(`SELECT ${RECORD_COLUMNS} FROM users WHERE id = ?`).get(id) as UserRecord | undefined
    },
    recordByName(username: string): UserRecord | undefined {
      return db.prepare(`SELECT ${RECORD_COLUMNS} FROM users WHERE username = ?`).get(username) as UserRecord | undefined
    },
    /**
     * Changes a user's fields in one transaction: a new password also ends their sessions
     * and revokes their API tokens (a password changed after a leak takes what was minted with it).
     */
    update(id: number, change: { email?: string; is_staff?: boolean; permissions?: readonly string[]; password_hash?: string }, now: number): void {
      db.transaction(() => {
        const row = db.prepare('SELECT username FROM users WHERE id = ?').get(id) as { username: string } | undefined
        if (!row) return
        if (change.email !== undefined) db.prepare('UPDATE users SET email = ? WHERE id = ?').run(change.email, id)
        if (change.is_staff !== undefined) db.prepare('UPDATE users SET is_staff = ? WHERE id = ?').run(change.is_staff ? 1 : 0, id)
        if (change.permissions !== undefined) db.prepare('UPDATE users SET permissions = ? WHERE id = ?').run(JSON.stringify(change.permissions), id)
        if (change.password_hash !== undefined) {
          db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(change.password_hash, id)
          endSessionsAndTokens(row.username)
        }
        db.prepare('UPDATE users SET updated_at = ? WHERE id = ?').run(now, id)
      })()
    },
    addToken(row: Omit<TokenRow, 'id' | 'last_used_at'> & { token_hash: string }): number {
      return Number(
        db
          .prepare('INSERT INTO api_tokens (token_hash, username, name, permissions, created_at, expires_at) VALUES (@token_hash, @username, @name, @permissions, @created_at, @expires_at)')
          .run(row).lastInsertRowid
      )
    },
    tokenByHash(tokenHash: string): TokenRow | undefined {
      return db.prepare('SELECT id, username, name, permissions, created_at, expires_at, last_used_at FROM api_tokens WHERE token_hash = ?').get(tokenHash) as TokenRow | undefined
    },
    touchToken(id: number, now: number): void {
      db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, id)
    },
    removeToken(id: number): boolean {
      return db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0
    },
    purgeTokens(now: number): void {
      db.prepare('DELETE FROM api_tokens WHERE expires_at <= ?').run(now)
    },
    /** Sets a new password, ends the user's sessions and revokes their API tokens, in one transaction. */
    setPassword(username: string, passwordHash: string, now: number): boolean {
      return db.transaction(() => {
        const changed = db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?').run(passwordHash, now, username).changes > 0
        endSessionsAndTokens(username)
        return changed
      })()
    },
    /** Removes the user; their sessions and API tokens go with them (ON DELETE CASCADE). */
    remove(username: string): boolean {
      return db.prepare('DELETE FROM users WHERE username = ?').run(username).changes > 0
    },
    addSession(idHash: string, username: string, now: number, expiresAt: number): void {
      db.prepare('INSERT INTO agent_sessions (id_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)').run(idHash, username, now, expiresAt)
    },
    session(idHash: string): { username: string; expires_at: number } | undefined {
      return db.prepare('SELECT username, expires_at FROM agent_sessions WHERE id_hash = ?').get(idHash) as { username: string; expires_at: number } | undefined
    },
    extendSession(idHash: string, expiresAt: number): void {
      db.prepare('UPDATE agent_sessions SET expires_at = ? WHERE id_hash = ?').run(expiresAt, idHash)
    },
    removeSession(idHash: string): boolean {
      return db.prepare('DELETE FROM agent_sessions WHERE id_hash = ?').run(idHash).changes > 0
    },
    purgeSessions(now: number): void {
      db.prepare('DELETE FROM agent_sessions WHERE expires_at <= ?').run(now)
    }
  }
}
