// rate, increase, delta (extrapolated to the window's ends) and irate, idelta (the last two
// points), as Prometheus 2.42 computes them.
import type { RangeWindow } from './range-functions'
import type { Point } from './values'

/**
 * The change over the window, extrapolated towards its ends:
 * - counters (rate, increase) add back every drop, as a reset to zero;
 * - the first and last points are extended to the window's edges when they lie within 1.1
 *   average sample intervals of them, and by half an interval otherwise (the series is taken to
 *   start or end there);
 * - a counter is not extrapolated below zero: towards the start, no further than where a line
 *   through its points would reach zero;
 * - rate divides by the window's length in seconds (never by the span actually sampled).
 * Fewer than two points: no value.
 */
export function extrapolatedRate(window: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { points, startMs, endMs } = window
  if (points.length < 2) return undefined
  const first = points[0] as Point
  const last = points[points.length - 1] as Point
  const change = isCounter ? withResetsAdded(last.v - first.v, points) : last.v - first.v

  let durationToStart = (first.t - startMs) / 1000
  const durationToEnd = (endMs - last.t) / 1000
  const sampledInterval = (last.t - first.t) / 1000
  const averageInterval = sampledInterval / (points.length - 1)

  if (isCounter && change > 0 && first.v >= 0) {
    const durationToZero = sampledInterval * (first.v / change)
    if (durationToZero < durationToStart) durationToStart = durationToZero
  }

  const threshold = averageInterval * 1.1
  let extrapolateTo = sampledInterval
  extrapolateTo += durationToStart < threshold ? durationToStart : averageInterval / 2
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageInterval / 2

  let factor = extrapolateTo / sampledInterval
  if (isRate) factor /= durationSeconds(endMs - startMs)
  return change * factor
}

/** Adds back what each counter reset took away (the value before the drop), one drop at a time. */
function withResetsAdded(change: number, points: readonly Point[]): number {
  for (let i = 1; i < points.length; i++) {
    const previous = (points[i - 1] as Point).v
    if ((points[i] as Point).v < previous) change += previous
  }
  return change
}

/** time.Duration.Seconds() of a whole number of milliseconds: whole seconds plus the rest, rounded apart. */
export function durationSeconds(ms: number): number {
  const whole = Math.trunc(ms / 1000)
  return whole + ((ms - whole * 1000) * 1e6) / 1e9
}

/**
 * irate (per second, a drop counts as a reset to zero) and idelta over the last two points.
 * No value with fewer than two points, or two at the same time.
 */
export function instantRate(window: RangeWindow, isRate: boolean): number | undefined {
  const { points } = window
  if (points.length < 2) return undefined
  const last = points[points.length - 1] as Point
  const previous = points[points.length - 2] as Point
  const elapsedMs = last.t - previous.t
  if (elapsedMs === 0) return undefined
  if (!isRate) return last.v - previous.v
  const change = last.v < previous.v ? last.v : last.v - previous.v
  return change / (elapsedMs / 1000)
}
