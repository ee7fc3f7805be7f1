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

/** Where sending picks up: every sample older than `sentBeforeMs` has been sent or refused for good. */
export interface SendProgress {
  sinceMs: number
  sentBeforeMs: number
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
    progress: db.prepare('SELECT since_ms, coalesce(sent_before_ms, since_ms) AS sent_before_ms FROM remote_write WHERE id = 1'),
    saveSentBefore: db.prepare('UPDATE remote_write SET sent_before_ms = ? WHERE id = 1'),
    cursor: db.prepare('SELECT next_seq, last_ts FROM remote_write_cursors WHERE group_id = ?'),
    deleteCursor: db.prepare('DELETE FROM remote_write_cursors WHERE group_id = ?'),
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
        // A new receiver starts at its sinceMs.
        if (before?.url !== target.url) statements.saveSentBefore.run(null)
      })()
    },
    removeTarget(): void {
      db.transaction(() => {
        statements.removeTarget.run()
        statements.clearCursors.run()
      })()
    },
    progress(): SendProgress | null {
      const row = statements.progress.get() as { since_ms: number; sent_before_ms: number } | undefined
      return row ? { sinceMs: row.since_ms, sentBeforeMs: row.sent_before_ms } : null
    },
    saveSentBefore(ms: number): void {
      statements.saveSentBefore.run(ms)
    },
    /** A group's cursor, if it was ever sent. */
    cursor(groupId: number): SendCursor | undefined {
      const row = statements.cursor.get(groupId) as { next_seq: number; last_ts: number } | undefined
      return row && { nextSeq: row.next_seq, lastTs: row.last_ts }
    },
    /** Forgets the cursors of groups the store deleted. */
    deleteCursors(groupIds: readonly number[]): void {
      db.transaction(() => {
        for (const id of groupIds) statements.deleteCursor.run(id)
      })()
    },
    /** Records what a receiver acknowledged, all in one transaction. */
    saveCursors(cursors: ReadonlyMap<number, SendCursor>): void {
      db.transaction(() => {
        for (const [groupId, cursor] of cursors) statements.saveCursor.run(groupId, cursor.nextSeq, cursor.lastTs)
      })()
    }
  }
}
