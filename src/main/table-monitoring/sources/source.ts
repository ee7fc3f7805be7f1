// What the table-snapshot monitor needs of a database, whatever it is: Oracle through oracledb
// (Thin mode) — the source the spec asks for — or PostgreSQL through pg, which lets users watch
// PostgreSQL tables the same way and lets the tests run the whole pipeline against a real
// database. Sources build no SQL from user text: the monitor passes them queries built by
// snapshot-query.ts from validated, quoted dictionary names.
import type { SqlDialect } from '../sql/dialect'

export interface SourceColumn {
  /** The dictionary's exact name (case kept). */
  name: string
  /** The database's type name, e.g. VARCHAR2, NUMBER, DATE; text, integer, timestamptz. */
  type: string
  nullable: boolean
}

export interface SourceTable {
  /** Owner (Oracle) or schema (PostgreSQL), as in the dictionary. */
  owner: string
  name: string
  /** The optimizer's row estimate (ALL_TABLES.NUM_ROWS, pg_class.reltuples); null when never gathered. */
  rowEstimate: number | null
}

export interface SourceTableDetail extends SourceTable {
  columns: SourceColumn[]
  /** Primary key columns in key order; empty when the table has none (the diff then keys on row identity). */
  primaryKey: string[]
}

export interface SourceVersion {
  /** e.g. "Oracle Database 19c Enterprise Edition Release 19.0.0.0.0" or PostgreSQL's version(). */
  version: string
  /** Connect and ping, in milliseconds. */
  connectionTimeMs: number
}

/** The time limits every source takes, besides its connection details. */
export interface SourceTimeLimits {
  /** The spec's connection_timeout, in seconds. */
  connectTimeoutSeconds: number
  /** How long past a time limit the watchdog waits before it gives up on the connection; 5 s by default. */
  watchdogGraceMs?: number
  /** Time limit of dictionary reads (listTables, describeTable, the version); 30 s by default. */
  dictionaryTimeoutMs?: number
}

export const DEFAULT_WATCHDOG_GRACE_MS = 5_000
export const DEFAULT_DICTIONARY_TIMEOUT_MS = 30_000

export interface QueryLimits {
  /** The statement is cancelled past this (oracledb callTimeout, statement_timeout). */
  timeoutMs: number
}

/**
 * One database the monitor reads. Every query runs in a read-only transaction; a source may
 * keep a connection between calls and must be closed.
 */
export interface SnapshotSource {
  readonly dialect: SqlDialect
  /** A real connection, a ping and the server's version: the test_connection answer. */
  test(): Promise<SourceVersion>
  /** Tables the account can read, optionally of one owner/schema. */
  listTables(owner?: string): Promise<SourceTable[]>
  /** Columns and primary key of one table; AppError 'not_found' when it is not visible. */
  describeTable(owner: string, table: string): Promise<SourceTableDetail>
  /** Runs a query built by snapshot-query.ts; rows keyed by column name, values as the driver gives them. */
  query(sql: string, binds: readonly unknown[], limits: QueryLimits): Promise<Array<Record<string, unknown>>>
  close(): Promise<void>
}
