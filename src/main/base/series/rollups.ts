// Roll-ups: a group's rows summarised per bucket (1 minute, 1 hour) as n, and min, avg and max
// per column — stored as a group of their own through the same heads, log and chunks, so they
// are as durable and compact as the samples. A roll-up's progress is its own newest bucket: a
// run after a crash or a stop carries on from there, and each run is idempotent.
import { NeumaierSum } from './neumaier-sum'
import type { SampleValue } from './sample'
import type { GroupInfo, GroupKey, SeriesRange, SeriesStore } from './series-store'

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000

/** The label that tells a roll-up group's resolution, in ms. */
export const RESOLUTION_LABEL = '__resolution__'
/** Roll-ups are named apart, so selecting a metric by name finds its samples only. */
export const ROLLUP_SUFFIX = ':rollup'
/** Matches every roll-up group's metric (the suffix holds no regular-expression syntax). */
export const ROLLUP_METRIC_PATTERN = `.+${ROLLUP_SUFFIX}`

export function isRollupMetric(metric: string): boolean {
  return metric.endsWith(ROLLUP_SUFFIX)
}

/** The metric of a series' roll-up groups (itself for a roll-up). */
export function rollupMetricName(metric: string): string {
  return isRollupMetric(metric) ? metric : `${metric}${ROLLUP_SUFFIX}`
}

/** The raw series' metric of a roll-up group (itself for a raw one). */
export function rawMetricName(metric: string): string {
  return isRollupMetric(metric) ? metric.slice(0, -ROLLUP_SUFFIX.length) : metric
}

/** The roll-up group of `group` at `resolutionMs`: its labels and the summary columns. */
export function rollupKey(group: GroupKey, resolutionMs: number): GroupKey {
  const source = sourceColumns(group)
  return {
    metric: rollupMetricName(group.metric),
    labels: { ...group.labels, [RESOLUTION_LABEL]: String(resolutionMs) },
    columns: ['n', ...source.flatMap((column) => [`${column}_min`, `${column}_avg`, `${column}_max`])]
  }
}

/** The columns a group summarises: a raw group's own, a roll-up's sources. */
function sourceColumns(group: GroupKey): string[] {
  if (!isRollupMetric(group.metric)) return [...group.columns]
  return group.columns.filter((column) => column.endsWith('_avg')).map((column) => column.slice(0, -'_avg'.length))
}

/**
 * Rolls `source` (raw rows, or a finer roll-up) up into buckets of `resolutionMs`, from after the
 * roll-up's newest bucket up to the last bucket that ends by `settledUntil`. Returns the buckets
 * written.
 */
export function rollUp(
  store: SeriesStore,
  source: GroupInfo,
  resolutionMs: number,
  settledUntil: number,
  /** The roll-up group's id when the caller knows it (else found from its key). */
  target = store.groupId(rollupKey(source, resolutionMs))
): number {
  const until = Math.floor(settledUntil / resolutionMs) * resolutionMs
  const last = store.lastTs(target)
  const firstSource = last === null ? store.firstTs(source.id) : null
  const from = last !== null ? last + resolutionMs : firstSource !== null ? Math.floor(firstSource / resolutionMs) * resolutionMs : null
  if (from === null || from >= until) return 0
  const rows = store.read(source.id, from, until - 1)
  const fromRollup = isRollupMetric(source.metric)
  let written = 0
  for (const [bucket, range] of buckets(rows, resolutionMs)) {
    store.append(target, bucket, fromRollup ? summariseRollups(range) : summariseRaw(range))
    written++
  }
  return written
}

/** Rows split by bucket, in time order. */
function* buckets(rows: SeriesRange, resolutionMs: number): Generator<[number, SeriesRange]> {
  let start = 0
  while (start < rows.ts.length) {
    const bucket = Math.floor((rows.ts[start] as number) / resolutionMs) * resolutionMs
    let end = start
    while (end < rows.ts.length && (rows.ts[end] as number) < bucket + resolutionMs) end++
    yield [bucket, { ts: rows.ts.slice(start, end), seq: rows.seq.slice(start, end), columns: rows.columns.map((column) => column.slice(start, end)) }]
    start = end
  }
}

/** n = rows; per column min, avg and max of its numbers (null when it has none), as SQL's aggregates. */
function summariseRaw(range: SeriesRange): SampleValue[] {
  const row: SampleValue[] = [range.ts.length]
  for (const column of range.columns) {
    let min = Infinity
    let max = -Infinity
    const sum = new NeumaierSum()
    let count = 0
    for (const value of column) {
      if (typeof value !== 'number' || Number.isNaN(value)) continue
      if (value < min) min = value
      if (value > max) max = value
      sum.add(value)
      count++
    }
    row.push(count === 0 ? null : min, count === 0 ? null : sum.total() / count, count === 0 ? null : max)
  }
  return row
}

/** Summaries of summaries: n adds up, min and max of the extremes, avg weighted by n. */
function summariseRollups(range: SeriesRange): SampleValue[] {
  const counts = range.columns[0] as SampleValue[]
  let n = 0
  for (const count of counts) if (typeof count === 'number') n += count
  const row: SampleValue[] = [n]
  for (let c = 1; c + 2 < range.columns.length; c += 3) {
    const mins = range.columns[c] as SampleValue[]
    const avgs = range.columns[c + 1] as SampleValue[]
    const maxes = range.columns[c + 2] as SampleValue[]
    let min: number | null = null
    let max: number | null = null
    const weighted = new NeumaierSum()
    let weight = 0
    for (let i = 0; i < counts.length; i++) {
      const low = mins[i]
      const high = maxes[i]
      const avg = avgs[i]
      const count = counts[i]
      if (typeof low === 'number' && (min === null || low < min)) min = low
      if (typeof high === 'number' && (max === null || high > max)) max = high
      if (typeof avg === 'number' && typeof count === 'number') {
        weighted.add(avg * count)
        weight += count
      }
    }
    row.push(min, weight === 0 ? null : weighted.total() / weight, max)
  }
  return row
}
