// One instance's dashboard data sets in the series store (mapping: series-mapping.ts).
import { METRIC_LABEL } from '../../base/series/group-catalog'
import type { LabelMatcher } from '../../base/series/matchers'
import type { SeriesStore } from '../../base/series/series-store'
import {
  DASHBOARD_INFO_METRIC,
  DASHBOARD_METRIC,
  dashboardFromSample,
  dashboardGroupKey,
  dashboardInfoGroupKey,
  dashboardSample,
  INSTANCE_LABEL
} from './series-mapping'
import type { Dashboard } from './types'

export interface StoredDashboard {
  /** The sample's time, ms since the epoch. */
  ts: number
  dashboard: Dashboard
}

/** Later than any sample. */
const END_OF_TIME = Number.MAX_SAFE_INTEGER

/** The matchers of every dashboard group of an instance (both metrics). */
export function dashboardGroupsOf(instanceId: number): LabelMatcher[] {
  return [
    { name: METRIC_LABEL, op: '=~', value: `${DASHBOARD_METRIC}|${DASHBOARD_INFO_METRIC}` },
    { name: INSTANCE_LABEL, op: '=', value: String(instanceId) }
  ]
}

/**
 * An instance's dashboard history in the series store. Keep one per instance for Vigil's life
 * (collectors come and go with the linked host; this keeps sample times strictly increasing
 * across them, which is how a data set's two samples are matched).
 */
export class DashboardHistorySeries {
  private groupId: number | null = null
  private newestTs: number | null | undefined = undefined
  private deleted = false

  constructor(
    private readonly series: SeriesStore,
    readonly instanceId: number
  ) {}

  /**
   * Stores a data set at `ts`, or just after the newest one stored when `ts` is not later, and
   * makes it durable (the store's write-ahead log). Returns the time it got. Once the series
   * are deleted, stores nothing (a collection that was under way when its instance went).
   */
  append(ts: number, dashboard: Dashboard): number {
    if (this.deleted) return ts
    const newest = this.newest()
    const at = newest !== null && ts <= newest ? newest + 1 : ts
    const { row, info } = dashboardSample(dashboard)
    const infoGroup = this.series.groupId(dashboardInfoGroupKey(this.instanceId, info))
    this.series.append(this.ownGroup(true) as number, at, row)
    this.series.append(infoGroup, at, [1])
    this.series.flush()
    this.newestTs = at
    return at
  }

  /** The data sets stored with times in [start, end], oldest first. */
  read(start: number, end = END_OF_TIME): StoredDashboard[] {
    const group = this.ownGroup(false)
    if (group === null) return []
    const rows = this.series.read(group, start, end)
    if (rows.ts.length === 0) return []
    const infoAt = new Map<number, Readonly<Record<string, string>>>()
    for (const info of this.series.select([{ name: METRIC_LABEL, op: '=', value: DASHBOARD_INFO_METRIC }, this.instanceMatcher()])) {
      const labels = { ...info.labels }
      delete labels[INSTANCE_LABEL]
      for (const ts of this.series.read(info.id, rows.ts[0] as number, rows.ts.at(-1) as number).ts) infoAt.set(ts, labels)
    }
    const stored: StoredDashboard[] = []
    rows.ts.forEach((ts, index) => {
      const info = infoAt.get(ts)
      // Both samples of a data set are logged together; one alone is not a data set.
      if (info) stored.push({ ts, dashboard: dashboardFromSample(rows.columns.map((column) => column[index] ?? null), info) })
    })
    return stored
  }

  /**
   * The times of the newest `count` samples not older than `since`, oldest first — what a
   * collector starting up takes as its history. `spanHintMs` is how far back they probably go.
   */
  newestTimes(count: number, since: number, spanHintMs: number): number[] {
    const group = this.ownGroup(false)
    const newest = this.newest()
    if (group === null || newest === null || count <= 0) return []
    const oldest = Math.max(since, this.series.firstTs(group) ?? newest)
    let span = Math.max(spanHintMs, 60_000)
    for (;;) {
      const from = Math.max(oldest, newest - span)
      const { ts } = this.series.read(group, from, newest)
      if (ts.length >= count || from <= oldest) return ts.slice(-count)
      span *= 4
    }
  }

  /** Retention: drops the instance's chunks that end before `ts` (and groups left empty). */
  dropBefore(ts: number): void {
    this.series.dropBefore(ts, dashboardGroupsOf(this.instanceId))
  }

  /** Deletes the instance's dashboard series; nothing is stored from then on. */
  delete(): void {
    this.deleted = true
    deleteDashboardSeries(this.series, this.instanceId)
  }

  private newest(): number | null {
    if (this.newestTs === undefined) {
      const group = this.ownGroup(false)
      this.newestTs = group === null ? null : this.series.lastTs(group)
    }
    return this.newestTs
  }

  /** The id of the instance's pg_dashboard group; null when it has none and `create` is false. */
  private ownGroup(create: boolean): number | null {
    // Retention or a deletion may have removed the group since: check that the id is still it.
    const known = this.groupId === null ? undefined : this.series.group(this.groupId)
    if (known && known.metric === DASHBOARD_METRIC && known.labels[INSTANCE_LABEL] === String(this.instanceId)) return this.groupId
    this.groupId = null
    this.newestTs = undefined
    if (create) this.groupId = this.series.groupId(dashboardGroupKey(this.instanceId))
    else this.groupId = this.series.select([{ name: METRIC_LABEL, op: '=', value: DASHBOARD_METRIC }, this.instanceMatcher()])[0]?.id ?? null
    return this.groupId
  }

  private instanceMatcher(): LabelMatcher {
    return { name: INSTANCE_LABEL, op: '=', value: String(this.instanceId) }
  }
}

/** Deletes every dashboard series of an instance (it was deleted); returns how many groups went. */
export function deleteDashboardSeries(series: SeriesStore, instanceId: number): number {
  return series.deleteGroups(dashboardGroupsOf(instanceId))
}
