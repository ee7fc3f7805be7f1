import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpRefusal } from './errors'
import type { Callers } from './callers'

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

export interface SecurityOptions {
  callers: Callers
  /** What the API is served over: the scheme of its own pages' Origin, and the default port of a Host without one. */
  scheme: 'http' | 'https'
  /** Extra host names allowed in `Host` (a jump host's DNS name). */
  allowedHosts: readonly string[]
  /** Whether a request may skip authentication here (health check, login, the static UI bundle, a face that authenticates by itself). */
  isPublic: (request: FastifyRequest) => boolean
}

/**
 * The rules that keep a localhost API from being a hole in the workstation:
 * exact Host allow-list (DNS rebinding), same-origin only (no CORS, no cross-site
 * requests, WebSocket upgrades included), and a credential on everything else — whose principal
 * the faces check each route's permission against (face.ts).
 */
export function installSecurity(app: FastifyInstance, options: SecurityOptions): void {
  const names = new Set([...LOOPBACK_NAMES, ...options.allowedHosts].map((name) => name.toLowerCase()))

  app.addHook('onRequest', async (request, reply) => {
    // Node keeps the first of several Host headers; a proxy in front may have routed by another.
    // HTTP/1.1 (RFC 9112, 3.2) says to refuse such a request with 400.
    if (headerCount(request.raw.rawHeaders, 'host') > 1) throw new HttpRefusal('bad_request', 'The request has more than one Host header')
    const host = request.headers.host
    if (!hostIsAllowed(host, names, request.socket.localPort, options.scheme === 'https' ? 443 : 80)) {
      throw new HttpRefusal('misdirected', `Host '${host ?? ''}' is not allowed; use ${options.scheme}://127.0.0.1:${request.socket.localPort}/`)
    }
    const origin = request.headers.origin
    if (origin !== undefined && origin !== `${options.scheme}://${host}`) {
      throw new HttpRefusal('forbidden', `Origin '${origin}' is not allowed`)
    }
    if (options.isPublic(request)) return
    request.principal = options.callers.identify(request, reply)
  })

  app.addHook('onSend', async (_request, reply) => setSecurityHeaders(reply))
}

/** On every answer (set directly where Fastify answers before routing, without hooks). */
export function setSecurityHeaders(reply: FastifyReply): void {
  reply.header('X-Content-Type-Options', 'nosniff')
  reply.header('Referrer-Policy', 'no-referrer')
  reply.header('X-Frame-Options', 'DENY')
  if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store')
}

function headerCount(rawHeaders: readonly string[], name: string): number {
  let count = 0
  for (let index = 0; index < rawHeaders.length; index += 2) if (rawHeaders[index]?.toLowerCase() === name) count++
  return count
}

function hostIsAllowed(host: string | undefined, names: Set<string>, localPort: number | undefined, defaultPort: number): boolean {
  if (!host) return false
  const match = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/i.exec(host)
  if (!match?.[1]) return false
  const port = match[2] === undefined ? defaultPort : Number(match[2])
  return names.has(match[1].toLowerCase()) && (localPort === undefined || port === localPort)
}
