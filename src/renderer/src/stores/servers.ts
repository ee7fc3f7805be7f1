import { create } from 'zustand'
import type { Topics } from '../../../shared/contract'
import type { Server, ServerCreate, ServerListPage, ServerListQuery, ServerStatus, ServerUpdate } from '../../../shared/servers'
import { DEFAULT_PER_PAGE } from '../../../shared/limits'
import { call } from '../transport/client'
import { createLoader } from './loader'

export type ServerFilters = Pick<ServerListQuery, 'status' | 'monitoring_enabled' | 'environment' | 'search'>

interface ServersState {
  filters: ServerFilters
  page: number
  perPage: number
  result: ServerListPage | null
  loading: boolean
  error: string | null
  selected: ReadonlySet<string>
  notice: string | null
  load(): Promise<void>
  setFilters(patch: Partial<ServerFilters>): void
  setPage(page: number): void
  setPerPage(perPage: number): void
  toggle(id: string): void
  toggleAllOnPage(): void
  clearSelection(): void
  create(input: ServerCreate): Promise<Server>
  update(id: string, changes: ServerUpdate): Promise<Server>
  remove(id: string): Promise<void>
  setStatusOfSelected(status: ServerStatus): Promise<void>
  dismissNotice(): void
  /** A collector's state changed: update that row in place, no refetch. */
  applyCollectionState(change: Topics['servers.state']): void
}

/** One page of the list; a page emptied by deletes or a filter gives way to the last page that has rows. */
async function readPage(query: ServerListQuery & { page: number }): Promise<ServerListPage> {
  const result = await call('servers.list', query)
  if (result.servers.length > 0 || query.page <= result.total_pages) return result
  return call('servers.list', { ...query, page: result.total_pages })
}

/** The servers view's state: filters and paging are the API's own list query. */
export const useServers = create<ServersState>((set, get) => {
  const list = createLoader<ServersState>(set)
  return {
    filters: {},
    page: 1,
    perPage: DEFAULT_PER_PAGE,
    result: null,
    loading: false,
    error: null,
    selected: new Set(),
    notice: null,

    async load() {
      const { filters, page, perPage } = get()
      const query = { page, per_page: perPage }
      for (const [key, value] of Object.entries(filters)) {
        if (value !== undefined && value !== '') Object.assign(query, { [key]: value })
      }
      await list.load(
        () => readPage(query),
        (result) => {
          const visible = new Set(result.servers.map((server) => server.id))
          return { result, page: result.page, selected: new Set([...get().selected].filter((id) => visible.has(id))) }
        }
      )
    },
    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch }, page: 1 })
      void get().load()
    },
    setPage(page) {
      set({ page })
      void get().load()
    },
    setPerPage(perPage) {
      set({ perPage, page: 1 })
      void get().load()
    },
    toggle(id) {
      const selected = new Set(get().selected)
      if (selected.has(id)) selected.delete(id)
      else selected.add(id)
      set({ selected })
    },
    toggleAllOnPage() {
      const ids = get().result?.servers.map((server) => server.id) ?? []
      const allSelected = ids.length > 0 && ids.every((id) => get().selected.has(id))
      set({ selected: allSelected ? new Set() : new Set(ids) })
    },
    clearSelection() {
      set({ selected: new Set() })
    },
    async create(input) {
      const server = await call('servers.create', input)
      set({ notice: `Added ${server.hostname}` })
      await get().load()
      return server
    },
    async update(id, changes) {
      const server = await call('servers.update', { id, changes })
      set({ notice: `Saved ${server.hostname}` })
      await get().load()
      return server
    },
    async remove(id) {
      const hostname = get().result?.servers.find((server) => server.id === id)?.hostname ?? 'server'
      await call('servers.delete', { id })
      set({ notice: `Deleted ${hostname}` })
      await get().load()
    },
    async setStatusOfSelected(status) {
      const ids = [...get().selected]
      const result = await call('servers.bulkStatus', { server_ids: ids, status })
      set({ notice: `Set ${result.updated_count} server(s) to ${result.new_status}`, selected: new Set() })
      await get().load()
    },
    dismissNotice() {
      set({ notice: null })
    },
    applyCollectionState({ id, state, error, since }) {
      const result = get().result
      if (!result?.servers.some((server) => server.id === id)) return
      set({
        result: {
          ...result,
          servers: result.servers.map((server) =>
            server.id === id ? { ...server, collection_state: state, collection_error: error, collection_state_since: since } : server
          )
        }
      })
    }
  }
})
