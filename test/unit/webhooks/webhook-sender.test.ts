// The sender's queue: bounded per webhook (drops counted, never waiting), backoff as injected,
// and closing ends retries at once.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signature, WebhookSender, type AttemptOutcome, type SenderOptions } from '../../../src/main/webhooks/webhook-sender'

let silent: Server
let url: string

beforeAll(async () => {
  // Accepts and never answers: a delivery to it stays in flight until its timeout.
  silent = createServer(() => undefined)
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`
})
afterAll(async () => {
  silent.closeAllConnections()
  await new Promise((resolve) => silent.close(resolve))
})

const options = (changes: Partial<SenderOptions> = {}): SenderOptions => ({
  timeoutMs: 60_000,
  maxAttempts: 5,
  backoffMs: () => 0,
  queueLimit: 2,
  userAgent: 'test',
  now: Date.now,
  ...changes
})
const delivery = (webhookId: number, n: number) => ({ webhookId, area: null, payload: { id: `d${n}`, event: 'webhook.test', created_at: '', data: {} } })

describe('WebhookSender', () => {
  it('holds at most queueLimit waiting deliveries per webhook, drops and counts the rest, and never waits', async () => {
    const sender = new WebhookSender(options(), { target: () => ({ url, secret: null }), attempted: () => undefined, finished: () => undefined })
    const started = performance.now()
    const accepted = [1, 2, 3, 4].map((n) => sender.enqueue(delivery(1, n)))
    expect(performance.now() - started).toBeLessThan(50)
    // Two wait, the others are dropped; another webhook has its own queue.
    expect(accepted).toEqual([true, true, false, false])
    expect(sender.status(1)).toEqual({ queued: 2, dropped: 2 })
    expect(sender.enqueue(delivery(2, 5))).toBe(true)
    // Once the first is in flight, its place in the queue is free again.
    await new Promise((resolve) => setImmediate(resolve))
    expect(sender.status(1)).toEqual({ queued: 2, dropped: 2 })
    expect(sender.enqueue(delivery(1, 6))).toBe(true)
    expect(sender.enqueue(delivery(1, 7))).toBe(false)
    expect(sender.status(1)).toEqual({ queued: 3, dropped: 3 })
    await sender.close()
    expect(sender.status(1)).toEqual({ queued: 0, dropped: 3 })
  })

  it('retries with the injected backoff, until the last attempt, and reports each', async () => {
    const waits: number[] = []
    const attempts: AttemptOutcome[] = []
    let settled: boolean | null = null
    const sender = new WebhookSender(options({ maxAttempts: 3, timeoutMs: 200, backoffMs: (retry) => (waits.push(retry), 1) }), {
      target: () => ({ url, secret: 'k' }),
      attempted: (_, outcome) => attempts.push(outcome),
      finished: (_, success) => (settled = success)
    })
    sender.enqueue(delivery(1, 1))
    await sender.idle()
    expect(waits).toEqual([1, 2])
    expect(attempts.map((attempt) => [attempt.attempt, attempt.success, attempt.statusCode, attempt.error])).toEqual([
      [1, false, null, 'Timed out after 0.2 s'],
      [2, false, null, 'Timed out after 0.2 s'],
      [3, false, null, 'Timed out after 0.2 s']
    ])
    expect(settled).toBe(false)
  })

  it('signs "<timestamp>.<body>" with HMAC-SHA256, hex (the vector checked with Python’s hmac)', () => {
    expect(signature('secret', 1700000000, '{"a":1}')).toBe('sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686')
  })
})
