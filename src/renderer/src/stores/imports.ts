import { create } from 'zustand'
import type { ImportSourceView } from '../../../shared/imports'
import type { Source } from '../../../shared/platform'
import type { CollectionServer } from '../../../shared/scrape'
import { call } from '../transport/client'
import { createLoader } from './loader'
import { canInvoke, useSession } from './session'

interface ImportsState {
  imports: ImportSourceView[] | null
  /** Each import source's state as the sources list it (status, rows, last error). */
  states: Record<string, Source>
  /** The servers an nmon source can fill. */
  servers: CollectionServer[]
  loading: boolean
  error: string | null
  load(): Promise<void>
}

/** The Imports page: the import sources with their state, and the servers nmon recordings can go to. */
export const useImports = create<ImportsState>((set) => {
  const loader = createLoader<ImportsState>(set)
  return {
    imports: null,
    states: {},
    servers: [],
    loading: false,
    error: null,
    async load() {
      await loader.load(
        async () => {
          // The servers are for making an nmon source; a caller without Prometheus's area makes CSV ones.
          const servers = canInvoke(useSession.getState().holder, 'scrape.servers') ? call('scrape.servers') : Promise.resolve([])
          const [imports, sources, serverList] = await Promise.all([call('imports.list'), call('sources.list'), servers])
          const names = new Set(imports.map((source) => source.name))
          return { imports, servers: serverList, states: Object.fromEntries(sources.filter((source) => names.has(source.name)).map((source) => [source.name, source])) }
        },
        (value) => value
      )
    }
  }
})
