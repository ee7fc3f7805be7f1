// The series model: everything the series store keeps, as Prometheus series. The PromQL engine
// reads through select(); /api/v1/series, labels and label values through listed().
//
// Matchers are PromQL's (RE2 regexes, `__name__` for the metric, any label, `server` and `os`
// too, which come from the servers register). Each is turned into the store's selection where it
// can narrow it cheaply — an equality on a label the store keeps, a register name as the id it
// stands for — and then every matcher is checked against each series' full labels, so the
// store's own (JavaScript) regexes never decide what matches.
import type { LabelMatcher as StoreMatcher } from '../../base/series/matchers'
import type { GroupInfo, SeriesStore } from '../../base/series/series-store'
import { METRIC_LABEL } from '../../base/series/group-catalog'
import { withoutImportLabel } from '../../base/series/imported-groups'
import type { LabelMatcher } from '../promql'
import { externalMetricMatcher, externalName } from './external-series'
import { familyLabelNames, type MetricDoc, type SeriesFamily } from './family'
import { compareGoStrings, compareLabelSets, labelSet, labelSetKey, NAME_LABEL, type LabelSet } from './label-sets'
import { registryIds, registryLabels, type RegistrySnapshot, type SeriesRegistry } from './registry'
import { columnSamples, type ColumnPart, type PromSamples } from './samples'
import { VIGIL_FAMILIES } from './vigil-families'

/** One Prometheus series with its samples in the range asked for. */
export interface PromSeries extends PromSamples {
  /** With `__name__`, names in Go's order, no empty values. */
  labels: LabelSet
}

/** A store group that matchers select, seen as the Prometheus series of its columns. */
export interface ListedGroup {
  /** The series' labels, without `__name__`. */
  labels: LabelSet
  /** The Prometheus names of the group's series that the matchers select. */
  names: readonly string[]
}

interface Candidate {
  group: GroupInfo
  labels: LabelSet
  metrics: ReadonlyArray<{ name: string; column: string }>
}

export class SeriesModel {
  constructor(
    private readonly store: SeriesStore,
    private readonly registry: SeriesRegistry,
    private readonly families: readonly SeriesFamily[] = VIGIL_FAMILIES
  ) {}

  /**
   * The series every matcher selects that have a sample in [startMs, endMs], each with those
   * samples (staleness markers included), sorted by labels as Prometheus sorts series.
   */
  select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): PromSeries[] {
    const parts = new Map<string, { labels: LabelSet; parts: ColumnPart[] }>()
    for (const candidate of this.candidates(matchers, startMs, endMs)) {
      if (!this.reaches(candidate.group.id, startMs, endMs)) continue
      const range = this.store.read(candidate.group.id, startMs, endMs)
      if (range.ts.length === 0) continue
      for (const metric of candidate.metrics) {
        const column = candidate.group.columns.indexOf(metric.column)
        if (column < 0) continue
        const labels = withName(candidate.labels, metric.name)
        const key = labelSetKey(labels)
        const entry = parts.get(key)
        if (entry) entry.parts.push({ range, column })
        else parts.set(key, { labels, parts: [{ range, column }] })
      }
    }
    const series: PromSeries[] = []
    for (const { labels, parts: columnParts } of parts.values()) {
      const samples = columnSamples(columnParts)
      if (samples.timestamps.length > 0) series.push({ labels, ...samples })
    }
    return series.sort((a, b) => compareLabelSets(a.labels, b.labels))
  }

  /**
   * The groups every matcher selects that have a sample in [startMs, endMs]. A group is listed
   * with all its selected columns, though a column may hold no value in the range (a field the
   * OS does not supply, such as vmstat's fr on Linux): reading every sample to tell would make
   * a list of names cost as much as a query.
   */
  listed(matchers: readonly LabelMatcher[], startMs: number, endMs: number): ListedGroup[] {
    const listed = new Map<string, ListedGroup>()
    for (const candidate of this.candidates(matchers, startMs, endMs)) {
      if (!this.hasSampleIn(candidate.group.id, startMs, endMs)) continue
      const key = labelSetKey(candidate.labels)
      const names = candidate.metrics.map((metric) => metric.name)
      const known = listed.get(key)
      listed.set(key, { labels: candidate.labels, names: known ? [...new Set([...known.names, ...names])] : names })
    }
    return [...listed.values()]
  }

  /** listed() as Prometheus series' label sets, sorted. */
  seriesLabels(matchers: readonly LabelMatcher[], startMs: number, endMs: number): LabelSet[] {
    return this.listed(matchers, startMs, endMs)
      .flatMap((group) => group.names.map((name) => withName(group.labels, name)))
      .sort(compareLabelSets)
  }

  /** The labels of a series Vigil collects that the matchers select with a sample in [startMs, endMs], or null when none. */
  firstCollected(matchers: readonly LabelMatcher[], startMs: number, endMs: number): LabelSet | null {
    const registry = this.registry.snapshot()
    for (const family of this.families) {
      for (const candidate of this.familyCandidates(family, matchers, { start: startMs, end: endMs }, registry)) {
        if (this.hasSampleIn(candidate.group.id, startMs, endMs)) return withName(candidate.labels, candidate.metrics[0]?.name ?? '')
      }
    }
    return null
  }

  /** The store groups of the external (imported) series the matchers select with a sample in [startMs, endMs]. */
  externalGroupIds(matchers: readonly LabelMatcher[], startMs: number, endMs: number): number[] {
    const ids: number[] = []
    for (const candidate of this.externalCandidates(matchers, { start: startMs, end: endMs })) {
      if (this.hasSampleIn(candidate.group.id, startMs, endMs)) ids.push(candidate.group.id)
    }
    return ids
  }

  /**
   * `# HELP`, `# TYPE` and unit of every metric Vigil collects, by name in Go's order. Imported
   * series have none: like Prometheus' backfill, the import keeps samples, not metadata.
   */
  metadata(): ReadonlyMap<string, MetricDoc> {
    const docs = this.families.flatMap((family) => family.metrics.map(({ name, type, help, unit }) => [name, { type, help, unit }] as const))
    return new Map(docs.sort(([a], [b]) => compareGoStrings(a, b)))
  }

  /** The registers' labels as they are now (one snapshot for many seriesOfGroup calls). */
  registrySnapshot(): RegistrySnapshot {
    return this.registry.snapshot()
  }

  /**
   * The Prometheus series a store group holds — one per column that a family, or the group's
   * origin, maps — with full labels, `__name__` included: what remote write names them. Empty
   * for a group Vigil keeps but does not expose.
   */
  seriesOfGroup(group: GroupInfo, registry: RegistrySnapshot): Array<{ column: number; labels: LabelSet }> {
    const name = externalName(group.metric)
    if (name !== null) return [{ column: 0, labels: withName(externalLabels(group), name) }]
    const series: Array<{ column: number; labels: LabelSet }> = []
    for (const family of this.families) {
      if (family.storeMetric !== group.metric) continue
      const labels = familyLabels(family, group, registry)
      for (const metric of family.metrics) {
        const column = group.columns.indexOf(metric.column)
        if (column >= 0) series.push({ column, labels: withName(labels, metric.name) })
      }
    }
    return series
  }

  private *candidates(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Generator<Candidate> {
    const registry = this.registry.snapshot()
    for (const family of this.families) yield* this.familyCandidates(family, matchers, { start: startMs, end: endMs }, registry)
    yield* this.externalCandidates(matchers, { start: startMs, end: endMs })
  }

  private *familyCandidates(family: SeriesFamily, matchers: readonly LabelMatcher[], range: TimeRange, registry: RegistrySnapshot): Generator<Candidate> {
    const byName = matchers.filter((matcher) => matcher.name === NAME_LABEL)
    const byLabel = matchers.filter((matcher) => matcher.name !== NAME_LABEL)
    const metrics = family.metrics.filter((metric) => byName.every((matcher) => matcher.matches(metric.name)))
    if (metrics.length === 0) return
    // A matcher on a label the family never has sees "" on every one of its series.
    const names = familyLabelNames(family)
    if (names && byLabel.some((matcher) => !names.has(matcher.name) && !matcher.matches(''))) return
    const selection = familySelection(family, byLabel, registry)
    if (selection === null) return
    for (const group of this.store.select(selection, range)) {
      if (group.metric !== family.storeMetric) continue
      const labels = familyLabels(family, group, registry)
      if (byLabel.every((matcher) => matcher.matches(labels[matcher.name] ?? ''))) yield { group, labels, metrics }
    }
  }

  private *externalCandidates(matchers: readonly LabelMatcher[], range: TimeRange): Generator<Candidate> {
    for (const group of this.store.select(externalSelection(matchers), range)) {
      const name = externalName(group.metric)
      if (name === null) continue
      const labels = externalLabels(group)
      const full = withName(labels, name)
      if (matchers.every((matcher) => matcher.matches(full[matcher.name] ?? ''))) yield { group, labels, metrics: [{ name, column: 'value' }] }
    }
  }

  /** Whether a group may have samples in the range, from its first and last times alone. */
  private reaches(groupId: number, start: number, end: number): boolean {
    const first = this.store.firstTs(groupId)
    const last = this.store.lastTs(groupId)
    return first !== null && last !== null && first <= end && last >= start
  }

  private hasSampleIn(groupId: number, start: number, end: number): boolean {
    if (!this.reaches(groupId, start, end)) return false
    // The group's first or last sample is in the range; otherwise the range lies inside its span.
    const first = this.store.firstTs(groupId) as number
    const last = this.store.lastTs(groupId) as number
    if (first >= start || last <= end) return true
    return this.store.read(groupId, start, end).ts.length > 0
  }
}

interface TimeRange {
  start: number
  end: number
}

/**
 * An external group's Prometheus labels: its own, without the file an import records
 * (imported-groups.ts) — the same series imported from two files is one series, as Prometheus
 * has it.
 */
function externalLabels(group: GroupInfo): LabelSet {
  return labelSet(Object.entries(withoutImportLabel(group.labels)))
}

function withName(labels: LabelSet, name: string): LabelSet {
  return labelSet([...Object.entries(labels), [NAME_LABEL, name]])
}

/** A family group's Prometheus labels: its store labels renamed, and the register's. */
function familyLabels(family: SeriesFamily, group: GroupInfo, registry: RegistrySnapshot): LabelSet {
  const pairs: Array<[string, string]> =
    family.storeLabels === null
      ? Object.entries(group.labels)
      : Object.entries(family.storeLabels).map(([storeLabel, label]) => [label, group.labels[storeLabel] ?? ''])
  return labelSet([...pairs, ...registryLabels(family.registry, group.labels, registry)])
}

/**
 * The store selection of a family's groups that the label matchers may select: its metric,
 * and each equality on a label the store keeps (a register name as its id). Null when an
 * equality names nothing in the register: no group can match.
 */
function familySelection(family: SeriesFamily, matchers: readonly LabelMatcher[], registry: RegistrySnapshot): StoreMatcher[] | null {
  const selection: StoreMatcher[] = [{ name: METRIC_LABEL, op: '=', value: family.storeMetric }]
  const storeLabelOf = new Map(Object.entries(family.storeLabels ?? {}).map(([storeLabel, label]) => [label, storeLabel]))
  for (const matcher of matchers) {
    if (matcher.type !== '=' || matcher.value === '') continue
    const registered = registryIds(family.registry, matcher.name, matcher.value, registry)
    if (registered !== null) {
      if (registered.ids.length === 0) return null
      if (registered.ids.length === 1) selection.push({ name: registered.storeLabel, op: '=', value: registered.ids[0] as string })
      continue
    }
    const storeLabel = family.storeLabels === null ? matcher.name : storeLabelOf.get(matcher.name)
    if (storeLabel !== undefined) selection.push({ name: storeLabel, op: '=', value: matcher.value })
  }
  return selection
}

/** The store selection of external groups: by name when it is given exactly, and label equalities. */
function externalSelection(matchers: readonly LabelMatcher[]): StoreMatcher[] {
  const exactName = matchers.find((matcher) => matcher.name === NAME_LABEL && matcher.type === '=' && matcher.value !== '')
  const selection: StoreMatcher[] = [externalMetricMatcher(exactName?.value)]
  for (const matcher of matchers) {
    if (matcher.name !== NAME_LABEL && matcher.type === '=' && matcher.value !== '') selection.push({ name: matcher.name, op: '=', value: matcher.value })
  }
  return selection
}
