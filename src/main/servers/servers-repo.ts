import type { Db } from '../base/db/db'

/** A `servers` row as stored: secrets encrypted, times in epoch milliseconds. */
export interface ServerRow {
  id: string
  hostname: string
  ip_address: string
  alias: string | null
  os_type: string
  os_version: string | null
  architecture: string | null
  ssh_port: number
  ssh_username: string
  ssh_key_path: string | null
  ssh_password_enc: string | null
  ssh_key_passphrase_enc: string | null
  status: string
  monitoring_enabled: number
  monitoring_interval: number
  description: string | null
  location: string | null
  environment: string | null
  created_at: number
  updated_at: number
  last_seen: number | null
  collector: string
  collection_state: string
  collection_error: string | null
  collection_state_since: number | null
}

export interface ServerFilter {
  status?: string
  monitoringEnabled?: boolean
  environment?: string
  search?: string
}

const COLUMNS: readonly (keyof ServerRow)[] = [
  'id', 'hostname', 'ip_address', 'alias', 'os_type', 'os_version', 'architecture', 'ssh_port',
  'ssh_username', 'ssh_key_path', 'ssh_password_enc', 'ssh_key_passphrase_enc', 'status',
  'monitoring_enabled', 'monitoring_interval', 'description', 'location', 'environment',
  'created_at', 'updated_at', 'last_seen', 'collector', 'collection_state', 'collection_error',
  'collection_state_since'
]
const UPDATABLE = new Set<string>(COLUMNS.filter((column) => column !== 'id' && column !== 'created_at'))

export type ServersRepo = ReturnType<typeof createServersRepo>

export function createServersRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO servers (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})`
  )
  const byId = db.prepare('SELECT * FROM servers WHERE id = ?')
  const byHostname = db.prepare('SELECT * FROM servers WHERE hostname = ?')
  const remove = db.prepare('DELETE FROM servers WHERE id = ?')
  const touchLastSeen = db.prepare('UPDATE servers SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)')
  const setStatus = db.prepare('UPDATE servers SET status = ?, updated_at = ? WHERE id = ?')
  const setCollectionState = db.prepare(
    'UPDATE servers SET collection_state = ?, collection_error = ?, collection_state_since = ? WHERE id = ?'
  )

  function where(filter: ServerFilter): { sql: string; params: unknown[] } {
    const clauses: string[] = []
    const params: unknown[] = []
    if (filter.status !== undefined) {
      clauses.push('status = ?')
      params.push(filter.status)
    }
    if (filter.monitoringEnabled !== undefined) {
      clauses.push('monitoring_enabled = ?')
      params.push(filter.monitoringEnabled ? 1 : 0)
    }
    if (filter.environment !== undefined) {
      clauses.push('environment = ? COLLATE NOCASE')
      params.push(filter.environment)
    }
    if (filter.search) {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`
      clauses.push("(hostname LIKE ? ESCAPE '\\' OR alias LIKE ? ESCAPE '\\' OR ip_address LIKE ? ESCAPE '\\')")
      params.push(like, like, like)
    }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params }
  }

  return {
    insert(row: ServerRow): void {
      insert.run(row)
    },
    get(id: string): ServerRow | undefined {
      return byId.get(id) as ServerRow | undefined
    },
    getByHostname(hostname: string): ServerRow | undefined {
      return byHostname.get(hostname) as ServerRow | undefined
    },
    update(id: string, changes: Partial<ServerRow>): void {
      const columns = Object.keys(changes).filter((column) => UPDATABLE.has(column))
      if (columns.length === 0) return
      db.prepare(`UPDATE servers SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({
        ...Object.fromEntries(columns.map((c) => [c, changes[c as keyof ServerRow]])),
        id
      })
    },
    delete(id: string): boolean {
      return remove.run(id).changes > 0
    },
    list(filter: ServerFilter, limit: number, offset: number): { rows: ServerRow[]; total: number } {
      const { sql, params } = where(filter)
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM servers ${sql}`).get(...params) as { n: number }).n
      const rows = db
        .prepare(`SELECT * FROM servers ${sql} ORDER BY hostname COLLATE NOCASE, id LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as ServerRow[]
      return { rows, total }
    },
    /** Sets the status of all the given servers in one transaction; returns how many changed. */
    setStatus(ids: readonly string[], status: string, now: number): number {
      return db.transaction(() => ids.reduce((n, id) => n + setStatus.run(status, now, id).changes, 0))()
    },
    /** Every server, for the collector manager. */
    all(): ServerRow[] {
      return db.prepare('SELECT * FROM servers ORDER BY created_at').all() as ServerRow[]
    },
    /** Moves each server's last_seen forward to its time (never back), in one transaction. */
    touchLastSeen(latest: ReadonlyMap<string, number>): void {
      if (latest.size === 0) return
      db.transaction(() => {
        for (const [id, ts] of latest) touchLastSeen.run(ts, id, ts)
      })()
    },
    setCollectionState(id: string, state: string, error: string | null, since: number): void {
      setCollectionState.run(state, error, since, id)
    }
  }
}
