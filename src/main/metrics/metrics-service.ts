import { AppError } from '../../shared/errors'
import {
  METRIC_LABELS,
  METRICS,
  NUMERIC_FIELDS,
  RESOLUTION_MS,
  RESOLUTIONS,
  SERIES_KEY,
  chooseResolution,
  isMetricName,
  type MetricName,
  type Resolution
} from '../../shared/metrics'
import { MAX_PAGE } from '../../shared/limits'
import { isoSeconds } from '../../shared/time'
import type { MetricReads } from './metric-rows'
import { samplesJson, SPEC_FIELDS } from './rows-json'
import type { ProcessAggregateRow, RolledUpMetric, StoredRollup, StoredSample } from './samples'
import type { ServersService } from '../servers'

export const REALTIME_WINDOW_MS = 60_000
/** Rows one realtime answer carries at most; past it the answer says `truncated: true` (filter by server). */
export const REALTIME_MAX_ROWS = 50_000
export const HISTORICAL_PAGE_SIZE = 1000
export const HISTORICAL_MAX_PAGE_SIZE = 10_000

/** Query strings as they arrive: every member optional text, checked here. */
export type RealtimeQuery = { metric?: string; server_id?: string; hostname?: string }
export type HistoricalQuery = RealtimeQuery & {
  start?: string
  end?: string
  interval?: string
  pids?: string
  page?: string
  per_page?: string
  /** Vigil extension: raw (default), 1m, 1h or auto. */
  resolution?: string
}

type ApiRow = Record<string, unknown>

/** The spec's answer when no row falls in the last minute: a 404 with this body. */
export class NoRecentData extends Error {
  constructor(readonly body: Record<string, unknown>) {
    super(String(body.message))
  }
}

/** "Metrics APIs" of servers-metrics-oracle-api.md: realtime and historical reads. */
export class MetricsService {
  constructor(
    private readonly repo: MetricReads,
    private readonly servers: ServersService,
    private readonly now: () => number = Date.now
  ) {}

  /** Every raw row of `metric` of one server in [start, end], time order (SQL models read them as tables). */
  samplesBetween(metric: MetricName, start: number, end: number, serverId: string): StoredSample[] {
    return this.repo.samples(metric, { serverId, start, end, limit: -1, offset: 0 }).rows
  }

  /** Every hourly roll-up of `metric` of one server with its bucket in [start, end], time order (SQL models read them as tables). */
  hourlyBetween(metric: RolledUpMetric, start: number, end: number, serverId: string): StoredRollup[] {
    return this.repo.rollups(metric, RESOLUTION_MS['1h'], { serverId, start, end }).rows
  }

  realtime(query: RealtimeQuery) {
    const metric = metricOf(query.metric)
    const serverId = this.serverFilter(query)
    const end = this.now()
    const start = end - REALTIME_WINDOW_MS
    const { rows, total } = this.repo.samples(metric, { serverId, start, end, limit: REALTIME_MAX_ROWS, offset: 0 })
    const frame = {
      start_time: isoSeconds(start),
      end_time: isoSeconds(end),
      server_id: query.server_id ?? null,
      hostname: query.hostname ?? null
    }
    if (rows.length === 0) throw new NoRecentData({ message: `No recent data available for metric: ${metric}`, ...frame })
    const truncated = total > rows.length ? { truncated: true, total } : {}
    return { data: rows.map((row) => apiRow(metric, row)), count: rows.length, ...frame, ...truncated }
  }

  historical(query: HistoricalQuery) {
    const { metric, range, frame, resolution, interval, pids, page, perPage } = this.historicalQuery(query)
    if (resolution !== 'raw') {
      const { rows, total } = this.repo.rollups(metric as RolledUpMetric, RESOLUTION_MS[resolution], range)
      return { data: rows.map((row) => rollupRow(metric as RolledUpMetric, row, resolution)), ...paging(total, page, perPage), ...frame, metric: METRIC_LABELS[metric], resolution }
    }
    if (metric === 'process' && interval !== undefined) {
      const { rows, total } = this.repo.processAggregates({ ...range, intervalMs: interval * 1000, pids })
      return {
        data: rows.map(aggregateRow),
        ...paging(total, page, perPage),
        ...frame,
        metric: 'process',
        interval_seconds: interval,
        pids_filtered: pids ?? null
      }
    }
    const { rows, total } = this.repo.samples(metric, { ...range, pids })
    return { data: rows.map((row) => apiRow(metric, row)), ...paging(total, page, perPage), ...frame, metric: METRIC_LABELS[metric] }
  }

  /**
   * historical()'s answer as the JSON bytes the API sends: JSON.stringify's of it, byte for byte.
   * Pages of raw rows are written straight from the columns read (rows-json.ts), not built as
   * objects first, when the reads can give them so (the series store; not release 9's tables).
   */
  historicalJson(query: HistoricalQuery): Buffer {
    const read = this.historicalQuery(query)
    const { metric, range, frame, resolution, interval, pids, page, perPage } = read
    if (resolution !== 'raw' || (metric === 'process' && interval !== undefined) || this.repo.samplePage === undefined) {
      return Buffer.from(JSON.stringify(this.historical(query)), 'utf8')
    }
    const rows = this.repo.samplePage(metric, { ...range, pids })
    return samplesJson(metric, rows, { ...paging(rows.total, page, perPage), ...frame, metric: METRIC_LABELS[metric] })
  }

  /** A historical query checked: what to read, and the answer's frame. */
  private historicalQuery(query: HistoricalQuery) {
    const missing = (['metric', 'start', 'end'] as const).filter((name) => !query[name])
    if (missing.length > 0) {
      throw new AppError('validation', 'Missing required parameters', { extra: { required: ['metric', 'start', 'end'] } })
    }
    const metric = metricOf(query.metric)
    const start = instant('start', query.start as string)
    const end = instant('end', query.end as string)
    if (end < start) throw AppError.invalidField('end', 'must not be before start')
    const serverId = this.serverFilter(query)
    const page = positiveInteger('page', query.page, MAX_PAGE) ?? 1
    const perPage = Math.min(positiveInteger('per_page', query.per_page) ?? HISTORICAL_PAGE_SIZE, HISTORICAL_MAX_PAGE_SIZE)
    const interval = positiveInteger('interval', query.interval, MAX_INTERVAL_SECONDS)
    const pids = pidList(query.pids)
    if ((interval !== undefined || pids !== undefined) && metric !== 'process') {
      throw AppError.invalidField(interval !== undefined ? 'interval' : 'pids', 'applies to the process metric only')
    }
    const range = { serverId, start, end, limit: perPage, offset: (page - 1) * perPage }
    const frame = { start_time: isoSeconds(start), end_time: isoSeconds(end) }
    const resolution = resolutionOf(query.resolution, metric, end - start)
    if (resolution !== 'raw' && metric === 'process') throw AppError.invalidField('resolution', 'process samples are kept raw only: use interval to aggregate')
    return { metric, range, frame, resolution, interval, pids, page, perPage }
  }

  private serverFilter(query: RealtimeQuery): string | undefined {
    if (query.server_id === undefined && query.hostname === undefined) return undefined
    return this.servers.resolve({ id: query.server_id, hostname: query.hostname }).id
  }
}

function metricOf(value: string | undefined): MetricName {
  if (!isMetricName(value)) {
    throw new AppError('validation', 'Invalid or missing metric parameter', { extra: { available_metrics: [...METRICS] } })
  }
  return value
}

const ISO_DATE_TIME = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(Z|[+-]\d\d:?\d\d)?)?$/i

/** ISO 8601 date or date-time; without a zone it is UTC, as every example in the spec is. */
function instant(name: string, text: string): number {
  const match = ISO_DATE_TIME.exec(text.trim())
  const ms = match ? Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}${match[3] ?? 'Z'}`) : NaN
  if (Number.isNaN(ms)) throw AppError.invalidField(name, 'must be an ISO 8601 date-time such as 2024-08-07T00:00:00Z')
  return ms
}

function resolutionOf(text: string | undefined, metric: MetricName, rangeMs: number): Resolution {
  if (text === undefined || text === '' || text === 'raw') return 'raw'
  if (text === 'auto') return chooseResolution(rangeMs, metric)
  if ((RESOLUTIONS as readonly string[]).includes(text)) return text as Resolution
  throw AppError.invalidField('resolution', 'must be one of: raw, 1m, 1h, auto')
}

/** The longest aggregation interval of the process history: a year, in seconds. */
const MAX_INTERVAL_SECONDS = 366 * 86_400

/** A whole number from 1 (to `max`); undefined when absent. Without a max, to what SQLite takes exactly. */
function positiveInteger(name: string, text: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined || text === '') return undefined
  if (!/^\d+$/.test(text) || Number(text) < 1) throw AppError.invalidField(name, 'must be an integer of at least 1')
  if (Number(text) > max) throw AppError.invalidField(name, `must be an integer from 1 to ${max}`)
  return Number(text)
}

function pidList(text: string | undefined): number[] | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const parts = text.split(',').map((part) => part.trim())
  if (parts.some((part) => !/^\d+$/.test(part))) throw AppError.invalidField('pids', 'must be a comma-separated list of process ids')
  return [...new Set(parts.map(Number))]
}

function paging(total: number, page: number, perPage: number) {
  const totalPages = Math.max(1, Math.ceil(total / perPage))
  return { count: total, page, total_pages: totalPages, has_next: page < totalPages, has_previous: page > 1 }
}

/** A stored row in the API's shape: id, server, timestamp, then the metric's fields. */
export function apiRow(metric: MetricName, row: StoredSample): ApiRow {
  // A copy of the metric's template (a page holds thousands of rows): every row one shape, its
  // members in the API's order, with no member added one by one.
  const api = { ...API_ROW_TEMPLATES[metric] }
  api.id = row.id
  api.server_id = row.server_id
  api.server_hostname = row.server_hostname
  api.server_alias = row.server_alias
  api.timestamp = isoSeconds(row.ts)
  copySampleValues(metric, row, api)
  if (metric === 'netstat') api.time = Math.floor(row.ts / 1000)
  return api
}

/** The spec's fields of a row, key first (disk, interface, or pid/user/…/command). */
export function sampleValues(metric: MetricName, row: Record<string, unknown>): Record<string, unknown> {
  return copySampleValues(metric, row, {})
}

/** Copies the spec's fields of a row into `into` (a page holds thousands of rows: no spread of the row itself). */
function copySampleValues(metric: MetricName, row: Record<string, unknown>, into: Record<string, unknown>): Record<string, unknown> {
  for (const field of SPEC_FIELDS[metric]) into[field] = row[field] ?? null
  return into
}

/** Each metric's row in the API, every member null: id, server, timestamp, the spec's fields (and netstat's time). */
const API_ROW_TEMPLATES = Object.fromEntries(
  METRICS.map((metric) => {
    const template: ApiRow = { id: null, server_id: null, server_hostname: null, server_alias: null, timestamp: null }
    for (const field of SPEC_FIELDS[metric]) template[field] = null
    if (metric === 'netstat') template.time = null
    return [metric, template]
  })
) as Record<MetricName, ApiRow>

/** A roll-up in the API: the spec's field names hold the averages; `_min`/`_max` and `samples` come along. */
function rollupRow(metric: RolledUpMetric, row: StoredRollup, resolution: Resolution): ApiRow {
  const key = SERIES_KEY[metric]
  const values: ApiRow = {
    server_id: row.server_id,
    server_hostname: row.server_hostname,
    server_alias: row.server_alias,
    timestamp: isoSeconds(row.bucket),
    resolution,
    samples: row.n
  }
  if (key) values[key] = row[key]
  for (const field of NUMERIC_FIELDS[metric]) {
    values[field] = row[`${field}_avg`] ?? null
    values[`${field}_min`] = row[`${field}_min`] ?? null
    values[`${field}_max`] = row[`${field}_max`] ?? null
  }
  return values
}

function aggregateRow(row: ProcessAggregateRow): ApiRow {
  return {
    timestamp: isoSeconds(row.bucket),
    pid: row.pid,
    command: row.command,
    user: row.user,
    avg_cpu: row.avg_cpu,
    max_cpu: row.max_cpu,
    min_cpu: row.min_cpu,
    avg_mem: row.avg_mem,
    max_mem: row.max_mem,
    min_mem: row.min_mem,
    count: row.count,
    server: { server_id: row.server_id, hostname: row.server_hostname, alias: row.server_alias }
  }
}
