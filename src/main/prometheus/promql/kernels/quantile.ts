// The φ-quantile of a set of values (quantile() and quantile_over_time()), as 2.42 computes it.
import { goSort } from './go-sort'
import { ascendingNanFirst } from './value-order'

/**
 * Linear interpolation between the closest ranks: rank φ·(n−1) over the values sorted ascending
 * (NaNs towards the front). No values or φ NaN: NaN; φ < 0: -Inf; φ > 1: +Inf.
 */
export function quantile(phi: number, values: readonly number[]): number {
  if (values.length === 0 || Number.isNaN(phi)) return NaN
  if (phi < 0) return -Infinity
  if (phi > 1) return Infinity
  const sorted = [...values]
  goSort(sorted, ascendingNanFirst)
  const n = sorted.length
  const rank = phi * (n - 1)
  const lowerIndex = Math.max(0, Math.floor(rank))
  const upperIndex = Math.min(n - 1, lowerIndex + 1)
  const weight = rank - Math.floor(rank)
  return (sorted[lowerIndex] as number) * (1 - weight) + (sorted[upperIndex] as number) * weight
}
