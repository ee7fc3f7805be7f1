import { loadDashboardConfig, parseDashboardConfigChange, saveDashboardConfig, type ConfigStore, type DashboardConfig } from './config'
import type { DashboardHistorySeries, StoredDashboard } from './history-series'
import type { Dashboard } from './types'

/** setInterval and clearInterval, injectable so that tests drive the ticks. */
export interface IntervalTimers {
  setInterval(tick: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

const nodeTimers: IntervalTimers = {
  setInterval: (tick, ms) => setInterval(tick, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>)
}

export interface DashboardCollectorOptions {
  /** Reads one data set, e.g. `() => pools.withClient(target, (db) => reader.dashboard(db))`. */
  collect: () => Promise<Dashboard>
  /** Where the configuration is kept (see config.ts). */
  store: ConfigStore
  /** Where the data sets are kept: the instance's dashboard series. */
  history: DashboardHistorySeries
  /**
   * How long the instance's dashboard series are kept, in ms; undefined keeps them all. Never
   * less than the history: a data set /dashboard/history still answers is kept whatever its age.
   */
  retentionMs?: number
  timers?: IntervalTimers
  /** The time a data set is stored at; Date.now by default. */
  now?: () => number
  /** A collection failed; the collector carries on at the next tick. */
  onError?: (error: unknown) => void
}

/** Store key of the time before which no data set belongs to the history (see setConfig). */
export const HISTORY_FROM_KEY = 'dashboard.history_from'

/** How often retention runs, at most (it writes to SQLite). */
const RETENTION_EVERY_MS = 3_600_000

/**
 * Collects an instance's dashboard every scheduler_interval seconds into the series store, and
 * answers the last history_length data sets stored (GET /dashboard, /dashboard/history,
 * /dashboard/config). The history outlives Vigil: a new collector takes up the stored one.
 *
 * Runs never overlap: a tick that comes while a collection is still running is skipped (a slow
 * server gets fewer samples rather than a pile of queued queries).
 */
export class DashboardCollector {
  private readonly collect: () => Promise<Dashboard>
  private readonly store: ConfigStore
  private readonly timers: IntervalTimers
  private readonly onError: (error: unknown) => void
  private readonly series: DashboardHistorySeries
  private readonly retentionMs: number | undefined
  private readonly now: () => number
  private settings: DashboardConfig
  /** The times of the data sets in the history, oldest first (the data sets are in the store). */
  private readonly times: number[]
  /** The newest data set this collector collected, with the time it was stored at. */
  private newest: StoredDashboard | null = null
  private running: Promise<StoredDashboard> | null = null
  private timer: unknown = null
  private skipped = 0
  private detached = false
  private retainedAt = Number.NEGATIVE_INFINITY

  constructor(options: DashboardCollectorOptions) {
    this.collect = options.collect
    this.store = options.store
    this.series = options.history
    this.retentionMs = options.retentionMs
    this.timers = options.timers ?? nodeTimers
    this.now = options.now ?? Date.now
    this.onError = options.onError ?? (() => {})
    this.settings = loadDashboardConfig(options.store)
    const from = Number(options.store.get(HISTORY_FROM_KEY) ?? Number.NaN)
    const { history_length: length, scheduler_interval: interval } = this.settings
    this.times = this.series.newestTimes(length, Number.isFinite(from) ? from : Number.NEGATIVE_INFINITY, 2 * length * interval * 1000)
  }

  /** Collects now, then every scheduler_interval seconds. Starting a started collector does nothing. */
  start(): void {
    if (this.timer !== null) return
    this.schedule()
    this.tick()
  }

  /** No more ticks; resolves once a collection under way has finished (and is stored). */
  async stop(): Promise<void> {
    if (this.timer !== null) this.timers.clearInterval(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }

  /**
   * No more ticks, and nothing more stored, not even the collection under way: the instance is
   * gone, with its series.
   */
  detach(): void {
    this.detached = true
    if (this.timer !== null) this.timers.clearInterval(this.timer)
    this.timer = null
  }

  config(): DashboardConfig {
    return { ...this.settings }
  }

  /**
   * Validates and applies a change (406-style AppError on a bad value), persists it, and takes
   * it into account at once: a new interval restarts the ticks, a shorter history drops the oldest.
   * As when the history was kept in memory, a longer one does not bring back data sets dropped
   * before: the oldest time the history may reach back to is stored with the change, so that it
   * holds after a restart too.
   */
  setConfig(input: unknown): DashboardConfig {
    const change = parseDashboardConfigChange(input)
    const intervalChanged = change.scheduler_interval !== undefined && change.scheduler_interval !== this.settings.scheduler_interval
    saveDashboardConfig(this.store, change)
    this.settings = { ...this.settings, ...change }
    this.trim()
    const oldest = this.times[0]
    if (change.history_length !== undefined && oldest !== undefined) this.store.set(HISTORY_FROM_KEY, String(oldest))
    if (intervalChanged && this.timer !== null) {
      this.timers.clearInterval(this.timer)
      this.schedule()
    }
    return this.config()
  }

  /** The kept data sets, oldest first: the last history_length stored, read from the store. */
  history(): Dashboard[] {
    return this.stampedHistory().map((stored) => stored.dashboard)
  }

  /** The kept data sets with the times they were stored at, oldest first. */
  stampedHistory(): StoredDashboard[] {
    const oldest = this.times[0]
    if (oldest === undefined) return []
    return this.series.read(oldest).slice(-this.settings.history_length)
  }

  /**
   * The newest data set this collector collected (null before its first): after a restart, the
   * history holds older ones, but "the dashboard now" is collected anew.
   */
  latest(): Dashboard | null {
    return this.newest?.dashboard ?? null
  }

  /** The latest data set; before the first one exists, the collection under way or a new one. */
  async current(): Promise<Dashboard> {
    return (await this.stampedCurrent()).dashboard
  }

  /** current(), with the time the data set was stored at. */
  stampedCurrent(): Promise<StoredDashboard> {
    return this.newest ? Promise.resolve(this.newest) : this.collectStamped()
  }

  /** Collects now (or joins the collection under way); resolves once the data set is stored. */
  async collectNow(): Promise<Dashboard> {
    return (await this.collectStamped()).dashboard
  }

  private collectStamped(): Promise<StoredDashboard> {
    if (this.running) return this.running
    const run = this.startCollection()
      .then((snapshot): StoredDashboard => {
        if (this.detached) return { ts: this.now(), dashboard: snapshot }
        const stored = { ts: this.series.append(this.now(), snapshot), dashboard: snapshot }
        this.times.push(stored.ts)
        this.newest = stored
        this.trim()
        this.retain()
        return stored
      })
      .finally(() => {
        this.running = null
      })
    this.running = run
    return run
  }

  /** Ticks skipped because the previous collection was still running. */
  skippedTicks(): number {
    return this.skipped
  }

  private schedule(): void {
    this.timer = this.timers.setInterval(() => this.tick(), this.settings.scheduler_interval * 1000)
  }

  private tick(): void {
    if (this.running) {
      this.skipped += 1
      return
    }
    this.collectNow().catch(this.onError)
  }

  /** collect(), with a collect that throws at once turned into a rejection like any other. */
  private startCollection(): Promise<Dashboard> {
    try {
      return this.collect()
    } catch (error) {
      return Promise.reject(error)
    }
  }

  private trim(): void {
    const excess = this.times.length - this.settings.history_length
    if (excess > 0) this.times.splice(0, excess)
  }

  /** Drops what is older than the retention, now and then, but never a data set of the history. */
  private retain(): void {
    const now = this.now()
    if (this.retentionMs === undefined || now - this.retainedAt < RETENTION_EVERY_MS) return
    this.retainedAt = now
    this.series.dropBefore(Math.min(now - this.retentionMs, this.times[0] ?? Number.POSITIVE_INFINITY))
  }
}
