// Reconnect delays: exponential growth with "full jitter" (a uniform draw below the
// exponential ceiling), so a fleet that lost its network does not reconnect in lockstep and
// trip sshd's MaxStartups throttling.

export interface BackoffPolicy {
  /** The ceiling of the first delay. */
  baseMs: number
  /** The ceiling never grows past this. */
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 }

/** The upper bound of the delay before retry number `attempt` (0-based): min(max, base·2^attempt). */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 52)
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent)
}

/** A delay drawn uniformly from [0, ceiling). `random` is injectable for tests. */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeilingMs(attempt, policy))
}
