import { randomBytes } from 'node:crypto'
import type { AuthRepo } from './auth-repo'
import { secretsEqual, sha256 } from './api-token'

export const SESSION_COOKIE = 'vigil_session'
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000
export const LOGIN_CODE_TTL_MS = 15 * 60 * 1000

/**
 * The owner's credentials — the startup API token, and browser sessions from a one-time login
 * URL (or the token pasted once) — and the sessions users open with their password.
 */
export class Authenticator {
  constructor(
    private apiToken: string,
    private readonly repo: AuthRepo,
    private readonly now: () => number = Date.now
  ) {}

  tokenIsValid(token: string): boolean {
    return secretsEqual(this.apiToken, token)
  }

  /** The owner's token now (the shells print it; the log redacts it). */
  get token(): string {
    return this.apiToken
  }

  /**
   * The owner's token is `token` from now on (the file already says so): the old one stops working
   * at once, and so do the owner's browser sessions — a leaked token may have opened some — but
   * the one `keepSessionHash` names (whoever rotated it from the UI).
   */
  replaceToken(token: string, keepSessionHash: string | null): void {
    this.apiToken = token
    this.repo.removeOwnerSessions(keepSessionHash)
  }

  /** Whose the session is — `username` null for the owner's — with its id's hash, or null when it is unknown or expired. */
  session(sessionId: string): { username: string | null; hash: string } | null {
    if (!/^[0-9a-f]{64}$/.test(sessionId)) return null
    const hash = sha256(sessionId)
    const row = this.repo.session(hash)
    return row !== undefined && row.expires_at > this.now() ? { username: row.username, hash } : null
  }

  /** A single-use code for a login URL; it lives in the database so `vigil login-url` can mint one for a running server. */
  createLoginCode(): string {
    const code = randomBytes(24).toString('hex')
    this.repo.purgeExpired(this.now())
    this.repo.addLoginCode(sha256(code), this.now() + LOGIN_CODE_TTL_MS)
    return code
  }

  /** Exchanges a login code for a new session id, or returns null if the code is unknown, used or expired. */
  redeemLoginCode(code: string): string | null {
    if (!/^[0-9a-f]{48}$/.test(code)) return null
    const expiresAt = this.repo.takeLoginCode(sha256(code))
    if (expiresAt === undefined || expiresAt <= this.now()) return null
    return this.openSession()
  }

  /** A new session: the owner's (`username` null: a login link, the pasted API token) or a user's (their password). */
  openSession(username: string | null = null): string {
    const id = randomBytes(32).toString('hex')
    const now = this.now()
    this.repo.addSession(sha256(id), now, now + SESSION_TTL_MS, username)
    return id
  }

  closeSession(sessionId: string): void {
    this.repo.removeSession(sha256(sessionId))
  }
}
