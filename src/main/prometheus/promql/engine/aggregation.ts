// Aggregations as 2.42 evaluates them, folded by the kernels: those with a parameter (and
// count_values) as one step of rangeEval, the simple ones over all steps at once, series by
// series. Either way a sample's group labels are worked out once per series (2.42 too keys its
// groups by a hash made once per series), not again at every step.
import type { AggregateOp } from '../ast'
import { aggregate, simpleAccumulator, type Accumulator, type SimpleAggregationOp } from '../kernels/aggregations'
import { Labels, METRIC_NAME, type Sample, type Series } from '../kernels/values'
import type { Evaluator, StepMatrix } from './evaluator'
import type { PlanNode } from './plan'

export type Aggregation = (samples: Sample[], param: number | string | undefined, t: number) => Sample[]

export function aggregation(op: AggregateOp, grouping: readonly string[], without: boolean): Aggregation {
  // count_values adds a label before grouping: its kernel works the groups out itself.
  if (op === 'count_values') return (samples, param, t) => aggregate(op, samples, { grouping, without, param, t })
  // The kernel is told each sample's group rather than handed samples relabelled with it: no
  // object a sample and step, and no group worked out again (with its key) from labels already
  // grouped. topk and bottomk answer the input samples, labels and all; the others only read
  // the values.
  const groupOf = groupLabelsFunction(grouping, without)
  return (samples, param, t) => aggregate(op, samples, { grouping, without, param, t, groupOf })
}

/**
 * A simple aggregation (no parameter, values only: sum, avg, count, group, min, max, stddev,
 * stdvar) of a matrix at every step: the answer, order and sample counting of rangeEval with
 * aggregate() as its step, computed series by series instead of step by step. Going across the
 * series at each step touched every series' points at every step (a cache miss each, most of the
 * time of `sum by` over hundreds of series); here each series' points are read in one go, fed
 * to the accumulator of their group and step, with no Sample object each and each series' group
 * worked out once, as an index. An accumulator still sees its samples in the matrix's order.
 * Groups come out at a step in the order their first sample came, output series in the order
 * of their first point, as rangeEval would give them.
 */
export function simpleAggregationOverSteps(ev: Evaluator, op: SimpleAggregationOp, grouping: readonly string[], without: boolean, expr: PlanNode): StepMatrix {
  const startingSamples = ev.samples.current
  const matrix = ev.evalMatrix(expr)
  const stepTimes: number[] = []
  for (let ts = ev.startMs; ts <= ev.endMs; ts += ev.intervalMs) stepTimes.push(ts)
  const steps = stepTimes.length
  const groupOf = groupLabelsFunction(grouping, without)
  const groupLabels: Labels[] = []
  const groupIndexByKey = new Map<string, number>()
  // Per group and step (group × steps + step), the accumulator; per step, the groups in the
  // order their first sample came (series are visited in order), and the samples read.
  const accumulators: Array<Accumulator | undefined> = []
  const groupsAt: number[][] = stepTimes.map(() => [])
  const inputsAt = new Int32Array(steps)
  // The accumulators read a sample's value only: one sample object carries them all.
  const sample: Sample = { labels: Labels.EMPTY, t: 0, v: 0 }
  for (const { labels, points } of matrix) {
    ev.settings.deadline.check()
    const group = groupOf(labels)
    let g = groupIndexByKey.get(group.key)
    if (g === undefined) {
      g = groupLabels.push(group) - 1
      groupIndexByKey.set(group.key, g)
      accumulators.length += steps
    }
    let step = 0
    for (const { t, v } of points) {
      while (step < steps && (stepTimes[step] as number) < t) step++
      if (stepTimes[step] !== t) continue
      inputsAt[step] = (inputsAt[step] as number) + 1
      sample.t = t
      sample.v = v
      const slot = g * steps + step
      const accumulator = accumulators[slot]
      if (accumulator) accumulator.add(sample)
      else {
        accumulators[slot] = simpleAccumulator(op, sample)
        const groups = groupsAt[step] as number[]
        groups.push(g)
      }
    }
  }
  const outputOf: Array<Series | undefined> = new Array<Series | undefined>(groupLabels.length)
  const output: StepMatrix = []
  // Counted as rangeEval counts: a step's input samples, then its results, which stay.
  let samplesBeforeStep = ev.samples.current
  for (let step = 0; step < steps; step++) {
    ev.settings.deadline.check()
    const t = stepTimes[step] as number
    const groups = groupsAt[step] as number[]
    ev.samples.current = samplesBeforeStep
    ev.samples.take(inputsAt[step] as number)
    ev.samples.take(groups.length)
    samplesBeforeStep += groups.length
    for (const g of groups) {
      const { v } = (accumulators[g * steps + step] as Accumulator).finish(groupLabels[g] as Labels, t)[0] as Sample
      const series = outputOf[g]
      if (series) series.points.push({ t, v })
      else output.push((outputOf[g] = { labels: groupLabels[g] as Labels, points: [{ t, v }] }))
    }
  }
  ev.samples.current = startingSamples + output.reduce((sum, { points }) => sum + points.length, 0)
  return output
}

/** A series' group: `by` keeps the listed labels, `without` drops them and the metric name. */
function groupLabelsFunction(grouping: readonly string[], without: boolean): (labels: Labels) => Labels {
  const dropped = [...grouping, METRIC_NAME]
  const cache = new Map<Labels, Labels>()
  return (labels) => {
    let group = cache.get(labels)
    if (group === undefined) {
      group = without ? labels.without(dropped) : labels.only(grouping)
      cache.set(labels, group)
    }
    return group
  }
}
