import { create } from 'zustand'
import type { AppInfo } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import { call, errorMessage } from '../transport/client'

interface SessionState {
  status: 'loading' | 'ready' | 'login' | 'error'
  info: AppInfo | null
  error: string | null
  load(): Promise<void>
}

/** Whether the core answers us, and who it is. A browser without a session is sent to log in. */
export const useSession = create<SessionState>((set) => ({
  status: 'loading',
  info: null,
  error: null,
  async load() {
    try {
      const info = await call('app.info')
      set({ status: 'ready', info, error: null })
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') set({ status: 'login', error: null })
      else set({ status: 'error', error: errorMessage(error) })
    }
  }
}))
