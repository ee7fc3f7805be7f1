import { AppError } from '../../shared/errors'
import { OVERVIEW_WINDOW_MS } from '../../shared/limits'
import {
  MAX_SERIES_RANGE_MS,
  OverviewQuerySchema,
  PROCESS_HISTORY_POINTS,
  ProcessHistoryQuerySchema,
  SeriesQuerySchema,
  TopProcessesQuerySchema,
  type OverviewAnswer,
  type OverviewQuery,
  type ProcessHistory,
  type ProcessHistoryQuery,
  type SeriesAnswer,
  type SeriesQuery,
  type TopProcesses,
  type TopProcessesQuery
} from '../../shared/metric-series'
import { NUMERIC_FIELDS, RESOLUTION_MS, chooseResolution } from '../../shared/metrics'
import type { MetricReads } from './metric-rows'
import type { MetricSeriesRepo } from './metric-series-repo'
import type { ServersService } from '../servers'
import { validated } from '../base/validated'

/** Buckets of at least this long keep a process history readable at any range. */
const MIN_PROCESS_BUCKET_MS = 5_000

/** What the charts read: columnar series, overview sparklines, top processes and their history. */
export class MetricSeriesService {
  constructor(
    private readonly repo: MetricSeriesRepo,
    private readonly metrics: MetricReads,
    private readonly servers: ServersService,
    private readonly now: () => number = Date.now
  ) {}

  series(input: SeriesQuery): SeriesAnswer {
    const query = validated<SeriesQuery>(SeriesQuerySchema, input)
    checkRange(query.start, query.end)
    const server = this.servers.get(query.serverId)
    const requested = query.resolution ?? 'auto'
    const resolution = requested === 'auto' ? chooseResolution(query.end - query.start, query.metric) : requested
    const fields = fieldsOf(query)
    const series =
      resolution === 'raw'
        ? this.repo.samples(query.metric, fields, server.id, query.start, query.end)
        : this.repo.rollups(query.metric, fields, RESOLUTION_MS[resolution], server.id, query.start, query.end)
    const stepMs = resolution === 'raw' ? server.monitoring_interval * 1000 : RESOLUTION_MS[resolution]
    return { metric: query.metric, serverId: server.id, start: query.start, end: query.end, resolution, stepMs, series }
  }

  overview(input: OverviewQuery = {}): OverviewAnswer {
    const query = validated<OverviewQuery>(OverviewQuerySchema, input)
    const end = this.now()
    const start = end - (query.windowMs ?? OVERVIEW_WINDOW_MS)
    return { start, end, sparklines: Object.fromEntries(this.repo.sparklines(start, end)) }
  }

  topProcesses(input: TopProcessesQuery): TopProcesses {
    const query = validated<TopProcessesQuery>(TopProcessesQuerySchema, input)
    const server = this.servers.get(query.serverId)
    const latest = this.repo.latestProcesses(server.id)
    return { serverId: server.id, timestamp: latest.ts, processes: latest.rows }
  }

  processHistory(input: ProcessHistoryQuery): ProcessHistory {
    const query = validated<ProcessHistoryQuery>(ProcessHistoryQuerySchema, input)
    checkRange(query.start, query.end)
    const server = this.servers.get(query.serverId)
    const bucket = Math.max(MIN_PROCESS_BUCKET_MS, Math.ceil((query.end - query.start) / PROCESS_HISTORY_POINTS / 1000) * 1000)
    const { rows } = this.metrics.processAggregates({
      serverId: server.id,
      start: query.start,
      end: query.end,
      pids: query.pids,
      intervalMs: bucket,
      limit: -1,
      offset: 0
    })
    const byPid = new Map<number, ProcessHistory['processes'][number]>()
    for (const row of rows) {
      let process = byPid.get(row.pid)
      if (!process) {
        process = { pid: row.pid, command: row.command, user: row.user, ts: [], avgCpu: [], maxCpu: [], avgMem: [] }
        byPid.set(row.pid, process)
      }
      process.ts.push(row.bucket)
      process.avgCpu.push(row.avg_cpu)
      process.maxCpu.push(row.max_cpu)
      process.avgMem.push(row.avg_mem)
    }
    return { serverId: server.id, start: query.start, end: query.end, intervalMs: bucket, processes: [...byPid.values()] }
  }
}

function fieldsOf(query: SeriesQuery): readonly string[] {
  const known: readonly string[] = NUMERIC_FIELDS[query.metric]
  if (!query.fields) return known
  const unknown = query.fields.filter((field) => !known.includes(field))
  if (unknown.length > 0) throw AppError.invalidField('fields', `${query.metric} has no field ${unknown.join(', ')}; it has ${known.join(', ')}`)
  return query.fields
}

function checkRange(start: number, end: number): void {
  if (end < start) throw AppError.invalidField('end', 'must not be before start')
  if (end - start > MAX_SERIES_RANGE_MS) throw AppError.invalidField('end', 'the range may cover at most 400 days')
}
