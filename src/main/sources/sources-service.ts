import { performance } from 'node:perf_hooks'
import { AppError } from '../../shared/errors'
import type { LogEntry, LogLevel, PlatformEvent, Source, SourceDetails, SourceStatus, SyncRun, SyncStarted } from '../../shared/platform'
import { isFailingServerState } from '../../shared/servers'
import { isoSeconds } from '../../shared/time'
import type { AuditTrail } from '../audit'
import { reportingFailures, type FailureReport } from '../base/background'
import type { EventBus } from '../base/bus'
import { iso, PG_TABLE, type CollectorView, type SourceProvider, type Tracked } from './collectors'
import type { RowCounts } from './row-counts'
import type { SourcesRepo } from './sources-repo'
import { messageOf } from '../base/text'

/** A sync of the source is already running: the platform API answers 409. */
export class SyncRunning extends AppError {
  constructor(name: string) {
    super('unavailable', `A sync of ${name} is already running`)
  }
}

const DAY_MS = 86_400_000
export const DEFAULT_LOG_LIMIT = 100
export const DEFAULT_ACTIVITY_LIMIT = 1000
const MAX_LIMIT = 10_000
/** How often counted rows and last-data times reach SQLite. */
const FLUSH_EVERY_MS = 5_000
/** The log and syncs of a source that is gone are kept this long, then forgotten (checked hourly). */
export const GONE_KEPT_MS = 30 * DAY_MS
const PRUNE_GONE_EVERY_MS = 3_600_000

export interface SourcesServiceDeps {
  repo: SourcesRepo
  rows: RowCounts
  bus: EventBus
  audit: AuditTrail
  providers: SourceProvider[]
  /** A failure of the periodic flush (the activity log is in the same database: not there). */
  onError: FailureReport
  now?: () => number
}

/**
 * Every collector as a source (platform-api.md): their states read fresh from each feature,
 * row counts and last-data times counted from the bus, syncs run one at a time per source, and
 * each collector's own log — connects, failures, recoveries, syncs and their durations — kept in
 * SQLite. Status changes and syncs are announced as platform events (the `/ws` stream).
 */
export class SourcesService {
  private readonly repo: SourcesRepo
  private readonly rows: RowCounts
  private readonly bus: EventBus
  private readonly audit: AuditTrail
  private readonly providers: SourceProvider[]
  private readonly onError: FailureReport
  private readonly now: () => number
  private readonly tracked = new Map<string, Tracked>()
  private readonly dirty = new Set<string>()
  private readonly syncing = new Map<string, Promise<void>>()
  /** The last state logged per server, so a retry loop does not log the same failure each time. */
  private readonly lastServerState = new Map<string, { state: string; error: string | null; since: number }>()
  private readonly unsubscribers: Array<() => void> = []
  /** Sources whose first success since Vigil started was logged (a collector working is not logged at every run). */
  private readonly okLogged = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private prunedAt = Number.NEGATIVE_INFINITY

  constructor(deps: SourcesServiceDeps) {
    this.repo = deps.repo
    this.rows = deps.rows
    this.bus = deps.bus
    this.audit = deps.audit
    this.providers = deps.providers
    this.onError = deps.onError
    this.now = deps.now ?? Date.now
    for (const row of this.repo.states()) this.tracked.set(row.source, { lastOk: row.last_ok, failingSince: row.failing_since, error: row.error })
    this.repo.failUnfinishedRuns(this.now())
  }

  /** What the service knows of a source between events. */
  track(key: string): Tracked {
    let state = this.tracked.get(key)
    if (!state) this.tracked.set(key, (state = { lastOk: null, failingSince: null, error: null }))
    return state
  }

  /** Follows the collectors' events; `started` is logged as Vigil's first line. */
  start(started: string): void {
    this.log(null, 'INFO', started)
    const on = this.unsubscribers
    on.push(
      this.bus.subscribe('metrics.samples', ({ metric, serverId, samples, timestamp }) => {
        const key = `server:${serverId}`
        const at = Date.parse(timestamp)
        this.rows.add(key, metric, samples.length, at)
        const state = this.track(key)
        if (state.lastOk === null || at > state.lastOk) state.lastOk = at
        this.dirty.add(key)
      })
    )
    on.push(this.bus.subscribe('servers.state', (change) => this.serverState(change.id, change.state, change.error, Date.parse(change.since))))
    on.push(
      this.bus.subscribe('postgres.collected', ({ instanceId, ok, error, durationMs, at }) => {
        const key = `postgres:${instanceId}`
        if (ok) {
          this.rows.add(key, PG_TABLE, 1, at)
          this.track(key).lastOk = at
          this.dirty.add(key)
          this.observe(key, false, null, at, `Collected the dashboard in ${seconds(durationMs / 1000)}`)
        } else this.observe(key, true, error ?? 'collection failed', at)
      })
    )
    on.push(
      this.bus.subscribe('oracle.snapshot', (event) => {
        const key = `table:${event.tableId}`
        const at = this.now()
        this.track(key).lastOk = at
        this.dirty.add(key)
        const { added, removed, changed, baseline } = event.changes
        this.observe(key, false, null, at)
        this.log(key, 'SUCCESS', `Snapshot: ${event.recordCount} rows${event.truncated ? ' (truncated)' : ''}${baseline ? ', a new baseline' : `, +${added} −${removed} ~${changed}`}`)
      })
    )
    on.push(
      this.bus.subscribe('oracle.changed', ({ tables }) => {
        if (tables.length === 0) return
        const wanted = new Set(tables.map((id) => `table:${id}`))
        for (const view of this.views()) {
          if (!wanted.has(view.key)) continue
          if (view.failing) this.observe(view.key, true, view.error ?? 'the snapshot failed', this.now())
        }
      })
    )
    this.timer = setInterval(reportingFailures(() => this.flush(), this.onError), FLUSH_EVERY_MS)
    this.timer.unref()
  }

  async stop(stopped: string): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await Promise.allSettled([...this.syncing.values()])
    this.log(null, 'INFO', stopped)
    this.flush()
  }

  /** Writes counted rows and last-data times; forgets sources long gone, hourly. */
  flush(): void {
    this.rows.flush()
    const now = this.now()
    if (now - this.prunedAt >= PRUNE_GONE_EVERY_MS) {
      this.prunedAt = now
      const keep = this.views().map((view) => view.key)
      this.repo.pruneGone(keep, now - GONE_KEPT_MS)
      for (const key of this.tracked.keys()) if (!keep.includes(key)) this.tracked.delete(key)
    }
    if (this.dirty.size === 0) return
    const rows = [...this.dirty].map((source) => {
      const state = this.track(source)
      return { source, last_ok: state.lastOk, failing_since: state.failingSince, error: state.error }
    })
    this.repo.saveStates(rows)
    this.dirty.clear()
  }

  list(): Source[] {
    return this.views().map((view) => this.sourceOf(view))
  }

  details(name: string, historyLimit = 50): SourceDetails {
    const { view, provider } = this.find(name)
    const source = this.sourceOf(view)
    const history = provider.history ? provider.history(view, historyLimit) : this.repo.runsOf(view.key, historyLimit).map(runOf)
    return {
      name: source.name,
      config: { ...view.config(), name: source.name, type: source.type, enabled: source.enabled },
      history,
      row_count: source.row_count,
      tables: source.tables,
      source
    }
  }

  /** Starts a sync (collect now) and answers at once; the outcome goes to the log, the history and /ws. */
  sync(name: string): SyncStarted {
    const { view, provider } = this.find(name)
    if (!view.enabled) throw new AppError('validation', `Source ${view.name} is disabled: turn its collection on to sync it`)
    if (this.syncing.has(view.key) || view.running) throw new SyncRunning(view.name)
    const startedAt = this.now()
    const clock = performance.now()
    const runId = this.repo.startRun(view.key, 'manual', startedAt)
    this.log(view.key, 'INFO', `Sync started for ${view.name}`)
    this.event({ type: 'sync_started', source: view.name, timestamp: isoSeconds(startedAt) })
    const run = provider
      .sync(view, (level, message) => this.log(view.key, level, message))
      .then(
        (outcome) => {
          const duration = (performance.now() - clock) / 1000
          this.repo.finishRun(runId, view.key, this.now(), 'success', outcome.rows, outcome.warning)
          if (outcome.warning) this.log(view.key, 'WARNING', `Sync: some metrics failed — ${outcome.warning}`)
          this.log(view.key, 'SUCCESS', `Sync completed: ${outcome.rows} rows in ${seconds(duration)}`)
          this.event({ type: 'sync_completed', source: view.name, rows: outcome.rows, timestamp: isoSeconds(this.now()), duration_seconds: round3(duration) })
        },
        (error: unknown) => {
          const message = messageOf(error)
          this.repo.finishRun(runId, view.key, this.now(), 'failed', 0, message)
          this.log(view.key, 'ERROR', `Sync failed after ${seconds((performance.now() - clock) / 1000)}: ${message}`)
          this.event({ type: 'sync_failed', source: view.name, error: message, timestamp: isoSeconds(this.now()) })
        }
      )
      .catch(() => undefined)
      .finally(() => this.syncing.delete(view.key))
    this.syncing.set(view.key, run)
    return { success: true, message: `Sync started for ${view.name}`, source_name: view.name, started_at: isoSeconds(startedAt) }
  }

  /** Resolves when the source's sync under way (if any) has ended. */
  async settled(name: string): Promise<void> {
    await this.syncing.get(this.find(name).view.key)
  }

  /** The source's own log lines, oldest first: the last `limit`. */
  logs(name: string, limit = DEFAULT_LOG_LIMIT): LogEntry[] {
    const { view } = this.find(name)
    return this.repo
      .logOf(view.key, clamp(limit))
      .reverse()
      .map((row) => ({ timestamp: isoSeconds(row.ts), level: row.level, message: row.message, source: view.name }))
  }

  /** The activity log: collector lines and Vigil's, and the audit trail, merged, oldest first (the last `limit`). */
  activity(limit = DEFAULT_ACTIVITY_LIMIT): LogEntry[] {
    const count = clamp(limit)
    const names = new Map(this.views().map((view) => [view.key, view.name]))
    const lines = this.repo.logAll(count).map((row) => ({
      ts: row.ts,
      order: row.id,
      entry: { timestamp: isoSeconds(row.ts), level: row.level, message: row.message, source: row.source === null ? null : (names.get(row.source) ?? row.source) }
    }))
    const audit = this.audit.recent(count).map((row) => {
      const source = row.instance_id === null ? null : (names.get(`postgres:${row.instance_id}`) ?? `postgres:${row.instance_id}`)
      return { ts: row.ts, order: row.id, entry: { timestamp: isoSeconds(row.ts), level: auditLevel(row.message), message: `${row.username}: ${row.message}`, source } }
    })
    return [...lines, ...audit]
      .sort((a, b) => a.ts - b.ts || a.order - b.order)
      .slice(-count)
      .map((line) => line.entry)
  }

  /**
   * A line from another feature (an SQL model's run: `model:NAME`) in the activity log. Sources
   * with no collector are shown under their key; null is Vigil itself (a background task failed).
   */
  record(source: string | null, level: LogLevel, message: string): void {
    this.log(source, level, message)
  }

  /** The views of every collector, names made unique (a clash gets `~id`). */
  views(): CollectorView[] {
    return this.entries().map((entry) => entry.view)
  }

  private entries(): Array<{ view: CollectorView; provider: SourceProvider }> {
    const seen = new Set<string>()
    const all: Array<{ view: CollectorView; provider: SourceProvider }> = []
    for (const provider of this.providers) {
      for (const view of provider.list()) {
        if (seen.has(view.name)) view.name = `${view.name}~${view.id}`
        seen.add(view.name)
        all.push({ view, provider })
      }
    }
    return all
  }

  private find(name: string): { view: CollectorView; provider: SourceProvider } {
    const found = this.entries().find((entry) => entry.view.name === name)
    if (!found) throw new AppError('not_found', `Source '${name}' not found`)
    return found
  }

  private sourceOf(view: CollectorView): Source {
    const counted = this.rows.tables(view.key)
    const tables = view.tables.map((table) => ({ name: table.name, schema: table.schema, row_count: table.rows ?? counted.get(table.name) ?? 0 }))
    const rowCount = tables.reduce((sum, table) => sum + table.row_count, 0)
    const state = this.tracked.get(view.key)
    const lastOk = Math.max(view.lastUpdate ?? -Infinity, state?.lastOk ?? -Infinity)
    const lastUpdate = Number.isFinite(lastOk) ? lastOk : null
    return {
      name: view.name,
      type: view.type,
      enabled: view.enabled,
      last_sync: iso(lastUpdate),
      row_count: rowCount,
      status: statusOf(view, lastUpdate, rowCount, this.syncing.has(view.key)),
      freshness: { last_update: iso(lastUpdate), days_old: lastUpdate === null ? null : Math.max(0, Math.floor((this.now() - lastUpdate) / DAY_MS)) },
      tables,
      last_error: view.error,
      failing_since: view.failing ? iso(state?.failingSince ?? null) : null,
      state: view.state,
      id: view.id
    }
  }

  /** A server's collector changed state: its log line, and down/up when it starts or stops failing. */
  private serverState(id: string, state: string, error: string | null, since: number): void {
    const key = `server:${id}`
    const previous = this.lastServerState.get(key)
    this.lastServerState.set(key, { state, error, since })
    const failing = isFailingServerState(state)
    if (failing) {
      this.observe(key, true, `${state}: ${error ?? ''}`.replace(/: $/, ''), since)
      return
    }
    if (previous && previous.state === state && previous.error === error) return
    const wasFailing = this.track(key).failingSince !== null
    if (state === 'collecting' && error === null) {
      // A recovery is logged by observe(); a connect, a metric back, or a first state here.
      if (wasFailing) this.observe(key, false, null, since)
      else if (previous?.state === 'connecting') this.log(key, 'SUCCESS', `Connected in ${seconds((since - previous.since) / 1000)}; collecting`)
      else if (previous?.state === 'collecting' && previous.error !== null) this.log(key, 'SUCCESS', 'Every metric is collected again')
      else if (!previous) this.log(key, 'SUCCESS', 'Collecting')
      return
    }
    if (state === 'collecting') {
      this.observe(key, false, null, since)
      this.log(key, 'WARNING', `Collecting, with an error: ${error ?? ''}`)
      return
    }
    // connecting, disabled, idle: only worth a line when it is not the retry loop of a failure.
    if (state === 'connecting' && wasFailing) return
    this.log(key, 'INFO', state === 'connecting' ? 'Connecting' : state === 'disabled' ? 'Collection is off' : `State: ${state}${error ? ` (${error})` : ''}`)
  }

  /**
   * Whether a collector fails now: on the change, its log line and collector_down/up. A failure
   * repeated with the same reason (a retry loop) is logged once.
   */
  private observe(key: string, failing: boolean, error: string | null, at: number, okLine?: string): void {
    const state = this.track(key)
    const name = (): string => this.nameOf(key)
    if (failing) {
      if (state.failingSince === null) {
        state.failingSince = at
        state.error = error
        this.dirty.add(key)
        this.log(key, 'ERROR', `Failing: ${error ?? 'unknown error'}`)
        this.event({ type: 'collector_down', source: name(), error: error ?? 'unknown error', timestamp: isoSeconds(at) })
      } else if (state.error !== error) {
        state.error = error
        this.dirty.add(key)
        this.log(key, 'ERROR', `Still failing: ${error ?? 'unknown error'}`)
      }
      return
    }
    if (state.failingSince !== null) {
      const down = (at - state.failingSince) / 1000
      state.failingSince = null
      state.error = null
      this.dirty.add(key)
      this.log(key, 'SUCCESS', `Recovered after ${seconds(down)} down`)
      this.event({ type: 'collector_up', source: name(), down_seconds: Math.max(0, Math.round(down)), timestamp: isoSeconds(at) })
      return
    }
    if (okLine && !this.okLogged.has(key)) {
      this.okLogged.add(key)
      this.log(key, 'SUCCESS', okLine)
    }
  }

  private nameOf(key: string): string {
    return this.views().find((view) => view.key === key)?.name ?? key
  }

  private log(source: string | null, level: LogLevel, message: string): void {
    this.repo.addLog(this.now(), source, level, message)
  }

  private event(event: PlatformEvent): void {
    this.bus.publish('platform.event', event)
  }
}

/** The trail records actions; a maintenance job's end says how it went. */
function auditLevel(message: string): LogLevel {
  if (/\bfailed\b/.test(message)) return 'ERROR'
  if (/\bmissed\b/.test(message)) return 'WARNING'
  if (/\bfinished\b/.test(message)) return 'SUCCESS'
  return 'INFO'
}

function statusOf(view: CollectorView, lastUpdate: number | null, rows: number, syncing: boolean): SourceStatus {
  if (syncing || view.running) return 'syncing'
  if (view.failing) return 'failed'
  if (lastUpdate === null) return view.starting ? 'syncing' : view.enabled ? 'not_synced' : 'not_synced'
  return rows === 0 ? 'empty' : 'synced'
}

function runOf(row: { started_at: number; finished_at: number | null; status: string; rows: number; trigger: string; error: string | null }): SyncRun {
  return {
    timestamp: isoSeconds(row.started_at),
    status: row.status === 'success' ? 'success' : row.status === 'running' ? 'running' : 'failed',
    duration_seconds: row.finished_at === null ? null : round3((row.finished_at - row.started_at) / 1000),
    rows_processed: row.rows,
    full_refresh: true,
    trigger: row.trigger,
    error: row.error
  }
}

function clamp(limit: number): number {
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : DEFAULT_LOG_LIMIT)))
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000
}

function seconds(value: number): string {
  if (value < 60) return `${value < 10 ? value.toFixed(1) : Math.round(value)} s`
  const minutes = Math.floor(value / 60)
  if (minutes < 60) return `${minutes} min ${Math.round(value % 60)} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
