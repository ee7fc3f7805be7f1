// A chunk: the samples of one series group (fields that share timestamps, such as one server's
// vmstat columns) over a stretch of time, as one bit stream — the row count, the timestamps as
// an integer sequence (a steady interval costs one bit a row), then each column, which may be
// written as computed from the timestamps and the columns before it (column-codec.ts).
import { BitReader, BitWriter } from './bit-stream'
import { ROW_NULL, type ColumnarRows } from './columnar-rows'
import { decodeColumn, decodeColumnInto, encodeColumn, holdsStale, type ColumnValues } from './column-codec'
import { readIntegers, readIntegersInto, writeIntegers } from './integer-sequence'
import type { SampleValue } from './sample'

/** Format of the chunk's bit stream, first in every chunk, so a later layout can be told apart. */
const FORMAT = 2
const MAX_ROWS = 2 ** 24 - 1
/** A chunk's column count takes 12 bits: a group may have no more columns than this. */
export const MAX_CHUNK_COLUMNS = 2 ** 12 - 1

const CHUNK_WRITER_BYTES = 1 << 16
/** A writer grown past this by a large chunk (a bulk import's) is not kept for the next one. */
const CHUNK_WRITER_KEPT_BYTES = 1 << 20

/**
 * The bits of the chunk being encoded, in one buffer reused from chunk to chunk (encoding is
 * synchronous): a fleet cuts tens of thousands of chunks, and a buffer each, outside the
 * JavaScript heap, was garbage that pushed the collector; finish() copies the chunk out.
 */
let chunkWriter = new BitWriter(CHUNK_WRITER_BYTES)

/**
 * The last chunk's times and their bits. Chunks are cut and parts made group after group, and
 * the groups of one server (its vmstat, disks, interfaces, processes) most often share their
 * times: their bits are copied rather than planned and written again (in ingest.ts 1000 × 41,
 * 42 % of the chunks cut by close(), and 8 % less CPU for the cut). A copy of the times is
 * kept, not the caller's array (a head's are a view of a buffer the next head overwrites).
 */
class LastTimes {
  private readonly ts = new Float64Array(TIMES_KEPT)
  private count = 0
  private readonly bits = new BitWriter(TIMES_KEPT)

  /** The bits of `ts` (at most TIMES_KEPT, checked) as an integer sequence, valid until the next call. */
  bitsOf(ts: ArrayLike<number>): BitWriter {
    if (this.holds(ts)) return this.bits
    checkTimes(ts)
    // Forgotten first: times that fail to encode leave nothing to be taken for theirs.
    this.count = 0
    this.bits.reset()
    writeIntegers(this.bits, ts)
    for (let i = 0; i < ts.length; i++) this.ts[i] = ts[i] as number
    this.count = ts.length
    return this.bits
  }

  private holds(ts: ArrayLike<number>): boolean {
    if (ts.length !== this.count) return false
    // From the newest back: a head a row behind or ahead of the last differs there first.
    for (let i = ts.length - 1; i >= 0; i--) if (ts[i] !== this.ts[i]) return false
    return true
  }
}

/** LastTimes keeps the times of chunks of up to this many rows (a head holds 720 by default); longer ones (a bulk import's) are written as they come. */
const TIMES_KEPT = 1024
const lastTimes = new LastTimes()

/** Writes a chunk's times, after its header. */
function writeTimes(out: BitWriter, ts: ArrayLike<number>): void {
  if (ts.length <= TIMES_KEPT) return out.writeBits(lastTimes.bitsOf(ts))
  checkTimes(ts)
  writeIntegers(out, ts)
}

function checkTimes(ts: ArrayLike<number>): void {
  for (let i = 0; i < ts.length; i++) {
    const time = ts[i] as number
    if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`timestamp ${time} is not a whole number of milliseconds`)
    if (i > 0 && time < (ts[i - 1] as number)) throw new RangeError('timestamps must not go backwards within a chunk')
  }
}

export interface DecodedChunk {
  /** Milliseconds since the epoch, ascending (equal times allowed). */
  ts: number[]
  /** One array per column, aligned with ts. */
  columns: SampleValue[][]
}

export function encodeChunk(ts: ArrayLike<number>, columns: readonly ColumnValues[]): Uint8Array {
  const bytes = writeChunk(ts, columns).finish()
  // A buffer grown for a wide chunk is let go rather than kept for every chunk after it.
  if (chunkWriter.capacityBytes > CHUNK_WRITER_KEPT_BYTES) chunkWriter = new BitWriter(CHUNK_WRITER_BYTES)
  return bytes
}

/** Writes the chunk into the shared writer, and returns it. */
function writeChunk(ts: ArrayLike<number>, columns: readonly ColumnValues[]): BitWriter {
  const rows = ts.length
  if (rows === 0 || rows > MAX_ROWS) throw new RangeError(`a chunk holds 1 to ${MAX_ROWS} rows, not ${rows}`)
  if (columns.length > MAX_CHUNK_COLUMNS) throw new RangeError(`a chunk holds at most ${MAX_CHUNK_COLUMNS} columns, not ${columns.length}`)
  const out = chunkWriter
  out.reset()
  out.write(FORMAT, 4)
  out.write(rows, 24)
  out.write(columns.length, 12)
  writeTimes(out, ts)
  // The columns before the one encoded: one array, grown column by column (not a copy each).
  const previous: ColumnValues[] = []
  const context = { ts, previous }
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c] as ColumnValues
    if (column.length !== rows) throw new RangeError('every column needs one value (or null) per timestamp')
    encodeColumn(out, column, context)
    previous.push(column)
  }
  return out
}

export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  const { input, rows, columnCount, ts } = readTimes(bytes)
  const columns: SampleValue[][] = []
  for (let c = 0; c < columnCount; c++) columns.push(decodeColumn(input, rows, { ts, previous: columns }))
  return { ts, columns }
}

/**
 * A chunk decoded into `into`'s typed arrays (reused from chunk to chunk), rather than arrays
 * of values; a column the chunk lacks reads as null. Columns computed from others, or written
 * as doubles, are decoded by decodeChunk and copied.
 */
export function decodeChunkInto(bytes: Uint8Array, into: ColumnarRows): void {
  const input = new BitReader(bytes)
  const format = input.read(4)
  if (format !== FORMAT) throw new RangeError(`unknown chunk format ${format}`)
  const rows = input.read(24)
  const columnCount = input.read(12)
  into.reset(rows)
  readIntegersInto(input, rows, 1, into.ts)
  for (let c = 0; c < into.columnCount; c++) {
    if (c >= columnCount) {
      into.kindsOf(c).fill(ROW_NULL, 0, rows)
      continue
    }
    const found = decodeColumnInto(input, rows, into.values[c] as Float64Array, into.kindsOf(c))
    if (found === 'unsupported') {
      const decoded = decodeChunk(bytes)
      into.copyFrom(decoded, 0, rows)
      return
    }
    if (found === 'numbers') into.kinds[c] = null
  }
}

/**
 * A chunk's times, and whether its first column holds STALE — so whether some row may be a
 * staleness marker (isStaleRow) — without decoding its values: enough to count its rows.
 */
export function decodeTimes(bytes: Uint8Array): { ts: number[]; mayHoldStaleRows: boolean } {
  const { input, rows, columnCount, ts } = readTimes(bytes)
  return { ts, mayHoldStaleRows: columnCount > 0 && holdsStale(input, rows) }
}

/** The chunk's header and times, and the reader left at its first column. */
function readTimes(bytes: Uint8Array): { input: BitReader; rows: number; columnCount: number; ts: number[] } {
  const input = new BitReader(bytes)
  const format = input.read(4)
  if (format !== FORMAT) throw new RangeError(`unknown chunk format ${format}`)
  const rows = input.read(24)
  const columnCount = input.read(12)
  return { input, rows, columnCount, ts: readIntegers(input, rows) }
}
