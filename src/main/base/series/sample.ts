/**
 * A stale sample: the series ended here (Prometheus's staleness marker). A symbol, not the NaN
 * Prometheus uses, because a NaN's payload does not survive JavaScript reliably (float-bits.ts).
 */
export const STALE: unique symbol = Symbol('stale')

/** One field's value at one time: a number, missing (null), or the end of the series. */
export type SampleValue = number | null | typeof STALE

/** A value as a number, or null when it is missing, stale or not a number. */
export function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null
}

/**
 * Whether row `r` is a staleness marker — every column STALE, as a series that ended is
 * marked — rather than a sample: readers of rows leave it out.
 */
export function isStaleRow(columns: readonly ArrayLike<SampleValue>[], r: number): boolean {
  if (columns.length === 0) return false
  for (const column of columns) if (column[r] !== STALE) return false
  return true
}
