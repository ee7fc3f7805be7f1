// histogram_quantile over classic histograms (one series per bucket, `le` its upper bound), as
// Prometheus 2.42 computes it.
import { goSearch, goSort } from './go-sort'
import { parseGoFloat } from './go-strconv'
import { Labels, METRIC_NAME, type Sample } from './values'

export const BUCKET_LABEL = 'le'

export interface Bucket {
  upperBound: number
  /** Observations at or below upperBound (cumulative). */
  count: number
}

/**
 * The φ-quantile of one histogram's buckets, interpolated linearly inside the bucket it falls in:
 * - φ NaN: NaN; φ < 0: -Inf; φ > 1: +Inf (before looking at the buckets);
 * - no +Inf bucket, fewer than two distinct bounds, or no observations: NaN;
 * - buckets with equal bounds (le "1" and "1.0") are added together;
 * - a count below an earlier one is raised to it (counts must not fall with the bound);
 * - in the +Inf bucket: the highest finite bound; in the first bucket with a bound ≤ 0: that bound;
 *   in the first bucket otherwise: between 0 and its bound.
 */
export function bucketQuantile(phi: number, buckets: readonly Bucket[]): number {
  if (Number.isNaN(phi)) return NaN
  if (phi < 0) return -Infinity
  if (phi > 1) return Infinity
  const sorted = buckets.map((b) => ({ ...b }))
  goSort(sorted, (a, b) => a.upperBound < b.upperBound)
  if ((sorted[sorted.length - 1] as Bucket).upperBound !== Infinity) return NaN
  const merged = coalesced(sorted)
  raiseToMonotonic(merged)
  if (merged.length < 2) return NaN
  const observations = (merged[merged.length - 1] as Bucket).count
  if (observations === 0) return NaN
  let rank = phi * observations
  const b = goSearch(merged.length - 1, (i) => (merged[i] as Bucket).count >= rank)
  if (b === merged.length - 1) return (merged[merged.length - 2] as Bucket).upperBound
  const bucket = merged[b] as Bucket
  if (b === 0 && bucket.upperBound <= 0) return bucket.upperBound
  let bucketStart = 0
  let count = bucket.count
  if (b > 0) {
    const below = merged[b - 1] as Bucket
    bucketStart = below.upperBound
    count -= below.count
    rank -= below.count
  }
  return bucketStart + (bucket.upperBound - bucketStart) * (rank / count)
}

/** Adjacent buckets (sorted) with the same bound become one, their counts added. */
function coalesced(sorted: readonly Bucket[]): Bucket[] {
  const out: Bucket[] = []
  for (const bucket of sorted) {
    const last = out[out.length - 1]
    if (last && last.upperBound === bucket.upperBound) last.count += bucket.count
    else out.push({ ...bucket })
  }
  return out
}

/** Counts that fall below the highest count so far are raised to it (NaN counts stay). */
function raiseToMonotonic(buckets: Bucket[]): void {
  let max = (buckets[0] as Bucket).count
  for (const bucket of buckets.slice(1)) {
    if (bucket.count > max) max = bucket.count
    else if (bucket.count < max) bucket.count = max
  }
}

/**
 * histogram_quantile(φ, vector): the samples grouped into histograms by their labels without
 * `le`, each answering one sample labelled without `le` and `__name__`. Samples whose `le` Go's
 * ParseFloat refuses (or that have none) are skipped. Prometheus emits the histograms in Go map
 * order, i.e. randomly; here they come in the order first seen.
 */
export function histogramQuantile(phi: number, samples: readonly Sample[], t: number): Sample[] {
  const histograms = new Map<string, { labels: Labels; buckets: Bucket[] }>()
  for (const sample of samples) {
    const upperBound = parseGoFloat(sample.labels.get(BUCKET_LABEL))
    if (upperBound === undefined) continue
    const key = sample.labels.without([BUCKET_LABEL]).key
    let histogram = histograms.get(key)
    if (!histogram) {
      histogram = { labels: sample.labels.without([BUCKET_LABEL, METRIC_NAME]), buckets: [] }
      histograms.set(key, histogram)
    }
    histogram.buckets.push({ upperBound, count: sample.v })
  }
  return [...histograms.values()].map(({ labels, buckets }) => ({ labels, t, v: bucketQuantile(phi, buckets) }))
}
