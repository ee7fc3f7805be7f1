// Reading a query's series: each selector once, over the time range its evaluation can reach
// (as 2.42 computes it: the query's range, moved by offsets, widened by the lookback or the
// range of a range selector and by enclosing subqueries, or pinned by `@`). The series come
// back sorted by their labels, as Prometheus's storage returns them, with samples outside the
// range left out — Prometheus trims its chunks to the range, and nothing outside may show.
import { STALE } from '../../../base/series/sample'
import { Labels, type Point } from '../kernels/values'
import { subqueryTimes } from './at-modifier'
import { StorageError } from './errors'
import { walk, type PlanNode, type SelectorNode, type SubqueryNode } from './plan'
import type { SeriesSource, SourceSeries } from './source'

export interface SelectedSeries {
  labels: Labels
  /** The samples in range without staleness markers, ascending: what range selectors read. */
  points: Point[]
  /** When staleness markers are, ascending: after one, the lookback finds nothing until the next sample. */
  staleTimes: number[]
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

/** The series with its samples in range; undefined when none is. */
function trimmed(series: SourceSeries, { minT, maxT }: TimeRange): SelectedSeries | undefined {
  const points: Point[] = []
  const staleTimes: number[] = []
  const { timestamps, values } = series
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i] as number
    if (t < minT) continue
    if (t > maxT) break
    const v = values[i]
    if (v === STALE) staleTimes.push(t)
    else points.push({ t, v: v as number })
  }
  if (points.length === 0 && staleTimes.length === 0) return undefined
  return { labels: Labels.fromRecord(series.labels), points, staleTimes }
}

/** Index of the last time at or before t in an ascending list; -1 when none. */
function lastIndexAtOrBefore<T>(items: readonly T[], t: number, timeOf: (item: T) => number): number {
  let low = 0
  let high = items.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (timeOf(items[middle] as T) <= t) low = middle + 1
    else high = middle
  }
  return low - 1
}

/**
 * The sample an instant selector reads at refMs: the latest at or before it, unless it is older
 * than the lookback (which includes its start) or a staleness marker came after it.
 */
export function sampleAt(series: SelectedSeries, refMs: number, lookbackMs: number): Point | undefined {
  const point = series.points[lastIndexAtOrBefore(series.points, refMs, (p) => p.t)]
  if (point === undefined || point.t < refMs - lookbackMs) return undefined
  const stale = series.staleTimes[lastIndexAtOrBefore(series.staleTimes, refMs, (t) => t)]
  return stale !== undefined && stale > point.t ? undefined : point
}
