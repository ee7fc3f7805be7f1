// Prometheus label sets as plain records: names in Go's order, no empty values (Prometheus treats
// an empty value as a missing label), `__name__` for the metric. Ordered as 2.42 orders series.

export type LabelSet = Readonly<Record<string, string>>

export const NAME_LABEL = '__name__'

/**
 * Go's string order (byte-wise over UTF-8, i.e. by code point). JavaScript's `<` compares UTF-16
 * code units, which puts U+E000..U+FFFF after the characters beyond U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return rank(x) - rank(y)
  }
  return a.length - b.length
}

/** A UTF-16 code unit ranked so that surrogates (code points from U+10000) sort after the rest. */
function rank(unit: number): number {
  if (unit < 0xd800) return unit
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800
}

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
