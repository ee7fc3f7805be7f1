import { create } from 'zustand'
import type { Topics } from '../../../shared/contract'
import { OVERVIEW_WINDOW_MS } from '../../../shared/limits'
import type { Sparkline } from '../../../shared/metric-series'
import type { Server } from '../../../shared/servers'
import { call, subscribe } from '../transport/client'
import { allServers } from './all-servers'
import { createLoader } from './loader'

const FLUSH_EVERY_MS = 1_000

interface OverviewState {
  servers: Server[]
  sparklines: Record<string, Sparkline>
  /** Per server, bumped when its sparklines grew in place, so only its row redraws. */
  versions: Record<string, number>
  window: { start: number; end: number }
  loading: boolean
  error: string | null
  load(): Promise<void>
  /** Starts the live feed; returns its stop function. */
  follow(): () => void
}

/** The fleet overview: all servers, their collector states and the last minutes of vmstat. */
export const useOverview = create<OverviewState>((set, get) => {
  const fleet = createLoader<OverviewState>(set)
  // Redrawn at most once a second: with hundreds of servers reporting, a redraw per sample
  // would spend the renderer on sparklines nobody can read that fast.
  const pending: Array<Topics['metrics.samples']> = []
  let timer: ReturnType<typeof setTimeout> | null = null
  const schedule = (): void => {
    timer ??= setTimeout(() => requestAnimationFrame(flush), FLUSH_EVERY_MS)
  }
  const flush = (): void => {
    timer = null
    const end = Date.now()
    const start = end - OVERVIEW_WINDOW_MS
    const { sparklines } = get()
    const versions = { ...get().versions }
    const seen = new Map<string, string>()
    for (const payload of pending.splice(0)) {
      seen.set(payload.serverId, payload.timestamp)
      const values = payload.samples[0]?.values
      if (!values) continue
      const spark = (sparklines[payload.serverId] ??= { ts: [], values: { cpu: [], r: [], fre: [], paging: [] } })
      appendSpark(spark, Date.parse(payload.timestamp), values, start)
      versions[payload.serverId] = (versions[payload.serverId] ?? 0) + 1
    }
    // A sample is the server seen: last_seen moves on without refetching the list.
    const servers = seen.size === 0 ? get().servers : get().servers.map((server) => (seen.has(server.id) ? { ...server, last_seen: seen.get(server.id) as string } : server))
    set({ servers, versions, window: { start, end } })
  }

  return {
    servers: [],
    sparklines: {},
    versions: {},
    window: { start: Date.now() - OVERVIEW_WINDOW_MS, end: Date.now() },
    loading: false,
    error: null,

    async load() {
      await fleet.load(
        () => Promise.all([allServers(), call('metrics.overview', {})]),
        ([servers, overview]) => ({ servers, sparklines: overview.sparklines, window: { start: overview.start, end: overview.end } }),
        // Only the first load says "loading": later ones refresh what is shown.
        { begin: { loading: get().servers.length === 0 } }
      )
    },

    follow() {
      const stops = [
        subscribe('metrics.samples', (payload) => {
          if (payload.metric !== 'vmstat') return
          pending.push(payload)
          schedule()
        }),
        subscribe('servers.state', ({ id, state, error, since }) => {
          set({
            servers: get().servers.map((server) =>
              server.id === id ? { ...server, collection_state: state, collection_error: error, collection_state_since: since } : server
            )
          })
        }),
        subscribe('servers.changed', () => void get().load())
      ]
      // The window slides even when nothing arrives, so silent servers show it.
      const tick = setInterval(schedule, 10_000)
      return () => {
        for (const stop of stops) stop()
        clearInterval(tick)
        if (timer) clearTimeout(timer)
        timer = null
        pending.length = 0
      }
    }
  }
})

function appendSpark(spark: Sparkline, ts: number, values: Record<string, unknown>, windowStart: number): void {
  const last = spark.ts[spark.ts.length - 1]
  if (last !== undefined && ts <= last) return
  const number = (name: string): number | null => (typeof values[name] === 'number' ? (values[name] as number) : null)
  const sum = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a + b)
  spark.ts.push(ts)
  spark.values.cpu.push(sum(number('us'), number('sy')))
  spark.values.r.push(number('r'))
  spark.values.fre.push(number('fre'))
  spark.values.paging.push(sum(number('pi'), number('po')))
  let drop = 0
  while (drop < spark.ts.length && (spark.ts[drop] as number) < windowStart) drop++
  if (drop > 0) {
    spark.ts.splice(0, drop)
    for (const column of Object.values(spark.values)) column.splice(0, drop)
  }
}
