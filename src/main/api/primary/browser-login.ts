import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { AppError } from '../../../shared/errors'
import { SESSION_COOKIE, SESSION_TTL_MS, type Authenticator } from '../../base/security/browser-auth'

/** How a browser gets its session cookie: a one-time login URL, or the API token pasted once. */
export function authRoutes(app: FastifyInstance, auth: Authenticator): void {
  // The cookie's attributes, the same when it is set and when it is cleared: a browser matches a
  // clearing Set-Cookie by name, domain and path, and should see the same SameSite and HttpOnly.
  // Over HTTPS the cookie is also Secure, so a browser never sends it over plain HTTP.
  const attributes = (request: FastifyRequest) => ({ httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https' }) as const
  const setSession = (request: FastifyRequest, reply: FastifyReply, sessionId: string): void => {
    reply.setCookie(SESSION_COOKIE, sessionId, { ...attributes(request), maxAge: SESSION_TTL_MS / 1000 })
  }

  app.get<{ Querystring: { code?: string } }>(
    '/auth/login',
    { config: { public: true }, schema: { hide: true } },
    async (request, reply) => {
      const sessionId = auth.redeemLoginCode(String(request.query.code ?? ''))
      if (!sessionId) return reply.redirect('/#/login?expired=1', 303)
      setSession(request, reply, sessionId)
      return reply.redirect('/', 303)
    }
  )

  app.post<{ Body: { token?: unknown } }>(
    '/auth/session',
    {
      config: { public: true },
      schema: { hide: true, body: Type.Object({ token: Type.String({ maxLength: 200 }) }) }
    },
    async (request, reply) => {
      const token = request.body?.token
      if (typeof token !== 'string' || !auth.tokenIsValid(token)) throw new AppError('unauthorized', 'Invalid token.')
      setSession(request, reply, auth.openSession())
      return { ok: true }
    }
  )

  app.post('/auth/logout', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE]
    if (sessionId) auth.closeSession(sessionId)
    reply.clearCookie(SESSION_COOKIE, attributes(request))
    return { ok: true }
  })
}
