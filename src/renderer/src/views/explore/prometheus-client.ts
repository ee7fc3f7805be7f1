// The Explore page's Prometheus API: reads go through the renderer's own channel
// (`prometheus.api`: IPC in the desktop app, the session in a browser), answered as
// `/prometheus/api/v1/…` answers them.
import type { PrometheusAnswer } from '../../../../shared/prometheus'
import { call } from '../../transport/client'
import type { QueryResult } from './explore-data'

const PREFIX = '/prometheus/api/v1/'

/** codemirror-promql's `fetchFn` (its type is not exported). */
export type FetchFn = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/** Only the path and query of a URL are read: any base resolves `/prometheus/…` (file:// too). */
const BASE = 'http://vigil.invalid'

/**
 * codemirror-promql's HTTP client, pointed at `/prometheus`, fetches through this: its URL and
 * form body (it POSTs `labels` and `series`, GETs the rest) become the channel's path and
 * parameters, the answer a Response. An aborted request (the editor destroyed) rejects as fetch does.
 */
export const channelFetch: FetchFn = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input), BASE)
  const params: Record<string, string[]> = {}
  const add = (entries: URLSearchParams): void => {
    for (const [name, value] of entries) (params[name] ??= []).push(value)
  }
  add(url.searchParams)
  const body = init?.body
  if (body instanceof URLSearchParams) add(body)
  else if (typeof body === 'string') add(new URLSearchParams(body))
  const path = decodeURIComponent(url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname)
  init?.signal?.throwIfAborted()
  const answer = await call('prometheus.api', { path, params })
  init?.signal?.throwIfAborted()
  return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': 'application/json' } })
}

export type QueryOutcome = { ok: true; data: QueryResult } | { ok: false; errorType: string; error: string }

/** Runs `query` or `query_range` with `params`; an API error is an outcome, not a throw. */
export async function runQuery(path: 'query' | 'query_range', params: Record<string, string>): Promise<QueryOutcome> {
  const answer: PrometheusAnswer = await call('prometheus.api', { path, params: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, [value]])) })
  const body = JSON.parse(answer.body) as { status: 'success'; data: QueryResult } | { status: 'error'; errorType: string; error: string }
  return body.status === 'success' ? { ok: true, data: body.data } : { ok: false, errorType: body.errorType, error: body.error }
}
