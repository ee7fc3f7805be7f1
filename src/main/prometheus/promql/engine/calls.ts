// Function calls as Prometheus 2.42 evaluates them. Three ways:
// - timestamp() of a selector reads the selected samples' own times (everywhere else a sample
//   stands at its step's time);
// - a function of a range vector goes series by series through the windows [t − offset −
//   range, t − offset] of the selected series (or of a subquery's result) at every step;
// - any other function goes step by step over its arguments' vectors (functions.ts).
import { absentLabels, timestamp } from '../kernels/instant-functions'
import { RANGE_FUNCTIONS, type RangeFunctionName, type RangeWindow } from '../kernels/range-functions'
import { Labels, PromqlExecutionError, type Point } from '../kernels/values'
import { containsSameLabelset, type Evaluator, type StepMatrix } from './evaluator'
import { instantFunction } from './functions'
import { unwrapInvariant, type CallNode, type MatrixNode, type PlanNode, type SelectorNode, type SubqueryNode } from './plan'
import { SlidingWindow, type Columns } from './windows'

export function evalCall(ev: Evaluator, node: CallNode): StepMatrix {
  if (node.name === 'timestamp') {
    const arg = unwrapInvariant(node.args[0] as PlanNode)
    if (arg.kind === 'selector') return timestampOfSelector(ev, arg)
  }
  const rangeArg = node.args.findIndex((arg) => {
    const inner = unwrapInvariant(arg)
    return inner.kind === 'matrix' || inner.kind === 'subquery'
  })
  if (rangeArg < 0) return ev.rangeEval(node.args, instantFunction(node))
  return evalRangeFunction(ev, node, rangeArg)
}

/**
 * timestamp(selector): at each step the selector's samples with their own times. With `@` the
 * selector is pinned to its `@` time at every step (2.42 then leaves its offset out).
 */
function timestampOfSelector(ev: Evaluator, selector: SelectorNode): StepMatrix {
  return ev.rangeEval([], (_vectors, ts) => {
    if (selector.timestamp !== null) selector.offset = ts - selector.timestamp
    return timestamp(ev.selectorAt(selector, ts))
  })
}

/** The series a range function reads, how far back its windows reach, and absent_over_time's labels. */
interface RangeInput {
  series: ReadonlyArray<{ labels: Labels } & Columns>
  rangeMs: number
  offsetMs: number
  absentLabels: Labels
}

function evalRangeFunction(ev: Evaluator, node: CallNode, rangeArg: number): StepMatrix {
  const arg = unwrapInvariant(node.args[rangeArg] as PlanNode)
  // A subquery is evaluated first, before the other arguments; its result is let go at the end.
  const input = rangeInputOf(ev, arg)
  const heldBySubquery = arg.kind === 'subquery' ? input.series.reduce((sum, s) => sum + s.timestamps.length, 0) : 0
  try {
    const scalarArgs = node.args.flatMap((a, i) => (i === rangeArg ? [] : [ev.evalMatrix(a)]))
    const output = applyOverWindows(ev, node.name as RangeFunctionName, input, scalarArgs)
    if (node.name === 'absent_over_time') return absentSteps(ev, output, input.absentLabels)
    if (containsSameLabelset(output)) throw new PromqlExecutionError('vector cannot contain metrics with the same labelset')
    return output
  } finally {
    ev.samples.release(heldBySubquery)
  }
}

function rangeInputOf(ev: Evaluator, node: PlanNode): RangeInput {
  if (node.kind === 'matrix') return selectorInput(node)
  if (node.kind === 'subquery') return subqueryInput(ev, node)
  throw new Error(`a ${node.kind} node as a range vector argument`)
}

function selectorInput(node: MatrixNode): RangeInput {
  return { series: node.selector.series, rangeMs: node.rangeMs, offsetMs: node.selector.offset, absentLabels: absentLabels(node.selector.matchers) }
}

/** A subquery's result read like a range selector (absent_over_time finds no matchers in it). */
function subqueryInput(ev: Evaluator, node: SubqueryNode): RangeInput {
  const series = ev.evalSubquery(node).map(({ labels, points }) => ({ labels, timestamps: points.map((p) => p.t), values: points.map((p) => p.v) }))
  // With `@` the windows are pinned to the `@` time from the evaluation's start.
  const offsetMs = node.timestamp === null ? node.offset : node.originalOffset + (ev.startMs - node.timestamp)
  return { series, rangeMs: node.rangeMs, offsetMs, absentLabels: Labels.EMPTY }
}

/**
 * The function of each series' window at every step; a series without points in a window has
 * no value there. The metric name goes, except for last_over_time. Samples are counted as 2.42
 * counts them: the current window, and each output series once it is complete. `scalarArgs`
 * are the other arguments, in order.
 */
function applyOverWindows(ev: Evaluator, name: RangeFunctionName, input: RangeInput, scalarArgs: StepMatrix[]): StepMatrix {
  const f = RANGE_FUNCTIONS[name]
  const output: StepMatrix = []
  const noArgs: number[] = []
  for (const series of input.series) {
    ev.settings.deadline.check()
    const window = new SlidingWindow(series, ev.samples)
    // One window object a series, moved along: the kernels keep nothing of it between calls.
    const view: RangeWindow = { timestamps: series.timestamps, values: series.values, from: 0, to: 0, startMs: 0, endMs: 0, evalMs: 0 }
    const values: Point[] = []
    for (let ts = ev.startMs, step = 0; ts <= ev.endMs; ts += ev.intervalMs, step++) {
      const maxt = ts - input.offsetMs
      const mint = maxt - input.rangeMs
      window.moveTo(mint, maxt)
      if (window.to === window.from) continue
      view.from = window.from
      view.to = window.to
      view.startMs = mint
      view.endMs = maxt
      view.evalMs = ts
      // Scalars have a value at every step.
      const args = scalarArgs.length === 0 ? noArgs : scalarArgs.map((matrix) => (matrix[0]?.points[step] as Point).v)
      const v = f(view, args)
      if (v !== undefined) values.push({ t: ts, v })
    }
    // The output series is counted while the last window is still held.
    if (values.length > 0) {
      ev.samples.take(values.length)
      output.push({ labels: name === 'last_over_time' ? series.labels : series.labels.withoutMetricName(), points: values })
    }
    window.close()
  }
  return output
}

/** absent_over_time: 1 at the steps where no series had a sample in its window; nothing when every step had one. */
function absentSteps(ev: Evaluator, present: StepMatrix, labels: Labels): StepMatrix {
  const steps = ev.stepCount
  if (present.some((s) => s.points.length === steps)) return []
  const found = new Set<number>()
  for (const { points } of present) for (const { t } of points) found.add(t)
  if (found.size === steps) return []
  const points: Point[] = []
  for (let ts = ev.startMs; ts <= ev.endMs; ts += ev.intervalMs) if (!found.has(ts)) points.push({ t: ts, v: 1 })
  return [{ labels, points }]
}
