// One small pg.Pool per registered PostgreSQL instance. Every session it opens carries its own
// limits (statement_timeout, idle_in_transaction_session_timeout) as startup parameters, so a
// slow probe or a forgotten transaction can never hold a production server's locks for long,
// and names itself 'vigil' in pg_stat_activity so the DBA can see who is connected.
import { createHash } from 'node:crypto'
import { Client, Pool, type PoolClient } from 'pg'
import { AppError } from '../../shared/errors'
import { pgFailure, type PgEndpoint } from './errors'

/** Where and as whom to connect; the password already opened. */
export interface PgTarget {
  id: number
  host: string
  port: number
  user: string
  password: string | null
  database: string
}

export interface PoolSettings {
  /** Sessions per instance: a monitor needs a few, and each one is a backend on the user's server. */
  max: number
  idleTimeoutMs: number
  /** How long to wait for the TCP connection, the handshake and authentication. */
  connectTimeoutMs: number
  statementTimeoutMs: number
  idleInTransactionTimeoutMs: number
}

export const DEFAULT_POOL_SETTINGS: PoolSettings = {
  max: 4,
  idleTimeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 15_000,
  idleInTransactionTimeoutMs: 60_000
}

/** statement_timeout is enforced by the server; this client-side limit catches a network that went silent. */
const CLIENT_GRACE_MS = 5_000

/** What a pooled session's queries may take at most, on the client's side. */
export function pooledQueryLimitMs(settings: PoolSettings = DEFAULT_POOL_SETTINGS): number {
  return settings.statementTimeoutMs + CLIENT_GRACE_MS
}

interface Entry {
  /** Digest of the connection fields the pool was built with. */
  key: string
  pool: Pool
}

export class PostgresPools {
  private readonly settings: PoolSettings
  private readonly pools = new Map<number, Entry>()
  private closed = false

  constructor(
    settings: Partial<PoolSettings> = {},
    /** A pooled idle session failed (e.g. the server restarted); the pool replaces it on next use. */
    private readonly onIdleError: (instanceId: number, error: AppError) => void = () => {}
  ) {
    this.settings = { ...DEFAULT_POOL_SETTINGS, ...settings }
  }

  /**
   * Runs `fn` on a pooled session of the instance. Any failure, connecting or querying, comes
   * back as a clear AppError (see errors.ts). A session that saw an error is discarded rather
   * than reused: it may be inside a failed transaction or on a broken socket.
   */
  async withClient<T>(target: PgTarget, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new AppError('unavailable', 'Vigil is shutting down')
    const endpoint = this.endpointOf(target)
    let client: PoolClient
    try {
      client = await this.poolFor(target).connect()
    } catch (error) {
      throw pgFailure(error, endpoint)
    }
    try {
      const result = await fn(client)
      client.release()
      return result
    } catch (error) {
      client.release(true)
      throw pgFailure(error, endpoint)
    }
  }

  /**
   * Ends the instance's pool: on delete, and before a connection test so that it proves a new
   * session can be opened now. Sessions in use finish their query first; the next use builds a
   * new pool.
   */
  async close(instanceId: number): Promise<void> {
    const entry = this.pools.get(instanceId)
    if (!entry) return
    this.pools.delete(instanceId)
    await entry.pool.end().catch(() => undefined)
  }

  /** Ends every pool, for app shutdown; later calls are refused. */
  async closeAll(): Promise<void> {
    this.closed = true
    const entries = [...this.pools.values()]
    this.pools.clear()
    await Promise.all(entries.map((entry) => entry.pool.end().catch(() => undefined)))
  }

  /**
   * A session of its own, outside the pool, on `database`: for work that outlives a pooled
   * session's limits (a VACUUM FULL runs for hours) or needs another database. No
   * statement_timeout; the caller ends it. Connection failures come back as clear AppErrors.
   * `queryTimeoutMs` bounds each query on the client's side (the server sets no limit).
   */
  async connectDedicated(target: PgTarget, database: string, options: { queryTimeoutMs?: number } = {}): Promise<Client> {
    const password = target.password ?? ''
    const client = new Client({
      host: target.host,
      port: target.port,
      user: target.user,
      database,
      password: () => password,
      ssl: false,
      connectionTimeoutMillis: this.settings.connectTimeoutMs,
      ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs }),
      application_name: 'vigil',
      keepAlive: true
    })
    // A session dropped by the server (restart, pg_terminate_backend) must not crash Vigil; the
    // query running on it fails and says so.
    client.on('error', () => undefined)
    try {
      await client.connect()
    } catch (error) {
      throw pgFailure(error, { ...this.endpointOf(target), database })
    }
    return client
  }

  /** Instances with a live pool, for tests and diagnostics. */
  openInstances(): number[] {
    return [...this.pools.keys()]
  }

  /** The instance's pool, rebuilt when its connection fields changed since it was made. */
  private poolFor(target: PgTarget): Pool {
    const key = keyOf(target)
    const current = this.pools.get(target.id)
    if (current?.key === key) return current.pool
    if (current) void current.pool.end().catch(() => undefined)
    const pool = this.createPool(target)
    this.pools.set(target.id, { key, pool })
    return pool
  }

  private createPool(target: PgTarget): Pool {
    const { max, idleTimeoutMs, connectTimeoutMs, statementTimeoutMs, idleInTransactionTimeoutMs } = this.settings
    const password = target.password ?? ''
    const pool = new Pool({
      host: target.host,
      port: target.port,
      user: target.user,
      database: target.database,
      // A function, so the password is not a property anyone can log. And only the stored one:
      // without it node-postgres would try PGPASSWORD and ~/.pgpass, sending Vigil's ambient
      // credentials to whatever server was registered.
      password: () => password,
      // Explicit, so PGSSLMODE in Vigil's environment does not change how instances are reached.
      ssl: false,
      max,
      idleTimeoutMillis: idleTimeoutMs,
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      idle_in_transaction_session_timeout: idleInTransactionTimeoutMs,
      query_timeout: statementTimeoutMs + CLIENT_GRACE_MS,
      application_name: 'vigil',
      keepAlive: true
    })
    // Without a listener an idle session's error (server restart, network drop) would crash the process.
    pool.on('error', (error) => this.onIdleError(target.id, pgFailure(error, this.endpointOf(target))))
    return pool
  }

  private endpointOf(target: PgTarget): PgEndpoint {
    return {
      host: target.host,
      port: target.port,
      user: target.user,
      database: target.database,
      connectTimeoutMs: this.settings.connectTimeoutMs
    }
  }
}

/** A digest rather than the fields themselves, so no map key holds the password in clear. */
function keyOf(target: PgTarget): string {
  return createHash('sha256')
    .update(JSON.stringify([target.host, target.port, target.user, target.password, target.database]))
    .digest('base64')
}
