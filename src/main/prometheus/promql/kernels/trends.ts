// deriv and predict_linear (a least-squares line through the window's points) and
// holt_winters (double exponential smoothing), as Prometheus 2.42 computes them.
import { CompensatedSum } from './kahan'
import type { RangeWindow } from './range-functions'
import { formatGoFixed } from './go-strconv'
import { PromqlExecutionError } from './values'

interface Line {
  /** Per second. */
  slope: number
  /** The line's value at the time the x axis is measured from. */
  intercept: number
}

/**
 * The least-squares line through the window's samples, x in seconds from `originMs`
 * (compensated sums of x, y, xy and x²). A constant series gives slope 0 — or NaN for a
 * constant ±Inf — without dividing by anything.
 */
export function linearRegression({ timestamps, values, from, to }: RangeWindow, originMs: number): Line {
  const sumX = new CompensatedSum()
  const sumY = new CompensatedSum()
  const sumXY = new CompensatedSum()
  const sumX2 = new CompensatedSum()
  const firstY = values[from] as number
  let constantY = true
  for (let i = from; i < to; i++) {
    const v = values[i] as number
    if (i > from && v !== firstY) constantY = false
    const x = ((timestamps[i] as number) - originMs) / 1e3
    sumX.add(x)
    sumY.add(v)
    sumXY.add(x * v)
    sumX2.add(x * x)
  }
  if (constantY) return Math.abs(firstY) === Infinity ? { slope: NaN, intercept: NaN } : { slope: 0, intercept: firstY }
  const n = to - from
  const x = sumX.value
  const y = sumY.value
  const covarianceXY = sumXY.value - (x * y) / n
  const varianceX = sumX2.value - (x * x) / n
  const slope = covarianceXY / varianceX
  return { slope, intercept: y / n - (slope * x) / n }
}

/** deriv: the slope per second; x measured from the first point, which keeps the sums small. */
export function deriv(window: RangeWindow): number | undefined {
  if (window.to - window.from < 2) return undefined
  return linearRegression(window, window.timestamps[window.from] as number).slope
}

/**
 * predict_linear: the line's value `seconds` after the evaluation time. The line is fitted
 * around the step's time — not the window's end, which an offset moves away from it.
 */
export function predictLinear(window: RangeWindow, seconds: number): number | undefined {
  if (window.to - window.from < 2) return undefined
  const { slope, intercept } = linearRegression(window, window.evalMs)
  return slope * seconds + intercept
}

/**
 * holt_winters(window, sf, tf): the last smoothed value of double exponential smoothing, the
 * level starting at the first point and the trend at the first difference. Both factors must lie
 * in (0, 1) — checked before anything else, so an invalid one fails even over a single point
 * (NaN passes the check, as in 2.42).
 */
export function holtWinters({ values, from, to }: RangeWindow, smoothingFactor: number, trendFactor: number): number | undefined {
  if (smoothingFactor <= 0 || smoothingFactor >= 1) {
    throw new PromqlExecutionError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatGoFixed(smoothingFactor)}`)
  }
  if (trendFactor <= 0 || trendFactor >= 1) {
    throw new PromqlExecutionError(`invalid trend factor. Expected: 0 < tf < 1, got: ${formatGoFixed(trendFactor)}`)
  }
  if (to - from < 2) return undefined
  let previousLevel = 0
  let level = values[from] as number
  let trend = (values[from + 1] as number) - level
  for (let i = from + 1; i < to; i++) {
    const scaled = smoothingFactor * (values[i] as number)
    // The first step keeps the initial trend; later ones blend the last level change into it.
    if (i > from + 1) trend = trendFactor * (level - previousLevel) + (1 - trendFactor) * trend
    const carried = (1 - smoothingFactor) * (level + trend)
    previousLevel = level
    level = scaled + carried
  }
  return level
}
