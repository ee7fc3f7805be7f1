import type { Db } from '../base/db/db'

export type UsersRepo = ReturnType<typeof createUsersRepo>

export interface UserRow {
  username: string
  password_hash: string
  created_at: number
  updated_at: number
}

/** Vigil's users and their agent sessions (stored as hashes of the session ids). */
export function createUsersRepo(db: Db) {
  return {
    list(): Array<Omit<UserRow, 'password_hash'>> {
      return db.prepare('SELECT username, created_at, updated_at FROM users ORDER BY username').all() as Array<Omit<UserRow, 'password_hash'>>
    },
    get(username: string): UserRow | undefined {
      return db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined
    },
    insert(row: UserRow): void {
      db.prepare('INSERT INTO users (username, password_hash, created_at, updated_at) VALUES (@username, @password_hash, @created_at, @updated_at)').run(row)
    },
    /** Sets a new password and ends the user's sessions, in one transaction. */
    setPassword(username: string, passwordHash: string, now: number): boolean {
      return db.transaction(() => {
        const changed = db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?').run(passwordHash, now, username).changes > 0
        db.prepare('DELETE FROM agent_sessions WHERE username = ?').run(username)
        return changed
      })()
    },
    /** Removes the user; their sessions go with them (ON DELETE CASCADE). */
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
