// Go's formatting of strings and numbers, as Prometheus's messages and printed expressions
// show them: clients compare these texts, so they follow Go's fmt and strconv exactly
// (%q, %#U, %v of a float64, %.Nf), not JavaScript's own conventions.

/** Whether Go's strconv.IsPrint holds: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isGoPrintable(cp: number): boolean {
  if (cp === 0x20) return true
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(cp))
}

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0')
}

/** One code point escaped as Go's strconv.Quote* does inside a literal quoted by `quote`. */
function escapeForQuote(cp: number, quote: string): string {
  const ch = String.fromCodePoint(cp)
  if (ch === quote || ch === '\\') return '\\' + ch
  // A byte that is not UTF-8, held as a lone surrogate (see decodeGoBytes): Go prints the byte.
  if (cp >= 0xdc80 && cp <= 0xdcff) return '\\x' + hex(cp - 0xdc00, 2)
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd'
  if (isGoPrintable(cp)) return ch
  switch (cp) {
    case 0x07: return '\\a'
    case 0x08: return '\\b'
    case 0x0c: return '\\f'
    case 0x0a: return '\\n'
    case 0x0d: return '\\r'
    case 0x09: return '\\t'
    case 0x0b: return '\\v'
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2)
  if (cp < 0x10000) return '\\u' + hex(cp, 4)
  return '\\U' + hex(cp, 8)
}

/** Go's %q of a string (strconv.Quote). */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) out += escapeForQuote(ch.codePointAt(0)!, '"')
  return out + '"'
}

/** What Go's UTF-8 decoding makes of a character: surrogates (no UTF-8 form) and -1 are U+FFFD. */
function asGoRune(cp: number): number {
  return cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp
}

/** Go's %q of a rune (strconv.QuoteRune). */
export function goQuoteRune(cp: number): string {
  return "'" + escapeForQuote(asGoRune(cp), "'") + "'"
}

/** Go's %#U of a rune: `U+0063 'c'`, without the quoted form when it is not printable. */
export function goUnicodeRune(rune: number): string {
  const cp = asGoRune(rune)
  const code = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0')
  return isGoPrintable(cp) ? `${code} '${String.fromCodePoint(cp)}'` : code
}

/** Go's %.Nq of a string: the first n runes, quoted. */
export function goQuoteTruncated(s: string, runes: number): string {
  return goQuote(Array.from(s).slice(0, runes).join(''))
}

/** Bytes the string takes in UTF-8 (positions in Prometheus's messages count bytes). */
export function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** Go's fmt %v (and strconv 'g' with the shortest precision) of a float64: 1e+06, 0.0001, 1e-05, +Inf. */
export function goFormatFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return '+Inf'
  if (x === -Infinity) return '-Inf'
  if (x === 0) return Object.is(x, -0) ? '-0' : '0'
  const sign = x < 0 ? '-' : ''
  // toExponential() gives the shortest digits that read back as x, as Go's shortest formatting does.
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string]
  const digits = mantissa.replace('.', '')
  const exp = Number(exponent)
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? '.' + digits.slice(1) : ''
    const e = Math.abs(exp).toString().padStart(2, '0')
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e}`
  }
  const point = exp + 1 // digits before the decimal point
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length)
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** The exact value of a finite double as numerator / 2^shift. */
function exactParts(x: number): { mantissa: bigint; shift: bigint } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const biased = Number((bits >> 52n) & 0x7ffn)
  let mantissa = bits & 0xfffffffffffffn
  let exp: number
  if (biased === 0) exp = -1074
  else {
    mantissa |= 1n << 52n
    exp = biased - 1075
  }
  return exp >= 0 ? { mantissa: mantissa << BigInt(exp), shift: 0n } : { mantissa, shift: BigInt(-exp) }
}

/** Go's %.Nf of a float64: exact decimal value rounded half to even (toFixed rounds ties up). */
export function goFormatFixed(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return '+Inf'
  if (x === -Infinity) return '-Inf'
  const negative = x < 0 || Object.is(x, -0)
  const { mantissa, shift } = exactParts(Math.abs(x))
  const scaled = mantissa * 10n ** BigInt(precision)
  const divisor = 1n << shift
  let q = scaled / divisor
  const twiceRest = (scaled % divisor) * 2n
  if (twiceRest > divisor || (twiceRest === divisor && q % 2n === 1n)) q += 1n
  let text = q.toString().padStart(precision + 1, '0')
  if (precision > 0) text = text.slice(0, -precision) + '.' + text.slice(-precision)
  return (negative ? '-' : '') + text
}

/**
 * Go string bytes as a JavaScript string. Valid UTF-8 decodes as usual; each byte that is not
 * part of valid UTF-8 becomes the lone surrogate U+DC00 + byte, so that a PromQL string such as
 * "\xff" keeps its byte and prints back as Go prints it.
 */
export function decodeGoBytes(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; ) {
    const [cp, size] = decodeRune(bytes, i)
    out += cp < 0 ? String.fromCharCode(0xdc00 + bytes[i]!) : String.fromCodePoint(cp)
    i += size
  }
  return out
}

/** Go's utf8.DecodeRune at i: the code point and its size, or -1 and 1 for an invalid byte. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const b0 = b[i]!
  if (b0 < 0x80) return [b0, 1]
  const cont = (k: number): number => (i + k < b.length && (b[i + k]! & 0xc0) === 0x80 ? b[i + k]! & 0x3f : -1)
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1)
    return c1 < 0 ? [-1, 1] : [((b0 & 0x1f) << 6) | c1, 2]
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [c1, c2] = [cont(1), cont(2)]
    if (c1 < 0 || c2 < 0) return [-1, 1]
    const cp = ((b0 & 0x0f) << 12) | (c1 << 6) | c2
    return cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ? [-1, 1] : [cp, 3]
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [c1, c2, c3] = [cont(1), cont(2), cont(3)]
    if (c1 < 0 || c2 < 0 || c3 < 0) return [-1, 1]
    const cp = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
    return cp < 0x10000 || cp > 0x10ffff ? [-1, 1] : [cp, 4]
  }
  return [-1, 1]
}
