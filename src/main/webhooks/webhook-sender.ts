// How a webhook's deliveries go out: one queue per webhook, bounded, drained by its own worker,
// so a slow or dead receiver holds up nobody else and the bus never waits on HTTP. Each delivery
// is tried up to `maxAttempts` times with exponential backoff; every attempt is reported (the
// deliveries log), then the delivery's outcome (failure streaks, disabling).
//
// Pending deliveries and retries live in memory: a restart loses them (Vigil's events are about
// the present — a server down an hour ago is told by the server's state, not by a replay).
import { createHmac } from 'node:crypto'
import type { PermissionArea } from '../../shared/teams'
import type { WebhookPayload } from '../../shared/webhooks'
import { messageOf } from '../base/text'

export interface SenderOptions {
  /** Per attempt, headers and body included. */
  timeoutMs: number
  maxAttempts: number
  /** The wait before retry `n` (1 for the first retry). */
  backoffMs: (retry: number) => number
  /** Deliveries a webhook may have waiting; more are dropped and counted. */
  queueLimit: number
  userAgent: string
  now: () => number
}

export const DEFAULT_SENDER_OPTIONS: Omit<SenderOptions, 'userAgent' | 'now'> = {
  timeoutMs: 10_000,
  maxAttempts: 5,
  // 1 s, 2 s, 4 s, 8 s: a receiver restarting is caught within seconds, and a delivery is settled within a minute or so.
  backoffMs: (retry) => 1000 * 2 ** (retry - 1),
  queueLimit: 100
}

export interface QueuedDelivery {
  webhookId: number
  payload: WebhookPayload
  /** The area the webhook's creator must read for it to go out; null for a test. */
  area: PermissionArea | null
}

/** Where a delivery goes now, or null when it is no longer to be sent (webhook gone, disabled, area no longer readable). */
export interface DeliveryTarget {
  url: string
  secret: string | null
}

export interface AttemptOutcome {
  attempt: number
  success: boolean
  statusCode: number | null
  error: string | null
  responseTimeMs: number
  at: number
}

export interface SenderHooks {
  /** Asked before every attempt: the webhook as it is at that moment. */
  target(delivery: QueuedDelivery): DeliveryTarget | null
  attempted(delivery: QueuedDelivery, outcome: AttemptOutcome): void
  /** Every attempt failed (false) or one succeeded (true); not called for a delivery withdrawn by target(). */
  finished(delivery: QueuedDelivery, success: boolean): void
}

/** `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`: what X-Vigil-Signature carries. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

interface Queue {
  items: QueuedDelivery[]
  /** Whether a worker drains it (or is about to start). */
  draining: boolean
  /** The delivery being attempted or waiting for its retry. */
  current: QueuedDelivery | null
  dropped: number
}

export class WebhookSender {
  private readonly queues = new Map<number, Queue>()
  private readonly workers = new Set<Promise<void>>()
  private readonly closing = new AbortController()

  constructor(
    private readonly options: SenderOptions,
    private readonly hooks: SenderHooks
  ) {}

  /** Queues a delivery; false (and counted) when the webhook's queue is full. Never waits. */
  enqueue(delivery: QueuedDelivery): boolean {
    if (this.closing.signal.aborted) return false
    const queue = this.queueOf(delivery.webhookId)
    if (queue.items.length >= this.options.queueLimit) {
      queue.dropped++
      return false
    }
    queue.items.push(delivery)
    if (!queue.draining) this.drain(queue)
    return true
  }

  status(webhookId: number): { queued: number; dropped: number } {
    const queue = this.queues.get(webhookId)
    return queue ? { queued: queue.items.length + (queue.current ? 1 : 0), dropped: queue.dropped } : { queued: 0, dropped: 0 }
  }

  /** Forgets what waits for a webhook (deleted or disabled); a retry in progress ends at its next target() check. */
  discard(webhookId: number): void {
    const queue = this.queues.get(webhookId)
    if (queue) queue.items.length = 0
  }

  /** Settles once nothing is queued or in flight (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.workers.size > 0) await Promise.allSettled([...this.workers])
  }

  /** Stops: attempts in flight are aborted, retries not made, queues dropped. */
  async close(): Promise<void> {
    this.closing.abort()
    for (const queue of this.queues.values()) queue.items.length = 0
    await this.idle()
  }

  private queueOf(webhookId: number): Queue {
    let queue = this.queues.get(webhookId)
    if (!queue) this.queues.set(webhookId, (queue = { items: [], draining: false, current: null, dropped: 0 }))
    return queue
  }

  private drain(queue: Queue): void {
    queue.draining = true
    const worker = (async () => {
      // Not in the publisher's call: the first attempt's set-up (fetch loads undici the first time) is not the bus's to wait for.
      await new Promise((resolve) => setImmediate(resolve))
      try {
        for (let next = queue.items.shift(); next; next = queue.items.shift()) {
          queue.current = next
          try {
            await this.deliver(next)
          } finally {
            queue.current = null
          }
        }
      } finally {
        queue.draining = false
      }
    })()
    this.workers.add(worker)
    void worker.finally(() => this.workers.delete(worker))
  }

  private async deliver(delivery: QueuedDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload)
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      if (attempt > 1 && !(await this.wait(this.options.backoffMs(attempt - 1)))) return
      const target = this.hooks.target(delivery)
      if (!target || this.closing.signal.aborted) return
      const outcome = await this.attempt(target, delivery.payload, body, attempt)
      if (this.closing.signal.aborted) return
      this.hooks.attempted(delivery, outcome)
      if (outcome.success) return this.hooks.finished(delivery, true)
    }
    this.hooks.finished(delivery, false)
  }

  private async attempt(target: DeliveryTarget, payload: WebhookPayload, body: string, attempt: number): Promise<AttemptOutcome> {
    const at = this.options.now()
    const timestamp = Math.floor(at / 1000)
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': this.options.userAgent,
      'X-Vigil-Event': payload.event,
      'X-Vigil-Delivery': payload.id,
      // Signed anew on every attempt: a receiver may refuse old timestamps (replays) without refusing retries.
      'X-Vigil-Timestamp': String(timestamp)
    }
    if (target.secret !== null) headers['X-Vigil-Signature'] = signature(target.secret, timestamp, body)
    const started = performance.now()
    const elapsed = (): number => Math.round(performance.now() - started)
    // Held here until the attempt ends: a timeout signal only reachable through AbortSignal.any() can be
    // collected before it fires (seen under vitest on Node 20), leaving a silent receiver hanging the queue.
    const timeout = AbortSignal.timeout(this.options.timeoutMs)
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers,
        body,
        // A redirect is an answer like any non-2xx: following it would post the event somewhere nobody registered.
        redirect: 'manual',
        signal: AbortSignal.any([timeout, this.closing.signal])
      })
      // The body is not read: nothing in it matters, and a receiver could send any amount.
      await response.body?.cancel().catch(() => undefined)
      const success = response.status >= 200 && response.status < 300
      return { attempt, success, statusCode: response.status, error: success ? null : `HTTP ${response.status}`, responseTimeMs: elapsed(), at }
    } catch (error) {
      const text = timeout.aborted ? `Timed out after ${this.options.timeoutMs / 1000} s` : failureText(error)
      return { attempt, success: false, statusCode: null, error: text, responseTimeMs: elapsed(), at }
    }
  }

  /** Waits `ms`; false when the sender closed meanwhile. */
  private wait(ms: number): Promise<boolean> {
    const signal = this.closing.signal
    if (signal.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve(!signal.aborted)
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done)
    })
  }
}

/** What went wrong, in words a user can act on: fetch's own message ("fetch failed") says nothing. */
function failureText(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { message?: string; code?: string } | undefined) : undefined
  if (cause?.message) return cause.message
  return messageOf(error)
}
