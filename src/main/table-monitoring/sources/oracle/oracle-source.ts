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
import { performance } from 'node:perf_hooks'
import { AppError } from '../../../../shared/errors'
import { oracleDialect } from '../../sql/dialect'
import { KeptConnection, settleWithin } from '../kept-connection'
import {
  DEFAULT_DICTIONARY_TIMEOUT_MS,
  DEFAULT_WATCHDOG_GRACE_MS,
  type QueryLimits,
  type SnapshotSource,
  type SourceColumn,
  type SourceTable,
  type SourceTableDetail,
  type SourceTimeLimits,
  type SourceVersion
} from '../source'
import { buildConnectString } from './connect-descriptor'
import { loadOracleDriver, type OracleBinds, type OracleConnection, type OracleDriver } from './driver'
import { leavesSessionUsable, oracleEndpoint, oracleFailure, targetOf, type OracleFailureContext } from './errors'
import { oracleFetchTypeHandler } from './values'


/** connectTimeoutSeconds is rounded up to whole seconds, which is what Thin mode takes. */
export interface OracleSourceOptions extends SourceTimeLimits {
  host: string
  port: number
  sid?: string | null
  service_name?: string | null
  user: string
  password: string
  /** Minutes between TCP keepalive probes on the kept connection; 2 by default. */
  expireTimeMinutes?: number
  /** The driver; node-oracledb by default. Tests pass a stand-in. */
  driver?: OracleDriver
}

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
  private readonly kept: KeptConnection<OracleConnection> = new KeptConnection(
    (connection, interrupt) => this.shutdown(connection, interrupt),
    () => new AppError('unavailable', `The Oracle source ${this.describe()} is closed`, { extra: { reason: 'connection_lost', oracle_code: null } })
  )

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
    this.graceMs = options.watchdogGraceMs ?? DEFAULT_WATCHDOG_GRACE_MS
    this.dictionaryTimeoutMs = options.dictionaryTimeoutMs ?? DEFAULT_DICTIONARY_TIMEOUT_MS
    this.expireTimeMinutes = options.expireTimeMinutes ?? DEFAULT_EXPIRE_TIME_MINUTES
    this.suppliedDriver = options.driver
  }

  /** A new session (the kept one is dropped first, so this proves one can be opened now), a ping, and the version. */
  test(): Promise<SourceVersion> {
    return this.exclusive(async () => {
      if (this.kept.current) this.discard(this.kept.current, false)
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
      this.kept.current = connection
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
  close(): Promise<void> {
    return this.kept.close()
  }

  // -------------------------------------------------------------------------------------------

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.kept.exclusive(work)
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
    const connection = this.kept.current ?? (this.kept.current = await this.open())
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

  private discard(connection: OracleConnection, interrupt: boolean): void {
    this.kept.discard(connection, interrupt)
  }

  /**
   * Closes a discarded connection: break() first when a call may still be running on it, then
   * close(); if close() is stuck behind a call on a silent socket, the socket is destroyed (Thin
   * mode has no public call for that, so this reaches its internals, and does nothing when they
   * are not there).
   */
  private async shutdown(connection: OracleConnection, interrupt: boolean): Promise<void> {
    if (interrupt) await settleWithin(connection.break(), this.graceMs)
    if (!(await settleWithin(connection.close(), this.graceMs))) destroySocket(connection)
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


function destroySocket(connection: OracleConnection): void {
  try {
    const internals = connection as unknown as { _impl?: { nscon?: { forceDisconnect?: () => void } } }
    internals._impl?.nscon?.forceDisconnect?.()
  } catch {
    // Best effort: the socket also dies with the keepalive (expireTime).
  }
}
