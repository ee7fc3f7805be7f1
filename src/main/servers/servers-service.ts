import { randomUUID } from 'node:crypto'
import { AppError } from '../../shared/errors'
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from '../../shared/limits'
import {
  BulkStatusSchema,
  SERVER_REQUIRED_FIELDS,
  ServerCreateSchema,
  ServerListQuerySchema,
  ServerUpdateSchema,
  type BulkStatus,
  type CollectionState,
  type BulkStatusResult,
  type Server,
  type ServerCreate,
  type ServerListPage,
  type ServerListQuery,
  type ServerStatus,
  type ServerUpdate
} from '../../shared/servers'
import { isoSeconds } from '../../shared/time'
import type { EventBus } from '../base/bus'
import type { SecretBox } from '../base/security/secrets'
import type { ServerRow, ServersRepo } from './servers-repo'
import { validated } from '../base/validated'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** How often the servers' last_seen reaches SQLite; in between it is kept in memory. */
const LAST_SEEN_WRITE_EVERY_MS = 60_000

/** The servers registry: validation, uniqueness, secrets sealed before they reach the store. */
export class ServersService {
  /** Each server's newest sample time not yet written (samples arrive many times a second). */
  private readonly unwrittenSeen = new Map<string, number>()
  private seenWrittenAt = -Infinity

  constructor(
    private readonly repo: ServersRepo,
    private readonly secrets: SecretBox,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now
  ) {}

  list(query: ServerListQuery = {}): ServerListPage {
    const q = validated<ServerListQuery>(ServerListQuerySchema, query)
    const perPage = Math.min(q.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE)
    const page = q.page ?? 1
    const { rows, total } = this.repo.list(
      { status: q.status, monitoringEnabled: q.monitoring_enabled, environment: q.environment, search: q.search },
      perPage,
      (page - 1) * perPage
    )
    const totalPages = Math.max(1, Math.ceil(total / perPage))
    return {
      count: total,
      page,
      total_pages: totalPages,
      has_next: page < totalPages,
      has_previous: page > 1,
      servers: rows.map((row) => toServer(this.withSeen(row)))
    }
  }

  get(id: string): Server {
    return toServer(this.withSeen(this.row(id)))
  }

  /**
   * Records the time of each server's newest sample (its last_seen). Kept in memory and written
   * at most once a minute, so ingest does not write to the servers table every flush; a crash
   * loses at most that minute of last_seen, not a sample.
   */
  markSeen(latest: ReadonlyMap<string, number>): void {
    for (const [id, ts] of latest) if (ts > (this.unwrittenSeen.get(id) ?? -Infinity)) this.unwrittenSeen.set(id, ts)
    if (this.now() - this.seenWrittenAt >= LAST_SEEN_WRITE_EVERY_MS) this.writeLastSeen()
  }

  /** Writes the last_seen times kept in memory (also when Vigil stops). */
  writeLastSeen(): void {
    this.repo.touchLastSeen(this.unwrittenSeen)
    this.unwrittenSeen.clear()
    this.seenWrittenAt = this.now()
  }

  create(input: ServerCreate): Server {
    const data = validated<ServerCreate>(ServerCreateSchema, input, { required_fields: [...SERVER_REQUIRED_FIELDS] })
    this.assertHostnameFree(data.hostname)
    const now = this.now()
    const row: ServerRow = {
      id: randomUUID(),
      hostname: data.hostname,
      ip_address: data.ip_address,
      alias: blankToNull(data.alias),
      os_type: data.os_type ?? 'linux',
      os_version: blankToNull(data.os_version),
      architecture: blankToNull(data.architecture),
      ssh_port: data.ssh_port ?? 22,
      ssh_username: data.ssh_username,
      ssh_key_path: blankToNull(data.ssh_key_path),
      ssh_password_enc: this.seal(data.ssh_password),
      ssh_key_passphrase_enc: this.seal(data.ssh_key_passphrase),
      status: data.status ?? 'active',
      monitoring_enabled: data.monitoring_enabled === false ? 0 : 1,
      monitoring_interval: data.monitoring_interval ?? 60,
      description: blankToNull(data.description),
      location: blankToNull(data.location),
      environment: blankToNull(data.environment),
      created_at: now,
      updated_at: now,
      last_seen: null,
      collector: 'ssh',
      collection_state: 'idle',
      collection_error: null,
      collection_state_since: null
    }
    this.repo.insert(row)
    this.bus.publish('servers.changed', { ids: [row.id] })
    return toServer(row)
  }

  /** Partial update: only the fields sent change. An empty password clears the stored one. */
  update(id: string, changes: ServerUpdate): Server {
    const current = this.row(id)
    const data = validated<ServerUpdate>(ServerUpdateSchema, changes)
    if (data.hostname !== undefined && data.hostname.toLowerCase() !== current.hostname.toLowerCase()) {
      this.assertHostnameFree(data.hostname)
    }
    const patch: Partial<ServerRow> = {}
    const copy = ['hostname', 'ip_address', 'os_type', 'ssh_port', 'ssh_username', 'status', 'monitoring_interval'] as const
    for (const key of copy) if (data[key] !== undefined) Object.assign(patch, { [key]: data[key] })
    const optionalText = ['alias', 'os_version', 'architecture', 'ssh_key_path', 'description', 'location', 'environment'] as const
    for (const key of optionalText) if (data[key] !== undefined) patch[key] = blankToNull(data[key])
    if (data.monitoring_enabled !== undefined) patch.monitoring_enabled = data.monitoring_enabled ? 1 : 0
    if (data.ssh_password !== undefined) patch.ssh_password_enc = this.seal(data.ssh_password)
    if (data.ssh_key_passphrase !== undefined) patch.ssh_key_passphrase_enc = this.seal(data.ssh_key_passphrase)
    patch.updated_at = Math.max(this.now(), current.updated_at)
    this.repo.update(id, patch)
    this.bus.publish('servers.changed', { ids: [id] })
    return this.get(id)
  }

  /** The server a metrics query names by id or hostname (id wins); throws not_found. */
  resolve(ref: { id?: string; hostname?: string }): Server {
    if (ref.id !== undefined) return this.get(ref.id)
    const row = ref.hostname !== undefined ? this.repo.getByHostname(ref.hostname) : undefined
    if (!row) throw new AppError('not_found', `Server with hostname '${ref.hostname ?? ''}' not found`)
    return toServer(row)
  }

  delete(id: string): { id: string } {
    this.row(id)
    this.repo.delete(id)
    this.unwrittenSeen.delete(id)
    this.bus.publish('servers.changed', { ids: [id] })
    return { id }
  }

  /** All or nothing: an unknown id changes no server, so a typo cannot half-apply a maintenance window. */
  bulkStatus(input: BulkStatus): BulkStatusResult {
    const data = validated<BulkStatus>(BulkStatusSchema, input)
    const ids = [...new Set(data.server_ids)]
    const unknown = ids.filter((id) => !UUID.test(id) || !this.repo.get(id))
    if (unknown.length > 0) {
      throw AppError.invalidField('server_ids', `Unknown server IDs: ${unknown.join(', ')}`, { unknown_ids: unknown })
    }
    const updated = this.repo.setStatus(ids, data.status, this.now())
    this.bus.publish('servers.changed', { ids })
    return { updated_count: updated, new_status: data.status as ServerStatus }
  }

  /** Records what a server's collector is doing; published, not a registry change. */
  setCollectionState(id: string, state: CollectionState, error: string | null): void {
    const since = this.now()
    this.repo.setCollectionState(id, state, error, since)
    this.bus.publish('servers.state', { id, state, error, since: isoSeconds(since) })
  }

  /** One stored row (secrets still sealed), for collectors and connection tests; throws not_found. */
  rowOf(id: string): ServerRow {
    return this.row(id)
  }

  /**
   * The stored id (lower case) of the server another record links to, e.g. a database's
   * server_id: a field error, not a 404, when no such server is registered.
   */
  linkedId(serverId: string, field = 'server_id'): string {
    try {
      return this.row(serverId).id
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') {
        throw AppError.invalidField(field, `No server with ID '${serverId}' is registered`)
      }
      throw error
    }
  }

  /** Whether a server with this id is registered. */
  exists(id: string): boolean {
    return this.find(id) !== undefined
  }

  /** Rows for the collector manager (secrets still sealed). */
  allRows(): ServerRow[] {
    return this.repo.all()
  }

  /** Creates the built-in server for the host Vigil runs on, collected by local exec. */
  createLocal(hostname: string, username: string, osType: 'linux' | 'aix'): Server {
    const server = this.create({ hostname, ip_address: '127.0.0.1', ssh_username: username, os_type: osType, alias: 'This machine', monitoring_interval: 5 })
    this.repo.update(server.id, { collector: 'local' })
    return this.get(server.id)
  }

  /** Decrypted SSH secrets, for collectors only; never leaves the main process. */
  credentials(id: string): { password: string | null; keyPassphrase: string | null } {
    const row = this.row(id)
    return { password: this.open(row.ssh_password_enc), keyPassphrase: this.open(row.ssh_key_passphrase_enc) }
  }

  private withSeen(row: ServerRow): ServerRow {
    const seen = this.unwrittenSeen.get(row.id)
    return seen !== undefined && (row.last_seen === null || row.last_seen < seen) ? { ...row, last_seen: seen } : row
  }

  private find(id: string): ServerRow | undefined {
    return UUID.test(id) ? this.repo.get(id.toLowerCase()) : undefined
  }

  private row(id: string): ServerRow {
    const row = this.find(id)
    if (!row) throw new AppError('not_found', `Server with ID '${id}' not found`)
    return row
  }

  private assertHostnameFree(hostname: string): void {
    if (this.repo.getByHostname(hostname)) {
      throw AppError.invalidField('hostname', `A server with hostname '${hostname}' already exists`)
    }
  }

  private seal(secret: string | null | undefined): string | null {
    return secret ? this.secrets.seal(secret) : null
  }

  private open(sealed: string | null): string | null {
    return sealed === null ? null : this.secrets.open(sealed)
  }
}

function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value
}

function toServer(row: ServerRow): Server {
  return {
    id: row.id,
    hostname: row.hostname,
    ip_address: row.ip_address,
    alias: row.alias,
    os_type: row.os_type as Server['os_type'],
    os_version: row.os_version,
    architecture: row.architecture,
    ssh_port: row.ssh_port,
    ssh_username: row.ssh_username,
    ssh_key_path: row.ssh_key_path,
    ssh_password_set: row.ssh_password_enc !== null,
    ssh_key_passphrase_set: row.ssh_key_passphrase_enc !== null,
    status: row.status as Server['status'],
    monitoring_enabled: row.monitoring_enabled === 1,
    monitoring_interval: row.monitoring_interval,
    description: row.description,
    location: row.location,
    environment: row.environment,
    created_at: isoSeconds(row.created_at),
    updated_at: isoSeconds(row.updated_at),
    last_seen: row.last_seen === null ? null : isoSeconds(row.last_seen),
    collector: row.collector as Server['collector'],
    collection_state: row.collection_state as CollectionState,
    collection_error: row.collection_error,
    collection_state_since: row.collection_state_since === null ? null : isoSeconds(row.collection_state_since)
  }
}
