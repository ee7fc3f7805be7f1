// Release 9's roll-ups and retention over the metrics tables (before the series store). The
// row store of the benchmarks and the fixture script; not used by Vigil.
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../src/main/metrics/metrics-maintenance'
import { ROLLED_UP } from '../../src/main/metrics/samples'
import { METRICS } from '../../src/shared/metrics'
import { HOUR_MS, MINUTE_MS, type MetricsRepo } from './metrics-repo-v9'

/** Samples may land this late (collector and writer delays) and still count in their bucket. */
const LATENESS_MS = 15_000
const DAY_MS = 86_400_000

/**
 * Rolls raw samples up into 1-minute and 1-hour min/avg/max, then deletes what is older
 * than the retention policy. Runs once a minute; each step is idempotent, so a missed run
 * (Vigil stopped) is caught up by the next.
 */
export class MetricsMaintenance {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly repo: MetricsRepo,
    private readonly retention: RetentionPolicy = DEFAULT_RETENTION,
    private readonly now: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => {}
  ) {}

  start(periodMs = MINUTE_MS): void {
    this.timer ??= setInterval(() => this.runSafely(), periodMs)
    this.timer.unref()
    this.runSafely()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  run(): void {
    const settled = this.now() - LATENESS_MS
    for (const metric of ROLLED_UP) {
      this.rollUp(metric, MINUTE_MS, settled)
      // Hours are built from minutes, so they may only advance as far as minutes have.
      this.rollUp(metric, HOUR_MS, this.repo.rollupProgress(metric, MINUTE_MS) ?? 0)
    }
    const now = this.now()
    for (const metric of METRICS) this.repo.deleteSamplesBefore(metric, now - this.retention.rawDays * DAY_MS)
    for (const metric of ROLLED_UP) {
      this.repo.deleteRollupsBefore(metric, MINUTE_MS, now - this.retention.minuteRollupDays * DAY_MS)
      this.repo.deleteRollupsBefore(metric, HOUR_MS, now - this.retention.hourRollupDays * DAY_MS)
    }
  }

  private rollUp(metric: (typeof ROLLED_UP)[number], resolution: number, settledUntil: number): void {
    const to = Math.floor(settledUntil / resolution) * resolution
    let from = this.repo.rollupProgress(metric, resolution)
    if (from === undefined) {
      const oldest = this.repo.oldestSample(metric)
      if (oldest === undefined) return
      from = Math.floor(oldest / resolution) * resolution
    }
    if (to > from) this.repo.rollUp(metric, resolution, from, to)
  }

  private runSafely(): void {
    try {
      this.run()
    } catch (error) {
      this.onError(error)
    }
  }
}
