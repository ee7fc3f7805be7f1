import { create } from 'zustand'
import type { RestartStatus, SettingsCategory, SettingUpdate } from '../../../shared/pg-agent'
import { call } from '../transport/client'
import { createLoader } from './loader'

interface ConfigState {
  instanceId: number | null
  categories: SettingsCategory[]
  status: RestartStatus | null
  loading: boolean
  error: string | null
  /**
   * Settings changed from this window, by name: what each was before, for "Revert". Kept for
   * Vigil's session in this window (the trail keeps every change for good).
   */
  changes: Record<number, Record<string, SettingUpdate>>
  open(instanceId: number): Promise<void>
  reload(): Promise<void>
  save(name: string, setting: string): Promise<SettingUpdate>
}

/** One instance's settings, their restart status, and the changes made from here (to revert). */
export const usePgConfig = create<ConfigState>((set, get) => {
  const settings = createLoader<ConfigState>(set)
  return {
    instanceId: null,
    categories: [],
    status: null,
    loading: false,
    error: null,
    changes: {},

    async open(instanceId) {
      if (get().instanceId !== instanceId) set({ instanceId, categories: [], status: null })
      await get().reload()
    },
    async reload() {
      const id = get().instanceId
      if (id === null) return
      await settings.load(
        () => Promise.all([call('pg.pgconf.settings', { id }), call('pg.pgconf.status', { id })]),
        ([categories, status]) => ({ categories, status })
      )
    },
    async save(name, setting) {
      const id = get().instanceId
      if (id === null) throw new Error('No instance is open')
      const { settings } = await call('pg.pgconf.update', { id, settings: [{ name, setting }] })
      const update = settings[0] as SettingUpdate
      const mine = { ...(get().changes[id] ?? {}) }
      // Reverting to where this window started forgets the change; any other value keeps the first "before".
      const first = mine[update.name]
      if (first && first.previous_setting === update.setting) delete mine[update.name]
      else mine[update.name] = { ...update, previous_setting: first?.previous_setting ?? update.previous_setting }
      set({ changes: { ...get().changes, [id]: mine } })
      await get().reload()
      return update
    }
  }
})
