import { useCallback } from 'react'
import { create } from 'zustand'
import { mayInvoke } from '../../../shared/access'
import type { AppInfo, Channel, Whoami } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import type { Permission } from '../../../shared/teams'
import { call } from '../transport/client'
import { latestOnly } from './loader'

/** What `mayInvoke` asks of a caller. */
type Holder = { isStaff: boolean; permissions: ReadonlySet<Permission> }

interface SessionState {
  status: 'loading' | 'ready' | 'login' | 'error'
  info: AppInfo | null
  /** Who the UI acts for: the owner (Electron, the owner's token or login link) or a user. */
  whoami: Whoami | null
  holder: Holder | null
  error: string | null
  load(): Promise<void>
}

/**
 * Whether the core answers us, who it is and who we are. A browser without a session is sent to
 * log in. Electron's IPC is the owner: whoami answers that too.
 */
export const useSession = create<SessionState>((set) => {
  const latest = latestOnly()
  return {
    status: 'loading',
    info: null,
    whoami: null,
    holder: null,
    error: null,
    async load() {
      const answer = await latest.run(() => Promise.all([call('app.info'), call('auth.whoami')]))
      if (answer === null) return
      if (answer.ok) {
        const [info, whoami] = answer.value
        set({ status: 'ready', info, whoami, holder: { isStaff: whoami.isStaff, permissions: new Set(whoami.permissions) }, error: null })
      } else if (answer.error instanceof AppError && answer.error.code === 'unauthorized') set({ status: 'login', whoami: null, holder: null, error: null })
      else set({ status: 'error', error: answer.message })
    }
  }
})

/** May the session's caller use `channel`? False before whoami answered. */
export function canInvoke(holder: Holder | null, channel: Channel): boolean {
  return holder !== null && mayInvoke(holder, channel)
}

/**
 * `(channel) => boolean`: whether the caller may use a channel (shared/access.ts). The UI hides
 * what it answers false for; the core refuses it anyway.
 */
export function useCan(): (channel: Channel) => boolean {
  const holder = useSession((state) => state.holder)
  return useCallback((channel: Channel) => canInvoke(holder, channel), [holder])
}
