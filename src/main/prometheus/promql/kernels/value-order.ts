// The two value orders Prometheus 2.42 sorts and heaps samples by (its vectorByValueHeap and
// vectorByReverseValueHeap). In both, NaN is "less" than anything, NaN included: no strict
// order, so where NaNs land depends on the exact steps of Go's sort and heap (go-sort.ts).
import type { Less } from './go-sort'

export const ascendingNanFirst: Less<number> = (a, b) => Number.isNaN(a) || a < b

export const descendingNanFirst: Less<number> = (a, b) => Number.isNaN(a) || a > b

/** The same order over anything with a value. */
export function byValue<T extends { v: number }>(less: Less<number>): Less<T> {
  return (a, b) => less(a.v, b.v)
}
