import { randomBytes } from 'node:crypto'
import type { AuthRepo } from './auth-repo'
import { secretsEqual, sha256 } from './api-token'

export const SESSION_COOKIE = 'vigil_session'
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000
export const LOGIN_CODE_TTL_MS = 15 * 60 * 1000

/**
 * Who may call the API: a script with the bearer token, or a browser holding a session
 * cookie it got from a one-time login URL (or by pasting the token once).
 */
export class Authenticator {
  constructor(
    private readonly apiToken: string,
    private readonly repo: AuthRepo,
    private readonly now: () => number = Date.now
  ) {}

  tokenIsValid(token: string): boolean {
    return secretsEqual(this.apiToken, token)
  }

  sessionIsValid(sessionId: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(sessionId)) return false
    const expiresAt = this.repo.sessionExpiry(sha256(sessionId))
    return expiresAt !== undefined && expiresAt > this.now()
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

  openSession(): string {
    const id = randomBytes(32).toString('hex')
    const now = this.now()
    this.repo.addSession(sha256(id), now, now + SESSION_TTL_MS)
    return id
  }

  closeSession(sessionId: string): void {
    this.repo.removeSession(sha256(sessionId))
  }
}
