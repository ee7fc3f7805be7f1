import fc from 'fast-check'
import { fromBits, STALE_NAN } from '../../src/main/base/series/float-bits'
import { STALE, type SampleValue } from '../../src/main/base/series/sample'

/** Any double a series may hold: NaNs (the staleness one and another payload), ±Inf, −0, extremes, whole numbers, two-place decimals. */
const anyDouble = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, STALE_NAN, fromBits(0x7ff80000, 2), Number.MIN_VALUE, Number.MAX_VALUE),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 100)
)

/** Any value of a sample row: mostly numbers, sometimes null or the staleness marker. */
export const anyValue = fc.oneof({ weight: 8, arbitrary: anyDouble }, fc.constant<SampleValue>(null), fc.constant<SampleValue>(STALE))
