// Vigil's Prometheus face asked the way the reference helper asks the real Prometheus (GET with a
// query string, POST with a form), and the recorded 2.42 exchanges both differential tests replay.
import { readFileSync } from 'node:fs'
import type { TestApi } from './api'
import { encodeParams, type ApiParams, type PrometheusResponse } from './prometheus-reference'

export interface RecordedExchange {
  name: string
  method: 'GET' | 'POST'
  path: string
  params: ApiParams
  status: number
  contentType: string
  text: string
}

/** What test/fixtures/prometheus-2.42-responses.json recorded of a real Prometheus 2.42. */
export function recordedExchanges(): RecordedExchange[] {
  return (JSON.parse(readFileSync('test/fixtures/prometheus-2.42-responses.json', 'utf8')) as { exchanges: RecordedExchange[] }).exchanges
}

/** Vigil's answer under /prometheus, in the reference helper's shape. */
export async function askVigil(api: TestApi, method: 'GET' | 'POST', path: string, params?: ApiParams, headers: Record<string, string> = {}): Promise<PrometheusResponse> {
  const search = encodeParams(params).toString()
  const response =
    method === 'GET'
      ? await api.request('GET', `/prometheus${path}${search ? `?${search}` : ''}`, { headers })
      : await api.request('POST', `/prometheus${path}`, { rawBody: search, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } })
  return { status: response.status, body: response.body, text: response.text, contentType: response.headers.get('content-type') ?? '' }
}
