// Running a query as Prometheus 2.42 does: parse, prepare (`@ start()`/`@ end()`, step-invariant
// parts), read each selector's series once, evaluate, and shape the result. An instant query is
// a run of one step at its time; its vector stands at that time, its order as evaluated. A range
// query answers a matrix sorted by labels (a scalar becomes one series without labels).
import { typeOf, type Expr } from '../ast'
import { Labels, PromqlExecutionError, type MatrixValue, type Point, type Value } from '../kernels/values'
import { parseExpr } from '../parser'
import { setOffsetsForAt, preprocess } from './at-modifier'
import { Deadline, InvalidQueryError } from './errors'
import { Evaluator, type StepMatrix } from './evaluator'
import { planOf } from './plan'
import { SampleCounter } from './samples'
import { selectSeries } from './selection'
import type { SeriesSource } from './source'

export interface EngineOptions {
  /** How far back an instant selector looks for a sample; default 5 minutes (--query.lookback-delta). */
  lookbackDeltaMs?: number
  /** The most samples a query may hold in memory at once; default 50,000,000 (--query.max-samples). */
  maxSamples?: number
  /** How long a query may run; default 2 minutes (Prometheus's --query.timeout; the API's `timeout` parameter shortens it). */
  timeoutMs?: number
  /** The step of a subquery written without one (Prometheus's global evaluation interval); default 1 minute. */
  defaultSubqueryStepMs?: number
}

export const ENGINE_DEFAULTS: Required<EngineOptions> = {
  lookbackDeltaMs: 5 * 60_000,
  maxSamples: 50_000_000,
  timeoutMs: 2 * 60_000,
  defaultSubqueryStepMs: 60_000
}

/** What to evaluate: at one instant (startMs = endMs, intervalMs = 0), or at every step of a range. */
export interface EvalStatement {
  expr: Expr
  startMs: number
  endMs: number
  intervalMs: number
}

/**
 * An instant query at timeMs: a vector, scalar, string, or (for a range selector or subquery at
 * the top) a matrix. Throws ParseError, or one of engine/errors.ts.
 */
export async function queryInstant(source: SeriesSource, query: string | Expr, timeMs: number, options: EngineOptions = {}): Promise<Value> {
  return evaluate(source, { expr: parsed(query), startMs: timeMs, endMs: timeMs, intervalMs: 0 }, options)
}

/**
 * A range query: a matrix with a point at each step from startMs to endMs where the expression
 * has a value. Only a step of 0 (under a millisecond in the API) differs: 2.42 fails it, or
 * answers as an instant query when start and end are one instant.
 */
export async function queryRange(source: SeriesSource, query: string | Expr, startMs: number, endMs: number, stepMs: number, options: EngineOptions = {}): Promise<Value> {
  const expr = parsed(query)
  const type = typeOf(expr)
  if (type !== 'vector' && type !== 'scalar') {
    const documented = type === 'matrix' ? 'range vector' : type
    throw new InvalidQueryError(`invalid expression type "${documented}" for range query, must be Scalar or instant Vector`)
  }
  return evaluate(source, { expr, startMs, endMs, intervalMs: stepMs }, options)
}

function parsed(query: string | Expr): Expr {
  return typeof query === 'string' ? parseExpr(query) : query
}

/** Evaluates a statement over the source; the core of both kinds of query. */
export async function evaluate(source: SeriesSource, statement: EvalStatement, options: EngineOptions = {}): Promise<Value> {
  const settings = { ...ENGINE_DEFAULTS, ...options }
  const { expr, startMs, endMs, intervalMs } = statement
  const deadline = new Deadline(Date.now() + settings.timeoutMs)
  deadline.check('query execution')
  const plan = preprocess(planOf(expr), startMs, endMs)
  await selectSeries(plan, { startMs, endMs, lookbackMs: settings.lookbackDeltaMs }, source, () => deadline.check('query execution'))
  setOffsetsForAt(startMs, plan)
  const evaluation = { lookbackMs: settings.lookbackDeltaMs, defaultSubqueryStepMs: settings.defaultSubqueryStepMs, deadline, samples: new SampleCounter(settings.maxSamples) }
  const instant = startMs === endMs && intervalMs === 0
  // 2.42 divides by the step here: a range query with a step under a millisecond fails.
  if (!instant && intervalMs === 0) throw new PromqlExecutionError('unexpected error: runtime error: integer divide by zero')
  const evaluator = new Evaluator(evaluation, startMs, endMs, instant ? 1 : intervalMs)
  const result = evaluator.eval(plan)
  if (typeof result === 'string') return { type: 'string', t: startMs, v: result }
  if (instant) return instantValue(result, typeOf(expr), startMs)
  deadline.check()
  return { type: 'matrix', series: sortedByLabels(result) } satisfies MatrixValue
}

/** An instant evaluation's one-step matrix as the value of the expression's type. */
function instantValue(matrix: StepMatrix, type: ReturnType<typeof typeOf>, timeMs: number): Value {
  switch (type) {
    case 'vector':
      return { type: 'vector', samples: matrix.map(({ labels, points }) => ({ labels, t: timeMs, v: (points[0] as Point).v })) }
    case 'scalar':
      return { type: 'scalar', t: timeMs, v: (matrix[0]?.points[0] as Point).v }
    default:
      return { type: 'matrix', series: matrix }
  }
}

function sortedByLabels(matrix: StepMatrix): StepMatrix {
  return matrix.sort((a, b) => Labels.compare(a.labels, b.labels))
}
