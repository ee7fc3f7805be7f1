import { describe, expect, it } from 'vitest'
import { pointsInWindow, RANGE_FUNCTIONS, type RangeFunctionName, type RangeWindow } from '../../../src/main/prometheus/promql/kernels/range-functions'
import { durationSeconds } from '../../../src/main/prometheus/promql/kernels/rates'
import type { Point } from '../../../src/main/prometheus/promql/kernels/values'

/** Points from [seconds, value] pairs. */
const points = (...pairs: Array<[number, number]>): Point[] => pairs.map(([s, v]) => ({ t: s * 1000, v }))

/** A window [startS, endS] in seconds, evaluated at its end unless told. */
function window(pts: Point[], startS: number, endS: number, evalS = endS): RangeWindow {
  return { timestamps: pts.map((p) => p.t), values: pts.map((p) => p.v), from: 0, to: pts.length, startMs: startS * 1000, endMs: endS * 1000, evalMs: evalS * 1000 }
}

const call = (name: RangeFunctionName, w: RangeWindow, ...args: number[]): number | undefined => RANGE_FUNCTIONS[name](w, args)

describe('rate, increase, delta', () => {
  it('adds a counter reset back and extrapolates to both edges when the points are near them', () => {
    // Reset between 20 s and 35 s; 5 s to the start and 10 s to the end are within 1.1 × 15 s.
    const w = window(points([5, 10], [20, 20], [35, 5], [50, 15]), 0, 60)
    // (15 − 10 + 20) × 60 / 45
    expect(call('increase', w)).toBeCloseTo(100 / 3, 12)
    expect(call('rate', w)).toBeCloseTo(100 / 3 / 60, 12)
    // delta does not correct for resets: (15 − 10) × 60 / 45
    expect(call('delta', w)).toBeCloseTo(20 / 3, 12)
  })

  it('extrapolates half an interval past points far from an edge, and a counter not below zero', () => {
    const w = window(points([20, 2], [30, 12], [40, 22]), 0, 60)
    // Towards the start the line reaches 0 after 2 s (2 < 11): +2 s; the end is 20 s away
    // (≥ 1.1 × 10 s): +5 s. increase = 20 × (20 + 2 + 5) / 20.
    expect(call('increase', w)).toBe(27)
    expect(call('rate', w)).toBeCloseTo(27 / 60, 15)
    // A gauge is extrapolated as it is: 20 s ≥ 11 s at both ends, +5 s each.
    expect(call('delta', w)).toBe(30)
  })

  it('extrapolates a falling gauge with delta, to within 1.1 intervals of the start', () => {
    expect(call('delta', window(points([10, 5], [20, 3], [30, 1]), 0, 60))).toBe(-7)
  })

  it('does not extrapolate a counter from a negative first value towards zero', () => {
    const w = window(points([20, -10], [30, 0], [40, 10]), 0, 60)
    expect(call('increase', w)).toBe(30)
  })

  it('divides a rate by the whole range, its window ends included', () => {
    const pts = points([0, 0], [30, 30], [60, 60])
    expect(call('rate', window(pts, 0, 60))).toBe(1)
    expect(call('increase', window(pts, 0, 60))).toBe(60)
  })

  it('has no value below two points', () => {
    for (const name of ['rate', 'increase', 'delta', 'irate', 'idelta', 'deriv'] as const) {
      expect(call(name, window(points([10, 1]), 0, 60)), name).toBeUndefined()
    }
    expect(call('predict_linear', window(points([10, 1]), 0, 60), 60)).toBeUndefined()
    expect(call('holt_winters', window(points([10, 1]), 0, 60), 0.5, 0.5)).toBeUndefined()
  })

  it("reads a range's seconds as time.Duration.Seconds does", () => {
    expect(durationSeconds(300_000)).toBe(300)
    expect(durationSeconds(90_500)).toBe(90.5)
    expect(durationSeconds(1)).toBe(0.001)
  })
})

describe('irate and idelta', () => {
  it('use the last two points; irate takes a drop as a reset to zero', () => {
    const w = window(points([40, 70], [50, 100], [55, 20]), 0, 60)
    expect(call('irate', w)).toBe(4)
    expect(call('idelta', w)).toBe(-80)
    expect(call('irate', window(points([40, 70], [50, 100]), 0, 60))).toBe(3)
  })

  it('have no value for two points at the same time', () => {
    expect(call('irate', window([{ t: 1, v: 1 }, { t: 1, v: 2 }], 0, 60))).toBeUndefined()
  })
})

describe('deriv, predict_linear, holt_winters', () => {
  const line = points([0, 1], [10, 3], [20, 5])

  it('fits a least-squares line', () => {
    expect(call('deriv', window(line, 0, 20))).toBeCloseTo(0.2, 14)
    expect(call('deriv', window(points([0, 1], [10, 2], [20, 0]), 0, 20))).toBeCloseTo(-0.05, 14)
  })

  it('predicts from the evaluation time, not the end of the (offset) window', () => {
    expect(call('predict_linear', window(line, 0, 20), 10)).toBeCloseTo(7, 12)
    // The same window one minute earlier (offset 1m): the line's value at 80 s, plus 10 s.
    expect(call('predict_linear', window(line, 0, 20, 80), 10)).toBeCloseTo(19, 12)
  })

  it('gives slope 0 for a constant series and NaN for a constant infinity', () => {
    expect(call('deriv', window(points([0, 4], [10, 4]), 0, 10))).toBe(0)
    expect(call('predict_linear', window(points([0, 4], [10, 4]), 0, 10), 100)).toBe(4)
    expect(call('deriv', window(points([0, Infinity], [10, Infinity]), 0, 10))).toBeNaN()
  })

  it('smooths twice, starting from the first point and the first difference', () => {
    // Level 1, trend 2 → level 0.5·3 + 0.5·(1 + 2) = 3 → trend 0.5·(3 − 1) + 0.5·2 = 2 →
    // level 0.5·4 + 0.5·(3 + 2) = 4.5.
    expect(call('holt_winters', window(points([0, 1], [10, 3], [20, 4]), 0, 20), 0.5, 0.5)).toBe(4.5)
  })

  it('refuses smoothing and trend factors outside (0, 1), as 2.42 words it', () => {
    const w = window(points([0, 1]), 0, 20)
    expect(() => call('holt_winters', w, 1, 0.5)).toThrow('invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000')
    expect(() => call('holt_winters', w, 0.5, 0)).toThrow('invalid trend factor. Expected: 0 < tf < 1, got: 0.000000')
    expect(call('holt_winters', w, NaN, 0.5)).toBeUndefined()
  })
})

describe('the *_over_time functions', () => {
  const w = (...values: number[]): RangeWindow => window(values.map((v, i) => ({ t: i * 1000, v })), 0, values.length)

  it('aggregate the values in the window', () => {
    const values = w(2, 4, 4, 4, 5, 5, 7, 9)
    expect(call('avg_over_time', values)).toBe(5)
    expect(call('sum_over_time', values)).toBe(40)
    expect(call('count_over_time', values)).toBe(8)
    expect(call('min_over_time', values)).toBe(2)
    expect(call('max_over_time', values)).toBe(9)
    expect(call('last_over_time', values)).toBe(9)
    expect(call('stdvar_over_time', values)).toBe(4)
    expect(call('stddev_over_time', values)).toBe(2)
    expect(call('present_over_time', values)).toBe(1)
    expect(call('absent_over_time', values)).toBe(1)
  })

  it('sum with compensation, and keep an infinite sum as it is', () => {
    expect(call('sum_over_time', w(1, 1e100, 1, -1e100))).toBe(2)
    expect(call('sum_over_time', w(Infinity, 1))).toBe(Infinity)
    expect(call('sum_over_time', w(Infinity, -Infinity))).toBeNaN()
  })

  it('average incrementally: no overflow near the float64 maximum, infinities kept', () => {
    expect(call('avg_over_time', w(1e308, 1e308, 1e308))).toBe(1e308)
    expect(call('avg_over_time', w(Infinity, 1, Infinity))).toBe(Infinity)
    expect(call('avg_over_time', w(1, -Infinity, 2))).toBe(-Infinity)
    expect(call('avg_over_time', w(Infinity, -Infinity))).toBeNaN()
    expect(call('avg_over_time', w(Infinity, NaN))).toBeNaN()
  })

  it('take NaN for the extremes only when nothing else is there', () => {
    expect(call('max_over_time', w(NaN, 1, NaN))).toBe(1)
    expect(call('min_over_time', w(3, NaN, 1))).toBe(1)
    expect(call('max_over_time', w(NaN, NaN))).toBeNaN()
  })

  it('interpolate quantiles between ranks, with the φ < 0 and φ > 1 cases', () => {
    const values = w(4, 1, 3, 2)
    expect(call('quantile_over_time', values, 0.5)).toBe(2.5)
    expect(call('quantile_over_time', values, 0.25)).toBe(1.75)
    expect(call('quantile_over_time', values, 0)).toBe(1)
    expect(call('quantile_over_time', values, 1)).toBe(4)
    expect(call('quantile_over_time', values, -0.1)).toBe(-Infinity)
    expect(call('quantile_over_time', values, 1.1)).toBe(Infinity)
    expect(call('quantile_over_time', values, NaN)).toBeNaN()
  })

  it('count changes (NaN to NaN is none) and resets', () => {
    expect(call('changes', w(1, 1, NaN, NaN, 2))).toBe(2)
    expect(call('resets', w(5, 3, 3, 1, 4))).toBe(2)
    expect(call('changes', w(7))).toBe(0)
    expect(call('resets', w(7))).toBe(0)
  })

  it('answer nothing for an empty window', () => {
    for (const name of Object.keys(RANGE_FUNCTIONS) as RangeFunctionName[]) {
      expect(call(name, window([], 0, 60), 0.5, 0.5), name).toBeUndefined()
    }
  })
})

describe('a window over longer columns', () => {
  it('is read between its indexes only, as over its points alone', () => {
    const inside = points([20, 2], [30, 12], [35, 1], [40, 22])
    const around = points([0, 100], [10, 50], ...inside.map((p): [number, number] => [p.t / 1000, p.v]), [50, -7])
    const columns = { timestamps: around.map((p) => p.t), values: around.map((p) => p.v), from: 2, to: 6 }
    for (const name of Object.keys(RANGE_FUNCTIONS) as RangeFunctionName[]) {
      const args = name === 'holt_winters' ? [0.5, 0.5] : [0.5]
      const alone = call(name, window(inside, 15, 45), ...args)
      expect(call(name, { ...window(inside, 15, 45), ...columns }, ...args), name).toBe(alone)
    }
  })
})

describe('pointsInWindow', () => {
  it('includes both ends, as 2.42 does', () => {
    const pts = points([0, 0], [15, 1], [30, 2], [45, 3], [60, 4])
    expect(pointsInWindow(pts, 15_000, 45_000).map((p) => p.v)).toEqual([1, 2, 3])
    expect(pointsInWindow(pts, 15_001, 44_999).map((p) => p.v)).toEqual([2])
    expect(pointsInWindow(pts, 61_000, 70_000)).toEqual([])
  })
})
