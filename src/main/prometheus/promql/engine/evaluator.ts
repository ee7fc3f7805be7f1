// The evaluation of a plan over a run of steps, as Prometheus 2.42's evaluator does it: every
// node evaluates to a matrix holding its value at each step (series with one point per step
// where they have a value), or to a string. Operators and functions of instant vectors go step
// by step over their arguments' matrices (rangeEval); an instant query is a run of one step.
// The samples held in memory are counted as 2.42 counts them (samples.ts), so that a query
// fails with "too many samples" exactly where 2.42 would.
import { scalarBinop, vectorScalarBinop, type BinaryOperator } from '../kernels/binary-ops'
import { Labels, PromqlExecutionError, type Point, type Sample, type Series } from '../kernels/values'
import { isSimpleAggregation } from '../kernels/aggregations'
import { aggregation, simpleAggregationOverSteps } from './aggregation'
import { setOffsetsForAt } from './at-modifier'
import { evalCall } from './calls'
import type { Deadline } from './errors'
import { vectorMatchingStep } from './matching'
import { unwrapInvariant, type AggregateNode, type BinaryNode, type InvariantNode, type MatrixNode, type PlanNode, type SelectorNode, type SubqueryNode, type UnaryNode } from './plan'
import type { SampleCounter } from './samples'
import { ForwardIndex } from './selection'
import { SlidingWindow } from './windows'

export interface EvaluationSettings {
  lookbackMs: number
  /** The step of subqueries written without one (2.42: the global evaluation interval). */
  defaultSubqueryStepMs: number
  deadline: Deadline
  /** The samples the query holds, against its limit. */
  samples: SampleCounter
}

/** A node's value at every step: series with a point (at the step's time) where they have one. */
export type StepMatrix = Series[]

/** What an operator or function does at one step: its arguments' vectors in, its vector out. */
export type StepFunction = (vectors: Sample[][], ts: number) => Sample[]

export class Evaluator {
  constructor(
    readonly settings: EvaluationSettings,
    readonly startMs: number,
    readonly endMs: number,
    readonly intervalMs: number
  ) {}

  get samples(): SampleCounter {
    return this.settings.samples
  }

  /** An evaluator over other steps: a subquery's, or an invariant part's single step. */
  child(startMs: number, endMs: number, intervalMs: number): Evaluator {
    return new Evaluator(this.settings, startMs, endMs, intervalMs)
  }

  get stepCount(): number {
    return Math.trunc((this.endMs - this.startMs) / this.intervalMs) + 1
  }

  eval(node: PlanNode): StepMatrix | string {
    this.settings.deadline.check()
    switch (node.kind) {
      case 'number':
        return this.rangeEval([], () => [{ labels: Labels.EMPTY, t: 0, v: node.value }])
      case 'string':
        return node.value
      case 'selector':
        return this.evalSelector(node)
      case 'matrix':
        return this.evalRangeSelector(node)
      case 'subquery':
        return this.evalSubquery(node)
      case 'unary':
        return this.evalUnary(node)
      case 'binary':
        return this.evalBinary(node)
      case 'aggregate':
        return this.evalAggregate(node)
      case 'call':
        return evalCall(this, node)
      case 'invariant':
        return this.evalInvariant(node)
    }
  }

  /** eval() of a node that cannot be a string. */
  evalMatrix(node: PlanNode): StepMatrix {
    const value = this.eval(node)
    if (typeof value === 'string') throw new Error(`a ${node.kind} node evaluated to a string`)
    return value
  }

  /**
   * Evaluates the argument expressions (strings give empty vectors), then calls `step` at every
   * step with the vectors they have there; the results make up the output series, one per label
   * set. In a run of one step the result keeps the order `step` gave it.
   */
  rangeEval(args: ReadonlyArray<PlanNode | null>, step: StepFunction): StepMatrix {
    const startingSamples = this.samples.current
    const matrices = args.map((arg) => (arg === null || arg.type === 'string' ? [] : this.evalMatrix(arg)))
    // Per argument and series, the index of its next point: points are visited once, in step order.
    const cursors = matrices.map((matrix) => new Array<number>(matrix.length).fill(0))
    const bySeries = new Map<string, Series>()
    // A step's input samples are let go after it, its results stay.
    let samplesBeforeStep = this.samples.current
    for (let ts = this.startMs; ts <= this.endMs; ts += this.intervalMs) {
      this.settings.deadline.check()
      this.samples.current = samplesBeforeStep
      const vectors = matrices.map((matrix, i) => this.vectorAt(matrix, cursors[i] as number[], ts))
      const result = step(vectors, ts)
      if (containsSameLabelset(result)) throw new PromqlExecutionError('vector cannot contain metrics with the same labelset')
      this.samples.take(result.length)
      samplesBeforeStep += result.length
      if (this.startMs === this.endMs) {
        this.samples.current = startingSamples + result.length
        return result.map(({ labels, v }) => ({ labels, points: [{ t: ts, v }] }))
      }
      for (const { labels, v } of result) {
        const series = bySeries.get(labels.key)
        if (series) series.points.push({ t: ts, v })
        else bySeries.set(labels.key, { labels, points: [{ t: ts, v }] })
      }
    }
    const output = [...bySeries.values()]
    this.samples.current = startingSamples + totalPoints(output)
    return output
  }

  /** The samples of a matrix at step ts, each counted. */
  private vectorAt(matrix: StepMatrix, cursors: number[], ts: number): Sample[] {
    const vector: Sample[] = []
    matrix.forEach(({ labels, points }, i) => {
      const index = cursors[i] as number
      const point = points[index]
      if (point?.t !== ts) return
      this.samples.take()
      vector.push({ labels, t: ts, v: point.v })
      cursors[i] = index + 1
    })
    return vector
  }

  /** An instant selector at every step: each series' latest sample within the lookback, at the step's time. */
  private evalSelector(node: SelectorNode): StepMatrix {
    const output: StepMatrix = []
    for (const series of node.series) {
      const points: Point[] = []
      const forward = new ForwardIndex(series, this.settings.lookbackMs)
      for (let ts = this.startMs; ts <= this.endMs; ts += this.intervalMs) {
        const index = forward.at(ts - node.offset)
        if (index < 0) continue
        this.samples.take()
        points.push({ t: ts, v: series.values[index] as number })
      }
      if (points.length > 0) output.push({ labels: series.labels, points })
    }
    return output
  }

  /** The samples at one instant of every series of a selector, with their own times (what timestamp() reads). */
  selectorAt(node: SelectorNode, ts: number): Sample[] {
    const vector: Sample[] = []
    for (const series of node.series) {
      const index = series.indexAt(ts - node.offset, this.settings.lookbackMs)
      if (index < 0) continue
      this.samples.take()
      vector.push({ labels: series.labels, t: series.timestamps[index] as number, v: series.values[index] as number })
    }
    return vector
  }

  /** A range selector outside a function: only at the top of an instant query, its raw samples. */
  private evalRangeSelector(node: MatrixNode): StepMatrix {
    if (this.startMs !== this.endMs) throw new Error('cannot do range evaluation of matrix selector')
    const maxt = this.startMs - node.selector.offset
    const mint = maxt - node.rangeMs
    const output: StepMatrix = []
    for (const series of node.selector.series) {
      this.settings.deadline.check()
      // A window of its own per series: each is counted, none let go.
      const window = new SlidingWindow(series, this.samples)
      window.moveTo(mint, maxt)
      const points: Point[] = []
      for (let i = window.from; i < window.to; i++) points.push({ t: series.timestamps[i] as number, v: series.values[i] as number })
      if (points.length > 0) output.push({ labels: series.labels, points })
    }
    return output
  }

  /**
   * A subquery: its expression evaluated at steps that are multiples of its step (absolute
   * times, not relative to the query), from the first after the range's start to the end.
   */
  evalSubquery(node: SubqueryNode): StepMatrix {
    const stepMs = node.stepMs !== 0 ? node.stepMs : this.settings.defaultSubqueryStepMs
    const from = this.startMs - node.offset - node.rangeMs
    let startMs = stepMs * Math.trunc(from / stepMs)
    if (startMs < from) startMs += stepMs
    // `@` offsets are relative to the evaluation's start, which moved.
    if (startMs !== this.startMs) setOffsetsForAt(startMs, node.expr)
    return this.child(startMs, this.endMs - node.offset, stepMs).evalMatrix(node.expr)
  }

  /** A step-invariant part: evaluated at the first step only, its value repeated at the others. */
  private evalInvariant(node: InvariantNode): StepMatrix | string {
    if (node.expr.kind === 'number' || node.expr.kind === 'string') return this.eval(node.expr)
    const result = this.child(this.startMs, this.startMs, this.intervalMs).evalMatrix(node.expr)
    // A range's points have their own times, which no step changes.
    if (node.expr.kind === 'matrix' || node.expr.kind === 'subquery') return result
    for (const { points } of result) {
      const v = (points[0] as Point).v
      for (let ts = this.startMs + this.intervalMs; ts <= this.endMs; ts += this.intervalMs) {
        this.samples.take()
        points.push({ t: ts, v })
      }
    }
    return result
  }

  /** Unary minus negates and drops the metric name; the labels left must differ across the whole matrix. */
  private evalUnary(node: UnaryNode): StepMatrix {
    const matrix = this.evalMatrix(node.expr)
    if (node.op === '+') return matrix
    const negated = matrix.map(({ labels, points }) => ({ labels: labels.withoutMetricName(), points: points.map(({ t, v }) => ({ t, v: -v })) }))
    if (containsSameLabelset(negated)) throw new PromqlExecutionError('vector cannot contain metrics with the same labelset')
    return negated
  }

  private evalBinary(node: BinaryNode): StepMatrix {
    const { op, returnBool } = node
    const lhsScalar = node.lhs.type === 'scalar'
    const rhsScalar = node.rhs.type === 'scalar'
    if (!lhsScalar && !rhsScalar) return this.rangeEval([node.lhs, node.rhs], vectorMatchingStep(node))
    const operator = scalarOperator(op)
    if (lhsScalar && rhsScalar) return this.rangeEval([node.lhs, node.rhs], ([l, r]) => [{ labels: Labels.EMPTY, t: 0, v: scalarBinop(operator, scalarOf(l), scalarOf(r)) }])
    if (rhsScalar) return this.rangeEval([node.lhs, node.rhs], ([l, r]) => vectorScalarBinop(operator, l ?? [], scalarOf(r), false, returnBool))
    return this.rangeEval([node.lhs, node.rhs], ([l, r]) => vectorScalarBinop(operator, r ?? [], scalarOf(l), true, returnBool))
  }

  private evalAggregate(node: AggregateNode): StepMatrix {
    if (isSimpleAggregation(node.op)) return simpleAggregationOverSteps(this, node.op, node.grouping, node.without, node.expr)
    const fold = aggregation(node.op, node.grouping, node.without)
    const param = node.param && unwrapInvariant(node.param)
    if (param?.kind === 'string') return this.rangeEval([node.expr], ([vector = []], t) => fold(vector, param.value, t))
    return this.rangeEval([node.param, node.expr], ([params, vector = []], t) => fold(vector, node.param ? scalarOf(params) : undefined, t))
  }
}

/** The value of a scalar's vector at a step (scalars have one sample at every step). */
export function scalarOf(vector: Sample[] | undefined): number {
  const sample = vector?.[0]
  if (sample === undefined) throw new Error('a scalar without a value at a step')
  return sample.v
}

/** Arithmetic and comparisons: what may stand between a scalar and anything (the type checker keeps set operators away). */
function scalarOperator(op: BinaryNode['op']): BinaryOperator {
  if (op === 'and' || op === 'or' || op === 'unless') throw new Error(`set operator ${op} with a scalar side`)
  return op
}

export function containsSameLabelset(items: ReadonlyArray<{ labels: Labels }>): boolean {
  if (items.length < 2) return false
  const keys = new Set<string>()
  for (const { labels } of items) {
    if (keys.has(labels.key)) return true
    keys.add(labels.key)
  }
  return false
}

function totalPoints(matrix: StepMatrix): number {
  return matrix.reduce((sum, { points }) => sum + points.length, 0)
}
