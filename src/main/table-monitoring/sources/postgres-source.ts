// PostgreSQL tables for the snapshot monitor, through node-postgres. One client is kept between
// calls and replaced when it broke. Every call runs as
//
//   BEGIN READ ONLY; SET LOCAL statement_timeout = <ms>; <statement>; ROLLBACK
//
// on that one client, so a where_clause can neither write (a volatile function that inserts
// fails with 25006) nor run past its time limit (the server cancels it, 57014). A watchdog at
// the limit + grace covers a server or network that stops answering altogether: the client is
// then destroyed rather than reused.
//
// Value types, as the diff and the stored JSON need them:
// - timestamp and timestamptz as Date, bytea as Buffer, json and jsonb parsed: node-postgres's
//   defaults.
// - int8 and numeric as strings (also the defaults): a JavaScript number holds 15 to 17
//   significant digits, so bigint keys past 2^53 and numeric(20,4) amounts would silently round,
//   and two different values could compare equal in the diff.
// - date as its 'YYYY-MM-DD' text: a calendar date has no time zone, and a Date at local
//   midnight would shift it by a day when written out in UTC.
import { performance } from 'node:perf_hooks'
import { Client, types, type CustomTypesConfig } from 'pg'
import { AppError } from '../../../shared/errors'
import { pgEndpoint, pgFailure, rowEstimateSql, type PgEndpoint } from '../../postgres'
import { postgresDialect } from '../sql/dialect'
import { KeptConnection, settleWithin } from './kept-connection'
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
} from './source'

export interface PostgresSourceOptions extends SourceTimeLimits {
  host: string
  port: number
  database: string
  user: string
  /** The stored password; null when none is stored (the server then must not ask for one). */
  password: string | null
}

/** A session left inside a transaction (a crashed caller) is ended by the server after this. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000
const DATE_OID = 1082

const snapshotTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID && format !== 'binary' ? (value: string) => value : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser']
}

/**
 * Tables and partitioned tables (not their partitions) in user schemas that the account may
 * read. rowEstimate is pg_class.reltuples, null when never counted (rowEstimateSql).
 */
const LIST_TABLES_SQL = `
  SELECT n.nspname AS owner, c.relname AS name, (${rowEstimateSql('c')})::float8 AS row_estimate
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p')
    AND NOT c.relispartition
    AND n.nspname <> 'information_schema'
    AND n.nspname NOT LIKE 'pg\\_%'
    AND has_schema_privilege(n.oid, 'USAGE')
    AND has_table_privilege(c.oid, 'SELECT')
    AND ($1::text IS NULL OR n.nspname = $1::text)
  ORDER BY n.nspname, c.relname`

const DESCRIBE_TABLE_SQL = `
  SELECT c.oid::int8::text AS oid, n.nspname AS owner, c.relname AS name, (${rowEstimateSql('c')})::float8 AS row_estimate
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
    AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')`

const DESCRIBE_COLUMNS_SQL = `
  SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
  FROM pg_catalog.pg_attribute a
  WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attnum`

/** The primary key's columns in key order; INCLUDE columns (past indnkeyatts) are not part of the key. */
const DESCRIBE_KEY_SQL = `
  SELECT a.attname AS name
  FROM pg_catalog.pg_index i
  CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE i.indrelid = $1::oid AND i.indisprimary AND k.position <= i.indnkeyatts
  ORDER BY k.position`

/** SQLSTATEs of a statement the server could not parse or evaluate: in a snapshot query, the where_clause. */
function isStatementError(sqlstate: string): boolean {
  return (sqlstate.startsWith('42') && sqlstate !== '42501' && sqlstate !== '42P01') || sqlstate.startsWith('22') || sqlstate === '21000'
}

type Phase = 'dictionary' | 'query'

/**
 * pgFailure (connection, login, privileges, server state) plus what only a snapshot query can
 * run into: a write refused by the read-only transaction, the statement timeout, a where_clause
 * the server cannot parse, a table that is gone.
 */
export function postgresSourceFailure(err: unknown, at: PgEndpoint, phase: Phase, timeoutMs?: number): AppError {
  if (err instanceof AppError) return err
  const record = typeof err === 'object' && err !== null ? (err as { code?: unknown; message?: unknown }) : {}
  const sqlstate = typeof record.code === 'string' && /^[0-9A-Z]{5}$/.test(record.code) ? record.code : undefined
  const message = typeof record.message === 'string' ? record.message : String(err)
  const where = pgEndpoint(at.host, at.port)
  const fail = (code: 'validation' | 'not_found' | 'unavailable', reason: string, text: string, field?: string): AppError =>
    new AppError(code, text, { field, extra: { reason, sqlstate: sqlstate ?? null } })

  if (sqlstate === '57014') {
    const what = phase === 'query' ? 'The snapshot query' : 'Reading the catalog'
    const limit = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms, its time limit (statement_timeout)`
    return fail('unavailable', 'timeout', `${what} on ${where}/${at.database} was cancelled${limit}`)
  }
  if (sqlstate === '25006' && phase === 'query') {
    return fail(
      'validation',
      'read_only',
      `The snapshot query tried to write to the database (${message}): snapshots run read-only; remove whatever writes from the where_clause`,
      'where_clause'
    )
  }
  if (sqlstate === '42P01') {
    return fail('not_found', 'not_found', `PostgreSQL at ${where}/${at.database}: ${message}`)
  }
  if (sqlstate !== undefined && phase === 'query' && isStatementError(sqlstate)) {
    return fail(
      'validation',
      'invalid_where',
      `PostgreSQL could not run the snapshot query: ${message} (SQLSTATE ${sqlstate}). Check the where_clause (and that the monitored columns still exist)`,
      'where_clause'
    )
  }
  return pgFailure(err, at)
}

/**
 * Errors the server reported in a healthy session (the transaction is rolled back next), a
 * statement_timeout cancel (57014) included; not connection (08) or operator (57P) failures.
 */
function leavesSessionUsable(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P')
}

export class PostgresSource implements SnapshotSource {
  readonly dialect = postgresDialect
  /** A private field: it never shows in JSON, util.inspect or a logged object. */
  readonly #password: string | null
  private readonly endpoint: PgEndpoint
  private readonly connectTimeoutSeconds: number
  private readonly graceMs: number
  private readonly dictionaryTimeoutMs: number
  private readonly kept: KeptConnection<Client> = new KeptConnection(
    (client) => this.shutdown(client),
    () => new AppError('unavailable', `The PostgreSQL source ${this.describe()} is closed`, { extra: { reason: 'server_unavailable', sqlstate: null } })
  )

  constructor(options: PostgresSourceOptions) {
    if (!Number.isFinite(options.connectTimeoutSeconds) || options.connectTimeoutSeconds <= 0) {
      throw AppError.invalidField('connection_timeout', 'must be a positive number of seconds')
    }
    this.#password = options.password
    this.connectTimeoutSeconds = options.connectTimeoutSeconds
    this.endpoint = {
      host: options.host,
      port: options.port,
      user: options.user,
      database: options.database,
      connectTimeoutMs: options.connectTimeoutSeconds * 1000
    }
    this.graceMs = options.watchdogGraceMs ?? DEFAULT_WATCHDOG_GRACE_MS
    this.dictionaryTimeoutMs = options.dictionaryTimeoutMs ?? DEFAULT_DICTIONARY_TIMEOUT_MS
  }

  /** A new session (the kept one is dropped first, so this proves one can be opened now) and version(). */
  test(): Promise<SourceVersion> {
    return this.exclusive(async () => {
      if (this.kept.current) this.discard(this.kept.current)
      const started = performance.now()
      this.kept.current = await this.open()
      const limitMs = this.connectTimeoutSeconds * 1000
      const rows = await this.readOnly('dictionary', limitMs, (client) => client.query<{ version: string }>('SELECT version() AS version'))
      return { version: rows[0]?.version ?? 'PostgreSQL', connectionTimeMs: performance.now() - started }
    })
  }

  listTables(owner?: string): Promise<SourceTable[]> {
    return this.exclusive(async () => {
      const rows = await this.readOnly('dictionary', this.dictionaryTimeoutMs, (client) => client.query<CatalogTableRow>(LIST_TABLES_SQL, [owner ?? null]))
      return rows.map(tableOf)
    })
  }

  describeTable(owner: string, table: string): Promise<SourceTableDetail> {
    return this.exclusive(async () => {
      const found = await this.readOnly('dictionary', this.dictionaryTimeoutMs, async (client) => {
        const tables = await client.query<CatalogTableRow & { oid: string }>(DESCRIBE_TABLE_SQL, [owner, table])
        const row = tables.rows[0]
        if (!row) return { rows: [] }
        const columns = await client.query<SourceColumn>(DESCRIBE_COLUMNS_SQL, [row.oid])
        const key = await client.query<{ name: string }>(DESCRIBE_KEY_SQL, [row.oid])
        return { rows: [{ row, columns: columns.rows, key: key.rows.map((column) => column.name) }] }
      })
      const detail = found[0]
      if (!detail) {
        throw new AppError(
          'not_found',
          `Table ${JSON.stringify(owner)}.${JSON.stringify(table)} was not found in database '${this.endpoint.database}' on ${pgEndpoint(this.endpoint.host, this.endpoint.port)}, or user '${this.endpoint.user}' may not read it (names are case-sensitive)`,
          { extra: { reason: 'not_found', sqlstate: null } }
        )
      }
      return { ...tableOf(detail.row), columns: detail.columns, primaryKey: detail.key }
    })
  }

  query(sql: string, binds: readonly unknown[], limits: QueryLimits): Promise<Array<Record<string, unknown>>> {
    const timeoutMs = limits.timeoutMs
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return Promise.reject(new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`))
    return this.exclusive(() => this.readOnly('query', Math.ceil(timeoutMs), (client) => client.query<Record<string, unknown>>(sql, [...binds])))
  }

  /** Ends the kept session. Calls already queued finish first (each within its own deadline); later ones are refused. */
  close(): Promise<void> {
    return this.kept.close()
  }

  // -------------------------------------------------------------------------------------------

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.kept.exclusive(work)
  }

  private async open(): Promise<Client> {
    const password = this.#password ?? ''
    const client = new Client({
      host: this.endpoint.host,
      port: this.endpoint.port,
      user: this.endpoint.user,
      database: this.endpoint.database,
      // A function, so the password is no property anyone can log, and only the stored one:
      // without it node-postgres would try PGPASSWORD and ~/.pgpass (see postgres/pool.ts).
      password: () => password,
      // Explicit, so PGSSLMODE in Vigil's environment does not change how servers are reached.
      ssl: false,
      connectionTimeoutMillis: Math.ceil(this.connectTimeoutSeconds * 1000),
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      application_name: 'vigil',
      keepAlive: true,
      types: snapshotTypes
    })
    // A session dropped by the server must not crash Vigil; the next call opens a new one.
    client.on('error', () => {
      if (this.kept.current === client) this.discard(client)
    })
    try {
      await client.connect()
    } catch (error) {
      void client.end().catch(() => undefined)
      throw pgFailure(error, this.endpoint)
    }
    return client
  }

  /**
   * `work` on the kept client (connected if needed) between BEGIN READ ONLY + SET LOCAL
   * statement_timeout and ROLLBACK, under the watchdog. A client that failed other than with a
   * server error in a healthy session is dropped; the next call connects again.
   */
  private async readOnly<R>(phase: Phase, timeoutMs: number, work: (client: Client) => Promise<{ rows: R[] }>): Promise<R[]> {
    const client = this.kept.current ?? (this.kept.current = await this.open())
    const transaction = async (): Promise<R[]> => {
      // One round trip; the value is an integer we made, never user text.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`)
      let result: { rows: R[] }
      try {
        result = await work(client)
      } catch (error) {
        await client.query('ROLLBACK').catch(() => this.discard(client))
        throw error
      }
      await client.query('ROLLBACK').catch(() => this.discard(client))
      return result.rows
    }
    try {
      return await this.watched(transaction(), timeoutMs + this.graceMs, () => {
        this.discard(client)
        const what = phase === 'query' ? 'The snapshot query' : 'Reading the catalog'
        return new AppError(
          'unavailable',
          `${what} on ${this.describe()} did not return within its ${timeoutMs} ms time limit (plus ${Number((this.graceMs / 1000).toFixed(2))} s grace): Vigil closed the connection`,
          { extra: { reason: 'timeout', sqlstate: null } }
        )
      })
    } catch (error) {
      if (!leavesSessionUsable(error)) this.discard(client)
      throw postgresSourceFailure(error, this.endpoint, phase, timeoutMs)
    }
  }

  private watched<T>(promise: Promise<T>, limitMs: number, onExpiry: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(onExpiry()), limitMs)
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

  private discard(client: Client): void {
    this.kept.discard(client)
  }

  /** Ends a discarded client; one that does not end within the grace has its socket destroyed. */
  private async shutdown(client: Client): Promise<void> {
    const ended = await settleWithin(client.end(), this.graceMs)
    if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy()
  }

  private describe(): string {
    return `${pgEndpoint(this.endpoint.host, this.endpoint.port)}/${this.endpoint.database}`
  }
}

interface CatalogTableRow {
  owner: string
  name: string
  row_estimate: number | null
}

function tableOf(row: CatalogTableRow): SourceTable {
  return { owner: row.owner, name: row.name, rowEstimate: row.row_estimate === null ? null : Math.round(row.row_estimate) }
}

