import { AppError } from '../../shared/errors'

/** How many failed logins a key (a client address, a username) may have before it must wait, and how long. */
export interface ThrottleRule {
  /** Failures allowed before any wait. */
  free: number
  /** The first wait; it doubles with each further failure… */
  firstDelayMs: number
  /** …up to this. */
  maxDelayMs: number
  /** A key with no failure for this long starts afresh. */
  forgetAfterMs: number
}

export interface LoginLimits {
  /** Per client address (on loopback, every local client is one address). */
  client: ThrottleRule
  /** Per username, known or not. */
  user: ThrottleRule
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  client: { free: 20, firstDelayMs: 1_000, maxDelayMs: 5 * 60_000, forgetAfterMs: 15 * 60_000 },
  user: { free: 5, firstDelayMs: 1_000, maxDelayMs: 5 * 60_000, forgetAfterMs: 15 * 60_000 }
}

/** Keys remembered at most, per kind; the least recently failed go first. */
const MAX_KEYS = 10_000

interface Failures {
  count: number
  last: number
}

/**
 * Failed-login counting with exponential backoff, per client and per user: after `free`
 * failures a key must wait 1 s, then 2 s, 4 s … (up to the rule's maximum) after its last
 * failure before it may try again; a success clears the user and the client. A refused attempt
 * is answered before any password hashing, so it costs nothing.
 */
export class LoginThrottle {
  private readonly failures = { client: new Map<string, Failures>(), user: new Map<string, Failures>() }

  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now
  ) {}

  /** Throws too_many_requests (with when to retry) if the client or the user must still wait. */
  check(client: string, user: string): void {
    const wait = Math.max(this.waitMs('client', client), this.waitMs('user', user.toLowerCase()))
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000)
      throw new AppError('too_many_requests', `Too many failed logins; try again in ${seconds} s.`, { retryAfterSeconds: seconds })
    }
  }

  failed(client: string, user: string): void {
    this.count('client', client)
    this.count('user', user.toLowerCase())
  }

  succeeded(client: string, user: string): void {
    this.failures.client.delete(client)
    this.failures.user.delete(user.toLowerCase())
  }

  private waitMs(kind: keyof LoginLimits, key: string): number {
    const entry = this.failures[kind].get(key)
    if (!entry) return 0
    const rule = this.limits[kind]
    const now = this.now()
    if (now - entry.last >= rule.forgetAfterMs) {
      this.failures[kind].delete(key)
      return 0
    }
    if (entry.count < rule.free) return 0
    const delay = Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(entry.count - rule.free, 30))
    return Math.max(0, entry.last + delay - now)
  }

  private count(kind: keyof LoginLimits, key: string): void {
    const map = this.failures[kind]
    const now = this.now()
    const entry = map.get(key)
    const fresh = !entry || now - entry.last >= this.limits[kind].forgetAfterMs
    map.delete(key)
    map.set(key, { count: fresh ? 1 : (entry as Failures).count + 1, last: now })
    if (map.size > MAX_KEYS) map.delete(map.keys().next().value as string)
  }
}
