// How number, duration and string tokens become values, with the error texts of the Go
// functions Prometheus 2.42 uses for them (strconv.ParseInt/ParseFloat, model.ParseDuration,
// its own unquoting of PromQL strings).

import { decodeGoBytes, goQuote } from './go-format'

const INT64_MAX = (1n << 63n) - 1n

/** An integer literal as Go's strconv.ParseInt(text, 0, 64) reads it: hex, octal or decimal. */
function parseGoInt(text: string): bigint | null {
  let digits: bigint
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) digits = BigInt(text)
  else if (/^0[0-7]+$/.test(text)) digits = BigInt('0o' + text.slice(1))
  else if (/^(0|[1-9][0-9]*)$/.test(text)) digits = BigInt(text)
  else return null
  return digits > INT64_MAX ? null : digits
}

/**
 * A NUMBER token's value, as Prometheus reads it: as an integer first (so `010` is 8 and
 * `0x1F` 31), else as a float (`1e3`, `.5`, `Inf`, `NaN`). Throws the strconv error text.
 */
export function parseNumber(text: string): number {
  const integer = parseGoInt(text)
  if (integer !== null) return Number(integer)
  const lower = text.toLowerCase()
  if (lower === 'inf' || lower === 'infinity') return Infinity
  if (lower === 'nan') return NaN
  if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) {
    throw new Error(`strconv.ParseFloat: parsing ${goQuote(text)}: invalid syntax`)
  }
  const value = Number(text)
  if (!Number.isFinite(value)) throw new Error(`strconv.ParseFloat: parsing ${goQuote(text)}: value out of range`)
  return value
}

const DURATION_RE = /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/
/** Milliseconds in each unit of DURATION_RE's groups. */
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1].map(BigInt)

/** Wraps a BigInt to a signed 64-bit integer, as Go's int64 arithmetic does. */
const int64 = (n: bigint): bigint => BigInt.asIntN(64, n)

/**
 * A duration (`5m`, `1h30m`, `100ms`) in milliseconds, as Prometheus's model.ParseDuration
 * reads it: units largest first, each at most once, the total within Go's time.Duration.
 */
export function parseDuration(text: string): number {
  if (text === '0') return 0
  if (text === '') throw new Error('empty duration string')
  const match = DURATION_RE.exec(text)
  if (!match) throw new Error(`not a valid duration string: ${goQuote(text)}`)
  let nanos = 0n
  let outOfRange = false
  UNIT_MS.forEach((unitMs, i) => {
    const digits = match[i + 1]
    if (digits === undefined) return
    // strconv.Atoi saturates at the int64 bounds; the limit keeps n * unit in a time.Duration.
    const n = BigInt(digits) > INT64_MAX ? INT64_MAX : BigInt(digits)
    if (n > INT64_MAX / unitMs / 1_000_000n) outOfRange = true
    nanos = int64(nanos + int64(int64(n * 1_000_000n) * unitMs))
    if (nanos < 0n) outOfRange = true
  })
  if (outOfRange) throw new Error('duration out of range')
  return Number(nanos / 1_000_000n)
}

/** Prometheus's check on range, step and offset durations: they must be positive. */
export function parsePositiveDuration(text: string): number {
  const ms = parseDuration(text)
  if (ms === 0) throw new Error('duration must be greater than 0')
  return ms
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34 }

/**
 * The value of a STRING token (quotes included). Escapes were validated by the lexer; `\x..`
 * and octal escapes give single bytes as in Go, and a byte that is not part of valid UTF-8 is
 * kept as a lone surrogate (see decodeGoBytes).
 */
export function unquoteString(token: string): string {
  const quote = token[0]
  const body = token.slice(1, -1)
  if (quote === '`') return body
  if (!body.includes('\\')) return body
  const bytes: number[] = []
  const encoder = new TextEncoder()
  for (let i = 0; i < body.length; ) {
    if (body[i] !== '\\') {
      const cp = body.codePointAt(i)!
      const char = String.fromCodePoint(cp)
      bytes.push(...encoder.encode(char))
      i += char.length
      continue
    }
    const c = body[i + 1]!
    i += 2
    if (c in SIMPLE_ESCAPES) bytes.push(SIMPLE_ESCAPES[c]!)
    else if (c === 'x') {
      bytes.push(parseInt(body.slice(i, i + 2), 16))
      i += 2
    } else if (c === 'u' || c === 'U') {
      const n = c === 'u' ? 4 : 8
      bytes.push(...encoder.encode(String.fromCodePoint(parseInt(body.slice(i, i + n), 16))))
      i += n
    } else {
      bytes.push(parseInt(body.slice(i - 1, i + 2), 8))
      i += 2
    }
  }
  return decodeGoBytes(new Uint8Array(bytes))
}
