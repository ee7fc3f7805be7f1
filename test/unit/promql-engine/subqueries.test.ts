import { describe, expect, it } from 'vitest'
import { queryInstant } from '../../../src/main/prometheus/promql/engine'
import { MINUTE, SECOND, matrixOver, pointsOf, sourceOf, vectorAt } from './helpers'

// m is 0, 1, 2, … every 10 s from time 0: its value at t is floor(t / 10 s).
const source = sourceOf({ m: Array.from({ length: 100 }, (_, i) => i).join(' ') }, 10 * SECOND)
const times = async (query: string, timeMs: number, options = {}): Promise<number[]> =>
  pointsOf(await queryInstant(source, query, timeMs, options)).flatMap(([, points]) => points.map(([t]) => t))

describe('subquery steps', () => {
  it('are absolute multiples of the step, from the first after the range starts to the evaluation time', async () => {
    // (95 s − 1 m, 95 s]: 40 s, 60 s, 80 s.
    expect(await times('m[1m:20s]', 95 * SECOND)).toEqual([40_000, 60_000, 80_000])
    // A step exactly at the range's start is in.
    expect(await times('m[1m:20s]', 100 * SECOND)).toEqual([40_000, 60_000, 80_000, 100_000])
  })

  it('move with an offset, and stay on the multiples', async () => {
    expect(await times('m[1m:20s] offset 15s', 95 * SECOND)).toEqual([20_000, 40_000, 60_000, 80_000])
    expect(await times('m[1m:20s] offset -15s', 95 * SECOND)).toEqual([60_000, 80_000, 100_000])
  })

  it('default to the evaluation interval (1 m unless configured), not the query step', async () => {
    expect(await times('m[3m:]', 200 * SECOND)).toEqual([60_000, 120_000, 180_000])
    expect(await times('m[1m:]', 95 * SECOND, { defaultSubqueryStepMs: 15 * SECOND })).toEqual([45_000, 60_000, 75_000, 90_000])
  })

  it('are aligned before the epoch too', async () => {
    expect(await times('vector(1)[1m:20s]', -5 * SECOND)).toEqual([-60_000, -40_000, -20_000])
  })

  it('are pinned by @, whatever the evaluation time', async () => {
    expect(await times('m[1m:20s] @ 100', 300 * SECOND)).toEqual([40_000, 60_000, 80_000, 100_000])
    expect(await times('m[1m:20s] @ 100 offset 20s', 300 * SECOND)).toEqual([20_000, 40_000, 60_000, 80_000])
  })
})

describe('functions of subqueries', () => {
  it('read the subquery like a range selector, its points at the subquery steps', async () => {
    // At 40, 60, 80 s: 4, 6, 8.
    expect(await vectorAt(source, 'sum_over_time(m[1m:20s])', 95 * SECOND)).toEqual([['{}', 18]])
    expect(await vectorAt(source, 'last_over_time(m[1m:20s])', 95 * SECOND)).toEqual([['{__name__="m"}', 8]])
  })

  it('step a range query through one evaluation of the subquery', async () => {
    // At each step t: the multiples of 20 s in [t − 25 s, t].
    expect(await matrixOver(source, 'count_over_time(m[25s:20s])', [90 * SECOND, 130 * SECOND, 10 * SECOND])).toEqual([
      ['{}', [[90_000, 1], [100_000, 2], [110_000, 1], [120_000, 2], [130_000, 1]]]
    ])
  })

  it('nest, each level aligned to its own step', async () => {
    // Inner, at 60, 80, 100 s: the count of m's samples in the last 30 s (4 each); outer: the maximum.
    expect(await vectorAt(source, 'max_over_time(count_over_time(m[30s])[1m:20s])', 100 * SECOND)).toEqual([['{}', 4]])
    expect(await vectorAt(source, 'sum_over_time(sum_over_time(m[20s:10s])[20s:20s])', 100 * SECOND)).toEqual([['{}', 8 + 9 + 10 + 6 + 7 + 8]])
  })

  it('see @ inside as fixed times', async () => {
    // m @ 50 is 5 at every step of the subquery.
    expect(await vectorAt(source, 'sum_over_time((m @ 50)[1m:20s])', 95 * SECOND)).toEqual([['{}', 15]])
    expect(await matrixOver(source, 'max_over_time((m @ 50)[1m:20s])', [0, MINUTE, 30 * SECOND])).toEqual([['{}', [[0, 5], [30_000, 5], [60_000, 5]]]])
  })
})

describe('@ and offset', () => {
  it('pin a selector to a time at every step of a range query', async () => {
    expect(await matrixOver(source, 'm @ 50', [0, 60 * SECOND, 30 * SECOND])).toEqual([['{__name__="m"}', [[0, 5], [30_000, 5], [60_000, 5]]]])
    expect(await matrixOver(source, 'm @ end()', [0, 60 * SECOND, 30 * SECOND])).toEqual([['{__name__="m"}', [[0, 6], [30_000, 6], [60_000, 6]]]])
    expect(await matrixOver(source, 'm @ start() offset -20s', [0, 60 * SECOND, 30 * SECOND])).toEqual([['{__name__="m"}', [[0, 2], [30_000, 2], [60_000, 2]]]])
  })

  it('read back and forth with offsets, negative ones too', async () => {
    expect(await vectorAt(source, 'm offset 20s', 50 * SECOND)).toEqual([['{__name__="m"}', 3]])
    expect(await vectorAt(source, 'm offset -20s', 50 * SECOND)).toEqual([['{__name__="m"}', 7]])
    expect(await vectorAt(source, 'sum_over_time(m[20s] offset -20s)', 50 * SECOND)).toEqual([['{}', 5 + 6 + 7]])
  })

  it('timestamp() of a selector gives the samples\' own times; of anything else the step\'s', async () => {
    expect(await vectorAt(source, 'timestamp(m)', 55 * SECOND)).toEqual([['{}', 50]])
    expect(await vectorAt(source, 'timestamp(m @ 42)', 55 * SECOND)).toEqual([['{}', 40]])
    expect(await vectorAt(source, 'timestamp(m + 0)', 55 * SECOND)).toEqual([['{}', 55]])
    // 2.42 reads the selector at its @ time there, leaving the offset out (62 s would read 60).
    expect(await vectorAt(source, 'timestamp(m @ 42 offset -20s)', 55 * SECOND)).toEqual([['{}', 40]])
  })

  it('leave an aggregation parameter\'s @ end() unresolved, as 2.42 does', async () => {
    // k reads m at each step (2, 4, 6) instead of at the end (6): −1 at the first step keeps nothing.
    const value = await matrixOver(source, 'topk(scalar(m @ end()) - 3, m)', [20 * SECOND, 60 * SECOND, 20 * SECOND])
    expect(value).toEqual([['{__name__="m"}', [[40_000, 4], [60_000, 6]]]])
  })
})
