import { create } from 'zustand'
import type { PostgresInstance, PostgresInstanceCreate, PostgresInstanceUpdate, PostgresTestResult } from '../../../shared/postgres-instances'
import type { Server } from '../../../shared/servers'
import { call, errorMessage } from '../transport/client'
import { allServers } from './all-servers'
import { createLoader } from './loader'

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

/** The PostgreSQL instances registry as the UI shows it; refreshed on `postgres.changed`. */
export const usePostgres = create<PostgresState>((set, get) => {
  const registry = createLoader<PostgresState>(set)
  const choices = createLoader<PostgresState>(set, { loading: null, error: 'error' })
  return {
    instances: [],
    servers: [],
    loading: false,
    error: null,
    notice: null,
    tests: {},

    async load() {
      await registry.load(
        () => call('postgres.list', {}),
        (instances) => ({ instances })
      )
    },
    async loadServers() {
      await choices.load(allServers, (servers) => ({ servers }))
    },
    async create(input) {
      // The core tests a new instance before answering: say how that went.
      const instance = await call('postgres.create', input)
      set({ notice: instance.last_status === 'ok' ? `Added ${instance.name}: connected` : `Added ${instance.name}, but the connection test failed: ${instance.last_error ?? 'no reason given'}` })
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
  }
})
