import { create } from 'zustand'
import type { ActivityDetailRow, LockGraph, LockRow } from '../../../shared/pg-agent'
import { call, errorMessage } from '../transport/client'
import { createLoader } from './loader'
import { NO_FILTERS, type ActivityFilters } from '../views/postgres/activity-filters'

/** How often the live views refresh. */
export const ACTIVITY_REFRESH_MS = 2_000

export type ActivityView = 'all' | 'waiting' | 'blocking' | 'locks'
export type BackendAction = 'cancel' | 'kill'

/** What an action did to each backend it was asked for. */
export interface ActionOutcome {
  action: BackendAction
  at: number
  backends: Array<{ pid: number; ok: boolean; error?: string }>
}

interface ActivityState {
  instanceId: number | null
  rows: ActivityDetailRow[]
  /** When `rows` was read (epoch ms). */
  fetchedAt: number | null
  waiting: LockRow[]
  blocking: LockRow[]
  graph: LockGraph | null
  view: ActivityView
  paused: boolean
  filters: ActivityFilters
  selected: ReadonlySet<number>
  outcome: ActionOutcome | null
  error: string | null
  open(instanceId: number): void
  close(): void
  refresh(): Promise<void>
  setView(view: ActivityView): void
  setPaused(paused: boolean): void
  setFilters(patch: Partial<ActivityFilters>): void
  toggle(pid: number): void
  setSelected(pids: Iterable<number>): void
  clearSelection(): void
  act(action: BackendAction, pids: readonly number[]): Promise<void>
  dismissOutcome(): void
}

let timer: ReturnType<typeof setInterval> | null = null

/**
 * One instance's live activity: the backends (every 2 s unless paused), the lock graph (always:
 * it is cheap and gives the waiting/blocking counts), and the waiting or blocking lists when
 * shown. Selection is by pid and survives refreshes while the backend does.
 */
export const usePgActivity = create<ActivityState>((set, get) => {
  const reads = createLoader<ActivityState>(set, { loading: null, error: 'error' })
  return {
    instanceId: null,
    rows: [],
    fetchedAt: null,
    waiting: [],
    blocking: [],
    graph: null,
    view: 'all',
    paused: false,
    filters: NO_FILTERS,
    selected: new Set(),
    outcome: null,
    error: null,

    open(instanceId) {
      if (get().instanceId !== instanceId) {
        set({ instanceId, rows: [], fetchedAt: null, waiting: [], blocking: [], graph: null, selected: new Set(), outcome: null, error: null })
      }
      if (timer) clearInterval(timer)
      timer = setInterval(() => {
        if (!get().paused) void get().refresh()
      }, ACTIVITY_REFRESH_MS)
      void get().refresh()
    },
    close() {
      if (timer) clearInterval(timer)
      timer = null
      reads.cancel()
      set({ instanceId: null })
    },
    async refresh() {
      const id = get().instanceId
      // The timer does not pile reads up behind a slow one.
      if (id === null || reads.running) return
      const view = get().view
      await reads.load(
        () =>
          Promise.all([
            call('pg.activity', { id }),
            call('pg.activity.lockGraph', { id }),
            view === 'waiting' ? call('pg.activity.waiting', { id }) : null,
            view === 'blocking' ? call('pg.activity.blocking', { id }) : null
          ]),
        ([activity, graph, waiting, blocking]) => {
          const present = new Set([...activity.rows.map((row) => row.pid), ...graph.nodes.map((node) => node.pid)])
          return {
            rows: activity.rows,
            fetchedAt: Date.now(),
            graph,
            waiting: waiting?.rows ?? get().waiting,
            blocking: blocking?.rows ?? get().blocking,
            selected: new Set([...get().selected].filter((pid) => present.has(pid)))
          }
        }
      )
    },
    setView(view) {
      set({ view })
      void get().refresh()
    },
    setPaused(paused) {
      set({ paused })
      if (!paused) void get().refresh()
    },
    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch } })
    },
    toggle(pid) {
      const selected = new Set(get().selected)
      if (selected.has(pid)) selected.delete(pid)
      else selected.add(pid)
      set({ selected })
    },
    setSelected(pids) {
      set({ selected: new Set(pids) })
    },
    clearSelection() {
      set({ selected: new Set() })
    },
    async act(action, pids) {
      const id = get().instanceId
      if (id === null || pids.length === 0) return
      try {
        const answer =
          action === 'kill'
            ? (await call('pg.activity.kill', { id, pids: [...pids] })).backends.map(({ pid, killed, error }) => ({ pid, ok: killed, error }))
            : (await call('pg.activity.cancel', { id, pids: [...pids] })).backends.map(({ pid, cancelled, error }) => ({ pid, ok: cancelled, error }))
        set({ outcome: { action, at: Date.now(), backends: answer }, selected: new Set() })
      } catch (error) {
        set({ error: errorMessage(error) })
      }
      // A refresh under way may have read the list before the signal: read it again.
      reads.cancel()
      await get().refresh()
    },
    dismissOutcome() {
      set({ outcome: null })
    }
  }
})
