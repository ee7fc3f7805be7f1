// Every function of Prometheus 2.42 that takes a range vector, as a function of one series'
// window. The engine slides the window over the series' columns, calls the function once per
// series and step, and drops the metric name from the result (all but last_over_time). Windows
// are index ranges of the columns rather than points: no object a sample, and the kernels run
// over plain arrays of numbers.
import * as overTime from './over-time'
import { extrapolatedRate, instantRate } from './rates'
import { deriv, holtWinters, predictLinear } from './trends'
import type { Point } from './values'

export interface RangeWindow {
  /**
   * The series' sample times and values, ascending — its whole columns, not copied: the window
   * is the samples [from, to) of them, those with startMs <= t <= endMs (2.42 includes both ends).
   */
  timestamps: ArrayLike<number>
  values: ArrayLike<number>
  from: number
  to: number
  /** The evaluation time minus offset and range. */
  startMs: number
  /** The evaluation time minus offset. */
  endMs: number
  /** The step's evaluation time (predict_linear fits its line around it). */
  evalMs: number
}

/** The function's value over one series' window, or undefined for "no value" (the series is left out). */
export type RangeFunction = (window: RangeWindow, args: readonly number[]) => number | undefined

const arg = (args: readonly number[], index: number): number => {
  const value = args[index]
  if (value === undefined) throw new Error(`range function argument ${index + 1} is missing`)
  return value
}

/** Keyed by PromQL name; `args` are the scalar arguments in call order, the range vector left out. */
export const RANGE_FUNCTIONS = {
  rate: (w) => extrapolatedRate(w, true, true),
  increase: (w) => extrapolatedRate(w, true, false),
  delta: (w) => extrapolatedRate(w, false, false),
  irate: (w) => instantRate(w, true),
  idelta: (w) => instantRate(w, false),
  deriv: (w) => deriv(w),
  predict_linear: (w, args) => predictLinear(w, arg(args, 0)),
  holt_winters: (w, args) => holtWinters(w, arg(args, 0), arg(args, 1)),
  changes: overTime.changes,
  resets: overTime.resets,
  avg_over_time: overTime.avgOverTime,
  sum_over_time: overTime.sumOverTime,
  count_over_time: overTime.countOverTime,
  min_over_time: overTime.minOverTime,
  max_over_time: overTime.maxOverTime,
  last_over_time: overTime.lastOverTime,
  stddev_over_time: overTime.stddevOverTime,
  stdvar_over_time: overTime.stdvarOverTime,
  quantile_over_time: (w, args) => overTime.quantileOverTime(w, arg(args, 0)),
  present_over_time: overTime.presentOverTime,
  absent_over_time: overTime.presentOverTime
} satisfies Record<string, RangeFunction>

export type RangeFunctionName = keyof typeof RANGE_FUNCTIONS

/** The points of an ascending series inside [startMs, endMs], by binary search. */
export function pointsInWindow(points: readonly Point[], startMs: number, endMs: number): readonly Point[] {
  return points.slice(firstIndexAtOrAfter(points, startMs), firstIndexAtOrAfter(points, endMs + 1))
}

function firstIndexAtOrAfter(points: readonly Point[], t: number): number {
  let low = 0
  let high = points.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((points[middle] as Point).t < t) low = middle + 1
    else high = middle
  }
  return low
}
