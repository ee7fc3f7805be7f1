import type { Db } from '../base/db/db'

export type AuditRepo = ReturnType<typeof createAuditRepo>

export interface AuditRow {
  id: number
  ts: number
  username: string
  instance_id: number | null
  message: string
}

/** The trail of actions taken (logins, kills, reloads, ALTER SYSTEM, maintenance jobs). */
export function createAuditRepo(db: Db) {
  return {
    add(entry: Omit<AuditRow, 'id'>): void {
      db.prepare('INSERT INTO audit_log (ts, username, instance_id, message) VALUES (@ts, @username, @instance_id, @message)').run(entry)
    },
    /** Newest first: what an instance saw, including Vigil-wide entries (instance_id NULL). */
    forInstance(instanceId: number, limit: number): AuditRow[] {
      return db
        .prepare('SELECT * FROM audit_log WHERE instance_id = ? OR instance_id IS NULL ORDER BY ts DESC, id DESC LIMIT ?')
        .all(instanceId, limit) as AuditRow[]
    },
    /** The newest entries of every instance and Vigil's, newest first (the activity log). */
    recent(limit: number): AuditRow[] {
      return db.prepare('SELECT * FROM audit_log ORDER BY ts DESC, id DESC LIMIT ?').all(limit) as AuditRow[]
    },
    deleteBefore(ts: number): number {
      return db.prepare('DELETE FROM audit_log WHERE ts < ?').run(ts).changes
    }
  }
}
