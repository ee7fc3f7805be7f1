import { describe, expect, it } from 'vitest'
import { queryInstant } from '../../../src/main/prometheus/promql/engine'
import { MINUTE, SECOND, matrixOver, sourceOf, vectorAt } from './helpers'

describe('the lookback', () => {
  const source = sourceOf({ probe: '1' })

  it('finds a sample up to 5 minutes old, both ends included', async () => {
    expect(await vectorAt(source, 'probe', 0)).toEqual([['{__name__="probe"}', 1]])
    expect(await vectorAt(source, 'probe', 5 * MINUTE)).toEqual([['{__name__="probe"}', 1]])
    expect(await vectorAt(source, 'probe', 5 * MINUTE + 1)).toEqual([])
    expect(await vectorAt(source, 'probe', -1)).toEqual([])
  })

  it('is configurable', async () => {
    expect(await vectorAt(source, 'probe', MINUTE, { lookbackDeltaMs: MINUTE })).toHaveLength(1)
    expect(await vectorAt(source, 'probe', MINUTE + 1, { lookbackDeltaMs: MINUTE })).toEqual([])
  })

  it('reads the latest sample at or before the evaluation time, and stamps it with that time', async () => {
    const value = await queryInstant(sourceOf({ m: '1 2 3' }), 'm', 29 * SECOND)
    expect(value).toMatchObject({ type: 'vector', samples: [{ t: 29 * SECOND, v: 2 }] })
  })
})

describe('staleness markers', () => {
  // Samples at 0 s and 15 s, a staleness marker at 30 s, nothing at 45 s and 60 s, a sample at 75 s.
  const source = sourceOf({ m: '1 2 stale _ _ 6' })

  it('end the series for the lookback from their time on', async () => {
    expect(await vectorAt(source, 'm', 30 * SECOND - 1)).toEqual([['{__name__="m"}', 2]])
    expect(await vectorAt(source, 'm', 30 * SECOND)).toEqual([])
    expect(await vectorAt(source, 'm', 60 * SECOND)).toEqual([])
    expect(await vectorAt(source, 'm', 75 * SECOND)).toEqual([['{__name__="m"}', 6]])
  })

  it('are left out of range vectors', async () => {
    expect(await vectorAt(source, 'count_over_time(m[1m])', 60 * SECOND)).toEqual([['{}', 2]])
    expect(await vectorAt(source, 'last_over_time(m[1m])', 45 * SECOND)).toEqual([['{__name__="m"}', 2]])
    expect(await vectorAt(source, 'count_over_time(m[10s])', 35 * SECOND)).toEqual([])
  })

  it('cut a range query short', async () => {
    expect(await matrixOver(source, 'm', [0, 90 * SECOND, 15 * SECOND])).toEqual([
      ['{__name__="m"}', [[0, 1], [15_000, 2], [75_000, 6], [90_000, 6]]]
    ])
  })

  it('leave a series with nothing but a marker in range out', async () => {
    expect(await vectorAt(sourceOf({ m: 'stale' }), 'm', 0)).toEqual([])
    expect(await vectorAt(sourceOf({ m: 'stale' }), 'absent(m)', 0)).toEqual([['{}', 1]])
  })
})

describe('series that stop', () => {
  it('stay visible for the lookback after their last sample (without a marker)', async () => {
    const source = sourceOf({ 'm{a="1"}': '1 1', 'm{a="2"}': '2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2' })
    const result = await matrixOver(source, 'count(m)', [0, 6 * MINUTE, MINUTE])
    expect(result).toEqual([['{}', [[0, 2], [60_000, 2], [120_000, 2], [180_000, 2], [240_000, 2], [300_000, 2], [360_000, 1]]]])
  })
})
