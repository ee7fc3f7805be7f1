// The *_over_time functions, changes and resets, as Prometheus 2.42 computes them over the
// points of one window (always at least one: the engine drops a series with none).
import { CompensatedSum } from './kahan'
import { quantile } from './quantile'
import type { RangeWindow } from './range-functions'
import type { Point } from './values'

type Points = readonly Point[]

const lastOf = (points: Points): Point | undefined => points[points.length - 1]

/** The running mean, each step adding (v − mean)/n in two halves (no overflow near ±MaxFloat64), compensated. */
export function avgOverTime({ points }: RangeWindow): number | undefined {
  if (points.length === 0) return undefined
  const mean = new CompensatedSum()
  let count = 0
  for (const { v } of points) {
    count++
    // Once the mean is infinite, finite values and infinities of its sign leave it so.
    if (Math.abs(mean.sum) === Infinity && (v === mean.sum || Number.isFinite(v))) continue
    mean.add(v / count - mean.sum / count)
  }
  return Math.abs(mean.sum) === Infinity ? mean.sum : mean.value
}

/** Compensated; an infinite sum is returned as it is (its compensation would be NaN). */
export function sumOverTime({ points }: RangeWindow): number | undefined {
  if (points.length === 0) return undefined
  const sum = new CompensatedSum()
  for (const { v } of points) sum.add(v)
  return Math.abs(sum.sum) === Infinity ? sum.sum : sum.value
}

export function countOverTime({ points }: RangeWindow): number | undefined {
  return points.length === 0 ? undefined : points.length
}

export function lastOverTime({ points }: RangeWindow): number | undefined {
  return lastOf(points)?.v
}

/** NaN only when every value is NaN: a NaN is replaced by the next value, and never replaces one. */
export function maxOverTime({ points }: RangeWindow): number | undefined {
  return extreme(points, (candidate, best) => candidate > best)
}

export function minOverTime({ points }: RangeWindow): number | undefined {
  return extreme(points, (candidate, best) => candidate < best)
}

function extreme(points: Points, better: (candidate: number, best: number) => boolean): number | undefined {
  if (points.length === 0) return undefined
  let best = (points[0] as Point).v
  for (const { v } of points) if (better(v, best) || Number.isNaN(best)) best = v
  return best
}

/** Population variance by Welford's method, mean and sum of squares both compensated. */
export function stdvarOverTime({ points }: RangeWindow): number | undefined {
  if (points.length === 0) return undefined
  const mean = new CompensatedSum()
  const squares = new CompensatedSum()
  let count = 0
  for (const { v } of points) {
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

export function quantileOverTime({ points }: RangeWindow, phi: number): number | undefined {
  return points.length === 0 ? undefined : quantile(phi, points.map((p) => p.v))
}

/**
 * 1 for a series with points in the window. For absent_over_time the engine then answers 1 only
 * at steps where no series has any (with the labels of the selector's equality matchers).
 */
export function presentOverTime({ points }: RangeWindow): number | undefined {
  return points.length === 0 ? undefined : 1
}

/** How often the value changed; NaN to NaN is no change. */
export function changes({ points }: RangeWindow): number | undefined {
  return countSteps(points, (previous, current) => current !== previous && !(Number.isNaN(current) && Number.isNaN(previous)))
}

/** How often the value dropped. */
export function resets({ points }: RangeWindow): number | undefined {
  return countSteps(points, (previous, current) => current < previous)
}

function countSteps(points: Points, counts: (previous: number, current: number) => boolean): number | undefined {
  if (points.length === 0) return undefined
  let count = 0
  for (let i = 1; i < points.length; i++) if (counts((points[i - 1] as Point).v, (points[i] as Point).v)) count++
  return count
}
