// One HTTP scrape of a target: GET with Prometheus 2.42's Accept header (OpenMetrics 1.0 first,
// then the text format 0.0.4) and gzip, bounded in time (the job's timeout) and in size (the
// job's body limit, counted after decompression, so a small gzip bomb cannot grow without
// bound). Failures are ScrapeFailures carrying the target's result code and a reason a person
// can act on.
import { isUtf8 } from 'node:buffer'
import { request } from 'node:http'
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib'
import type { ExpositionFormat } from '../exposition/text-parser'

/** What the last scrape of a target came to: the API's resultCd (README, "Scraping OpenMetrics targets"). */
export const SCRAPE_RESULT = {
  OK: 0,
  CONNECTION_FAILED: 1,
  TIMEOUT: 2,
  HTTP_STATUS: 3,
  INVALID_EXPOSITION: 4,
  BODY_SIZE_LIMIT: 5,
  SAMPLE_LIMIT: 6,
  INTERNAL: 9
} as const

export type ScrapeResultCode = (typeof SCRAPE_RESULT)[keyof typeof SCRAPE_RESULT]

export class ScrapeFailure extends Error {
  constructor(
    readonly resultCd: ScrapeResultCode,
    message: string
  ) {
    super(message)
    this.name = 'ScrapeFailure'
  }
}

export const ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

export interface HttpScrapeOptions {
  timeoutMs: number
  bodySizeLimit: number
  userAgent: string
  /** Sent as `Authorization: Bearer`; null or left out: no header. */
  bearerToken?: string | null
}

export interface ScrapedBody {
  text: string
  format: ExpositionFormat
  /** Bytes after decompression. */
  bytes: number
}

export function httpScrape(url: string, options: HttpScrapeOptions): Promise<ScrapedBody> {
  return new Promise((resolve, reject) => {
    let settled = false
    const finish = (error: Error | null, body?: ScrapedBody): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) {
        req.destroy()
        reject(error)
      } else resolve(body as ScrapedBody)
    }
    const timer = setTimeout(() => finish(new ScrapeFailure(SCRAPE_RESULT.TIMEOUT, `no complete answer from ${url} within the scrape timeout (${options.timeoutMs / 1000} s)`)), options.timeoutMs)
    const req = request(url, {
      method: 'GET',
      // A connection per scrape: one every 15 s costs nothing, and a kept-alive socket the
      // target closed meanwhile would fail a scrape of a target that is up.
      agent: false,
      headers: {
        Accept: ACCEPT_HEADER,
        'Accept-Encoding': 'gzip',
        'User-Agent': options.userAgent,
        'X-Prometheus-Scrape-Timeout-Seconds': String(options.timeoutMs / 1000),
        ...(options.bearerToken ? { Authorization: `Bearer ${options.bearerToken}` } : {})
      }
    })
    req.on('error', (error: NodeJS.ErrnoException) => finish(new ScrapeFailure(SCRAPE_RESULT.CONNECTION_FAILED, connectionReason(url, error))))
    req.on('response', (response) => {
      const status = response.statusCode ?? 0
      if (status < 200 || status > 299) {
        response.resume()
        finish(new ScrapeFailure(SCRAPE_RESULT.HTTP_STATUS, `server returned HTTP status ${status} ${response.statusMessage ?? ''}`.trimEnd()))
        return
      }
      const encoding = (response.headers['content-encoding'] ?? '').toLowerCase()
      let stream: NodeJS.ReadableStream = response
      let decoder: Gunzip | Inflate | null = null
      if (encoding === 'gzip' || encoding === 'x-gzip') decoder = createGunzip()
      else if (encoding === 'deflate') decoder = createInflate()
      else if (encoding !== '' && encoding !== 'identity') {
        response.resume()
        finish(new ScrapeFailure(SCRAPE_RESULT.HTTP_STATUS, `unsupported Content-Encoding ${JSON.stringify(encoding)}`))
        return
      }
      if (decoder) {
        decoder.on('error', (error) => finish(new ScrapeFailure(SCRAPE_RESULT.INVALID_EXPOSITION, `the ${encoding} body cannot be decompressed: ${error.message}`)))
        stream = response.pipe(decoder)
      }
      const chunks: Buffer[] = []
      let bytes = 0
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes > options.bodySizeLimit) {
          decoder?.destroy()
          finish(new ScrapeFailure(SCRAPE_RESULT.BODY_SIZE_LIMIT, `body size limit exceeded: the answer is larger than ${options.bodySizeLimit} bytes${decoder ? ' (decompressed)' : ''}; raise the workspace's bodySizeLimitBytes if it is meant to be`))
          return
        }
        chunks.push(chunk)
      })
      response.on('error', (error) => finish(new ScrapeFailure(SCRAPE_RESULT.CONNECTION_FAILED, `the answer from ${url} broke off: ${error.message}`)))
      response.on('aborted', () => finish(new ScrapeFailure(SCRAPE_RESULT.CONNECTION_FAILED, `the answer from ${url} broke off`)))
      stream.on('end', () => {
        const buffer = Buffer.concat(chunks)
        const contentType = response.headers['content-type'] ?? ''
        const format: ExpositionFormat = /^\s*application\/openmetrics-text\b/i.test(contentType) ? 'openmetrics' : 'prometheus'
        if (!isUtf8(buffer)) {
          finish(new ScrapeFailure(SCRAPE_RESULT.INVALID_EXPOSITION, 'the body is not UTF-8 text'))
          return
        }
        finish(null, { text: buffer.toString('utf8'), format, bytes })
      })
    })
    req.end()
  })
}

function connectionReason(url: string, error: NodeJS.ErrnoException): string {
  const what: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the target',
    EHOSTUNREACH: 'no route to host',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out'
  }
  const described = error.code ? what[error.code] : undefined
  return `GET ${url}: ${described ? `${described} (${error.code})` : error.message}`
}
