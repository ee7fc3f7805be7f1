// Oracle tables for the snapshot monitor, through node-oracledb in Thin mode: pure JavaScript,
// no Instant Client, Oracle Database 12.1 and later. initOracleClient() is never called.
//
// One connection is kept between calls and rebuilt when it broke. Every call runs in a
// read-only transaction (SET TRANSACTION READ ONLY ... ROLLBACK) under two clocks:
// connection.callTimeout, which bounds each round trip and has the server cancel the call
// (ORA-01013), and a watchdog of our own over the whole call, for when the server or the network
// stops answering altogether — callTimeout alone cannot save a call whose socket went silent, and
// Thin mode's connectTimeout stops at the listener's ACCEPT, so a login that hangs after it would
// wait forever (test/integration/oracle-source.test.ts shows both).
//
// What this does not stop: a function called from a user's where_clause that writes in an
// autonomous transaction (PRAGMA AUTONOMOUS_TRANSACTION) escapes the read-only transaction.
// Monitor with an account that has only SELECT privileges.
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { AppError, type ErrorCode } from '../../../../shared/errors'
import { buildConnectString } from './connect-descriptor'
import { oracleDialect } from '../../sql/dialect'
import type { QueryLimits, SnapshotSource, SourceColumn, SourceTable, SourceTableDetail, SourceVersion } from '../source'

// ---------------------------------------------------------------------------------------------
// The part of node-oracledb this module uses. The package ships no type declarations, so these
// are written from its lib/ (v26) and kept to what we call.

/** A database type singleton such as oracledb.DB_TYPE_NUMBER; compared by identity. */
export interface OracleDbType {
  readonly num: number
  readonly name: string
}

/** What a fetchTypeHandler is told about a column. */
export interface OracleColumnMetadata {
  name: string
  dbType: OracleDbType
  /** NUMBER: declared precision, 0 when none (then scale is -127). */
  precision?: number
  scale?: number
}

export interface OracleFetchType {
  type?: OracleDbType
  converter?: (value: unknown) => unknown
}

export type OracleFetchTypeHandler = (metadata: OracleColumnMetadata) => OracleFetchType | undefined

export interface OracleExecuteOptions {
  outFormat?: number
  fetchTypeHandler?: OracleFetchTypeHandler
  dbObjectAsPojo?: boolean
  fetchArraySize?: number
  prefetchRows?: number
  maxRows?: number
  autoCommit?: boolean
}

export type OracleBinds = readonly unknown[] | Record<string, unknown>

export interface OracleConnection {
  /** Milliseconds one round trip may take; 0 = none. */
  callTimeout: number
  readonly oracleServerVersionString: string
  execute(sql: string, binds?: OracleBinds, options?: OracleExecuteOptions): Promise<{ rows?: unknown[] }>
  ping(): Promise<void>
  rollback(): Promise<void>
  /** Asks the server to stop the running call (a break marker); not queued behind it. */
  break(): Promise<void>
  close(): Promise<void>
}

export interface OracleConnectConfig {
  user: string
  password: string
  connectString: string
  /** Seconds for the TCP connect, the listener's answer and Oracle Net negotiation. */
  connectTimeout: number
  /** Seconds for the TCP connect alone (Thin mode defaults it to 20 otherwise). */
  transportConnectTimeout: number
  retryCount: number
  /** Minutes between TCP keepalive probes (dead connection detection). */
  expireTime: number
}

export interface OracleDriver {
  getConnection(config: OracleConnectConfig): Promise<OracleConnection>
  readonly OUT_FORMAT_OBJECT: number
  readonly DB_TYPE_NUMBER: OracleDbType
  readonly DB_TYPE_VARCHAR: OracleDbType
  readonly DB_TYPE_RAW: OracleDbType
  readonly DB_TYPE_CLOB: OracleDbType
  readonly DB_TYPE_NCLOB: OracleDbType
  readonly DB_TYPE_BLOB: OracleDbType
}

/** node-oracledb itself, loaded on first use (it is CommonJS without types). */
export function loadOracleDriver(): OracleDriver {
  return createRequire(import.meta.url)('oracledb') as OracleDriver
}

// ---------------------------------------------------------------------------------------------
// Values

/**
 * Types as the snapshot needs them (the rows are compared and stored as JSON):
 * - CLOB and NCLOB as strings, BLOB as a Buffer (RAW already is one): a Lob object would need
 *   another round trip per value and cannot be compared.
 * - NUMBER as a JavaScript number when that loses nothing, else as its exact decimal text. A
 *   column whose declared precision is 1 to 15 always fits a double (15 significant digits
 *   survive a round trip), so it takes the driver's fast path. Every other NUMBER — no
 *   precision, as most ID columns are declared, NUMBER(16..38), FLOAT, computed values — is
 *   fetched as the server's decimal text and `oracleNumberValue` decides per value. The same
 *   value always comes back the same way, so the diff never sees a change that did not happen.
 * - DATE and TIMESTAMP as Date (the driver's default; DATE and TIMESTAMP without a time zone
 *   are read in Vigil's local time zone), RAW as Buffer, the rest as the driver gives them.
 */
export function oracleFetchTypeHandler(driver: OracleDriver): OracleFetchTypeHandler {
  return (metadata) => {
    switch (metadata.dbType) {
      case driver.DB_TYPE_CLOB:
      case driver.DB_TYPE_NCLOB:
        // The driver maps this onto LONG / LONG NVARCHAR and reads the whole LOB inline.
        return { type: driver.DB_TYPE_VARCHAR }
      case driver.DB_TYPE_BLOB:
        return { type: driver.DB_TYPE_RAW }
      case driver.DB_TYPE_NUMBER:
        return numberFitsDouble(metadata) ? undefined : { type: driver.DB_TYPE_VARCHAR, converter: oracleNumberValue }
      default:
        return undefined
    }
  }
}

/** NUMBER(p) and NUMBER(p, s) with 1 ≤ p ≤ 15; FLOAT (scale -127) counts its precision in bits. */
function numberFitsDouble(metadata: OracleColumnMetadata): boolean {
  const { precision, scale } = metadata
  return typeof precision === 'number' && precision >= 1 && precision <= 15 && scale !== -127
}

/**
 * An Oracle NUMBER's decimal text (as Thin mode writes it: "123", "-.05", "1000…0") as a number
 * when the number is the same decimal value — the shortest text JavaScript prints for it names
 * the same number — and, for integers, a safe one (|n| ≤ 2^53 − 1, where arithmetic stays
 * exact). Otherwise the text, unchanged: 12345678901234567890 or 0.12345678901234567 stay strings.
 */
export function oracleNumberValue(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const number = Number(value)
  if (!Number.isFinite(number) || value.trim() === '') return value
  if (Number.isInteger(number) && !Number.isSafeInteger(number)) return value
  const exact = decimalKey(value)
  return exact !== null && exact === decimalKey(String(number)) ? number : value
}

/** A decimal's value as "±0.<digits>e<exponent>" with no leading or trailing zero digits. */
function decimalKey(text: string): string | null {
  const match = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim())
  if (!match) return null
  const whole = match[2] ?? ''
  const fraction = match[3] ?? ''
  if (whole === '' && fraction === '') return null
  let digits = whole + fraction
  let exponent = Number(match[4] ?? 0) + whole.length
  const firstDigit = digits.search(/[1-9]/)
  if (firstDigit < 0) return '0'
  digits = digits.slice(firstDigit).replace(/0+$/, '')
  exponent -= firstDigit
  return `${match[1] === '-' ? '-' : ''}0.${digits}e${exponent}`
}

// ---------------------------------------------------------------------------------------------
// Errors

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

function targetOf(at: OracleFailureContext): string {
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
function leavesSessionUsable(err: unknown): boolean {
  const { code, ora } = partsOf(err)
  return code === ora && ora !== undefined && !CONNECTION_LOST.has(ora) && ora !== 'ORA-01013'
}

// ---------------------------------------------------------------------------------------------
// The source

export interface OracleSourceOptions {
  host: string
  port: number
  sid?: string | null
  service_name?: string | null
  user: string
  password: string
  /** The spec's connection_timeout in seconds; rounded up to whole seconds, which is what Thin mode takes. */
  connectTimeoutSeconds: number
  /** How long past a time limit the watchdog waits before it gives up on the driver; 5 s by default. */
  watchdogGraceMs?: number
  /** Time limit of data dictionary reads (listTables, describeTable, the version banner); 30 s by default. */
  dictionaryTimeoutMs?: number
  /** Minutes between TCP keepalive probes on the kept connection; 2 by default. */
  expireTimeMinutes?: number
  /** The driver; node-oracledb by default. Tests pass a stand-in. */
  driver?: OracleDriver
}

const DEFAULT_GRACE_MS = 5_000
const DEFAULT_DICTIONARY_TIMEOUT_MS = 30_000
const DEFAULT_EXPIRE_TIME_MINUTES = 2
/** Rows per round trip: a 100k-row snapshot in 100 round trips instead of the default 1000. */
const FETCH_ARRAY_SIZE = 1_000

const BANNER_SQL = `SELECT BANNER FROM V$VERSION WHERE BANNER LIKE 'Oracle%' AND ROWNUM = 1`

/**
 * Tables the account can read, without nested tables, index and IOT overflow segments or the
 * recycle bin. Without an owner, schemas Oracle maintains (SYS, SYSTEM, XDB, …) are left out
 * (ALL_USERS.ORACLE_MAINTAINED, 12.1+); with one, that owner's tables are listed whatever it is.
 */
function listTablesSql(filter: 'owner' | 'maintained' | 'fixed_list'): string {
  const condition =
    filter === 'owner'
      ? 't.OWNER = :owner'
      : filter === 'maintained'
        ? `NOT EXISTS (SELECT 1 FROM ALL_USERS u WHERE u.USERNAME = t.OWNER AND u.ORACLE_MAINTAINED = 'Y')`
        : `t.OWNER NOT IN (${ORACLE_SCHEMAS.map((name) => `'${name}'`).join(', ')})`
  return [
    'SELECT t.OWNER AS "owner", t.TABLE_NAME AS "name", t.NUM_ROWS AS "num_rows"',
    'FROM ALL_TABLES t',
    `WHERE t.NESTED = 'NO' AND t.SECONDARY = 'N' AND t.DROPPED = 'NO' AND (t.IOT_TYPE IS NULL OR t.IOT_TYPE = 'IOT')`,
    `AND ${condition}`,
    'ORDER BY t.OWNER, t.TABLE_NAME'
  ].join(' ')
}

/** For a dictionary without ALL_USERS.ORACLE_MAINTAINED (before 12.1): the usual ones. */
const ORACLE_SCHEMAS = [
  'SYS', 'SYSTEM', 'OUTLN', 'DBSNMP', 'APPQOSSYS', 'XDB', 'CTXSYS', 'MDSYS', 'ORDSYS', 'ORDDATA', 'OLAPSYS', 'WMSYS',
  'EXFSYS', 'LBACSYS', 'DVSYS', 'AUDSYS', 'GSMADMIN_INTERNAL', 'OJVMSYS', 'SI_INFORMTN_SCHEMA', 'MDDATA', 'ORACLE_OCM',
  'APEX_PUBLIC_USER', 'FLOWS_FILES', 'SYSMAN', 'MGMT_VIEW', 'DIP', 'ANONYMOUS', 'XS$NULL', 'DBSFWUSER', 'REMOTE_SCHEDULER_AGENT'
]

const DESCRIBE_TABLE_SQL = `SELECT t.OWNER AS "owner", t.TABLE_NAME AS "name", t.NUM_ROWS AS "num_rows" FROM ALL_TABLES t WHERE t.OWNER = :1 AND t.TABLE_NAME = :2`
const DESCRIBE_COLUMNS_SQL = [
  'SELECT c.COLUMN_NAME AS "name", c.DATA_TYPE AS "type", c.NULLABLE AS "nullable"',
  'FROM ALL_TAB_COLUMNS c WHERE c.OWNER = :1 AND c.TABLE_NAME = :2 ORDER BY c.COLUMN_ID'
].join(' ')
const DESCRIBE_KEY_SQL = [
  'SELECT cc.COLUMN_NAME AS "name" FROM ALL_CONSTRAINTS c',
  'JOIN ALL_CONS_COLUMNS cc ON cc.OWNER = c.OWNER AND cc.CONSTRAINT_NAME = c.CONSTRAINT_NAME AND cc.TABLE_NAME = c.TABLE_NAME',
  `WHERE c.OWNER = :1 AND c.TABLE_NAME = :2 AND c.CONSTRAINT_TYPE = 'P' ORDER BY cc.POSITION`
].join(' ')

type Phase = OracleFailureContext['phase']

export class OracleSource implements SnapshotSource {
  readonly dialect = oracleDialect
  /** A private field: it never shows in JSON, util.inspect or a logged object. */
  readonly #password: string
  private readonly address: { host: string; port: number; sid: string | null; service_name: string | null }
  private readonly user: string
  private readonly connectString: string
  private readonly connectTimeoutSeconds: number
  private readonly graceMs: number
  private readonly dictionaryTimeoutMs: number
  private readonly expireTimeMinutes: number
  private readonly suppliedDriver?: OracleDriver
  private driver?: OracleDriver
  private connection?: OracleConnection
  /** Calls run one at a time on the one connection: a transaction must not interleave with another's. */
  private queue: Promise<unknown> = Promise.resolve()
  /** Connections being closed in the background, awaited by close(). */
  private readonly closing = new Set<Promise<void>>()
  private readonly discarded = new WeakSet<OracleConnection>()
  private closed = false

  constructor(options: OracleSourceOptions) {
    // Validates host, port, sid / service_name (AppError 'validation' naming the field).
    this.connectString = buildConnectString(options)
    if (typeof options.user !== 'string' || options.user.length === 0) throw AppError.invalidField('username', 'must not be empty')
    if (!Number.isFinite(options.connectTimeoutSeconds) || options.connectTimeoutSeconds <= 0) {
      throw AppError.invalidField('connection_timeout', 'must be a positive number of seconds')
    }
    this.address = { host: options.host, port: options.port, sid: options.sid || null, service_name: options.service_name || null }
    this.user = options.user
    this.#password = options.password
    // Thin mode takes whole seconds.
    this.connectTimeoutSeconds = Math.ceil(options.connectTimeoutSeconds)
    this.graceMs = options.watchdogGraceMs ?? DEFAULT_GRACE_MS
    this.dictionaryTimeoutMs = options.dictionaryTimeoutMs ?? DEFAULT_DICTIONARY_TIMEOUT_MS
    this.expireTimeMinutes = options.expireTimeMinutes ?? DEFAULT_EXPIRE_TIME_MINUTES
    this.suppliedDriver = options.driver
  }

  /** A new session (the kept one is dropped first, so this proves one can be opened now), a ping, and the version. */
  test(): Promise<SourceVersion> {
    return this.exclusive(async () => {
      if (this.connection) this.discard(this.connection, false)
      const started = performance.now()
      const connection = await this.open()
      const limitMs = this.connectTimeoutSeconds * 1000
      try {
        connection.callTimeout = limitMs
        await this.watched(connection.ping(), limitMs, () => this.stalled(connection, 'The ping', limitMs))
      } catch (error) {
        this.discard(connection, false)
        throw oracleFailure(error, this.context('connect', limitMs))
      }
      const connectionTimeMs = performance.now() - started
      this.connection = connection
      const versionNumber = connection.oracleServerVersionString
      let version = `Oracle Database ${versionNumber}`
      try {
        // V$VERSION is granted to PUBLIC by default; a locked-down account may not see it.
        const rows = await this.readOnly('dictionary', this.dictionaryTimeoutMs, (c) => this.rows(c, BANNER_SQL, []))
        const banner = (rows[0] as { BANNER?: unknown } | undefined)?.BANNER
        if (typeof banner === 'string' && banner.trim()) version = banner.trim()
      } catch (error) {
        if (!(error instanceof AppError) || (error.code !== 'not_found' && error.code !== 'forbidden')) throw error
      }
      return { version, connectionTimeMs }
    })
  }

  listTables(owner?: string): Promise<SourceTable[]> {
    return this.exclusive(async () => {
      const read = (sql: string, binds: OracleBinds) => this.readOnly('dictionary', this.dictionaryTimeoutMs, (c) => this.rows(c, sql, binds))
      let rows: unknown[]
      if (owner !== undefined) {
        rows = await read(listTablesSql('owner'), { owner })
      } else {
        try {
          rows = await read(listTablesSql('maintained'), [])
        } catch (error) {
          if (!(error instanceof AppError) || error.extra?.oracle_code !== 'ORA-00904') throw error
          rows = await read(listTablesSql('fixed_list'), [])
        }
      }
      return rows.map((row) => tableOf(row as DictionaryTableRow))
    })
  }

  describeTable(owner: string, table: string): Promise<SourceTableDetail> {
    return this.exclusive(async () => {
      const [tables, columns, key] = await this.readOnly('dictionary', this.dictionaryTimeoutMs, async (c) => {
        const found = await this.rows(c, DESCRIBE_TABLE_SQL, [owner, table])
        if (found.length === 0) return [[], [], []]
        return [found, await this.rows(c, DESCRIBE_COLUMNS_SQL, [owner, table]), await this.rows(c, DESCRIBE_KEY_SQL, [owner, table])]
      })
      const row = tables[0] as DictionaryTableRow | undefined
      if (!row || columns.length === 0) {
        throw new AppError(
          'not_found',
          `Table ${JSON.stringify(owner)}.${JSON.stringify(table)} was not found on ${oracleEndpoint(this.address.host, this.address.port)}, or user '${this.user}' cannot see it (names are case-sensitive, as ALL_TABLES spells them)`,
          { extra: { reason: 'not_found', oracle_code: null } }
        )
      }
      return {
        ...tableOf(row),
        columns: columns.map((column): SourceColumn => {
          const { name, type, nullable } = column as { name: string; type: string; nullable: string }
          return { name, type, nullable: nullable !== 'N' }
        }),
        primaryKey: key.map((column) => (column as { name: string }).name)
      }
    })
  }

  query(sql: string, binds: readonly unknown[], limits: QueryLimits): Promise<Array<Record<string, unknown>>> {
    const timeoutMs = limits.timeoutMs
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return Promise.reject(new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`))
    return this.exclusive(async () => {
      const rows = await this.readOnly('query', Math.ceil(timeoutMs), (c) => this.rows(c, sql, [...binds]))
      return rows as Array<Record<string, unknown>>
    })
  }

  /** Closes the kept connection. Calls already queued finish first (each within its own deadline); later ones are refused. */
  async close(): Promise<void> {
    this.closed = true
    await this.queue
    if (this.connection) this.discard(this.connection, false)
    await Promise.all([...this.closing])
  }

  // -------------------------------------------------------------------------------------------

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new AppError('unavailable', `The Oracle source ${this.describe()} is closed`, { extra: { reason: 'connection_lost', oracle_code: null } })
      return work()
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  private loadDriver(): OracleDriver {
    this.driver ??= this.suppliedDriver ?? loadOracleDriver()
    return this.driver
  }

  /** Rows as objects keyed by column name, with the snapshot's value types (oracleFetchTypeHandler). */
  private async rows(connection: OracleConnection, sql: string, binds: OracleBinds): Promise<unknown[]> {
    const driver = this.loadDriver()
    const result = await connection.execute(sql, binds, {
      outFormat: driver.OUT_FORMAT_OBJECT,
      fetchTypeHandler: oracleFetchTypeHandler(driver),
      dbObjectAsPojo: true,
      fetchArraySize: FETCH_ARRAY_SIZE,
      prefetchRows: FETCH_ARRAY_SIZE
    })
    return result.rows ?? []
  }

  /**
   * A new session. Thin mode's connectTimeout covers the TCP connect and the listener's answer
   * but not the login after it, so the watchdog bounds the whole thing; a session that arrives
   * after the watchdog gave up is closed on arrival.
   */
  private async open(): Promise<OracleConnection> {
    const driver = this.loadDriver()
    const seconds = this.connectTimeoutSeconds
    const attempt = driver.getConnection({
      user: this.user,
      password: this.#password,
      connectString: this.connectString,
      connectTimeout: seconds,
      transportConnectTimeout: seconds,
      // Vigil's scheduler retries with backoff; a retry here would only hide the first failure.
      retryCount: 0,
      expireTime: this.expireTimeMinutes
    })
    try {
      return await this.watched(attempt, seconds * 1000, () => {
        attempt.then((late) => this.discard(late, false), () => undefined)
        return new AppError(
          'unavailable',
          `Oracle at ${this.describe()} accepted the connection but did not complete the login within ${seconds} s (plus ${this.graceSeconds()} s grace): Vigil gave up on it`,
          { extra: { reason: 'timeout', oracle_code: null } }
        )
      })
    } catch (error) {
      throw oracleFailure(error, this.context('connect'))
    }
  }

  /**
   * Runs `work` on the kept connection (opened if needed) inside a read-only transaction that is
   * always rolled back, with callTimeout = `timeoutMs` per round trip and the watchdog at
   * `timeoutMs` + grace over the whole call. A connection that failed other than with a plain
   * SQL error is dropped; the next call opens a new one.
   */
  private async readOnly<T>(phase: Phase, timeoutMs: number, work: (connection: OracleConnection) => Promise<T>): Promise<T> {
    const connection = this.connection ?? (this.connection = await this.open())
    const transaction = async (): Promise<T> => {
      connection.callTimeout = timeoutMs
      let result: T
      try {
        await connection.execute('SET TRANSACTION READ ONLY')
        result = await work(connection)
      } catch (error) {
        await connection.rollback().catch(() => this.discard(connection, false))
        throw error
      }
      // The rows are good whatever happens now; a failed rollback only costs the connection.
      await connection.rollback().catch(() => this.discard(connection, false))
      return result
    }
    const what = phase === 'query' ? 'The snapshot query' : 'Reading the data dictionary'
    try {
      return await this.watched(transaction(), timeoutMs, () => this.stalled(connection, what, timeoutMs))
    } catch (error) {
      if (!leavesSessionUsable(error)) this.discard(connection, !(error instanceof AppError))
      throw oracleFailure(error, this.context(phase, timeoutMs))
    }
  }

  /** The watchdog fired: break the call, drop the connection, and say so. */
  private stalled(connection: OracleConnection, what: string, timeoutMs: number): AppError {
    this.discard(connection, true)
    return new AppError(
      'unavailable',
      `${what} on Oracle at ${this.describe()} did not return within its ${timeoutMs} ms time limit (plus ${this.graceSeconds()} s grace): Vigil broke off the call and closed the connection`,
      { extra: { reason: 'timeout', oracle_code: null } }
    )
  }

  /** `promise`, or the error `onExpiry` makes once `limitMs` + grace have passed. */
  private watched<T>(promise: Promise<T>, limitMs: number, onExpiry: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(onExpiry()), limitMs + this.graceMs)
      promise.then(
        (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(error)
        }
      )
    })
  }

  /**
   * Forgets `connection` and closes it in the background: break() first when a call may still
   * be running on it, then close(); if close() is stuck behind a call on a silent socket, the
   * socket is destroyed (Thin mode has no public call for that, so this reaches its internals,
   * and does nothing when they are not there).
   */
  private discard(connection: OracleConnection, interrupt: boolean): void {
    if (this.connection === connection) this.connection = undefined
    if (this.discarded.has(connection)) return
    this.discarded.add(connection)
    const done = (async () => {
      if (interrupt) await settleWithin(connection.break(), this.graceMs)
      if (!(await settleWithin(connection.close(), this.graceMs))) destroySocket(connection)
    })()
    this.closing.add(done)
    void done.finally(() => this.closing.delete(done))
  }

  private context(phase: Phase, timeoutMs?: number): OracleFailureContext {
    return { ...this.address, user: this.user, phase, connectTimeoutSeconds: this.connectTimeoutSeconds, timeoutMs }
  }

  private describe(): string {
    return `${oracleEndpoint(this.address.host, this.address.port)} (${targetOf(this.context('connect'))})`
  }

  private graceSeconds(): number {
    return Number((this.graceMs / 1000).toFixed(2))
  }
}

interface DictionaryTableRow {
  owner: string
  name: string
  num_rows: unknown
}

function tableOf(row: DictionaryTableRow): SourceTable {
  const estimate = typeof row.num_rows === 'number' ? row.num_rows : typeof row.num_rows === 'string' ? Number(row.num_rows) : null
  return { owner: row.owner, name: row.name, rowEstimate: estimate !== null && Number.isFinite(estimate) ? estimate : null }
}

/** True when `promise` settled (either way) within `ms`. */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    promise.then(
      () => {
        clearTimeout(timer)
        resolve(true)
      },
      () => {
        clearTimeout(timer)
        resolve(true)
      }
    )
  })
}

function destroySocket(connection: OracleConnection): void {
  try {
    const internals = connection as unknown as { _impl?: { nscon?: { forceDisconnect?: () => void } } }
    internals._impl?.nscon?.forceDisconnect?.()
  } catch {
    // Best effort: the socket also dies with the keepalive (expireTime).
  }
}
