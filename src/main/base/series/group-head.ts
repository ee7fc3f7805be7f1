import { decodeChunk, encodeChunk, encodeChunkView } from './chunk-codec'
import { STALE, type SampleValue } from './sample'

const NUMBER = 0
const NULL = 1
const STALE_MARK = 2

/** Rows a head starts with (then 4×, then doubling up to its part size), so a process seen once costs little. */
const INITIAL_ROWS = 8
/**
 * Rows kept as numbers by default; older ones are kept encoded (parts) until the head is cut.
 * 64 rather than 120 (2026-12-03): an hour of a fleet's heads as numbers was most of its RSS.
 * Smaller parts save little more and cost CPU — each is planned, encoded and decoded again at
 * the cut: at 16 the append path took 14 % more CPU a value (bench/README.md, fleet-rss3).
 */
export const DEFAULT_PART_ROWS = 64

/** Where typedColumns puts a head's numbers for the encoder (grown as needed; not kept at the size of an unusually wide head). */
const COLUMN_SCRATCH = 16 * 1024
const COLUMN_SCRATCH_KEPT = 1 << 20
let columnScratch = new Float64Array(COLUMN_SCRATCH)

/** The encoded parts of every head that has none (new heads, and every head just after its cut): shared rather than one each. */
const NO_PARTS = new Uint8Array(0)
/**
 * A head's parts are grown to the next power of two, so a head of an hour is copied a few times,
 * not once per part, and the buffers tens of thousands of heads let go as they grow come in few
 * sizes, which the allocator hands out again rather than leaving holes of every size.
 */
const MIN_PARTS_BYTES = 64

/**
 * The newest samples of one series group, not yet in a chunk. The newest (up to partRows) are
 * typed arrays that grow as needed, so a fleet's heads cost a few bytes a value rather than a
 * JavaScript object each; older rows are kept encoded, about as compact as in SQLite, so a head
 * of an hour at 1,000 servers costs tens of megabytes rather than hundreds. Cutting the head
 * encodes all its rows as one chunk (large chunks compress and pack best).
 *
 * The encoded parts of a head are one byte array: the head's oldest time, then part after part,
 * each framed by its length and its newest row's time less the oldest (varints) — an object and
 * a buffer per part cost more than a small part's bytes, and parts are small so that few rows
 * are kept as numbers. Every part holds exactly partRows rows (a part is made only when the
 * numbers are full).
 */
export class GroupHead {
  /** Row after row: its time, then its values (one array: appending a row touches one place). */
  private rows: Float64Array
  /** The encoded parts, oldest first, in parts[0, partsLength). */
  private parts: Uint8Array = NO_PARTS
  private partsLength = 0
  /** Rows in the typed arrays. */
  private live = 0
  /** Null while every value so far is a number (most groups, always). */
  private kinds: Uint8Array | null = null
  private readonly stride: number
  count = 0
  /**
   * The newest row's time, kept here as well as in the rows: the store compares each new row's
   * time with it, and a fleet's heads are far beyond the caches — reading it from the rows cost
   * a cache miss per row where the head itself is at hand.
   */
  private newestTs = 0
  /** The sequence number of the first row (see SeriesStore.append). */
  firstSeq = 0

  /**
   * @param partRows rows kept as numbers before they are encoded into a part (memory for CPU:
   *   parts are decoded and encoded again when the head is cut); at least `capacity` for none
   */
  constructor(
    readonly columns: number,
    readonly capacity: number,
    private readonly partRows = DEFAULT_PART_ROWS
  ) {
    this.stride = columns + 1
    this.rows = new Float64Array(Math.min(capacity, INITIAL_ROWS, partRows) * this.stride)
  }

  get full(): boolean {
    return this.count === this.capacity
  }

  get firstTs(): number {
    return this.partsLength > 0 ? readVarint(this.parts, 0) : (this.rows[0] as number)
  }

  /** The newest row's time (while the head has rows). */
  get lastTs(): number {
    return this.newestTs
  }

  /** Whether the newest row is a staleness marker in every column: the series ended there. */
  get endsStale(): boolean {
    if (this.live === 0 || this.kinds === null) return false
    const base = (this.live - 1) * this.stride + 1
    for (let c = 0; c < this.columns; c++) if (this.kinds[base + c] !== STALE_MARK) return false
    return true
  }

  /** Appends a row; the caller cuts a full head first, and keeps times in order. */
  append(ts: number, seq: number, row: readonly SampleValue[]): void {
    if (this.count === 0) this.firstSeq = seq
    if (this.live === this.partRows) this.encodePart()
    const stride = this.stride
    if ((this.live + 1) * stride > this.rows.length) this.grow()
    const base = this.live++ * stride
    this.count++
    const rows = this.rows
    rows[base] = ts
    this.newestTs = ts
    const columns = this.columns
    for (let c = 0; c < columns; c++) {
      const value = row[c]
      if (typeof value === 'number') rows[base + 1 + c] = value
      else this.markAbsent(base + 1 + c, value === STALE ? STALE_MARK : NULL)
    }
  }

  /** The rows with times in [start, end], as columns, with their sequence numbers. */
  read(start: number, end: number): { ts: number[]; seq: number[]; columns: SampleValue[][] } {
    const ts: number[] = []
    const seq: number[] = []
    const columns: SampleValue[][] = Array.from({ length: this.columns }, () => [])
    let offset = 0
    const parts = this.parts
    const oldestTs = this.partsLength > 0 ? readVarint(parts, 0) : 0
    // No part starts before the one before it ends: that end bounds a part's first time from below.
    let startsFrom = oldestTs
    for (let at = this.partsLength > 0 ? varintEnd(parts, 0) : 0; at < this.partsLength; ) {
      const length = readVarint(parts, at)
      at = varintEnd(parts, at)
      const lastTs = oldestTs + readVarint(parts, at)
      at = varintEnd(parts, at)
      if (lastTs >= start && startsFrom <= end) {
        const decoded = decodeChunk(parts.subarray(at, at + length))
        for (let i = 0; i < this.partRows; i++) {
          const time = decoded.ts[i] as number
          if (time < start || time > end) continue
          ts.push(time)
          seq.push(this.firstSeq + offset + i)
          for (let c = 0; c < this.columns; c++) (columns[c] as SampleValue[]).push((decoded.columns[c] as SampleValue[])[i] ?? null)
        }
      }
      at += length
      offset += this.partRows
      startsFrom = lastTs
    }
    const stride = this.stride
    for (let i = 0; i < this.live; i++) {
      const time = this.rows[i * stride] as number
      if (time < start || time > end) continue
      ts.push(time)
      seq.push(this.firstSeq + offset + i)
      for (let c = 0; c < this.columns; c++) (columns[c] as SampleValue[]).push(this.valueAt(i, c))
    }
    return { ts, seq, columns }
  }

  /** Forgets every row. */
  clear(): void {
    this.count = 0
    this.live = 0
    this.parts = NO_PARTS
    this.partsLength = 0
    this.kinds?.fill(NUMBER)
  }

  /** Every row as [ts, seq, row], oldest first: what a log carries over. */
  *each(): Generator<[ts: number, seq: number, row: SampleValue[]]> {
    const { ts, seq, columns } = this.read(-Infinity, Infinity)
    for (let i = 0; i < ts.length; i++) yield [ts[i] as number, seq[i] as number, columns.map((column) => column[i] ?? null)]
  }

  /** Encodes every row as a chunk and empties the head. */
  cut(): { startTs: number; endTs: number; rows: number; firstSeq: number; data: Uint8Array } {
    const count = this.count
    let ts: ArrayLike<number>
    let columns: ArrayLike<SampleValue>[]
    if (this.partsLength === 0) ({ ts, columns } = this.typedColumns())
    else ({ ts, columns } = this.read(-Infinity, Infinity))
    const chunk = { startTs: this.firstTs, endTs: this.lastTs, rows: count, firstSeq: this.firstSeq, data: encodeChunk(ts, columns) }
    this.count = 0
    this.live = 0
    this.parts = NO_PARTS
    this.partsLength = 0
    this.kinds?.fill(NUMBER)
    return chunk
  }

  /** Encodes the typed rows as a part and empties them. */
  private encodePart(): void {
    const live = this.live
    const { ts, columns } = this.typedColumns()
    const data = encodeChunkView(ts, columns, true)
    const first = this.partsLength === 0
    const oldestTs = first ? (ts[0] as number) : readVarint(this.parts, 0)
    const lastOffset = (ts[live - 1] as number) - oldestTs
    const needed = (first ? varintLength(oldestTs) : this.partsLength) + varintLength(data.length) + varintLength(lastOffset) + data.length
    if (needed > this.parts.length) {
      const parts = new Uint8Array(Math.max(MIN_PARTS_BYTES, 2 ** Math.ceil(Math.log2(needed))))
      parts.set(this.parts.subarray(0, this.partsLength))
      this.parts = parts
    }
    let at = first ? writeVarint(this.parts, 0, oldestTs) : this.partsLength
    at = writeVarint(this.parts, at, data.length)
    at = writeVarint(this.parts, at, lastOffset)
    this.parts.set(data, at)
    this.partsLength = at + data.length
    this.live = 0
    this.kinds?.fill(NUMBER)
  }

  /**
   * The typed rows' times and columns (numbers when every value is one, else an array), for
   * encoding at once: the numbers are views of one buffer shared by every head, which the next
   * call overwrites — a fleet cuts tens of thousands of heads, and a buffer each was most of
   * the cut's garbage.
   */
  private typedColumns(): { ts: Float64Array; columns: ArrayLike<SampleValue>[] } {
    const count = this.live
    const stride = this.stride
    if (columnScratch.length < count * stride) columnScratch = new Float64Array(Math.max(count * stride, columnScratch.length * 2))
    // A head of unusually many columns grew it: not kept once heads are ordinary again.
    else if (columnScratch.length > COLUMN_SCRATCH_KEPT && count * stride <= COLUMN_SCRATCH) columnScratch = new Float64Array(COLUMN_SCRATCH)
    const scratch = columnScratch
    const ts = scratch.subarray(0, count)
    for (let i = 0; i < count; i++) ts[i] = this.rows[i * stride] as number
    const columns: ArrayLike<SampleValue>[] = []
    for (let c = 0; c < this.columns; c++) {
      if (this.kinds === null) {
        const column = scratch.subarray((c + 1) * count, (c + 2) * count)
        for (let i = 0, at = c + 1; i < count; i++, at += stride) column[i] = this.rows[at] as number
        columns.push(column)
      } else {
        const column = new Array<SampleValue>(count)
        for (let i = 0; i < count; i++) column[i] = this.valueAt(i, c)
        columns.push(column)
      }
    }
    return { ts, columns }
  }

  private markAbsent(index: number, kind: number): void {
    if (this.kinds === null) this.kinds = new Uint8Array(this.rows.length)
    this.kinds[index] = kind
  }

  private grow(): void {
    // From the first rows straight to four times as many: a head that outlives its first 8 rows
    // (a process seen more than once, any disk or interface) most often lives on, and a grow is
    // a typed array made outside the heap — microseconds each, tens of thousands of heads.
    const held = this.rows.length / this.stride
    const rows = new Float64Array(Math.min(this.capacity, this.partRows, held === INITIAL_ROWS ? held * 4 : held * 2) * this.stride)
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

// Unsigned varints (7 bits a byte, low first) for the parts' framing. Times and lengths stay
// below 2^53; division rather than shifts, which would cut them to 32 bits.

function varintLength(value: number): number {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    length++
  }
  return length
}

/** Writes value at `at`; returns the index after it. */
function writeVarint(bytes: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    bytes[at++] = (value % 0x80) | 0x80
    value = Math.floor(value / 0x80)
  }
  bytes[at++] = value
  return at
}

function readVarint(bytes: Uint8Array, at: number): number {
  let value = 0
  let scale = 1
  for (;;) {
    const byte = bytes[at++] as number
    value += (byte & 0x7f) * scale
    if (byte < 0x80) return value
    scale *= 0x80
  }
}

function varintEnd(bytes: Uint8Array, at: number): number {
  while ((bytes[at++] as number) >= 0x80);
  return at
}
