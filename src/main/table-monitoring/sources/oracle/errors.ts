// What an Oracle or driver error means for the user: one AppError with a reason, the ORA- code
// and where the call was going (never the password).
import { AppError, type ErrorCode } from '../../../../shared/errors'

/** Where the failed call was going, and what it was doing. Never holds the password. */
export interface OracleFailureContext {
  host: string
  port: number
  user: string
  sid?: string | null
  service_name?: string | null
  /**
   * connect: opening the session (listener, login); dictionary: reading ALL_TABLES and friends
   * or the version; query: a snapshot query built from the user's columns and where_clause.
   */
  phase: 'connect' | 'dictionary' | 'query'
  connectTimeoutSeconds?: number
  /** The call's time limit, for a cancelled call. */
  timeoutMs?: number
}

export type OracleFailureReason =
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'unknown_service'
  | 'unknown_sid'
  | 'listener_refused'
  | 'server_unavailable'
  | 'connection_lost'
  /** Wrong username or password, a locked account, an expired password. */
  | 'auth_failed'
  | 'insufficient_privilege'
  | 'not_found'
  | 'invalid_where'
  | 'read_only'
  | 'bad_connect_string'
  | 'error'

interface DriverErrorParts {
  /** NJS-xxx, DPY-xxxx, DPI-xxxx or ORA-xxxxx, as the driver set it. */
  code: string | undefined
  /** The first ORA-xxxxx the error carries, in its code or its text (e.g. "Cause: ORA-12516"). */
  ora: string | undefined
  /** The driver's text without the help URL and the CONNECTION_ID. */
  text: string
  /** The first line of `text`. */
  headline: string
}

function partsOf(err: unknown): DriverErrorParts {
  const record = typeof err === 'object' && err !== null ? (err as { code?: unknown; errorNum?: unknown; message?: unknown }) : {}
  const raw = typeof record.message === 'string' && record.message ? record.message : String(err)
  const text = raw
    .split('\n')
    .filter((line) => !/^Help: https?:/.test(line.trim()))
    .join('\n')
    .replace(/\s*\(CONNECTION_ID=[^)]*\)/g, '')
    .trim()
  const code = typeof record.code === 'string' ? record.code : undefined
  let ora = code?.startsWith('ORA-') ? code : /\bORA-\d{5}\b/.exec(text)?.[0]
  if (ora === undefined && typeof record.errorNum === 'number' && record.errorNum > 0) ora = `ORA-${String(record.errorNum).padStart(5, '0')}`
  return { code, ora, text, headline: (text.split('\n')[0] ?? '').trim() }
}

/** `host:port`, with brackets around an IPv6 literal. */
export function oracleEndpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

export function targetOf(at: OracleFailureContext): string {
  if (at.service_name) return `service_name '${at.service_name}'`
  if (at.sid) return `SID '${at.sid}'`
  return 'no service_name or SID'
}

const CONNECTION_LOST = new Set([
  'ORA-00028', 'ORA-00031', 'ORA-00045', 'ORA-00378', 'ORA-00600', 'ORA-00602', 'ORA-00603', 'ORA-00609', 'ORA-01012',
  'ORA-01041', 'ORA-01043', 'ORA-02396', 'ORA-03113', 'ORA-03114', 'ORA-03122', 'ORA-03135', 'ORA-12153', 'ORA-12537',
  'ORA-12547', 'ORA-12570', 'ORA-12583', 'ORA-27146', 'ORA-28511', 'ORA-56600'
])
const DRIVER_CONNECTION_LOST = new Set(['NJS-500', 'NJS-501', 'NJS-521', 'NJS-003', 'DPI-1010', 'DPI-1080', 'DPY-4011'])
const NOT_OPEN = new Set(['ORA-01033', 'ORA-01034', 'ORA-01089', 'ORA-01090', 'ORA-01109', 'ORA-12526', 'ORA-12527', 'ORA-12528', 'ORA-01155'])
const LISTENER_REFUSED = new Set(['ORA-12516', 'ORA-12518', 'ORA-12519', 'ORA-12520', 'ORA-12521', 'ORA-12529', 'ORA-12564'])
/** The statement could not be parsed or its values could not be compared: the user's where_clause, in a snapshot query. */
const STATEMENT_ERRORS = new Set([
  'ORA-00900', 'ORA-00904', 'ORA-00905', 'ORA-00906', 'ORA-00907', 'ORA-00908', 'ORA-00909', 'ORA-00911', 'ORA-00917',
  'ORA-00918', 'ORA-00920', 'ORA-00921', 'ORA-00923', 'ORA-00927', 'ORA-00932', 'ORA-00933', 'ORA-00934', 'ORA-00936',
  'ORA-00937', 'ORA-00938', 'ORA-00939', 'ORA-00979', 'ORA-00997', 'ORA-01427', 'ORA-01476', 'ORA-01722', 'ORA-01756',
  'ORA-01788', 'ORA-01790', 'ORA-01830', 'ORA-01839', 'ORA-01840', 'ORA-01841', 'ORA-01843', 'ORA-01847', 'ORA-01850',
  'ORA-01858', 'ORA-01861', 'ORA-01862', 'ORA-01873', 'ORA-06502', 'ORA-06553', 'ORA-12704', 'ORA-22848', 'ORA-22835',
  'ORA-00902', 'ORA-30089'
])
/** A write inside the read-only transaction (or to a read-only database). */
const WRITE_REFUSED = new Set(['ORA-01456', 'ORA-14551', 'ORA-16000'])
const CANCELLED = new Set(['NJS-123', 'DPY-4024', 'DPI-1067'])

/**
 * Maps anything node-oracledb (Thin NJS-, Thick DPI- and server ORA- errors; DPY- codes of
 * python-oracledb's Thin mode read the same way) or the watchdog throws onto an AppError whose
 * message says what failed, where (host:port) and what was tried (service_name or SID).
 * `extra.reason` classifies it for scripts and the UI; `extra.oracle_code` keeps the ORA- or
 * driver code. Messages quote the driver's text, which never holds the password.
 */
export function oracleFailure(err: unknown, at: OracleFailureContext): AppError {
  if (err instanceof AppError) return err
  const { code, ora, text, headline } = partsOf(err)
  const where = oracleEndpoint(at.host, at.port)
  const tried = targetOf(at)
  const fail = (errorCode: ErrorCode, reason: OracleFailureReason, message: string, field?: string): AppError =>
    new AppError(errorCode, message, { field, extra: { reason, oracle_code: ora ?? code ?? null } })

  // The listener, the network and the login.
  if (code === 'NJS-518' || code === 'DPY-6001' || ora === 'ORA-12514') {
    const service = at.service_name ?? quotedName(text, 'Service')
    return fail('unavailable', 'unknown_service', `The Oracle listener at ${where} does not know service_name '${service}' (ORA-12514): check the name; \`lsnrctl services\` on the database server lists the registered ones`)
  }
  if (code === 'NJS-519' || code === 'DPY-6003' || ora === 'ORA-12505') {
    const sid = at.sid ?? quotedName(text, 'SID')
    return fail('unavailable', 'unknown_sid', `The Oracle listener at ${where} does not know SID '${sid}' (ORA-12505): check the SID, or give the service_name instead`)
  }
  if (code === 'NJS-510' || ora === 'ORA-12170' || (code === 'DPY-6005' && /timed out|timeout/i.test(text))) {
    const seconds = /of (\d+(?:\.\d+)?) seconds/.exec(text)?.[1] ?? at.connectTimeoutSeconds
    const within = seconds === undefined ? '' : ` within the ${seconds} s connection timeout`
    return fail('unavailable', 'timeout', `No answer from an Oracle listener at ${where} (${tried})${within}: check the host, the port and any firewall in between`)
  }
  if (/ECONNREFUSED/.test(text) || ora === 'ORA-12541') {
    return fail('unavailable', 'refused', `Connection refused by ${where} (${tried}): no Oracle listener is running on that port`)
  }
  if (code === 'NJS-530' || ora === 'ORA-12545' || /ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) {
    return fail('unavailable', 'unreachable', `Cannot resolve host name '${at.host}' (for ${where}, ${tried})`)
  }
  if (/EHOSTUNREACH|ENETUNREACH/.test(text) || ora === 'ORA-12543') {
    return fail('unavailable', 'unreachable', `No route to ${where} (${tried}): ${lastLine(text)}`)
  }
  if (/ETIMEDOUT/.test(text)) {
    return fail('unavailable', 'timeout', `The TCP connection to ${where} (${tried}) timed out: ${lastLine(text)}`)
  }
  if (code === 'NJS-503' || code === 'NJS-504' || code === 'DPY-6005') {
    return fail('unavailable', 'unreachable', `Cannot connect to ${where} (${tried}): ${lastLine(text)}`)
  }
  if (code === 'NJS-511' || (ora !== undefined && LISTENER_REFUSED.has(ora))) {
    const cause = ora ? ` (${ora})` : ''
    return fail('unavailable', 'listener_refused', `The Oracle listener at ${where} refused the connection to ${tried}${cause}: ${lastLine(text)}`)
  }
  if (ora !== undefined && NOT_OPEN.has(ora)) {
    return fail('unavailable', 'server_unavailable', `Oracle at ${where} (${tried}) is not open for connections (starting up, shutting down or down): ${oraLine(text, ora)}`)
  }
  if (ora === 'ORA-01017' || ora === 'ORA-01005' || ora === 'ORA-01004') {
    return fail('validation', 'auth_failed', `Oracle at ${where} (${tried}) refused user '${at.user}': invalid username or password (${ora})`, 'password')
  }
  if (ora === 'ORA-28000') {
    return fail('validation', 'auth_failed', `The account '${at.user}' is locked on ${where} (ORA-28000): a DBA can unlock it with ALTER USER … ACCOUNT UNLOCK`, 'username')
  }
  if (ora === 'ORA-28001' || ora === 'ORA-28002') {
    return fail('validation', 'auth_failed', `The password of '${at.user}' on ${where} has expired (${ora}): set a new one`, 'password')
  }
  if (ora === 'ORA-01045') {
    return fail('forbidden', 'insufficient_privilege', `User '${at.user}' may not log on to ${where} (ORA-01045): it lacks the CREATE SESSION privilege`)
  }
  if ((code !== undefined && DRIVER_CONNECTION_LOST.has(code)) || (ora !== undefined && CONNECTION_LOST.has(ora))) {
    return fail('unavailable', 'connection_lost', `The connection to Oracle at ${where} (${tried}) was lost: ${cleanLines(text)}`)
  }
  if (code !== undefined && /^NJS-(125|512|514|515|516|517|522)$/.test(code)) {
    return fail('validation', 'bad_connect_string', `Vigil cannot use the Oracle address ${where} (${tried}): ${headline}`)
  }

  // A call that ran out of time.
  if ((code !== undefined && CANCELLED.has(code)) || ora === 'ORA-01013') {
    const limit = at.timeoutMs === undefined ? '' : ` after ${at.timeoutMs} ms, its time limit`
    const what = at.phase === 'query' ? 'The snapshot query' : 'Reading the data dictionary'
    return fail('unavailable', 'timeout', `${what} on Oracle at ${where} was cancelled${limit}`)
  }

  // Errors about the statement.
  if (ora === 'ORA-00942') {
    return fail('not_found', 'not_found', `Oracle at ${where}: the table or view does not exist, or user '${at.user}' may not read it (${oraLine(text, ora)})`)
  }
  if (ora === 'ORA-01031' || ora === 'ORA-01039' || ora === 'ORA-41900') {
    return fail('forbidden', 'insufficient_privilege', `User '${at.user}' lacks a privilege on ${where}: ${oraLine(text, ora)}`)
  }
  if (at.phase === 'query' && ora !== undefined && WRITE_REFUSED.has(ora)) {
    return fail(
      'validation',
      'read_only',
      `The snapshot query tried to write to the database (${oraLine(text, ora)}): snapshots run read-only; remove whatever writes from the where_clause`,
      'where_clause'
    )
  }
  if (at.phase === 'query' && ora !== undefined && STATEMENT_ERRORS.has(ora)) {
    return fail(
      'validation',
      'invalid_where',
      `Oracle could not run the snapshot query: ${oraLine(text, ora)}. Check the where_clause (and that the monitored columns still exist)`,
      'where_clause'
    )
  }
  return fail('internal', 'error', `Oracle at ${where}: ${cleanLines(text)}`)
}

/** The driver's name in quotes after `label`, e.g. Service "X" → X. */
function quotedName(text: string, label: string): string {
  return new RegExp(`${label} "([^"]*)"`).exec(text)?.[1] ?? '?'
}

/** The line holding the ORA- code, or the first line. */
function oraLine(text: string, ora: string): string {
  return (text.split('\n').find((line) => line.includes(ora)) ?? text.split('\n')[0] ?? '').trim()
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean)
  return (lines.at(-1) ?? text).replace(/^Cause:\s*/, '')
}

function cleanLines(text: string): string {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).join('; ')
}

/** Plain SQL errors leave the session usable; everything else (network, timeouts, driver state) does not. */
export function leavesSessionUsable(err: unknown): boolean {
  const { code, ora } = partsOf(err)
  return code === ora && ora !== undefined && !CONNECTION_LOST.has(ora) && ora !== 'ORA-01013'
}
