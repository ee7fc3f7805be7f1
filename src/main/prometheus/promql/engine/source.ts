// Where the engine reads series from. The engine knows nothing of Vigil's store: the Prometheus
// API plugs the store in behind this interface, and the tests plug in MemorySeriesSource.
import type { STALE } from '../../../base/series/sample'
import type { LabelMatcher } from '../matcher'

/** A sample value, or STALE: a staleness marker, after which an instant selector finds no sample of the series. */
export type SourceValue = number | typeof STALE

export interface SourceSeries {
  /** Label names to values, `__name__` included; an empty value is the same as no label. */
  labels: Readonly<Record<string, string>>
  /** Sample times in ms, strictly ascending. */
  timestamps: ArrayLike<number>
  /** Aligned with timestamps. */
  values: ArrayLike<SourceValue>
}

export interface SeriesSource {
  /**
   * The series whose labels satisfy every matcher (a missing label reads as ''), with their
   * samples between minT and maxT (ms, both included), in any order. Samples outside that range
   * may come along: the engine ignores them, as Prometheus trims what it reads to the range.
   * The engine calls it once per selector of a query, before evaluating.
   */
  select(matchers: readonly LabelMatcher[], minT: number, maxT: number): Iterable<SourceSeries> | Promise<Iterable<SourceSeries>>
}

/** A SeriesSource over series held in memory (tests, and data that is not in the store). */
export class MemorySeriesSource implements SeriesSource {
  constructor(private readonly series: readonly SourceSeries[]) {}

  select(matchers: readonly LabelMatcher[], minT: number, maxT: number): SourceSeries[] {
    return this.series.filter(
      (s) => matchers.every((m) => m.matches(s.labels[m.name] ?? '')) && hasSampleBetween(s.timestamps, minT, maxT)
    )
  }
}

function hasSampleBetween(timestamps: ArrayLike<number>, minT: number, maxT: number): boolean {
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i] as number
    if (t > maxT) return false
    if (t >= minT) return true
  }
  return false
}
