import { create } from 'zustand'
import { AppError } from '../../../shared/errors'
import type { CurrentData, OracleDatabase, OracleTable, OracleTask, SnapshotDiffView, SnapshotEvent, SnapshotSummary } from '../../../shared/oracle'
import { call, errorMessage, subscribe } from '../transport/client'
import { createLoader } from './loader'

/** Snapshots the timeline shows: as many as the core keeps by default. */
export const HISTORY_LIMIT = 100
export const TASKS_LIMIT = 50

/** The "updated" notice: a snapshot that landed while the page was open. */
export interface LiveUpdate {
  snapshotId: number
  timestamp: string
  recordCount: number
  changes: SnapshotEvent['changes']
}

interface TableState {
  tableId: number | null
  table: OracleTable | null
  database: OracleDatabase | null
  current: CurrentData | null
  history: SnapshotSummary[]
  tasks: OracleTask[]
  /** The snapshot whose diff is shown; null: none taken yet. */
  selectedId: number | null
  /** Follow the newest snapshot as new ones land (true until the user picks an older one). */
  followNewest: boolean
  diff: SnapshotDiffView | null
  diffLoading: boolean
  diffError: string | null
  loading: boolean
  error: string | null
  /** The table was removed (here or elsewhere). */
  gone: boolean
  update: LiveUpdate | null
  running: boolean
  /** The last "monitor now" that failed, in the core's words ("Monitoring task failed: …", the database's reason). */
  runError: string | null
  open(id: number): Promise<void>
  close(): void
  reload(): Promise<void>
  select(snapshotId: number): Promise<void>
  monitorNow(): Promise<void>
  dismissUpdate(): void
}

let stopLive: (() => void) | null = null
/** Diffs never change once a snapshot is stored: fetched once per snapshot. */
const diffCache = new Map<number, SnapshotDiffView>()

/** The table, its database, and what the table view shows of it. */
async function readTable(id: number): Promise<Pick<TableState, 'table' | 'database' | 'current' | 'history' | 'tasks'>> {
  const table = await call('oracle.tables.get', { id })
  const [database, current, history, tasks] = await Promise.all([
    call('oracle.databases.get', { id: table.database_id }),
    call('oracle.tables.currentData', { id }),
    call('oracle.tables.history', { id, limit: HISTORY_LIMIT }),
    call('oracle.tables.tasks', { id, limit: TASKS_LIMIT })
  ])
  return { table, database, current, history, tasks }
}

/** One watched table: its current rows, the timeline of snapshots, a chosen diff, its tasks; live. */
export const useOracleTable = create<TableState>((set, get) => {
  const rows = createLoader<TableState>(set)
  const diffs = createLoader<TableState>(set, { loading: 'diffLoading', error: 'diffError' })

  const loadDiff = async (snapshotId: number): Promise<void> => {
    const cached = diffCache.get(snapshotId)
    if (cached) {
      diffs.cancel()
      set({ diff: cached, diffLoading: false, diffError: null })
      return
    }
    const fetch = async (): Promise<SnapshotDiffView> => {
      const diff = await call('oracle.tables.diff', { snapshot_id: snapshotId })
      diffCache.set(snapshotId, diff)
      return diff
    }
    await diffs.load(fetch, (diff) => ({ diff }), { begin: { diffError: null }, failed: () => ({ diff: null }) })
  }

  const load = async (): Promise<void> => {
    const id = get().tableId
    if (id === null) return
    let before: number | null = null
    const answer = await rows.load(
      () => readTable(id),
      (read) => {
        const { selectedId, followNewest } = get()
        before = selectedId
        const newest = read.history[0]?.id ?? null
        const stillThere = selectedId !== null && read.history.some((snapshot) => snapshot.id === selectedId)
        return { ...read, gone: false, selectedId: followNewest || !stillThere ? newest : selectedId }
      },
      {
        failed: ({ error, message }) => {
          const gone = error instanceof AppError && error.code === 'not_found'
          return { gone, error: gone ? 'This table is no longer monitored.' : message }
        }
      }
    )
    if (!answer?.ok) return
    const selected = get().selectedId
    if (selected !== null && (selected !== before || get().diff?.snapshot_id !== selected)) await loadDiff(selected)
    if (selected === null) set({ diff: null })
  }

  const startLive = (id: number): void => {
    stopLive?.()
    const onSnapshot = (event: SnapshotEvent): void => {
      if (event.tableId !== id) return
      set({ update: { snapshotId: event.snapshotId, timestamp: event.timestamp, recordCount: event.recordCount, changes: event.changes } })
      void load()
    }
    const unsubscribers = [
      subscribe('oracle.snapshot', onSnapshot),
      // A failed run, a configuration saved elsewhere, a database tested: the state around the rows.
      subscribe('oracle.changed', (change) => {
        const table = get().table
        if (change.tables.includes(id) || (table && change.databases.includes(table.database_id))) void load()
      })
    ]
    stopLive = () => {
      unsubscribers.forEach((unsubscribe) => unsubscribe())
      stopLive = null
    }
  }

  return {
    tableId: null,
    table: null,
    database: null,
    current: null,
    history: [],
    tasks: [],
    selectedId: null,
    followNewest: true,
    diff: null,
    diffLoading: false,
    diffError: null,
    loading: false,
    error: null,
    gone: false,
    update: null,
    running: false,
    runError: null,

    async open(id) {
      if (get().tableId !== id) {
        set({ tableId: id, table: null, database: null, current: null, history: [], tasks: [], selectedId: null, followNewest: true, diff: null, diffError: null, error: null, gone: false, update: null, runError: null })
      }
      startLive(id)
      await load()
    },
    close() {
      stopLive?.()
      rows.cancel()
      diffs.cancel()
      diffCache.clear()
      set({ tableId: null, table: null, current: null, history: [], tasks: [], diff: null, update: null })
    },
    reload: load,
    async select(snapshotId) {
      const newest = get().history[0]?.id ?? null
      set({ selectedId: snapshotId, followNewest: snapshotId === newest })
      await loadDiff(snapshotId)
    },
    async monitorNow() {
      const id = get().tableId
      if (id === null) return
      set({ running: true, runError: null })
      try {
        const result = await call('oracle.tables.monitorNow', { id })
        if (!result.success) set({ runError: result.message })
        await load()
      } catch (error) {
        set({ runError: `Monitoring failed: ${errorMessage(error)}` })
      } finally {
        set({ running: false })
      }
    },
    dismissUpdate() {
      set({ update: null })
    }
  }
})
