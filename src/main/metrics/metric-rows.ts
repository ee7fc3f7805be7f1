// The metrics API's reads — raw rows, roll-up rows, process aggregates — from the series store,
// shaped and ordered as the metrics tables answered them before the store (rows of a deleted
// server are gone with it; rows of one instant come in series order: disks and interfaces as
// first seen, processes busiest first).
import { NUMERIC_FIELDS, type MetricName } from '../../shared/metrics'
import { numberOrNull } from '../base/series/sample'
import type { GroupInfo } from '../base/series/series-store'
import type { ServerRow } from '../servers'
import type { GroupRows, MetricsStore, ServerNames } from './metrics-store'
import { ProcessBuckets } from './process-buckets'
import { mergePage, type RowRef, type TieBreak } from './row-merge'
import {
  compareBusiest,
  compareText,
  type ProcessAggregateQuery,
  type ProcessAggregateRow,
  type ProcessLoad,
  type RangeQuery,
  type RolledUpMetric,
  type SampleValues,
  type StoredRollup,
  type StoredSample
} from './samples'
import { labelFields, sampleId } from './series-mapping'

/** Where rows find their server's names: every registered server, or the one asked for. */
export interface ServerDirectory {
  allRows(): ServerRow[]
  rowOf(id: string): ServerRow
}

/** What the metrics API and the process views read (release 9's tables answer all but samplePage). */
export type MetricReads = Pick<MetricRows, 'samples' | 'rollups' | 'processAggregates'> & Partial<Pick<MetricRows, 'samplePage'>>

/** A page of raw rows as read: row i is row refs[i].row of read[refs[i].source] — or, when refs is null, row i of read[0]. */
export interface SamplePage {
  read: GroupRows[]
  refs: RowRef[] | null
  total: number
  names: Map<string, ServerNames>
}

/** The rows a page holds. */
export function pageLength(page: SamplePage): number {
  return page.refs === null ? (page.read[0]?.rows.ts.length ?? 0) : page.refs.length
}

export class MetricRows {
  constructor(
    private readonly store: MetricsStore,
    private readonly servers: ServerDirectory
  ) {}

  /** Raw rows in a time range, oldest first, with the total for paging. */
  samples(metric: MetricName, query: RangeQuery): { rows: StoredSample[]; total: number } {
    const page = this.samplePage(metric, query)
    const sample = sampleBuilder(metric, page.read, page.names)
    const rows = new Array<StoredSample>(pageLength(page))
    if (page.refs === null) for (let row = 0; row < rows.length; row++) rows[row] = sample(0, row)
    else for (let i = 0; i < rows.length; i++) rows[i] = sample((page.refs[i] as RowRef).source, (page.refs[i] as RowRef).row)
    return { rows, total: page.total }
  }

  /**
   * The page of raw rows in a time range, as read (samples() makes them stored samples, the
   * metrics API writes them as JSON straight from here: rows-json.ts): the groups read, which
   * row of which group each row of the page is, the total for paging, the servers' names.
   */
  samplePage(metric: MetricName, query: RangeQuery): SamplePage {
    const { wanted, names } = this.wantedGroups(this.store.groups(metric, query.serverId, query), query)
    if (wanted.length === 1) {
      // One series (a server's vmstat): its rows are the page, read alone; the rest are only counted.
      const { read, total } = this.store.readPage(wanted[0] as GroupInfo, query)
      return { read: [read], refs: null, total, names }
    }
    const read = this.store.read(wanted, query.start, query.end)
    const refs = mergePage(
      read.map(({ rows }) => rows),
      metric === 'process' ? busiestFirst(read) : seriesOrder(read),
      query.offset,
      query.limit
    )
    return { read, refs, total: countRows(read), names }
  }

  /** Roll-up rows (n, and min/avg/max per field) in a range, oldest first, with the total for paging. */
  rollups(
    metric: RolledUpMetric,
    resolution: number,
    query: { serverId?: string; start: number; end: number; limit?: number; offset?: number }
  ): { rows: StoredRollup[]; total: number } {
    const { read, names } = this.readGroups(this.store.rollupGroups(metric, resolution, query.serverId), query)
    const page = mergePage(
      read.map(({ rows }) => rows),
      byServerThenLabels(read),
      query.offset ?? 0,
      query.limit ?? -1
    )
    const rows = page.map(({ source, row }): StoredRollup => {
      const { group, serverId, rows: range } = read[source] as GroupRows
      const server = names.get(serverId) as ServerNames
      const values: SampleValues = labelFields(metric, group)
      group.columns.forEach((column, c) => (values[column] = numberOrNull(range.columns[c]?.[row])))
      return {
        ...values,
        resolution,
        server_id: serverId,
        bucket: range.ts[row] as number,
        n: values.n as number,
        server_hostname: server.hostname,
        server_alias: server.alias
      }
    })
    return { rows, total: countRows(read) }
  }

  /**
   * Process rows bucketed by interval, per pid: count, and min/avg/max of cpu and mem. A pid
   * reused by another command within one bucket is folded into one row, its command and user
   * the greatest of the bucket's — as the SQL of the tables before the store did.
   */
  processAggregates(query: ProcessAggregateQuery): { rows: ProcessAggregateRow[]; total: number } {
    const { wanted, names } = this.wantedGroups(this.store.groups('process', query.serverId, query), query)
    const buckets = new ProcessBuckets()
    const processes = wanted.map((group) => ({
      process: buckets.process(group.labels.server_id ?? '', Number(group.labels.pid)),
      names: { command: group.labels.command ?? '', user: group.labels.user ?? '' }
    }))
    // Every group's chunks in one query, decoded into reused arrays and folded as they come;
    // staleness markers are read too, and left out by ProcessBuckets as it goes.
    this.store.scan(wanted, query.start, query.end, (index, rows, from, to) => {
      const { process, names: labels } = processes[index] as (typeof processes)[number]
      buckets.addRows(process, labels, rows, from, to, query.intervalMs)
    })
    return { rows: buckets.rows(names, query.offset, query.limit), total: buckets.size }
  }

  /** The groups' rows in the range, for servers still registered (pids filtered when asked). */
  private readGroups(groups: GroupInfo[], query: { serverId?: string; start: number; end: number; pids?: readonly number[] }, withMarkers = false) {
    const { wanted, names } = this.wantedGroups(groups, query)
    return { read: this.store.read(wanted, query.start, query.end, withMarkers), names }
  }

  /** The groups of servers still registered (pids filtered when asked), and the servers' names. */
  private wantedGroups(groups: GroupInfo[], query: { serverId?: string; pids?: readonly number[] }) {
    const names = this.names(query.serverId)
    const pids = query.pids?.length ? new Set(query.pids.map(String)) : null
    const wanted = groups.filter((group) => names.has(group.labels.server_id ?? '') && (pids === null || pids.has(group.labels.pid ?? '')))
    return { wanted, names }
  }

  private names(serverId: string | undefined): Map<string, ServerNames> {
    const rows = serverId === undefined ? this.servers.allRows() : [this.servers.rowOf(serverId)]
    return new Map(rows.map((row) => [row.id, { hostname: row.hostname, alias: row.alias }]))
  }
}

/** Makes row `row` of source `source` a stored sample: id, server, time, labels, fields, server names. */
function sampleBuilder(metric: MetricName, read: readonly GroupRows[], names: Map<string, ServerNames>): (source: number, row: number) => StoredSample {
  const fields = NUMERIC_FIELDS[metric]
  // A page is thousands of rows: each starts as a copy of its series' template, so that only
  // the id, the time and the values are set by name, on an object of a known shape.
  const templates = read.map(({ group, serverId }): StoredSample => {
    const server = names.get(serverId) as ServerNames
    const template = { id: 0, server_id: serverId, ts: 0, ...labelFields(metric, group) } as StoredSample
    for (const field of fields) template[field] = null
    template.server_hostname = server.hostname
    template.server_alias = server.alias
    return template
  })
  return (source, row) => {
    const { group, rows: range } = read[source] as GroupRows
    const sample = { ...(templates[source] as StoredSample) }
    sample.id = sampleId(group.id, range.seq[row] as number)
    sample.ts = range.ts[row] as number
    for (let c = 0; c < fields.length; c++) sample[fields[c] as string] = numberOrNull(range.columns[c]?.[row])
    return sample
  }
}

function countRows(read: readonly GroupRows[]): number {
  let total = 0
  for (const { rows } of read) total += rows.ts.length
  return total
}

/** Equal times: the group first seen first (a server's disks or interfaces in the order it lists them). */
function seriesOrder(read: readonly GroupRows[]): TieBreak {
  return (sa, _a, sb) => (read[sa] as GroupRows).group.id - (read[sb] as GroupRows).group.id
}

/** Equal times: the busiest process first, as ps prints them (compareBusiest). */
function busiestFirst(read: readonly GroupRows[]): TieBreak {
  const load = (s: number, r: number): ProcessLoad => {
    const { group, rows } = read[s] as GroupRows
    return { pid: Number(group.labels.pid), cpu: numberOrNull(rows.columns[0]?.[r]), mem: numberOrNull(rows.columns[1]?.[r]) }
  }
  return (sa, a, sb, b) => compareBusiest(load(sa, a), load(sb, b)) || seriesOrder(read)(sa, a, sb, b)
}

/** Equal buckets: by server, then by disk or interface. */
function byServerThenLabels(read: readonly GroupRows[]): TieBreak {
  const key = (s: number): string => {
    const { group, serverId } = read[s] as GroupRows
    return `${serverId}\u0000${group.labels.disk ?? group.labels.interface ?? ''}`
  }
  return (sa, _a, sb) => compareText(key(sa), key(sb))
}
