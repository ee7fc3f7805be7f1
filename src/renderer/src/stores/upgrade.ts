import { create } from 'zustand'
import { isNewerUpgradeStatus, type UpgradeStatus } from '../../../shared/upgrade'
import { call, subscribe } from '../transport/client'

/** While an upgrade is under way, the status is also asked for this often, in case an event was missed (a socket reconnecting). */
const REFRESH_MS = 5_000

interface UpgradeState {
  /** The newest status seen (events and answers alike, by version). */
  status: UpgradeStatus | null
  /** The user closed the banner of a finished upgrade. */
  dismissed: boolean
  take(status: UpgradeStatus): void
  dismiss(): void
  /** Follows the upgrade live from `initial` (app.info's); returns the function that stops. */
  follow(initial: UpgradeStatus | null): () => void
}

const running = (status: UpgradeStatus | null): boolean => status === null || status.state === 'pending' || status.state === 'converting'

/** The data dir's upgrade at start, for the banner: a window opened mid-way starts from app.info's answer. */
export const useUpgrade = create<UpgradeState>((set, get) => ({
  status: null,
  dismissed: false,
  take(status) {
    if (isNewerUpgradeStatus(status, get().status)) set({ status })
  },
  dismiss() {
    set({ dismissed: true })
  },
  follow(initial) {
    if (initial) get().take(initial)
    const unsubscribe = subscribe('app.upgrade', (status) => get().take(status))
    let timer: ReturnType<typeof setTimeout> | null = null
    let stopped = false
    const refresh = async (): Promise<void> => {
      timer = null
      try {
        get().take((await call('app.info')).upgrade)
      } catch {
        // The session's own checks report a core that does not answer.
      }
      if (!stopped && running(get().status)) timer = setTimeout(() => void refresh(), REFRESH_MS)
    }
    // Asked once now that the subscription is made (nothing between the first answer and it is lost), then while it runs.
    void refresh()
    return () => {
      stopped = true
      unsubscribe()
      if (timer) clearTimeout(timer)
    }
  }
}))
