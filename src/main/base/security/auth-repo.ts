import type { Db } from '../db/db'

export type AuthRepo = ReturnType<typeof createAuthRepo>

/** Browser sessions (the owner's, or a user's) and one-time login codes, stored as hashes only. */
export function createAuthRepo(db: Db) {
  const insertSession = db.prepare('INSERT INTO browser_sessions (id_hash, created_at, expires_at, username) VALUES (?, ?, ?, ?)')
  const findSession = db.prepare('SELECT expires_at, username FROM browser_sessions WHERE id_hash = ?')
  const deleteSession = db.prepare('DELETE FROM browser_sessions WHERE id_hash = ?')
  const insertCode = db.prepare('INSERT INTO login_codes (code_hash, expires_at) VALUES (?, ?)')
  const takeCode = db.prepare('DELETE FROM login_codes WHERE code_hash = ? RETURNING expires_at')
  const purgeSessions = db.prepare('DELETE FROM browser_sessions WHERE expires_at <= ?')
  const purgeCodes = db.prepare('DELETE FROM login_codes WHERE expires_at <= ?')

  return {
    /** `username` null: the owner's session. */
    addSession(idHash: string, now: number, expiresAt: number, username: string | null): void {
      insertSession.run(idHash, now, expiresAt, username)
    },
    session(idHash: string): { expires_at: number; username: string | null } | undefined {
      return findSession.get(idHash) as { expires_at: number; username: string | null } | undefined
    },
    removeSession(idHash: string): void {
      deleteSession.run(idHash)
    },
    /** Ends the owner's sessions (no user), but the one given. */
    removeOwnerSessions(exceptHash: string | null): void {
      db.prepare('DELETE FROM browser_sessions WHERE username IS NULL AND id_hash IS NOT ?').run(exceptHash)
    },
    addLoginCode(codeHash: string, expiresAt: number): void {
      insertCode.run(codeHash, expiresAt)
    },
    /** Deletes the code as it reads it, so a code works once. */
    takeLoginCode(codeHash: string): number | undefined {
      return (takeCode.get(codeHash) as { expires_at: number } | undefined)?.expires_at
    },
    purgeExpired(now: number): void {
      purgeSessions.run(now)
      purgeCodes.run(now)
    }
  }
}
