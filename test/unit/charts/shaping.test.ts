import { describe, expect, it } from 'vitest'
import { GAP_FACTOR, alignSeries, appendSample, findGaps, insertGaps, lastValue, padToRange, stack, toCsv } from '../../../src/renderer/src/charts/shaping'

describe('gaps', () => {
  const ts = [0, 5_000, 10_000, 60_000, 65_000]

  it('finds a hole longer than a few intervals, not jitter or one late sample', () => {
    expect(findGaps(ts, 5_000)).toEqual([[10_000, 60_000]])
    expect(findGaps([0, 5_000, 11_000, 16_000], 5_000)).toEqual([])
    expect(findGaps([0, 5_000, 5_000 + GAP_FACTOR * 5_000 + 1], 5_000)).toHaveLength(1)
  })

  it('inserts one null row after the last sample before a hole, so the line breaks there', () => {
    const table = insertGaps({ ts, columns: [[1, 2, 3, 4, 5], [10, 20, 30, 40, 50]] }, 5_000)
    expect(table.ts).toEqual([0, 5_000, 10_000, 15_000, 60_000, 65_000])
    expect(table.columns).toEqual([
      [1, 2, 3, null, 4, 5],
      [10, 20, 30, null, 40, 50]
    ])
  })

  it('leaves a table without holes untouched', () => {
    const table = { ts: [0, 5_000], columns: [[1, 2]] }
    expect(insertGaps(table, 5_000)).toBe(table)
  })

  it('handles several holes and empty tables', () => {
    const table = insertGaps({ ts: [0, 100_000, 200_000], columns: [[1, 2, 3]] }, 5_000)
    expect(table.ts).toEqual([0, 5_000, 100_000, 105_000, 200_000])
    expect(table.columns[0]).toEqual([1, null, 2, null, 3])
    expect(insertGaps({ ts: [], columns: [[]] }, 5_000)).toEqual({ ts: [], columns: [[]] })
  })
})

describe('alignSeries', () => {
  it('puts series on the union of their times, null where one has no sample', () => {
    const sda = { ts: [0, 5, 10], columns: [[1, 2, 3]] }
    const sdb = { ts: [5, 10, 15], columns: [[20, 30, 40], [200, 300, 400]] }
    expect(alignSeries([sda, sdb])).toEqual({
      ts: [0, 5, 10, 15],
      columns: [
        [1, 2, 3, null],
        [null, 20, 30, 40],
        [null, 200, 300, 400]
      ]
    })
  })

  it('returns a single series as it is', () => {
    const only = { ts: [1], columns: [[1]] }
    expect(alignSeries([only])).toBe(only)
    expect(alignSeries([])).toEqual({ ts: [], columns: [] })
  })
})

describe('stack', () => {
  it('gives running sums bottom-up, nulls counting as nothing', () => {
    expect(stack([[10, null, 5], [20, 1, null], [70, 2, null]])).toEqual([
      [10, null, 5],
      [30, 1, 5],
      [100, 3, 5]
    ])
  })
})

describe('padToRange', () => {
  it('adds empty rows at the ends the data does not reach', () => {
    expect(padToRange({ ts: [10, 20], columns: [[1, 2]] }, 0, 30)).toEqual({ ts: [0, 10, 20, 30], columns: [[null, 1, 2, null]] })
    const full = { ts: [0, 30], columns: [[1, 2]] }
    expect(padToRange(full, 0, 30)).toBe(full)
    expect(padToRange({ ts: [], columns: [[]] }, 0, 30)).toEqual({ ts: [0, 30], columns: [[null, null]] })
  })
})

describe('live appends', () => {
  it('appends in order, ignores a repeat, drops what left the window', () => {
    const series = { key: null, ts: [0, 5_000], values: { us: [1, 2] as Array<number | null>, sy: [3, 4] as Array<number | null> } }
    appendSample(series, 10_000, { us: 5, sy: 'x' }, 0)
    appendSample(series, 10_000, { us: 99, sy: 99 }, 0)
    expect(series.ts).toEqual([0, 5_000, 10_000])
    expect(series.values).toEqual({ us: [1, 2, 5], sy: [3, 4, null] })
    appendSample(series, 15_000, { us: 6, sy: 7 }, 6_000)
    expect(series.ts).toEqual([10_000, 15_000])
    expect(series.values).toEqual({ us: [5, 6], sy: [null, 7] })
  })

  it('knows the latest value for a legend', () => {
    expect(lastValue([1, 2, null])).toBe(2)
    expect(lastValue([null])).toBeNull()
  })
})

describe('toCsv', () => {
  it('writes the visible rows with ISO times, skipping gap rows, quoting labels', () => {
    const table = { ts: [0, 5_000, 10_000, 15_000], columns: [[1, null, 3, 4], [0.5, null, null, 2]] }
    expect(toCsv(table, ['sda read', 'say "hi", ok'], 1, 12_000)).toBe(
      'time,sda read,"say ""hi"", ok"\n1970-01-01T00:00:10.000Z,3,\n'
    )
  })
})
