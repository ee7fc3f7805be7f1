import { reportingFailures, type FailureReport } from '../background'
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

/** How long counts wait in memory before they are written: a crash forgets at most this much. */
export const FLUSH_AFTER_MS = 1000

interface Window {
  resetAt: number
  count: number
}

/**
 * Fixed-window request counting kept in SQLite (`rate_limits`), so a limit outlives a restart
 * and `vigil serve` started again does not hand a runaway script a fresh hour. One row per key;
 * a refused request is not counted, so a client that backs off gets its full quota when the
 * window ends. Counting happens in memory and is written within a second (and at flush()): a
 * write per request made a busy token's p99 wait on SQLite's checkpoints (bench/permissions.ts).
 * Rows whose window ended are purged as counts are written.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>()
  private readonly dirty = new Set<string>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly read
  private readonly write
  private readonly purge

  constructor(
    private readonly db: Db,
    /** A failure of the timer's flush (the counts stay, written at the next flush). */
    private readonly onError: FailureReport,
    private readonly now: () => number = Date.now
  ) {
    this.read = db.prepare('SELECT reset_at, count FROM rate_limits WHERE key = ?')
    this.write = db.prepare('INSERT INTO rate_limits (key, reset_at, count) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET reset_at = excluded.reset_at, count = excluded.count')
    this.purge = db.prepare('DELETE FROM rate_limits WHERE reset_at <= ?')
  }

  /** Counts one request against `key` under `rule`, unless the window's quota is spent. */
  hit(key: string, rule: RateRule): RateDecision {
    const now = this.now()
    let window = this.windows.get(key)
    if (window === undefined) {
      const row = this.read.get(key) as { reset_at: number; count: number } | undefined
      window = row ? { resetAt: row.reset_at, count: row.count } : { resetAt: 0, count: 0 }
      this.windows.set(key, window)
    }
    if (window.resetAt <= now) {
      window.resetAt = now + rule.windowSeconds * 1000
      window.count = 0
    }
    const allowed = window.count < rule.max
    if (allowed) {
      window.count++
      this.dirty.add(key)
      this.timer ??= setTimeout(reportingFailures(() => this.flush(), this.onError), FLUSH_AFTER_MS).unref()
    }
    return { allowed, limit: rule.max, remaining: Math.max(0, rule.max - window.count), resetAt: window.resetAt, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) }
  }

  /** Writes the counts changed since the last flush and forgets ended windows; at close too. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const now = this.now()
    this.db.transaction(() => {
      for (const key of this.dirty) {
        const window = this.windows.get(key) as Window
        this.write.run(key, window.resetAt, window.count)
      }
      this.purge.run(now)
    })()
    this.dirty.clear()
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key)
  }
}
