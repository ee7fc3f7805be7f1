import type { Db } from '../../base/db/db'

export type PgMaintenanceJobStatus = 'scheduled' | 'running' | 'done' | 'failed' | 'cancelled' | 'missed'

/** A `pg_maintenance_jobs` row as stored: times in epoch milliseconds, progress and notices as JSON. */
export interface PgMaintenanceJobRow {
  id: string
  instance_id: number
  operation: 'vacuum' | 'analyze' | 'reindex'
  dbname: string
  schema_name: string | null
  table_name: string | null
  index_name: string | null
  index_table: string | null
  mode: string | null
  scheduled_at: number
  requested_at: number
  requested_by: string | null
  status: PgMaintenanceJobStatus
  progress: string | null
  backend_pid: number | null
  started_at: number | null
  finished_at: number | null
  error: string | null
  notices: string
}

/** Columns a job's life changes; the rest is fixed when it is created. */
export type PgMaintenanceJobChanges = Partial<
  Pick<PgMaintenanceJobRow, 'status' | 'progress' | 'backend_pid' | 'started_at' | 'finished_at' | 'error' | 'notices'>
>

export interface PgMaintenanceJobFilter {
  instanceId?: number
  operation?: PgMaintenanceJobRow['operation']
  dbname?: string
  schemaName?: string
  tableName?: string
  statuses?: readonly PgMaintenanceJobStatus[]
  /** Newest first when set; otherwise in the order they are due. */
  limit?: number
}

const COLUMNS: readonly (keyof PgMaintenanceJobRow)[] = [
  'id', 'instance_id', 'operation', 'dbname', 'schema_name', 'table_name', 'index_name', 'index_table', 'mode',
  'scheduled_at', 'requested_at', 'requested_by', 'status', 'progress', 'backend_pid', 'started_at', 'finished_at',
  'error', 'notices'
]
const CHANGEABLE = new Set<string>(['status', 'progress', 'backend_pid', 'started_at', 'finished_at', 'error', 'notices'])

/** The order jobs are due in; ties go to the one asked for first. */
const DUE_ORDER = 'ORDER BY scheduled_at, requested_at, rowid'

export type PgMaintenanceJobsRepo = ReturnType<typeof createPgMaintenanceJobsRepo>

export function createPgMaintenanceJobsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO pg_maintenance_jobs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})`)
  const byId = db.prepare('SELECT * FROM pg_maintenance_jobs WHERE id = ?')
  const pendingTwin = db.prepare(
    `SELECT * FROM pg_maintenance_jobs
     WHERE status = 'scheduled' AND instance_id = @instance_id AND operation = @operation AND dbname = @dbname
       AND schema_name IS @schema_name AND table_name IS @table_name AND index_name IS @index_name AND mode IS @mode
       AND scheduled_at = @scheduled_at`
  )
  const due = db.prepare(`SELECT * FROM pg_maintenance_jobs WHERE status = 'scheduled' AND scheduled_at <= ? ${DUE_ORDER}`)
  const nextAfter = db.prepare("SELECT min(scheduled_at) AS at FROM pg_maintenance_jobs WHERE status = 'scheduled' AND scheduled_at > ?")
  const purge = db.prepare("DELETE FROM pg_maintenance_jobs WHERE status NOT IN ('scheduled', 'running') AND finished_at < ?")

  function where(filter: PgMaintenanceJobFilter): { sql: string; params: unknown[] } {
    const clauses: string[] = []
    const params: unknown[] = []
    const equal = (column: string, value: unknown): void => {
      if (value === undefined) return
      clauses.push(`${column} = ?`)
      params.push(value)
    }
    equal('instance_id', filter.instanceId)
    equal('operation', filter.operation)
    equal('dbname', filter.dbname)
    equal('schema_name', filter.schemaName)
    equal('table_name', filter.tableName)
    if (filter.statuses) {
      clauses.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`)
      params.push(...filter.statuses)
    }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params }
  }

  function set(id: string, changes: PgMaintenanceJobChanges, fromStatuses?: readonly PgMaintenanceJobStatus[]): boolean {
    const columns = Object.keys(changes).filter((column) => CHANGEABLE.has(column))
    if (columns.length === 0) return false
    const guard = fromStatuses ? ` AND status IN (${fromStatuses.map((s) => `'${s}'`).join(', ')})` : ''
    const result = db
      .prepare(`UPDATE pg_maintenance_jobs SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id${guard}`)
      .run({ ...Object.fromEntries(columns.map((c) => [c, changes[c as keyof PgMaintenanceJobChanges] ?? null])), id })
    return result.changes > 0
  }

  return {
    insert(row: PgMaintenanceJobRow): void {
      insert.run(row)
    },
    get(id: string): PgMaintenanceJobRow | undefined {
      return byId.get(id) as PgMaintenanceJobRow | undefined
    },
    /** A scheduled job that does the same thing at the same time, if there is one. */
    pendingTwin(row: PgMaintenanceJobRow): PgMaintenanceJobRow | undefined {
      return pendingTwin.get({
        instance_id: row.instance_id,
        operation: row.operation,
        dbname: row.dbname,
        schema_name: row.schema_name,
        table_name: row.table_name,
        index_name: row.index_name,
        mode: row.mode,
        scheduled_at: row.scheduled_at
      }) as PgMaintenanceJobRow | undefined
    },
    /** Applies changes; no-op (false) when the job is gone. */
    update(id: string, changes: PgMaintenanceJobChanges): boolean {
      return set(id, changes)
    },
    /** Applies changes only if the job is in one of `from` now: false when something else moved it first. */
    transition(id: string, from: readonly PgMaintenanceJobStatus[], changes: PgMaintenanceJobChanges): boolean {
      return set(id, changes, from)
    },
    /** Scheduled jobs whose time has come, in the order they are due. */
    due(now: number): PgMaintenanceJobRow[] {
      return due.all(now) as PgMaintenanceJobRow[]
    },
    /** When the next scheduled job after `now` is due, if any. */
    nextScheduledAfter(now: number): number | null {
      return (nextAfter.get(now) as { at: number | null }).at
    },
    list(filter: PgMaintenanceJobFilter): PgMaintenanceJobRow[] {
      const { sql, params } = where(filter)
      const order = filter.limit === undefined ? DUE_ORDER : 'ORDER BY requested_at DESC, rowid DESC LIMIT ?'
      return db.prepare(`SELECT * FROM pg_maintenance_jobs ${sql} ${order}`).all(...params, ...(filter.limit === undefined ? [] : [filter.limit])) as PgMaintenanceJobRow[]
    },
    /** Deletes finished jobs older than `before`; returns how many. */
    purgeFinishedBefore(before: number): number {
      return purge.run(before).changes
    }
  }
}
