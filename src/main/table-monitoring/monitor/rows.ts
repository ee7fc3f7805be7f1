import type { SnapshotDiff, SnapshotRow } from './diff'

// Snapshot rows between the driver, the diff and the store. Rows are made JSON-safe once, as
// soon as they arrive, so that a snapshot read back from SQLite compares equal to one fresh
// from the database: a DATE that came as a JS Date and went to the store as ISO text would
// otherwise differ from itself on the next run, and every row would look changed.

/**
 * A driver value as JSON keeps it: Dates become ISO 8601 text (the spec's "2024-08-01T10:00:00Z"
 * form, with milliseconds), binary becomes lower-case hex, bigints their digits (JSON numbers
 * would lose precision past 2^53), non-finite numbers their name (JSON has no NaN). Objects
 * (JSON columns) and arrays are walked, since they may hold any of these.
 */
export function jsonValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : String(value)
    case 'bigint':
      return value.toString()
    case 'undefined':
      return null
    case 'object': {
      if (value === null) return null
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')
      if (Array.isArray(value)) return value.map(jsonValue)
      const out: Record<string, unknown> = {}
      for (const [key, inner] of Object.entries(value)) out[key] = jsonValue(inner)
      return out
    }
    default:
      return String(value)
  }
}

/**
 * Makes the rows' values JSON-safe in place (every column of `columns` present) and returns
 * the same array: at 100k rows a copy would double the memory a snapshot needs.
 */
export function normalizeRows(rows: SnapshotRow[], columns: readonly string[]): SnapshotRow[] {
  for (const row of rows) {
    for (const column of columns) row[column] = jsonValue(row[column])
  }
  return rows
}

/**
 * The rows as stored: a JSON array of arrays in `columns` order. Without the column names on
 * every row the text is about half the size, which matters at 100k rows a snapshot.
 */
export function encodeRows(rows: readonly SnapshotRow[], columns: readonly string[]): string {
  const parts: string[] = []
  for (const row of rows) parts.push(JSON.stringify(columns.map((column) => row[column] ?? null)))
  return '[' + parts.join(',') + ']'
}

/** encodeRows undone; `limit` decodes only the first rows' objects (previews). */
export function decodeRows(json: string, columns: readonly string[], limit = Infinity): SnapshotRow[] {
  const arrays = JSON.parse(json) as unknown[][]
  const count = Math.min(arrays.length, limit)
  const rows: SnapshotRow[] = []
  for (let i = 0; i < count; i++) {
    const values = arrays[i] as unknown[]
    const row: SnapshotRow = {}
    for (let c = 0; c < columns.length; c++) row[columns[c] as string] = values[c] ?? null
    rows.push(row)
  }
  return rows
}

/** Keys kept of each kind of change in a snapshot's summary; the counts are always exact. */
export const SUMMARY_KEYS = 100

export interface ChangeCounts {
  added: number
  removed: number
  changed: number
  baseline: boolean
  keys: { added: SnapshotRow[]; removed: SnapshotRow[]; changed: SnapshotRow[] }
  keys_truncated: boolean
}

/** Counts and keys of a diff; null (no predecessor to compare with) is a baseline with no changes. */
export function summarizeChanges(diff: SnapshotDiff | null, keyColumns: readonly string[], maxKeys = SUMMARY_KEYS): ChangeCounts {
  if (!diff) return { added: 0, removed: 0, changed: 0, baseline: true, keys: { added: [], removed: [], changed: [] }, keys_truncated: false }
  const keyOf = (row: SnapshotRow): SnapshotRow => Object.fromEntries(keyColumns.map((column) => [column, row[column] ?? null]))
  return {
    added: diff.added.length,
    removed: diff.removed.length,
    changed: diff.changed.length,
    baseline: false,
    keys: {
      added: diff.added.slice(0, maxKeys).map(keyOf),
      removed: diff.removed.slice(0, maxKeys).map(keyOf),
      changed: diff.changed.slice(0, maxKeys).map((change) => change.key)
    },
    keys_truncated: diff.added.length > maxKeys || diff.removed.length > maxKeys || diff.changed.length > maxKeys
  }
}

export function countsShowChanges(counts: Pick<ChangeCounts, 'added' | 'removed' | 'changed'>): boolean {
  return counts.added + counts.removed + counts.changed > 0
}
