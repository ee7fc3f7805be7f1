import { describe, expect, it } from 'vitest'
import {
  absentLabels,
  applyElementFunction,
  bucketQuantile,
  ELEMENT_FUNCTIONS,
  histogramQuantile,
  round,
  sort,
  sortDesc,
  timestamp
} from '../../../src/main/prometheus/promql/kernels/instant-functions'
import { Labels, type Sample } from '../../../src/main/prometheus/promql/kernels/values'

const sample = (record: Record<string, string>, v: number, t = 1000): Sample => ({ labels: Labels.fromRecord(record), t, v })
const f = (name: string, v: number, ...args: number[]): number => (ELEMENT_FUNCTIONS[name] as (v: number, args: number[]) => number)(v, args)

describe('element-wise functions', () => {
  it('round half up, to a multiple, through the inverse of that multiple', () => {
    expect([2.5, -2.5, -0.5, 1.49].map((v) => round(v))).toEqual([3, -2, 0, 1])
    expect(round(5.55, 0.1)).toBe(5.6)
    expect(round(17, 5)).toBe(15)
    expect(round(17.5, 5)).toBe(20)
    expect(round(NaN)).toBeNaN()
    expect(round(Infinity)).toBe(Infinity)
  })

  it('clamp with Go Max/Min: infinite bounds win over NaN', () => {
    expect(f('clamp', 5, 0, 3)).toBe(3)
    expect(f('clamp', -5, 0, 3)).toBe(0)
    expect(f('clamp', NaN, 0, 3)).toBeNaN()
    expect(f('clamp_min', NaN, Infinity)).toBe(Infinity)
    expect(f('clamp_max', NaN, -Infinity)).toBe(-Infinity)
    expect(f('clamp_max', 7, NaN)).toBeNaN()
    expect(f('clamp', NaN, -Infinity, Infinity)).toBeNaN()
  })

  it('answer nothing for clamp with max below min, and drop the metric name', () => {
    const vector = [sample({ __name__: 'm', a: '1' }, 5)]
    expect(applyElementFunction('clamp', vector, [3, 0])).toEqual([])
    expect(applyElementFunction('clamp', vector, [0, 3])).toEqual([sample({ a: '1' }, 3)])
    expect(applyElementFunction('abs', [sample({ __name__: 'm' }, -2)])).toEqual([sample({}, 2)])
    expect(() => applyElementFunction('rate', vector)).toThrow()
  })

  it('keep the sign of zero and NaN in sgn; log2/log10 as Go', () => {
    expect([-3, 0, 4].map((v) => f('sgn', v))).toEqual([-1, 0, 1])
    expect(Object.is(f('sgn', -0), -0)).toBe(true)
    expect(f('sgn', NaN)).toBeNaN()
    expect(f('log10', 1000)).toBe(3)
    expect(f('log2', 0.25)).toBe(-2)
    expect(f('ln', -1)).toBeNaN()
    expect(f('sqrt', -1)).toBeNaN()
  })

  it('convert degrees and radians, and cover the trigonometric and hyperbolic functions', () => {
    expect(f('deg', Math.PI)).toBe(180)
    expect(f('rad', 180)).toBe(Math.PI)
    expect(f('acosh', 0.5)).toBeNaN()
    expect(f('atanh', 1)).toBe(Infinity)
    expect(f('asinh', 0)).toBe(0)
    for (const name of ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'ceil', 'floor']) {
      expect(Number.isFinite(f(name, 0.5)), name).toBe(true)
    }
  })

  it('read values as unix seconds in UTC for the date functions', () => {
    // 2024-02-29T13:45:30Z, a Thursday.
    const v = Date.UTC(2024, 1, 29, 13, 45, 30) / 1000
    expect(['year', 'month', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute'].map((name) => f(name, v))).toEqual([
      2024, 2, 29, 4, 60, 29, 13, 45
    ])
    expect(f('days_in_month', Date.UTC(2023, 1, 1) / 1000)).toBe(28)
    expect(f('year', NaN)).toBe(292277026596)
  })

  it("give a sample's own time for timestamp()", () => {
    expect(timestamp([sample({ __name__: 'm', a: '1' }, 7, 1500)])).toEqual([sample({ a: '1' }, 1.5, 1500)])
  })
})

describe('sort and sort_desc', () => {
  const vector = [sample({ i: '0' }, 2), sample({ i: '1' }, NaN), sample({ i: '2' }, 1), sample({ i: '3' }, 2), sample({ i: '4' }, -Infinity)]
  const order = (samples: Sample[]): string[] => samples.map((s) => s.labels.get('i'))

  it('put NaN last both ways and keep the names', () => {
    expect(order(sort(vector))).toEqual(['4', '2', '0', '3', '1'])
    expect(order(sortDesc(vector))).toEqual(['0', '3', '2', '4', '1'])
    expect(sort([sample({ __name__: 'm' }, 1)])[0]?.labels.metricName).toBe('m')
  })

  it('do not change their input', () => {
    sort(vector)
    expect(order(vector)).toEqual(['0', '1', '2', '3', '4'])
  })
})

describe('histogram_quantile', () => {
  const buckets = (...pairs: Array<[number, number]>) => pairs.map(([upperBound, count]) => ({ upperBound, count }))
  const classic = buckets([0.1, 10], [0.5, 20], [1, 30], [Infinity, 40])

  it('interpolates linearly inside the bucket the rank falls in', () => {
    expect(bucketQuantile(0.5, classic)).toBeCloseTo(0.5, 14)
    expect(bucketQuantile(0.1, classic)).toBeCloseTo(0.04, 14)
    expect(bucketQuantile(0.6, classic)).toBeCloseTo(0.7, 14)
    // In the +Inf bucket: the highest finite bound.
    expect(bucketQuantile(0.9, classic)).toBe(1)
    expect(bucketQuantile(1, classic)).toBe(1)
    expect(bucketQuantile(0, classic)).toBe(0)
  })

  it('sorts buckets and adds up equal bounds', () => {
    const shuffled = buckets([Infinity, 40], [0.5, 20], [1, 12], [0.1, 10], [1, 18])
    expect(bucketQuantile(0.6, shuffled)).toBeCloseTo(0.7, 14)
  })

  it('raises counts that fall (non-monotonic buckets) to the highest so far', () => {
    expect(bucketQuantile(0.5, buckets([0.1, 10], [0.5, 8], [1, 30], [Infinity, 40]))).toBeCloseTo(0.75, 14)
  })

  it('answers the φ < 0, φ > 1 and NaN cases before looking at the buckets', () => {
    expect(bucketQuantile(-0.1, [])).toBe(-Infinity)
    expect(bucketQuantile(1.1, [])).toBe(Infinity)
    expect(bucketQuantile(NaN, classic)).toBeNaN()
  })

  it('is NaN without a +Inf bucket, with a single bound, or without observations', () => {
    expect(bucketQuantile(0.5, buckets([0.1, 10], [1, 20]))).toBeNaN()
    expect(bucketQuantile(0.5, buckets([Infinity, 40]))).toBeNaN()
    expect(bucketQuantile(0.5, buckets([1, 0], [Infinity, 0]))).toBeNaN()
  })

  it('answers the lowest bound when it is not above 0, and the highest finite bound for NaN counts', () => {
    expect(bucketQuantile(0.2, buckets([-1, 5], [Infinity, 10]))).toBe(-1)
    expect(bucketQuantile(0.5, buckets([0.1, 10], [1, 20], [Infinity, NaN]))).toBe(1)
    expect(bucketQuantile(0.5, buckets([1, 5], [2, 10], [Infinity, Infinity]))).toBe(2)
  })

  it('groups a vector by its labels without le, and labels results without le and the name', () => {
    const h = (le: string, v: number, handler = 'a'): Sample => sample({ __name__: 'x_bucket', handler, le }, v)
    const vector = [h('0.1', 10), h('0.5', 20), h('+Inf', 40), h('1', 4, 'b'), h('+Inf', 8, 'b'), h('garbage', 1000), sample({ __name__: 'x_bucket', handler: 'a' }, 5)]
    const result = histogramQuantile(0.25, vector, 9000)
    expect(result.map((s) => [s.labels.toRecord(), s.t])).toEqual([
      [{ handler: 'a' }, 9000],
      [{ handler: 'b' }, 9000]
    ])
    expect(result[0]?.v).toBeCloseTo(0.1, 14)
    expect(result[1]?.v).toBeCloseTo(0.5, 14)
  })

  it('reads le as Go does: "1.0", "1", "1_0", "inf" are bounds', () => {
    const vector = [sample({ le: '1.0' }, 2), sample({ le: '1' }, 2), sample({ le: '1_0' }, 6), sample({ le: 'inf' }, 8)]
    // Buckets 1 (4) and 10 (6) of 8: the median is in the first, at 1 × 4/4.
    expect(histogramQuantile(0.5, vector, 0)[0]?.v).toBe(1)
  })
})

describe('absent labels', () => {
  it("come from the selector's equality matchers, names matched twice or otherwise removed", () => {
    expect(
      absentLabels([
        { name: '__name__', type: '=', value: 'up' },
        { name: 'job', type: '=', value: 'api' },
        { name: 'instance', type: '=~', value: 'a.*' },
        { name: 'env', type: '!=', value: 'dev' },
        { name: 'env', type: '=', value: 'prod' },
        { name: 'dc', type: '=', value: 'a' },
        { name: 'dc', type: '=', value: 'b' }
      ]).toRecord()
    ).toEqual({ job: 'api', env: 'prod' })
  })
})
