// The syntax tree of a PromQL expression, as Prometheus 2.42's parser builds it. Positions are
// offsets into the query string (UTF-16 code units, as JavaScript indexes strings); a ParseError
// turns them into Prometheus's byte-based line:column when it formats its message.

import type { FunctionDef } from './functions'
import type { LabelMatcher } from './matcher'

/** What an expression evaluates to; 'none' only for what has no value type. */
export type ValueType = 'none' | 'scalar' | 'vector' | 'matrix' | 'string'

export interface PositionRange {
  start: number
  end: number
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2'
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<='
export type SetOp = 'and' | 'or' | 'unless'
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp

export type AggregateOp =
  | 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar'
  | 'topk' | 'bottomk' | 'count_values' | 'quantile'

/** How the two sides of a vector-vector operation pair up. */
export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many'

export interface VectorMatching {
  card: Cardinality
  /** Labels of on(...) or ignoring(...). */
  matchingLabels: string[]
  /** on(...) rather than ignoring(...). */
  on: boolean
  /** Labels of group_left(...) / group_right(...), copied from the "one" side. */
  include: string[]
}

/** `@ start()` / `@ end()`: resolved to the query's start or end time when evaluated. */
export type AtPreprocessor = 'start' | 'end'

/** The time modifiers a selector or subquery may carry (durations in milliseconds). */
export interface TimeModifiers {
  /** The offset as written (negative for `offset -5m`), 0 when none. */
  offset: number
  /** The `@` time in milliseconds since the epoch, null when none or a preprocessor is used. */
  timestamp: number | null
  atPreprocessor: AtPreprocessor | null
}

export interface NumberLiteral {
  kind: 'NumberLiteral'
  value: number
  pos: PositionRange
}

export interface StringLiteral {
  kind: 'StringLiteral'
  value: string
  pos: PositionRange
}

export interface VectorSelector extends TimeModifiers {
  kind: 'VectorSelector'
  /** The metric name written before the braces, '' when none. */
  name: string
  /** Matchers in the order written; a name before the braces adds `__name__="name"` last. */
  matchers: LabelMatcher[]
  pos: PositionRange
}

export interface MatrixSelector {
  kind: 'MatrixSelector'
  /** A VectorSelector whenever parsing succeeded; its time modifiers apply to the range. */
  vectorSelector: Expr
  /** Range in milliseconds. */
  range: number
  pos: PositionRange
}

export interface SubqueryExpr extends TimeModifiers {
  kind: 'SubqueryExpr'
  expr: Expr
  /** Range and step in milliseconds; step 0 means the evaluation's default interval. */
  range: number
  step: number
  pos: PositionRange
}

export interface ParenExpr {
  kind: 'ParenExpr'
  expr: Expr
  pos: PositionRange
}

export interface UnaryExpr {
  kind: 'UnaryExpr'
  op: '+' | '-'
  expr: Expr
  pos: PositionRange
}

export interface BinaryExpr {
  kind: 'BinaryExpr'
  op: BinaryOp
  lhs: Expr
  rhs: Expr
  /** Comparison with `bool`: 0/1 results instead of filtering. */
  returnBool: boolean
  /** Null unless both sides are instant vectors (type checking clears it otherwise). */
  matching: VectorMatching | null
  pos: PositionRange
}

export interface AggregateExpr {
  kind: 'AggregateExpr'
  op: AggregateOp
  expr: Expr
  /** The first argument of topk, bottomk, quantile and count_values; null for the others. */
  param: Expr | null
  grouping: string[]
  /** `without (...)` rather than `by (...)`. */
  without: boolean
  pos: PositionRange
}

export interface Call {
  kind: 'Call'
  func: FunctionDef
  args: Expr[]
  pos: PositionRange
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | AggregateExpr
  | Call

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<='])
export const SET_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['and', 'or', 'unless'])
/** Aggregations whose first argument is a parameter. */
export const PARAMETER_AGGREGATIONS: ReadonlySet<AggregateOp> = new Set<AggregateOp>(['topk', 'bottomk', 'count_values', 'quantile'])

/** The type an expression evaluates to. */
export function typeOf(expr: Expr): ValueType {
  switch (expr.kind) {
    case 'NumberLiteral':
      return 'scalar'
    case 'StringLiteral':
      return 'string'
    case 'VectorSelector':
    case 'AggregateExpr':
      return 'vector'
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix'
    case 'ParenExpr':
    case 'UnaryExpr':
      return typeOf(expr.expr)
    case 'Call':
      return expr.func.returnType
    case 'BinaryExpr':
      return typeOf(expr.lhs) === 'scalar' && typeOf(expr.rhs) === 'scalar' ? 'scalar' : 'vector'
  }
}

/** The name Prometheus's messages give a type: "instant vector", "range vector", "scalar", "string". */
export function documentedType(type: ValueType): string {
  if (type === 'vector') return 'instant vector'
  if (type === 'matrix') return 'range vector'
  return type
}

/** The direct sub-expressions of a node, in source order. */
export function children(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return []
    case 'MatrixSelector':
      return [expr.vectorSelector]
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      return [expr.expr]
    case 'BinaryExpr':
      return [expr.lhs, expr.rhs]
    case 'AggregateExpr':
      return expr.param ? [expr.param, expr.expr] : [expr.expr]
    case 'Call':
      return expr.args
  }
}
