// One HTTP(S) request from a `vigil` command to a Vigil server. node:http rather than fetch:
// fetch cannot be given a certificate to trust (a self-signed one pinned by `vigil serve`, or
// --ca), and the commands need exactly that.
import { readFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import { pinnedTlsOptions } from '../base/security/tls-certificate'

/** How an https server is trusted beyond the system's CAs. */
export type TlsTrust =
  /** Exactly this certificate, by fingerprint (what `vigil serve` recorded in serve.json). */
  | { kind: 'pinned'; fingerprint256: string; cert: string }
  /** A PEM file (--ca): the server's self-signed certificate or the CA that issued it; names checked as usual. */
  | { kind: 'ca'; file: string }

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/** The TLS options of node:https (and of `ws`, which passes them on) for a trust. */
export function tlsOptions(trust: TlsTrust | null): RequestOptions {
  if (!trust) return {}
  if (trust.kind === 'pinned') return pinnedTlsOptions(trust.fingerprint256, trust.cert)
  // A partial chain lets the file be the server's own (self-signed or not) certificate.
  return { ca: readFileSync(trust.file, 'utf8'), allowPartialTrustChain: true }
}

export function sendRequest(
  url: URL,
  options: { method: string; headers: Record<string, string>; body?: string; trust: TlsTrust | null; /** Fail after this long without a byte. */ timeoutMs?: number }
): Promise<HttpAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const headers = options.body === undefined ? options.headers : { ...options.headers, 'Content-Length': String(Buffer.byteLength(options.body)) }
    const base = { method: options.method, headers }
    const request = url.protocol === 'https:' ? httpsRequest(url, { ...base, ...tlsOptions(options.trust) }) : httpRequest(url, base)
    request.on('error', reject)
    if (options.timeoutMs !== undefined) {
      const seconds = options.timeoutMs / 1000
      request.setTimeout(options.timeoutMs, () => request.destroy(Object.assign(new Error(`no answer in ${seconds} s`), { code: 'ETIMEDOUT' })))
    }
    request.on('response', (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => resolveAnswer({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }))
    })
    request.end(options.body)
  })
}
