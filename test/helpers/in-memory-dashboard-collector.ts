// The dashboard history as it was before it moved into the series store (issue 13): the
// collector's in-memory array of data sets, copied here unchanged as the reference the
// store-backed collector is compared with (test/unit/pg-dashboard-history-equality.test.ts).
// Do not "fix" it: it is what /dashboard/history answered.
import { loadDashboardConfig, parseDashboardConfigChange, saveDashboardConfig, type ConfigStore, type DashboardConfig } from '../../src/main/postgres/dashboard/config'
import type { Dashboard } from '../../src/main/postgres/dashboard/types'

/** setInterval and clearInterval, injectable so that tests drive the ticks. */
export interface IntervalTimers {
  setInterval(tick: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

const nodeTimers: IntervalTimers = {
  setInterval: (tick, ms) => setInterval(tick, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>)
}

export interface InMemoryDashboardCollectorOptions {
  /** Reads one data set, e.g. `() => pools.withClient(target, (db) => reader.dashboard(db))`. */
  collect: () => Promise<Dashboard>
  /** Where the configuration is kept (see config.ts). */
  store: ConfigStore
  timers?: IntervalTimers
  /** A collection failed; the collector carries on at the next tick. */
  onError?: (error: unknown) => void
}

/**
 * Collects an instance's dashboard every scheduler_interval seconds and keeps the last
 * history_length data sets (GET /dashboard, /dashboard/history, /dashboard/config).
 *
 * Runs never overlap: a tick that comes while a collection is still running is skipped (a slow
 * server gets fewer samples rather than a pile of queued queries).
 */
export class InMemoryDashboardCollector {
  private readonly collect: () => Promise<Dashboard>
  private readonly store: ConfigStore
  private readonly timers: IntervalTimers
  private readonly onError: (error: unknown) => void
  private settings: DashboardConfig
  private readonly snapshots: Dashboard[] = []
  private running: Promise<Dashboard> | null = null
  private timer: unknown = null
  private skipped = 0

  constructor(options: InMemoryDashboardCollectorOptions) {
    this.collect = options.collect
    this.store = options.store
    this.timers = options.timers ?? nodeTimers
    this.onError = options.onError ?? (() => {})
    this.settings = loadDashboardConfig(options.store)
  }

  /** Collects now, then every scheduler_interval seconds. Starting a started collector does nothing. */
  start(): void {
    if (this.timer !== null) return
    this.schedule()
    this.tick()
  }

  /** No more ticks; resolves once a collection under way has finished. */
  async stop(): Promise<void> {
    if (this.timer !== null) this.timers.clearInterval(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }

  config(): DashboardConfig {
    return { ...this.settings }
  }

  /**
   * Validates and applies a change (406-style AppError on a bad value), persists it, and takes
   * it into account at once: a new interval restarts the ticks, a shorter history drops the oldest.
   */
  setConfig(input: unknown): DashboardConfig {
    const change = parseDashboardConfigChange(input)
    const intervalChanged = change.scheduler_interval !== undefined && change.scheduler_interval !== this.settings.scheduler_interval
    saveDashboardConfig(this.store, change)
    this.settings = { ...this.settings, ...change }
    this.trim()
    if (intervalChanged && this.timer !== null) {
      this.timers.clearInterval(this.timer)
      this.schedule()
    }
    return this.config()
  }

  /** The kept data sets, oldest first. */
  history(): Dashboard[] {
    return [...this.snapshots]
  }

  latest(): Dashboard | null {
    return this.snapshots.at(-1) ?? null
  }

  /** The latest data set; before the first one exists, the collection under way or a new one. */
  current(): Promise<Dashboard> {
    const latest = this.latest()
    return latest ? Promise.resolve(latest) : this.collectNow()
  }

  /** Collects now (or joins the collection under way); resolves once the data set is kept. */
  collectNow(): Promise<Dashboard> {
    if (this.running) return this.running
    const run = this.startCollection()
      .then((snapshot) => {
        this.snapshots.push(snapshot)
        this.trim()
        return snapshot
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
    const excess = this.snapshots.length - this.settings.history_length
    if (excess > 0) this.snapshots.splice(0, excess)
  }
}
