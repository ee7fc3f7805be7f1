import { create } from 'zustand'
import type { MaintenanceJobs, MaintenanceRequest } from '../../../shared/pg-agent'
import { call, subscribe } from '../transport/client'
import { createLoader } from './loader'

/** How often the jobs panel refreshes while jobs run or wait (progress moves every 2 s). */
export const JOBS_REFRESH_MS = 2_000

interface MaintenanceState {
  instanceId: number | null
  jobs: MaintenanceJobs | null
  error: string | null
  open(instanceId: number): void
  close(): void
  refresh(): Promise<void>
  run(request: MaintenanceRequest): Promise<string>
  cancel(jobId: string): Promise<void>
}

let stop: (() => void) | null = null

/** One instance's maintenance jobs: running with progress, scheduled, and past with their errors. */
export const usePgMaintenance = create<MaintenanceState>((set, get) => {
  const jobs = createLoader<MaintenanceState>(set, { loading: null, error: 'error' })
  return {
    instanceId: null,
    jobs: null,
    error: null,

    open(instanceId) {
      get().close()
      set({ instanceId, jobs: null, error: null })
      const timer = setInterval(() => void get().refresh(), JOBS_REFRESH_MS)
      // A job's life (scheduled, started, finished, failed, cancelled) lands in the trail: refresh at once.
      const unsubscribe = subscribe('audit.recorded', (event) => {
        if (event.instanceId === instanceId) void get().refresh()
      })
      stop = () => {
        clearInterval(timer)
        unsubscribe()
      }
      void get().refresh()
    },
    close() {
      stop?.()
      stop = null
      jobs.cancel()
      set({ instanceId: null })
    },
    async refresh() {
      const id = get().instanceId
      if (id === null) return
      await jobs.load(
        () => call('pg.maintenance.jobs', { id }),
        (read) => ({ jobs: read })
      )
    },
    async run(request) {
      const id = get().instanceId
      if (id === null) throw new Error('No instance is open')
      const answer = await call('pg.maintenance.run', { id, ...request })
      await get().refresh()
      return answer.id
    },
    async cancel(jobId) {
      const id = get().instanceId
      if (id === null) return
      await call('pg.maintenance.cancel', { id, job: jobId })
      await get().refresh()
    }
  }
})
