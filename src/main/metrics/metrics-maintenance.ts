import { METRICS } from '../../shared/metrics'
import { NOT_IMPORTED } from '../base/series/imported-groups'
import type { LabelMatcher } from '../base/series/matchers'
import { HOUR_MS, MINUTE_MS, rollUp, rollupKey } from '../base/series/rollups'
import type { GroupInfo } from '../base/series/series-store'
import type { MetricsStore } from './metrics-store'
import { ROLLED_UP } from './samples'
import { rollupGroupKey } from './series-mapping'

export interface RetentionPolicy {
  /** Raw samples (every metric, processes included). */
  rawDays: number
  minuteRollupDays: number
  hourRollupDays: number
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 7, minuteRollupDays: 30, hourRollupDays: 400 }

/** Samples may land this late (collector and writer delays) and still count in their bucket. */
const LATENESS_MS = 15_000
const DAY_MS = 86_400_000
/** Retention drops whole chunks: once an hour is often enough, and keeps its deletes few. */
const RETENTION_EVERY_MS = HOUR_MS
/**
 * A timed roll-up pass gives the event loop back after this long: at 1,000 servers a whole pass
 * took 0.6–1 s in one turn, and every sample and WebSocket message waited behind it.
 */
const SLICE_MS = 20

/**
 * Rolls raw samples up into 1-minute and 1-hour min/avg/max (hours from minutes), each series
 * on its own, and drops the chunks older than the retention policy (whole chunks: a chunk is
 * kept until its newest sample is out of retention). Roll-ups run once a minute, retention once
 * an hour; each step carries on from what is stored, so a missed run (Vigil stopped) is caught
 * up by the next.
 */
export class MetricsMaintenance {
  private timer: NodeJS.Timeout | null = null
  private lastRetention = -Infinity
  /** Other features' series kept as long as raw samples (table snapshot counts). */
  private readonly alsoRaw: Array<readonly LabelMatcher[]> = []
  /**
   * Each raw group's roll-up groups (minute, hour), so the pass each minute does not build and
   * hash their keys again (tens of thousands a minute at 1,000 servers, most of its garbage).
   * Only groups in memory: entries are checked when the store has let groups go since.
   */
  private readonly rollupIds = new Map<number, { minute: number; hour: number }>()
  private rollupIdsCheckedAt = -1
  /** The timed pass under way, if any; `stop()` cancels it between two slices. */
  private pass: { cancelled: boolean } | null = null

  constructor(
    private readonly store: MetricsStore,
    private readonly retention: RetentionPolicy = DEFAULT_RETENTION,
    private readonly now: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly sliceMs = SLICE_MS
  ) {}

  start(periodMs = MINUTE_MS): void {
    this.timer ??= setInterval(() => void this.tick(), periodMs)
    this.timer.unref()
    this.safely(() => this.run())
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (this.pass) this.pass.cancelled = true
    this.pass = null
  }

  /** Keeps the series `matchers` select as long as raw samples too. */
  retainAsRaw(matchers: readonly LabelMatcher[]): void {
    this.alsoRaw.push(matchers)
  }

  /** Whether roll-ups and retention run (they start once the data dir's upgrade completed). */
  get running(): boolean {
    return this.timer !== null
  }

  /** When retention last ran; null before its first run. */
  get lastRetentionAt(): number | null {
    return Number.isFinite(this.lastRetention) ? this.lastRetention : null
  }

  /** Roll-ups and retention, now, in one go. */
  run(): void {
    for (const _ of this.rollUpAll());
    this.applyRetention()
  }

  /**
   * What the timer runs each minute: roll-ups in slices of about `sliceMs` with the event loop
   * free between them, then retention when an hour has passed since the last. A pass still under
   * way when the next minute comes is left to finish: the one after catches up.
   */
  async tick(): Promise<void> {
    if (this.pass) return
    const pass = { cancelled: false }
    this.pass = pass
    try {
      const steps = this.rollUpAll()
      for (let done = false; !done; ) {
        const until = performance.now() + this.sliceMs
        do done = steps.next().done === true
        while (!done && performance.now() < until)
        if (!done) await new Promise((resolve) => setImmediate(resolve))
        if (pass.cancelled) return
      }
      if (this.now() - this.lastRetention >= RETENTION_EVERY_MS) this.applyRetention()
    } catch (error) {
      this.onError(error)
    } finally {
      if (this.pass === pass) this.pass = null
    }
  }

  /** Rolls every raw group up, a group a step; between steps groups may come and go. */
  private *rollUpAll(): Generator<void> {
    const series = this.store.series
    const settled = this.now() - LATENESS_MS
    // Hours are built from minutes, so they may only advance as far as minutes have.
    const settledMinutes = Math.floor(settled / MINUTE_MS) * MINUTE_MS
    this.forgetGoneRollupIds()
    for (const metric of ROLLED_UP) {
      for (const group of this.store.groups(metric)) {
        // A server deleted between two slices took its groups with it.
        if (!series.group(group.id)) continue
        let ids = this.rollupIds.get(group.id)
        if (ids === undefined) {
          const minute = series.groupId(rollupGroupKey(group, MINUTE_MS))
          ids = { minute, hour: series.groupId(rollupKey(series.group(minute) as GroupInfo, HOUR_MS)) }
          this.rollupIds.set(group.id, ids)
        }
        rollUp(series, group, MINUTE_MS, settled, ids.minute)
        rollUp(series, series.group(ids.minute) as GroupInfo, HOUR_MS, settledMinutes, ids.hour)
        yield
      }
    }
    series.flush()
  }

  /** How many raw groups have their roll-up groups remembered (those in memory at most). */
  get rememberedRollups(): number {
    return this.rollupIds.size
  }

  /** Forgets the roll-up ids of groups that left memory (or whose roll-ups did). */
  private forgetGoneRollupIds(): void {
    const series = this.store.series
    if (series.forgetCount === this.rollupIdsCheckedAt) return
    for (const [id, { minute, hour }] of this.rollupIds) {
      if (!series.group(id) || !series.group(minute) || !series.group(hour)) this.rollupIds.delete(id)
    }
    this.rollupIdsCheckedAt = series.forgetCount
  }

  /**
   * Drops what is older than each policy. Imported history (an nmon recording's groups, and
   * their roll-ups) is left out: it is kept until its file is deleted (imported-groups.ts).
   */
  private applyRetention(): void {
    const now = this.now()
    const series = this.store.series
    const collected = (matchers: readonly LabelMatcher[]): LabelMatcher[] => [...matchers, NOT_IMPORTED]
    series.dropBefore(now - this.retention.rawDays * DAY_MS, collected(this.store.matchersOf(METRICS)))
    for (const matchers of this.alsoRaw) series.dropBefore(now - this.retention.rawDays * DAY_MS, collected(matchers))
    series.dropBefore(now - this.retention.minuteRollupDays * DAY_MS, collected(this.store.rollupMatchersOf(ROLLED_UP, MINUTE_MS)))
    series.dropBefore(now - this.retention.hourRollupDays * DAY_MS, collected(this.store.rollupMatchersOf(ROLLED_UP, HOUR_MS)))
    this.lastRetention = now
  }

  private safely(work: () => void): void {
    try {
      work()
    } catch (error) {
      this.onError(error)
    }
  }
}
