// Rows of one part of a group — a chunk, or the head's rows in a range — decoded into typed
// arrays that are reused from part to part, for readers that fold many series as they go
// (process aggregation: 500 series of an hour are 360,000 rows). Reading them as arrays of
// values per column, then copying the parts together, allocated some 40 MB a read.
import { STALE, type SampleValue } from './sample'

/** What a row of a column holds: a number, nothing, or the end of its series (ColumnarRows.kinds). */
export const ROW_NUMBER = 0
export const ROW_NULL = 1
export const ROW_STALE = 2

export class ColumnarRows {
  /** Row times (ms), rows [0, rows). */
  ts: Float64Array
  /** Per column: the rows' values (0 where a row has no number). */
  readonly values: Float64Array[]
  /** Per column: null when every row holds a number, else each row's ROW_* kind. */
  readonly kinds: Array<Uint8Array | null>
  rows = 0
  private readonly kindArrays: Uint8Array[]

  constructor(
    readonly columnCount: number,
    capacity = 1024
  ) {
    this.ts = new Float64Array(capacity)
    this.values = Array.from({ length: columnCount }, () => new Float64Array(capacity))
    this.kindArrays = Array.from({ length: columnCount }, () => new Uint8Array(capacity))
    this.kinds = new Array<Uint8Array | null>(columnCount).fill(null)
  }

  /** Makes room for `rows` rows (their contents are then undefined) and sets the count. */
  reset(rows: number): void {
    if (rows > this.ts.length) {
      const capacity = Math.max(rows, this.ts.length * 2)
      this.ts = new Float64Array(capacity)
      for (let c = 0; c < this.columnCount; c++) {
        this.values[c] = new Float64Array(capacity)
        this.kindArrays[c] = new Uint8Array(capacity)
      }
    }
    this.rows = rows
    this.kinds.fill(null)
  }

  /** Column c's kinds array, to be filled for every row, and marked as in use. */
  kindsOf(c: number): Uint8Array {
    const kinds = this.kindArrays[c] as Uint8Array
    this.kinds[c] = kinds
    return kinds
  }

  /** Whether row r is a staleness marker: every column STALE (isStaleRow). */
  isStaleRow(r: number): boolean {
    if (this.columnCount === 0) return false
    for (let c = 0; c < this.columnCount; c++) {
      const kinds = this.kinds[c]
      if (!kinds || kinds[r] !== ROW_STALE) return false
    }
    return true
  }

  /** Rows [from, to) of a range read as arrays (a head's rows, rows merged in time order); a missing column is null. */
  copyFrom(range: { ts: ArrayLike<number>; columns: readonly (ArrayLike<SampleValue> | undefined)[] }, from: number, to: number): void {
    const rows = to - from
    this.reset(rows)
    for (let r = 0; r < rows; r++) this.ts[r] = range.ts[from + r] as number
    for (let c = 0; c < this.columnCount; c++) {
      const column = range.columns[c]
      const values = this.values[c] as Float64Array
      let kinds: Uint8Array | null = null
      for (let r = 0; r < rows; r++) {
        const value = column === undefined ? null : column[from + r]
        if (typeof value === 'number') {
          values[r] = value
          if (kinds !== null) kinds[r] = ROW_NUMBER
          continue
        }
        if (kinds === null) {
          kinds = this.kindsOf(c)
          kinds.fill(ROW_NUMBER, 0, r)
        }
        values[r] = 0
        kinds[r] = value === STALE ? ROW_STALE : ROW_NULL
      }
    }
  }
}
