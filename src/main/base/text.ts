// Small, total helpers shared by the parsers: lines, whitespace tokens, strict numbers.

/** Splits output into lines; a CRLF line ending loses its CR. */
export function splitLines(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
}

/** Whitespace-separated words of a line (none for a blank line). */
export function tokenize(line: string): string[] {
  const trimmed = line.trim()
  return trimmed === '' ? [] : trimmed.split(/\s+/)
}

/** A word and where it starts in its line, for parsers that keep the rest of a line verbatim. */
export interface Token {
  readonly text: string
  readonly start: number
}

/**
 * The words of a line with where each starts, the first `max` of them (all by default): a
 * scan rather than a regular expression, as parsers call it for every line of every report.
 */
export function tokenizeWithPositions(line: string, max = Infinity): Token[] {
  const tokens: Token[] = []
  const length = line.length
  let at = 0
  while (tokens.length < max) {
    while (at < length && isSpace(line.charCodeAt(at))) at++
    if (at >= length) break
    const start = at
    while (at < length && !isSpace(line.charCodeAt(at))) at++
    tokens.push({ text: line.slice(start, at), start })
  }
  return tokens
}

/** What \s matches (ECMAScript's white space and line terminators). */
function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13)
  if (code < 160) return false
  return (
    code === 160 || code === 5760 || (code >= 8192 && code <= 8202) || code === 8232 || code === 8233 || code === 8239 || code === 8287 || code === 12288 || code === 65279
  )
}

// Plain decimals only: LC_ALL=C output has no thousands separators, exponents or locale commas,
// so anything else is not a number we can trust.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/
const WHOLE = /^\d+$/

/** A decimal number, or null for anything else ("-", "1,5", "12K", garbage). */
export function parseDecimal(token: string | undefined): number | null {
  if (token === undefined || !DECIMAL.test(token)) return null
  const value = Number(token)
  return Number.isFinite(value) ? value : null
}

/** A non-negative integer (a counter or an id), or null. */
export function parseWhole(token: string | undefined): number | null {
  if (token === undefined || !WHOLE.test(token)) return null
  const value = Number(token)
  return Number.isSafeInteger(value) ? value : null
}

/** A short, printable excerpt of unexpected output, for error messages. */
export function excerpt(text: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').trim()
  return printable.length > max ? `${printable.slice(0, max)}…` : printable
}

/** The first non-blank line, for error messages about output that is not what we expected. */
export function firstLine(text: string): string {
  return excerpt(splitLines(text).find((line) => line.trim() !== '') ?? '')
}

/** An error's message, for a line of text (anything thrown that is not an Error, as a string). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * A copy of `text` that keeps no larger string alive. V8 keeps a substring of 13 characters or
 * more as a slice of the string it was cut from, so a label kept for as long as its series (a
 * process's command, cut from a whole `ps` report) would hold that report in memory with it.
 * Through UTF-16 code units, so that any string, lone surrogates included, comes back the same.
 */
export function detachedCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le')
}
