import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders
  /** The body as sent (the signature is over these exact bytes). */
  body: string
  json: { id: string; event: string; created_at: string; data: Record<string, unknown> }
  at: number
}

export interface WebhookReceiver {
  url: string
  received: ReceivedDelivery[]
  /** The status the next requests get (200 by default); a function decides per request. */
  answerWith(status: number | ((delivery: ReceivedDelivery) => number)): void
  /** The first delivery (already received or to come) that `match` accepts. */
  next(match: (delivery: ReceivedDelivery) => boolean, timeoutMs?: number): Promise<ReceivedDelivery>
  close(): Promise<void>
}

/** An HTTP server on 127.0.0.1 that records what webhooks post to it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = []
  const waiters = new Set<{ match: (delivery: ReceivedDelivery) => boolean; resolve: (delivery: ReceivedDelivery) => void }>()
  let answer: number | ((delivery: ReceivedDelivery) => number) = 200
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: ReceivedDelivery['json']
      try {
        json = JSON.parse(body) as ReceivedDelivery['json']
      } catch {
        json = { id: '', event: '', created_at: '', data: {} }
      }
      const delivery = { headers: request.headers, body, json, at: performance.now() }
      received.push(delivery)
      response.statusCode = typeof answer === 'number' ? answer : answer(delivery)
      response.end('ok')
      for (const waiter of waiters) {
        if (waiter.match(delivery)) {
          waiters.delete(waiter)
          waiter.resolve(delivery)
        }
      }
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answerWith(status) {
      answer = status
    },
    next(match, timeoutMs = 10_000) {
      const found = received.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (delivery: ReceivedDelivery) => {
            clearTimeout(timer)
            resolve(delivery)
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          reject(new Error(`No matching delivery within ${timeoutMs} ms (${received.length} received)`))
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
