import { describe, expect, it } from 'vitest'
import { civilTime, daysInMonth, isLeapYear } from '../../../src/main/prometheus/promql/kernels/go-time'
import { seededRandom } from '../../helpers/seeded-random'

describe('the UTC calendar of Go for the date functions', () => {
  it("agrees with JavaScript's Date wherever Date reaches", () => {
    const random = seededRandom(42)
    for (let i = 0; i < 5000; i++) {
      const seconds = Math.round((random() - 0.5) * 2 * 8.6e12)
      const date = new Date(seconds * 1000)
      const startOfYear = Date.UTC(date.getUTCFullYear(), 0, 1)
      const startOfDay = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
      // A fraction away from zero is truncated off.
      expect(civilTime(seconds + Math.sign(seconds) * 0.9), String(seconds)).toEqual({
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
        weekday: date.getUTCDay(),
        yearDay: (startOfDay - startOfYear) / 86_400_000 + 1
      })
    }
  })

  it('truncates towards zero: -0.5 s is 1970-01-01 00:00, -1 s is 1969', () => {
    expect(civilTime(-0.5)).toMatchObject({ year: 1970, hour: 0, minute: 0 })
    expect(civilTime(-1)).toMatchObject({ year: 1969, month: 12, day: 31, hour: 23, minute: 59, weekday: 3, yearDay: 365 })
  })

  it('dates NaN and ±Inf (int64 -2^63) as 2.42 does: 292277026596-12-04 15:30, a Sunday', () => {
    for (const v of [NaN, Infinity, -Infinity, 1e300]) {
      expect(civilTime(v)).toEqual({ year: 292277026596, month: 12, day: 4, hour: 15, minute: 30, weekday: 0, yearDay: 339 })
    }
    expect(civilTime(-62135596801).year).toBe(0)
  })

  it('knows the Gregorian leap years and month lengths', () => {
    expect([1900, 2000, 2024, 2026, 0, -4, -100].map(isLeapYear)).toEqual([false, true, true, false, true, true, false])
    expect(daysInMonth(2, true)).toBe(29)
    expect(daysInMonth(2, false)).toBe(28)
    expect(daysInMonth(12, false)).toBe(31)
    expect(daysInMonth(4, false)).toBe(30)
  })
})
