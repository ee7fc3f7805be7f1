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
  /** Row after row: its time, then its values (one array: appending a row touches one place). */
  private rows: Float64Array
  /** Null while every value so far is a number (most groups, always). */
  private kinds: Uint8Array | null = null
  private readonly stride: number
  count = 0
  /** The sequence number of the first row (see SeriesStore.append). */
  firstSeq = 0

  constructor(
    readonly columns: number,
    readonly capacity: number
  ) {
    this.stride = columns + 1
    this.rows = new Float64Array(Math.min(capacity, INITIAL_ROWS) * this.stride)
  }

  get full(): boolean {
    return this.count === this.capacity
  }

  get firstTs(): number {
    return this.rows[0] as number
  }

  get lastTs(): number {
    return this.rows[(this.count - 1) * this.stride] as number
  }

  /** Appends a row; the caller cuts a full head first, and keeps times in order. */
  append(ts: number, seq: number, row: readonly SampleValue[]): void {
    if (this.count === 0) this.firstSeq = seq
    const stride = this.stride
    if ((this.count + 1) * stride > this.rows.length) this.grow()
    const base = this.count++ * stride
    const rows = this.rows
    rows[base] = ts
    const columns = this.columns
    for (let c = 0; c < columns; c++) {
      const value = row[c]
      if (typeof value === 'number') rows[base + 1 + c] = value
      else this.markAbsent(base + 1 + c, value === STALE ? STALE_MARK : NULL)
    }
  }

  /** The rows with times in [start, end], as columns, with their sequence numbers. */
  read(start: number, end: number): { ts: number[]; seq: number[]; columns: SampleValue[][] } {
    const stride = this.stride
    let from = 0
    while (from < this.count && (this.rows[from * stride] as number) < start) from++
    let to = this.count
    while (to > from && (this.rows[(to - 1) * stride] as number) > end) to--
    // Times are in order within a head, so [start, end] is one stretch of rows.
    const length = to - from
    const ts = new Array<number>(length)
    const seq = new Array<number>(length)
    for (let i = 0; i < length; i++) {
      ts[i] = this.rows[(from + i) * stride] as number
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
  *each(): Generator<[ts: number, seq: number, row: SampleValue[]]> {
    for (let i = 0; i < this.count; i++) {
      const row: SampleValue[] = []
      for (let c = 0; c < this.columns; c++) row.push(this.valueAt(i, c))
      yield [this.rows[i * this.stride] as number, this.firstSeq + i, row]
    }
  }

  /** Encodes every row as a chunk and empties the head. */
  cut(): { startTs: number; endTs: number; rows: number; firstSeq: number; data: Uint8Array } {
    const count = this.count
    const ts = new Float64Array(count)
    for (let i = 0; i < count; i++) ts[i] = this.rows[i * this.stride] as number
    const columns: ArrayLike<SampleValue>[] = []
    for (let c = 0; c < this.columns; c++) columns.push(this.column(c))
    const chunk = { startTs: this.firstTs, endTs: this.lastTs, rows: count, firstSeq: this.firstSeq, data: encodeChunk(ts, columns) }
    this.count = 0
    this.kinds?.fill(NUMBER)
    return chunk
  }

  /** One column's values: numbers when every value is one, else an array. */
  private column(c: number): ArrayLike<SampleValue> {
    const count = this.count
    const stride = this.stride
    if (this.kinds === null) {
      const column = new Float64Array(count)
      for (let i = 0, at = c + 1; i < count; i++, at += stride) column[i] = this.rows[at] as number
      return column
    }
    const column = new Array<SampleValue>(count)
    for (let i = 0; i < count; i++) column[i] = this.valueAt(i, c)
    return column
  }

  private markAbsent(index: number, kind: number): void {
    if (this.kinds === null) this.kinds = new Uint8Array(this.rows.length)
    this.kinds[index] = kind
  }

  private grow(): void {
    const rows = new Float64Array(Math.min(this.capacity, (this.rows.length / this.stride) * 2) * this.stride)
    rows.set(this.rows)
    this.rows = rows
    if (this.kinds) {
      const kinds = new Uint8Array(rows.length)
      kinds.set(this.kinds)
      this.kinds = kinds
    }
  }

  private valueAt(row: number, column: number): SampleValue {
    const index = row * this.stride + 1 + column
    const kind = this.kinds === null ? NUMBER : this.kinds[index]
    return kind === NUMBER ? (this.rows[index] as number) : kind === STALE_MARK ? STALE : null
  }
}
