import { create } from 'zustand'
import type { CollectionServer, CollectionTarget, Workspace } from '../../../shared/scrape'
import { call } from '../transport/client'
import { createLoader } from './loader'

interface TargetsState {
  workspaces: Workspace[] | null
  /** Each workspace's targets (not the system-reserved one's: it has none). */
  targets: Record<string, CollectionTarget[]>
  servers: CollectionServer[]
  loading: boolean
  error: string | null
  load(): Promise<void>
}

/** The Targets page: workspaces, their targets with their health, and the servers a target can be on. */
export const useTargets = create<TargetsState>((set) => {
  const loader = createLoader<TargetsState>(set)
  return {
    workspaces: null,
    targets: {},
    servers: [],
    loading: false,
    error: null,
    async load() {
      await loader.load(
        async () => {
          const [workspaces, servers] = await Promise.all([call('scrape.workspaces'), call('scrape.servers')])
          const lists = await Promise.all(
            workspaces.filter((w) => w.reservedJobCd === null).map(async (w) => [w.jobId, await call('scrape.targets', { jobId: w.jobId })] as const)
          )
          return { workspaces, servers, targets: Object.fromEntries(lists) }
        },
        (value) => value
      )
    }
  }
})
