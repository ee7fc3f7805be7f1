// Reads the Prometheus HTTP API's time and duration parameters exactly as Prometheus 2.42 does
// (web/api/v1/api.go, built with Go 1.19 for amd64, as Debian's package is), error texts
// included. Checked against the real 2.42 in test/fixtures/prometheus-2.42-responses.json
// (timeParams, rangeParams and the exchanges' error texts).
//
// A time is unix seconds as a float or RFC3339 with up to nine decimals, or one of the two texts
// Prometheus writes for "no bound" (MIN_TIME_TEXT, MAX_TIME_TEXT). A duration is float seconds
// or a Prometheus duration (`5m`, `1h30m`, `1y2w3d4h5m6s7ms`: units in that order, each once).
// The float syntax is Go's strconv.ParseFloat: `1e3`, `.5`, `5.`, `1_000`, hex with a binary
// exponent (`0x1p-2`), `Inf`/`+Inf`/`-Inf`/`infinity`/`NaN` in any case — no blanks, no
// out-of-range literal (`1e400`). RFC3339 is Go's time.Parse: 4-digit year, 1- or 2-digit hour,
// `.` or `,` before the fraction, `Z` or ±hh:mm with any two digits (+99:99 too), no `t`/`z`.
//
// Go's arithmetic is copied where it shows: a float time is split into whole seconds and a
// fraction rounded to the millisecond (1.0005 → 1 s, 2.0005 → 2.001 s: floating point), and
// values out of int64's range convert to its minimum, as amd64 does (`Inf` is accepted as a
// time and lands in 1677); query and query_range evaluate at UnixNano / 10^6, truncated towards
// zero and wrapping outside 1678..2262, while series/labels/exemplars use floored milliseconds.
// That is why an instant is kept as Go's time.Time is (GoTime) until one of the two is asked.
//
// Millisecond results are JavaScript numbers: exact within ±2^53 ms (±285,000 years); the
// defaults of series/labels (MIN_TIME, MAX_TIME, ±292 million years) come out as the nearest
// doubles. A step under a millisecond passes these checks (as in 2.42) and gives stepMs 0;
// 2.42 then fails the evaluation with HTTP 422 "unexpected error: runtime error: integer
// divide by zero".

/** Every parameter error is `bad_data` (HTTP 400) with this message. */
export class ApiParamError extends Error {
  readonly errorType = 'bad_data' as const
  constructor(message: string) {
    super(message)
    this.name = 'ApiParamError'
  }
}

/** An instant as Go's time.Time holds it: unix seconds (int64) and nanoseconds in [0, 10^9). */
export interface GoTime {
  sec: bigint
  nsec: number
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const NS_PER_SECOND = 1_000_000_000n
const NS_PER_MS = 1_000_000n
/** Seconds from year 1 to 1970, Go's offset between its internal and unix seconds. */
const UNIX_TO_INTERNAL = 62_135_596_800n

const int64 = (value: bigint): bigint => BigInt.asIntN(64, value)

/** The earliest and latest times Prometheus' API knows (its defaults for series/labels' start and end). */
export const MIN_TIME: GoTime = { sec: INT64_MIN / 1000n + 62_135_596_801n, nsec: 0 }
export const MAX_TIME: GoTime = { sec: INT64_MAX / 1000n - 62_135_596_801n, nsec: 999_999_999 }
/** MIN_TIME and MAX_TIME as Prometheus writes them (time.RFC3339Nano), accepted as times. */
export const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z'
export const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z'

const MAX_POINTS = 11_000n

// ---------------------------------------------------------------------------------------------
// Go's strconv.ParseFloat and strconv.Quote

const DIGITS = String.raw`\d(?:_?\d)*`
const HEX_DIGITS = String.raw`[0-9a-fA-F](?:_?[0-9a-fA-F])*`
const DECIMAL_FLOAT = new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`)
// An underscore may follow the 0x prefix, before a digit: 0x_1p0 but not 0x_.8p1.
const HEX_FLOAT = new RegExp(String.raw`^([+-]?)0[xX](?:_?(${HEX_DIGITS})(?:\.(${HEX_DIGITS})?)?|\.(${HEX_DIGITS}))[pP]([+-]?${DIGITS})$`)

/** x × 2^exp for an exact integer-valued x, rounding once at the end. */
function scaleByPowerOfTwo(x: number, exp: number): number {
  let result = x
  let remaining = exp
  while (remaining > 1000) {
    result *= 2 ** 1000
    remaining -= 1000
  }
  while (remaining < -1000) {
    result *= 2 ** -1000
    remaining += 1000
  }
  return result * 2 ** remaining
}

/** Divides by 2^shift rounding half to even, as a float's mantissa is rounded. */
function shiftRoundingToEven(value: bigint, shift: bigint): bigint {
  if (shift <= 0n) return value << -shift
  const quotient = value >> shift
  const remainder = value - (quotient << shift)
  const half = 1n << (shift - 1n)
  return remainder > half || (remainder === half && (quotient & 1n) === 1n) ? quotient + 1n : quotient
}

/** mantissa × 2^exponent rounded to the nearest double (ties to even), subnormals included. */
function hexFloatValue(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) return 0
  const bits = mantissa.toString(2).length
  const top = exponent + bits - 1
  if (top > 1100) return Infinity
  if (top < -1100) return 0
  // Normal numbers keep 53 significant bits; subnormals are multiples of 2^-1074.
  const lowestBit = top >= -1022 ? top - 52 : -1074
  const rounded = shiftRoundingToEven(mantissa, BigInt(lowestBit - exponent))
  return scaleByPowerOfTwo(Number(rounded), lowestBit)
}

/**
 * Go's strconv.ParseFloat(text, 64), or null where it returns an error (bad syntax, or a finite
 * literal beyond the double range).
 */
export function goParseFloat(text: string): number | null {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(text)) return NaN
  if (DECIMAL_FLOAT.test(text)) {
    const value = Number(text.replace(/_/g, ''))
    return Number.isFinite(value) ? value : null
  }
  const hex = HEX_FLOAT.exec(text)
  if (hex) {
    const [, sign, whole = '', fractionAfterWhole, fractionOnly, exponent = '0'] = hex
    const fraction = fractionAfterWhole ?? fractionOnly ?? ''
    const digits = `${whole}${fraction}`.replace(/_/g, '')
    const binaryExponent = Math.max(-1e6, Math.min(1e6, Number(exponent.replace(/_/g, '')))) - 4 * fraction.replace(/_/g, '').length
    const value = hexFloatValue(BigInt(`0x${digits}`), binaryExponent)
    if (!Number.isFinite(value)) return null
    return sign === '-' ? -value : value
  }
  return null
}

function isPrintable(char: string): boolean {
  return char === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(char)
}

/** Go's strconv.Quote (what `%q` prints): printable characters as they are, the rest escaped. */
export function goQuote(text: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' }
  let out = '"'
  for (const char of text) {
    const code = char.codePointAt(0) as number
    if (char === '"' || char === '\\') out += `\\${char}`
    else if (isPrintable(char)) out += char
    else if (named[char]) out += named[char]
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd'
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += `\\U${code.toString(16).padStart(8, '0')}`
  }
  return `${out}"`
}

// ---------------------------------------------------------------------------------------------
// Times

/** Go's int64(f) on amd64: truncation, and the minimum int64 for NaN and out-of-range values. */
function goFloatToInt64(value: number): bigint {
  if (Number.isNaN(value) || value >= 2 ** 63 || value < -(2 ** 63)) return INT64_MIN
  return BigInt(Math.trunc(value))
}

/** Go's math.Round: half away from zero. */
function goRound(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value))
}

/** Go's time.Unix(sec, nsec): nanoseconds outside [0, 10^9) carried into the seconds, int64 wrapping. */
function goUnix(sec: bigint, nsec: bigint): GoTime {
  let s = sec
  let n = nsec
  if (n < 0n || n >= NS_PER_SECOND) {
    const carry = n / NS_PER_SECOND
    s = int64(s + carry)
    n = int64(n - carry * NS_PER_SECOND)
    if (n < 0n) {
      n += NS_PER_SECOND
      s = int64(s - 1n)
    }
  }
  return { sec: s, nsec: Number(n) }
}

/** api.go: the whole seconds, and the fraction rounded to the millisecond. */
function timeFromFloat(value: number): GoTime {
  const whole = Math.trunc(value)
  // math.Modf: the fraction of ±Inf and NaN is NaN.
  const fraction = Number.isFinite(value) ? value - whole : NaN
  const fractionMs = goRound(fraction * 1000) / 1000
  return goUnix(goFloatToInt64(whole), goFloatToInt64(fractionMs * 1e9))
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (years 0..9999 here). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** Go 1.19's time.Parse(time.RFC3339Nano, text), or null. */
function parseRfc3339(text: string): GoTime | null {
  const match = RFC3339.exec(text)
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const [, , , , , , , fraction = '', utc, sign, offsetHours = '0', offsetMinutes = '0'] = match
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null
  const offset = utc ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60)
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
  return { sec: BigInt(seconds), nsec: Number(fraction.padEnd(9, '0')) }
}

/** Prometheus' parseTime: what a time parameter holds, or the error text (without the parameter's name). */
export function parseTime(text: string): GoTime {
  const value = goParseFloat(text)
  if (value !== null) return timeFromFloat(value)
  const parsed = parseRfc3339(text)
  if (parsed) return parsed
  if (text === MIN_TIME_TEXT) return MIN_TIME
  if (text === MAX_TIME_TEXT) return MAX_TIME
  throw new ApiParamError(`cannot parse ${goQuote(text)} to a valid timestamp`)
}

/** The millisecond query and query_range evaluate at: UnixNano() / 10^6 as Go computes it. */
export function engineMillis(time: GoTime): number {
  return Number(int64(time.sec * NS_PER_SECOND + BigInt(time.nsec)) / NS_PER_MS)
}

/** The millisecond series, labels and exemplars read from (timestamp.FromTime). */
export function storageMillis(time: GoTime): number {
  return Number(int64(time.sec * 1000n + BigInt(Math.floor(time.nsec / 1e6))))
}

/** Go's internal seconds (from year 1), which Before and Sub compare. */
const internalSec = (time: GoTime): bigint => int64(time.sec + UNIX_TO_INTERNAL)

function isBefore(a: GoTime, b: GoTime): boolean {
  const sa = internalSec(a)
  const sb = internalSec(b)
  return sa < sb || (sa === sb && a.nsec < b.nsec)
}

/** Go's t.Sub(u) in nanoseconds, saturating at the int64 bounds. */
function sub(t: GoTime, u: GoTime): bigint {
  const exact = (internalSec(t) - internalSec(u)) * NS_PER_SECOND + BigInt(t.nsec - u.nsec)
  if (exact >= INT64_MIN && exact <= INT64_MAX) return exact
  return isBefore(t, u) ? INT64_MIN : INT64_MAX
}

// ---------------------------------------------------------------------------------------------
// Durations

const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/
/** Milliseconds per unit, in the order of the regular expression's groups. */
const UNIT_MS = [365n * 86_400_000n, 7n * 86_400_000n, 86_400_000n, 3_600_000n, 60_000n, 1000n, 1n]

/** prometheus/common's model.ParseDuration in nanoseconds, or null (bad syntax, or beyond int64 nanoseconds). */
function parsePrometheusDuration(text: string): bigint | null {
  if (text === '0') return 0n
  const match = text === '' ? null : PROMETHEUS_DURATION.exec(text)
  if (!match) return null
  let total = 0n
  let overflow = false
  UNIT_MS.forEach((unitMs, i) => {
    const digits = match[i + 1]
    if (digits === undefined) return
    // strconv.Atoi saturates; anything that large overflows below anyway.
    const n = BigInt(digits) > INT64_MAX ? INT64_MAX : BigInt(digits)
    if (n > INT64_MAX / unitMs / NS_PER_MS) overflow = true
    total = int64(total + int64(int64(n * NS_PER_MS) * unitMs))
    if (total < 0n) overflow = true
  })
  return overflow ? null : total
}

/** Prometheus' parseDuration in nanoseconds, or the error text (without the parameter's name). */
export function parseDuration(text: string): bigint {
  const seconds = goParseFloat(text)
  if (seconds !== null) {
    const ns = seconds * 1e9
    if (ns > 2 ** 63 || ns < -(2 ** 63)) throw new ApiParamError(`cannot parse ${goQuote(text)} to a valid duration. It overflows int64`)
    return goFloatToInt64(ns)
  }
  const duration = parsePrometheusDuration(text)
  if (duration === null) throw new ApiParamError(`cannot parse ${goQuote(text)} to a valid duration`)
  return duration
}

/** The engine's step in milliseconds: nanoseconds / 10^6, truncated. */
export function durationMillis(ns: bigint): number {
  return Number(ns / NS_PER_MS)
}

// ---------------------------------------------------------------------------------------------
// Parameters of the endpoints, in the order Prometheus checks them

function invalidParam(name: string, err: unknown): ApiParamError {
  return new ApiParamError(`invalid parameter ${goQuote(name)}: ${(err as Error).message}`)
}

/** parseTime of a required parameter (query_range's start and end). */
function requiredTime(name: string, text: string | undefined): GoTime {
  try {
    return parseTime(text ?? '')
  } catch (err) {
    throw invalidParam(name, err)
  }
}

/** parseTimeParam: an optional time (absent or empty gives the default), errors wrapped twice as 2.42 does. */
function optionalTime(name: string, text: string | undefined, fallback: GoTime): GoTime {
  if (!text) return fallback
  try {
    return parseTime(text)
  } catch (err) {
    throw invalidParam(name, new Error(`Invalid time value for '${name}': ${(err as Error).message}`))
  }
}

function optionalTimeoutMs(text: string | undefined): number | undefined {
  if (!text) return undefined
  try {
    return durationMillis(parseDuration(text))
  } catch (err) {
    throw invalidParam('timeout', err)
  }
}

/** A Go time from unix milliseconds (for `now`). */
function fromMillis(ms: number): GoTime {
  const whole = BigInt(Math.floor(ms))
  const sec = whole >= 0n ? whole / 1000n : -((-whole + 999n) / 1000n)
  return { sec, nsec: Number(whole - sec * 1000n) * 1e6 }
}

export interface InstantQueryParams {
  /** The evaluation time, ms. */
  timeMs: number
  /** The `timeout` parameter, ms, when given (it may be 0 or negative: the query then times out). */
  timeoutMs?: number
}

/** /api/v1/query's `time` (default: now) and `timeout`. Throws ApiParamError. */
export function parseInstantQueryParams(params: { time?: string; timeout?: string }, nowMs: number = Date.now()): InstantQueryParams {
  const time = optionalTime('time', params.time, fromMillis(nowMs))
  const timeoutMs = optionalTimeoutMs(params.timeout)
  return { timeMs: engineMillis(time), ...(timeoutMs === undefined ? {} : { timeoutMs }) }
}

export interface RangeQueryParams {
  startMs: number
  endMs: number
  /** The engine's step, ms; 0 for a step under a millisecond (2.42 accepts it, then fails the evaluation). */
  stepMs: number
  timeoutMs?: number
}

/**
 * /api/v1/query_range's `start`, `end`, `step` (all required) and `timeout`, checked in 2.42's
 * order: start, end, end not before start (to the nanosecond), step, step > 0, at most 11,000
 * steps, timeout. Throws ApiParamError.
 */
export function parseRangeQueryParams(params: { start?: string; end?: string; step?: string; timeout?: string }): RangeQueryParams {
  const start = requiredTime('start', params.start)
  const end = requiredTime('end', params.end)
  if (isBefore(end, start)) throw invalidParam('end', new Error('end timestamp must not be before start time'))
  let step: bigint
  try {
    step = parseDuration(params.step ?? '')
  } catch (err) {
    throw invalidParam('step', err)
  }
  if (step <= 0n) throw invalidParam('step', new Error('zero or negative query resolution step widths are not accepted. Try a positive integer'))
  // Sub and the division are Go's int64 arithmetic on nanoseconds.
  if (sub(end, start) / step > MAX_POINTS) {
    throw new ApiParamError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)')
  }
  const timeoutMs = optionalTimeoutMs(params.timeout)
  return {
    startMs: engineMillis(start),
    endMs: engineMillis(end),
    stepMs: durationMillis(step),
    ...(timeoutMs === undefined ? {} : { timeoutMs })
  }
}

export interface TimeBounds {
  startMs: number
  endMs: number
}

/**
 * `start` and `end` of /api/v1/series, labels and label values: optional (MIN_TIME and
 * MAX_TIME by default), in any order. Throws ApiParamError.
 */
export function parseTimeBounds(params: { start?: string; end?: string }): TimeBounds {
  const start = optionalTime('start', params.start, MIN_TIME)
  const end = optionalTime('end', params.end, MAX_TIME)
  return { startMs: storageMillis(start), endMs: storageMillis(end) }
}

/** `start` and `end` of /api/v1/query_exemplars: as parseTimeBounds, and end must not be before start. */
export function parseExemplarBounds(params: { start?: string; end?: string }): TimeBounds {
  const start = optionalTime('start', params.start, MIN_TIME)
  const end = optionalTime('end', params.end, MAX_TIME)
  if (isBefore(end, start)) throw new ApiParamError('end timestamp must not be before start timestamp')
  return { startMs: storageMillis(start), endMs: storageMillis(end) }
}
