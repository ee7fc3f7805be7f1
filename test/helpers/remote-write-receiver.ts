// A remote-write receiver for the tests: a real HTTP server on 127.0.0.1 that decodes each
// request (snappy + protobuf, with the same codec Vigil sends with) and answers as the test says —
// 2xx, a 5xx, a 429 with Retry-After, a 400 for some series — keeping what it accepted.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeWriteRequest, type RemoteSeries } from '../../src/main/prometheus'

export interface ReceiverAnswer {
  status: number
  body?: string
  headers?: Record<string, string>
}

export interface RemoteWriteReceiver {
  url: string
  /** Every request's headers and series, answered or not. */
  requests: Array<{ headers: IncomingHttpHeaders; series: RemoteSeries[]; status: number }>
  /** Samples of the requests answered 2xx, by series (labels as `name="value"` text), in arrival order. */
  accepted: Map<string, RemoteSeries['samples']>
  /** How the next requests are answered (default 204). */
  answerWith(answer: (series: RemoteSeries[]) => ReceiverAnswer): void
  /** Resolves once `count` more requests than now have been answered. */
  requestsAfter(count: number): Promise<void>
  close(): Promise<void>
}

export function seriesKey(series: Pick<RemoteSeries, 'labels'>): string {
  return series.labels.map((label) => `${label.name}="${label.value}"`).join(',')
}

export async function startRemoteWriteReceiver(): Promise<RemoteWriteReceiver> {
  let answer: (series: RemoteSeries[]) => ReceiverAnswer = () => ({ status: 204 })
  const requests: RemoteWriteReceiver['requests'] = []
  const accepted = new Map<string, RemoteSeries['samples']>()
  let waiters: Array<{ until: number; resolve: () => void }> = []
  const answered = (): void => {
    for (const waiter of waiters) if (requests.length >= waiter.until) waiter.resolve()
    waiters = waiters.filter((waiter) => requests.length < waiter.until)
  }
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      let series: RemoteSeries[]
      try {
        series = decodeWriteRequest(Buffer.concat(chunks))
      } catch (error) {
        requests.push({ headers: request.headers, series: [], status: 400 })
        response.writeHead(400).end(`undecodable: ${(error as Error).message}`)
        answered()
        return
      }
      const { status, body, headers } = answer(series)
      requests.push({ headers: request.headers, series, status })
      if (status >= 200 && status < 300) {
        for (const one of series) {
          const key = seriesKey(one)
          accepted.set(key, [...(accepted.get(key) ?? []), ...one.samples])
        }
      }
      response.writeHead(status, headers).end(body ?? '')
      answered()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    requests,
    accepted,
    answerWith(next) {
      answer = next
    },
    requestsAfter(count) {
      return new Promise((resolve) => waiters.push({ until: requests.length + count, resolve }))
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
