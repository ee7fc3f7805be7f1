// Who calls, on every face: the credential a request carries, turned into a Principal (the owner,
// or a user with their permissions now), the general rate limit of API tokens, and the limit on
// login attempts every login route shares. security.ts asks for the principal of every request;
// the faces that read credentials of their own (the agent's X-Session) ask for a user's here.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../shared/errors'
import type { ApiRateLimits } from '../config'
import { SESSION_COOKIE, type Authenticator } from '../base/security/browser-auth'
import type { RateDecision, RateLimiter, RateRule } from '../base/security/rate-limiter'
import { ApiTokens, OWNER_ACTORS, ownerPrincipal, type Principal, type UsersService } from '../users'

/** The header the sysmon spec (Prometheus API, OpenMetrics workspaces) sends its app key in: Vigil's API token. */
export const APP_KEY_HEADER = 'x-tc-app-key'

export interface CallersDeps {
  auth: Authenticator
  users: UsersService
  tokens: ApiTokens
  limiter: RateLimiter
  limits: ApiRateLimits
}

type Credential = { kind: 'none' } | { kind: 'token' | 'session'; value: string }

export class Callers {
  constructor(private readonly deps: CallersDeps) {}

  /**
   * The principal of the request's credential — `Authorization: Bearer|Token` (a `vgl_` token or
   * the owner's), `X-TC-APP-KEY`, the session cookie, `?token=` on a WebSocket upgrade, first
   * present wins — or 401 in the face's format. A `vgl_` token's request counts against its
   * general limit (X-RateLimit-* on the answer; 429 once spent); the owner is not limited.
   */
  identify(request: FastifyRequest, reply: FastifyReply): Principal {
    const credential = credentialOf(request)
    if (credential.kind === 'none') throw new AppError('unauthorized', 'Authentication credentials were not provided.')
    if (credential.kind === 'session') return this.ofSession(credential.value)
    return this.ofToken(credential.value, reply)
  }

  /** A bearer token: a user's `vgl_` token (limited) or the owner's. */
  ofToken(token: string, reply: FastifyReply): Principal {
    if (ApiTokens.looksLikeToken(token)) {
      const { principal, tokenHash } = this.deps.tokens.authenticate(token)
      // Keyed by the token's hash, not its row id: SQLite may give a revoked token's id to the next one.
      applyLimit(reply, this.deps.limiter.hit(`token:${tokenHash}`, this.deps.limits.general), this.deps.limits.general)
      return principal
    }
    if (this.deps.auth.tokenIsValid(token)) return ownerPrincipal(OWNER_ACTORS.token)
    throw new AppError('unauthorized', 'Invalid token.')
  }

  /** A user acting through a session their password opened (browser or agent): 401 if they are gone. */
  ofUser(username: string): Principal {
    const principal = this.deps.users.principalOf(username)
    if (!principal) throw new AppError('unauthorized', 'Session expired; log in again.')
    return principal
  }

  /**
   * Counts one login attempt from the request's address against the authentication limit
   * (webops-api.md: 5 attempts in 15 minutes per IP) — every password login of every face, the
   * API token pasted into the login page too. Before the password is looked at.
   */
  countLogin(request: FastifyRequest, reply: FastifyReply): void {
    applyLimit(reply, this.deps.limiter.hit(`auth:${request.ip}`, this.deps.limits.auth), this.deps.limits.auth)
  }

  private ofSession(sessionId: string): Principal {
    const session = this.deps.auth.session(sessionId)
    if (!session) throw new AppError('unauthorized', 'Session expired; log in again.')
    const principal = session.username === null ? ownerPrincipal(OWNER_ACTORS.ui) : this.ofUser(session.username)
    return { ...principal, sessionHash: session.hash }
  }
}

/** X-RateLimit-* on every counted answer; too_many_requests (429, Retry-After) once the window's quota is spent. */
export function applyLimit(reply: FastifyReply, decision: RateDecision, rule: RateRule): void {
  reply.header('X-RateLimit-Limit', String(decision.limit))
  reply.header('X-RateLimit-Remaining', String(decision.remaining))
  reply.header('X-RateLimit-Reset', String(Math.ceil(decision.resetAt / 1000)))
  if (!decision.allowed) {
    throw new AppError('too_many_requests', `Rate limit exceeded: ${rule.max} requests per ${describeWindow(rule.windowSeconds)}; try again in ${decision.retryAfterSeconds} s.`, {
      retryAfterSeconds: decision.retryAfterSeconds
    })
  }
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`
  return `${seconds} s`
}

function credentialOf(request: FastifyRequest): Credential {
  const header = request.headers.authorization
  if (header) {
    const match = /^(Bearer|Token)\s+(\S+)\s*$/i.exec(header)
    return match?.[2] ? { kind: 'token', value: match[2] } : { kind: 'token', value: '' }
  }
  // The same token, as Grafana's custom header or a script written for the sysmon API sends it.
  // Node joins repeated headers with ", ", which no token matches.
  const appKey = request.headers[APP_KEY_HEADER]
  if (typeof appKey === 'string') return { kind: 'token', value: appKey.trim() }
  const cookie = request.cookies?.[SESSION_COOKIE]
  if (cookie) return { kind: 'session', value: cookie }
  // Browsers cannot set headers on a WebSocket; scripts may pass the token in the query — on a
  // real upgrade only, never on a plain request (where it would end up in histories and logs).
  if (isWebSocketUpgrade(request)) {
    const token = (request.query as Record<string, unknown> | undefined)?.token
    if (typeof token === 'string' && token) return { kind: 'token', value: token }
  }
  return { kind: 'none' }
}

/** `Connection: upgrade` (one of its tokens) and `Upgrade: websocket`, as RFC 6455 requires. */
function isWebSocketUpgrade(request: FastifyRequest): boolean {
  const connection = request.headers.connection ?? ''
  const upgrade = request.headers.upgrade ?? ''
  return (
    request.method === 'GET' &&
    upgrade.toLowerCase() === 'websocket' &&
    connection.split(',').some((token) => token.trim().toLowerCase() === 'upgrade')
  )
}
