// Runs the scrapes of every collection target: one loop per target, on its workspace's interval
// at a fixed offset within it (from a hash of the target, as Prometheus spreads its targets, so
// 100 targets do not all fire at once and a restart keeps each one's phase), never two scrapes of
// a target at once (a scrape that overruns skips the ticks it missed). Each scrape's outcome is
// kept on the target's row (its health in the API and the UI). sync() brings the loops in line
// with the tables after any change; scrapeNow() scrapes a target at once (the UI's "scrape now",
// and how the tests drive scrapes without waiting for a clock).
import { createHash } from 'node:crypto'
import type { SecretBox } from '../../base/security/secrets'
import type { SeriesStore } from '../../base/series/series-store'
import { httpScrape } from './http-scrape'
import type { JobRow, JobsRepo, TargetView } from './jobs-repo'
import { TargetScrape, type Fetch, type ScrapedMetadata, type ScrapeReport, type TargetConfig } from './target-scrape'
import { instanceOf, scrapeUrlOf } from './workspaces-service'

export interface ScrapeTimers {
  now(): number
  /** Calls fn after ms; returns how to cancel it. */
  after(ms: number, fn: () => void): () => void
}

const realTimers: ScrapeTimers = {
  now: Date.now,
  after(ms, fn) {
    const timer = setTimeout(fn, ms)
    timer.unref?.()
    return () => clearTimeout(timer)
  }
}

export interface ScrapeManagerOptions {
  repo: JobsRepo
  /** Opens the workspaces' bearer tokens. */
  secrets: SecretBox
  store: SeriesStore
  userAgent: string
  fetch?: Fetch
  timers?: ScrapeTimers
  /** Told of every scrape (after its outcome is recorded). */
  onReport?: (report: ScrapeReport) => void
  /** Told of a failure to record an outcome (the database closing under a last scrape). */
  onError?: (error: unknown) => void
}

interface Loop {
  scrape: TargetScrape
  cancel: (() => void) | null
  running: Promise<ScrapeReport> | null
}

export class ScrapeManager {
  private readonly loops = new Map<string, Loop>()
  private running = false
  private readonly fetch: Fetch
  private readonly timers: ScrapeTimers

  constructor(private readonly options: ScrapeManagerOptions) {
    this.timers = options.timers ?? realTimers
    this.fetch =
      options.fetch ?? ((config) => httpScrape(config.url, { timeoutMs: config.timeoutMs, bodySizeLimit: config.bodySizeLimit, userAgent: options.userAgent, bearerToken: config.bearerToken }))
  }

  /** Starts scheduled scrapes of every target. */
  start(): void {
    this.running = true
    this.sync()
  }

  /** Stops scheduling and waits for scrapes in flight. Series are not marked stale: Vigil is stopping, not the targets. */
  async stop(): Promise<void> {
    this.running = false
    for (const loop of this.loops.values()) loop.cancel?.()
    await Promise.allSettled([...this.loops.values()].map((loop) => loop.running))
    this.loops.clear()
  }

  /** Brings the loops in line with the tables: new targets start, removed ones end (their series marked stale), changed ones take their new settings. */
  sync(): void {
    const wanted = new Map(this.options.repo.allTargets().map((target) => [target.id, target]))
    const jobs = new Map(this.options.repo.jobs().map((job) => [job.id, job]))
    for (const [id, loop] of this.loops) {
      const target = wanted.get(id)
      const job = target ? jobs.get(target.job_id) : undefined
      const config = target && job ? configOf(target, job, this.options.secrets) : null
      if (config && sameSeries(config, loop.scrape.config)) {
        if (JSON.stringify(config) !== JSON.stringify(loop.scrape.config)) loop.scrape.reconfigure(config)
        continue
      }
      this.end(id, loop)
    }
    for (const [id, target] of wanted) {
      if (this.loops.has(id)) continue
      const job = jobs.get(target.job_id)
      if (!job) continue
      const loop: Loop = { scrape: new TargetScrape(configOf(target, job, this.options.secrets), this.options.store, this.fetch, this.timers.now), cancel: null, running: null }
      this.loops.set(id, loop)
      if (this.running) this.schedule(id, loop)
    }
  }

  /** Scrapes a target now (after the scrape in flight, if any); null when there is no such target. */
  async scrapeNow(targetId: string): Promise<ScrapeReport | null> {
    if (!this.loops.has(targetId)) this.sync()
    const loop = this.loops.get(targetId)
    if (!loop) return null
    if (loop.running) await loop.running.catch(() => undefined)
    if (this.loops.get(targetId) !== loop) return null
    return this.run(targetId, loop)
  }

  /** Every scraped family's metadata, each distinct one once, by family name (for /api/v1/metadata). */
  metadata(): Map<string, ScrapedMetadata[]> {
    const merged = new Map<string, Map<string, ScrapedMetadata>>()
    for (const loop of this.loops.values()) {
      for (const [name, doc] of loop.scrape.metadata) {
        let docs = merged.get(name)
        if (!docs) merged.set(name, (docs = new Map()))
        docs.set(JSON.stringify([doc.type, doc.help, doc.unit]), doc)
      }
    }
    return new Map([...merged].map(([name, docs]) => [name, [...docs.values()]]))
  }

  /** The targets being scraped (ids). */
  targets(): string[] {
    return [...this.loops.keys()]
  }

  private end(id: string, loop: Loop): void {
    loop.cancel?.()
    this.loops.delete(id)
    const finish = (): void => loop.scrape.stop()
    if (loop.running) void loop.running.finally(finish)
    else finish()
  }

  private schedule(id: string, loop: Loop): void {
    const { intervalMs } = loop.scrape.config
    const now = this.timers.now()
    const offset = offsetOf(loop.scrape.config)
    let next = Math.floor(now / intervalMs) * intervalMs + offset
    while (next <= now) next += intervalMs
    loop.cancel = this.timers.after(next - now, () => {
      loop.cancel = null
      if (!this.running || this.loops.get(id) !== loop) return
      const after = (): void => {
        if (this.running && this.loops.get(id) === loop && loop.cancel === null) this.schedule(id, loop)
      }
      if (loop.running) void loop.running.finally(after)
      else void this.run(id, loop).finally(after)
    })
  }

  private run(id: string, loop: Loop): Promise<ScrapeReport> {
    const running = loop.scrape.scrape().then((report) => {
      if (this.loops.get(id) === loop) {
        try {
          this.options.repo.recordScrape(id, {
            resultCd: report.resultCd,
            failReason: report.failReason,
            statusCd: report.up ? 'UP' : 'DOWN',
            at: report.at,
            durationMs: report.durationMs,
            samples: report.samples
          })
        } catch (error) {
          this.options.onError?.(error)
        }
        this.options.onReport?.(report)
      }
      return report
    })
    loop.running = running
    void running.finally(() => {
      if (loop.running === running) loop.running = null
    })
    return running
  }
}

function configOf(target: TargetView, job: JobRow, secrets: SecretBox): TargetConfig {
  return {
    targetId: target.id,
    jobName: job.job_name,
    instance: instanceOf(target),
    url: scrapeUrlOf(target, job),
    intervalMs: job.scrape_interval_ms,
    timeoutMs: job.scrape_timeout_ms,
    honorLabels: job.honor_labels === 1,
    sampleLimit: job.sample_limit,
    bodySizeLimit: job.body_size_limit,
    bearerToken: job.bearer_sealed === null ? null : secrets.open(job.bearer_sealed)
  }
}

/** Whether two configurations name the same series (a new address or job starts new series). */
function sameSeries(a: TargetConfig, b: TargetConfig): boolean {
  return a.jobName === b.jobName && a.instance === b.instance && a.honorLabels === b.honorLabels
}

/** The target's place within its interval, the same at every start. */
function offsetOf(config: TargetConfig): number {
  const digest = createHash('sha256').update(`${config.jobName}\u0000${config.url}`).digest()
  return digest.readUInt32BE(0) % config.intervalMs
}
