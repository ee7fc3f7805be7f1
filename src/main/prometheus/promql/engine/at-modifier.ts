// The `@` modifier as Prometheus 2.42 implements it. Before evaluation, `@ start()`/`@ end()`
// become the query's start or end time and every part of the expression whose value cannot
// change from step to step is wrapped in an `invariant` node, evaluated once at the first step.
// A selector or subquery with `@` is then evaluated at that first step with an offset that
// reaches back (or forward) to its `@` time; the offset is set again whenever a subquery starts
// its evaluation at another time. 2.42's exact steps are kept, quirks included: an aggregation's
// parameter is neither wrapped nor resolved (`@ end()` there is ignored), and the offsets of
// enclosing subqueries are folded into the `@` offset.
import { walk, type PlanNode, type SubqueryNode } from './plan'

/** Functions whose result changes with the evaluation time even when their arguments do not. */
const TIME_DEPENDENT_FUNCTIONS: ReadonlySet<string> = new Set([
  'days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'hour', 'minute', 'month', 'year',
  'predict_linear', 'time',
  // Reads the time of its argument's samples, which an `@` fixes but the step moves.
  'timestamp'
])

/** Resolves `@ start()`/`@ end()` and wraps the step-invariant parts; returns the plan to evaluate. */
export function preprocess(node: PlanNode, startMs: number, endMs: number): PlanNode {
  return isStepInvariant(node, startMs, endMs) ? invariant(node) : node
}

function invariant(node: PlanNode): PlanNode {
  return { kind: 'invariant', type: node.type, expr: node }
}

/** Whether the node's value is the same at every step; wraps invariant children of variant nodes on the way. */
function isStepInvariant(node: PlanNode, startMs: number, endMs: number): boolean {
  switch (node.kind) {
    case 'number':
    case 'string':
      return true
    case 'selector':
      resolveAt(node, startMs, endMs)
      return node.timestamp !== null
    case 'matrix':
      return isStepInvariant(node.selector, startMs, endMs)
    case 'subquery':
      // The inside is wrapped whether or not the subquery has an `@`: it is then evaluated once,
      // at the subquery's first step.
      if (isStepInvariant(node.expr, startMs, endMs)) node.expr = invariant(node.expr)
      resolveAt(node, startMs, endMs)
      return node.timestamp !== null
    case 'unary':
      return isStepInvariant(node.expr, startMs, endMs)
    case 'aggregate':
      return isStepInvariant(node.expr, startMs, endMs)
    case 'binary': {
      const lhs = isStepInvariant(node.lhs, startMs, endMs)
      const rhs = isStepInvariant(node.rhs, startMs, endMs)
      if (lhs && rhs) return true
      if (lhs) node.lhs = invariant(node.lhs)
      if (rhs) node.rhs = invariant(node.rhs)
      return false
    }
    case 'call': {
      const invariantArgs = node.args.map((arg) => isStepInvariant(arg, startMs, endMs))
      if (!TIME_DEPENDENT_FUNCTIONS.has(node.name) && invariantArgs.every(Boolean)) return true
      node.args = node.args.map((arg, i) => (invariantArgs[i] ? invariant(arg) : arg))
      return false
    }
    case 'invariant':
      return true
  }
}

function resolveAt(node: { timestamp: number | null; atPreprocessor: 'start' | 'end' | null }, startMs: number, endMs: number): void {
  if (node.atPreprocessor === 'start') node.timestamp = startMs
  else if (node.atPreprocessor === 'end') node.timestamp = endMs
}

export interface SubqueryTimes {
  /** The sum of the subqueries' offsets and ranges, from the innermost one with `@` on. */
  offsetMs: number
  rangeMs: number
  /** The innermost `@` time of the subqueries, null when none has one. */
  timestamp: number | null
}

/** What the subqueries a node sits in (outermost first) add to its time range; an `@` restarts the sums. */
export function subqueryTimes(subqueries: readonly SubqueryNode[]): SubqueryTimes {
  const times: SubqueryTimes = { offsetMs: 0, rangeMs: 0, timestamp: null }
  for (const subquery of subqueries) {
    if (subquery.timestamp !== null) {
      times.offsetMs = subquery.originalOffset
      times.rangeMs = subquery.rangeMs
      times.timestamp = subquery.timestamp
    } else {
      times.offsetMs += subquery.originalOffset
      times.rangeMs += subquery.rangeMs
    }
  }
  return times
}

/**
 * Sets the offsets of the selectors and subqueries under `node` for an evaluation starting at
 * `evalMs`: where there is an `@`, the distance from evalMs to the `@` time is added, less the
 * offsets of the subqueries in between (as 2.42 computes it).
 */
export function setOffsetsForAt(evalMs: number, node: PlanNode): void {
  walk(node, (n, subqueries) => {
    // A range selector's offset is its vector selector's, which the walk reaches next.
    if (n.kind !== 'selector' && n.kind !== 'subquery') return
    if (n.timestamp === null) {
      n.offset = n.originalOffset
      return
    }
    const enclosing = subqueryTimes(subqueries)
    const subqueryOffset = enclosing.offsetMs + (enclosing.timestamp === null ? 0 : evalMs - enclosing.timestamp)
    n.offset = n.originalOffset + (evalMs - n.timestamp) - subqueryOffset
  })
}
