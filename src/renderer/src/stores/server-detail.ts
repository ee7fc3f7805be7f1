import { create } from 'zustand'
import type { Topics } from '../../../shared/contract'
import { CHARTED_METRICS, type ChartedMetric, type SeriesAnswer } from '../../../shared/metric-series'
import { NUMERIC_FIELDS, SERIES_KEY } from '../../../shared/metrics'
import type { Server } from '../../../shared/servers'
import { frameTook } from '../charts/perf'
import { LIVE_WINDOW_MS, resolveRange, resolutionFor, type RangeChoice, type ResolvedRange } from '../charts/ranges'
import { appendSample } from '../charts/shaping'
import { call, errorMessage, subscribe } from '../transport/client'

interface DetailState {
  serverId: string | null
  server: Server | null
  choice: RangeChoice
  range: ResolvedRange
  data: Partial<Record<ChartedMetric, SeriesAnswer>>
  /**
   * Bumped when live samples were appended. The series arrays are grown in place (copying
   * 17,280-point arrays every second would cost more than drawing them), so views key their
   * memoised shaping on this counter.
   */
  version: number
  loading: boolean
  error: string | null
  open(serverId: string): Promise<void>
  close(): void
  setRange(choice: RangeChoice): Promise<void>
  reload(): Promise<void>
}

let stopLive: (() => void) | null = null
let loadSeq = 0

/** One server's charts: the range shown, its series per metric, and the live stream. */
export const useServerDetail = create<DetailState>((set, get) => {
  // Live samples are appended as they come and drawn once per animation frame.
  const pending: Array<Topics['metrics.samples']> = []
  let frame = 0
  const measureFrame = new MessageChannel()
  let frameStart = 0
  measureFrame.port1.onmessage = () => frameTook(performance.now() - frameStart)

  const flush = (): void => {
    frame = 0
    frameStart = performance.now()
    const now = Date.now()
    const range: ResolvedRange = { start: now - LIVE_WINDOW_MS, end: now, live: true }
    const data = get().data
    for (const payload of pending.splice(0)) appendSamples(data, payload, range.start)
    set({ range, version: get().version + 1 })
    // Posted after the render this set() triggers and the charts' redraws: the frame's cost.
    measureFrame.port2.postMessage(null)
  }
  const schedule = (): void => {
    if (frame === 0) frame = requestAnimationFrame(flush)
  }

  const startLive = (serverId: string): void => {
    stopLive?.()
    const unsubscribeSamples = subscribe('metrics.samples', (payload) => {
      if (payload.serverId !== serverId || payload.metric === 'process') return
      pending.push(payload)
      schedule()
    })
    const unsubscribeState = subscribe('servers.state', (change) => {
      const server = get().server
      if (server && change.id === server.id) {
        set({ server: { ...server, collection_state: change.state, collection_error: change.error, collection_state_since: change.since } })
      }
    })
    // The window slides even when nothing arrives, so a collector that went away shows as a gap.
    const tick = setInterval(schedule, 5_000)
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
    const { serverId, choice } = get()
    if (!serverId) return
    const seq = ++loadSeq
    const range = resolveRange(choice, Date.now())
    set({ loading: true, error: null, range })
    try {
      const resolution = resolutionFor(range)
      const [server, answers] = await Promise.all([
        call('servers.get', { id: serverId }),
        Promise.all(CHARTED_METRICS.map((metric) => call('metrics.series', { serverId, metric, start: range.start, end: range.end, resolution })))
      ])
      if (seq !== loadSeq) return
      set({
        server,
        data: Object.fromEntries(answers.map((answer) => [answer.metric, answer])),
        version: get().version + 1,
        loading: false
      })
    } catch (error) {
      if (seq === loadSeq) set({ loading: false, error: errorMessage(error) })
    }
  }

  return {
    serverId: null,
    server: null,
    choice: { kind: 'live' },
    range: resolveRange({ kind: 'live' }, Date.now()),
    data: {},
    version: 0,
    loading: false,
    error: null,

    async open(serverId) {
      if (get().serverId !== serverId) set({ serverId, server: null, data: {}, error: null })
      if (get().choice.kind === 'live') startLive(serverId)
      await load()
    },
    close() {
      stopLive?.()
      loadSeq++
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
