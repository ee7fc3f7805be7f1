// The metrics' view of the series store: batches of rows go in as samples of their groups
// (series-mapping.ts), and come back as groups of a metric, with the server and the labels
// that name them. Row reads for the APIs are in metric-rows.ts, the charts' in
// metric-series-repo.ts, roll-ups and retention in metrics-maintenance.ts.
import { SERIES_KEY, type MetricName } from '../../shared/metrics'
import { METRIC_LABEL } from '../base/series/group-catalog'
import type { LabelMatcher } from '../base/series/matchers'
import { RESOLUTION_LABEL, rollupMetricName } from '../base/series/rollups'
import { isStaleRow, STALE, type SampleValue } from '../base/series/sample'
import type { GroupInfo, PageQuery, SeriesRange, SeriesStore } from '../base/series/series-store'
import type { RolledUpMetric, SampleBatch, SampleValues } from './samples'
import { sampleGroupKey, sampleId, sampleRow } from './series-mapping'

/** The servers' names, as rows carry them. */
export interface ServerNames {
  hostname: string
  alias: string | null
}

/** A group of one metric with the rows it holds in a range. */
export interface GroupRows {
  group: GroupInfo
  serverId: string
  rows: SeriesRange
}

export class MetricsStore {
  /** Each server's process groups in its last process sample: those missing from the next go stale. */
  private readonly liveProcesses = new Map<string, Set<number>>()
  /**
   * The group of each (server, metric, row key) seen, so a row finds its group without building
   * its labels: by the disk or interface name, or by pid and then command and user.
   */
  private readonly knownGroups = new Map<string, Map<MetricName, Map<string | number, KnownGroup[]>>>()

  constructor(readonly series: SeriesStore) {}

  /**
   * Appends every batch's rows to their groups and makes them durable (the store's log);
   * returns each row's id, batch by batch. A process that was in a server's previous process
   * sample and is not in this one gets a staleness marker: its series ended.
   */
  write(batches: readonly SampleBatch[]): number[][] {
    const ids = batches.map((batch) => this.append(batch))
    this.series.flush()
    return ids
  }

  /** The groups of `metric` (raw samples), of one server or all. */
  groups(metric: MetricName, serverId?: string): GroupInfo[] {
    return this.series.select(serverMatchers(metric, serverId))
  }

  /** The roll-up groups of `metric` at `resolutionMs`, of one server or all. */
  rollupGroups(metric: RolledUpMetric, resolutionMs: number, serverId?: string): GroupInfo[] {
    return this.series.select([...serverMatchers(rollupMetricName(metric), serverId), { name: RESOLUTION_LABEL, op: '=', value: String(resolutionMs) }])
  }

  /** Each group's rows in [start, end] (staleness markers left out), groups with none left out. */
  read(groups: readonly GroupInfo[], start: number, end: number): GroupRows[] {
    const read: GroupRows[] = []
    for (const group of groups) {
      // Most groups of a metric (processes long gone) have nothing in a recent range.
      const last = this.series.lastTs(group.id)
      if (last === null || last < start) continue
      const rows = withoutStaleRows(this.series.read(group.id, start, end))
      if (rows.ts.length > 0) read.push({ group, serverId: group.labels.server_id ?? '', rows })
    }
    return read
  }

  /** One group's page of rows in [start, end] (staleness markers left out), and how many rows the range holds. */
  readPage(group: GroupInfo, query: PageQuery): { read: GroupRows; total: number } {
    const { rows, total } = this.series.readPage(group.id, query)
    return { read: { group, serverId: group.labels.server_id ?? '', rows }, total }
  }

  /** The time of a group's newest sample (or staleness marker), null when it has none. */
  lastSampleTs(groupId: number): number | null {
    return this.series.lastTs(groupId)
  }

  /** Forgets every series of a server (it was deleted). */
  deleteServer(serverId: string): void {
    this.series.deleteGroups([{ name: 'server_id', op: '=', value: serverId }])
    this.liveProcesses.delete(serverId)
    this.knownGroups.delete(serverId)
  }

  private append(batch: SampleBatch): number[] {
    let byMetric = this.knownGroups.get(batch.serverId)
    if (!byMetric) this.knownGroups.set(batch.serverId, (byMetric = new Map()))
    let byKey = byMetric.get(batch.metric)
    if (!byKey) byMetric.set(batch.metric, (byKey = new Map()))
    const known = byKey
    const groupIds = batch.rows.map((row) => this.groupOf(known, batch, row))
    const ids = batch.rows.map((row, r) => {
      const groupId = groupIds[r] as number
      return sampleId(groupId, this.series.append(groupId, batch.ts, sampleRow(batch.metric, row)))
    })
    if (batch.metric === 'process') this.markEndedProcesses(batch, new Set(groupIds))
    return ids
  }

  /** The row's group: known, or looked up (created on first use) and remembered. */
  private groupOf(known: Map<string | number, KnownGroup[]>, batch: SampleBatch, row: SampleValues): number {
    const rowKey = SERIES_KEY[batch.metric]
    const key = rowKey === null ? '' : (row[rowKey] ?? '')
    const candidates = known.get(key)
    if (candidates) {
      for (const candidate of candidates) {
        // Retention drops a group left empty: a remembered id may be gone.
        if (candidate.command === (row.command ?? null) && candidate.user === (row.user ?? null) && this.series.group(candidate.id)) return candidate.id
      }
    }
    const id = this.series.groupId(sampleGroupKey(batch.metric, batch.serverId, row))
    const entry = { id, command: row.command ?? null, user: row.user ?? null }
    known.set(key, [...(candidates ?? []).filter((candidate) => this.series.group(candidate.id)), entry])
    return id
  }

  private markEndedProcesses(batch: SampleBatch, live: Set<number>): void {
    for (const groupId of this.liveProcesses.get(batch.serverId) ?? []) {
      const group = live.has(groupId) ? undefined : this.series.group(groupId)
      if (group) this.series.append(groupId, batch.ts, group.columns.map(() => STALE))
    }
    this.liveProcesses.set(batch.serverId, live)
  }
}

/** A group known by its row key; processes are told apart by command and user too. */
interface KnownGroup {
  id: number
  command: string | number | null
  user: string | number | null
}

function serverMatchers(metric: string, serverId: string | undefined): LabelMatcher[] {
  const matchers: LabelMatcher[] = [{ name: METRIC_LABEL, op: '=', value: metric }]
  if (serverId !== undefined) matchers.push({ name: 'server_id', op: '=', value: serverId })
  return matchers
}

/** A staleness marker is not a sample: readers of rows never see one. */
function withoutStaleRows(range: SeriesRange): SeriesRange {
  const stale = (r: number): boolean => isStaleRow(range.columns, r)
  let any = false
  for (let r = 0; r < range.ts.length && !any; r++) any = stale(r)
  if (!any) return range
  const keep: number[] = []
  for (let r = 0; r < range.ts.length; r++) if (!stale(r)) keep.push(r)
  return {
    ts: keep.map((r) => range.ts[r] as number),
    seq: keep.map((r) => range.seq[r] as number),
    columns: range.columns.map((column) => keep.map((r) => column[r] as SampleValue))
  }
}
