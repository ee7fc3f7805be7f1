import { encodeChunk } from './chunk-codec'
import { STALE, type SampleValue } from './sample'

const NUMBER = 0
const NULL = 1
const STALE_MARK = 2

/**
 * The newest samples of one series group, not yet in a chunk: typed arrays of a fixed capacity,
 * so a fleet's heads cost a few bytes a value rather than a JavaScript object each.
 */
export class GroupHead {
  private readonly ts: Float64Array
  private readonly values: Float64Array
  private readonly kinds: Uint8Array
  count = 0
  /** The sequence number of the first row (see SeriesStore.append). */
  firstSeq = 0

  constructor(
    readonly columns: number,
    readonly capacity: number
  ) {
    this.ts = new Float64Array(capacity)
    this.values = new Float64Array(capacity * columns)
    this.kinds = new Uint8Array(capacity * columns)
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
    const at = this.count++
    this.ts[at] = ts
    const base = at * this.columns
    for (let c = 0; c < this.columns; c++) {
      const value = row[c] ?? null
      if (typeof value === 'number') {
        this.values[base + c] = value
        this.kinds[base + c] = NUMBER
      } else this.kinds[base + c] = value === STALE ? STALE_MARK : NULL
    }
  }

  /** The rows with times in [start, end], as columns, with their sequence numbers. */
  read(start: number, end: number): { ts: number[]; seq: number[]; columns: SampleValue[][] } {
    const ts: number[] = []
    const seq: number[] = []
    const columns: SampleValue[][] = Array.from({ length: this.columns }, () => [])
    for (let i = 0; i < this.count; i++) {
      const time = this.ts[i] as number
      if (time < start || time > end) continue
      ts.push(time)
      seq.push(this.firstSeq + i)
      for (let c = 0; c < this.columns; c++) (columns[c] as SampleValue[]).push(this.valueAt(i, c))
    }
    return { ts, seq, columns }
  }

  /** Forgets every row. */
  clear(): void {
    this.count = 0
  }

  /** Encodes every row as a chunk and empties the head. */
  cut(): { startTs: number; endTs: number; rows: number; firstSeq: number; data: Uint8Array } {
    const { ts, columns } = this.read(-Infinity, Infinity)
    const chunk = { startTs: this.firstTs, endTs: this.lastTs, rows: this.count, firstSeq: this.firstSeq, data: encodeChunk(ts, columns) }
    this.count = 0
    return chunk
  }

  private valueAt(row: number, column: number): SampleValue {
    const index = row * this.columns + column
    const kind = this.kinds[index]
    return kind === NUMBER ? (this.values[index] as number) : kind === STALE_MARK ? STALE : null
  }
}
