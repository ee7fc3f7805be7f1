// Turns what node-postgres and the socket report into an AppError that says, in plain words,
// what went wrong and where. `extra.reason` classifies it for scripts and the UI, `extra.sqlstate`
// keeps the server's code. Messages quote the server's own text, never a password.
import { AppError, type ErrorCode } from '../../shared/errors'
import type { PgFailureReason } from '../../shared/postgres-instances'

/** Where the failed connection or query was going. */
export interface PgEndpoint {
  host: string
  port: number
  user: string
  database: string
  /** The pool's connection timeout, to say how long we waited. */
  connectTimeoutMs?: number
}

/** `host:port`, with brackets around an IPv6 literal. */
export function pgEndpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

interface ErrorParts {
  message: string
  /** A SQLSTATE (five characters) from the server, or a Node errno code such as ECONNREFUSED. */
  code: string | undefined
  detail: string | undefined
}

function partsOf(err: unknown): ErrorParts {
  if (typeof err !== 'object' || err === null) return { message: String(err), code: undefined, detail: undefined }
  const record = err as { message?: unknown; code?: unknown; detail?: unknown; errors?: unknown }
  let code = typeof record.code === 'string' ? record.code : undefined
  // Node 20 tries every address of a name (autoSelectFamily) and may throw an AggregateError
  // whose own code is unset: the first attempt's code says why.
  if (code === undefined && Array.isArray(record.errors)) code = partsOf(record.errors[0]).code
  return {
    message: typeof record.message === 'string' && record.message ? record.message : String(err),
    code,
    detail: typeof record.detail === 'string' ? record.detail : undefined
  }
}

function failure(code: ErrorCode, reason: PgFailureReason, message: string, sqlstate?: string): AppError {
  return new AppError(code, message, { extra: { reason, sqlstate: sqlstate ?? null } })
}

const SQLSTATE = /^[0-9A-Z]{5}$/

/** Maps any failure of a connection or a query to an instance onto a clear AppError. */
export function pgFailure(err: unknown, at: PgEndpoint): AppError {
  if (err instanceof AppError) return err
  const { message, code, detail } = partsOf(err)
  const where = pgEndpoint(at.host, at.port)
  const waited = at.connectTimeoutMs ? ` after ${Number((at.connectTimeoutMs / 1000).toFixed(2))} s` : ''

  switch (code) {
    // Not 'unauthorized': that code means Vigil's own session expired, and the UI would log out.
    case '28P01':
      return failure('validation', 'auth_failed', `PostgreSQL at ${where} refused user '${at.user}': wrong password, or no such role`, code)
    case '28000':
      return failure('validation', 'auth_failed', `PostgreSQL at ${where} refused user '${at.user}': ${message}`, code)
    case '3D000':
      return failure('validation', 'database_missing', `Database '${at.database}' does not exist on ${where}`, code)
    case '42501':
      return failure('forbidden', 'insufficient_privilege', privilegeMessage(message, detail, at, where), code)
    case '57014':
      return failure('unavailable', 'timeout', `The query on ${where} was cancelled: it ran past the statement timeout or an administrator cancelled it`, code)
    case '57P03':
      return failure('unavailable', 'server_unavailable', `PostgreSQL at ${where} is not accepting connections now (starting up, shutting down or in recovery): ${message}`, code)
    case '53300':
      return failure('unavailable', 'server_unavailable', `PostgreSQL at ${where} has no free connection slot: ${message}`, code)
    case 'ECONNREFUSED':
      return failure('unavailable', 'unreachable', `Connection refused by ${where}: is PostgreSQL running and listening there?`)
    case 'ETIMEDOUT':
      return failure('unavailable', 'unreachable', `Timed out connecting to ${where}${waited}`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return failure('unavailable', 'unreachable', `Cannot resolve host name '${at.host}' (for ${where})`)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return failure('unavailable', 'unreachable', `No route to ${where}`)
    case 'ECONNRESET':
    case 'EPIPE':
      return failure('unavailable', 'unreachable', `The connection to ${where} was closed unexpectedly`)
  }
  if (code && SQLSTATE.test(code)) {
    // Class 08 (connection exception) and 57 (operator intervention: shutdown, crash) are the
    // server going away; anything else is an error the server reported about our SQL.
    if (code.startsWith('08') || code.startsWith('57')) {
      return failure('unavailable', 'server_unavailable', `PostgreSQL at ${where} dropped the connection: ${message}`, code)
    }
    return failure('internal', 'error', `PostgreSQL at ${where} answered: ${message} (SQLSTATE ${code})`, code)
  }
  return fromDriverMessage(message, at, where, waited)
}

/** node-postgres reports some failures with a message only. */
function fromDriverMessage(message: string, at: PgEndpoint, where: string, waited: string): AppError {
  // pg.Client: "Connection terminated due to connection timeout"; pg.Pool: "timeout exceeded when trying to connect".
  if (/connection timeout|timeout exceeded when trying to connect/i.test(message)) {
    return failure('unavailable', 'unreachable', `Timed out connecting to ${where}${waited}`)
  }
  if (/^Query read timeout/i.test(message)) {
    return failure('unavailable', 'timeout', `No answer from ${where} within the query timeout`)
  }
  if (/Connection terminated/i.test(message)) {
    return failure('unavailable', 'unreachable', `The connection to ${where} was closed unexpectedly`)
  }
  // SCRAM needs a password, and none is stored.
  if (/client password must be a (non-empty )?string/i.test(message)) {
    return failure('validation', 'auth_failed', `PostgreSQL at ${where} asks user '${at.user}' for a password, and none is stored`)
  }
  return failure('internal', 'error', `PostgreSQL at ${where}: ${message}`)
}

function privilegeMessage(message: string, detail: string | undefined, at: PgEndpoint, where: string): string {
  // Connecting to a database needs CONNECT on it; the server says so in the detail.
  if (/CONNECT privilege/i.test(detail ?? '')) {
    const grant = `GRANT CONNECT ON DATABASE ${quoteIdent(at.database)} TO ${quoteIdent(at.user)}`
    return `User '${at.user}' may not connect to database '${at.database}' on ${where}: it lacks the CONNECT privilege (${grant})`
  }
  return `User '${at.user}' lacks a privilege on ${where}: ${message}`
}

/** A name as SQL quotes it, for the GRANT the message suggests. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
