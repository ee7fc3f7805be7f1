import { create } from 'zustand'
import type { Model } from '../../../shared/models'
import { call } from '../transport/client'
import { createLoader } from './loader'

interface ModelsState {
  models: Model[] | null
  loading: boolean
  error: string | null
  load(): Promise<void>
}

/** The Models page's list: every model with its status and last run (GET /api/dbt/models). */
export const useModels = create<ModelsState>((set) => {
  const loader = createLoader<ModelsState>(set)
  return {
    models: null,
    loading: false,
    error: null,
    async load() {
      await loader.load(
        () => call('models.list'),
        (value) => ({ models: value.models })
      )
    }
  }
})
