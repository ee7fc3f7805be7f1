import { create } from 'zustand'

export type ThemePreference = 'system' | 'light' | 'dark'
const STORAGE_KEY = 'vigil.theme'

interface ThemeState {
  preference: ThemePreference
  /** Bumped whenever the colours in effect change, so canvases (charts) repaint with them. */
  version: number
  setPreference(preference: ThemePreference): void
}

function stored(): ThemePreference {
  const value = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY)
  return value === 'light' || value === 'dark' ? value : 'system'
}

/** Light or dark follows the system unless the user picked one; the CSS reads `data-theme`. */
function apply(preference: ThemePreference): void {
  if (preference === 'system') delete document.documentElement.dataset.theme
  else document.documentElement.dataset.theme = preference
}

export const useTheme = create<ThemeState>((set, get) => ({
  preference: stored(),
  version: 0,
  setPreference(preference) {
    localStorage.setItem(STORAGE_KEY, preference)
    apply(preference)
    set({ preference, version: get().version + 1 })
  }
}))

/** Applies the stored preference and follows the system's changes. Called once at start. */
export function initTheme(): void {
  apply(useTheme.getState().preference)
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (useTheme.getState().preference === 'system') useTheme.setState({ version: useTheme.getState().version + 1 })
  })
}
