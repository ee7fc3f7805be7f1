import { AppError } from '../../shared/errors'
import { CONTROL_CONFIG_SCHEMA, controlConfigIssues, type ControlConfig } from '../../shared/postgres-control'
import {
  DEFAULT_MAINTENANCE_DB,
  DEFAULT_POSTGRES_PORT,
  PostgresInstanceCreateSchema,
  PostgresInstanceListQuerySchema,
  PostgresInstanceUpdateSchema,
  type PgFailureReason,
  type PostgresInstance,
  type PostgresInstanceCreate,
  type PostgresInstanceListQuery,
  type PostgresInstanceUpdate,
  type PostgresTestResult
} from '../../shared/postgres-instances'
import { isoSeconds } from '../../shared/time'
import { check } from '../../shared/validation'
import type { EventBus } from '../base/bus'
import type { PgTarget, PostgresPools } from './pool'
import type { SecretBox } from '../base/security/secrets'
import type { PostgresInstanceRow, PostgresInstancesRepo, PostgresInstanceView } from './instances-repo'
import type { ServersService } from '../servers'
import { validated } from '../base/validated'
import { hashSharedKey, sharedKeyMatches } from '../base/security/shared-keys'

/** What a connection test asks: enough to show the version and whether this is a standby. */
const TEST_SQL = `SELECT version() AS version,
  current_setting('server_version_num')::int AS server_version_num,
  pg_is_in_recovery() AS in_recovery`

/** Changing any of these points the instance somewhere else: its pool and last test no longer apply. */
const CONNECTION_FIELDS = ['host', 'port', 'username', 'password', 'maintenance_db'] as const

const ID = /^[1-9]\d{0,15}$/

/** The PostgreSQL instances registry: validation, uniqueness, the sealed password, connection tests. */
export class PostgresInstancesService {
  constructor(
    private readonly repo: PostgresInstancesRepo,
    private readonly servers: ServersService,
    private readonly secrets: SecretBox,
    private readonly bus: EventBus,
    private readonly pools: PostgresPools,
    private readonly now: () => number = Date.now
  ) {}

  list(query: PostgresInstanceListQuery = {}): PostgresInstance[] {
    const q = validated<PostgresInstanceListQuery>(PostgresInstanceListQuerySchema, query)
    return this.repo.list({ serverId: q.server_id, isActive: q.is_active, search: q.search }).map(toInstance)
  }

  get(id: number | string): PostgresInstance {
    return toInstance(this.row(id))
  }

  create(input: PostgresInstanceCreate): PostgresInstance {
    const data = validated<PostgresInstanceCreate>(PostgresInstanceCreateSchema, input)
    this.assertNameFree(data.name)
    const serverId = this.linkedServer(data.server_id)
    const now = this.now()
    const id = this.repo.insert({
      name: data.name,
      host: data.host,
      port: data.port ?? DEFAULT_POSTGRES_PORT,
      username: data.username,
      password_enc: this.seal(data.password),
      maintenance_db: data.maintenance_db ?? DEFAULT_MAINTENANCE_DB,
      server_id: serverId ?? null,
      description: blankToNull(data.description),
      is_active: data.is_active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
      last_check_at: null,
      last_status: null,
      last_error: null,
      server_version: null,
      server_version_num: null,
      in_recovery: null,
      control: storedControl(data.control),
      agent_key_hash: hashedAgentKey(data.agent_key)
    })
    this.bus.publish('postgres.changed', { ids: [id] })
    return this.get(id)
  }

  /** Partial update: only the fields sent change. An empty password clears the stored one. */
  update(id: number | string, changes: PostgresInstanceUpdate): PostgresInstance {
    const current = this.row(id)
    const data = validated<PostgresInstanceUpdate>(PostgresInstanceUpdateSchema, changes)
    if (data.name !== undefined && data.name.toLowerCase() !== current.name.toLowerCase()) this.assertNameFree(data.name)
    const patch: Partial<PostgresInstanceRow> = {}
    for (const key of ['name', 'host', 'port', 'username', 'maintenance_db'] as const) {
      if (data[key] !== undefined) Object.assign(patch, { [key]: data[key] })
    }
    if (data.description !== undefined) patch.description = blankToNull(data.description)
    if (data.is_active !== undefined) patch.is_active = data.is_active ? 1 : 0
    if (data.server_id !== undefined) patch.server_id = this.linkedServer(data.server_id)
    if (data.password !== undefined) patch.password_enc = this.seal(data.password)
    if (data.control !== undefined) patch.control = storedControl(data.control)
    if (data.agent_key !== undefined) patch.agent_key_hash = hashedAgentKey(data.agent_key)

    const moved = CONNECTION_FIELDS.some((field) => this.differs(current, data, field))
    if (moved) Object.assign(patch, NOT_TESTED)
    patch.updated_at = Math.max(this.now(), current.updated_at)
    this.repo.update(current.id, patch)
    // Sessions opened with the old settings, or kept for an instance no longer monitored, go now.
    if (moved || patch.is_active === 0) void this.pools.close(current.id)
    this.bus.publish('postgres.changed', { ids: [current.id] })
    return this.get(current.id)
  }

  delete(id: number | string): { id: number } {
    const { id: instanceId } = this.row(id)
    this.repo.delete(instanceId)
    void this.pools.close(instanceId)
    this.bus.publish('postgres.changed', { ids: [instanceId] })
    return { id: instanceId }
  }

  /**
   * Connects and asks the server its version. Never throws for a connection failure, only for
   * an unknown instance; the outcome is recorded as the instance's last check either way.
   */
  async test(id: number | string): Promise<PostgresTestResult> {
    const row = this.row(id)
    const target = this.target(row.id)
    // A pooled session opened before the password was changed on the server would still work:
    // start from a new one, which also makes connection_time_ms a real connect. Not awaited:
    // sessions of the old pool still running a query end on their own.
    void this.pools.close(row.id)
    const checkedAt = this.now()
    const started = performance.now()
    try {
      const { rows } = await this.pools.withClient(target, (client) =>
        client.query<{ version: string; server_version_num: number; in_recovery: boolean }>(TEST_SQL)
      )
      const answer = rows[0]
      if (!answer) throw new AppError('internal', 'The version query returned no row')
      const connectionTimeMs = Math.round(performance.now() - started)
      this.repo.update(row.id, {
        last_check_at: checkedAt,
        last_status: 'ok',
        last_error: null,
        server_version: answer.version,
        server_version_num: answer.server_version_num,
        in_recovery: answer.in_recovery ? 1 : 0
      })
      this.bus.publish('postgres.changed', { ids: [row.id] })
      return {
        status: 'success',
        instance_id: row.id,
        server_version: answer.version,
        server_version_num: answer.server_version_num,
        in_recovery: answer.in_recovery,
        connection_time_ms: connectionTimeMs,
        checked_at: isoSeconds(checkedAt)
      }
    } catch (error) {
      const failure = error instanceof AppError ? error : new AppError('internal', String(error))
      // The version learned by the last successful test stays: it is still the best knowledge.
      this.repo.update(row.id, { last_check_at: checkedAt, last_status: 'error', last_error: failure.message })
      this.bus.publish('postgres.changed', { ids: [row.id] })
      return {
        status: 'error',
        instance_id: row.id,
        error: failure.message,
        code: (failure.extra?.reason as PgFailureReason | undefined) ?? 'error',
        sqlstate: (failure.extra?.sqlstate as string | null | undefined) ?? null,
        checked_at: isoSeconds(checkedAt)
      }
    }
  }

  /**
   * Whether `key` is the instance's agent key; false for an instance without one, or not
   * registered (which the caller cannot tell apart: the same answer, after the same work).
   */
  agentKeyMatches(id: number, key: string): boolean {
    return sharedKeyMatches(key, this.repo.get(id)?.agent_key_hash ?? null)
  }

  /** Where and as whom to connect, the password opened: for collectors only, never leaves the main process. */
  target(id: number | string): PgTarget {
    const row = this.row(id)
    return {
      id: row.id,
      host: row.host,
      port: row.port,
      user: row.username,
      password: row.password_enc === null ? null : this.secrets.open(row.password_enc),
      database: row.maintenance_db
    }
  }

  private row(id: number | string): PostgresInstanceView {
    const text = String(id)
    const row = ID.test(text) ? this.repo.get(Number(text)) : undefined
    if (!row) throw new AppError('not_found', `PostgreSQL instance with ID '${text}' not found`)
    return row
  }

  private assertNameFree(name: string): void {
    if (this.repo.idByName(name) !== undefined) {
      throw AppError.invalidField('name', `A PostgreSQL instance named '${name}' already exists`)
    }
  }

  /** The server to link, as stored; null or absent passes through. */
  private linkedServer(serverId: string | null | undefined): string | null | undefined {
    return serverId === undefined || serverId === null ? serverId : this.servers.linkedId(serverId)
  }

  private differs(current: PostgresInstanceRow, data: PostgresInstanceUpdate, field: (typeof CONNECTION_FIELDS)[number]): boolean {
    if (data[field] === undefined) return false
    if (field === 'password') {
      const stored = current.password_enc === null ? null : this.secrets.open(current.password_enc)
      return (data.password || null) !== stored
    }
    return data[field] !== current[field]
  }

  private seal(secret: string | null | undefined): string | null {
    return secret ? this.secrets.seal(secret) : null
  }
}

const NOT_TESTED: Partial<PostgresInstanceRow> = {
  last_check_at: null,
  last_status: null,
  last_error: null,
  server_version: null,
  server_version_num: null,
  in_recovery: null
}

/** The control configuration as stored: checked for the fields its method needs, as JSON; null clears it. */
function storedControl(control: ControlConfig | null | undefined): string | null {
  if (!control) return null
  const issues = controlConfigIssues(control, 'control.')
  if (issues.length > 0) throw AppError.fromIssues(issues)
  return JSON.stringify(control)
}

/** A stored control configuration; one that no longer passes the schema reads as none. */
function parseControl(text: string | null): ControlConfig | null {
  if (text === null) return null
  try {
    const checked = check<ControlConfig>(CONTROL_CONFIG_SCHEMA, JSON.parse(text))
    return checked.ok ? checked.value : null
  } catch {
    return null
  }
}

/** The agent key as stored: hashed; "" or null removes it. */
function hashedAgentKey(key: string | null | undefined): string | null {
  return key ? hashSharedKey(key) : null
}

function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value
}

function toInstance(row: PostgresInstanceView): PostgresInstance {
  const server = row.server_id !== null && row.server_hostname !== null ? { id: row.server_id, hostname: row.server_hostname } : null
  return {
    id: row.id,
    name: row.name,
    server,
    server_id: row.server_id,
    server_name: row.server_hostname,
    host: row.host,
    port: row.port,
    username: row.username,
    password_set: row.password_enc !== null,
    agent_key_set: row.agent_key_hash !== null,
    maintenance_db: row.maintenance_db,
    description: row.description,
    is_active: row.is_active === 1,
    control: parseControl(row.control),
    created_at: isoSeconds(row.created_at),
    updated_at: isoSeconds(row.updated_at),
    last_check_at: row.last_check_at === null ? null : isoSeconds(row.last_check_at),
    last_status: row.last_status,
    last_error: row.last_error,
    server_version: row.server_version,
    server_version_num: row.server_version_num,
    in_recovery: row.in_recovery === null ? null : row.in_recovery === 1
  }
}
