import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { AppError } from '../../../shared/errors'
import { SESSION_COOKIE, SESSION_TTL_MS, type Authenticator } from '../../base/security/browser-auth'
import type { AuditTrail } from '../../audit'
import type { UsersService } from '../../users'
import type { Callers } from '../callers'

export interface BrowserLoginDeps {
  auth: Authenticator
  callers: Callers
  users: UsersService
  audit: AuditTrail
}

/**
 * How a browser gets its session cookie: a user's username and password (their session), or the
 * owner's one-time login URL or API token pasted once (the owner's session). Password and token
 * logins count against the login limit of every face (callers.ts); a login link is single-use
 * proof in itself, so it does not spend the address's attempts.
 */
export function authRoutes(app: FastifyInstance, { auth, callers, users, audit }: BrowserLoginDeps): void {
  // The cookie's attributes, the same when it is set and when it is cleared: a browser matches a
  // clearing Set-Cookie by name, domain and path, and should see the same SameSite and HttpOnly.
  // Over HTTPS the cookie is also Secure, so a browser never sends it over plain HTTP.
  const attributes = (request: FastifyRequest) => ({ httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https' }) as const
  const setSession = (request: FastifyRequest, reply: FastifyReply, sessionId: string): void => {
    reply.setCookie(SESSION_COOKIE, sessionId, { ...attributes(request), maxAge: SESSION_TTL_MS / 1000 })
  }

  app.get<{ Querystring: { code?: string } }>(
    '/auth/login',
    { config: { area: 'none' }, schema: { hide: true } },
    async (request, reply) => {
      const sessionId = auth.redeemLoginCode(String(request.query.code ?? ''))
      if (!sessionId) return reply.redirect('/#/login?expired=1', 303)
      setSession(request, reply, sessionId)
      return reply.redirect('/', 303)
    }
  )

  app.post<{ Body: { username?: unknown; password?: unknown } }>(
    '/auth/login',
    {
      config: { area: 'none' },
      schema: { hide: true, body: Type.Object({ username: Type.String({ maxLength: 64 }), password: Type.String({ maxLength: 1024 }) }) }
    },
    async (request, reply) => {
      callers.countLogin(request, reply)
      const { username, password } = request.body ?? {}
      if (typeof username !== 'string' || typeof password !== 'string' || !(await users.login(username, password, request.ip))) {
        throw new AppError('unauthorized', 'Invalid username or password.')
      }
      setSession(request, reply, auth.openSession(username))
      audit.record(username, null, 'Logged in to the UI')
      return { ok: true }
    }
  )

  app.post<{ Body: { token?: unknown } }>(
    '/auth/session',
    {
      config: { area: 'none' },
      schema: { hide: true, body: Type.Object({ token: Type.String({ maxLength: 200 }) }) }
    },
    async (request, reply) => {
      callers.countLogin(request, reply)
      const token = request.body?.token
      if (typeof token !== 'string' || !auth.tokenIsValid(token)) throw new AppError('unauthorized', 'Invalid token.')
      setSession(request, reply, auth.openSession())
      return { ok: true }
    }
  )

  app.post('/auth/logout', { config: { area: 'none' }, schema: { hide: true } }, async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE]
    if (sessionId) auth.closeSession(sessionId)
    reply.clearCookie(SESSION_COOKIE, attributes(request))
    return { ok: true }
  })
}
