// Prometheus label sets as plain records: names in Go's order, no empty values (Prometheus treats
// an empty value as a missing label), `__name__` for the metric. Ordered as 2.42 orders series.

import { compareGoStrings, METRIC_NAME } from '../promql/kernels/values'

export { compareGoStrings }

export type LabelSet = Readonly<Record<string, string>>

export const NAME_LABEL = METRIC_NAME

/** A label set from pairs: names sorted as Go sorts them, empty values left out. */
export function labelSet(pairs: Iterable<readonly [string, string]>): LabelSet {
  const kept = [...pairs].filter(([, value]) => value !== '')
  kept.sort(([a], [b]) => compareGoStrings(a, b))
  return Object.fromEntries(kept)
}

/** labels.Compare of 2.42: pair by pair, name then value; a prefix sorts first. */
export function compareLabelSets(a: LabelSet, b: LabelSet): number {
  const left = Object.entries(a)
  const right = Object.entries(b)
  const n = Math.min(left.length, right.length)
  for (let i = 0; i < n; i++) {
    const [an, av] = left[i] as [string, string]
    const [bn, bv] = right[i] as [string, string]
    if (an !== bn) return compareGoStrings(an, bn)
    if (av !== bv) return compareGoStrings(av, bv)
  }
  return left.length - right.length
}

/** One string per label set: equal sets, equal keys. */
export function labelSetKey(labels: LabelSet): string {
  return JSON.stringify(Object.entries(labels))
}
