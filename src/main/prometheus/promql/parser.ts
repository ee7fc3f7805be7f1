// The PromQL parser: recursive descent with precedence climbing, giving the trees and the
// errors of Prometheus 2.42's yacc grammar.
//
// Precedence, loosest first: `or` < `and` `unless` < comparisons < `+` `-` < `*` `/` `%`
// `atan2` < `^` (right-associative). A unary sign binds like `*`, so `-1 ^ 2` is -(1 ^ 2) and
// `-a * b` is (-a) * b. `[...]`, `offset` and `@` bind tightest, to the expression just before.
//
// Errors. Only Prometheus's first error reaches clients, so parsing stops at the first one.
// A token the grammar has no place for is thrown as Unexpected and worded by the innermost
// construct that Prometheus's grammar gives an error rule ("... in aggregation", "... in
// grouping opts, expected label", ...); with none, it reads "unexpected <token>". A lexer error
// surfaces when its token is first looked at, which is why the parser looks ahead exactly when
// the yacc parser would: checks that Prometheus makes on reducing a rule without lookahead
// (unknown function, bad duration, regex) happen before the next token is read.

import {
  PARAMETER_AGGREGATIONS,
  type AggregateExpr,
  type AggregateOp,
  type AtPreprocessor,
  type BinaryOp,
  type Expr,
  type MatrixSelector,
  type PositionRange,
  type SubqueryExpr,
  type VectorMatching,
  type VectorSelector
} from './ast'
import { checkExpr } from './check'
import { getFunction } from './functions'
import { goFormatFixed, goQuote } from './go-format'
import { AGGREGATORS, describeToken, isLabelName, tokenize, type Token, type TokenType } from './lexer'
import { parseNumber, parsePositiveDuration, unquoteString } from './literals'
import { LabelMatcher, type MatchType } from './matcher'
import { ParseError } from './parse-error'
import { RegexSyntaxError } from './regex'

/** Parses and type-checks a PromQL expression; throws a ParseError worded as Prometheus's. */
export function parseExpr(query: string): Expr {
  let expr: Expr
  try {
    expr = new Parser(query).parseQuery()
    checkExpr(expr, query)
  } catch (e) {
    // Nesting deeper than the JavaScript stack allows (thousands of levels), which Prometheus would accept.
    if (e instanceof RangeError) throw new ParseError({ start: 0, end: 0 }, 'expression nests too deeply', query)
    throw e
  }
  return expr
}

/**
 * Parses without the type checks, as 2.42's ParseMetricSelector does: the API reads `match[]`
 * selectors so, where `{}` and `foo{__name__="bar"}` pass the parser and meet the API's own rules.
 */
export function parseUnchecked(query: string): Expr {
  return new Parser(query).parseQuery()
}

const BINARY_PRECEDENCE: Partial<Record<TokenType, number>> = {
  LOR: 1,
  LAND: 2, LUNLESS: 2,
  EQLC: 3, NEQ: 3, LTE: 3, LSS: 3, GTE: 3, GTR: 3,
  ADD: 4, SUB: 4,
  MUL: 5, DIV: 5, MOD: 5, ATAN2: 5,
  POW: 6
}
/** What a unary sign's operand may contain unparenthesised: `^` and the postfix modifiers. */
const UNARY_OPERAND_PRECEDENCE = 6

const BINARY_OPS: Partial<Record<TokenType, BinaryOp>> = {
  LOR: 'or', LAND: 'and', LUNLESS: 'unless',
  EQLC: '==', NEQ: '!=', LTE: '<=', LSS: '<', GTE: '>=', GTR: '>',
  ADD: '+', SUB: '-', MUL: '*', DIV: '/', MOD: '%', ATAN2: 'atan2', POW: '^'
}

const MATCH_OPS: Partial<Record<TokenType, MatchType>> = { EQL: '=', NEQ: '!=', EQL_REGEX: '=~', NEQ_REGEX: '!~' }

/** Keywords that name a metric where an expression starts (`by`, `offset`, `and`, ...). */
const KEYWORD_METRIC_NAMES = new Set<TokenType>(['METRIC_IDENTIFIER', 'BY', 'LAND', 'LOR', 'LUNLESS', 'OFFSET', 'WITHOUT', 'START', 'END'])

/** Tokens that may stand as a label name in by/without/on/ignoring/group_x lists. */
const LABEL_TOKENS = new Set<TokenType>([
  ...AGGREGATORS, 'BOOL', 'BY', 'GROUP_LEFT', 'GROUP_RIGHT', 'IDENTIFIER', 'IGNORING', 'LAND', 'LOR', 'LUNLESS',
  'METRIC_IDENTIFIER', 'OFFSET', 'ON', 'START', 'END', 'ATAN2'
])

/** Tokens that can begin an expression. */
const EXPRESSION_STARTS = new Set<TokenType>([
  ...KEYWORD_METRIC_NAMES, ...AGGREGATORS, 'NUMBER', 'STRING', 'LEFT_PAREN', 'LEFT_BRACE', 'IDENTIFIER', 'ADD', 'SUB'
])

/** Tokens whose end Prometheus remembers as "the last closing position" for node ends. */
const CLOSING = new Set<TokenType>(['RIGHT_BRACE', 'RIGHT_PAREN', 'RIGHT_BRACKET', 'DURATION', 'NUMBER'])

/** A token with no place in the grammar where it stands. */
class Unexpected {
  constructor(readonly token: Token) {}
}

function tokenRange(token: Token): PositionRange {
  return { start: token.pos, end: token.pos + token.text.length }
}

/** Go's math.Round then int64 conversion (out-of-range values become MinInt64 on amd64). */
function millisecondsFromSeconds(seconds: number): number {
  const ms = Math.sign(seconds) * Math.round(Math.abs(seconds * 1000))
  if (Math.abs(ms) >= 2 ** 63) return -(2 ** 63)
  return ms === 0 ? 0 : ms
}

class Parser {
  private readonly tokens: Token[]
  private index = 0
  /** Index of the furthest token looked at so far. */
  private furthestRead = -1
  private lastClosing = 0

  constructor(private readonly query: string) {
    this.tokens = tokenize(query).filter((t) => t.type !== 'COMMENT')
  }

  parseQuery(): Expr {
    if (this.peek().type === 'EOF') throw this.error({ start: 0, end: 0 }, 'no expression found in input')
    return this.reportingAs('', '', () => {
      const expr = this.parseExpr(0)
      const next = this.peek()
      if (next.type !== 'EOF') throw new Unexpected(next)
      return expr
    })
  }

  // --- tokens and errors ---

  /** The next token; looking at a lexer error for the first time reports it. */
  private peek(): Token {
    const token = this.tokens[this.index]!
    if (this.index > this.furthestRead) {
      this.furthestRead = this.index
      if (token.type === 'ERROR') throw this.error({ start: token.pos, end: this.query.length }, token.text)
      if (CLOSING.has(token.type)) this.lastClosing = token.pos + token.text.length
    }
    return token
  }

  private consume(): Token {
    const token = this.peek()
    if (token.type !== 'EOF') this.index++
    return token
  }

  /** Consumes a token of the given type or throws Unexpected. */
  private expect(type: TokenType): Token {
    const token = this.peek()
    if (token.type !== type) throw new Unexpected(token)
    return this.consume()
  }

  private error(range: PositionRange, message: string): ParseError {
    return new ParseError(range, message, this.query)
  }

  private unexpected(token: Token, context: string, expected: string): ParseError {
    let message = `unexpected ${describeToken(token)}`
    if (context) message += ` in ${context}`
    if (expected) message += `, expected ${expected}`
    return this.error(tokenRange(token), message)
  }

  /** Runs body, wording a stray token inside it as this construct's error rule does. */
  private reportingAs<T>(context: string, expected: string, body: () => T): T {
    try {
      return body()
    } catch (e) {
      if (e instanceof Unexpected) throw this.unexpected(e.token, context, expected)
      throw e
    }
  }

  private number(token: Token): number {
    try {
      return parseNumber(token.text)
    } catch (e) {
      throw this.error(tokenRange(token), `error parsing number: ${(e as Error).message}`)
    }
  }

  private duration(token: Token): number {
    try {
      return parsePositiveDuration(token.text)
    } catch (e) {
      throw this.error(tokenRange(token), (e as Error).message)
    }
  }

  // --- expressions ---

  private parseExpr(minPrecedence: number): Expr {
    let expr = this.parseOperand()
    for (;;) {
      const token = this.peek()
      if (token.type === 'LEFT_BRACKET') expr = this.parseRangeOrSubquery(expr)
      else if (token.type === 'OFFSET') expr = this.parseOffset(expr)
      else if (token.type === 'AT') expr = this.parseAt(expr)
      else {
        const precedence = BINARY_PRECEDENCE[token.type]
        if (precedence === undefined || precedence < minPrecedence) return expr
        this.consume()
        const { returnBool, matching } = this.parseBinaryModifiers()
        const rhs = this.parseExpr(token.type === 'POW' ? precedence : precedence + 1)
        expr = {
          kind: 'BinaryExpr',
          op: BINARY_OPS[token.type]!,
          lhs: expr,
          rhs,
          returnBool,
          matching,
          pos: { start: expr.pos.start, end: rhs.pos.end }
        }
      }
    }
  }

  private parseOperand(): Expr {
    const token = this.peek()
    switch (token.type) {
      case 'ADD':
      case 'SUB':
        return this.parseUnary()
      case 'NUMBER':
        this.consume()
        return { kind: 'NumberLiteral', value: this.number(token), pos: tokenRange(token) }
      case 'STRING':
        this.consume()
        return { kind: 'StringLiteral', value: unquoteString(token.text), pos: tokenRange(token) }
      case 'LEFT_PAREN': {
        this.consume()
        const expr = this.parseExpr(0)
        const close = this.expect('RIGHT_PAREN')
        return { kind: 'ParenExpr', expr, pos: { start: token.pos, end: close.pos + 1 } }
      }
      case 'LEFT_BRACE':
        return this.parseSelector(null)
      case 'IDENTIFIER':
        this.consume()
        return this.peek().type === 'LEFT_PAREN' ? this.parseCall(token) : this.parseSelector(token)
    }
    if (KEYWORD_METRIC_NAMES.has(token.type)) {
      this.consume()
      return this.parseSelector(token)
    }
    if (AGGREGATORS.has(token.type)) {
      this.consume()
      const next = this.peek().type
      if (next === 'LEFT_PAREN' || next === 'BY' || next === 'WITHOUT') return this.parseAggregate(token)
      return this.parseSelector(token)
    }
    throw new Unexpected(token)
  }

  private parseUnary(): Expr {
    const sign = this.consume()
    const operand = this.parseExpr(UNARY_OPERAND_PRECEDENCE)
    const pos = { start: sign.pos, end: operand.pos.end }
    if (operand.kind === 'NumberLiteral') {
      // A signed number is a literal of its own, not a unary expression.
      return { kind: 'NumberLiteral', value: sign.type === 'SUB' ? -operand.value : operand.value, pos }
    }
    return { kind: 'UnaryExpr', op: sign.type === 'SUB' ? '-' : '+', expr: operand, pos }
  }

  // --- binary operator modifiers: bool, on/ignoring, group_left/group_right ---

  private parseBinaryModifiers(): { returnBool: boolean; matching: VectorMatching } {
    let returnBool = false
    if (this.peek().type === 'BOOL') {
      this.consume()
      returnBool = true
    }
    const matching: VectorMatching = { card: 'one-to-one', matchingLabels: [], on: false, include: [] }
    const onOrIgnoring = this.peek()
    if (onOrIgnoring.type === 'ON' || onOrIgnoring.type === 'IGNORING') {
      this.consume()
      matching.on = onOrIgnoring.type === 'ON'
      matching.matchingLabels = this.parseGroupingLabels()
      const group = this.peek()
      if (group.type === 'GROUP_LEFT' || group.type === 'GROUP_RIGHT') {
        this.consume()
        matching.card = group.type === 'GROUP_LEFT' ? 'many-to-one' : 'one-to-many'
        // The labels are optional, so Prometheus reads on only if an expression can start here.
        const next = this.peek()
        if (next.type === 'LEFT_PAREN') matching.include = this.parseGroupingLabels()
        else if (!EXPRESSION_STARTS.has(next.type)) throw this.unexpected(next, 'grouping opts', '"("')
      }
    }
    return { returnBool, matching }
  }

  /** `(label, ...)` after by, without, on, ignoring, group_left or group_right. */
  private parseGroupingLabels(): string[] {
    const context = 'grouping opts'
    const open = this.peek()
    if (open.type !== 'LEFT_PAREN') throw this.unexpected(open, context, '"("')
    this.consume()
    const labels: string[] = []
    if (this.peek().type === 'RIGHT_PAREN') {
      this.consume()
      return labels
    }
    for (;;) {
      const label = this.peek()
      if (!LABEL_TOKENS.has(label.type)) throw this.unexpected(label, context, 'label')
      this.consume()
      if (!isLabelName(label.text)) throw this.unexpected(label, context, 'label')
      labels.push(label.text)
      const separator = this.peek()
      if (separator.type === 'RIGHT_PAREN') {
        this.consume()
        return labels
      }
      if (separator.type !== 'COMMA') throw this.unexpected(separator, context, '"," or ")"')
      this.consume()
      if (this.peek().type === 'RIGHT_PAREN') {
        this.consume()
        return labels
      }
    }
  }

  // --- selectors ---

  /** A vector selector: a metric name, `{matchers}`, or both. */
  private parseSelector(name: Token | null): VectorSelector {
    let matchers: LabelMatcher[] = []
    let pos = name ? tokenRange(name) : { start: this.peek().pos, end: 0 }
    if (!name || this.peek().type === 'LEFT_BRACE') {
      const braces = this.parseLabelMatchers()
      matchers = braces.matchers
      pos = { start: pos.start, end: braces.end }
    }
    if (name) matchers.push(new LabelMatcher('=', '__name__', name.text))
    return { kind: 'VectorSelector', name: name?.text ?? '', matchers, offset: 0, timestamp: null, atPreprocessor: null, pos }
  }

  private parseLabelMatchers(): { matchers: LabelMatcher[]; end: number } {
    const context = 'label matching'
    this.consume() // {
    const matchers: LabelMatcher[] = []
    let close = this.peek()
    while (close.type !== 'RIGHT_BRACE') {
      const label = this.peek()
      if (label.type !== 'IDENTIFIER') throw this.unexpected(label, context, 'identifier or "}"')
      this.consume()
      const op = this.peek()
      const type = MATCH_OPS[op.type]
      if (!type) throw this.unexpected(op, context, 'label matching operator')
      this.consume()
      const value = this.peek()
      if (value.type !== 'STRING') throw this.unexpected(value, context, 'string')
      this.consume()
      matchers.push(this.newMatcher(type, label, value))

      const separator = this.peek()
      if (separator.type === 'COMMA') {
        this.consume()
        close = this.peek()
      } else if (separator.type === 'RIGHT_BRACE') close = separator
      else throw this.unexpected(separator, context, '"," or "}"')
    }
    this.consume()
    return { matchers, end: close.pos + 1 }
  }

  private newMatcher(type: MatchType, label: Token, value: Token): LabelMatcher {
    try {
      return new LabelMatcher(type, label.text, unquoteString(value.text))
    } catch (e) {
      if (e instanceof RegexSyntaxError) throw this.error({ start: label.pos, end: value.pos + value.text.length }, e.message)
      throw e
    }
  }

  // --- calls and aggregations ---

  private parseCall(name: Token): Expr {
    const args = this.parseCallArguments()
    const func = getFunction(name.text)
    if (!func) throw this.error(tokenRange(name), `unknown function with name ${goQuote(name.text)}`)
    return { kind: 'Call', func, args, pos: { start: name.pos, end: this.lastClosing } }
  }

  /** `(expr, ...)` of a call or an aggregation. */
  private parseCallArguments(): Expr[] {
    this.expect('LEFT_PAREN')
    const args: Expr[] = []
    if (this.peek().type === 'RIGHT_PAREN') {
      this.consume()
      return args
    }
    for (;;) {
      args.push(this.parseExpr(0))
      const separator = this.peek()
      if (separator.type === 'RIGHT_PAREN') {
        this.consume()
        return args
      }
      if (separator.type !== 'COMMA') throw new Unexpected(separator)
      this.consume()
      // A comma not followed by an argument is a trailing comma to Prometheus, whatever follows it.
      if (!EXPRESSION_STARTS.has(this.peek().type)) {
        throw this.error(tokenRange(separator), 'trailing commas not allowed in function call args')
      }
    }
  }

  private parseAggregate(opToken: Token): AggregateExpr {
    return this.reportingAs('aggregation', '', () => {
      let grouping: string[] = []
      let without = false
      const parseModifier = (): void => {
        without = this.consume().type === 'WITHOUT'
        grouping = this.parseGroupingLabels()
      }
      let args: Expr[]
      const first = this.peek().type
      if (first === 'BY' || first === 'WITHOUT') {
        parseModifier()
        args = this.parseCallArguments()
      } else {
        args = this.parseCallArguments()
        const next = this.peek().type
        if (next === 'BY' || next === 'WITHOUT') parseModifier()
      }
      const op = opToken.type.toLowerCase() as AggregateOp
      const pos = { start: opToken.pos, end: this.lastClosing }
      if (args.length === 0) throw this.error(pos, 'no arguments for aggregate expression provided')
      const hasParam = PARAMETER_AGGREGATIONS.has(op)
      const wanted = hasParam ? 2 : 1
      if (args.length !== wanted) {
        throw this.error(pos, `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`)
      }
      return { kind: 'AggregateExpr', op, expr: args[wanted - 1]!, param: hasParam ? args[0]! : null, grouping, without, pos }
    })
  }

  // --- postfix: [range], [range:step], offset, @ ---

  private parseRangeOrSubquery(expr: Expr): Expr {
    const open = this.consume()
    const rangeToken = this.peek()
    if (rangeToken.type !== 'DURATION') throw this.unexpected(rangeToken, 'subquery selector', 'duration')
    this.consume()
    const range = this.duration(rangeToken)

    const afterRange = this.peek()
    if (afterRange.type === 'RIGHT_BRACKET') {
      this.consume()
      return this.newMatrixSelector(expr, range, { start: open.pos, end: afterRange.pos + 1 })
    }
    if (afterRange.type !== 'COLON') throw this.unexpected(afterRange, 'subquery or range', '":" or "]"')
    this.consume()

    let step = 0
    let close = this.peek()
    if (close.type === 'DURATION') {
      this.consume()
      step = this.duration(close)
      close = this.peek()
      if (close.type !== 'RIGHT_BRACKET') throw this.unexpected(close, 'subquery selector', '"]"')
    } else if (close.type !== 'RIGHT_BRACKET') throw this.unexpected(close, 'subquery selector', 'duration or "]"')
    this.consume()
    const subquery: SubqueryExpr = {
      kind: 'SubqueryExpr',
      expr,
      range,
      step,
      offset: 0,
      timestamp: null,
      atPreprocessor: null,
      pos: { start: expr.pos.start, end: close.pos + 1 }
    }
    return subquery
  }

  private newMatrixSelector(expr: Expr, range: number, brackets: PositionRange): MatrixSelector {
    if (expr.kind !== 'VectorSelector') throw this.error(brackets, 'ranges only allowed for vector selectors')
    if (expr.offset !== 0) throw this.error(brackets, 'no offset modifiers allowed before range')
    if (expr.timestamp !== null) throw this.error(brackets, 'no @ modifiers allowed before range')
    return { kind: 'MatrixSelector', vectorSelector: expr, range, pos: { start: expr.pos.start, end: this.lastClosing } }
  }

  private parseOffset(expr: Expr): Expr {
    this.consume() // offset
    return this.reportingAs('offset', 'duration', () => {
      let sign = 1
      if (this.peek().type === 'SUB') {
        this.consume()
        sign = -1
      }
      const ms = this.duration(this.expect('DURATION'))
      const target = this.modifierTarget(expr, 'offset modifier')
      if (target.offset !== 0) throw this.error(expr.pos, 'offset may not be set multiple times')
      target.offset = sign * ms
      expr.pos.end = this.lastClosing
      return expr
    })
  }

  private parseAt(expr: Expr): Expr {
    this.consume() // @
    return this.reportingAs('@', 'timestamp', () => {
      const token = this.peek()
      if (token.type === 'START' || token.type === 'END') {
        this.consume()
        this.expect('LEFT_PAREN')
        this.expect('RIGHT_PAREN')
        this.setAt(expr, null, token.type === 'START' ? 'start' : 'end')
        return expr
      }
      let sign = 1
      if (token.type === 'ADD' || token.type === 'SUB') {
        this.consume()
        sign = token.type === 'SUB' ? -1 : 1
      }
      const seconds = sign * this.number(this.expect('NUMBER'))
      if (!Number.isFinite(seconds) || Math.abs(seconds) >= 2 ** 63) {
        throw this.error(expr.pos, `timestamp out of bounds for @ modifier: ${goFormatFixed(seconds, 6)}`)
      }
      this.setAt(expr, millisecondsFromSeconds(seconds), null)
      return expr
    })
  }

  private setAt(expr: Expr, timestamp: number | null, preprocessor: AtPreprocessor | null): void {
    const target = this.modifierTarget(expr, '@ modifier')
    if (target.timestamp !== null || target.atPreprocessor !== null) {
      throw this.error(expr.pos, '@ <timestamp> may not be set multiple times')
    }
    target.timestamp = timestamp
    target.atPreprocessor = preprocessor
    expr.pos.end = this.lastClosing
  }

  /** The node an offset or @ modifier written after expr belongs to. */
  private modifierTarget(expr: Expr, modifier: string): VectorSelector | SubqueryExpr {
    if (expr.kind === 'VectorSelector' || expr.kind === 'SubqueryExpr') return expr
    if (expr.kind === 'MatrixSelector') {
      if (expr.vectorSelector.kind !== 'VectorSelector') throw this.error(expr.pos, 'ranges only allowed for vector selectors')
      return expr.vectorSelector
    }
    throw this.error(expr.pos, `${modifier} must be preceded by an instant vector selector or range vector selector or a subquery`)
  }
}
