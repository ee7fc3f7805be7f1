// The Explore page's Prometheus API: reads go through the renderer's own channel
// (`prometheus.api`: IPC in the desktop app, the session in a browser), answered as
// `/prometheus/api/v1/…` answers them.
import type { PrometheusAnswer } from '../../../../shared/prometheus'
import { call } from '../../transport/client'
import type { QueryResult } from './explore-data'

const PREFIX = '/prometheus/api/v1/'

/** codemirror-promql's `fetchFn` (its type is not exported). */
type FetchFn = (input: RequestInfo, init?: RequestInit) => Promise<Response>

/**
 * codemirror-promql's HTTP client, pointed at `/prometheus`, fetches through this: its URL and
 * form body become the channel's path and parameters, the answer a Response.
 */
export const channelFetch: FetchFn = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input, window.location.href)
  const params: Record<string, string[]> = {}
  const add = (entries: URLSearchParams): void => {
    for (const [name, value] of entries) (params[name] ??= []).push(value)
  }
  if (init?.body instanceof URLSearchParams) add(init.body)
  add(url.searchParams)
  const path = decodeURIComponent(url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname)
  const answer = await call('prometheus.api', { path, params })
  return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': 'application/json' } })
}

export type QueryOutcome = { ok: true; data: QueryResult } | { ok: false; errorType: string; error: string }

/** Runs `query` or `query_range` with `params`; an API error is an outcome, not a throw. */
export async function runQuery(path: 'query' | 'query_range', params: Record<string, string>): Promise<QueryOutcome> {
  const answer: PrometheusAnswer = await call('prometheus.api', { path, params: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, [value]])) })
  const body = JSON.parse(answer.body) as { status: 'success'; data: QueryResult } | { status: 'error'; errorType: string; error: string }
  return body.status === 'success' ? { ok: true, data: body.data } : { ok: false, errorType: body.errorType, error: body.error }
}
