// The aggregation operators of Prometheus 2.42 over one instant vector, grouped by `by` or
// `without` labels, with 2.42's arithmetic (plain sums, incremental means, Welford variances)
// and its orders (groups as first seen; topk/bottomk through Go's heap and sort).
import { goInt64 } from './go-math'
import { goSort, heapPop, heapPush, reversed, type Less } from './go-sort'
import { formatGoFloat, formatGoValue } from './go-strconv'
import { quantile } from './quantile'
import { ascendingNanFirst, byValue, descendingNanFirst } from './value-order'
import { goQuote, Labels, METRIC_NAME, PromqlExecutionError, type Sample } from './values'

export type AggregationOp = 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile' | 'count_values'

export interface AggregationOptions {
  /** The label names of `by (…)` or, with `without`, of `without (…)`. */
  grouping?: readonly string[]
  without?: boolean
  /** topk/bottomk's k, quantile's φ, count_values' label name. */
  param?: number | string
  /** The step's time, given to every sample out. */
  t: number
  /**
   * A sample's group labels, worked out once per series by a caller that evaluates many steps
   * (the engine); by default worked out for each sample. Not for count_values, whose group
   * holds the value.
   */
  groupOf?: (labels: Labels) => Labels
}

/** One group's running state: made from its first sample, fed the others in order. */
export interface Accumulator {
  add(sample: Sample): void
  /** The group's samples out (topk/bottomk: the kept input samples; others: one, labelled `labels`). */
  finish(labels: Labels, t: number): Sample[]
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * op [by|without (grouping)] (param, samples). Groups come out in the order their first sample
 * came in. `without` also drops the metric name; `by` keeps only the listed labels (the metric
 * name too, if listed). count_values adds its label (the value as Go's 'f' format writes it)
 * before grouping. topk/bottomk answer the input samples themselves, names included.
 */
export function aggregate(op: AggregationOp, samples: readonly Sample[], options: AggregationOptions): Sample[] {
  const plan = planFor(op, options)
  if (!plan) return []
  const dropped = options.without ? [...plan.grouping, METRIC_NAME] : null
  const groupOf = (op !== 'count_values' && options.groupOf) || ((labels: Labels) => (dropped ? labels.without(dropped) : labels.only(plan.grouping)))
  const groups = new Map<string, { labels: Labels; accumulator: Accumulator }>()
  for (const sample of samples) {
    const labels = plan.relabel(sample)
    const input = labels === sample.labels ? sample : { ...sample, labels }
    const groupLabels = groupOf(labels)
    const group = groups.get(groupLabels.key)
    if (group) group.accumulator.add(input)
    else groups.set(groupLabels.key, { labels: groupLabels, accumulator: plan.newAccumulator(input) })
  }
  return [...groups.values()].flatMap(({ labels, accumulator }) => accumulator.finish(labels, options.t))
}

interface Plan {
  grouping: readonly string[]
  /** A sample's labels as grouped and kept (count_values adds its label). */
  relabel: (sample: Sample) => Labels
  newAccumulator: (first: Sample) => Accumulator
}

/** How to aggregate; undefined when nothing can come out (topk/bottomk with k < 1). Checks the parameter first. */
function planFor(op: AggregationOp, { grouping = [], without = false, param }: AggregationOptions): Plan | undefined {
  const plain = (newAccumulator: Plan['newAccumulator']): Plan => ({ grouping, relabel: (s) => s.labels, newAccumulator })
  switch (op) {
    case 'topk':
    case 'bottomk': {
      const k = heapSize(param)
      if (k < 1) return undefined
      return plain((first) => new KeepExtremes(first, k, op === 'topk' ? ascendingNanFirst : descendingNanFirst))
    }
    case 'count_values': {
      const valueLabel = countValuesLabel(param)
      return {
        grouping: without ? grouping : [...grouping, valueLabel],
        relabel: (s) => s.labels.with(valueLabel, formatGoFloat(s.v)),
        newAccumulator: () => new Count()
      }
    }
    case 'quantile':
      return plain((first) => new Quantile(first, Number(param)))
    default:
      return plain(SIMPLE_ACCUMULATORS[op])
  }
}

/** topk/bottomk's k: the parameter truncated to an int64; NaN and values beyond ±2^63 are an error. */
function heapSize(param: number | string | undefined): number {
  const f = Number(param)
  // 2^63 itself passes the check (int64's maximum rounds up to it) and converts to -2^63.
  if (!(f >= -(2 ** 63) && f <= 2 ** 63)) throw new PromqlExecutionError(`Scalar value ${formatGoValue(f)} overflows int64`)
  return Number(goInt64(f))
}

function countValuesLabel(param: number | string | undefined): string {
  const name = String(param ?? '')
  if (!LABEL_NAME.test(name)) throw new PromqlExecutionError(`invalid label name ${goQuote(name)}`)
  return name
}

class SingleValue implements Accumulator {
  constructor(
    private value: number,
    private readonly fold: (value: number, v: number) => number
  ) {}

  add({ v }: Sample): void {
    this.value = this.fold(this.value, v)
  }

  finish(labels: Labels, t: number): Sample[] {
    return [{ labels, t, v: this.value }]
  }
}

class Count implements Accumulator {
  private count = 1

  add(): void {
    this.count++
  }

  finish(labels: Labels, t: number): Sample[] {
    return [{ labels, t, v: this.count }]
  }
}

/**
 * The mean by increments, mean += v/n − mean/n (each term divided first, so values near the
 * float64 maximum do not overflow). Once the mean is infinite, finite values and infinities of
 * its sign leave it as it is; an infinity of the other sign or a NaN makes it NaN.
 */
class Mean implements Accumulator {
  private count = 1
  private mean: number

  constructor({ v }: Sample) {
    this.mean = v
  }

  add({ v }: Sample): void {
    this.count++
    if (Math.abs(this.mean) === Infinity && (v === this.mean || Number.isFinite(v))) return
    this.mean += v / this.count - this.mean / this.count
  }

  finish(labels: Labels, t: number): Sample[] {
    return [{ labels, t, v: this.mean }]
  }
}

/** Population variance (or its root) by Welford's method, uncompensated. */
class Variance implements Accumulator {
  private count = 1
  private mean: number
  private squares = 0

  constructor(
    { v }: Sample,
    private readonly root: boolean
  ) {
    this.mean = v
  }

  add({ v }: Sample): void {
    this.count++
    const delta = v - this.mean
    this.mean += delta / this.count
    this.squares += delta * (v - this.mean)
  }

  finish(labels: Labels, t: number): Sample[] {
    const variance = this.squares / this.count
    return [{ labels, t, v: this.root ? Math.sqrt(variance) : variance }]
  }
}

class Quantile implements Accumulator {
  private readonly values: number[]

  constructor(
    { v }: Sample,
    private readonly phi: number
  ) {
    this.values = [v]
  }

  add({ v }: Sample): void {
    this.values.push(v)
  }

  finish(labels: Labels, t: number): Sample[] {
    return [{ labels, t, v: quantile(this.phi, this.values) }]
  }
}

/**
 * topk (heap order ascending: the smallest kept value on top) or bottomk (descending). A sample
 * goes in while the heap is not full, or when it beats the top, or when the top is NaN (so NaNs
 * survive only for want of other samples); with k = 1 it replaces the top in place. At the end
 * the heap is sorted best first, NaNs last, by Go's unstable sort.
 */
class KeepExtremes implements Accumulator {
  private readonly heap: Sample[]
  private readonly heapOrder: Less<Sample>

  constructor(
    first: Sample,
    private readonly k: number,
    order: Less<number>
  ) {
    this.heap = [first]
    this.heapOrder = byValue(order)
  }

  add(sample: Sample): void {
    const top = this.heap[0] as Sample
    // The heap order puts a NaN top below anything: it is always replaced.
    if (this.heap.length >= this.k && !this.heapOrder(top, sample)) return
    if (this.heap.length === this.k) {
      if (this.k === 1) {
        this.heap[0] = sample
        return
      }
      heapPop(this.heap, this.heapOrder)
    }
    heapPush(this.heap, sample, this.heapOrder)
  }

  finish(_labels: Labels, t: number): Sample[] {
    if (this.heap.length > 1) goSort(this.heap, reversed(this.heapOrder))
    return this.heap.map(({ labels, v }) => ({ labels, t, v }))
  }
}

/** The aggregations without a parameter, whose accumulators read the samples' values only. */
export type SimpleAggregationOp = keyof typeof SIMPLE_ACCUMULATORS

export function isSimpleAggregation(op: string): op is SimpleAggregationOp {
  return Object.hasOwn(SIMPLE_ACCUMULATORS, op)
}

/** A group's accumulator for a simple aggregation; it keeps the value of `first`, not the object. */
export function simpleAccumulator(op: SimpleAggregationOp, first: Sample): Accumulator {
  return SIMPLE_ACCUMULATORS[op](first)
}

const SIMPLE_ACCUMULATORS: Record<Exclude<AggregationOp, 'topk' | 'bottomk' | 'count_values' | 'quantile'>, (first: Sample) => Accumulator> = {
  sum: ({ v }) => new SingleValue(v, (sum, x) => sum + x),
  avg: (first) => new Mean(first),
  count: () => new Count(),
  group: () => new SingleValue(1, () => 1),
  // A NaN so far is replaced by whatever comes; a NaN coming never replaces a number.
  max: ({ v }) => new SingleValue(v, (max, x) => (max < x || Number.isNaN(max) ? x : max)),
  min: ({ v }) => new SingleValue(v, (min, x) => (min > x || Number.isNaN(min) ? x : min)),
  stddev: (first) => new Variance(first, true),
  stdvar: (first) => new Variance(first, false)
}
