// The *_over_time functions, changes and resets, as Prometheus 2.42 computes them over the
// samples of one window (always at least one: the engine drops a series with none).
import { CompensatedSum } from './kahan'
import { quantile } from './quantile'
import type { RangeWindow } from './range-functions'

/** The running mean, each step adding (v − mean)/n in two halves (no overflow near ±MaxFloat64), compensated. */
export function avgOverTime({ values, from, to }: RangeWindow): number | undefined {
  if (to === from) return undefined
  const mean = new CompensatedSum()
  let count = 0
  for (let i = from; i < to; i++) {
    const v = values[i] as number
    count++
    // Once the mean is infinite, finite values and infinities of its sign leave it so.
    if (Math.abs(mean.sum) === Infinity && (v === mean.sum || Number.isFinite(v))) continue
    mean.add(v / count - mean.sum / count)
  }
  return Math.abs(mean.sum) === Infinity ? mean.sum : mean.value
}

/** Compensated; an infinite sum is returned as it is (its compensation would be NaN). */
export function sumOverTime({ values, from, to }: RangeWindow): number | undefined {
  if (to === from) return undefined
  const sum = new CompensatedSum()
  for (let i = from; i < to; i++) sum.add(values[i] as number)
  return Math.abs(sum.sum) === Infinity ? sum.sum : sum.value
}

export function countOverTime({ from, to }: RangeWindow): number | undefined {
  return to === from ? undefined : to - from
}

export function lastOverTime({ values, from, to }: RangeWindow): number | undefined {
  return to === from ? undefined : values[to - 1]
}

/** NaN only when every value is NaN: a NaN is replaced by the next value, and never replaces one. */
export function maxOverTime(window: RangeWindow): number | undefined {
  return extreme(window, (candidate, best) => candidate > best)
}

export function minOverTime(window: RangeWindow): number | undefined {
  return extreme(window, (candidate, best) => candidate < best)
}

function extreme({ values, from, to }: RangeWindow, better: (candidate: number, best: number) => boolean): number | undefined {
  if (to === from) return undefined
  let best = values[from] as number
  for (let i = from; i < to; i++) {
    const v = values[i] as number
    if (better(v, best) || Number.isNaN(best)) best = v
  }
  return best
}

/** Population variance by Welford's method, mean and sum of squares both compensated. */
export function stdvarOverTime({ values, from, to }: RangeWindow): number | undefined {
  if (to === from) return undefined
  const mean = new CompensatedSum()
  const squares = new CompensatedSum()
  let count = 0
  for (let i = from; i < to; i++) {
    const v = values[i] as number
    count++
    const delta = v - mean.value
    mean.add(delta / count)
    squares.add(delta * (v - mean.value))
  }
  return squares.value / count
}

export function stddevOverTime(window: RangeWindow): number | undefined {
  const variance = stdvarOverTime(window)
  return variance === undefined ? undefined : Math.sqrt(variance)
}

export function quantileOverTime({ values, from, to }: RangeWindow, phi: number): number | undefined {
  return to === from ? undefined : quantile(phi, Array.prototype.slice.call(values, from, to) as number[])
}

/**
 * 1 for a series with points in the window. For absent_over_time the engine then answers 1 only
 * at steps where no series has any (with the labels of the selector's equality matchers).
 */
export function presentOverTime({ from, to }: RangeWindow): number | undefined {
  return to === from ? undefined : 1
}

/** How often the value changed; NaN to NaN is no change. */
export function changes(window: RangeWindow): number | undefined {
  return countSteps(window, (previous, current) => current !== previous && !(Number.isNaN(current) && Number.isNaN(previous)))
}

/** How often the value dropped. */
export function resets(window: RangeWindow): number | undefined {
  return countSteps(window, (previous, current) => current < previous)
}

function countSteps({ values, from, to }: RangeWindow, counts: (previous: number, current: number) => boolean): number | undefined {
  if (to === from) return undefined
  let count = 0
  for (let i = from + 1; i < to; i++) if (counts(values[i - 1] as number, values[i] as number)) count++
  return count
}
