// The values the PromQL engine computes with, shaped as Prometheus 2.42 shapes them: label sets
// sorted by name, float points in milliseconds, and the four kinds an expression evaluates to.

export const METRIC_NAME = '__name__'

/**
 * Orders strings as Go compares them (byte-wise over UTF-8, i.e. by code point). JavaScript's
 * `<` compares UTF-16 code units, which puts U+E000..U+FFFF after characters beyond U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

/** A UTF-16 code unit ranked so that surrogates (code points ≥ U+10000) sort after the rest of the BMP. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800
}

/** Go's strconv.Quote (%q) for label values in messages; printable text is kept as it is. */
export function goQuote(text: string): string {
  const escapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' }
  let out = '"'
  for (const ch of text) {
    const code = ch.codePointAt(0) as number
    if (escapes[ch] !== undefined) out += escapes[ch]
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return `${out}"`
}

type Pair = readonly [name: string, value: string]

/**
 * An immutable label set, sorted by name, without empty values (an empty value is the same as a
 * missing label in Prometheus). `key` is an unambiguous string form: equal keys, equal sets.
 */
export class Labels {
  static readonly EMPTY = new Labels([])

  private keyText: string | undefined

  private constructor(private readonly pairs: readonly Pair[]) {}

  /** From name/value pairs in any order; empty values are dropped; a repeated name keeps its last value. */
  static from(pairs: Iterable<readonly [string, string]>): Labels {
    const byName = new Map<string, string>()
    for (const [name, value] of pairs) byName.set(name, value)
    const sorted = [...byName].filter(([, value]) => value !== '').sort(([a], [b]) => compareGoStrings(a, b))
    return sorted.length === 0 ? Labels.EMPTY : new Labels(sorted)
  }

  static fromRecord(record: Readonly<Record<string, string>>): Labels {
    return Labels.from(Object.entries(record))
  }

  /** The order of labels.Compare: label by label, name then value; a prefix sorts first. */
  static compare(a: Labels, b: Labels): number {
    const n = Math.min(a.pairs.length, b.pairs.length)
    for (let i = 0; i < n; i++) {
      const [an, av] = a.pairs[i] as Pair
      const [bn, bv] = b.pairs[i] as Pair
      if (an !== bn) return compareGoStrings(an, bn)
      if (av !== bv) return compareGoStrings(av, bv)
    }
    return a.pairs.length - b.pairs.length
  }

  get size(): number {
    return this.pairs.length
  }

  get key(): string {
    // Names cannot hold `=`, `,` or quotes; JSON strings end unambiguously.
    this.keyText ??= this.pairs.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',')
    return this.keyText
  }

  /** The value of `name`, or '' when absent (as Prometheus' Labels.Get). */
  get(name: string): string {
    return this.pairs.find(([n]) => n === name)?.[1] ?? ''
  }

  has(name: string): boolean {
    return this.pairs.some(([n]) => n === name)
  }

  get metricName(): string {
    return this.get(METRIC_NAME)
  }

  entries(): readonly Pair[] {
    return this.pairs
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.pairs)
  }

  equals(other: Labels): boolean {
    return this === other || this.key === other.key
  }

  /** Without the given names. */
  without(names: Iterable<string>): Labels {
    const drop = new Set(names)
    return this.filtered(([name]) => !drop.has(name))
  }

  /** Only the given names. */
  only(names: Iterable<string>): Labels {
    const keep = new Set(names)
    return this.filtered(([name]) => keep.has(name))
  }

  withoutMetricName(): Labels {
    return this.has(METRIC_NAME) ? this.without([METRIC_NAME]) : this
  }

  /** With `name` set to `value`; an empty value removes the label (labels.Builder.Set). */
  with(name: string, value: string): Labels {
    return Labels.from([...this.pairs, [name, value]])
  }

  /** `{a="1", b="2"}`, as Prometheus writes a label set in its error messages. */
  toString(): string {
    return `{${this.pairs.map(([name, value]) => `${name}=${goQuote(value)}`).join(', ')}}`
  }

  private filtered(keep: (pair: Pair) => boolean): Labels {
    const pairs = this.pairs.filter(keep)
    if (pairs.length === this.pairs.length) return this
    return pairs.length === 0 ? Labels.EMPTY : new Labels(pairs)
  }
}

/** A float sample of a series: t in unix milliseconds. */
export interface Point {
  t: number
  v: number
}

export interface Series {
  labels: Labels
  /** Ascending t. */
  points: Point[]
}

/** One element of an instant vector. */
export interface Sample {
  labels: Labels
  t: number
  v: number
}

// The four kinds of value an expression evaluates to (the API's resultType).
export interface ScalarValue {
  type: 'scalar'
  t: number
  v: number
}

export interface StringValue {
  type: 'string'
  t: number
  v: string
}

export interface VectorValue {
  type: 'vector'
  samples: Sample[]
}

export interface MatrixValue {
  type: 'matrix'
  series: Series[]
}

export type Value = ScalarValue | StringValue | VectorValue | MatrixValue

/** The error a kernel raises for what Prometheus reports as an execution error (HTTP 422). */
export class PromqlExecutionError extends Error {
  override readonly name = 'PromqlExecutionError'
}
