// The rules OpenMetrics 1.0 sets on metric families beyond the grammar of a line, checked as the
// lines go by (text-parser.ts calls metadata() and sample() for each, end() after # EOF):
//   - a family's metadata (HELP, TYPE, UNIT, each at most once) comes before its samples, and a
//     family's names (with the suffixes its type gives: `_total`, `_bucket`, …) are its alone;
//   - a sample belongs to the family whose names it may take, else it starts a family of type
//     unknown; the samples of one labelled group of a family stand together, and within a
//     group timestamps are either all given or all absent and never go back;
//   - counter-like samples (`_total`, `_count`, `_sum`, `_bucket`, `_gcount`) are neither NaN nor
//     negative (a `_gsum` may be negative, not NaN), counts and buckets are whole numbers, a
//     summary's quantiles are not negative and its `quantile` label lies in [0, 1], a stateset's
//     and an info's values are 0/1 and 1, units are not given to infos and statesets;
//   - a histogram's buckets rise in `le` and in value, end at +Inf, whose value is `_count`;
//     `_sum` comes with `_count` (and not with negative buckets), `_gsum` with `_gcount`;
//   - exemplars only on a counter's `_total` and a histogram's `_bucket`.
// The same checks as the OpenMetrics project's reference parser (prometheus_client), against
// whose test cases they are tested (test/fixtures/openmetrics-parser-cases.ts).
import type { LineScanner, Sample } from './text-parser'

/** A rule of OpenMetrics families broken; the parser adds where. */
export class FamilyRuleError extends Error {}

const TYPE_SUFFIXES: Record<string, readonly string[]> = {
  counter: ['_total', '_created'],
  summary: ['', '_count', '_sum', '_created'],
  histogram: ['_count', '_sum', '_bucket', '_created'],
  gaugehistogram: ['_gcount', '_gsum', '_bucket'],
  info: ['_info']
}

interface Family {
  name: string
  type: string | null
  help: string | null
  unit: string | null
  allowed: readonly string[]
  /** Samples seen (histograms keep them for the end-of-family check). */
  sampled: boolean
  histogramSamples: Sample[]
  group: string | null
  seenGroups: Set<string>
  groupTimestamp: number | null | undefined
}

const fail = (message: string): never => {
  throw new FamilyRuleError(message)
}

export class OpenMetricsFamilies {
  private family: Family | null = null
  private readonly seenNames = new Set<string>()
  /** Each series' group, by the series as written: a series repeats (timestamps) without sorting its labels again. */
  private readonly groups = new Map<string, string>()

  metadata(keyword: 'HELP' | 'TYPE' | 'UNIT', name: string, text: string, _scanner: LineScanner): void {
    let family = this.family
    if (family?.name === name && family.sampled) fail(`${keyword} for ${JSON.stringify(name)} after its samples: metadata comes first`)
    if (family?.name !== name) {
      this.close()
      family = this.open(name, null)
    }
    if (keyword === 'HELP') {
      if (family.help !== null) fail(`a second HELP for ${JSON.stringify(name)}`)
      family.help = text
    } else if (keyword === 'TYPE') {
      if (family.type !== null) fail(`a second TYPE for ${JSON.stringify(name)}`)
      family.type = text
      family.allowed = (TYPE_SUFFIXES[text] ?? ['']).map((suffix) => name + suffix)
    } else {
      if (family.unit !== null) fail(`a second UNIT for ${JSON.stringify(name)}`)
      family.unit = text
    }
  }

  sample(sample: Sample, _scanner: LineScanner): void {
    let family = this.family
    if (family === null || !family.allowed.includes(sample.name)) {
      this.close()
      family = this.open(sample.name, 'unknown')
    }
    family.sampled = true
    const { name } = family
    const type = family.type ?? 'unknown'
    const suffix = sample.name.slice(name.length)
    const { labels, value } = sample
    if (type === 'stateset' && labels[name] === undefined) fail(`a stateset's sample needs the label ${JSON.stringify(name)}`)
    if (suffix === '_bucket' && (type === 'histogram' || type === 'gaugehistogram')) {
      const le = labels.le
      if (le === undefined || !isCanonicalBound(le)) fail(`a bucket needs an "le" label that is a number (+Inf written so), not ${JSON.stringify(le ?? '')}`)
    }
    if ((suffix === '_bucket' || suffix === '_count' || suffix === '_gcount') && TYPE_SUFFIXES[type]?.includes(suffix) && Number.isFinite(value) && !Number.isInteger(value)) {
      fail(`${sample.name} must be a whole number, not ${value}`)
    }
    if (type === 'summary' && suffix === '') {
      const quantile = labels.quantile
      const q = quantile === undefined ? NaN : Number(quantile)
      if (quantile === undefined || quantile.trim() === '' || !(q >= 0 && q <= 1)) fail(`a summary's quantile needs a "quantile" label from 0 to 1, not ${JSON.stringify(quantile ?? '')}`)
      if (value < 0) fail('a quantile value cannot be negative')
    }
    this.checkGroup(family, type, sample)
    if (type === 'stateset' && value !== 0 && value !== 1) fail(`a stateset's values are 0 or 1, not ${value}`)
    if (type === 'info' && value !== 1) fail(`an info's value is 1, not ${value}`)
    const counterLike = TYPE_SUFFIXES[type]?.includes(suffix) === true && ['_total', '_sum', '_count', '_bucket', '_gcount', '_gsum'].includes(suffix)
    if (counterLike && Number.isNaN(value)) fail(`${sample.name} cannot be NaN`)
    if (counterLike && suffix !== '_gsum' && value < 0) fail(`${sample.name} cannot be negative`)
    if (sample.hasExemplar && !((type === 'histogram' || type === 'gaugehistogram') && suffix === '_bucket') && !(type === 'counter' && suffix === '_total')) {
      fail(`only a counter's _total and a histogram's _bucket may carry an exemplar, not ${sample.name}`)
    }
    if (type === 'histogram' || type === 'gaugehistogram') family.histogramSamples.push(sample)
  }

  end(): void {
    this.close()
  }

  private open(name: string, type: string | null): Family {
    this.family = {
      name,
      type,
      help: null,
      unit: null,
      allowed: [name],
      sampled: false,
      histogramSamples: [],
      group: null,
      seenGroups: new Set(),
      groupTimestamp: undefined
    }
    return this.family
  }

  /** The samples of one group together; timestamps all given or all absent, never going back. */
  private checkGroup(family: Family, type: string, sample: Sample): void {
    let group = this.groups.get(sample.key)
    if (group === undefined) {
      group = groupOf(sample, family.name, type)
      this.groups.set(sample.key, group)
    }
    if (family.group !== null && group !== family.group && family.seenGroups.has(group)) {
      fail(`the samples of ${sample.name}${JSON.stringify(sample.labels)}'s group are not together`)
    }
    if (group === family.group) {
      if ((sample.timestampSeconds === null) !== (family.groupTimestamp === null)) fail('some samples of a group have timestamps and others not')
      const previous = family.groupTimestamp
      if (typeof previous === 'number' && sample.timestampSeconds !== null && previous > sample.timestampSeconds && type !== 'info') fail('timestamps go back within a group')
    }
    family.group = group
    family.groupTimestamp = sample.timestampSeconds
    family.seenGroups.add(group)
  }

  private close(): void {
    const family = this.family
    if (family === null) return
    this.family = null
    const type = family.type ?? 'unknown'
    for (const suffix of new Set([...(TYPE_SUFFIXES[type] ?? []), ''])) {
      const name = family.name + suffix
      if (this.seenNames.has(name)) fail(`the name ${JSON.stringify(name)} belongs to two metric families`)
      this.seenNames.add(name)
    }
    if (family.unit) {
      if (!family.name.endsWith(`_${family.unit}`)) fail(`unit ${JSON.stringify(family.unit)} is not a suffix of the metric name ${JSON.stringify(family.name)}`)
      if (type === 'info' || type === 'stateset') fail(`a ${type} has no unit`)
    }
    if (type === 'histogram' || type === 'gaugehistogram') checkHistogram(family.name, family.histogramSamples)
  }
}

/** The labels that tell a sample's group: all but the one that tells its place in the group (le, quantile, the stateset's own). */
function groupOf(sample: Sample, name: string, type: string): string {
  if (type === 'info') return ''
  let labels = sample.labels
  const drop = type === 'summary' && sample.name === name ? 'quantile' : type === 'stateset' ? name : (type === 'histogram' || type === 'gaugehistogram') && sample.name === `${name}_bucket` ? 'le' : null
  if (drop !== null) {
    labels = { ...labels }
    delete labels[drop]
  }
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** A bucket bound: a number, not NaN, its infinities written +Inf or -Inf. */
function isCanonicalBound(text: string): boolean {
  if (text === '+Inf' || text === '-Inf') return true
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return false
  return Number.isFinite(Number(text))
}

function checkHistogram(name: string, samples: readonly Sample[]): void {
  let group: string | null = null
  let timestamp: number | null | undefined
  let state = freshHistogram()
  const check = (): void => {
    if (state.bucket !== Infinity) fail(`histogram ${JSON.stringify(name)} has no +Inf bucket`)
    if (state.count !== null && state.value !== state.count) fail(`histogram ${JSON.stringify(name)}: _count does not match the +Inf bucket`)
    if (state.hasSum && state.count === null) fail(`histogram ${JSON.stringify(name)}: _sum without _count`)
    if (state.hasGsum && state.count === null) fail(`histogram ${JSON.stringify(name)}: _gsum without _gcount`)
    if (!(state.hasSum || state.hasGsum) && state.count !== null) fail(`histogram ${JSON.stringify(name)}: _count without _sum`)
    if (state.negativeBuckets && state.hasSum) fail(`histogram ${JSON.stringify(name)}: _sum with negative buckets`)
    if (!state.negativeBuckets && state.negativeGsum) fail(`histogram ${JSON.stringify(name)}: a negative _gsum without negative buckets`)
  }
  for (const sample of samples) {
    const suffix = sample.name.slice(name.length)
    const g = groupOf(sample, name, 'histogram')
    if (g !== group || sample.timestampSeconds !== timestamp) {
      if (group !== null) check()
      state = freshHistogram()
    }
    group = g
    timestamp = sample.timestampSeconds
    if (suffix === '_bucket') {
      const bound = Number((sample.labels.le ?? '').replace(/^\+?Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity'))
      if (bound < 0) state.negativeBuckets = true
      if (state.bucket !== null && bound <= state.bucket) fail(`histogram ${JSON.stringify(name)}: buckets out of order`)
      if (sample.value < state.value) fail(`histogram ${JSON.stringify(name)}: bucket values go down`)
      state.bucket = bound
      state.value = sample.value
    } else if (suffix === '_count' || suffix === '_gcount') state.count = sample.value
    else if (suffix === '_sum') state.hasSum = true
    else if (suffix === '_gsum') {
      state.hasGsum = true
      if (sample.value < 0) state.negativeGsum = true
    }
  }
  if (group !== null) check()
}

function freshHistogram() {
  return { count: null as number | null, bucket: null as number | null, negativeBuckets: false, hasSum: false, hasGsum: false, negativeGsum: false, value: 0 }
}
