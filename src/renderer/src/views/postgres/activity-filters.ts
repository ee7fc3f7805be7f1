// The activity list's filters and the facts the UI derives from a row. Pure, unit-tested.
import type { ActivityDetailRow } from '../../../../shared/pg-agent'

export interface ActivityFilters {
  database: string
  user: string
  /** pg_stat_activity.state ('active', 'idle', 'idle in transaction', …); '' for any. */
  state: string
  /** Only queries running (or last run) for more than this many seconds; '' for any. */
  minDuration: string
  /** Matched against the query, the application name and the client address. */
  text: string
}

export const NO_FILTERS: ActivityFilters = { database: '', user: '', state: '', minDuration: '', text: '' }

/** The minimum duration in seconds, or null when the field is blank or not a number. */
export function minDurationOf(filters: Pick<ActivityFilters, 'minDuration'>): number | null {
  const text = filters.minDuration.trim()
  if (text === '') return null
  const value = Number(text)
  return Number.isFinite(value) && value >= 0 ? value : null
}

export function filterActivity(rows: readonly ActivityDetailRow[], filters: ActivityFilters): ActivityDetailRow[] {
  const minimum = minDurationOf(filters)
  const needle = filters.text.trim().toLowerCase()
  return rows.filter(
    (row) =>
      (!filters.database || row.database === filters.database) &&
      (!filters.user || row.user === filters.user) &&
      (!filters.state || (row.state ?? '(unknown)') === filters.state) &&
      (minimum === null || Number(row.duration) > minimum) &&
      (!needle || [row.query, row.application_name, row.client].some((value) => value?.toLowerCase().includes(needle)))
  )
}

/** The distinct values of a column, sorted, for the filter menus (null shown as '(unknown)' for state). */
export function distinct(rows: readonly ActivityDetailRow[], key: 'database' | 'user' | 'state'): string[] {
  const values = new Set<string>()
  for (const row of rows) {
    const value = row[key]
    if (value !== null) values.add(value)
    else if (key === 'state') values.add('(unknown)')
  }
  return [...values].sort((a, b) => a.localeCompare(b))
}

/** Whether a filter narrows the list. */
export function filtering(filters: ActivityFilters): boolean {
  return Object.values(filters).some((value) => value.trim() !== '')
}

/**
 * When the row's query started, epoch ms: pg_stat_activity's query_start, or (for a role that
 * may not see it) the duration counted back from when the list was read.
 */
export function queryStartOf(row: Pick<ActivityDetailRow, 'query_start' | 'duration'>, fetchedAt: number): number | null {
  if (row.query_start) {
    const parsed = Date.parse(row.query_start)
    if (Number.isFinite(parsed)) return parsed
  }
  const seconds = Number(row.duration)
  return Number.isFinite(seconds) && seconds > 0 ? fetchedAt - seconds * 1000 : null
}

/** "12.3 s", "4 min 05 s", "2 h 03 min" from the agent's seconds text. */
export function formatDuration(seconds: number | string): string {
  const value = Number(seconds)
  if (!Number.isFinite(value)) return '—'
  if (value < 60) return `${value.toFixed(value < 10 ? 1 : 0)} s`
  if (value < 3600) return `${Math.floor(value / 60)} min ${String(Math.floor(value % 60)).padStart(2, '0')} s`
  if (value < 86_400) return `${Math.floor(value / 3600)} h ${String(Math.floor((value % 3600) / 60)).padStart(2, '0')} min`
  return `${Math.floor(value / 86_400)} d ${Math.floor((value % 86_400) / 3600)} h`
}

/** The first line of a query, shortened, for a table cell. */
export function queryPreview(query: string | null, length = 90): string {
  if (query === null) return ''
  const flat = query.replace(/\s+/g, ' ').trim()
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat
}
