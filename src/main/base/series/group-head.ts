import { BitReader, type BitWriter } from './bit-stream'
import { encodeChunk } from './chunk-codec'
import { fromBits, highBits, lowBitsOfLast } from './float-bits'
import { HeadBits, type HeadPages } from './head-pages'
import { STALE, type SampleValue } from './sample'

// A value is written as its difference from its column's last value, as an integer at the
// column's scale (whole numbers, tenths or hundredths: what collectors print), in a prefix code
// (zigzag form z): '0' for 0 (an unchanged value), '10' + 6 bits for z − 1 < 64, '110' + 12 bits,
// '1110' + 20 bits, '11110' + a 6-bit width + z − 1 in that width; or '11111' + 3 bits for what
// else comes: a change of scale (then a width and z), a double as its 64 bits, a null, a stale mark.
const SCALES = [1, 10, 100] as const
/** The column's last value was written as a double: the next one says its scale. */
const NO_SCALE = 3
const ESCAPE_RAW = 3
const ESCAPE_NULL = 4
const ESCAPE_STALE = 5
/**
 * The value is an earlier column's change since the last row per second of the step (a rate the
 * collector computed from a counter: netstat's packets per second), which a double would have
 * taken 64 bits for; then 5 bits: how many columns back (the nearest 32).
 */
const ESCAPE_RATE = 6
const RATE_REACH = 32
/** Differences are kept below this so that zigzag forms stay exact doubles. */
const MAX_DELTA = 2 ** 50
// A time is written as the change of its step: '0' for none, '10' + 7 bits, '110' + 16 bits,
// '1110' + a width and the value, or '1111' + the time's 64 bits when no whole change gives it back.

/** Each column's change since the last row, of the row being written or decoded (NaN when it has none), for rates. */
let changes = new Float64Array(64)

/** Kinds of decoded values beside the scratch. */
const NUMBER = 0
const NULL = 1
const STALE_MARK = 2

/** Where a head's rows are decoded (grown as needed; not kept at the size of an unusually long head). */
const SCRATCH = 16 * 1024
const SCRATCH_KEPT = 1 << 20
let scratch = new Float64Array(SCRATCH)
/** Beside it, what each value is (NUMBER, NULL or STALE_MARK), for heads that hold an absent value. */
let kindScratch = new Uint8Array(SCRATCH)

function scratchOf(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(Math.max(size, scratch.length * 2))
  // A head of unusually many rows or columns grew it: not kept once heads are ordinary again.
  else if (scratch.length > SCRATCH_KEPT && size <= SCRATCH) {
    scratch = new Float64Array(SCRATCH)
    kindScratch = new Uint8Array(SCRATCH)
  }
  return scratch
}

/**
 * The newest samples of one series group, not yet in a chunk, encoded as they come: each time
 * as the change of its step and each value as its difference from its column's last value, in
 * a prefix code of bits, so a fleet's heads of an hour cost about a byte a value rather than
 * the eight of a double — heads were most of what `vigil serve`'s memory grew by over an hour
 * at 1,000 servers (bench/README.md, `fleet.ts`, 2026-12-04). Reading a head decodes it from its
 * first row; cutting it decodes it once and encodes the rows as one chunk (large chunks compress
 * and pack best).
 */
export class GroupHead {
  private readonly bits: HeadBits
  /** Each column's last number (for the next value's difference; 0 before the first), then each column's scale (an index of SCALES, or NO_SCALE). */
  private readonly last: number[]
  /** Whether a value so far was null or stale (most groups' never are: cut() then decodes into typed arrays). */
  private absent = false

  /** Whether the newest row is a staleness marker in every column. */
  private newestStale = false
  private oldestTs = 0
  /**
   * The newest row's time, kept here as well as in the bits: the store compares each new row's
   * time with it, and a fleet's heads are far beyond the caches.
   */
  private newestTs = 0
  private step = 0
  count = 0
  /** The sequence number of the first row (see SeriesStore.append). */
  firstSeq = 0

  /** `pages`: where its bits go (a store's heads share them); clear() gives them back. */
  constructor(
    readonly columns: number,
    readonly capacity: number,
    pages: HeadPages
  ) {
    this.bits = new HeadBits(pages)
    this.last = new Array<number>(2 * columns).fill(0)
  }

  get full(): boolean {
    return this.count === this.capacity
  }

  get firstTs(): number {
    return this.oldestTs
  }

  /** The newest row's time (while the head has rows). */
  get lastTs(): number {
    return this.newestTs
  }

  /** Bytes the rows take (their pages take up to a page more). */
  get byteLength(): number {
    return (this.bits.bitLength + 7) >>> 3
  }

  /** Whether the newest row is a staleness marker in every column: the series ended there. */
  get endsStale(): boolean {
    return this.count > 0 && this.newestStale
  }

  /** Appends a row; the caller cuts a full head first, and keeps times in order. */
  append(ts: number, seq: number, row: readonly SampleValue[]): void {
    const out = this.bits
    if (this.count === 0) {
      this.firstSeq = seq
      this.oldestTs = ts
      this.step = 0
    } else {
      // Kept as the change of the step only when decoding it (the same sums) gives the time back.
      const change = ts - this.newestTs - this.step
      const step = this.step + change
      if (Number.isInteger(change) && Math.abs(change) < MAX_DELTA && this.newestTs + step === ts) {
        writeTimeChange(out, change)
        this.step = step
      } else {
        out.write(0b1111, 4)
        writeDouble(out, ts)
        this.step = ts - this.newestTs
      }
    }
    this.newestTs = ts
    if (changes.length < this.columns) changes = new Float64Array(this.columns)
    let stale = this.columns > 0
    for (let c = 0; c < this.columns; c++) {
      const value = row[c]
      if (typeof value === 'number') {
        stale = false
        this.writeValue(out, c, value)
      } else {
        this.absent = true
        changes[c] = NaN
        if (value !== STALE) stale = false
        out.write((0b11111 << 3) | (value === STALE ? ESCAPE_STALE : ESCAPE_NULL), 8)
      }
    }
    this.newestStale = stale
    this.count++
  }

  /** The rows with times in [start, end], as columns, with their sequence numbers. */
  read(start: number, end: number): { ts: number[]; seq: number[]; columns: SampleValue[][] } {
    const ts: number[] = []
    const seq: number[] = []
    const columns: SampleValue[][] = Array.from({ length: this.columns }, () => [])
    if (this.count === 0 || start > this.newestTs || end < this.oldestTs) return { ts, seq, columns }
    const count = this.count
    const decoded = this.decode()
    for (let i = 0; i < count; i++) {
      const time = decoded[i] as number
      if (time < start || time > end) continue
      ts.push(time)
      seq.push(this.firstSeq + i)
      for (let c = 0, index = count + i; c < this.columns; c++, index += count) (columns[c] as SampleValue[]).push(this.valueOf(decoded, index))
    }
    return { ts, seq, columns }
  }

  /** Forgets every row and gives its pages back: a head let go must be cleared first. */
  clear(): void {
    this.count = 0
    this.bits.reset()
    this.absent = false
    this.newestStale = false
    this.last.fill(0)
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
    if (this.absent) ({ ts, columns } = this.read(-Infinity, Infinity))
    else {
      // Views of the scratch: every value is a number.
      const decoded = this.decode()
      ts = decoded.subarray(0, count)
      columns = Array.from({ length: this.columns }, (_, c) => decoded.subarray((c + 1) * count, (c + 2) * count))
    }
    const chunk = { startTs: this.oldestTs, endTs: this.newestTs, rows: count, firstSeq: this.firstSeq, data: encodeChunk(ts, columns) }
    this.clear()
    return chunk
  }

  /** Writes column c's value: at its scale if it has one there, else at the first scale that holds it, else as a double. */
  private writeValue(out: BitWriter, c: number, value: number): void {
    const last = this.last
    const previous = last[c] as number
    const scale = last[this.columns + c] as number
    last[c] = value
    changes[c] = value - previous
    if (scale !== NO_SCALE) {
      const delta = deltaAt(scale, value, previous)
      if (delta === delta) return writeDelta(out, delta)
    }
    for (let other = 0; other < SCALES.length; other++) {
      if (other === scale) continue
      const delta = deltaAt(other, value, previous)
      if (delta !== delta) continue
      last[this.columns + c] = other
      out.write((0b11111 << 3) | other, 8)
      return writeWidthAndValue(out, zigzag(delta))
    }
    last[this.columns + c] = NO_SCALE
    // A rate: not for a head's first row (no step), nor 0 (a change per second of −0 would pass for it).
    if (this.count > 0 && value === value && value !== 0) {
      const seconds = this.step / 1000
      for (let back = 0; back < RATE_REACH && back < c; back++) {
        if ((changes[c - 1 - back] as number) / seconds !== value) continue
        out.write((0b11111 << 3) | ESCAPE_RATE, 8)
        return out.write(back, 5)
      }
    }
    out.write((0b11111 << 3) | ESCAPE_RAW, 8)
    writeDouble(out, value)
  }

  /**
   * Decodes every row into the scratch, column after column (the times first: `count` numbers
   * each), a null or stale value as its kind in `kinds` (only when `absent`), and returns it: one
   * buffer shared by every head, which the next call overwrites — a fleet cuts tens of
   * thousands of heads, and a buffer each was most of the cut's garbage.
   */
  private decode(): Float64Array {
    const count = this.count
    const columns = this.columns
    const size = count * (columns + 1)
    const out = scratchOf(size)
    if (this.absent && kindScratch.length < size) kindScratch = new Uint8Array(out.length)
    const kinds = kindScratch
    const absent = this.absent
    const input = new BitReader(this.bits.view())
    const last = new Array<number>(2 * columns).fill(0)
    if (changes.length < columns) changes = new Float64Array(columns)
    let ts = this.oldestTs
    let step = 0
    for (let i = 0; i < count; i++) {
      if (i > 0) {
        const word = input.peek32()
        if (word >= 0xf0000000) {
          input.skip(4)
          const time = readDouble(input)
          step = time - ts
          ts = time
        } else {
          step += readTimeChange(input, word)
          ts += step
        }
      }
      out[i] = ts
      for (let c = 0, index = count + i; c < columns; c++, index += count) {
        const word = input.peek32()
        let value: number
        if (word < 0xf8000000) value = valueAt(last[columns + c] as number, readDelta(input, word), last[c] as number)
        else {
          input.skip(8)
          const escape = (word >>> 24) & 7
          if (escape < SCALES.length) {
            last[columns + c] = escape
            value = valueAt(escape, unzigzag(readWidthAndValue(input)), last[c] as number)
          } else if (escape === ESCAPE_RAW) {
            last[columns + c] = NO_SCALE
            value = readDouble(input)
          } else if (escape === ESCAPE_RATE) {
            last[columns + c] = NO_SCALE
            value = (changes[c - 1 - input.read(5)] as number) / (step / 1000)
          } else {
            changes[c] = NaN
            kinds[index] = escape === ESCAPE_STALE ? STALE_MARK : NULL
            continue
          }
        }
        changes[c] = value - (last[c] as number)
        out[index] = last[c] = value
        if (absent) kinds[index] = NUMBER
      }
    }
    return out
  }

  /** The decoded value at `index` of the scratch decode() returned. */
  private valueOf(decoded: Float64Array, index: number): SampleValue {
    if (!this.absent) return decoded[index] as number
    const kind = kindScratch[index]
    return kind === NUMBER ? (decoded[index] as number) : kind === STALE_MARK ? STALE : null
  }
}

/**
 * The difference between `value` and `previous` at SCALES[scale], an integer, or NaN when the
 * value is not one there or the difference does not give it back exactly (−0 never does).
 */
function deltaAt(scale: number, value: number, previous: number): number {
  if (value === 0 && 1 / value < 0) return NaN
  if (scale === 0) {
    const delta = value - previous
    return Number.isInteger(value) && Number.isInteger(delta) && Math.abs(delta) < MAX_DELTA && previous + delta === value ? delta : NaN
  }
  const factor = SCALES[scale] as number
  const scaled = Math.round(value * factor)
  if (scaled / factor !== value) return NaN
  const base = Math.round(previous * factor)
  const delta = scaled - base
  return Math.abs(delta) < MAX_DELTA && (base + delta) / factor === value ? delta : NaN
}

/** The value `delta` from `previous` at SCALES[scale] (as deltaAt made it). */
function valueAt(scale: number, delta: number, previous: number): number {
  if (scale === 0) return previous + delta
  const factor = SCALES[scale] as number
  return (Math.round(previous * factor) + delta) / factor
}

function writeDelta(out: BitWriter, delta: number): void {
  if (delta === 0) return out.writeBit(false)
  const stored = zigzag(delta) - 1
  if (stored < 64) return out.write((0b10 << 6) | stored, 8)
  if (stored < 4096) return out.write((0b110 << 12) | stored, 15)
  if (stored < 1048576) return out.write(0b1110 * 1048576 + stored, 24)
  out.write(0b11110, 5)
  writeWidthAndValue(out, stored)
}

/** Reads what writeDelta wrote; `word` is the next 32 bits, which tell the value's form (not an escape). */
function readDelta(input: BitReader, word: number): number {
  if (word < 0x80000000) {
    input.skip(1)
    return 0
  }
  let stored: number
  if (word < 0xc0000000) {
    stored = (word >>> 24) & 63
    input.skip(8)
  } else if (word < 0xe0000000) {
    stored = (word >>> 17) & 4095
    input.skip(15)
  } else if (word < 0xf0000000) {
    stored = (word >>> 8) & 0xfffff
    input.skip(24)
  } else {
    input.skip(5)
    stored = readWidthAndValue(input)
  }
  return unzigzag(stored + 1)
}

/** A time's change of step: '0' for none, '10' + 7 bits, '110' + 16 bits, '1110' + a width and the value (below 2^51). */
function writeTimeChange(out: BitWriter, change: number): void {
  if (change === 0) return out.writeBit(false)
  const stored = zigzag(change) - 1
  if (stored < 128) return out.write((0b10 << 7) | stored, 9)
  if (stored < 65536) return out.write(0b110 * 65536 + stored, 19)
  out.write(0b1110, 4)
  writeWidthAndValue(out, stored)
}

function readTimeChange(input: BitReader, word: number): number {
  if (word < 0x80000000) {
    input.skip(1)
    return 0
  }
  let stored: number
  if (word < 0xc0000000) {
    stored = (word >>> 23) & 127
    input.skip(9)
  } else if (word < 0xe0000000) {
    stored = (word >>> 13) & 65535
    input.skip(19)
  } else {
    input.skip(4)
    stored = readWidthAndValue(input)
  }
  return unzigzag(stored + 1)
}

/** An unsigned integer below 2^51 as its width in 6 bits, then its bits. */
function writeWidthAndValue(out: BitWriter, value: number): void {
  const width = value < 0x100000000 ? 32 - Math.clz32(value) : 64 - Math.clz32(Math.floor(value / 0x100000000))
  out.write(width, 6)
  out.writeWide(value, width)
}

function readWidthAndValue(input: BitReader): number {
  return input.readWide(input.read(6))
}

function writeDouble(out: BitWriter, value: number): void {
  out.write(highBits(value), 32)
  out.write(lowBitsOfLast(), 32)
}

function readDouble(input: BitReader): number {
  const high = input.read(32)
  return fromBits(high, input.read(32))
}

// Zigzag on doubles (values up to 2^51): arithmetic rather than shifts, which would cut them to 32 bits.

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1
}

function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2
}
