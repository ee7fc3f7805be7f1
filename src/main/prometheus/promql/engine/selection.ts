// Reading a query's series: each selector once, over the time range its evaluation can reach
// (as 2.42 computes it: the query's range, moved by offsets, widened by the lookback or the
// range of a range selector and by enclosing subqueries, or pinned by `@`). The series come
// back sorted by their labels, as Prometheus's storage returns them, with samples outside the
// range left out — Prometheus trims its chunks to the range, and nothing outside may show.
import { STALE } from '../../../base/series/sample'
import { Labels } from '../kernels/values'
import { subqueryTimes } from './at-modifier'
import { StorageError } from './errors'
import { walk, type PlanNode, type SelectorNode, type SubqueryNode } from './plan'
import type { SeriesSource, SourceSeries, SourceValue } from './source'

/** A selected series: its samples in range, staleness markers kept apart. */
export class SelectedSeries {
  constructor(
    readonly labels: Labels,
    /** Times and values of the samples in range, without staleness markers, ascending. */
    readonly timestamps: ArrayLike<number>,
    readonly values: ArrayLike<number>,
    /** When staleness markers are, ascending: after one, the lookback finds nothing until the next sample. */
    readonly staleTimes: readonly number[]
  ) {}

  /**
   * Which sample an instant selector reads at refMs (-1 for none): the latest at or before it,
   * unless it is older than the lookback (which includes its start) or a staleness marker came after it.
   */
  indexAt(refMs: number, lookbackMs: number): number {
    return this.readable(refMs, lookbackMs, firstIndexAfter(this.timestamps, refMs), firstIndexAfter(this.staleTimes, refMs))
  }

  /** indexAt, given where the first sample and the first staleness marker after refMs are. */
  readable(refMs: number, lookbackMs: number, after: number, staleAfter: number): number {
    const index = after - 1
    if (index < 0) return -1
    const t = this.timestamps[index] as number
    if (t < refMs - lookbackMs) return -1
    return staleAfter > 0 && (this.staleTimes[staleAfter - 1] as number) > t ? -1 : index
  }
}

/**
 * SelectedSeries.indexAt for times that never go back (an instant selector over a range's steps):
 * each search goes on from where the last one ended, a few samples a step, instead of halving the
 * whole series at every step.
 */
export class ForwardIndex {
  private after = 0
  private staleAfter = 0

  constructor(
    private readonly series: SelectedSeries,
    private readonly lookbackMs: number
  ) {}

  at(refMs: number): number {
    this.after = firstIndexAfterFrom(this.series.timestamps, refMs, this.after)
    this.staleAfter = firstIndexAfterFrom(this.series.staleTimes, refMs, this.staleAfter)
    return this.series.readable(refMs, this.lookbackMs, this.after, this.staleAfter)
  }
}

export interface QueryTimes {
  startMs: number
  endMs: number
  lookbackMs: number
}

export interface TimeRange {
  minT: number
  maxT: number
}

/**
 * The samples a selector can read. `rangeMs` is the range of the range selector around it, 0
 * for an instant selector (which reaches back by the lookback instead).
 */
export function selectorRange(query: QueryTimes, selector: SelectorNode, subqueries: readonly SubqueryNode[], rangeMs: number): TimeRange {
  let start = query.startMs
  let end = query.endMs
  const enclosing = subqueryTimes(subqueries)
  if (enclosing.timestamp !== null) start = end = enclosing.timestamp
  if (selector.timestamp !== null) {
    start = end = selector.timestamp
  } else {
    start -= enclosing.offsetMs + enclosing.rangeMs
    end -= enclosing.offsetMs
  }
  start -= rangeMs === 0 ? query.lookbackMs : rangeMs
  return { minT: start - selector.originalOffset, maxT: end - selector.originalOffset }
}

/** Selects the series of every selector in the plan from the source. */
export async function selectSeries(plan: PlanNode, query: QueryTimes, source: SeriesSource, checkDeadline: () => void): Promise<void> {
  const selections: Array<{ selector: SelectorNode; range: TimeRange }> = []
  // A range selector's vector selector is the next node the walk visits.
  let rangeMs = 0
  walk(plan, (node, subqueries) => {
    if (node.kind === 'matrix') rangeMs = node.rangeMs
    if (node.kind !== 'selector') return
    selections.push({ selector: node, range: selectorRange(query, node, subqueries, rangeMs) })
    rangeMs = 0
  })
  for (const { selector, range } of selections) {
    selector.series = sortedByLabels(await read(source, selector, range))
    checkDeadline()
  }
}

/** A selector's series from the source, trimmed to the range; the source's failures become StorageErrors. */
async function read(source: SeriesSource, selector: SelectorNode, range: TimeRange): Promise<SelectedSeries[]> {
  try {
    const found = await source.select(selector.matchers, range.minT, range.maxT)
    return [...found].map((s) => trimmed(s, range)).filter((s): s is SelectedSeries => s !== undefined)
  } catch (err) {
    throw new StorageError(`expanding series: ${(err as Error).message}`, { cause: err })
  }
}

function sortedByLabels(series: SelectedSeries[]): SelectedSeries[] {
  return series.sort((a, b) => Labels.compare(a.labels, b.labels))
}

/** The series with its samples in range; undefined when none is. The source's arrays are used as they are when they can be. */
function trimmed(series: SourceSeries, { minT, maxT }: TimeRange): SelectedSeries | undefined {
  const { timestamps, values } = series
  const from = firstIndexFrom(timestamps, minT)
  const to = firstIndexAfter(timestamps, maxT)
  if (from >= to) return undefined
  const labels = Labels.fromRecord(series.labels)
  if (!hasStale(values, from, to)) {
    if (from === 0 && to === timestamps.length) return new SelectedSeries(labels, timestamps, values as ArrayLike<number>, [])
    return new SelectedSeries(labels, slice(timestamps, from, to), slice(values as ArrayLike<number>, from, to), [])
  }
  const sampleTimes: number[] = []
  const sampleValues: number[] = []
  const staleTimes: number[] = []
  for (let i = from; i < to; i++) {
    const v = values[i]
    if (v === STALE) staleTimes.push(timestamps[i] as number)
    else {
      sampleTimes.push(timestamps[i] as number)
      sampleValues.push(v as number)
    }
  }
  return new SelectedSeries(labels, sampleTimes, sampleValues, staleTimes)
}

function hasStale(values: ArrayLike<SourceValue>, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (values[i] === STALE) return true
  return false
}

function slice(items: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  if (Array.isArray(items)) return items.slice(from, to)
  const copy = new Array<number>(to - from)
  for (let i = from; i < to; i++) copy[i - from] = items[i] as number
  return copy
}

/** The index of the first time after t in an ascending list; its length when none is. */
function firstIndexAfter(times: ArrayLike<number>, t: number): number {
  let low = 0
  let high = times.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((times[middle] as number) > t) high = middle
    else low = middle + 1
  }
  return low
}

/** firstIndexAfter, knowing every time before `from` is at or before t: gallops forward from there, then halves. */
function firstIndexAfterFrom(times: ArrayLike<number>, t: number, from: number): number {
  let low = from
  let high = from
  for (let stride = 1; high < times.length && (times[high] as number) <= t; stride *= 2) {
    low = high + 1
    high = low + stride
  }
  high = Math.min(high, times.length)
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((times[middle] as number) > t) high = middle
    else low = middle + 1
  }
  return low
}

/** The index of the first time at or after t in a strictly ascending list; its length when none is. */
function firstIndexFrom(times: ArrayLike<number>, t: number): number {
  const after = firstIndexAfter(times, t)
  return after > 0 && times[after - 1] === t ? after - 1 : after
}
