import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoSeconds } from '../../src/shared/time'

const reference = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

describe('isoSeconds', () => {
  it('writes any instant Date can hold as the ISO text to the second, in any order of calls', () => {
    const instant = fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }))
    fc.assert(fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (instants) => instants.every((ms) => isoSeconds(ms) === reference(ms))))
    // Neighbours of day boundaries and fractions of a second, before and after 1970.
    for (const ms of [0, -1, -86_400_000.5, -0.5, 86_399_999, 86_400_000, 1_764_633_599_999.5, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000]) {
      expect(isoSeconds(ms)).toBe(reference(ms))
    }
  })

  it('refuses what Date refuses', () => {
    expect(() => isoSeconds(Number.NaN)).toThrow(RangeError)
    expect(() => isoSeconds(8.64e15 + 1)).toThrow(RangeError)
  })
})
