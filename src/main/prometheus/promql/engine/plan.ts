// The tree the engine evaluates: the parsed expression as Prometheus 2.42's engine sees it
// after preparing a query. Parentheses are gone (the engine looks through them everywhere),
// `@ start()`/`@ end()` become times, step-invariant parts are wrapped in `invariant` nodes, and
// selectors and subqueries carry the offset evaluation applies, which `@` moves as the
// evaluation time changes (at-modifier.ts). A plan belongs to one query: evaluation writes into
// it (offsets, the selected series).
import { typeOf, type AggregateOp, type BinaryOp, type Expr, type ValueType, type VectorMatching } from '../ast'
import type { LabelMatcher } from '../matcher'
import type { SelectedSeries } from './selection'

interface Timed {
  /** The offset as written (negative for `offset -5m`), ms. */
  originalOffset: number
  /** The `@` time in ms; null without `@`, and until preprocessing resolves `@ start()`/`@ end()`. */
  timestamp: number | null
  atPreprocessor: 'start' | 'end' | null
  /** The offset evaluation applies: the original one, or for `@` the distance to the `@` time. */
  offset: number
}

export interface SelectorNode extends Timed {
  kind: 'selector'
  type: 'vector'
  matchers: readonly LabelMatcher[]
  /** Filled in from the series source before evaluation. */
  series: SelectedSeries[]
}

export interface MatrixNode {
  kind: 'matrix'
  type: 'matrix'
  selector: SelectorNode
  rangeMs: number
}

export interface SubqueryNode extends Timed {
  kind: 'subquery'
  type: 'matrix'
  expr: PlanNode
  rangeMs: number
  /** 0: the engine's default subquery step. */
  stepMs: number
}

export interface NumberNode {
  kind: 'number'
  type: 'scalar'
  value: number
}

export interface StringNode {
  kind: 'string'
  type: 'string'
  value: string
}

export interface UnaryNode {
  kind: 'unary'
  type: ValueType
  op: '+' | '-'
  expr: PlanNode
}

export interface BinaryNode {
  kind: 'binary'
  type: ValueType
  op: BinaryOp
  lhs: PlanNode
  rhs: PlanNode
  returnBool: boolean
  /** Set for vector–vector operations only. */
  matching: VectorMatching | null
}

export interface AggregateNode {
  kind: 'aggregate'
  type: 'vector'
  op: AggregateOp
  expr: PlanNode
  param: PlanNode | null
  /** Sorted, as 2.42 sorts them before evaluating. */
  grouping: string[]
  without: boolean
}

export interface CallNode {
  kind: 'call'
  type: ValueType
  name: string
  args: PlanNode[]
}

/** Evaluated once, at the evaluation's first step, and repeated for the others. */
export interface InvariantNode {
  kind: 'invariant'
  type: ValueType
  expr: PlanNode
}

export type PlanNode =
  | SelectorNode
  | MatrixNode
  | SubqueryNode
  | NumberNode
  | StringNode
  | UnaryNode
  | BinaryNode
  | AggregateNode
  | CallNode
  | InvariantNode

/** The plan of a parsed, type-checked expression. */
export function planOf(expr: Expr): PlanNode {
  switch (expr.kind) {
    case 'NumberLiteral':
      return { kind: 'number', type: 'scalar', value: expr.value }
    case 'StringLiteral':
      return { kind: 'string', type: 'string', value: expr.value }
    case 'VectorSelector':
      return {
        kind: 'selector',
        type: 'vector',
        matchers: expr.matchers,
        originalOffset: expr.offset,
        timestamp: expr.timestamp,
        atPreprocessor: expr.atPreprocessor,
        offset: expr.offset,
        series: []
      }
    case 'MatrixSelector': {
      const selector = planOf(expr.vectorSelector)
      if (selector.kind !== 'selector') throw new Error('a range selector holds a vector selector')
      return { kind: 'matrix', type: 'matrix', selector, rangeMs: expr.range }
    }
    case 'SubqueryExpr':
      return {
        kind: 'subquery',
        type: 'matrix',
        expr: planOf(expr.expr),
        rangeMs: expr.range,
        stepMs: expr.step,
        originalOffset: expr.offset,
        timestamp: expr.timestamp,
        atPreprocessor: expr.atPreprocessor,
        offset: expr.offset
      }
    case 'ParenExpr':
      return planOf(expr.expr)
    case 'UnaryExpr':
      return { kind: 'unary', type: typeOf(expr), op: expr.op, expr: planOf(expr.expr) }
    case 'BinaryExpr':
      return {
        kind: 'binary',
        type: typeOf(expr),
        op: expr.op,
        lhs: planOf(expr.lhs),
        rhs: planOf(expr.rhs),
        returnBool: expr.returnBool,
        matching: expr.matching
      }
    case 'AggregateExpr':
      return {
        kind: 'aggregate',
        type: 'vector',
        op: expr.op,
        expr: planOf(expr.expr),
        param: expr.param ? planOf(expr.param) : null,
        grouping: [...expr.grouping].sort(),
        without: expr.without
      }
    case 'Call':
      return { kind: 'call', type: expr.func.returnType, name: expr.func.name, args: expr.args.map(planOf) }
  }
}

/** The direct children of a node, in the order 2.42 walks them (an aggregation's expression before its parameter). */
export function childrenOf(node: PlanNode): PlanNode[] {
  switch (node.kind) {
    case 'matrix':
      return [node.selector]
    case 'subquery':
    case 'unary':
    case 'invariant':
      return [node.expr]
    case 'binary':
      return [node.lhs, node.rhs]
    case 'aggregate':
      return node.param ? [node.expr, node.param] : [node.expr]
    case 'call':
      return node.args
    default:
      return []
  }
}

/**
 * Visits every node depth first, with the subqueries it sits in (outermost first): the offsets,
 * ranges and `@` times of enclosing subqueries decide a selector's time range and offset.
 */
export function walk(node: PlanNode, visit: (node: PlanNode, subqueries: readonly SubqueryNode[]) => void, subqueries: readonly SubqueryNode[] = []): void {
  visit(node, subqueries)
  const inside = node.kind === 'subquery' ? [...subqueries, node] : subqueries
  for (const child of childrenOf(node)) walk(child, visit, inside)
}

/** The node an `invariant` wrapper holds, or the node itself. */
export function unwrapInvariant(node: PlanNode): PlanNode {
  return node.kind === 'invariant' ? node.expr : node
}
