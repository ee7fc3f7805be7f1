// The in-place upgrade of a data dir's metrics (the tables of Vigil before the series store,
// converted into the store when Vigil starts), as the UI, the API and the log see it.

/**
 * - `pending`: not known yet (it is being looked at, right after start)
 * - `none`: nothing to convert (a new data dir, or one converted before)
 * - `converting`: copying the old tables into the store, then checking the copy
 * - `converted`: done in this run; the old tables are dropped
 * - `failed`: the copy differs from the old tables, or an error stopped it; the old tables are
 *   kept, and roll-ups and retention stay off until a later start completes it
 */
export type UpgradeState = 'pending' | 'none' | 'converting' | 'converted' | 'failed'

export interface UpgradeStatus {
  state: UpgradeState
  /** While converting: copying rows into the store, or checking the copy against the old rows. */
  phase: 'copying' | 'checking' | null
  /** The old table being copied or checked. */
  table: string | null
  /** Rows of the old tables, all of them, and how many are in the store (an earlier, interrupted run's included). */
  total: number
  copied: number
  /** Rows read by the check, from both sides: it is done at twice `total`. */
  checked: number
  /** Rows an earlier run had copied before it was interrupted (this run carried on from there). */
  resumedFrom: number
  /** The whole upgrade, 0 to 100 (one decimal): the copy is the first half, the check the second. */
  percent: number
  /** When this run started and ended (ISO 8601), and how long it has taken so far. */
  startedAt: string | null
  finishedAt: string | null
  elapsedMs: number
  /** What went wrong (failed only). */
  error: string | null
  /** What the user should do about it (failed only). */
  advice: string | null
  /** The groups whose copy differs from the old rows, one line each (the first MAX_LISTED_MISMATCHES), and how many in all. */
  mismatches: string[]
  mismatchCount: number
  /** Counts up with every change, so a late answer never replaces a newer event. */
  version: number
}

/** Mismatching groups listed in a status (all of them go to the log). */
export const MAX_LISTED_MISMATCHES = 50

export const INITIAL_UPGRADE_STATUS: UpgradeStatus = Object.freeze({
  state: 'pending',
  phase: null,
  table: null,
  total: 0,
  copied: 0,
  checked: 0,
  resumedFrom: 0,
  percent: 0,
  startedAt: null,
  finishedAt: null,
  elapsedMs: 0,
  error: null,
  advice: null,
  mismatches: [],
  mismatchCount: 0,
  version: 0
})

/** The whole upgrade's progress, 0 to 100 with one decimal. */
export function upgradePercent(copied: number, checked: number, total: number): number {
  if (total <= 0) return 0
  const fraction = (Math.min(copied, total) + Math.min(checked, 2 * total) / 2) / (2 * total)
  return Math.floor(fraction * 1000) / 10
}

/** Whether `next` is newer than `current` (by version). */
export function isNewerUpgradeStatus(next: UpgradeStatus, current: UpgradeStatus | null): boolean {
  return current === null || next.version > current.version
}
