import { randomBytes } from 'node:crypto'
import { sha256 } from '../base/security/api-token'
import { AppError } from '../../shared/errors'
import { TOKEN_DEFAULT_SECONDS, type CreateToken, type Permission, type TokenInfo, type VerifiedToken } from '../../shared/teams'
import { intersect, missingPermissions, normalise, type Principal } from './permissions'
import type { UsersRepo } from './users-repo'
import type { UsersService } from './users-service'

/** `vgl_` and 32 random bytes in base64url: what a secret scanner can recognise as Vigil's. */
export const API_TOKEN_PATTERN = /^vgl_[A-Za-z0-9_-]{43}$/

/** How fresh a token's last use is kept (README: "to the minute"). */
const LAST_USE_PRECISION_MS = 60_000

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/**
 * The Users' API tokens (webops-api.md, "Authentication"): minted for a username and password,
 * shown once, stored as their SHA-256 only (a token is 256 random bits: no salt or slow hash
 * needed), limited to areas within the user's, expiring, revocable, with their last use.
 */
export class ApiTokens {
  constructor(
    private readonly repo: UsersRepo,
    private readonly users: UsersService,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * A new token for a user whose password was checked by the caller (UsersService.login). Its
   * permissions are the ones asked for — each must be the user's — or all of the user's.
   */
  create(input: Omit<CreateToken, 'password'>): { token: string; name: string; expires_at: string; permissions: Permission[] } {
    const held = this.users.permissionsOfUser(input.username)
    if (!held) throw new AppError('unauthorized', 'Invalid username or password.')
    const permissions = input.permissions === undefined ? normalise([...held.permissions]) : normalise(input.permissions)
    const missing = missingPermissions(permissions, held.permissions)
    if (missing.length > 0) throw AppError.invalidField('permissions', `not yours to give: ${missing.join(', ')}`)
    const now = this.now()
    const token = `vgl_${randomBytes(32).toString('base64url')}`
    const expiresAt = now + (input.expires_in ?? TOKEN_DEFAULT_SECONDS) * 1000
    const name = input.name ?? `Token of ${input.username}`
    this.repo.purgeTokens(now)
    this.repo.addToken({ token_hash: sha256(token), username: input.username, name, permissions: JSON.stringify(permissions), created_at: now, expires_at: expiresAt })
    return { token, name, expires_at: new Date(expiresAt).toISOString(), permissions }
  }

  /** Whether the text looks like one of these tokens (else it may be the owner token). */
  static looksLikeToken(text: string): boolean {
    return text.startsWith('vgl_')
  }

  /**
   * The principal of a token, its last use recorded; unauthorized for an unknown, revoked or
   * expired token, or one whose user is gone.
   */
  authenticate(token: string): { principal: Principal; tokenHash: string } {
    const { principal, tokenHash } = this.resolve(token)
    return { principal, tokenHash }
  }

  /** What GET /auth/verify/ tells of the token. */
  verify(token: string): VerifiedToken {
    const { principal, row } = this.resolve(token)
    return {
      valid: true,
      kind: 'api_token',
      username: row.username,
      is_staff: principal.isStaff,
      permissions: normalise([...principal.permissions]),
      name: row.name,
      created_at: iso(row.created_at),
      expires_at: iso(row.expires_at),
      last_used_at: iso(this.now())
    }
  }

  /** Live tokens, newest first: everyone's for an admin (`username` null), else one user's. */
  list(username: string | null): TokenInfo[] {
    return this.repo.tokens(username, this.now()).map((row) => ({
      id: row.id,
      username: row.username,
      name: row.name,
      permissions: normalise(JSON.parse(row.permissions) as Permission[]),
      created_at: iso(row.created_at) as string,
      expires_at: iso(row.expires_at) as string,
      last_used_at: iso(row.last_used_at)
    }))
  }

  /** Revokes a token by its id, if `username` is its user (null: an admin, any token); its user and name, for the audit trail. */
  revokeById(id: number, username: string | null): { username: string; name: string } {
    const row = this.repo.tokenById(id)
    if (!row || (username !== null && row.username !== username) || !this.repo.removeToken(row.id)) throw new AppError('not_found', `Token ${id} not found`)
    return { username: row.username, name: row.name }
  }

  /** Revokes the token (anyone holding it may: it is its own proof); its user and name, for the audit trail. */
  revoke(token: string): { username: string; name: string } {
    const row = API_TOKEN_PATTERN.test(token) ? this.repo.tokenByHash(sha256(token)) : undefined
    if (!row || !this.repo.removeToken(row.id)) throw new AppError('not_found', 'Token not found')
    return { username: row.username, name: row.name }
  }

  private resolve(token: string) {
    const tokenHash = sha256(token)
    const row = API_TOKEN_PATTERN.test(token) ? this.repo.tokenByHash(tokenHash) : undefined
    if (!row) throw new AppError('unauthorized', 'Invalid token.')
    const now = this.now()
    if (row.expires_at <= now) throw new AppError('unauthorized', 'Token expired.')
    const held = this.users.permissionsOfUser(row.username)
    if (!held) throw new AppError('unauthorized', 'Invalid token.')
    // The last use to the minute: a write per request would cost a busy script's every call.
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USE_PRECISION_MS) this.repo.touchToken(row.id, now)
    const principal: Principal = {
      kind: 'api_token',
      username: row.username,
      isStaff: held.isStaff,
      permissions: intersect(JSON.parse(row.permissions) as Permission[], held.permissions),
      actor: row.username
    }
    return { principal, row, tokenHash }
  }
}
