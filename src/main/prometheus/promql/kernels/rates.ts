// rate, increase, delta (extrapolated to the window's ends) and irate, idelta (the last two
// points), as Prometheus 2.42 computes them.
import type { RangeWindow } from './range-functions'

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
  const { timestamps, values, from, to, startMs, endMs } = window
  const count = to - from
  if (count < 2) return undefined
  const firstT = timestamps[from] as number
  const firstV = values[from] as number
  const lastT = timestamps[to - 1] as number
  const lastV = values[to - 1] as number
  const change = isCounter ? withResetsAdded(lastV - firstV, values, from, to) : lastV - firstV

  let durationToStart = (firstT - startMs) / 1000
  const durationToEnd = (endMs - lastT) / 1000
  const sampledInterval = (lastT - firstT) / 1000
  const averageInterval = sampledInterval / (count - 1)

  if (isCounter && change > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / change)
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

/** Adds back what each counter reset in values [from, to) took away (the value before the drop), one drop at a time. */
function withResetsAdded(change: number, values: ArrayLike<number>, from: number, to: number): number {
  for (let i = from + 1; i < to; i++) {
    const previous = values[i - 1] as number
    if ((values[i] as number) < previous) change += previous
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
  const { timestamps, values, from, to } = window
  if (to - from < 2) return undefined
  const last = values[to - 1] as number
  const previous = values[to - 2] as number
  const elapsedMs = (timestamps[to - 1] as number) - (timestamps[to - 2] as number)
  if (elapsedMs === 0) return undefined
  if (!isRate) return last - previous
  const change = last < previous ? last : last - previous
  return change / (elapsedMs / 1000)
}
