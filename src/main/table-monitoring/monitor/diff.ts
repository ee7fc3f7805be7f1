import { hash } from 'node:crypto'

/** One row as the drivers return it with object output: column name → value. */
export type SnapshotRow = Record<string, unknown>

export interface RowChange {
  /** The key columns' values. */
  key: SnapshotRow
  before: SnapshotRow
  after: SnapshotRow
  /** Columns whose values differ, in column order. */
  columns: string[]
}

export interface SnapshotDiff {
  /** Rows of the current snapshot with no counterpart in the previous one, in current order. */
  added: SnapshotRow[]
  /** Rows of the previous snapshot with no counterpart in the current one, in previous order. */
  removed: SnapshotRow[]
  changed: RowChange[]
  unchanged: number
  /**
   * Key values found on more than one row in either snapshot. Such rows cannot be paired, so
   * they are compared as whole rows: identical ones count as unchanged, the others as removed
   * and added. Nonzero means the key is not unique (a view, a disabled constraint, a key that
   * was guessed): worth a warning.
   */
  duplicateKeys: number
}

export interface DiffOptions {
  /** Columns that identify a row: the key, or [ROW_IDENTITY_COLUMN]. */
  keyColumns: readonly string[]
  /** Columns compared, in a fixed order; by default every column seen in either snapshot. */
  columns?: readonly string[]
}

/**
 * A value's canonical text: type-tagged so that 1 and '1', null and '' and a missing column
 * never meet. Strings carry their length (S5:hello), so no content can forge a separator and
 * nothing needs escaping, which is cheaper than JSON quoting at 100k rows. Dates become ISO
 * text, binary becomes hex, bigints their digits, objects (JSON columns) sort their keys.
 */
export function canonicalValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 'S' + value.length + ':' + value
    case 'number':
      return 'F' + String(value)
    case 'bigint':
      return 'I' + value.toString()
    case 'boolean':
      return value ? 'T' : 'X'
    case 'undefined':
      return 'U'
    case 'object':
      if (value === null) return 'N'
      if (value instanceof Date) return 'D' + (Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString())
      if (value instanceof Uint8Array) return 'B' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')
      if (Array.isArray(value)) return 'A[' + value.map(canonicalValue).join(',') + ']'
      return 'O{' + Object.keys(value).sort().map((key) => canonicalValue(key) + '=' + canonicalValue((value as SnapshotRow)[key])).join(',') + '}'
    default:
      // Functions and symbols never come from a driver; keep them comparable all the same.
      return 'Z' + canonicalValue(String(value))
  }
}

/** The row's values in `columns` order, each canonical: equal text ⇔ equal rows. */
export function canonicalRow(row: SnapshotRow, columns: readonly string[]): string {
  let text = ''
  for (let i = 0; i < columns.length; i++) text += (i === 0 ? '' : ',') + canonicalValue(row[columns[i] as string])
  return text
}

/** sha256 (hex) of the canonical row: compact, and the same across runs and processes. */
export function rowHash(row: SnapshotRow, columns: readonly string[]): string {
  return hash('sha256', canonicalRow(row, columns), 'hex')
}

export function hasChanges(diff: SnapshotDiff): boolean {
  return diff.added.length > 0 || diff.removed.length > 0 || diff.changed.length > 0
}

interface Indexed {
  keys: string[]
  hashes: string[]
  /** Key → index of its first row. */
  first: Map<string, number>
  /** Key → indexes of all its rows, for keys on more than one row only. */
  repeated: Map<string, number[]>
}

/** Pairs rows by key and compares them by hash: O(n) with two Maps, for 100k-row snapshots. */
export function diffSnapshots(previous: readonly SnapshotRow[], current: readonly SnapshotRow[], options: DiffOptions): SnapshotDiff {
  const { keyColumns } = options
  if (keyColumns.length === 0) throw new RangeError('diffSnapshots needs key columns (or the row identity column)')
  const columns = options.columns ?? allColumns(previous, current)
  const before = index(previous, keyColumns, columns)
  const after = index(current, keyColumns, columns)

  const duplicated = new Set([...before.repeated.keys(), ...after.repeated.keys()])
  const fallback = compareDuplicated(duplicated, before, after)
  const diff: SnapshotDiff = { added: [], removed: [], changed: [], unchanged: fallback.unchanged, duplicateKeys: duplicated.size }

  for (let i = 0; i < current.length; i++) {
    const key = after.keys[i] as string
    const row = current[i] as SnapshotRow
    if (duplicated.has(key)) {
      if (fallback.added.has(i)) diff.added.push(row)
      continue
    }
    const j = before.first.get(key)
    if (j === undefined) diff.added.push(row)
    else if (before.hashes[j] === after.hashes[i]) diff.unchanged++
    else diff.changed.push(describeChange(previous[j] as SnapshotRow, row, keyColumns, columns))
  }
  for (let j = 0; j < previous.length; j++) {
    const key = before.keys[j] as string
    const gone = duplicated.has(key) ? fallback.removed.has(j) : !after.first.has(key)
    if (gone) diff.removed.push(previous[j] as SnapshotRow)
  }
  return diff
}

function index(rows: readonly SnapshotRow[], keyColumns: readonly string[], columns: readonly string[]): Indexed {
  // push, not new Array(n): V8 gives large preallocated arrays slow dictionary elements.
  const indexed: Indexed = { keys: [], hashes: [], first: new Map(), repeated: new Map() }
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as SnapshotRow
    const key = canonicalRow(row, keyColumns)
    indexed.keys.push(key)
    indexed.hashes.push(rowHash(row, columns))
    const first = indexed.first.get(key)
    if (first === undefined) indexed.first.set(key, i)
    else {
      const all = indexed.repeated.get(key)
      if (all) all.push(i)
      else indexed.repeated.set(key, [first, i])
    }
  }
  return indexed
}

/** Rows under a duplicated key are matched as a multiset of row hashes. */
function compareDuplicated(duplicated: Set<string>, before: Indexed, after: Indexed): { added: Set<number>; removed: Set<number>; unchanged: number } {
  const result = { added: new Set<number>(), removed: new Set<number>(), unchanged: 0 }
  const rowsOf = (side: Indexed, key: string): number[] => {
    const first = side.first.get(key)
    return side.repeated.get(key) ?? (first === undefined ? [] : [first])
  }
  for (const key of duplicated) {
    const waiting = new Map<string, number[]>()
    for (const j of rowsOf(before, key)) {
      const hash = before.hashes[j] as string
      const same = waiting.get(hash)
      if (same) same.push(j)
      else waiting.set(hash, [j])
    }
    for (const i of rowsOf(after, key)) {
      const match = waiting.get(after.hashes[i] as string)?.shift()
      if (match === undefined) result.added.add(i)
      else result.unchanged++
    }
    for (const left of waiting.values()) for (const j of left) result.removed.add(j)
  }
  return result
}

function describeChange(before: SnapshotRow, after: SnapshotRow, keyColumns: readonly string[], columns: readonly string[]): RowChange {
  const key: SnapshotRow = {}
  for (const column of keyColumns) key[column] = after[column]
  const changed = columns.filter((column) => canonicalValue(before[column]) !== canonicalValue(after[column]))
  return { key, before, after, columns: changed }
}

function allColumns(previous: readonly SnapshotRow[], current: readonly SnapshotRow[]): string[] {
  const seen = new Set<string>()
  for (const rows of [previous, current]) for (const row of rows) for (const column in row) seen.add(column)
  // Sorted: the same set of columns gives the same hashes whatever order the rows list them in.
  return [...seen].sort()
}
