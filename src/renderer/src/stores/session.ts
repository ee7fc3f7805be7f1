import { create } from 'zustand'
import type { AppInfo } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import { call } from '../transport/client'
import { latestOnly } from './loader'

interface SessionState {
  status: 'loading' | 'ready' | 'login' | 'error'
  info: AppInfo | null
  error: string | null
  load(): Promise<void>
}

/** Whether the core answers us, and who it is. A browser without a session is sent to log in. */
export const useSession = create<SessionState>((set) => {
  const latest = latestOnly()
  return {
    status: 'loading',
    info: null,
    error: null,
    async load() {
      const answer = await latest.run(() => call('app.info'))
      if (answer === null) return
      if (answer.ok) set({ status: 'ready', info: answer.value, error: null })
      else if (answer.error instanceof AppError && answer.error.code === 'unauthorized') set({ status: 'login', error: null })
      else set({ status: 'error', error: answer.message })
    }
  }
})
