import { describe, expect, it } from 'vitest'
import { arithmetic, compare, dropsMetricName, scalarBinop, vectorElementBinop, vectorScalarBinop } from '../../../src/main/prometheus/promql/kernels/binary-ops'
import { Labels, type Sample } from '../../../src/main/prometheus/promql/kernels/values'

const sample = (record: Record<string, string>, v: number): Sample => ({ labels: Labels.fromRecord(record), t: 1, v })

describe('arithmetic', () => {
  it("raises to powers with Go's Pow", () => {
    expect(arithmetic('^', -8, 1 / 3)).toBeNaN()
    expect(arithmetic('^', 1, NaN)).toBe(1)
    expect(arithmetic('^', NaN, 0)).toBe(1)
    expect(arithmetic('^', -1, -Infinity)).toBe(1)
    expect(arithmetic('^', 2, 10)).toBe(1024)
    expect(arithmetic('^', -0, -1)).toBe(-Infinity)
  })

  it("takes remainders with the dividend's sign, as math.Mod", () => {
    expect(arithmetic('%', -5, 3)).toBe(-2)
    expect(arithmetic('%', 5, -3)).toBe(2)
    expect(arithmetic('%', 5.5, 2)).toBe(1.5)
    expect(arithmetic('%', 5, Infinity)).toBe(5)
    expect(arithmetic('%', Infinity, 2)).toBeNaN()
    expect(arithmetic('%', 5, 0)).toBeNaN()
    expect(Object.is(arithmetic('%', -4, 2), -0)).toBe(true)
  })

  it('divides by zero into infinities and NaN, and has atan2', () => {
    expect(arithmetic('/', 1, 0)).toBe(Infinity)
    expect(arithmetic('/', -1, 0)).toBe(-Infinity)
    expect(arithmetic('/', 0, 0)).toBeNaN()
    expect(arithmetic('atan2', 1, -1)).toBeCloseTo((3 * Math.PI) / 4, 15)
    expect(arithmetic('atan2', 0, -0)).toBe(Math.PI)
  })
})

describe('comparisons', () => {
  it('are false with NaN, except !=', () => {
    for (const op of ['==', '>', '<', '>=', '<='] as const) expect(compare(op, NaN, NaN), op).toBe(false)
    expect(compare('!=', NaN, NaN)).toBe(true)
    expect(compare('>=', Infinity, Infinity)).toBe(true)
  })

  it('give 1/0 between scalars and filter vector elements, keeping the left value', () => {
    expect(scalarBinop('>', 2, 1)).toBe(1)
    expect(scalarBinop('==', NaN, NaN)).toBe(0)
    expect(scalarBinop('-', 2, 1)).toBe(1)
    expect(vectorElementBinop('<', 3, 5)).toEqual({ value: 3, keep: true })
    expect(vectorElementBinop('<', 5, 3)).toEqual({ value: 5, keep: false })
    expect(vectorElementBinop('*', 5, 3)).toEqual({ value: 15, keep: true })
  })
})

describe('vector and scalar', () => {
  const vector = [sample({ __name__: 'm', a: '1' }, 1), sample({ __name__: 'm', a: '2' }, 5), sample({ __name__: 'm', a: '3' }, NaN)]
  const summary = (samples: Sample[]) => samples.map((s) => [s.labels.toRecord(), s.v])

  it('filter with a comparison, keeping names and the vector value on either side', () => {
    expect(summary(vectorScalarBinop('>', vector, 2, false, false))).toEqual([[{ __name__: 'm', a: '2' }, 5]])
    expect(summary(vectorScalarBinop('<', vector, 2, true, false))).toEqual([[{ __name__: 'm', a: '2' }, 5]])
  })

  it('answer 0/1 without names under bool', () => {
    expect(summary(vectorScalarBinop('>', vector, 2, false, true))).toEqual([
      [{ a: '1' }, 0],
      [{ a: '2' }, 1],
      [{ a: '3' }, 0]
    ])
  })

  it('compute arithmetic in the written order and drop names', () => {
    expect(summary(vectorScalarBinop('-', vector, 10, true, false))).toEqual([
      [{ a: '1' }, 9],
      [{ a: '2' }, 5],
      [{ a: '3' }, NaN]
    ])
    expect(summary(vectorScalarBinop('^', vector, 0, false, false)).map(([, v]) => v)).toEqual([1, 1, 1])
  })

  it('keep the metric name through atan2, as 2.42 does', () => {
    expect(dropsMetricName('atan2')).toBe(false)
    expect(dropsMetricName('%')).toBe(true)
    expect(dropsMetricName('==')).toBe(false)
    expect(vectorScalarBinop('atan2', vector, 1, false, false)[0]?.labels.metricName).toBe('m')
  })
})
