import { AppError } from '../../shared/errors'
import {
  DEFAULT_CONNECTION_TIMEOUT,
  DEFAULT_PORTS,
  DiscoverQuerySchema,
  OracleDatabaseCreateSchema,
  OracleDatabaseListQuerySchema,
  OracleDatabaseUpdateSchema,
  type DbEngine,
  type DiscoveredTable,
  type OracleDatabase,
  type OracleDatabaseCreate,
  type OracleDatabaseListQuery,
  type OracleDatabaseUpdate,
  type OracleTable,
  type OracleTestResult,
  type TableColumns
} from '../../shared/oracle'
import { isoSeconds } from '../../shared/time'
import { sentence, type ValidationIssue } from '../../shared/issues'
import type { EventBus } from '../base/bus'
import { buildConnectString } from './sources/oracle/connect-descriptor'
import { messageOf } from '../base/text'
import type { SnapshotSource } from './sources/source'
import type { SnapshotSources, SourceTarget } from './sources/sources'
import type { SecretBox } from '../base/security/secrets'
import type { OracleDatabaseRow, OracleDatabaseView, OracleMonitoringRepo } from './monitoring-repo'
import { parseId, toDatabase, toTable } from './views'
import type { ServersService } from '../servers'
import { validated } from '../base/validated'

/** Changing any of these points the database somewhere else: its connection and last test no longer apply. */
const CONNECTION_FIELDS = ['host', 'port', 'sid', 'service_name', 'database', 'username', 'password', 'connection_timeout'] as const

/** Extra time a connection test gets past the database's connection_timeout before it is abandoned. */
const TEST_GRACE_MS = 5_000

/**
 * The monitored databases registry ("Oracle Monitoring APIs → 1. Oracle Databases"): Oracle by
 * SID or service name, or PostgreSQL (engine 'postgresql', a Vigil extension) so that
 * PostgreSQL tables are watched the same way. Passwords are sealed and never returned.
 */
export class OracleDatabasesService {
  constructor(
    private readonly repo: OracleMonitoringRepo,
    private readonly servers: ServersService,
    private readonly secrets: SecretBox,
    private readonly bus: EventBus,
    private readonly sources: SnapshotSources,
    private readonly now: () => number = Date.now
  ) {}

  list(query: OracleDatabaseListQuery = {}): OracleDatabase[] {
    const q = validated<OracleDatabaseListQuery>(OracleDatabaseListQuerySchema, query)
    return this.repo.listDatabases({ serverId: q.server_id }).map(toDatabase)
  }

  get(id: number | string): OracleDatabase {
    return toDatabase(this.row(id))
  }

  /**
   * Registers a database and tests it at once (within its connection_timeout), so it is never
   * listed as "not tested" with no version: the answer carries the outcome. A failed test does not
   * undo the registration.
   */
  async create(input: OracleDatabaseCreate): Promise<OracleDatabase> {
    const data = validated<OracleDatabaseCreate>(OracleDatabaseCreateSchema, input, {
      required_fields: ['server_id', 'name', 'host', 'username']
    })
    this.assertNameFree(data.name)
    const serverId = this.servers.linkedId(data.server_id)
    const engine: DbEngine = data.engine ?? 'oracle'
    const address = checkAddress(engine, {
      host: data.host,
      port: data.port ?? DEFAULT_PORTS[engine],
      sid: blankToNull(data.sid),
      service_name: blankToNull(data.service_name),
      database_name: blankToNull(data.database)
    })
    const now = this.now()
    const id = this.repo.insertDatabase({
      server_id: serverId,
      name: data.name,
      engine,
      ...address,
      username: data.username,
      password_enc: this.seal(data.password),
      connection_timeout: data.connection_timeout ?? DEFAULT_CONNECTION_TIMEOUT,
      is_active: data.is_active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
      last_connection_test: null,
      connection_status: 'unknown',
      connection_error: null,
      database_version: null
    })
    this.changed([id])
    await this.test(id)
    return this.get(id)
  }

  /** Partial update: only the fields sent change. An empty password clears the stored one. */
  update(id: number | string, changes: OracleDatabaseUpdate): OracleDatabase {
    const current = this.row(id)
    const data = validated<OracleDatabaseUpdate>(OracleDatabaseUpdateSchema, changes)
    if (data.engine !== undefined && data.engine !== current.engine) {
      throw AppError.invalidField('engine', 'cannot be changed: the watched tables were checked against this engine; register the database anew')
    }
    if (data.name !== undefined && data.name.toLowerCase() !== current.name.toLowerCase()) this.assertNameFree(data.name)
    const patch: Partial<OracleDatabaseRow> = {}
    if (data.name !== undefined) patch.name = data.name
    if (data.server_id !== undefined) patch.server_id = this.servers.linkedId(data.server_id)
    if (data.username !== undefined) patch.username = data.username
    if (data.connection_timeout !== undefined) patch.connection_timeout = data.connection_timeout
    if (data.is_active !== undefined) patch.is_active = data.is_active ? 1 : 0
    if (data.password !== undefined) patch.password_enc = this.seal(data.password)
    const address = checkAddress(current.engine, {
      host: data.host ?? current.host,
      port: data.port ?? current.port,
      sid: data.sid !== undefined ? blankToNull(data.sid) : current.sid,
      service_name: data.service_name !== undefined ? blankToNull(data.service_name) : current.service_name,
      database_name: data.database !== undefined ? blankToNull(data.database) : current.database_name
    })
    Object.assign(patch, address)

    const moved = CONNECTION_FIELDS.some((field) => this.differs(current, data, field))
    if (moved) Object.assign(patch, { connection_status: 'unknown', connection_error: null, database_version: null })
    patch.updated_at = Math.max(this.now(), current.updated_at)
    this.repo.updateDatabase(current.id, patch)
    // The open connection was made with the old settings, or serves a database no longer watched.
    if (moved || patch.is_active === 0) void this.sources.release(current.id)
    this.changed([current.id])
    return this.get(current.id)
  }

  /** Deletes the database with its tables, snapshots and tasks; its connection is closed. */
  delete(id: number | string): { id: number } {
    const { id: databaseId } = this.row(id)
    this.repo.deleteDatabase(databaseId)
    void this.sources.release(databaseId)
    this.changed([databaseId])
    return { id: databaseId }
  }

  /**
   * Connects on a new connection of its own (so it proves the settings work now, not that an
   * old session still does), pings, asks the version, and records the outcome as the
   * database's connection status. Never throws for a connection failure.
   */
  async test(id: number | string): Promise<OracleTestResult> {
    const row = this.row(id)
    const testedAt = this.now()
    let source: SnapshotSource | undefined
    try {
      source = this.sources.fresh(row.id)
      const limitMs = row.connection_timeout * 1000 + TEST_GRACE_MS
      const version = await deadline(source.test(), limitMs, `No answer from the database within ${Math.round(limitMs / 1000)} s`)
      this.repo.updateDatabase(row.id, {
        last_connection_test: testedAt,
        connection_status: 'connected',
        connection_error: null,
        database_version: version.version
      })
      this.changed([row.id])
      return {
        success: true,
        message: 'Connection successful',
        connection_time: Math.round(version.connectionTimeMs) / 1000,
        database_version: version.version,
        database_id: row.id,
        connection_status: 'connected',
        tested_at: isoSeconds(testedAt)
      }
    } catch (error) {
      const message = messageOf(error)
      this.repo.updateDatabase(row.id, { last_connection_test: testedAt, connection_status: 'failed', connection_error: message })
      this.changed([row.id])
      return {
        success: false,
        message,
        connection_time: null,
        database_version: row.database_version,
        database_id: row.id,
        connection_status: 'failed',
        tested_at: isoSeconds(testedAt)
      }
    } finally {
      if (source) void source.close().catch(() => undefined)
    }
  }

  /** The watched tables of the database, in the spec's shape ("Get Database Tables"). */
  tables(id: number | string): OracleTable[] {
    const { id: databaseId } = this.row(id)
    return this.repo.listTables({ databaseId }).map(toTable)
  }

  /** Tables the account can read, from the data dictionary; each says whether it is watched. */
  async discover(id: number | string, query: { schema_name?: string } = {}): Promise<DiscoveredTable[]> {
    const row = this.row(id)
    const q = validated<{ schema_name?: string }>(DiscoverQuerySchema, query)
    const tables = await this.sources.get(row.id).listTables(q.schema_name)
    const watched = new Map(this.repo.listTables({ databaseId: row.id }).map((t) => [`${t.schema_name}\0${t.table_name}`, t.id]))
    return tables.map((table) => ({
      schema_name: table.owner,
      table_name: table.name,
      full_table_name: `${table.owner}.${table.name}`,
      row_estimate: table.rowEstimate === null ? null : Math.round(table.rowEstimate),
      monitored_table_id: watched.get(`${table.owner}\0${table.name}`) ?? null
    }))
  }

  /** Columns and primary key of one table, for picking columns_to_monitor. */
  async describe(id: number | string, schemaName: string, tableName: string): Promise<TableColumns> {
    const row = this.row(id)
    const detail = await this.sources.get(row.id).describeTable(schemaName, tableName)
    return {
      schema_name: detail.owner,
      table_name: detail.name,
      row_estimate: detail.rowEstimate === null ? null : Math.round(detail.rowEstimate),
      columns: detail.columns.map((column) => ({ name: column.name, type: column.type, nullable: column.nullable })),
      primary_key: detail.primaryKey
    }
  }

  /** Where and as whom to connect, the password opened: for sources only, never leaves the main process. */
  target(id: number): SourceTarget {
    const row = this.row(id)
    return {
      engine: row.engine,
      host: row.host,
      port: row.port,
      sid: row.sid,
      serviceName: row.service_name,
      database: row.database_name,
      user: row.username,
      password: row.password_enc === null ? null : this.secrets.open(row.password_enc),
      connectTimeoutSeconds: row.connection_timeout
    }
  }

  /** The stored row; throws not_found. */
  row(id: number | string): OracleDatabaseView {
    const numeric = parseId(id)
    const row = numeric === undefined ? undefined : this.repo.getDatabase(numeric)
    if (!row) throw new AppError('not_found', `Database with ID '${String(id)}' not found`)
    return row
  }

  private changed(ids: number[]): void {
    this.bus.publish('oracle.changed', { databases: ids, tables: [] })
  }

  private assertNameFree(name: string): void {
    if (this.repo.databaseIdByName(name) !== undefined) throw AppError.invalidField('name', `A database named '${name}' already exists`)
  }

  private differs(current: OracleDatabaseRow, data: OracleDatabaseUpdate, field: (typeof CONNECTION_FIELDS)[number]): boolean {
    if (data[field] === undefined) return false
    switch (field) {
      case 'password': {
        const stored = current.password_enc === null ? null : this.secrets.open(current.password_enc)
        return (data.password || null) !== stored
      }
      case 'database':
        return blankToNull(data.database) !== current.database_name
      case 'sid':
      case 'service_name':
        return blankToNull(data[field]) !== current[field]
      default:
        return data[field] !== current[field]
    }
  }

  private seal(secret: string | null | undefined): string | null {
    return secret ? this.secrets.seal(secret) : null
  }
}

interface Address {
  host: string
  port: number
  sid: string | null
  service_name: string | null
  database_name: string | null
}

/**
 * The engine's rules: Oracle is reached by exactly one of sid and service_name (checked as
 * node-oracledb will use them), PostgreSQL by a database name, and neither takes the other's.
 */
function checkAddress(engine: DbEngine, address: Address): Address {
  const issues: ValidationIssue[] = []
  const refuse = (field: string, rule: string): void => {
    issues.push({ field, kind: 'invalid', message: `Invalid value for '${field}': ${rule}`, rule: sentence(rule) })
  }
  if (engine === 'postgresql') {
    if (address.sid !== null) refuse('sid', "is for Oracle; a PostgreSQL database is named by 'database'")
    if (address.service_name !== null) refuse('service_name', "is for Oracle; a PostgreSQL database is named by 'database'")
    if (address.database_name === null) refuse('database', 'is required for a PostgreSQL database')
  } else {
    if (address.database_name !== null) refuse('database', "is for PostgreSQL; name an Oracle database by 'sid' or 'service_name'")
    if (address.sid !== null && address.service_name !== null) refuse('service_name', 'give either sid or service_name, not both')
    if (address.sid === null && address.service_name === null) refuse('sid', 'give either sid or service_name')
  }
  if (issues.length > 0) throw AppError.fromIssues(issues)
  // The descriptor builder checks host and names the way oracledb will read them.
  if (engine === 'oracle') buildConnectString({ host: address.host, port: address.port, sid: address.sid, service_name: address.service_name })
  return address
}

function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value
}

/** `work`, or a clear 'unavailable' error once `ms` have passed without an answer. */
export async function deadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('unavailable', message, { extra: { reason: 'timeout' } })), ms)
    timer.unref()
  })
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
    work.catch(() => undefined)
  }
}
