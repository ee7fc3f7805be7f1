// What one target's scrapes write into the series store, as Prometheus 2.42's scrape loop does
// (scrape/scrape.go), so that PromQL over them answers as Prometheus would:
//   - every sample is a series `scrape:<name>` with the exposition's labels and the target's `job`
//     and `instance` (honor_labels: false renames a clashing exposed label to `exported_<name>`;
//     true keeps the exposed value); samples without a timestamp get the scrape's start time;
//   - the report series `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
//     `scrape_samples_post_metric_relabeling` and `scrape_series_added` (series not exposed by
//     the last successful scrape that exposed any), after every scrape;
//   - staleness markers: a series of the last scrape missing from this one, every series of the
//     last scrape when this one failed, and all of them (report series too) when the target
//     goes away — at the scrape's time. Series exposed with their own timestamps are not
//     tracked for staleness (as in 2.42);
//   - a failed scrape (connection, timeout, HTTP status, bad exposition, limits) stores none of
//     its samples: up is 0 and the reason is kept for the target's health.
import type { SeriesStore } from '../../base/series/series-store'
import { STALE } from '../../base/series/sample'
import { parseExposition, type ParsedExposition } from '../exposition/text-parser'
import { externalGroupKey, isReservedName } from '../series/external-series'
import { labelSet, labelSetKey, type LabelSet } from '../series/label-sets'
import { SCRAPE_RESULT, ScrapeFailure, type ScrapedBody, type ScrapeResultCode } from './http-scrape'
import { messageOf } from '../../base/text'

export interface TargetConfig {
  targetId: string
  jobName: string
  /** ip:port, the `instance` label. */
  instance: string
  url: string
  intervalMs: number
  timeoutMs: number
  honorLabels: boolean
  sampleLimit: number
  bodySizeLimit: number
  /** Sent as `Authorization: Bearer`; null: no header. */
  bearerToken: string | null
}

/** A family's `# TYPE`, `# HELP` and `# UNIT` as /api/v1/metadata reports them (2.42: untyped is unknown, absent text is ''). */
export interface ScrapedMetadata {
  type: string
  help: string
  unit: string
}

export interface ScrapeReport {
  targetId: string
  /** The scrape's time (its start), ms. */
  at: number
  up: boolean
  resultCd: ScrapeResultCode
  failReason: string | null
  durationMs: number
  samples: number
  seriesAdded: number
}

/** How a scrape fetches its body (httpScrape; tests may stand in). */
export type Fetch = (config: TargetConfig) => Promise<ScrapedBody>

const REPORT_NAMES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'] as const

export class TargetScrape {
  /** The series of the last successful scrape that are tracked for staleness, by key → group id. */
  private tracked = new Map<string, number>()
  /**
   * The series of the last successful scrape that exposed any, timed or not: a series not among
   * them counts in scrape_series_added (2.42's scrape cache, which a failed scrape leaves as it is).
   */
  private known = new Set<string>()
  /** Group ids by series key, kept while the store keeps its groups. */
  private readonly ids = new Map<string, number>()
  private forgetCount: number
  private reportIds: number[] | null = null
  /** The metadata of the last successful scrape, by family name (what 2.42's scrape cache keeps for /api/v1/metadata). */
  private lastMetadata = new Map<string, ScrapedMetadata>()
  private stopped = false

  constructor(
    private current: TargetConfig,
    private readonly store: SeriesStore,
    private readonly fetch: Fetch,
    private readonly now: () => number
  ) {
    this.forgetCount = store.forgetCount
  }

  get config(): TargetConfig {
    return this.current
  }

  /** New settings (path, interval, timeout, limits) for the same series. */
  reconfigure(config: TargetConfig): void {
    this.current = config
  }

  /** One scrape: fetch, parse, write (or mark stale), report. Never throws. */
  async scrape(): Promise<ScrapeReport> {
    const at = this.now()
    const started = performance.now()
    let parsed: ParsedExposition | null = null
    let failure: ScrapeFailure | null = null
    let bodyBytes = 0
    try {
      const body = await this.fetch(this.config)
      bodyBytes = body.bytes
      parsed = parseExposition(body.text, body.format, { lenientEscapes: true })
      if (parsed.sampleCount > this.config.sampleLimit) {
        throw new ScrapeFailure(SCRAPE_RESULT.SAMPLE_LIMIT, `sample limit exceeded: ${parsed.sampleCount} samples, the workspace takes at most ${this.config.sampleLimit}; raise its sampleLimit if it is meant to be`)
      }
    } catch (error) {
      failure = asFailure(error)
    }
    const durationMs = performance.now() - started
    if (this.stopped) return this.report(at, failure, durationMs, parsed?.sampleCount ?? 0, 0)
    this.refreshIds()
    let added = 0
    if (failure === null && parsed !== null) {
      added = this.writeSamples(parsed, at, bodyBytes)
      this.lastMetadata = metadataOf(parsed)
    }
    else this.markStale(this.tracked, at)
    if (failure !== null) this.tracked = new Map()
    const samples = parsed?.sampleCount ?? 0
    this.writeReport(at, [failure === null ? 1 : 0, durationMs / 1000, samples, failure === null ? samples : 0, added])
    this.store.flush()
    return this.report(at, failure, durationMs, samples, added)
  }

  /** The families the target exposed with metadata, as of its last successful scrape. */
  get metadata(): ReadonlyMap<string, ScrapedMetadata> {
    return this.lastMetadata
  }

  /** The target is gone (deleted, or its job): every series it had ends now. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    const at = this.now()
    this.refreshIds()
    this.markStale(this.tracked, at)
    this.tracked = new Map()
    if (this.reportIds) for (const id of this.reportIds) this.store.append(id, at, [STALE])
    this.store.flush()
  }

  private report(at: number, failure: ScrapeFailure | null, durationMs: number, samples: number, seriesAdded: number): ScrapeReport {
    return {
      targetId: this.config.targetId,
      at,
      up: failure === null,
      resultCd: failure?.resultCd ?? SCRAPE_RESULT.OK,
      failReason: failure?.message ?? null,
      durationMs,
      samples,
      seriesAdded
    }
  }

  /** Appends the scrape's samples; returns how many series are new since the last scrape. */
  private writeSamples(parsed: ParsedExposition, at: number, bodyBytes: number): number {
    const seen = new Map<string, number>()
    const exposed = new Set<string>()
    let added = 0
    for (const series of parsed.series) {
      if (isReservedName(series.name)) continue
      const labels = this.targetLabels(series.labels)
      const key = `${series.name}${labelSetKey(labels)}`
      let id = this.ids.get(key)
      if (id === undefined) {
        id = this.store.groupId(externalGroupKey('scrape', series.name, labels))
        this.ids.set(key, id)
      }
      const explicit = series.timestamps.some((ts) => ts !== null)
      const written = new Set<number>()
      for (let i = 0; i < series.values.length; i++) {
        const ts = series.timestamps[i] ?? at
        // The first sample of a time wins (2.42 refuses a second one as a duplicate); a time
        // the store cannot keep is left out.
        if (written.has(ts) || !Number.isSafeInteger(ts)) continue
        written.add(ts)
        this.store.append(id, ts, [series.values[i] as number])
      }
      if (!this.known.has(key) && !exposed.has(key)) added++
      exposed.add(key)
      if (!explicit) seen.set(key, id)
    }
    for (const [key, id] of this.tracked) if (!seen.has(key)) this.store.append(id, at, [STALE])
    this.tracked = seen
    if (bodyBytes > 0) this.known = exposed
    return added
  }

  private markStale(series: Map<string, number>, at: number): void {
    for (const id of series.values()) this.store.append(id, at, [STALE])
  }

  private writeReport(at: number, values: number[]): void {
    if (this.reportIds === null) {
      const labels = labelSet([
        ['job', this.config.jobName],
        ['instance', this.config.instance]
      ])
      this.reportIds = REPORT_NAMES.map((name) => this.store.groupId(externalGroupKey('scrape', name, labels)))
    }
    this.reportIds.forEach((id, i) => this.store.append(id, at, [values[i] as number]))
  }

  /** The exposed labels with the target's job and instance, as honor_labels says. Labels starting with __ are Prometheus' own and dropped. */
  private targetLabels(exposed: Readonly<Record<string, string>>): LabelSet {
    const result = new Map<string, string>()
    for (const [name, value] of Object.entries(exposed)) if (!name.startsWith('__')) result.set(name, value)
    const target: Array<[string, string]> = [
      ['job', this.config.jobName],
      ['instance', this.config.instance]
    ]
    for (const [name, value] of target) {
      const exposedValue = result.get(name)
      if (exposedValue !== undefined) {
        if (this.config.honorLabels) continue
        let exported = `exported_${name}`
        while (result.has(exported)) exported = `exported_${exported}`
        result.set(exported, exposedValue)
      }
      result.set(name, value)
    }
    return labelSet(result)
  }

  /** Group ids stay valid until the store lets groups go; then they are looked up again. */
  private refreshIds(): void {
    if (this.store.forgetCount === this.forgetCount) return
    this.forgetCount = this.store.forgetCount
    this.ids.clear()
    const relabel = (series: Map<string, number>): Map<string, number> => {
      const again = new Map<string, number>()
      for (const [key, id] of series) {
        const info = this.store.group(id)
        if (info) again.set(key, id)
      }
      return again
    }
    this.tracked = relabel(this.tracked)
    this.reportIds = null
  }
}

function metadataOf(parsed: ParsedExposition): Map<string, ScrapedMetadata> {
  const metadata = new Map<string, ScrapedMetadata>()
  for (const [name, family] of parsed.metadata) {
    if (isReservedName(name)) continue
    const type = family.type === null || family.type === 'untyped' ? 'unknown' : family.type
    metadata.set(name, { type, help: family.help ?? '', unit: family.unit ?? '' })
  }
  return metadata
}

function asFailure(error: unknown): ScrapeFailure {
  if (error instanceof ScrapeFailure) return error
  if (error instanceof Error && error.name === 'ExpositionError') return new ScrapeFailure(SCRAPE_RESULT.INVALID_EXPOSITION, `invalid exposition at ${error.message}`)
  return new ScrapeFailure(SCRAPE_RESULT.INTERNAL, `internal error: ${messageOf(error)}`)
}
