// The read API the query faces build on: the series that label matchers select, with their
// samples in a time range — raw, or a roll-up resolution of them. Matchers name the raw series
// (`__name__="vmstat"`) either way: at a resolution they select that series' roll-up groups.
import { groupIdentity, METRIC_LABEL, type GroupInfo } from './group-catalog'
import { matcherTest, type LabelMatcher } from './matchers'
import { rawMetricName, RESOLUTION_LABEL, ROLLUP_METRIC_PATTERN } from './rollups'
import type { SeriesRange, SeriesStore } from './series-store'

export interface SeriesQuery {
  matchers: readonly LabelMatcher[]
  /** Sample times in [start, end], ms. */
  start: number
  end: number
  /** A roll-up resolution (ms) instead of the raw samples: the columns `n` and `<field>_min|_avg|_max`. */
  resolutionMs?: number
}

export interface SelectedSeries {
  /** The group read (a roll-up group at a resolution). */
  group: GroupInfo
  /** The raw series' metric (without the roll-up suffix). */
  metric: string
  /** Its samples in the range, in time order; never empty. */
  range: SeriesRange
}

/**
 * The groups the query selects that have samples in its range, with those samples. A series
 * that ended and started again later (a process back after it left memory) may be stored as
 * two groups with the same labels: they come back as one, their samples in time order.
 */
export function* querySeries(store: SeriesStore, query: SeriesQuery): Generator<SelectedSeries> {
  const byIdentity = new Map<string, SelectedSeries[]>()
  for (const group of selectForQuery(store, query)) {
    const first = store.firstTs(group.id)
    const last = store.lastTs(group.id)
    if (first === null || last === null || first > query.end || last < query.start) continue
    const range = store.read(group.id, query.start, query.end)
    if (range.ts.length === 0) continue
    const identity = groupIdentity(group)
    const same = byIdentity.get(identity)
    if (same) same.push({ group, metric: rawMetricName(group.metric), range })
    else byIdentity.set(identity, [{ group, metric: rawMetricName(group.metric), range }])
  }
  for (const parts of byIdentity.values()) yield parts.length === 1 ? (parts[0] as SelectedSeries) : joined(parts)
}

/** Groups of one identity as one series: the newest group's, with every part's samples in time order. */
function joined(parts: SelectedSeries[]): SelectedSeries {
  const rows = parts.flatMap(({ range }) => range.ts.map((ts, index) => ({ ts, range, index })))
  rows.sort((a, b) => a.ts - b.ts)
  const columns = (parts[0] as SelectedSeries).range.columns.map((_, c) => rows.map(({ range, index }) => range.columns[c]?.[index] ?? null))
  const newest = parts.reduce((a, b) => ((b.range.ts.at(-1) as number) > (a.range.ts.at(-1) as number) ? b : a))
  return {
    group: newest.group,
    metric: newest.metric,
    range: { ts: rows.map((row) => row.ts), seq: rows.map(({ range, index }) => range.seq[index] as number), columns }
  }
}

function selectForQuery(store: SeriesStore, query: SeriesQuery): GroupInfo[] {
  const range = { start: query.start, end: query.end }
  if (query.resolutionMs === undefined) {
    return store.select([...query.matchers, { name: METRIC_LABEL, op: '!~', value: ROLLUP_METRIC_PATTERN }], range)
  }
  // Roll-up groups are named `<metric>:rollup`: the name matchers apply to the raw name.
  const byName = query.matchers.filter((matcher) => matcher.name === METRIC_LABEL).map(matcherTest)
  const others = query.matchers.filter((matcher) => matcher.name !== METRIC_LABEL)
  return store
    .select([
      ...others,
      { name: METRIC_LABEL, op: '=~', value: ROLLUP_METRIC_PATTERN },
      { name: RESOLUTION_LABEL, op: '=', value: String(query.resolutionMs) }
    ], range)
    .filter((group) => byName.every((test) => test(rawMetricName(group.metric))))
}
