// deriv and predict_linear (a least-squares line through the window's points) and
// holt_winters (double exponential smoothing), as Prometheus 2.42 computes them.
import { CompensatedSum } from './kahan'
import type { RangeWindow } from './range-functions'
import { formatGoFixed } from './go-strconv'
import { PromqlExecutionError, type Point } from './values'

interface Line {
  /** Per second. */
  slope: number
  /** The line's value at the time the x axis is measured from. */
  intercept: number
}

/**
 * The least-squares line through the points, x in seconds from `originMs` (compensated sums of
 * x, y, xy and x²). A constant series gives slope 0 — or NaN for a constant ±Inf — without
 * dividing by anything.
 */
export function linearRegression(points: readonly Point[], originMs: number): Line {
  const sumX = new CompensatedSum()
  const sumY = new CompensatedSum()
  const sumXY = new CompensatedSum()
  const sumX2 = new CompensatedSum()
  const firstY = (points[0] as Point).v
  let constantY = true
  for (const [i, { t, v }] of points.entries()) {
    if (i > 0 && v !== firstY) constantY = false
    const x = (t - originMs) / 1e3
    sumX.add(x)
    sumY.add(v)
    sumXY.add(x * v)
    sumX2.add(x * x)
  }
  if (constantY) return Math.abs(firstY) === Infinity ? { slope: NaN, intercept: NaN } : { slope: 0, intercept: firstY }
  const n = points.length
  const x = sumX.value
  const y = sumY.value
  const covarianceXY = sumXY.value - (x * y) / n
  const varianceX = sumX2.value - (x * x) / n
  const slope = covarianceXY / varianceX
  return { slope, intercept: y / n - (slope * x) / n }
}

/** deriv: the slope per second; x measured from the first point, which keeps the sums small. */
export function deriv({ points }: RangeWindow): number | undefined {
  if (points.length < 2) return undefined
  return linearRegression(points, (points[0] as Point).t).slope
}

/**
 * predict_linear: the line's value `seconds` after the evaluation time. The line is fitted
 * around the step's time — not the window's end, which an offset moves away from it.
 */
export function predictLinear({ points, evalMs }: RangeWindow, seconds: number): number | undefined {
  if (points.length < 2) return undefined
  const { slope, intercept } = linearRegression(points, evalMs)
  return slope * seconds + intercept
}

/**
 * holt_winters(window, sf, tf): the last smoothed value of double exponential smoothing, the
 * level starting at the first point and the trend at the first difference. Both factors must lie
 * in (0, 1) — checked before anything else, so an invalid one fails even over a single point
 * (NaN passes the check, as in 2.42).
 */
export function holtWinters({ points }: RangeWindow, smoothingFactor: number, trendFactor: number): number | undefined {
  if (smoothingFactor <= 0 || smoothingFactor >= 1) {
    throw new PromqlExecutionError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatGoFixed(smoothingFactor)}`)
  }
  if (trendFactor <= 0 || trendFactor >= 1) {
    throw new PromqlExecutionError(`invalid trend factor. Expected: 0 < tf < 1, got: ${formatGoFixed(trendFactor)}`)
  }
  if (points.length < 2) return undefined
  let previousLevel = 0
  let level = (points[0] as Point).v
  let trend = (points[1] as Point).v - level
  for (let i = 1; i < points.length; i++) {
    const scaled = smoothingFactor * (points[i] as Point).v
    // The first step keeps the initial trend; later ones blend the last level change into it.
    if (i > 1) trend = trendFactor * (level - previousLevel) + (1 - trendFactor) * trend
    const carried = (1 - smoothingFactor) * (level + trend)
    previousLevel = level
    level = scaled + carried
  }
  return level
}
