// The part of node-oracledb that Vigil uses. The package ships no type declarations, so these
// are written from its lib/ (v26) and kept to what we call.
import { createRequire } from 'node:module'

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
