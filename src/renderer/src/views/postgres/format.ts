// Times and states as the PostgreSQL pages show them.

/** "3 min ago", "2 h ago", "5 d ago" (a time in the future reads "just now"). */
export function ago(epochMs: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000))
  if (seconds < 45) return 'just now'
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`
  return `${Math.round(seconds / 86_400)} d ago`
}

/** A local date and time, to the second. */
export function localTime(epochMs: number | null): string {
  return epochMs === null ? '—' : new Date(epochMs).toLocaleString()
}

/** The agent's datetimes: "2024-05-01T10:00:00" (UTC, no zone) or PostgreSQL's "2024-05-01 10:00:00.12+00". */
export function parseAgentTime(text: string | null): number | null {
  if (!text) return null
  const iso = text.includes('T') ? (/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`) : text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')
  const parsed = Date.parse(iso)
  return Number.isFinite(parsed) ? parsed : null
}

/** Bytes with binary units: "1.5 GiB". */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`
}

/** Counts with thousands separators. */
export function formatCount(value: number | null): string {
  return value === null ? '—' : Math.round(value).toLocaleString('en-US')
}
