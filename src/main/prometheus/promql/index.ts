// PromQL for Vigil's Prometheus-compatible API: the parser, its syntax tree and its printing.

export * from './ast'
export { FUNCTIONS, getFunction, type FunctionDef } from './functions'
export { LabelMatcher, type MatchType } from './matcher'
export { ParseError } from './parse-error'
export { parseExpr, parseUnchecked } from './parser'
export { formatDuration, prettyExpr, printExpr } from './printer'
export { RegexSyntaxError, compileAnchoredRegex, compileRe2, type CompiledRegex } from './regex'
