// The PromQL lexer. It reproduces Prometheus 2.42's scanner state by state, because the
// errors clients see come from those states: which characters end a number, that a letter
// inside `[...]` stands for the subquery colon, that keywords are plain identifiers inside
// braces, and where each error is positioned.

import { goQuote, goQuoteRune, goQuoteTruncated, goUnicodeRune } from './go-format'

export type TokenType =
  | 'EOF' | 'ERROR' | 'COMMENT'
  | 'IDENTIFIER' | 'METRIC_IDENTIFIER' | 'NUMBER' | 'DURATION' | 'STRING'
  | 'LEFT_PAREN' | 'RIGHT_PAREN' | 'LEFT_BRACE' | 'RIGHT_BRACE' | 'LEFT_BRACKET' | 'RIGHT_BRACKET'
  | 'COMMA' | 'COLON' | 'EQL'
  // Operators.
  | 'ADD' | 'SUB' | 'MUL' | 'DIV' | 'MOD' | 'POW' | 'ATAN2'
  | 'EQLC' | 'NEQ' | 'LTE' | 'LSS' | 'GTE' | 'GTR' | 'EQL_REGEX' | 'NEQ_REGEX'
  | 'LAND' | 'LOR' | 'LUNLESS' | 'AT'
  // Aggregators.
  | 'SUM' | 'AVG' | 'COUNT' | 'MIN' | 'MAX' | 'GROUP' | 'STDDEV' | 'STDVAR'
  | 'TOPK' | 'BOTTOMK' | 'COUNT_VALUES' | 'QUANTILE'
  // Keywords.
  | 'BY' | 'WITHOUT' | 'ON' | 'IGNORING' | 'GROUP_LEFT' | 'GROUP_RIGHT' | 'BOOL' | 'OFFSET'
  // `@` preprocessors.
  | 'START' | 'END'

export interface Token {
  type: TokenType
  /** Offset of the token's first character in the query (UTF-16 code units). */
  pos: number
  /** The text as written; for an ERROR token, the error message. */
  text: string
}

const OPERATORS = new Set<TokenType>([
  'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW', 'ATAN2', 'EQLC', 'NEQ', 'LTE', 'LSS', 'GTE', 'GTR',
  'EQL_REGEX', 'NEQ_REGEX', 'LAND', 'LOR', 'LUNLESS', 'AT'
])
export const AGGREGATORS = new Set<TokenType>([
  'SUM', 'AVG', 'COUNT', 'MIN', 'MAX', 'GROUP', 'STDDEV', 'STDVAR', 'TOPK', 'BOTTOMK', 'COUNT_VALUES', 'QUANTILE'
])
const KEYWORDS = new Set<TokenType>(['BY', 'WITHOUT', 'ON', 'IGNORING', 'GROUP_LEFT', 'GROUP_RIGHT', 'BOOL', 'OFFSET'])
/** Token types that Prometheus describes by their text rather than by their kind. */
const PUNCTUATION = new Set<TokenType>(['LEFT_PAREN', 'RIGHT_PAREN', 'LEFT_BRACE', 'RIGHT_BRACE', 'LEFT_BRACKET', 'RIGHT_BRACKET', 'COMMA', 'COLON', 'EQL'])

/** Words with a meaning of their own outside braces, by their lower-case spelling. */
const WORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['and', 'LAND'], ['or', 'LOR'], ['unless', 'LUNLESS'], ['atan2', 'ATAN2'],
  ['sum', 'SUM'], ['avg', 'AVG'], ['count', 'COUNT'], ['min', 'MIN'], ['max', 'MAX'], ['group', 'GROUP'],
  ['stddev', 'STDDEV'], ['stdvar', 'STDVAR'], ['topk', 'TOPK'], ['bottomk', 'BOTTOMK'],
  ['count_values', 'COUNT_VALUES'], ['quantile', 'QUANTILE'],
  ['offset', 'OFFSET'], ['by', 'BY'], ['without', 'WITHOUT'], ['on', 'ON'], ['ignoring', 'IGNORING'],
  ['group_left', 'GROUP_LEFT'], ['group_right', 'GROUP_RIGHT'], ['bool', 'BOOL'],
  ['start', 'START'], ['end', 'END'],
  ['inf', 'NUMBER'], ['nan', 'NUMBER']
])

/** How Prometheus names a token in "unexpected ..." messages. */
export function describeToken(token: Token): string {
  const { type, text } = token
  if (type === 'EOF') return 'end of input'
  if (type === 'ERROR') return text
  // Prometheus's token name table lacks `@`, so Go prints its yacc token number first.
  if (type === 'AT') return `"<Item 57385>" <op:${text}>`
  if (KEYWORDS.has(type)) return `<${text}>`
  if (OPERATORS.has(type)) return `<op:${text}>`
  if (AGGREGATORS.has(type)) return `<aggr:${text}>`
  if (PUNCTUATION.has(type) || type === 'START' || type === 'END') return quoteTokenText(text)
  const kind: Partial<Record<TokenType, string>> = {
    IDENTIFIER: 'identifier',
    METRIC_IDENTIFIER: 'metric identifier',
    STRING: 'string',
    NUMBER: 'number',
    DURATION: 'duration',
    COMMENT: 'comment'
  }
  const shown = type === 'IDENTIFIER' || type === 'METRIC_IDENTIFIER' ? goQuote(text) : quoteTokenText(text)
  return `${kind[type] ?? type} ${shown}`
}

/** Long token texts are cut to ten characters and an ellipsis (measured in bytes, cut in runes, as Go). */
function quoteTokenText(text: string): string {
  return new TextEncoder().encode(text).length > 10 ? goQuoteTruncated(text, 10) + '...' : goQuote(text)
}

const EOF = -1

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}
function isAlpha(c: number): boolean {
  return c === 0x5f || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
}
function isAlphaNumeric(c: number): boolean {
  return isAlpha(c) || isDigit(c)
}
/** A character Go's UTF-8 decoder reports as RuneError: U+FFFD itself, or what has no UTF-8 form. */
function isRuneError(c: number): boolean {
  return c === 0xfffd || (c >= 0xd800 && c <= 0xdfff)
}
function digitValue(c: number): number {
  if (isDigit(c)) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10
  return 16
}
const ch = (s: string): number => s.charCodeAt(0)

/** Whether a string is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*). */
export function isLabelName(s: string): boolean {
  if (s === '' || !isAlpha(s.charCodeAt(0))) return false
  for (let i = 1; i < s.length; i++) if (!isAlphaNumeric(s.charCodeAt(i))) return false
  return true
}

class LexError {
  constructor(readonly message: string) {}
}

class Lexer {
  private pos = 0
  private start = 0
  private width = 0
  private parenDepth = 0
  private braceOpen = false
  private bracketOpen = false
  private gotColon = false
  /** Set after `[`: the next token must be a duration. */
  private durationNext = false
  private done = false

  constructor(private readonly input: string) {}

  /** The next token; after EOF or ERROR, EOF forever. */
  nextToken(): Token {
    if (this.done) return { type: 'EOF', pos: this.pos, text: '' }
    try {
      const token = this.scan()
      if (token.type === 'EOF') this.done = true
      return token
    } catch (e) {
      if (!(e instanceof LexError)) throw e
      this.done = true
      return { type: 'ERROR', pos: this.start, text: e.message }
    }
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0
      return EOF
    }
    const c = this.input.codePointAt(this.pos)!
    this.width = c > 0xffff ? 2 : 1
    this.pos += this.width
    return c
  }

  private backup(): void {
    this.pos -= this.width
  }

  private peek(): number {
    const c = this.next()
    this.backup()
    return c
  }

  private accept(valid: string): boolean {
    const c = this.next()
    if (c !== EOF && valid.includes(String.fromCodePoint(c))) return true
    this.backup()
    return false
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid)) {
      // consume
    }
  }

  private emit(type: TokenType): Token {
    const token = { type, pos: this.start, text: this.input.slice(this.start, this.pos) }
    this.start = this.pos
    return token
  }

  private skipSpaces(): void {
    while (isSpace(this.peek())) this.next()
    this.start = this.pos
  }

  private fail(message: string): never {
    throw new LexError(message)
  }

  private scan(): Token {
    for (;;) {
      if (this.durationNext) {
        this.durationNext = false
        return this.lexDuration()
      }
      if (this.input.startsWith('#', this.pos)) return this.lexComment()
      if (this.braceOpen) {
        const token = this.scanInsideBraces()
        if (token) return token
        continue
      }
      const token = this.scanStatement()
      if (token) return token
    }
  }

  /** One token outside braces, or null after skipping spaces. */
  private scanStatement(): Token | null {
    const r = this.next()
    if (r === EOF) {
      if (this.parenDepth !== 0) this.fail('unclosed left parenthesis')
      if (this.bracketOpen) this.fail('unclosed left bracket')
      return this.emit('EOF')
    }
    if (isSpace(r)) {
      this.skipSpaces()
      return null
    }
    switch (String.fromCodePoint(r)) {
      case ',': return this.emit('COMMA')
      case '*': return this.emit('MUL')
      case '/': return this.emit('DIV')
      case '%': return this.emit('MOD')
      case '+': return this.emit('ADD')
      case '-': return this.emit('SUB')
      case '^': return this.emit('POW')
      case '@': return this.emit('AT')
      case '=': {
        const t = this.peek()
        if (t === ch('=')) {
          this.next()
          return this.emit('EQLC')
        }
        if (t === ch('~')) this.fail(`unexpected character after '=': ${goQuoteRune(t)}`)
        return this.emit('EQL')
      }
      case '!': {
        const t = this.next()
        if (t === ch('=')) return this.emit('NEQ')
        return this.fail(`unexpected character after '!': ${goQuoteRune(t)}`)
      }
      case '<':
        if (this.peek() === ch('=')) {
          this.next()
          return this.emit('LTE')
        }
        return this.emit('LSS')
      case '>':
        if (this.peek() === ch('=')) {
          this.next()
          return this.emit('GTE')
        }
        return this.emit('GTR')
      case '"':
      case "'":
        return this.lexString(r)
      case '`':
        return this.lexRawString()
      case '(':
        this.parenDepth++
        return this.emit('LEFT_PAREN')
      case ')': {
        const token = this.emit('RIGHT_PAREN')
        if (--this.parenDepth < 0) this.fail(`unexpected right parenthesis ${goQuoteRune(r)}`)
        return token
      }
      case '{':
        this.braceOpen = true
        return this.emit('LEFT_BRACE')
      case '[': {
        if (this.bracketOpen) this.fail(`unexpected left bracket ${goQuoteRune(r)}`)
        this.gotColon = false
        const token = this.emit('LEFT_BRACKET')
        this.skipSpaces()
        this.bracketOpen = true
        this.durationNext = true
        return token
      }
      case ']':
        if (!this.bracketOpen) this.fail(`unexpected right bracket ${goQuoteRune(r)}`)
        this.bracketOpen = false
        return this.emit('RIGHT_BRACKET')
    }
    if (isDigit(r) || (r === ch('.') && isDigit(this.peek()))) {
      this.backup()
      return this.lexNumberOrDuration()
    }
    if (isAlpha(r) || r === ch(':')) {
      if (!this.bracketOpen) {
        this.backup()
        return this.lexKeywordOrIdentifier()
      }
      // Inside brackets any letter or colon stands for the subquery's colon, as in Prometheus.
      if (this.gotColon) this.fail(`unexpected colon ${goQuoteRune(r)}`)
      this.gotColon = true
      return this.emit('COLON')
    }
    return this.fail(`unexpected character: ${goQuoteRune(r)}`)
  }

  /** One token inside `{...}`, where keywords are plain identifiers; null after spaces. */
  private scanInsideBraces(): Token | null {
    const r = this.next()
    if (r === EOF) this.fail('unexpected end of input inside braces')
    if (isSpace(r)) {
      this.skipSpaces()
      return null
    }
    if (isAlpha(r)) {
      while (isAlphaNumeric(this.next())) {
        // absorb
      }
      this.backup()
      return this.emit('IDENTIFIER')
    }
    switch (String.fromCodePoint(r)) {
      case ',':
        return this.emit('COMMA')
      case '"':
      case "'":
        return this.lexString(r)
      case '`':
        return this.lexRawString()
      case '=':
        if (this.next() === ch('~')) return this.emit('EQL_REGEX')
        this.backup()
        return this.emit('EQL')
      case '!': {
        const t = this.next()
        if (t === ch('~')) return this.emit('NEQ_REGEX')
        if (t === ch('=')) return this.emit('NEQ')
        return this.fail(`unexpected character after '!' inside braces: ${goQuoteRune(t)}`)
      }
      case '{':
        return this.fail(`unexpected left brace ${goQuoteRune(r)}`)
      case '}':
        this.braceOpen = false
        return this.emit('RIGHT_BRACE')
    }
    return this.fail(`unexpected character inside braces: ${goQuoteRune(r)}`)
  }

  private lexComment(): Token {
    this.pos += 1
    for (let r = this.next(); r !== EOF && r !== 0x0a && r !== 0x0d; r = this.next()) {
      // consume to the end of the line
    }
    this.backup()
    return this.emit('COMMENT')
  }

  /** A '...' or "..." string; the opening quote has been read. */
  private lexString(quote: number): Token {
    for (;;) {
      const r = this.next()
      if (r === ch('\\')) this.lexEscape(quote)
      else if (isRuneError(r)) this.fail('invalid UTF-8 rune')
      else if (r === EOF || r === 0x0a) this.fail('unterminated quoted string')
      else if (r === quote) return this.emit('STRING')
    }
  }

  /** Validates one escape sequence; the backslash has been read. */
  private lexEscape(quote: number): void {
    let c = this.next()
    let digits: number
    let base: number
    let max: number
    if (c === quote || (c !== EOF && 'abfnrtv\\'.includes(String.fromCodePoint(c)))) return
    if (c >= ch('0') && c <= ch('7')) [digits, base, max] = [3, 8, 255]
    else if (c === ch('x')) [c, digits, base, max] = [this.next(), 2, 16, 255]
    else if (c === ch('u')) [c, digits, base, max] = [this.next(), 4, 16, 0x10ffff]
    else if (c === ch('U')) [c, digits, base, max] = [this.next(), 8, 16, 0x10ffff]
    else if (c === EOF) return this.fail('escape sequence not terminated')
    else return this.fail(`unknown escape sequence ${goUnicodeRune(c)}`)

    let value = 0
    for (let left = digits; left > 0; left--) {
      const d = digitValue(c)
      if (d >= base) {
        if (c === EOF) this.fail('escape sequence not terminated')
        this.fail(`illegal character ${goUnicodeRune(c)} in escape sequence`)
      }
      value = value * base + d
      if (left > 1) c = this.next()
    }
    if (value > max || (value >= 0xd800 && value < 0xe000)) this.fail('escape sequence is an invalid Unicode code point')
  }

  private lexRawString(): Token {
    for (;;) {
      const r = this.next()
      if (isRuneError(r)) this.fail('invalid UTF-8 rune')
      if (r === EOF) this.fail('unterminated raw string')
      if (r === ch('`')) return this.emit('STRING')
    }
  }

  /** The duration right after `[`. */
  private lexDuration(): Token {
    if (this.scanNumber()) this.fail('missing unit character in duration')
    if (!this.acceptRemainingDuration()) this.fail(`bad duration syntax: ${goQuote(this.input.slice(this.start, this.pos))}`)
    this.backup()
    return this.emit('DURATION')
  }

  private lexNumberOrDuration(): Token {
    if (this.scanNumber()) return this.emit('NUMBER')
    if (this.acceptRemainingDuration()) {
      this.backup()
      return this.emit('DURATION')
    }
    return this.fail(`bad number or duration syntax: ${goQuote(this.input.slice(this.start, this.pos))}`)
  }

  /** The unit part of a duration (after its first number): `m`, `ms`, `h30m`, ... */
  private acceptRemainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false
    this.accept('s') // ms; bad units such as "hs" are caught when the duration is parsed
    while (this.accept('0123456789')) {
      this.acceptRun('0123456789')
      if (!this.accept('smhdw')) return false
      this.accept('s')
    }
    return !isAlphaNumeric(this.next())
  }

  /** Scans what may be a number; true when no letter or digit follows it. */
  private scanNumber(): boolean {
    let digits = '0123456789'
    if (this.accept('0') && this.accept('xX')) digits = '0123456789abcdefABCDEF'
    this.acceptRun(digits)
    if (this.accept('.')) this.acceptRun(digits)
    if (this.accept('eE')) {
      this.accept('+-')
      this.acceptRun('0123456789')
    }
    return !isAlphaNumeric(this.peek())
  }

  private lexKeywordOrIdentifier(): Token {
    for (;;) {
      const r = this.next()
      if (isAlphaNumeric(r) || r === ch(':')) continue
      this.backup()
      const word = this.input.slice(this.start, this.pos)
      const keyword = WORDS.get(word.toLowerCase())
      if (keyword) return this.emit(keyword)
      return this.emit(word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER')
    }
  }
}

/**
 * The tokens of a query, comments included, ending with EOF or with the ERROR token that
 * stopped the scan (Prometheus's parser stops at the first lexer error).
 */
export function tokenize(input: string): Token[] {
  const lexer = new Lexer(input)
  const tokens: Token[] = []
  for (;;) {
    const token = lexer.nextToken()
    tokens.push(token)
    if (token.type === 'EOF' || token.type === 'ERROR') return tokens
  }
}
