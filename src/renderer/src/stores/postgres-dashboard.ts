import { create } from 'zustand'
import type { Dashboard, DashboardConfig } from '../../../shared/pg-agent'
import { call, errorMessage } from '../transport/client'
import { appendSample } from '../views/postgres/dashboard-series'

interface DashboardState {
  instanceId: number | null
  samples: Dashboard[]
  config: DashboardConfig | null
  /** Whether Vigil's collector reads the dashboard (active instances); otherwise the view reads it live. */
  collecting: boolean
  loading: boolean
  error: string | null
  open(instanceId: number): Promise<void>
  close(): void
}

let timer: ReturnType<typeof setInterval> | null = null
let seq = 0

/**
 * One instance's dashboard: the collector's history (up to history_length data sets, 150 × 2 s by
 * default), then a new data set at each scheduler_interval — the collector's latest, or one read
 * live for an instance Vigil does not collect.
 */
export const usePgDashboard = create<DashboardState>((set, get) => {
  const poll = async (mine: number): Promise<void> => {
    const id = get().instanceId
    if (id === null) return
    try {
      const sample = await call(get().collecting ? 'pg.dashboard' : 'pg.dashboard.live', { id })
      if (mine !== seq) return
      const limit = get().config?.history_length ?? 150
      set({ samples: appendSample(get().samples, sample, limit), error: null })
    } catch (error) {
      if (mine === seq) set({ error: errorMessage(error) })
    }
  }
  return {
    instanceId: null,
    samples: [],
    config: null,
    collecting: false,
    loading: false,
    error: null,

    async open(instanceId) {
      get().close()
      const mine = ++seq
      set({ instanceId, samples: [], loading: true, error: null })
      try {
        const opened = await call('pg.dashboard.history', { id: instanceId })
        if (mine !== seq) return
        set({ samples: opened.history, config: opened.config, collecting: opened.collecting, loading: false })
        await poll(mine)
        if (mine !== seq) return
        timer = setInterval(() => void poll(mine), opened.config.scheduler_interval * 1000)
      } catch (error) {
        if (mine === seq) set({ loading: false, error: errorMessage(error) })
      }
    },
    close() {
      if (timer) clearInterval(timer)
      timer = null
      seq++
      set({ instanceId: null })
    }
  }
})
