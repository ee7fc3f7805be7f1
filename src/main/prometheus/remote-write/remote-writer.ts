// Remote write out: every series Vigil stores, pushed to one Prometheus remote-write receiver
// (Prometheus with --web.enable-remote-write-receiver, Mimir, Thanos Receive, VictoriaMetrics).
// One request at a time, each a batch from the store (send-backlog.ts), so memory holds one
// body whatever the backlog. After the receiver's 2xx the groups' cursors are written, so a
// restart resumes where sending stopped: a crash between the 2xx and that write sends the
// batch again, which the receiver answers as the protocol says (duplicates are refused below).
//
// Answers, as the remote write 1.0 spec sorts them:
// - 2xx: sent;
// - 5xx, 429, 408, no answer: tried again, with exponential backoff (Retry-After when given);
// - 401, 403, 404, 405, 407: the receiver refuses Vigil, not the data — nothing is dropped, it is
//   tried again every maxBackoffMs until someone fixes the URL or the token;
// - any other 4xx (400: out of order, duplicate, too old): the data. A receiver such as Prometheus
//   rejects a whole request for one such sample, so the batch is split in halves and sent again
//   until only the refused series are left; those are passed over and counted.
import { AppError } from '../../../shared/errors'
import type { RemoteWriteInput, RemoteWriteState, RemoteWriteStatus } from '../../../shared/remote-write'
import type { SeriesStore } from '../../base/series/series-store'
import type { SeriesModel } from '../series/series-model'
import type { RemoteWriteRepo, RemoteWriteTarget } from './remote-write-repo'
import { SendBacklog } from './send-backlog'
import { encodeWriteRequest, REMOTE_WRITE_HEADERS, type RemoteSeries } from './write-request'
import { messageOf } from '../../base/text'

export interface RemoteWriterOptions {
  /** Samples a request carries at most (Prometheus: max_samples_per_send). */
  maxSamplesPerSend?: number
  /** How often the store is looked at when everything has been sent. */
  idleMs?: number
  timeoutMs?: number
  minBackoffMs?: number
  maxBackoffMs?: number
  now?: () => number
}

export interface RemoteWriterDeps {
  repo: RemoteWriteRepo
  store: SeriesStore
  model: SeriesModel
  userAgent: string
  /** Where failures and recoveries are told (Vigil's log). */
  log?: (message: string, level: 'info' | 'warn') => void
}

export class RemoteWriteInputError extends Error {
  constructor(
    message: string,
    readonly field = 'url'
  ) {
    super(message)
  }
}

/** A call that may be refused for its input, as the API's validation error on `url`. */
export async function remoteWriteCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof RemoteWriteInputError) throw AppError.invalidField(error.field, error.message)
    throw error
  }
}

type Delivery = 'sent' | 'stopped'

const STOP_GRACE_MS = 5000
const REFUSES_SENDER = new Set([401, 403, 404, 405, 407])
const RETRYABLE = (status: number): boolean => status >= 500 || status === 429 || status === 408

export class RemoteWriter {
  private readonly maxSamples: number
  private readonly idleMs: number
  private readonly timeoutMs: number
  private readonly minBackoffMs: number
  private readonly maxBackoffMs: number
  private readonly now: () => number
  private running: Promise<void> | null = null
  private stopping: AbortController | null = null
  /** Aborts a request in flight (once a stop's grace is over). */
  private cutOff = new AbortController()
  private wake: (() => void) | null = null
  private backlog: SendBacklog | null = null
  private state: RemoteWriteState = 'off'
  private inFlightBytes = 0
  private counts = { samplesSent: 0, samplesRefused: 0, requests: 0, failedRequests: 0 }
  private lastSuccessAt: number | null = null
  private lastError: { at: number; message: string } | null = null
  /** Looks at the store so far, and those waiting for one that finds nothing left to send. */
  private looks = 0
  private waiters: Array<{ after: number; resolve: () => void }> = []

  constructor(
    private readonly deps: RemoteWriterDeps,
    options: RemoteWriterOptions = {}
  ) {
    this.maxSamples = options.maxSamplesPerSend ?? 2000
    this.idleMs = options.idleMs ?? 1000
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.minBackoffMs = options.minBackoffMs ?? 100
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000
    this.now = options.now ?? Date.now
    // A deleted group is never sent again: its cursor goes too (a fleet leaves thousands an hour).
    // Left behind, a cursor costs a row on disk: told, not thrown at the store's deletion.
    deps.store.onGroupsDeleted((ids) => {
      try {
        deps.repo.deleteCursors(ids)
      } catch (error) {
        deps.log?.(`remote write: the cursors of ${ids.length} deleted groups could not be deleted: ${messageOf(error)}`, 'warn')
      }
    })
  }

  /** Starts sending, if a receiver is set and enabled. */
  start(): void {
    if (this.running) return
    const target = this.deps.repo.target()
    if (!target?.enabled) {
      this.state = 'off'
      return
    }
    const stopping = (this.stopping = new AbortController())
    this.cutOff = new AbortController()
    this.running = this.run(target, stopping.signal).finally(() => {
      this.running = null
      this.backlog = null
      this.inFlightBytes = 0
      this.state = 'off'
    })
  }

  /**
   * Stops sending. A request in flight gets STOP_GRACE_MS to be answered, so that what the
   * receiver took is recorded as sent rather than sent again at the next start.
   */
  async stop(): Promise<void> {
    this.stopping?.abort()
    this.wake?.()
    const cutOff = this.cutOff
    const grace = setTimeout(() => cutOff.abort(), STOP_GRACE_MS)
    await this.running
    clearTimeout(grace)
  }

  /** Sets the receiver (a new URL starts from now, forgetting how far the old one got) and restarts sending. */
  async configure(value: RemoteWriteInput): Promise<RemoteWriteStatus> {
    const input = remoteWriteInput(value)
    const url = receiverUrl(input.url)
    const before = this.deps.repo.target()
    const bearerToken = input.bearerToken === undefined ? (before?.bearerToken ?? null) : input.bearerToken === '' ? null : input.bearerToken
    const sinceMs = before?.url === url ? before.sinceMs : this.now()
    await this.stop()
    this.deps.repo.saveTarget({ url, bearerToken, enabled: input.enabled ?? true, sinceMs }, this.now())
    this.lastError = null
    this.start()
    return this.status()
  }

  /** Forgets the receiver and how far it got. */
  async remove(): Promise<RemoteWriteStatus> {
    await this.stop()
    this.deps.repo.removeTarget()
    this.lastError = null
    return this.status()
  }

  /**
   * Resolves once everything stored before the call has been sent (or refused for good): the
   * next look at the store that finds nothing left. Never, while the receiver is down or sending is off.
   */
  sent(): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ after: this.looks, resolve }))
  }

  status(): RemoteWriteStatus {
    const target = this.deps.repo.shownTarget()
    // The backlog as of now, also while one request is retried for minutes.
    this.backlog?.refresh()
    return {
      url: target?.url ?? null,
      enabled: target?.enabled ?? false,
      hasBearerToken: target?.hasBearerToken ?? false,
      state: this.state,
      since: target ? new Date(target.sinceMs).toISOString() : null,
      ...this.counts,
      lastSuccessAt: this.lastSuccessAt === null ? null : new Date(this.lastSuccessAt).toISOString(),
      lastError: this.lastError && { at: new Date(this.lastError.at).toISOString(), message: this.lastError.message },
      backlogRows: this.backlog?.pendingRows ?? 0,
      backlogGroups: this.backlog?.laggingGroups ?? 0,
      inFlightBytes: this.inFlightBytes
    }
  }

  private async run(target: RemoteWriteTarget, stop: AbortSignal): Promise<void> {
    const { repo } = this.deps
    const progress = repo.progress() ?? { sinceMs: target.sinceMs, sentBeforeMs: target.sinceMs }
    const backlog = (this.backlog = new SendBacklog(this.deps.store, this.deps.model, repo, progress, this.now()))
    while (!stop.aborted) {
      try {
        const look = ++this.looks
        backlog.refresh()
        const batch = backlog.next(this.maxSamples)
        if (batch === null) {
          const mark = backlog.markSent(this.now())
          if (mark !== null) repo.saveSentBefore(mark)
          this.state = 'idle'
          this.resolveWaiters(look)
          await this.pause(this.idleMs, stop)
          continue
        }
        if (batch.samples > 0 && (this.state === 'idle' || this.state === 'off')) this.state = 'sending'
        if ((await this.deliver(batch.series, batch.samples, target, stop)) === 'stopped') return
        backlog.commit(batch)
        repo.saveCursors(batch.cursors)
      } catch (error) {
        // Vigil's own failure (reading the store, recording the cursors): shown, and tried again.
        if (stop.aborted) return
        this.fail('retrying', `Vigil could not read or record what to send: ${messageOf(error)}`, target)
        await this.pause(this.maxBackoffMs, stop)
      }
    }
  }

  private resolveWaiters(look: number): void {
    const done = this.waiters.filter((waiter) => waiter.after < look)
    this.waiters = this.waiters.filter((waiter) => waiter.after >= look)
    for (const waiter of done) waiter.resolve()
  }

  /** Sends series until the receiver has them or refused them for good; 'stopped' when Vigil stops first. */
  private async deliver(series: readonly RemoteSeries[], samples: number, target: RemoteWriteTarget, stop: AbortSignal): Promise<Delivery> {
    if (samples === 0) return 'sent'
    const body = encodeWriteRequest(series)
    let backoff = this.minBackoffMs
    for (;;) {
      if (stop.aborted) return 'stopped'
      this.inFlightBytes = body.byteLength
      const answer = await this.post(body, target)
      this.inFlightBytes = 0
      this.counts.requests++
      if (answer.status >= 200 && answer.status < 300) {
        this.counts.samplesSent += samples
        this.lastSuccessAt = this.now()
        if (this.state !== 'sending') this.deps.log?.(`remote write: ${target.url} takes samples again`, 'info')
        this.state = 'sending'
        return 'sent'
      }
      this.counts.failedRequests++
      if (stop.aborted) return 'stopped'
      const status = answer.status
      if (status !== 0 && !RETRYABLE(status) && !REFUSES_SENDER.has(status)) return this.splitRefused(series, samples, target, stop, answer.message)
      const refused = REFUSES_SENDER.has(status)
      this.fail(refused ? 'refused' : 'retrying', answer.message, target)
      // The store lets groups go (processes that ended, an hour or so later): one that comes and
      // goes while the receiver is down must be in the backlog before then, or it is never sent.
      this.backlog?.refresh()
      const wait = refused ? this.maxBackoffMs : Math.min(this.maxBackoffMs, Math.max(backoff, answer.retryAfterMs ?? 0))
      await this.pause(wait, stop)
      backoff = Math.min(this.maxBackoffMs, backoff * 2)
    }
  }

  /** A 4xx for the data: halves sent again until the refused series are alone, and passed over. */
  private async splitRefused(series: readonly RemoteSeries[], samples: number, target: RemoteWriteTarget, stop: AbortSignal, message: string): Promise<Delivery> {
    if (series.length === 1) {
      this.counts.samplesRefused += samples
      this.lastError = { at: this.now(), message: `${message} (${samples} samples of ${seriesName(series[0] as RemoteSeries)} passed over)` }
      this.deps.log?.(`remote write: ${this.lastError.message}`, 'warn')
      return 'sent'
    }
    const half = Math.ceil(series.length / 2)
    for (const part of [series.slice(0, half), series.slice(half)]) {
      if ((await this.deliver(part, countSamples(part), target, stop)) === 'stopped') return 'stopped'
    }
    return 'sent'
  }

  private fail(state: RemoteWriteState, message: string, target: RemoteWriteTarget): void {
    if (this.state !== state) this.deps.log?.(`remote write: ${target.url}: ${message}`, 'warn')
    this.state = state
    this.lastError = { at: this.now(), message }
  }

  private async post(body: Uint8Array<ArrayBuffer>, target: RemoteWriteTarget): Promise<{ status: number; message: string; retryAfterMs?: number }> {
    const headers: Record<string, string> = { ...REMOTE_WRITE_HEADERS, 'User-Agent': this.deps.userAgent }
    if (target.bearerToken !== null) headers.Authorization = `Bearer ${target.bearerToken}`
    try {
      const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.any([this.cutOff.signal, AbortSignal.timeout(this.timeoutMs)]) })
      const text = response.ok ? '' : (await response.text()).trim().slice(0, 500)
      const retryAfter = Number(response.headers.get('retry-after'))
      return {
        status: response.status,
        message: `HTTP ${response.status}${text ? `: ${text}` : ''}`,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined
      }
    } catch (error) {
      return { status: 0, message: `no answer: ${describeFetchError(error)}` }
    }
  }

  /** Waits `ms`, or less when Vigil stops. */
  private pause(ms: number, stop: AbortSignal): Promise<void> {
    if (stop.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    })
  }
}

/** The input checked field by field (the HTTP face hands bodies on unchecked, as IPC does). */
function remoteWriteInput(value: unknown): RemoteWriteInput {
  if (typeof value !== 'object' || value === null) throw new RemoteWriteInputError('Send {"url", "bearerToken"?, "enabled"?}', '')
  const { url, bearerToken, enabled, ...rest } = value as Record<string, unknown>
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined) throw new RemoteWriteInputError(`Unknown field '${unknown}'`, unknown)
  if (typeof url !== 'string') throw new RemoteWriteInputError('url is required: the receiver, e.g. http://prometheus:9090/api/v1/write')
  if (bearerToken !== undefined && bearerToken !== null && typeof bearerToken !== 'string') throw new RemoteWriteInputError('bearerToken must be a string or null', 'bearerToken')
  if (enabled !== undefined && typeof enabled !== 'boolean') throw new RemoteWriteInputError('enabled must be true or false', 'enabled')
  return { url, bearerToken, enabled }
}

/** The URL as given, checked: http or https, with a host. */
export function receiverUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new RemoteWriteInputError(`'${value}' is not a URL (e.g. http://prometheus:9090/api/v1/write)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteWriteInputError(`A remote write URL is http:// or https://, not ${url.protocol}`)
  if (url.username || url.password) throw new RemoteWriteInputError('Give credentials as a bearer token, not in the URL')
  return url.toString()
}

function countSamples(series: readonly RemoteSeries[]): number {
  return series.reduce((sum, one) => sum + one.samples.length, 0)
}

function seriesName(series: RemoteSeries): string {
  const labels = series.labels.filter((label) => label.name !== '__name__').map((label) => `${label.name}="${label.value}"`)
  return `${series.labels.find((label) => label.name === '__name__')?.value ?? ''}{${labels.join(',')}}`
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  if (error.name === 'TimeoutError') return 'timed out'
  return cause?.code ?? cause?.message ?? error.message
}

