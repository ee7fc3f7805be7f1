// The receiver remote write sends to, and how far each series-store group has been sent
// (migration 016). The bearer token is kept sealed; it is opened only to send.
import type { Db } from '../../base/db/db'
import type { SecretBox } from '../../base/security/secrets'

export interface RemoteWriteTarget {
  url: string
  /** null: requests carry no Authorization header. */
  bearerToken: string | null
  enabled: boolean
  /** Samples older than this were stored before the receiver was set: not sent. */
  sinceMs: number
}

/** How far a group has been sent: the next sample's sequence number and the newest time sent. */
export interface SendCursor {
  nextSeq: number
  lastTs: number
}

export type RemoteWriteRepo = ReturnType<typeof createRemoteWriteRepo>

export function createRemoteWriteRepo(db: Db, secrets: SecretBox) {
  const statements = {
    target: db.prepare('SELECT url, bearer_sealed, enabled, since_ms FROM remote_write WHERE id = 1'),
    saveTarget: db.prepare(
      `INSERT INTO remote_write (id, url, bearer_sealed, enabled, since_ms, updated_at) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, bearer_sealed = excluded.bearer_sealed,
         enabled = excluded.enabled, since_ms = excluded.since_ms, updated_at = excluded.updated_at`
    ),
    removeTarget: db.prepare('DELETE FROM remote_write'),
    cursors: db.prepare('SELECT group_id, next_seq, last_ts FROM remote_write_cursors'),
    saveCursor: db.prepare(
      `INSERT INTO remote_write_cursors (group_id, next_seq, last_ts) VALUES (?, ?, ?)
       ON CONFLICT (group_id) DO UPDATE SET next_seq = excluded.next_seq, last_ts = excluded.last_ts`
    ),
    clearCursors: db.prepare('DELETE FROM remote_write_cursors')
  }
  const readTarget = () => statements.target.get() as { url: string; bearer_sealed: string | null; enabled: number; since_ms: number } | undefined
  return {
    target(): RemoteWriteTarget | null {
      const row = readTarget()
      if (!row) return null
      return { url: row.url, bearerToken: row.bearer_sealed === null ? null : secrets.open(row.bearer_sealed), enabled: row.enabled === 1, sinceMs: row.since_ms }
    },
    /** The receiver as shown: whether a token is set, without opening it. */
    shownTarget(): (Omit<RemoteWriteTarget, 'bearerToken'> & { hasBearerToken: boolean }) | null {
      const row = readTarget()
      if (!row) return null
      return { url: row.url, hasBearerToken: row.bearer_sealed !== null, enabled: row.enabled === 1, sinceMs: row.since_ms }
    },
    /** Saves the receiver; a new URL forgets every cursor (a new receiver starts at its sinceMs). */
    saveTarget(target: RemoteWriteTarget, now: number): void {
      db.transaction(() => {
        const before = statements.target.get() as { url: string } | undefined
        if (before?.url !== target.url) statements.clearCursors.run()
        const sealed = target.bearerToken === null ? null : secrets.seal(target.bearerToken)
        statements.saveTarget.run(target.url, sealed, target.enabled ? 1 : 0, target.sinceMs, now)
      })()
    },
    removeTarget(): void {
      db.transaction(() => {
        statements.removeTarget.run()
        statements.clearCursors.run()
      })()
    },
    cursors(): Map<number, SendCursor> {
      const rows = statements.cursors.all() as Array<{ group_id: number; next_seq: number; last_ts: number }>
      return new Map(rows.map((row) => [row.group_id, { nextSeq: row.next_seq, lastTs: row.last_ts }]))
    },
    /** Records what a receiver acknowledged, all in one transaction. */
    saveCursors(cursors: ReadonlyMap<number, SendCursor>): void {
      db.transaction(() => {
        for (const [groupId, cursor] of cursors) statements.saveCursor.run(groupId, cursor.nextSeq, cursor.lastTs)
      })()
    }
  }
}
