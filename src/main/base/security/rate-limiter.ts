import type { Db } from '../db/db'

/** At most `max` requests per `windowSeconds` (a fixed window opened by the first request). */
export interface RateRule {
  max: number
  windowSeconds: number
}

export interface RateDecision {
  allowed: boolean
  limit: number
  remaining: number
  /** When the window ends (ms since the epoch). */
  resetAt: number
  /** Seconds until then, at least 1. */
  retryAfterSeconds: number
}

/**
 * Fixed-window request counting kept in SQLite (`rate_limits`), so a limit outlives a restart
 * and `vigil serve` started again does not hand a runaway script a fresh hour. One row per key;
 * a refused request is not counted, so a client that backs off gets its full quota when the
 * window ends. Rows whose window ended are purged when a new window opens.
 */
export class RateLimiter {
  private readonly read
  private readonly write
  private readonly purge

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now
  ) {
    this.read = db.prepare('SELECT reset_at, count FROM rate_limits WHERE key = ?')
    this.write = db.prepare('INSERT INTO rate_limits (key, reset_at, count) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET reset_at = excluded.reset_at, count = excluded.count')
    this.purge = db.prepare('DELETE FROM rate_limits WHERE reset_at <= ?')
  }

  /** Counts one request against `key` under `rule`, unless the window's quota is spent. */
  hit(key: string, rule: RateRule): RateDecision {
    return this.db.transaction((): RateDecision => {
      const now = this.now()
      const row = this.read.get(key) as { reset_at: number; count: number } | undefined
      let resetAt: number
      let count: number
      if (!row || row.reset_at <= now) {
        this.purge.run(now)
        resetAt = now + rule.windowSeconds * 1000
        count = 0
      } else {
        resetAt = row.reset_at
        count = row.count
      }
      const allowed = count < rule.max
      if (allowed) this.write.run(key, resetAt, ++count)
      return { allowed, limit: rule.max, remaining: Math.max(0, rule.max - count), resetAt, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)) }
    })()
  }
}
