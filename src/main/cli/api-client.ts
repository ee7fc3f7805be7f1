// The client commands' way to a Vigil server: every face (/api/v1, /api, /pg/{id}, /prometheus,
// /ws) with `Authorization: Bearer <token>` — a user's vgl_ token, within its permissions, or the
// owner token — and every failure turned into one line and an exit code (exit-codes.ts).
import WebSocket from 'ws'
import { defaultDataDir } from '../base/locations'
import { CliError, EXIT, exitCodeOfStatus } from './exit-codes'
import { sendRequest, tlsOptions, type HttpAnswer, type TlsTrust } from './http'
import type { Target } from './client-config'
import { readServeFile } from './serve-file'

/**
 * How long a server may stay silent before it counts as unreachable (exit 5): longer than the
 * slowest answer Vigil gives on purpose (an SSH connection test that waits out its timeout).
 */
const SILENCE_MS = 60_000

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  /** Call without a token (POST /api/v1/auth/token/ takes a password instead). */
  anonymous?: boolean
}

export class ApiClient {
  private readonly trust: TlsTrust | null

  constructor(readonly target: Target) {
    this.trust = trustFor(target)
  }

  /** The same server with another token (one given on stdin, checked before it is stored). */
  withToken(token: string): ApiClient {
    return new ApiClient({ ...this.target, token, tokenSource: 'stdin' })
  }

  /** The answer's JSON on a 2xx; a CliError with the face's message otherwise. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const answer = await this.send(method, path, options)
    if (answer.status < 200 || answer.status > 299) throw httpError(answer)
    return parseJson<T>(answer)
  }

  /** The answer whatever its status (a failed connection test answers 400 with a body of its own). */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer> {
    const url = this.urlOf(path, 'http')
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value))
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (!options.anonymous) headers.Authorization = `Bearer ${this.requireToken()}`
    let body: string | undefined
    if (options.body !== undefined) {
      body = JSON.stringify(options.body)
      headers['Content-Type'] = 'application/json'
    }
    try {
      return await sendRequest(url, { method, headers, body, trust: this.trust, timeoutMs: SILENCE_MS })
    } catch (error) {
      throw this.unreachable(error as NodeJS.ErrnoException)
    }
  }

  /** A WebSocket on the server (ws:// or wss://, trusted as the requests are), opened with the token. */
  webSocket(path: string): WebSocket {
    return new WebSocket(this.urlOf(path, 'ws'), {
      headers: { Authorization: `Bearer ${this.requireToken()}` },
      handshakeTimeout: SILENCE_MS,
      ...tlsOptions(this.trust)
    })
  }

  /** Turns a failure to connect (refused, no such host, a certificate not trusted) into exit code 5. */
  unreachable(error: NodeJS.ErrnoException): CliError {
    const code = error.code ?? ''
    const certificate = /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY/.test(code) || /certificate/i.test(error.message)
    const hint = certificate
      ? '; trust its certificate with --ca FILE or `vigil config set ca FILE` (tls-cert.pem in its data dir)'
      : `; is 'vigil serve' running there? (URL from ${this.target.urlSource})`
    return new CliError(EXIT.unreachable, `cannot reach ${this.target.url}: ${error.message}${hint}`)
  }

  private urlOf(path: string, scheme: 'http' | 'ws'): URL {
    const url = new URL(this.target.url + path)
    if (scheme === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    return url
  }

  private requireToken(): string {
    if (this.target.token) return this.target.token
    throw new CliError(EXIT.unauthenticated, `not logged in to ${this.target.url}: run 'vigil auth login' (or set $VIGIL_TOKEN)`)
  }
}

/**
 * --ca (or the stored `ca`) when given; else, for the URL a local `vigil serve` recorded in its
 * data dir, the certificate it recorded (as `vigil import-metrics` pins it); else the system's CAs.
 */
function trustFor(target: Target): TlsTrust | null {
  if (!target.url.startsWith('https:')) return null
  if (target.ca) return { kind: 'ca', file: target.ca }
  const local = readServeFile(defaultDataDir())
  return local && local.url.replace(/\/+$/, '') === target.url ? local.trust : null
}

function parseJson<T>(answer: HttpAnswer): T {
  try {
    return (answer.text === '' ? null : JSON.parse(answer.text)) as T
  } catch {
    throw new CliError(EXIT.serverError, `the server answered HTTP ${answer.status} with something other than JSON: ${firstLine(answer.text)}`)
  }
}

/** The face's own message, whichever face: /api/v1's error.message, the primary, agent and Prometheus faces' error. */
export function messageOf(text: string): string | null {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return text.trim() === '' ? null : firstLine(text)
  }
  if (body === null || typeof body !== 'object') return null
  const { error, message, detail, details } = body as { error?: unknown; message?: unknown; detail?: unknown; details?: unknown }
  if (error && typeof error === 'object') {
    const inner = error as { message?: unknown; details?: unknown }
    if (typeof inner.message === 'string') return withFields(inner.message, inner.details)
  }
  if (typeof error === 'string') return withFields(error, details)
  if (typeof message === 'string') return message
  if (typeof detail === 'string') return detail
  return null
}

/** A validation headline with the fields it names (`{"hostname": ["This field is required."]}`). */
function withFields(headline: string, details: unknown): string {
  if (!details || typeof details !== 'object') return headline
  const fields = Object.entries(details as Record<string, unknown>).map(([field, rules]) => `${field}: ${Array.isArray(rules) ? rules.join(' ') : String(rules)}`)
  return fields.length ? `${headline} (${fields.join('; ')})` : headline
}

/** An HTTP error answer as a CliError: status, the face's message, Retry-After on a 429. */
export function httpError(answer: { status: number; headers: Record<string, string | string[] | undefined>; text: string }): CliError {
  const code = exitCodeOfStatus(answer.status)
  let line = `HTTP ${answer.status}: ${messageOf(answer.text) ?? 'no message'}`
  if (code === EXIT.rateLimited) {
    const retryAfter = answer.headers['retry-after']
    line += ` (Retry-After: ${retryAfter === undefined ? 'not given' : `${String(retryAfter)} s`})`
  }
  return new CliError(code, line)
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? ''
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}
