import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RowDigest } from '../../../src/main/base/series/row-digest'
import { STALE, type SampleValue } from '../../../src/main/base/series/sample'

const T0 = 1_764_633_600_000
const digestOf = (rows: ReadonlyArray<[number, SampleValue[]]>): RowDigest => {
  const digest = new RowDigest()
  for (const [ts, row] of rows) digest.add(ts, row)
  return digest
}

describe('row digest', () => {
  it('is the same for the same rows in any order, with count and first and last time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1e6 }), fc.array(fc.oneof(fc.double(), fc.constant(null)), { minLength: 2, maxLength: 2 }))),
        (rows) => {
          const forward = digestOf(rows.map(([dt, row]) => [T0 + dt, row]))
          const backward = digestOf(rows.map(([dt, row]): [number, SampleValue[]] => [T0 + dt, row]).reverse())
          expect(backward.summary()).toEqual(forward.summary())
          expect(forward.count).toBe(rows.length)
          if (rows.length > 0) expect(forward.firstTs).toBe(T0 + Math.min(...rows.map(([dt]) => dt)))
        }
      )
    )
  })

  it('tells a changed value, time, missing value, stale mark or extra row apart', () => {
    const base = digestOf([[T0, [1, 2]], [T0 + 5000, [3, null]]]).checksum
    const variants: Array<Array<[number, SampleValue[]]>> = [
      [[T0, [1, 2]], [T0 + 5000, [3.0000000001, null]]],
      [[T0, [1, 2]], [T0 + 5001, [3, null]]],
      [[T0, [1, 2]], [T0 + 5000, [3, 0]]],
      [[T0, [1, 2]], [T0 + 5000, [3, STALE]]],
      [[T0, [2, 1]], [T0 + 5000, [3, null]]],
      [[T0, [1, 2]], [T0 + 5000, [3, null]], [T0 + 5000, [3, null]]],
      [[T0, [1, 2]], [T0 + 5000, [3]]]
    ]
    for (const rows of variants) expect(digestOf(rows).checksum).not.toBe(base)
  })
})
