// How Prometheus 2.42's HTTP API writes numbers, times and strings in its JSON, so that Vigil's
// /prometheus/api/v1 answers are the same text, not only the same values. Checked against the
// real 2.42 in test/fixtures/prometheus-2.42-responses.json (valueFormats, timestampFormats and
// the raw text of its exchanges).
//
// Two writers coexist in 2.42, and they differ:
//   - vector and matrix samples (web/api/v1's jsoniter encoders, util/jsonutil):
//       value      Go's shortest 'f' form, but 'e' below 1e-6 or from 1e21 on: "1e-07", "1.5e+21"
//       timestamp  milliseconds printed as seconds with exactly three decimals when not whole:
//                  4000 → 4, 4500 → 4.500, -1500 → -1.500 (JSON numbers, not strings)
//   - scalar and string results (promql.Scalar/String.MarshalJSON through encoding/json):
//       value      always the shortest 'f' form: 1e-7 → "0.0000001", 1e21 → "1000000000000000000000"
//       timestamp  the float ms / 1000 as encoding/json prints it: 4500 → 4.5
// Both write "NaN", "+Inf", "-Inf" and "-0". Every string in a response (label names and values,
// string results, error texts) is escaped as Go's encoding/json does by default: `<`, `>`, `&`,
// U+2028 and U+2029 as \u escapes too.

/** Go's strconv.FormatFloat(v, 'e', -1, 64): shortest digits, exponent of at least two digits. */
function exponentForm(value: number): string {
  // toExponential() without an argument gives the shortest digits that read back as `value`.
  const [mantissa, exponent = '+0'] = value.toExponential().split('e')
  return `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64) for a finite non-zero value: shortest digits, never an exponent. */
function plainForm(value: number): string {
  const abs = Math.abs(value)
  // JavaScript writes the same shortest digits without an exponent in this range.
  if (abs >= 1e-6 && abs < 1e21) return String(value)
  const [mantissa = '', exponentText = '0'] = abs.toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const exponent = Number(exponentText)
  const plain = exponent < 0 ? `0.${'0'.repeat(-exponent - 1)}${digits}` : digits.padEnd(exponent + 1, '0')
  return value < 0 ? `-${plain}` : plain
}

function special(value: number): string | null {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  return null
}

/** A vector or matrix sample's value (the string inside `[ts, "…"]`): 0.5, 1e-07, 1.5e+21, +Inf. */
export function formatSampleValue(value: number): string {
  const text = special(value)
  if (text !== null) return text
  const abs = Math.abs(value)
  return abs < 1e-6 || abs >= 1e21 ? exponentForm(value) : String(value)
}

/** A scalar result's value: 0.5, 0.0000001, 1000000000000000000000, +Inf. */
export function formatScalarValue(value: number): string {
  return special(value) ?? plainForm(value)
}

/** A vector or matrix sample's timestamp as raw JSON number text, from integer milliseconds: 4, 4.500, -1.500. */
export function formatSampleTimestamp(ms: number): string {
  // BigInt keeps the digits of timestamps beyond 2^53 ms exact, as Go's int64 arithmetic does.
  let t = BigInt(ms)
  let sign = ''
  if (t < 0n) {
    sign = '-'
    t = -t
  }
  const fraction = t % 1000n
  return `${sign}${t / 1000n}${fraction === 0n ? '' : `.${String(fraction).padStart(3, '0')}`}`
}

/** A scalar or string result's timestamp as raw JSON number text, from integer milliseconds: 4, 4.5. */
export function formatScalarTimestamp(ms: number): string {
  // encoding/json's shortest 'f' form; |ms / 1000| is never below 1e-3 nor near 1e21 here.
  return String(ms / 1000)
}

/** `[ts,"value"]` of a vector or matrix sample. */
export function formatSamplePoint(ms: number, value: number): string {
  return `[${formatSampleTimestamp(ms)},"${formatSampleValue(value)}"]`
}

/** `[ts,"value"]` of a scalar result. */
export function formatScalarPoint(ms: number, value: number): string {
  return `[${formatScalarTimestamp(ms)},"${formatScalarValue(value)}"]`
}

/** `[ts,"text"]` of a string result. */
export function formatStringPoint(ms: number, text: string): string {
  return `[${formatScalarTimestamp(ms)},${formatJsonString(text)}]`
}

const HEX = '0123456789abcdef'

/**
 * A JSON string literal as Go's encoding/json writes it (HTML-safe, as Prometheus' encoder is):
 * `"` and `\` escaped, \n \r \t, other control characters as \u00XX, `<` `>` `&` U+2028 U+2029
 * as \u escapes, and a lone surrogate (no valid UTF-8 can hold one) as \ufffd.
 */
export function formatJsonString(text: string): string {
  let out = '"'
  for (const char of text) {
    const code = char.codePointAt(0) as number
    if (char === '"' || char === '\\') out += `\\${char}`
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (code < 0x20 || char === '<' || char === '>' || char === '&') out += `\\u00${HEX[code >> 4]}${HEX[code & 0xf]}`
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd'
    else out += char
  }
  return `${out}"`
}

/** A series' labels as the `metric` object: keys sorted, strings escaped as formatJsonString does. */
export function formatMetric(labels: Record<string, string>): string {
  // Label names are ASCII, so JavaScript's order is Go's byte order.
  const names = Object.keys(labels).sort()
  return `{${names.map((name) => `${formatJsonString(name)}:${formatJsonString(labels[name] as string)}`).join(',')}}`
}
