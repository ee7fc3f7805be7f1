import { encodeChunk } from './chunk-codec'
import { STALE, type SampleValue } from './sample'

const NUMBER = 0
const NULL = 1
const STALE_MARK = 2

/** Rows a head starts with; it doubles up to its capacity, so a process seen once costs little. */
const INITIAL_ROWS = 8

/**
 * The newest samples of one series group, not yet in a chunk: typed arrays that grow up to a
 * fixed capacity, so a fleet's heads cost a few bytes a value rather than a JavaScript object
 * each.
 */
export class GroupHead {
  private ts: Float64Array
  private values: Float64Array
  /** Null while every value so far is a number (most groups, always). */
  private kinds: Uint8Array | null = null
  count = 0
  /** The sequence number of the first row (see SeriesStore.append). */
  firstSeq = 0

  constructor(
    readonly columns: number,
    readonly capacity: number
  ) {
    const rows = Math.min(capacity, INITIAL_ROWS)
    this.ts = new Float64Array(rows)
    this.values = new Float64Array(rows * columns)
  }

  get full(): boolean {
    return this.count === this.capacity
  }

  get firstTs(): number {
    return this.ts[0] as number
  }

  get lastTs(): number {
    return this.ts[this.count - 1] as number
  }

  /** Appends a row; the caller cuts a full head first, and keeps times in order. */
  append(ts: number, seq: number, row: readonly SampleValue[]): void {
    if (this.count === 0) this.firstSeq = seq
    if (this.count === this.ts.length) this.grow()
    const at = this.count++
    this.ts[at] = ts
    const columns = this.columns
    const base = at * columns
    const values = this.values
    for (let c = 0; c < columns; c++) {
      const value = row[c]
      if (typeof value === 'number') values[base + c] = value
      else this.markAbsent(base + c, value === STALE ? STALE_MARK : NULL)
    }
    // A row shorter than the group's columns leaves the rest missing.
    if (row.length < columns) for (let c = row.length; c < columns; c++) this.markAbsent(base + c, NULL)
  }

  /** The rows with times in [start, end], as columns, with their sequence numbers. */
  read(start: number, end: number): { ts: number[]; seq: number[]; columns: SampleValue[][] } {
    let from = 0
    while (from < this.count && (this.ts[from] as number) < start) from++
    let to = this.count
    while (to > from && (this.ts[to - 1] as number) > end) to--
    // Times are in order within a head, so [start, end] is one stretch of rows.
    const length = to - from
    const ts = new Array<number>(length)
    const seq = new Array<number>(length)
    for (let i = 0; i < length; i++) {
      ts[i] = this.ts[from + i] as number
      seq[i] = this.firstSeq + from + i
    }
    const columns: SampleValue[][] = []
    for (let c = 0; c < this.columns; c++) {
      const column = new Array<SampleValue>(length)
      for (let i = 0; i < length; i++) column[i] = this.valueAt(from + i, c)
      columns.push(column)
    }
    return { ts, seq, columns }
  }

  /** Every row as [ts, seq, row], oldest first: what a log carries over. */
  *rows(): Generator<[ts: number, seq: number, row: SampleValue[]]> {
    for (let i = 0; i < this.count; i++) {
      const row: SampleValue[] = []
      for (let c = 0; c < this.columns; c++) row.push(this.valueAt(i, c))
      yield [this.ts[i] as number, this.firstSeq + i, row]
    }
  }

  /** Encodes every row as a chunk and empties the head. */
  cut(): { startTs: number; endTs: number; rows: number; firstSeq: number; data: Uint8Array } {
    const count = this.count
    const columns: ArrayLike<SampleValue>[] = []
    for (let c = 0; c < this.columns; c++) columns.push(this.column(c))
    const chunk = { startTs: this.firstTs, endTs: this.lastTs, rows: count, firstSeq: this.firstSeq, data: encodeChunk(this.ts.subarray(0, count), columns) }
    this.count = 0
    this.kinds?.fill(NUMBER)
    return chunk
  }

  /** One column's values: a strided view when every value is a number, else an array. */
  private column(c: number): ArrayLike<SampleValue> {
    const count = this.count
    const columns = this.columns
    if (this.kinds === null) {
      if (columns === 1) return this.values.subarray(0, count)
      const column = new Float64Array(count)
      for (let i = 0, at = c; i < count; i++, at += columns) column[i] = this.values[at] as number
      return column
    }
    const column = new Array<SampleValue>(count)
    for (let i = 0; i < count; i++) column[i] = this.valueAt(i, c)
    return column
  }

  private markAbsent(index: number, kind: number): void {
    if (this.kinds === null) this.kinds = new Uint8Array(this.values.length)
    this.kinds[index] = kind
  }

  private grow(): void {
    const rows = Math.min(this.capacity, this.ts.length * 2)
    const ts = new Float64Array(rows)
    ts.set(this.ts)
    const values = new Float64Array(rows * this.columns)
    values.set(this.values)
    this.ts = ts
    this.values = values
    if (this.kinds) {
      const kinds = new Uint8Array(rows * this.columns)
      kinds.set(this.kinds)
      this.kinds = kinds
    }
  }

  private valueAt(row: number, column: number): SampleValue {
    const index = row * this.columns + column
    const kind = this.kinds === null ? NUMBER : this.kinds[index]
    return kind === NUMBER ? (this.values[index] as number) : kind === STALE_MARK ? STALE : null
  }
}
