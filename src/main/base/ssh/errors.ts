// Turns what ssh2 and the socket report into a state and the real reason in plain words, and
// decides whether an automatic retry makes sense (never for credentials or host keys: retrying
// would lock accounts or ignore an attack).
import type { HostKey } from './host-keys'
import type { ConnectionState } from './types'

export type FailureState = Extract<ConnectionState, 'auth_failed' | 'host_key_mismatch' | 'unreachable' | 'error'>

export interface ConnectFailure {
  state: FailureState
  message: string
  /** Whether reconnecting with backoff could help; false waits for new settings or an accepted key. */
  retry: boolean
}

/** What the authentication handler did, for the failure message. */
export interface AuthLog {
  /** Methods configured for this server, in the order they are offered. */
  configured: string[]
  /** Methods actually sent to the server. */
  tried: string[]
  /** What the server said it accepts; null before its first answer. */
  serverMethods: string[] | null
  /** The server asked for a password change (expired password). */
  passwordExpired: boolean
}

export interface FailureContext {
  host: string
  port: number
  username: string
  readyTimeoutMs: number
  auth: AuthLog
  hostKeyMismatch: { pinned: HostKey; presented: HostKey } | null
  hostKeyStoreError: string | null
  /** The connection had been up: this is a drop, not a failed attempt. */
  wasConnected: boolean
}

export type CommandErrorKind = 'timeout' | 'not_connected' | 'connection_lost' | 'channel_failed' | 'output_too_large' | 'stopped'

/** Why exec() rejected; `kind` lets a collector decide what to do without parsing text. */
export class SshCommandError extends Error {
  constructor(
    readonly kind: CommandErrorKind,
    message: string
  ) {
    super(message)
    this.name = 'SshCommandError'
  }
}

/** `host:port`, with brackets around an IPv6 literal. */
export function endpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** 10000 → "10 s", 250 → "0.25 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`
}

interface ErrorParts {
  message: string
  code: string | number | undefined
  level: string | undefined
}

function partsOf(err: unknown): ErrorParts | null {
  if (err === null || err === undefined) return null
  if (typeof err !== 'object') return { message: String(err), code: undefined, level: undefined }
  const record = err as { message?: unknown; code?: unknown; level?: unknown }
  return {
    message: typeof record.message === 'string' ? record.message : String(err),
    code: typeof record.code === 'string' || typeof record.code === 'number' ? record.code : undefined,
    level: typeof record.level === 'string' ? record.level : undefined
  }
}

export function authFailureMessage(username: string, auth: AuthLog): string {
  if (auth.passwordExpired) {
    return `The password of user '${username}' has expired: the server asks for a new one. Change it on the server, then update it here.`
  }
  if (auth.configured.length === 0) {
    return `No credentials for user '${username}': set a password or a private key (or run an SSH agent)`
  }
  if (auth.tried.length === 0) {
    const offered = auth.serverMethods?.join(', ') || 'no method'
    return `Cannot log in as user '${username}': the server allows ${offered}, but only ${auth.configured.join(', ')} is configured`
  }
  const allowed = auth.serverMethods && auth.serverMethods.length > 0 ? `; the server allows: ${auth.serverMethods.join(', ')}` : ''
  return `Authentication failed for user '${username}' (tried: ${auth.tried.join(', ')}${allowed})`
}

const UNREACHABLE_CODES: Record<string, (where: string, host: string) => string> = {
  ECONNREFUSED: (where) => `Connection refused by ${where}`,
  ECONNRESET: (where) => `Connection reset by ${where}`,
  ECONNABORTED: (where) => `Connection to ${where} aborted`,
  EPIPE: (where) => `Connection closed by ${where}`,
  ETIMEDOUT: (where) => `Timed out connecting to ${where} (no answer from the host)`,
  EHOSTUNREACH: (where) => `No route to host ${where}`,
  ENETUNREACH: (where) => `Network unreachable for ${where}`,
  EHOSTDOWN: (where) => `Host ${where} is down`,
  EADDRNOTAVAIL: (where) => `Cannot connect to ${where}: address not available`,
  ENOTFOUND: (_where, host) => `Cannot resolve host name '${host}'`,
  EAI_NONAME: (_where, host) => `Cannot resolve host name '${host}'`,
  EAI_AGAIN: (_where, host) => `Cannot resolve host name '${host}' (temporary DNS failure)`
}

/** Classifies the error that ended a connection attempt (or an established connection). */
export function classifyConnectError(err: unknown, ctx: FailureContext): ConnectFailure {
  const where = endpoint(ctx.host, ctx.port)

  if (ctx.hostKeyMismatch) {
    const { pinned, presented } = ctx.hostKeyMismatch
    return {
      state: 'host_key_mismatch',
      message: `Host key of ${where} changed: pinned ${pinned.fingerprint} (${pinned.algorithm}), presented ${presented.fingerprint} (${presented.algorithm}). Accept the new key only if you know why it changed.`,
      retry: false
    }
  }
  if (ctx.hostKeyStoreError !== null) {
    return { state: 'error', message: `Cannot check the pinned host key of ${where}: ${ctx.hostKeyStoreError}`, retry: true }
  }
  if (ctx.auth.passwordExpired) {
    return { state: 'auth_failed', message: authFailureMessage(ctx.username, ctx.auth), retry: false }
  }

  const parts = partsOf(err)
  if (parts === null) {
    return ctx.wasConnected
      ? { state: 'unreachable', message: `Connection closed by ${where}`, retry: true }
      : { state: 'unreachable', message: `${where} closed the connection during the SSH handshake`, retry: true }
  }

  // ssh2 tags exhausted auth methods; OpenSSH's MaxAuthTries ends with a DISCONNECT saying so.
  if (parts.level === 'client-authentication' || /authentication failure|authentication methods failed/i.test(parts.message)) {
    return { state: 'auth_failed', message: authFailureMessage(ctx.username, ctx.auth), retry: false }
  }

  if (parts.level === 'client-timeout') {
    if (/keepalive/i.test(parts.message)) {
      return { state: 'unreachable', message: `No answer from ${where} to keepalives: the connection is considered dead`, retry: true }
    }
    return { state: 'unreachable', message: `Timed out connecting to ${where} after ${formatSeconds(ctx.readyTimeoutMs)}`, retry: true }
  }

  if (typeof parts.code === 'string') {
    const describe = UNREACHABLE_CODES[parts.code]
    if (describe) return { state: 'unreachable', message: describe(where, ctx.host), retry: true }
  }

  if (/Connection lost before handshake/i.test(parts.message)) {
    return {
      state: 'unreachable',
      message: `${where} closed the connection before the SSH handshake (is it an SSH server? sshd may also be throttling new connections: MaxStartups)`,
      retry: true
    }
  }

  const prefix = ctx.wasConnected ? `Connection to ${where} lost` : `SSH error with ${where}`
  return { state: 'error', message: `${prefix}: ${parts.message}`, retry: true }
}

/** Why a session (channel) could not be opened, in plain words. */
export function describeChannelError(err: unknown, where: string): string {
  const message = partsOf(err)?.message ?? 'unknown error'
  if (/Channel open failure|No free channels/i.test(message)) {
    return `${where} refused a new session (${message.replace(/^\(SSH\) /, '')}); it may allow fewer sessions per connection (sshd MaxSessions)`
  }
  if (/Not connected|No response from server/i.test(message)) return `Not connected to ${where}`
  return `Cannot start a command on ${where}: ${message}`
}
