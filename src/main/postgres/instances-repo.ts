import type { Db } from '../base/db/db'

/** A `postgres_instances` row as stored: password sealed, times in epoch milliseconds. */
export interface PostgresInstanceRow {
  id: number
  name: string
  host: string
  port: number
  username: string
  password_enc: string | null
  maintenance_db: string
  server_id: string | null
  description: string | null
  is_active: number
  created_at: number
  updated_at: number
  last_check_at: number | null
  last_status: 'ok' | 'error' | null
  last_error: string | null
  server_version: string | null
  server_version_num: number | null
  in_recovery: number | null
  /** The control configuration (ControlConfig) as JSON; null when none is set. */
  control: string | null
  /** The agent key, salted and hashed (base/security/shared-keys.ts); null when none is set. */
  agent_key_hash: string | null
}

/** A row with the linked server's hostname, which the API shows next to its id. */
export type PostgresInstanceView = PostgresInstanceRow & { server_hostname: string | null }

export type NewPostgresInstanceRow = Omit<PostgresInstanceRow, 'id'>

export interface PostgresInstanceFilter {
  serverId?: string
  isActive?: boolean
  search?: string
}

const INSERTED: readonly (keyof NewPostgresInstanceRow)[] = [
  'name', 'host', 'port', 'username', 'password_enc', 'maintenance_db', 'server_id', 'description', 'is_active',
  'created_at', 'updated_at', 'last_check_at', 'last_status', 'last_error', 'server_version', 'server_version_num',
  'in_recovery', 'control', 'agent_key_hash'
]
const UPDATABLE = new Set<string>(INSERTED.filter((column) => column !== 'created_at'))

const SELECT = `
  SELECT p.*, s.hostname AS server_hostname
  FROM postgres_instances p LEFT JOIN servers s ON s.id = p.server_id`

export type PostgresInstancesRepo = ReturnType<typeof createPostgresInstancesRepo>

export function createPostgresInstancesRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO postgres_instances (${INSERTED.join(', ')}) VALUES (${INSERTED.map((c) => '@' + c).join(', ')})`
  )
  const byId = db.prepare(`${SELECT} WHERE p.id = ?`)
  const byName = db.prepare('SELECT id FROM postgres_instances WHERE name = ?')
  const remove = db.prepare('DELETE FROM postgres_instances WHERE id = ?')

  function where(filter: PostgresInstanceFilter): { sql: string; params: unknown[] } {
    const clauses: string[] = []
    const params: unknown[] = []
    if (filter.serverId !== undefined) {
      clauses.push('p.server_id = ?')
      params.push(filter.serverId.toLowerCase())
    }
    if (filter.isActive !== undefined) {
      clauses.push('p.is_active = ?')
      params.push(filter.isActive ? 1 : 0)
    }
    if (filter.search) {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`
      clauses.push("(p.name LIKE ? ESCAPE '\\' OR p.host LIKE ? ESCAPE '\\' OR p.description LIKE ? ESCAPE '\\')")
      params.push(like, like, like)
    }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params }
  }

  return {
    /** Inserts a row and returns its new id. */
    insert(row: NewPostgresInstanceRow): number {
      return Number(insert.run(row).lastInsertRowid)
    },
    get(id: number): PostgresInstanceView | undefined {
      return byId.get(id) as PostgresInstanceView | undefined
    },
    /** The id of the instance with this name, compared without case. */
    idByName(name: string): number | undefined {
      return (byName.get(name) as { id: number } | undefined)?.id
    },
    update(id: number, changes: Partial<PostgresInstanceRow>): void {
      const columns = Object.keys(changes).filter((column) => UPDATABLE.has(column))
      if (columns.length === 0) return
      db.prepare(`UPDATE postgres_instances SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({
        ...Object.fromEntries(columns.map((c) => [c, changes[c as keyof PostgresInstanceRow]])),
        id
      })
    },
    delete(id: number): boolean {
      return remove.run(id).changes > 0
    },
    list(filter: PostgresInstanceFilter): PostgresInstanceView[] {
      const { sql, params } = where(filter)
      return db.prepare(`${SELECT} ${sql} ORDER BY p.name COLLATE NOCASE, p.id`).all(...params) as PostgresInstanceView[]
    }
  }
}
