import { create } from 'zustand'
import type { Topics } from '../../../shared/contract'
import { CHARTED_METRICS, type ChartedMetric, type SeriesAnswer } from '../../../shared/metric-series'
import { NUMERIC_FIELDS, SERIES_KEY } from '../../../shared/metrics'
import type { Server } from '../../../shared/servers'
import { fieldsDrawn } from '../charts/panels'
import { measureFrame } from '../charts/perf'
import { LIVE_WINDOW_MS, resolveRange, resolutionFor, type RangeChoice, type ResolvedRange } from '../charts/ranges'
import { appendSample } from '../charts/shaping'
import { call, subscribe } from '../transport/client'
import { createLoader } from './loader'

interface DetailState {
  serverId: string | null
  server: Server | null
  choice: RangeChoice
  range: ResolvedRange
  data: Partial<Record<ChartedMetric, SeriesAnswer>>
  /**
   * Per metric, bumped when live samples were appended. The series arrays are grown in place
   * (copying 17,280-point arrays every second would cost more than drawing them), so views key
   * their memoised shaping on this counter — and only a metric's own panels redraw.
   */
  versions: Record<ChartedMetric, number>
  /** Per metric, the range its panels span: live, each slides when its samples arrive. */
  ranges: Record<ChartedMetric, ResolvedRange>
  loading: boolean
  error: string | null
  /** Whether the user may read metrics: without it the server is shown, its charts are not asked for. */
  readsMetrics: boolean
  open(serverId: string, readsMetrics: boolean): Promise<void>
  close(): void
  setRange(choice: RangeChoice): Promise<void>
  reload(): Promise<void>
}

let stopLive: (() => void) | null = null

/** One server's charts: the range shown, its series per metric, and the live stream. */
export const useServerDetail = create<DetailState>((set, get) => {
  const series = createLoader<DetailState>(set)
  // Live samples are appended as they come and drawn once per animation frame.
  const pending: Array<Topics['metrics.samples']> = []
  let frame = 0
  /** The periodic tick: every metric's window slides, samples or not. */
  let sliding = false

  const flush = (): void => {
    frame = 0
    const frameStart = performance.now()
    const now = Date.now()
    const range: ResolvedRange = { start: now - LIVE_WINDOW_MS, end: now, live: true }
    const data = get().data
    const touched = new Set<ChartedMetric>(sliding ? CHARTED_METRICS : [])
    sliding = false
    for (const payload of pending.splice(0)) {
      appendSamples(data, payload, range.start)
      touched.add(payload.metric as ChartedMetric)
    }
    const versions = { ...get().versions }
    const ranges = { ...get().ranges }
    for (const metric of touched) {
      versions[metric]++
      ranges[metric] = range
    }
    set({ range, versions, ranges })
    measureFrame(frameStart)
  }
  const schedule = (): void => {
    if (frame === 0) frame = requestAnimationFrame(flush)
  }

  const startLive = (serverId: string): void => {
    stopLive?.()
    const unsubscribeSamples = get().readsMetrics
      ? subscribe('metrics.samples', (payload) => {
          if (payload.serverId !== serverId || payload.metric === 'process') return
          pending.push(payload)
          schedule()
        })
      : () => undefined
    const unsubscribeState = subscribe('servers.state', (change) => {
      const server = get().server
      if (server && change.id === server.id) {
        set({ server: { ...server, collection_state: change.state, collection_error: change.error, collection_state_since: change.since } })
      }
    })
    // The window slides even when nothing arrives, so a collector that went away shows as a gap.
    const tick = setInterval(() => {
      sliding = true
      schedule()
    }, 5_000)
    stopLive = () => {
      unsubscribeSamples()
      unsubscribeState()
      clearInterval(tick)
      if (frame !== 0) cancelAnimationFrame(frame)
      frame = 0
      pending.length = 0
      stopLive = null
    }
  }

  const load = async (): Promise<void> => {
    const { serverId, choice, readsMetrics } = get()
    if (!serverId) return
    const range = resolveRange(choice, Date.now())
    const resolution = resolutionFor(range)
    await series.load(
      () =>
        Promise.all([
          call('servers.get', { id: serverId }),
          readsMetrics
            ? Promise.all(CHARTED_METRICS.map((metric) => call('metrics.series', { serverId, metric, start: range.start, end: range.end, resolution, fields: fieldsDrawn(metric) })))
            : Promise.resolve([])
        ]),
      ([server, answers]) => ({
        server,
        data: Object.fromEntries(answers.map((answer) => [answer.metric, answer])),
        versions: bumped(get().versions),
        ranges: everyMetric(range)
      }),
      { begin: { error: null, range } }
    )
  }

  return {
    serverId: null,
    server: null,
    choice: { kind: 'live' },
    range: resolveRange({ kind: 'live' }, Date.now()),
    data: {},
    versions: everyMetric(0),
    ranges: everyMetric(resolveRange({ kind: 'live' }, Date.now())),
    loading: false,
    error: null,
    readsMetrics: true,

    async open(serverId, readsMetrics) {
      if (get().serverId !== serverId) set({ serverId, server: null, data: {}, error: null })
      set({ readsMetrics })
      if (get().choice.kind === 'live') startLive(serverId)
      await load()
    },
    close() {
      stopLive?.()
      series.cancel()
      set({ serverId: null, server: null, data: {} })
    },
    async setRange(choice) {
      set({ choice })
      const serverId = get().serverId
      if (choice.kind === 'live' && serverId) startLive(serverId)
      else stopLive?.()
      await load()
    },
    reload: load
  }
})

function everyMetric<T>(value: T): Record<ChartedMetric, T> {
  return { vmstat: value, iostat: value, netstat: value }
}

function bumped(versions: Record<ChartedMetric, number>): Record<ChartedMetric, number> {
  return { vmstat: versions.vmstat + 1, iostat: versions.iostat + 1, netstat: versions.netstat + 1 }
}

/** Appends one live payload to its metric's series, creating the series of a new disk or interface. */
function appendSamples(data: Partial<Record<ChartedMetric, SeriesAnswer>>, payload: Topics['metrics.samples'], windowStart: number): void {
  const metric = payload.metric as ChartedMetric
  const answer = data[metric]
  if (!answer) return
  const ts = Date.parse(payload.timestamp)
  const keyField = SERIES_KEY[metric]
  for (const sample of payload.samples) {
    const key = keyField ? String(sample.values[keyField]) : null
    let series = answer.series.find((candidate) => candidate.key === key)
    if (!series) {
      series = { key, ts: [], values: Object.fromEntries(NUMERIC_FIELDS[metric].map((field) => [field, []])) }
      answer.series.push(series)
    }
    appendSample(series, ts, sample.values, windowStart)
  }
}
