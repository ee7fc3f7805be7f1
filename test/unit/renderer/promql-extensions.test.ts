// The Explore editor's completion without a DOM: typing starts it, and codemirror-promql's source
// reads metric names through channelFetch, which carries its GETs and form POSTs over the
// `prometheus.api` channel (mocked here).
import { CompletionContext, completionStatus, type CompletionResult } from '@codemirror/autocomplete'
import { EditorState } from '@codemirror/state'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { PrometheusRequest } from '../../../src/shared/prometheus'

const requests: PrometheusRequest[] = []
vi.mock('../../../src/renderer/src/transport/client', () => ({
  call: async (channel: string, request: PrometheusRequest) => {
    expect(channel).toBe('prometheus.api')
    requests.push(request)
    const data = request.path === 'label/__name__/values' ? ['explore_demo', 'up'] : request.path === 'metadata' ? {} : request.path === 'labels' ? ['__name__', 'job'] : []
    return { status: 200, body: JSON.stringify({ status: 'success', data }) }
  }
}))

const { apiErrorOf, errorRange, promqlExtensions, setApiError } = await import('../../../src/renderer/src/views/explore/promql-extensions')
const { channelFetch } = await import('../../../src/renderer/src/views/explore/prometheus-client')

beforeEach(() => {
  requests.length = 0
})

function editorState(doc = ''): EditorState {
  return EditorState.create({ doc, extensions: promqlExtensions({ onChange: () => undefined, onRun: () => undefined }) })
}

describe('the PromQL editor', () => {
  it('starts completion when a name is typed', () => {
    const state = editorState()
    expect(completionStatus(state)).toBeNull()
    const typed = state.update({ changes: { from: 0, insert: 'explore_d' }, selection: { anchor: 9 }, userEvent: 'input.type' }).state
    expect(completionStatus(typed)).toBe('pending')
  })

  it('completes metric names read over the prometheus.api channel', async () => {
    const state = editorState('explore_d')
    const sources = state.languageDataAt<(context: CompletionContext) => Promise<CompletionResult | null>>('autocomplete', 9)
    const results = await Promise.all(sources.map((source) => source(new CompletionContext(state, 9, false))))
    const labels = results.flatMap((result) => result?.options.map((option) => option.label) ?? [])
    expect(labels).toContain('explore_demo')
    expect(requests).toContainEqual({ path: 'label/__name__/values', params: {} })
  })
})

describe('the API error’s mark', () => {
  it('covers the character it points at, the last one when it points past the end', () => {
    expect(errorRange(4, 16)).toEqual({ from: 4, to: 5 })
    // `sum(explore_demo`: "1:17: parse error: unclosed left parenthesis".
    expect(errorRange(16, 16)).toEqual({ from: 15, to: 16 })
    expect(errorRange(null, 16)).toEqual({ from: 15, to: 16 })
    expect(errorRange(40, 16)).toEqual({ from: 15, to: 16 })
    expect(errorRange(null, 0)).toEqual({ from: 0, to: 0 })
  })

  it('is kept until the query is edited', () => {
    const error = { message: 'unclosed left parenthesis', offset: 16 }
    const marked = editorState('sum(explore_demo').update({ effects: setApiError.of(error) }).state
    expect(apiErrorOf(marked)).toEqual(error)
    const moved = marked.update({ selection: { anchor: 2 } }).state
    expect(apiErrorOf(moved)).toEqual(error)
    expect(apiErrorOf(moved.update({ changes: { from: 16, insert: ')' } }).state)).toBeNull()
    expect(apiErrorOf(moved.update({ effects: setApiError.of(null) }).state)).toBeNull()
  })
})

describe('channelFetch', () => {
  it('carries a GET’s path and query, with each value of a repeated parameter', async () => {
    const response = await channelFetch('/prometheus/api/v1/label/job/values?match%5B%5D=up&match%5B%5D=explore_demo&start=2026-12-02T07%3A00%3A00.000Z')
    expect(await response.json()).toEqual({ status: 'success', data: [] })
    expect(requests).toEqual([{ path: 'label/job/values', params: { 'match[]': ['up', 'explore_demo'], start: ['2026-12-02T07:00:00.000Z'] } }])
  })

  it('carries a POST’s form body (codemirror-promql POSTs labels and series)', async () => {
    const body = new URLSearchParams({ 'match[]': 'explore_demo', start: '1', end: '2' })
    const response = await channelFetch('/prometheus/api/v1/labels', { method: 'POST', body })
    expect(response.status).toBe(200)
    await channelFetch('/prometheus/api/v1/series', { method: 'POST', body: 'match%5B%5D=up' })
    expect(requests).toEqual([
      { path: 'labels', params: { 'match[]': ['explore_demo'], start: ['1'], end: ['2'] } },
      { path: 'series', params: { 'match[]': ['up'] } }
    ])
  })

  it('rejects an aborted request without sending it', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(channelFetch('/prometheus/api/v1/metadata', { signal: controller.signal })).rejects.toThrow()
    expect(requests).toEqual([])
  })
})
