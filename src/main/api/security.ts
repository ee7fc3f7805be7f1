import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../../shared/errors'
import { SESSION_COOKIE, type Authenticator } from '../base/security/browser-auth'

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

export interface SecurityOptions {
  auth: Authenticator
  /** Extra host names allowed in `Host` (a jump host's DNS name). */
  allowedHosts: readonly string[]
  /** Whether a request may skip authentication (health check, login, the static UI bundle). */
  isPublic: (request: FastifyRequest) => boolean
}

/**
 * The rules that keep a localhost API from being a hole in the workstation:
 * exact Host allow-list (DNS rebinding), same-origin only (no CORS, no cross-site
 * requests, WebSocket upgrades included), and a credential on everything else.
 */
export function installSecurity(app: FastifyInstance, options: SecurityOptions): void {
  const names = new Set([...LOOPBACK_NAMES, ...options.allowedHosts].map((name) => name.toLowerCase()))

  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host
    if (!hostIsAllowed(host, names, request.socket.localPort)) {
      throw new AppError('misdirected', `Host '${host ?? ''}' is not allowed; use http://127.0.0.1:${request.socket.localPort}/`)
    }
    const origin = request.headers.origin
    if (origin !== undefined && origin !== `http://${host}`) {
      throw new AppError('forbidden', `Origin '${origin}' is not allowed`)
    }
    if (options.isPublic(request)) return
    const credential = credentialOf(request)
    if (credential.kind === 'none') {
      throw new AppError('unauthorized', 'Authentication credentials were not provided.')
    }
    const valid =
      credential.kind === 'session' ? options.auth.sessionIsValid(credential.value) : options.auth.tokenIsValid(credential.value)
    if (!valid) {
      throw new AppError('unauthorized', credential.kind === 'session' ? 'Session expired; log in again.' : 'Invalid token.')
    }
    void reply
  })

  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('Referrer-Policy', 'no-referrer')
    reply.header('X-Frame-Options', 'DENY')
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store')
  })
}

type Credential = { kind: 'none' } | { kind: 'token' | 'session'; value: string }

function credentialOf(request: FastifyRequest): Credential {
  const header = request.headers.authorization
  if (header) {
    const match = /^(Bearer|Token)\s+(\S+)\s*$/i.exec(header)
    return match?.[2] ? { kind: 'token', value: match[2] } : { kind: 'token', value: '' }
  }
  const cookie = request.cookies?.[SESSION_COOKIE]
  if (cookie) return { kind: 'session', value: cookie }
  // Browsers cannot set headers on a WebSocket; scripts may pass the token in the query.
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    const token = (request.query as Record<string, unknown> | undefined)?.token
    if (typeof token === 'string' && token) return { kind: 'token', value: token }
  }
  return { kind: 'none' }
}

function hostIsAllowed(host: string | undefined, names: Set<string>, localPort: number | undefined): boolean {
  if (!host) return false
  const match = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/i.exec(host)
  if (!match?.[1]) return false
  const port = match[2] === undefined ? 80 : Number(match[2])
  return names.has(match[1].toLowerCase()) && (localPort === undefined || port === localPort)
}
