// `match[]`: series selectors, read as 2.42's parser.ParseMetricSelector reads them — a metric
// name and/or one brace block, nothing else, and no type checks — with its error texts
// ("1:4: parse error: unexpected \"(\""); then each set must hold a matcher that does not match
// the empty string.
import { ParseError, parseUnchecked, type LabelMatcher } from '../promql'
import { describeToken, tokenize, type Token, type TokenType } from '../promql/lexer'
import { badData } from './errors'

/** The words 2.42's grammar takes as a metric name (its metric_identifier rule). */
const NAME_TOKENS = new Set<TokenType>([
  'IDENTIFIER', 'METRIC_IDENTIFIER', 'AVG', 'BOTTOMK', 'BY', 'COUNT', 'COUNT_VALUES', 'GROUP', 'LAND', 'LOR', 'LUNLESS',
  'MAX', 'MIN', 'OFFSET', 'QUANTILE', 'STDDEV', 'STDVAR', 'SUM', 'TOPK', 'WITHOUT', 'START', 'END'
])

/** A series selector's matchers; throws ParseError worded as 2.42's. */
export function parseMetricSelector(input: string): LabelMatcher[] {
  const tokens = tokenize(input).filter((token) => token.type !== 'COMMENT')
  let index = 0
  const at = (): Token => tokens[Math.min(index, tokens.length - 1)] as Token
  const lexerError = (token: Token): ParseError => new ParseError({ start: token.pos, end: input.length }, token.text, input)
  if (at().type === 'ERROR') throw lexerError(at())
  const named = NAME_TOKENS.has(at().type)
  if (named) index++
  if (at().type === 'LEFT_BRACE') {
    // Strings are single tokens, so the first `}` closes the block. Without one, the parser says what is missing.
    while (!['RIGHT_BRACE', 'EOF', 'ERROR'].includes(at().type)) index++
    if (at().type !== 'RIGHT_BRACE') return selectorMatchers(input, at())
    index++
  } else if (!named) {
    throw unexpected(at(), input)
  }
  if (at().type === 'ERROR') throw lexerError(at())
  if (at().type !== 'EOF') throw unexpected(at(), input)
  return selectorMatchers(input, at())
}

function selectorMatchers(input: string, fallback: Token): LabelMatcher[] {
  const expr = parseUnchecked(input)
  if (expr.kind !== 'VectorSelector') throw unexpected(fallback, input)
  return expr.matchers
}

function unexpected(token: Token, input: string): ParseError {
  return new ParseError({ start: token.pos, end: token.pos + token.text.length }, `unexpected ${describeToken(token)}`, input)
}

/**
 * 2.42's parseMatchersParam: every selector parsed (the first bad one's ParseError thrown),
 * then bad_data unless each set has a matcher that does not match "".
 */
export function parseMatchersParam(selectors: readonly string[]): LabelMatcher[][] {
  const sets = selectors.map(parseMetricSelector)
  for (const set of sets) {
    if (!set.some((matcher) => !matcher.matches(''))) throw badData('match[] must contain at least one non-empty matcher')
  }
  return sets
}
