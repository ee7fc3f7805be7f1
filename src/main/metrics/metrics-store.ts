// The metrics' view of the series store: batches of rows go in as samples of their groups
// (series-mapping.ts), and come back as groups of a metric, with the server and the labels
// that name them. Row reads for the APIs are in metric-rows.ts, the charts' in
// metric-series-repo.ts, roll-ups and retention in metrics-maintenance.ts.
import { NUMERIC_FIELDS, SERIES_KEY, type MetricName } from '../../shared/metrics'
import { METRIC_LABEL } from '../base/series/group-catalog'
import { detachedCopy } from '../base/text'
import type { ColumnarRows } from '../base/series/columnar-rows'
import type { LabelMatcher } from '../base/series/matchers'
import { RESOLUTION_LABEL, rollupMetricName } from '../base/series/rollups'
import { isStaleRow, numberOrNull, STALE, type SampleValue } from '../base/series/sample'
import type { GroupHandle, GroupInfo, PageQuery, SeriesRange, SeriesStore } from '../base/series/series-store'
import type { RolledUpMetric, SampleBatch, SampleValues } from './samples'
import { sampleGroupKey, sampleId } from './series-mapping'

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
  /**
   * Each server's process groups in its last process sample, with their row keys (pids): those
   * missing from the next go stale.
   */
  private readonly liveProcesses = new Map<string, KnownGroup[]>()
  /**
   * The group of each (server, metric, row key) seen, so a row finds its group without building
   * its labels: by the disk or interface name, or by pid and then command and user.
   */
  private readonly knownGroups = new Map<string, Map<MetricName, KnownRows>>()
  /** Batches appended: a process's group notes the last one it was in. */
  private batches = 0

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

  /**
   * The groups of `metric` (raw samples), of one server or all: those in memory, and with a
   * range also those of processes that ended and have samples there.
   */
  groups(metric: MetricName, serverId?: string, range?: { start: number; end: number }): GroupInfo[] {
    return this.series.select(serverMatchers(metric, serverId), range)
  }

  /** The roll-up groups of `metric` at `resolutionMs`, of one server or all. */
  rollupGroups(metric: RolledUpMetric, resolutionMs: number, serverId?: string): GroupInfo[] {
    return this.series.select([...serverMatchers(rollupMetricName(metric), serverId), { name: RESOLUTION_LABEL, op: '=', value: String(resolutionMs) }])
  }

  /** Matchers that select the raw groups of `metrics`, every server's. */
  matchersOf(metrics: readonly MetricName[]): LabelMatcher[] {
    return [{ name: METRIC_LABEL, op: '=~', value: metrics.join('|') }]
  }

  /** Matchers that select the roll-up groups of `metrics` at `resolutionMs`, every server's. */
  rollupMatchersOf(metrics: readonly RolledUpMetric[], resolutionMs: number): LabelMatcher[] {
    return [
      { name: METRIC_LABEL, op: '=~', value: metrics.map((metric) => escapeRegex(rollupMetricName(metric))).join('|') },
      { name: RESOLUTION_LABEL, op: '=', value: String(resolutionMs) }
    ]
  }

  /**
   * Each group's rows in [start, end], groups with none left out; staleness markers (rows all
   * STALE) left out too, unless `withMarkers` — for a reader that skips them itself.
   */
  read(groups: readonly GroupInfo[], start: number, end: number, withMarkers = false): GroupRows[] {
    const read: GroupRows[] = []
    for (const group of groups) {
      // Most groups of a metric (processes long gone) have nothing in a recent range.
      const last = this.series.lastTs(group.id)
      if (last === null || last < start) continue
      const range = this.series.read(group.id, start, end)
      const rows = withMarkers ? range : withoutStaleRows(range)
      if (rows.ts.length > 0) read.push({ group, serverId: group.labels.server_id ?? '', rows })
    }
    return read
  }

  /**
   * The groups' rows in [start, end], staleness markers included, group after group in the
   * order given, part by part in typed arrays reused from part to part (SeriesStore.scan): for
   * reads that fold many series as they go.
   */
  scan(groups: readonly GroupInfo[], start: number, end: number, visit: (index: number, rows: ColumnarRows, from: number, to: number) => void): void {
    this.series.scan(
      groups.map((group) => group.id),
      start,
      end,
      visit
    )
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
    const known = this.knownOf(batch.serverId, batch.metric)
    const rowKey = SERIES_KEY[batch.metric]
    const fields = NUMERIC_FIELDS[batch.metric]
    // One array for every row's values: the store copies them.
    const values = new Array<SampleValue>(fields.length)
    const rows = batch.rows
    const ids = new Array<number>(rows.length)
    const stamp = ++this.batches
    const processes = batch.metric === 'process'
    // The groups of this process sample, in their rows' order, each once.
    const live: KnownGroup[] | null = processes ? [] : null
    const previous = known.previous
    if (previous.length !== rows.length) previous.length = rows.length
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as SampleValues
      const key = rowKey === null ? '' : (row[rowKey] ?? '')
      // Most rows are where they were in the last sample (a server's disks, its interfaces).
      let group = previous[r]
      if (group === undefined || group.key !== key || !this.isGroupOf(group, row, processes)) previous[r] = group = this.groupOf(known.byKey, key, batch, row, processes)
      for (let f = 0; f < fields.length; f++) values[f] = numberOrNull(row[fields[f] as string])
      ids[r] = sampleId(group.id, this.series.appendTo(group.handle, batch.ts, values))
      if (live !== null && group.seen !== stamp) {
        group.seen = stamp
        live.push(group)
      }
    }
    if (live !== null) this.markEndedProcesses(batch, live, stamp, known.byKey)
    return ids
  }

  private knownOf(serverId: string, metric: MetricName): KnownRows {
    let byMetric = this.knownGroups.get(serverId)
    if (!byMetric) this.knownGroups.set(serverId, (byMetric = new Map()))
    let known = byMetric.get(metric)
    if (!known) byMetric.set(metric, (known = { byKey: new Map(), previous: [] }))
    return known
  }

  /**
   * Whether a known group of the row's key is the row's: still in the store, and for a process
   * the same command and user. Other metrics' groups are named by their key alone (GROUP_LABELS),
   * and their rows have neither field: looking for them was a lookup of an absent property on
   * every disk's, interface's and vmstat's row.
   */
  private isGroupOf(candidate: KnownGroup, row: SampleValues, processes: boolean): boolean {
    return (!processes || (candidate.command === (row.command ?? null) && candidate.user === (row.user ?? null))) && this.stillKnown(candidate)
  }

  /** The row's group: known by its key, or looked up (created on first use) and remembered. */
  private groupOf(known: Map<RowKey, KnownGroup>, key: RowKey, batch: SampleBatch, row: SampleValues, processes: boolean): KnownGroup {
    const first = known.get(key)
    for (let candidate = first ?? null; candidate !== null; candidate = candidate.other) if (this.isGroupOf(candidate, row, processes)) return candidate
    // A process's command is a slice of its whole ps report, which V8 would keep alive with it for
    // as long as the group lives: the group and its entry here keep a copy of their own.
    const command = typeof row.command === 'string' ? detachedCopy(row.command) : (row.command ?? null)
    const id = this.series.groupId(sampleGroupKey(batch.metric, batch.serverId, command === null ? row : { ...row, command }))
    const entry: KnownGroup = {
      id,
      handle: this.series.handleOf(id) as GroupHandle,
      key,
      command,
      user: row.user ?? null,
      checkedAt: this.series.forgetCount,
      other: null,
      seen: 0
    }
    // The others of its key go after it, those the store let go left out.
    let last = entry
    for (let candidate = first ?? null; candidate !== null; candidate = candidate.other) {
      if (this.series.group(candidate.id)) last = last.other = candidate
    }
    last.other = null
    known.set(key, entry)
    return entry
  }

  /**
   * Whether a remembered group is still in the store (retention drops groups left empty, and
   * groups that ended leave memory): looked up only when the store has let any go since.
   */
  private stillKnown(candidate: KnownGroup): boolean {
    const forgotten = this.series.forgetCount
    if (candidate.checkedAt === forgotten) return true
    const handle = this.series.handleOf(candidate.id)
    if (handle === undefined) return false
    candidate.handle = handle
    candidate.checkedAt = forgotten
    return true
  }

  /**
   * Ended processes get their staleness marker, and leave the lookup: a fleet starts thousands
   * of processes an hour, and one that comes back is found through the store.
   */
  private markEndedProcesses(batch: SampleBatch, live: KnownGroup[], stamp: number, known: Map<RowKey, KnownGroup>): void {
    for (const ended of this.liveProcesses.get(batch.serverId) ?? []) {
      if (ended.seen === stamp) continue
      const group = this.series.group(ended.id)
      if (!group) continue
      this.series.append(ended.id, batch.ts, staleRow(group.columns.length))
      forgetKnown(known, ended.key, ended.id)
    }
    this.liveProcesses.set(batch.serverId, live)
  }
}

/** What tells a metric's rows apart: the disk, the interface, the pid ('' for vmstat). */
type RowKey = string | number

/** A server's known groups of one metric. */
interface KnownRows {
  byKey: Map<RowKey, KnownGroup>
  /** The group of each row of the last sample, by row. */
  previous: KnownGroup[]
}

/** A group known by its row key; processes are told apart by command and user too. */
interface KnownGroup {
  id: number
  handle: GroupHandle
  key: RowKey
  command: string | number | null
  user: string | number | null
  /** The store's forgetCount when the group was last known to be there. */
  checkedAt: number
  /**
   * The next group known by the same row key (a pid that another command or user took), or
   * null: a chain rather than an array per key, one object fewer to reach for every row.
   */
  other: KnownGroup | null
  /** The last batch it was in (processes only): those of a server's last process sample not in this one ended. */
  seen: number
}

/** Takes a group out of its key's chain. */
function forgetKnown(known: Map<RowKey, KnownGroup>, key: RowKey, groupId: number): void {
  const first = known.get(key)
  if (first === undefined) return
  if (first.id === groupId) {
    if (first.other === null) known.delete(key)
    else known.set(key, first.other)
    return
  }
  for (let before = first; before.other !== null; before = before.other) {
    if (before.other.id === groupId) {
      before.other = before.other.other
      return
    }
  }
}

const staleRows: SampleValue[][] = []

/** A staleness marker's row (every column STALE), shared: the store copies the rows it is given. */
function staleRow(columns: number): readonly SampleValue[] {
  return (staleRows[columns] ??= new Array<SampleValue>(columns).fill(STALE))
}

function serverMatchers(metric: string, serverId: string | undefined): LabelMatcher[] {
  const matchers: LabelMatcher[] = [{ name: METRIC_LABEL, op: '=', value: metric }]
  if (serverId !== undefined) matchers.push({ name: 'server_id', op: '=', value: serverId })
  return matchers
}

/** A staleness marker is not a sample: readers of rows never see one. */
function withoutStaleRows(range: SeriesRange): SeriesRange {
  // Few rows are markers (a process's last): find them, then copy the stretches between them.
  const stale: number[] = []
  const first = range.columns[0]
  if (first === undefined) return range
  for (let r = 0; r < range.ts.length; r++) if (first[r] === STALE && isStaleRow(range.columns, r)) stale.push(r)
  if (stale.length === 0) return range
  const keep = <T>(values: ArrayLike<T>): T[] => {
    const kept = new Array<T>(values.length - stale.length)
    let at = 0
    let from = 0
    for (const marker of [...stale, values.length]) {
      for (let r = from; r < marker; r++) kept[at++] = values[r] as T
      from = marker + 1
    }
    return kept
  }
  return { ts: keep(range.ts), seq: keep(range.seq), columns: range.columns.map(keep) }
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
