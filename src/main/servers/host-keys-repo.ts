import type { Db } from '../base/db/db'

export interface PinnedKey {
  algorithm: string
  /** OpenSSH's form: SHA256:<base64, no padding>. */
  fingerprint: string
}

export type HostKeysRepo = ReturnType<typeof createHostKeysRepo>

/** SSH host keys pinned on first use, and the last mismatching key a server presented. */
export function createHostKeysRepo(db: Db, now: () => number = Date.now) {
  const read = db.prepare('SELECT * FROM host_keys WHERE server_id = ?')
  const pin = db.prepare(
    `INSERT INTO host_keys (server_id, algorithm, fingerprint, pinned_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (server_id) DO UPDATE SET algorithm = excluded.algorithm, fingerprint = excluded.fingerprint,
       pinned_at = excluded.pinned_at, presented_algorithm = NULL, presented_fingerprint = NULL`
  )
  const present = db.prepare('UPDATE host_keys SET presented_algorithm = ?, presented_fingerprint = ? WHERE server_id = ?')
  const forget = db.prepare('DELETE FROM host_keys WHERE server_id = ?')
  type Row = { algorithm: string; fingerprint: string; pinned_at: number; presented_algorithm: string | null; presented_fingerprint: string | null }

  return {
    get(serverId: string): PinnedKey | null {
      const row = read.get(serverId) as Row | undefined
      return row ? { algorithm: row.algorithm, fingerprint: row.fingerprint } : null
    },
    pin(serverId: string, key: PinnedKey): void {
      pin.run(serverId, key.algorithm, key.fingerprint, now())
    },
    /** Remembers a key that did not match the pin, so the user can look at it and accept it. */
    recordPresented(serverId: string, key: PinnedKey): void {
      present.run(key.algorithm, key.fingerprint, serverId)
    },
    presented(serverId: string): PinnedKey | null {
      const row = read.get(serverId) as Row | undefined
      return row?.presented_fingerprint && row.presented_algorithm
        ? { algorithm: row.presented_algorithm, fingerprint: row.presented_fingerprint }
        : null
    },
    details(serverId: string): { pinned: PinnedKey; pinnedAt: number; presented: PinnedKey | null } | null {
      const row = read.get(serverId) as Row | undefined
      if (!row) return null
      return {
        pinned: { algorithm: row.algorithm, fingerprint: row.fingerprint },
        pinnedAt: row.pinned_at,
        presented: row.presented_fingerprint && row.presented_algorithm ? { algorithm: row.presented_algorithm, fingerprint: row.presented_fingerprint } : null
      }
    },
    forget(serverId: string): void {
      forget.run(serverId)
    }
  }
}
