// The calendar fields of time.Unix(int64(v), 0).UTC() as Go computes them, for PromQL's date
// functions. Go counts seconds in a uint64 from January 1 of the year -292277022399, so every
// int64 second has a date, even the -2^63 that NaN and ±Inf convert to (a year near +292e9);
// JavaScript's Date stops at ±8.64e15 ms.
import { goInt64 } from './go-math'

export interface CivilTime {
  year: number
  /** 1..12 */
  month: number
  /** 1..31 */
  day: number
  hour: number
  minute: number
  /** 0 = Sunday */
  weekday: number
  /** 1..366 */
  yearDay: number
}

const SECONDS_PER_DAY = 86_400n
const ABSOLUTE_ZERO_YEAR = -292_277_022_399
// Seconds from year 1 back to the absolute zero year (whole 400-year cycles), and to 1970.
const ABSOLUTE_TO_INTERNAL = (BigInt(ABSOLUTE_ZERO_YEAR - 1) * 3_652_425n * SECONDS_PER_DAY) / 10_000n
const UNIX_TO_INTERNAL = (1969n * 365n + 1969n / 4n - 1969n / 100n + 1969n / 400n) * SECONDS_PER_DAY
const UNIX_TO_ABSOLUTE = UNIX_TO_INTERNAL - ABSOLUTE_TO_INTERNAL

const DAYS_PER_400_YEARS = 365 * 400 + 97
const DAYS_PER_100_YEARS = 365 * 100 + 24
const DAYS_PER_4_YEARS = 365 * 4 + 1
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]

/** The UTC calendar fields of `seconds` (a sample value) after Go's int64 conversion. */
export function civilTime(seconds: number): CivilTime {
  const absolute = BigInt.asUintN(64, goInt64(seconds) + UNIX_TO_ABSOLUTE)
  const days = Number(absolute / SECONDS_PER_DAY)
  const secondOfDay = Number(absolute % SECONDS_PER_DAY)
  // The absolute zero year is 1 modulo 400, like year 1: the Gregorian cycles line up.
  const { yearsSinceZero, dayOfYear } = splitYears(days)
  const leap = isLeapYear(yearsSinceZero + 1)
  const { month, day } = monthAndDay(dayOfYear, leap)
  return {
    year: ABSOLUTE_ZERO_YEAR + yearsSinceZero,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    // Day 0 was a Monday; Go adds the day in seconds to the uint64, which may wrap.
    weekday: Number((BigInt.asUintN(64, absolute + SECONDS_PER_DAY) % (7n * SECONDS_PER_DAY)) / SECONDS_PER_DAY),
    yearDay: dayOfYear + 1
  }
}

/** Days in `month` (1..12) of a year with that leapness. */
export function daysInMonth(month: number, leap: boolean): number {
  return (DAYS_BEFORE_MONTH[month] as number) - (DAYS_BEFORE_MONTH[month - 1] as number) + (leap && month === 2 ? 1 : 0)
}

/** Leapness of a year given modulo 400 (or exactly): every 4th, but not every 100th unless every 400th. */
export function isLeapYear(year: number): boolean {
  const y = ((year % 400) + 400) % 400
  return y % 4 === 0 && (y % 100 !== 0 || y === 0)
}

function splitYears(days: number): { yearsSinceZero: number; dayOfYear: number } {
  const cycles400 = Math.floor(days / DAYS_PER_400_YEARS)
  let rest = days - cycles400 * DAYS_PER_400_YEARS
  // The last century and the last year of a cycle are one day longer.
  const cycles100 = Math.min(3, Math.floor(rest / DAYS_PER_100_YEARS))
  rest -= cycles100 * DAYS_PER_100_YEARS
  const cycles4 = Math.floor(rest / DAYS_PER_4_YEARS)
  rest -= cycles4 * DAYS_PER_4_YEARS
  const years = Math.min(3, Math.floor(rest / 365))
  rest -= years * 365
  return { yearsSinceZero: cycles400 * 400 + cycles100 * 100 + cycles4 * 4 + years, dayOfYear: rest }
}

function monthAndDay(dayOfYear: number, leap: boolean): { month: number; day: number } {
  let month = 1
  while (month < 12 && dayOfYear >= cumulativeDays(month, leap)) month++
  return { month, day: dayOfYear - cumulativeDays(month - 1, leap) + 1 }
}

/** Days in the first `months` months of a year. */
function cumulativeDays(months: number, leap: boolean): number {
  return (DAYS_BEFORE_MONTH[months] as number) + (leap && months >= 2 ? 1 : 0)
}
