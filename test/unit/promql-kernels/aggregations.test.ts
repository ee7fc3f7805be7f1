import { describe, expect, it } from 'vitest'
import { aggregate, type AggregationOp, type AggregationOptions } from '../../../src/main/prometheus/promql/kernels/aggregations'
import { Labels, type Sample } from '../../../src/main/prometheus/promql/kernels/values'

const sample = (record: Record<string, string>, v: number): Sample => ({ labels: Labels.fromRecord(record), t: 5, v })
const values = (...vs: number[]): Sample[] => vs.map((v, i) => sample({ __name__: 'm', i: String(i) }, v))
const options = (extra: Partial<AggregationOptions> = {}): AggregationOptions => ({ t: 60_000, ...extra })

/** The single value of an aggregation without grouping. */
const single = (op: AggregationOp, samples: Sample[], param?: number): number | undefined => {
  const out = aggregate(op, samples, options({ param }))
  expect(out).toHaveLength(1)
  return out[0]?.v
}

describe('grouping', () => {
  const vector = [
    sample({ __name__: 'req', job: 'api', instance: 'a', code: '200' }, 1),
    sample({ __name__: 'req', job: 'api', instance: 'b', code: '200' }, 2),
    sample({ __name__: 'req', job: 'db', instance: 'c', code: '500' }, 4)
  ]
  const summary = (samples: Sample[]) => samples.map((s) => [s.labels.toRecord(), s.v, s.t])

  it('by: keeps only the listed labels, groups in the order first seen, stamps the step time', () => {
    expect(summary(aggregate('sum', vector, options({ grouping: ['job'] })))).toEqual([
      [{ job: 'api' }, 3, 60_000],
      [{ job: 'db' }, 4, 60_000]
    ])
    expect(summary(aggregate('sum', vector, options()))).toEqual([[{}, 7, 60_000]])
    expect(summary(aggregate('count', vector, options({ grouping: ['__name__'] })))).toEqual([[{ __name__: 'req' }, 3, 60_000]])
    expect(summary(aggregate('sum', vector, options({ grouping: ['nope'] })))).toEqual([[{}, 7, 60_000]])
  })

  it('without: drops the listed labels and the metric name', () => {
    expect(summary(aggregate('max', vector, options({ grouping: ['instance'], without: true })))).toEqual([
      [{ job: 'api', code: '200' }, 2, 60_000],
      [{ job: 'db', code: '500' }, 4, 60_000]
    ])
    expect(summary(aggregate('group', vector, options({ without: true })))).toHaveLength(3)
  })
})

describe('sum, avg, count, group, min, max, stddev, stdvar', () => {
  it('compute as 2.42 does', () => {
    const vector = values(2, 4, 4, 4, 5, 5, 7, 9)
    expect(single('sum', vector)).toBe(40)
    expect(single('avg', vector)).toBe(5)
    expect(single('count', vector)).toBe(8)
    expect(single('group', vector)).toBe(1)
    expect(single('min', vector)).toBe(2)
    expect(single('max', vector)).toBe(9)
    expect(single('stdvar', vector)).toBe(4)
    expect(single('stddev', vector)).toBe(2)
    expect(single('stddev', values(7))).toBe(0)
  })

  it('average ±Inf: an infinity stays unless the other sign or NaN comes', () => {
    expect(single('avg', values(Infinity, 1, Infinity))).toBe(Infinity)
    expect(single('avg', values(1, -Infinity, 3))).toBe(-Infinity)
    expect(single('avg', values(Infinity, -Infinity))).toBeNaN()
    expect(single('avg', values(Infinity, NaN))).toBeNaN()
    expect(single('avg', values(NaN, 1))).toBeNaN()
  })

  it('average incrementally, so values near the float64 maximum do not overflow (their sum does)', () => {
    expect(single('avg', values(1e308, 1e308, 1e308))).toBe(1e308)
    expect(single('sum', values(1e308, 1e308, 1e308))).toBe(Infinity)
  })

  it('take NaN for min/max only when every value is NaN', () => {
    expect(single('max', values(NaN, 1))).toBe(1)
    expect(single('max', values(1, NaN))).toBe(1)
    expect(single('min', values(NaN, 3, NaN, 2))).toBe(2)
    expect(single('max', values(NaN, NaN))).toBeNaN()
    expect(single('stddev', values(1, NaN))).toBeNaN()
  })
})

describe('topk and bottomk', () => {
  const top = (op: 'topk' | 'bottomk', k: number, vs: number[]): Array<[string, number]> =>
    aggregate(op, values(...vs), options({ param: k })).map((s) => [s.labels.get('i'), s.v])

  it('answer the input samples, best first, names included', () => {
    expect(top('topk', 2, [3, 1, 4, 1, 5])).toEqual([
      ['4', 5],
      ['2', 4]
    ])
    expect(top('bottomk', 2, [3, 1, 4, 1, 5])).toEqual([
      ['1', 1],
      ['3', 1]
    ])
    expect(aggregate('topk', values(1), options({ param: 1 }))[0]?.labels.metricName).toBe('m')
    expect(top('topk', 10, [2, 3, 1])).toEqual([
      ['1', 3],
      ['0', 2],
      ['2', 1]
    ])
  })

  it('keep the first of tied samples', () => {
    expect(top('topk', 2, [1, 1, 1])).toEqual([
      ['0', 1],
      ['1', 1]
    ])
    expect(top('topk', 1, [1, 1, 1])).toEqual([['0', 1]])
  })

  it('replace NaN by any later sample, and sort NaN last', () => {
    expect(top('topk', 2, [NaN, 1, 2])).toEqual([
      ['2', 2],
      ['1', 1]
    ])
    expect(top('topk', 3, [NaN, 1])).toEqual([
      ['1', 1],
      ['0', NaN]
    ])
    expect(top('bottomk', 1, [NaN, 5])).toEqual([['1', 5]])
    // k = 1 replaces in place whenever the top is NaN or worse; a NaN coming replaces nothing.
    expect(top('topk', 1, [NaN, 2, NaN, 1])).toEqual([['1', 2]])
  })

  it('truncate k, answer nothing for k < 1, and refuse a k beyond int64', () => {
    expect(top('topk', 1.9, [1, 2])).toEqual([['1', 2]])
    expect(top('topk', 0, [1, 2])).toEqual([])
    expect(top('topk', 2 ** 63, [1, 2])).toEqual([])
    expect(() => aggregate('topk', [], options({ param: NaN }))).toThrow('Scalar value NaN overflows int64')
    expect(() => aggregate('bottomk', [], options({ param: 1e19 }))).toThrow('Scalar value 1e+19 overflows int64')
  })

  it('work per group, groups in order', () => {
    const vector = [sample({ g: 'b', i: '0' }, 1), sample({ g: 'a', i: '1' }, 5), sample({ g: 'b', i: '2' }, 3)]
    expect(aggregate('topk', vector, options({ param: 1, grouping: ['g'] })).map((s) => s.labels.get('i'))).toEqual(['2', '1'])
  })
})

describe('quantile', () => {
  it('interpolates between ranks, with the φ < 0 and φ > 1 cases', () => {
    expect(single('quantile', values(4, 1, 3, 2), 0.5)).toBe(2.5)
    expect(single('quantile', values(4, 1, 3, 2), 0.75)).toBe(3.25)
    expect(single('quantile', values(4, 1), -1)).toBe(-Infinity)
    expect(single('quantile', values(4, 1), 2)).toBe(Infinity)
    expect(single('quantile', values(4, 1), NaN)).toBeNaN()
  })
})

describe('count_values', () => {
  it('counts equal values under a label holding the value as Go formats it', () => {
    const out = aggregate('count_values', values(1, 1, 2.5, 1e21, NaN, 1e-7), options({ param: 'value' }))
    expect(out.map((s) => [s.labels.toRecord(), s.v])).toEqual([
      [{ value: '1' }, 2],
      [{ value: '2.5' }, 1],
      [{ value: '1000000000000000000000' }, 1],
      [{ value: 'NaN' }, 1],
      [{ value: '0.0000001' }, 1]
    ])
  })

  it('groups by the value label too, and overwrites a label of that name', () => {
    const vector = [sample({ __name__: 'm', job: 'a', v: 'x' }, 1), sample({ __name__: 'm', job: 'b', v: 'y' }, 1), sample({ __name__: 'm', job: 'a', v: 'z' }, 2)]
    expect(aggregate('count_values', vector, options({ param: 'v', grouping: ['job'] })).map((s) => [s.labels.toRecord(), s.v])).toEqual([
      [{ job: 'a', v: '1' }, 1],
      [{ job: 'b', v: '1' }, 1],
      [{ job: 'a', v: '2' }, 1]
    ])
    expect(aggregate('count_values', vector, options({ param: 'v', grouping: ['job'], without: true })).map((s) => [s.labels.toRecord(), s.v])).toEqual([
      [{ v: '1' }, 2],
      [{ v: '2' }, 1]
    ])
  })

  it('refuses an invalid label name, as 2.42 words it', () => {
    expect(() => aggregate('count_values', [], options({ param: 'a-b' }))).toThrow('invalid label name "a-b"')
  })
})
