import { describe, expect, it } from 'vitest'
import { MemorySeriesSource, queryInstant, queryRange, type SeriesSource } from '../../../src/main/prometheus/promql/engine'
import { parseExpr, type LabelMatcher } from '../../../src/main/prometheus/promql'
import { Labels } from '../../../src/main/prometheus/promql/kernels/values'
import { MINUTE, SECOND, labelsOf, sourceOf, vectorAt } from './helpers'

/** A source that records what it was asked for. */
function recording(inner: SeriesSource): { source: SeriesSource; calls: Array<[string, number, number]> } {
  const calls: Array<[string, number, number]> = []
  return {
    calls,
    source: {
      select(matchers: readonly LabelMatcher[], minT: number, maxT: number) {
        calls.push([matchers.map(String).join(','), minT, maxT])
        return inner.select(matchers, minT, maxT)
      }
    }
  }
}

const HOUR = 60 * MINUTE
const base = sourceOf({ m: '1' })

describe('reading the series', () => {
  it('selects each selector once, over what its evaluation can reach', async () => {
    const { source, calls } = recording(base)
    await queryRange(source, 'm + rate(m[5m] offset 1m) + max_over_time(m[10m:1m] offset 2m) + m @ 100', HOUR, 2 * HOUR, MINUTE)
    expect(calls).toEqual([
      // An instant selector reaches back by the lookback from the first step.
      ['__name__="m"', HOUR - 5 * MINUTE, 2 * HOUR],
      // A range selector by its range, both ends moved by its offset.
      ['__name__="m"', HOUR - 6 * MINUTE, 2 * HOUR - MINUTE],
      // Under a subquery: its range and offset, then the lookback.
      ['__name__="m"', HOUR - 17 * MINUTE, 2 * HOUR - 2 * MINUTE],
      // @ pins both ends.
      ['__name__="m"', 100_000 - 5 * MINUTE, 100_000]
    ])
  })

  it('uses only the samples in that range, as Prometheus trims its chunks', async () => {
    // Samples at 0 s and 10 s. 2.42 reads timestamp(m @ 12 offset 5s) at 12 s (the offset left out)
    // but selects [-3 s, 7 s]: the sample at 10 s is out of reach, the one at 0 s out of the lookback.
    const source = sourceOf({ m: '1 2' }, 10 * SECOND)
    const lookback = { lookbackDeltaMs: 10 * SECOND }
    expect(await vectorAt(source, 'timestamp(m @ 12)', 0, lookback)).toEqual([['{}', 10]])
    expect(await vectorAt(source, 'timestamp(m @ 12 offset 5s)', 0, lookback)).toEqual([])
  })

  it('sorts what the source returns by labels', async () => {
    const unordered = new MemorySeriesSource([
      { labels: labelsOf('m{k="b"}'), timestamps: [0], values: [2] },
      { labels: labelsOf('m{k="a"}'), timestamps: [0], values: [1] }
    ])
    expect(await vectorAt(unordered, 'm', 0)).toEqual([
      ['{__name__="m", k="a"}', 1],
      ['{__name__="m", k="b"}', 2]
    ])
  })

  it('awaits a source that answers with a promise', async () => {
    const slow: SeriesSource = { select: async (...args) => base.select(...args) }
    expect(await queryInstant(slow, 'm', 0)).toMatchObject({ type: 'vector', samples: [{ v: 1 }] })
  })
})

describe('MemorySeriesSource', () => {
  const source = sourceOf({ 'm{k="a"}': '1 2 3', 'm{k="b"}': '_ _ 3', 'n{k="a"}': '1' })
  const select = (query: string, minT: number, maxT: number): string[] => {
    return source.select(matchersOf(query), minT, maxT).map((s) => Labels.fromRecord(s.labels).toString())
  }

  it('returns the series whose labels match and that have samples in range', () => {
    expect(select('m', 0, 0)).toEqual(['{__name__="m", k="a"}'])
    expect(select('m', 0, 30 * SECOND)).toEqual(['{__name__="m", k="a"}', '{__name__="m", k="b"}'])
    expect(select('{k="a"}', 0, 0)).toEqual(['{__name__="m", k="a"}', '{__name__="n", k="a"}'])
    expect(select('{__name__=~".+", k!="a"}', 0, HOUR)).toEqual(['{__name__="m", k="b"}'])
    expect(select('m{nope=""}', 0, HOUR)).toHaveLength(2)
  })
})

function matchersOf(selector: string): readonly LabelMatcher[] {
  const expr = parseExpr(selector)
  if (expr.kind !== 'VectorSelector') throw new Error(`${selector} is no selector`)
  return expr.matchers
}
