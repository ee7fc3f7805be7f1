import { create } from 'zustand'
import type { Dashboard, DashboardConfig } from '../../../shared/pg-agent'
import { call } from '../transport/client'
import { createLoader } from './loader'
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

/**
 * One instance's dashboard: the collector's history (up to history_length data sets, 150 × 2 s by
 * default), then a new data set at each scheduler_interval — the collector's latest, or one read
 * live for an instance Vigil does not collect.
 */
export const usePgDashboard = create<DashboardState>((set, get) => {
  const history = createLoader<DashboardState>(set)
  const latest = createLoader<DashboardState>(set, { loading: null, error: 'error' })
  /** Appends the newest data set; resolves to null when the dashboard was closed meanwhile. */
  const poll = async (): Promise<unknown> => {
    const id = get().instanceId
    if (id === null) return null
    return latest.load(
      () => call(get().collecting ? 'pg.dashboard' : 'pg.dashboard.live', { id }),
      (sample) => ({ samples: appendSample(get().samples, sample, get().config?.history_length ?? 150) })
    )
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
      set({ instanceId, samples: [] })
      const opened = await history.load(
        () => call('pg.dashboard.history', { id: instanceId }),
        (read) => ({ samples: read.history, config: read.config, collecting: read.collecting }),
        { begin: { error: null } }
      )
      if (!opened?.ok || (await poll()) === null) return
      timer = setInterval(() => void poll(), opened.value.config.scheduler_interval * 1000)
    },
    close() {
      if (timer) clearInterval(timer)
      timer = null
      history.cancel()
      latest.cancel()
      set({ instanceId: null })
    }
  }
})
