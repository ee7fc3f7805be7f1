import { create } from 'zustand'
import type {
  MonitorNowResult,
  OracleDatabase,
  OracleDatabaseCreate,
  OracleDatabaseUpdate,
  OracleTable,
  OracleTableConfig,
  OracleTableCreate,
  OracleTask,
  OracleTestResult
} from '../../../shared/oracle'
import { AppError } from '../../../shared/errors'
import { call, subscribe } from '../transport/client'
import { allServers } from './all-servers'
import { createLoader } from './loader'

/** A registered server a database can be linked to. */
export interface ServerChoice {
  id: string
  hostname: string
  ip_address: string
}

interface OracleState {
  databases: OracleDatabase[]
  tables: OracleTable[]
  /** Each table's newest task (its state and error at a glance). */
  lastTasks: Record<number, OracleTask | undefined>
  servers: ServerChoice[]
  loaded: boolean
  loading: boolean
  error: string | null
  notice: string | null
  /** Table ids with a "monitor now" under way. */
  running: ReadonlySet<number>
  load(): Promise<void>
  /** Follows changes made anywhere (another window, a script, the scheduler); returns the unsubscribe. */
  follow(): () => void
  loadServers(): Promise<ServerChoice[]>
  createDatabase(input: OracleDatabaseCreate): Promise<OracleDatabase>
  updateDatabase(id: number, changes: OracleDatabaseUpdate): Promise<OracleDatabase>
  deleteDatabase(id: number): Promise<void>
  testDatabase(id: number): Promise<OracleTestResult>
  addTable(input: OracleTableCreate): Promise<OracleTable>
  updateTable(id: number, changes: OracleTableConfig): Promise<OracleTable>
  removeTable(id: number): Promise<void>
  monitorNow(id: number): Promise<MonitorNowResult>
  say(notice: string | null): void
}

/** Bursts of events (every table's snapshot) become one reload. */
const RELOAD_DELAY_MS = 300

/** The databases, the tables, and each table's newest task. */
async function readRegistry(): Promise<Pick<OracleState, 'databases' | 'tables' | 'lastTasks'>> {
  const [databases, tables] = await Promise.all([call('oracle.databases.list', {}), call('oracle.tables.list', {})])
  // A table removed since the list was read has no tasks to show; any other failure is reported.
  const newest = await Promise.all(
    tables.map((table) =>
      call('oracle.tables.tasks', { id: table.id, limit: 1 }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'not_found') return []
        throw error
      })
    )
  )
  const lastTasks = Object.fromEntries(tables.map((table, index) => [table.id, newest[index]?.[0]]))
  return { databases, tables, lastTasks }
}

/** The registry of monitored databases and watched tables, as the list views show it. */
export const useOracle = create<OracleState>((set, get) => {
  const registry = createLoader<OracleState>(set)
  let reloadTimer: ReturnType<typeof setTimeout> | null = null
  const reloadSoon = (): void => {
    reloadTimer ??= setTimeout(() => {
      reloadTimer = null
      void get().load()
    }, RELOAD_DELAY_MS)
  }

  return {
    databases: [],
    tables: [],
    lastTasks: {},
    servers: [],
    loaded: false,
    loading: false,
    error: null,
    notice: null,
    running: new Set(),

    async load() {
      await registry.load(readRegistry, (read) => ({ ...read, loaded: true }))
    },
    follow() {
      const unsubscribers = [subscribe('oracle.changed', reloadSoon), subscribe('oracle.snapshot', reloadSoon)]
      return () => {
        unsubscribers.forEach((unsubscribe) => unsubscribe())
        if (reloadTimer) clearTimeout(reloadTimer)
        reloadTimer = null
      }
    },
    async loadServers() {
      const servers = (await allServers()).map(({ id, hostname, ip_address }) => ({ id, hostname, ip_address }))
      servers.sort((a, b) => a.hostname.localeCompare(b.hostname))
      set({ servers })
      return servers
    },
    async createDatabase(input) {
      // The core tests a new database before answering: say how that went.
      const database = await call('oracle.databases.create', input)
      set({ notice: database.connection_status === 'connected' ? `Added database ${database.name}: connected` : `Added database ${database.name}, but the connection test failed: ${database.connection_error ?? 'no reason given'}` })
      await get().load()
      return database
    },
    async updateDatabase(id, changes) {
      const database = await call('oracle.databases.update', { id, changes })
      set({ notice: `Saved database ${database.name}` })
      await get().load()
      return database
    },
    async deleteDatabase(id) {
      const name = get().databases.find((database) => database.id === id)?.name ?? 'database'
      await call('oracle.databases.delete', { id })
      set({ notice: `Deleted database ${name}` })
      await get().load()
    },
    async testDatabase(id) {
      const result = await call('oracle.databases.test', { id })
      await get().load()
      return result
    },
    async addTable(input) {
      const table = await call('oracle.tables.add', input)
      set({ notice: `Watching ${table.full_table_name}` })
      await get().load()
      return table
    },
    async updateTable(id, changes) {
      const table = await call('oracle.tables.update', { id, changes })
      set({ notice: `Saved ${table.full_table_name}` })
      await get().load()
      return table
    },
    async removeTable(id) {
      const name = get().tables.find((table) => table.id === id)?.full_table_name ?? 'table'
      await call('oracle.tables.remove', { id })
      set({ notice: `Stopped watching ${name}` })
      await get().load()
    },
    async monitorNow(id) {
      set({ running: new Set([...get().running, id]) })
      try {
        const result = await call('oracle.tables.monitorNow', { id })
        const name = get().tables.find((table) => table.id === id)?.full_table_name ?? 'table'
        if (result.success) set({ notice: `${name}: ${result.records_collected} rows in ${result.collection_time} s${result.changes_detected ? ', changes found' : ''}` })
        await get().load()
        return result
      } finally {
        const running = new Set(get().running)
        running.delete(id)
        set({ running })
      }
    },
    say(notice) {
      set({ notice })
    }
  }
})
