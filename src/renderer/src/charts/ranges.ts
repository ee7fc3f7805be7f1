// The time ranges a server's charts can show, and the resolution each reads.
import { chooseResolution, type Resolution } from '../../../shared/metrics'

export type RangeChoice =
  | { kind: 'live' }
  | { kind: 'last'; ms: number }
  | { kind: 'custom'; start: number; end: number }

/** Live charts keep this much history on screen and stream what arrives. */
export const LIVE_WINDOW_MS = 15 * 60_000

const MINUTE = 60_000
export const RANGE_PRESETS: ReadonlyArray<{ id: string; label: string; choice: RangeChoice }> = [
  { id: 'live', label: 'Live', choice: { kind: 'live' } },
  { id: '15m', label: '15 min', choice: { kind: 'last', ms: 15 * MINUTE } },
  { id: '1h', label: '1 h', choice: { kind: 'last', ms: 60 * MINUTE } },
  { id: '24h', label: '24 h', choice: { kind: 'last', ms: 24 * 60 * MINUTE } },
  { id: '7d', label: '7 d', choice: { kind: 'last', ms: 7 * 24 * 60 * MINUTE } }
]

export interface ResolvedRange {
  start: number
  end: number
  live: boolean
}

export function resolveRange(choice: RangeChoice, now: number): ResolvedRange {
  switch (choice.kind) {
    case 'live':
      return { start: now - LIVE_WINDOW_MS, end: now, live: true }
    case 'last':
      return { start: now - choice.ms, end: now, live: false }
    case 'custom':
      return { start: Math.min(choice.start, choice.end), end: Math.max(choice.start, choice.end), live: false }
  }
}

/** What the charts read for a range: raw up to a day, then the minute and hour roll-ups. */
export function resolutionFor(range: ResolvedRange): Resolution {
  return chooseResolution(range.end - range.start, 'vmstat')
}

/** `<input type="datetime-local">` value of an instant, in local time. */
export function toLocalInput(ms: number): string {
  const date = new Date(ms)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

export function fromLocalInput(text: string): number | null {
  const ms = new Date(text).getTime()
  return Number.isNaN(ms) ? null : ms
}
