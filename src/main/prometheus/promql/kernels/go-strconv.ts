// Go's number parsing and formatting where PromQL's results depend on them: strconv.ParseFloat
// (histogram_quantile reads `le` with it), strconv.FormatFloat(v, 'f', -1, 64) (count_values'
// label values) and the %f / %v verbs of Prometheus' error messages.
import { formatScalarValue } from '../../api/format'
import { ldexp } from './go-math'

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/
const INFINITY = /^([+-]?)inf(?:inity)?$/i

/**
 * strconv.ParseFloat(text, 64), or undefined where Go returns an error: a syntax error, or a
 * finite number too large for a float64 (Go's ErrRange; underflow to 0 is no error). Go accepts
 * what JavaScript's Number() does not ("inf", "Infinity", "nan" in any case, hex floats with a
 * `p` exponent, `_` between digits) and refuses what it accepts ("", " 1", "0b1", "0x10").
 */
export function parseGoFloat(text: string): number | undefined {
  const infinity = INFINITY.exec(text)
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity
  if (/^nan$/i.test(text)) return NaN
  if (text.includes('_')) {
    if (!underscoresSeparateDigits(text)) return undefined
    text = text.replace(/_/g, '')
  }
  const value = DECIMAL.test(text) ? Number(text) : parseHexFloat(text)
  return value === undefined || !Number.isFinite(value) ? undefined : value
}

/** Go's rule for `_` in number literals: only between digits, or between a base prefix and a digit. */
function underscoresSeparateDigits(text: string): boolean {
  let body = text.replace(/^[+-]/, '')
  let previous: 'start' | 'digit' | 'underscore' | 'other' = 'start'
  const hex = /^0[xX]/.test(body)
  if (/^0[bBoOxX]/.test(body)) {
    body = body.slice(2)
    previous = 'digit'
  }
  for (const ch of body) {
    if (/[0-9]/.test(ch) || (hex && /[a-fA-F]/.test(ch))) previous = 'digit'
    else if (ch === '_') {
      if (previous !== 'digit') return false
      previous = 'underscore'
    } else if (previous === 'underscore') return false
    else previous = 'other'
  }
  return previous !== 'underscore'
}

/** `0x1.8p3` = 12: hex digits, an optional point, a mandatory binary exponent. */
function parseHexFloat(text: string): number | undefined {
  const match = HEX.exec(text)
  if (!match) return undefined
  const [, sign, whole = '', fraction = '', exponent = '0'] = match
  if (whole === '' && fraction === '') return undefined
  // The digits as one integer, rounded once to 53 bits, then scaled by a power of two.
  const mantissa = Number(BigInt(`0x${whole}${fraction}`))
  const value = mantissa === 0 ? 0 : ldexp(mantissa, Number(exponent) - 4 * fraction.length)
  return sign === '-' ? -value : value
}

/** strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent; NaN, +Inf, -Inf, -0. */
export function formatGoFloat(v: number): string {
  return formatScalarValue(v)
}

/** fmt's %f: six decimals; NaN, +Inf, -Inf. */
export function formatGoFixed(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf'
  // toFixed switches to an exponent from 1e21 on, where every float64 is an integer.
  return Math.abs(v) >= 1e21 ? `${BigInt(v)}.000000` : v.toFixed(6)
}

/** fmt's %v of a float64 (%g, shortest): an exponent below 1e-4 and from 1e6 on, e.g. 1e+19. */
export function formatGoValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf'
  if (v === 0) return Object.is(v, -0) ? '-0' : '0'
  const [mantissa = '', exponentText = '0'] = v.toExponential().split('e')
  const exponent = Number(exponentText)
  if (exponent >= -4 && exponent < 6) return String(v)
  const digits = String(Math.abs(exponent)).padStart(2, '0')
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`
}
