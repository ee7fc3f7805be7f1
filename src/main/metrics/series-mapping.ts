// How the metrics' rows become series groups, in one place: the writer (when the metrics move
// into the series store) and the converter of the old tables must name groups and order
// columns the same way, or a data dir would hold two spellings of one series.
import { NUMERIC_FIELDS, type MetricName } from '../../shared/metrics'
import { HOUR_MS, MINUTE_MS, rollupKey } from '../base/series/rollups'
import { numberOrNull, type SampleValue } from '../base/series/sample'
import type { GroupInfo, GroupKey } from '../base/series/series-store'
import { ROLLED_UP, type RolledUpMetric, type SampleValues } from './samples'

/**
 * The fields that tell one metric's groups apart, after the server: a row of each distinct
 * combination is one series. A process is its pid with its command and user, so a pid reused
 * by another program starts a series of its own.
 */
export const GROUP_LABELS = {
  vmstat: ['server_id'],
  iostat: ['server_id', 'disk'],
  netstat: ['server_id', 'interface'],
  process: ['server_id', 'pid', 'command', 'user']
} as const satisfies Record<MetricName, readonly string[]>

/** The roll-up resolutions kept, finest first. */
export const ROLLUP_RESOLUTIONS = [MINUTE_MS, HOUR_MS] as const

/** Label values are text: numbers (a pid) in decimal, a missing value as ''. */
function labelText(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value)
}

/**
 * The group of one stored row of `metric` taken on `serverId`. Labels are always named in the
 * same order, which lets the store find a known group without sorting them.
 */
export function sampleGroupKey(metric: MetricName, serverId: string, row: Readonly<SampleValues>): GroupKey {
  const labels: Record<string, string> = {}
  for (const name of GROUP_LABELS[metric]) labels[name] = name === 'server_id' ? serverId : labelText(row[name])
  return { metric, labels, columns: NUMERIC_FIELDS[metric] }
}

/**
 * A row's id in the metrics API and its WebSockets: the group's id and the sample's sequence
 * number in it (SeriesStore.append), as (group mod 2^27) · 2^26 + (seq mod 2^26) — a safe
 * integer, the same whenever the row is read, and unique among the rows kept: the wrap-arounds
 * are years of samples or a hundred million groups apart, far beyond retention.
 */
export function sampleId(groupId: number, seq: number): number {
  return (groupId % 2 ** 27) * 2 ** 26 + (seq % 2 ** 26)
}

/** The fields a row of `metric` takes from its group's labels: disk, interface, or pid, command and user. */
export function labelFields(metric: MetricName, group: Pick<GroupInfo, 'labels'>): SampleValues {
  const fields: SampleValues = {}
  for (const name of GROUP_LABELS[metric]) {
    if (name === 'server_id') continue
    const text = group.labels[name] ?? ''
    fields[name] = name === 'pid' ? Number(text) : text
  }
  return fields
}

/** A row's values in its group's column order; anything not a number is missing. */
export function sampleRow(metric: MetricName, row: Readonly<SampleValues>): SampleValue[] {
  return NUMERIC_FIELDS[metric].map((field) => numberOrNull(row[field]))
}

export function isRolledUp(metric: MetricName): metric is RolledUpMetric {
  return (ROLLED_UP as readonly string[]).includes(metric)
}

/** The roll-up groups of a raw group (vmstat, iostat, netstat only), finest first; none for processes. */
export function rollupGroupKeys(key: GroupKey): GroupKey[] {
  if (!isRolledUp(key.metric as MetricName)) return []
  return ROLLUP_RESOLUTIONS.map((resolution) => rollupKey(key, resolution))
}

/** The roll-up group of a raw group at one resolution; throws for metrics without roll-ups. */
export function rollupGroupKey(key: GroupKey, resolutionMs: number): GroupKey {
  if (!isRolledUp(key.metric as MetricName)) throw new RangeError(`${key.metric} has no roll-ups`)
  if (!(ROLLUP_RESOLUTIONS as readonly number[]).includes(resolutionMs)) throw new RangeError(`no roll-up at ${resolutionMs} ms`)
  return rollupKey(key, resolutionMs)
}

/** A stored roll-up row (`n`, then `<f>_min`, `<f>_avg`, `<f>_max` per field) in its group's column order. */
export function rollupRow(metric: RolledUpMetric, row: Readonly<SampleValues>): SampleValue[] {
  const values: SampleValue[] = [numberOrNull(row.n)]
  for (const field of NUMERIC_FIELDS[metric]) for (const suffix of ['_min', '_avg', '_max']) values.push(numberOrNull(row[field + suffix]))
  return values
}
