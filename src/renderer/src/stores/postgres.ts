import { create } from 'zustand'
import type { PostgresInstance, PostgresInstanceCreate, PostgresInstanceUpdate, PostgresTestResult } from '../../../shared/postgres-instances'
import { MAX_PER_PAGE, type Server } from '../../../shared/servers'
import { call, errorMessage } from '../transport/client'

interface PostgresState {
  instances: PostgresInstance[]
  /** Registered servers, for the "runs on" select. */
  servers: Server[]
  loading: boolean
  error: string | null
  notice: string | null
  /** The last connection test of each instance tested in this window. */
  tests: Record<number, PostgresTestResult | 'running'>
  load(): Promise<void>
  loadServers(): Promise<void>
  create(input: PostgresInstanceCreate): Promise<PostgresInstance>
  update(id: number, changes: PostgresInstanceUpdate): Promise<PostgresInstance>
  remove(id: number): Promise<void>
  test(id: number): Promise<void>
  dismissNotice(): void
}

let loadSeq = 0

/** The PostgreSQL instances registry as the UI shows it; refreshed on `postgres.changed`. */
export const usePostgres = create<PostgresState>((set, get) => ({
  instances: [],
  servers: [],
  loading: false,
  error: null,
  notice: null,
  tests: {},

  async load() {
    const seq = ++loadSeq
    set({ loading: true })
    try {
      const instances = await call('postgres.list', {})
      if (seq === loadSeq) set({ instances, loading: false, error: null })
    } catch (error) {
      if (seq === loadSeq) set({ loading: false, error: errorMessage(error) })
    }
  },
  async loadServers() {
    try {
      const servers: Server[] = []
      for (let page = 1; ; page++) {
        const result = await call('servers.list', { page, per_page: MAX_PER_PAGE })
        servers.push(...result.servers)
        if (page >= result.total_pages) break
      }
      set({ servers })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  async create(input) {
    const instance = await call('postgres.create', input)
    set({ notice: `Added ${instance.name}` })
    await get().load()
    return instance
  },
  async update(id, changes) {
    const instance = await call('postgres.update', { id, changes })
    set({ notice: `Saved ${instance.name}` })
    await get().load()
    return instance
  },
  async remove(id) {
    const name = get().instances.find((instance) => instance.id === id)?.name ?? 'instance'
    await call('postgres.delete', { id })
    set({ notice: `Removed ${name}` })
    await get().load()
  },
  async test(id) {
    set({ tests: { ...get().tests, [id]: 'running' } })
    try {
      const result = await call('postgres.test', { id })
      set({ tests: { ...get().tests, [id]: result } })
    } catch (error) {
      const { [id]: _running, ...rest } = get().tests
      set({ tests: rest, error: errorMessage(error) })
    }
    await get().load()
  },
  dismissNotice() {
    set({ notice: null })
  }
}))
