import type { ChangeSummary, SnapshotDiffView, SnapshotSummary } from '../../../../shared/oracle'

// Pure shaping for the table views: cells as text, a diff as rows to draw, the timeline's bars.

/** The column a table without a primary key is keyed by (ROWID, ctid), as the core names it. */
export const ROW_IDENTITY_COLUMN = '__vigil_row_id'

export type DiffKind = 'added' | 'removed' | 'changed'
export const DIFF_KINDS: readonly DiffKind[] = ['added', 'removed', 'changed']

export interface CellText {
  text: string
  /** SQL NULL (drawn apart from the text 'NULL'). */
  isNull: boolean
}

export interface DiffCell extends CellText {
  column: string
  /** The value differs from the previous snapshot's (changed rows only). */
  changed: boolean
  /** The previous value, for changed cells. */
  before?: CellText
}

export interface DiffRow {
  /** Stable across renders: the kind and the key values. */
  id: string
  kind: DiffKind
  cells: DiffCell[]
}

export function columnLabel(column: string): string {
  return column === ROW_IDENTITY_COLUMN ? 'row id' : column
}

/** A value as the drivers sent it over JSON: NULL apart, objects (JSON columns, arrays) as JSON. */
export function cellText(value: unknown): CellText {
  if (value === null || value === undefined) return { text: 'NULL', isNull: true }
  if (typeof value === 'string') return { text: value, isNull: false }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return { text: String(value), isNull: false }
  return { text: JSON.stringify(value), isNull: false }
}

/** Orders key values as a reader expects: numbers by value, NULLs last, text by natural order. */
export function compareValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined
  const bNull = b === null || b === undefined
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return cellText(a).text.localeCompare(cellText(b).text, undefined, { numeric: true })
}

function compareByKey(a: Record<string, unknown>, b: Record<string, unknown>, keyColumns: readonly string[]): number {
  for (const column of keyColumns) {
    const order = compareValues(a[column], b[column])
    if (order !== 0) return order
  }
  return 0
}

const KIND_ORDER: Record<DiffKind, number> = { removed: 0, changed: 1, added: 2 }

/**
 * The diff as one list of rows ordered by key, so that a row removed and one added under a
 * neighbouring key read side by side. Changed rows carry both values of each changed cell.
 * `show` leaves kinds out.
 */
export function shapeDiff(diff: SnapshotDiffView, show: Readonly<Record<DiffKind, boolean>> = { added: true, removed: true, changed: true }): DiffRow[] {
  const { columns, key_columns: keyColumns } = diff
  const idOf = (kind: DiffKind, row: Record<string, unknown>): string => `${kind}:${JSON.stringify(keyColumns.map((column) => row[column] ?? null))}`
  const plain = (kind: DiffKind, row: Record<string, unknown>): { sortKey: Record<string, unknown>; row: DiffRow } => ({
    sortKey: row,
    row: { id: idOf(kind, row), kind, cells: columns.map((column) => ({ column, ...cellText(row[column]), changed: false })) }
  })
  const rows: Array<{ sortKey: Record<string, unknown>; row: DiffRow }> = []
  if (show.removed) for (const row of diff.removed) rows.push(plain('removed', row))
  if (show.added) for (const row of diff.added) rows.push(plain('added', row))
  if (show.changed) {
    for (const change of diff.changed) {
      const changedColumns = new Set(change.columns)
      rows.push({
        sortKey: change.key,
        row: {
          id: idOf('changed', { ...change.after, ...change.key }),
          kind: 'changed',
          cells: columns.map((column) => {
            const after = column in change.after ? change.after[column] : change.key[column]
            const changed = changedColumns.has(column)
            return { column, ...cellText(after), changed, ...(changed ? { before: cellText(change.before[column]) } : {}) }
          })
        }
      })
    }
  }
  rows.sort((a, b) => compareByKey(a.sortKey, b.sortKey, keyColumns) || KIND_ORDER[a.row.kind] - KIND_ORDER[b.row.kind])
  // The same key twice (a table whose key is not unique) would give two rows one id.
  const seen = new Map<string, number>()
  return rows.map(({ row }) => {
    const count = seen.get(row.id) ?? 0
    seen.set(row.id, count + 1)
    return count === 0 ? row : { ...row, id: `${row.id}#${count}` }
  })
}

/** "+1 −1 ~1", "baseline" or "no changes": a snapshot's changes in a few characters. */
export function changeText(changes: ChangeSummary): string {
  if (changes.baseline) return 'baseline'
  const parts = [changes.added && `+${changes.added}`, changes.removed && `−${changes.removed}`, changes.changed && `~${changes.changed}`].filter(Boolean)
  return parts.length > 0 ? parts.join(' ') : 'no changes'
}

/** The same, spelled out for screen readers and titles. */
export function changeSentence(changes: ChangeSummary): string {
  if (changes.baseline) return 'Baseline: nothing to compare with'
  if (changes.added + changes.removed + changes.changed === 0) return 'No rows changed'
  return `${changes.added} added, ${changes.removed} removed, ${changes.changed} changed`
}

export interface TimelineBar {
  id: number
  timestamp: string
  added: number
  removed: number
  changed: number
  baseline: boolean
  /** Heights as shares (0–1) of the tallest bar: added, removed, changed stacked. */
  shares: { added: number; removed: number; changed: number }
}

/** Oldest first, each bar's stacked counts scaled to the busiest snapshot (a baseline has none). */
export function timelineBars(history: readonly SnapshotSummary[]): TimelineBar[] {
  const oldestFirst = [...history].sort((a, b) => a.id - b.id)
  const total = (s: SnapshotSummary): number => (s.changes.baseline ? 0 : s.changes.added + s.changes.removed + s.changes.changed)
  const max = Math.max(1, ...oldestFirst.map(total))
  return oldestFirst.map((snapshot) => {
    const { added, removed, changed, baseline } = snapshot.changes
    const scale = (n: number): number => (baseline ? 0 : n / max)
    return {
      id: snapshot.id,
      timestamp: snapshot.timestamp,
      added,
      removed,
      changed,
      baseline,
      shares: { added: scale(added), removed: scale(removed), changed: scale(changed) }
    }
  })
}

/** Seconds as people read them: "12 ms", "1.4 s", "2 min 5 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—'
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`
  const minutes = Math.floor(seconds / 60)
  const rest = Math.round(seconds % 60)
  return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`
}

/** "just now", "5 s ago", "3 min ago", "2 h ago", else the date. */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never'
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return iso
  const seconds = Math.round((now - then) / 1000)
  if (seconds < 5) return 'just now'
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`
  return new Date(then).toLocaleString()
}

export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—'
}

/** Polling interval in words: "every 60 s", "every 5 min". */
export function formatInterval(seconds: number): string {
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`
  if (seconds % 60 === 0 && seconds >= 120) return `every ${seconds / 60} min`
  return `every ${seconds} s`
}

/** The version's head, for tight places: "PostgreSQL 15.18", "Oracle Database 19c Enterprise Edition Release 19.0.0.0.0". */
export function shortVersion(version: string | null | undefined): string {
  if (!version) return '—'
  const head = version.split(/ \(| on |, compiled| - /)[0] ?? version
  return head.trim() || version
}
