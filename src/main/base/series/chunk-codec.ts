// A chunk: the samples of one series group (fields that share timestamps, such as one server's
// vmstat columns) over a stretch of time, as one bit stream — the row count, the timestamps as
// differences of differences (a steady interval costs one bit a row), then each column.
import { BitReader, BitWriter, readSigned, writeSigned } from './bit-stream'
import { decodeColumn, encodeColumn, type ColumnValues } from './column-codec'
import type { SampleValue } from './sample'

/** Format of the chunk's bit stream, first in every chunk, so a later layout can be told apart. */
const FORMAT = 1
const MAX_ROWS = 2 ** 24 - 1

export interface DecodedChunk {
  /** Milliseconds since the epoch, ascending (equal times allowed). */
  ts: number[]
  /** One array per column, aligned with ts. */
  columns: SampleValue[][]
}

export function encodeChunk(ts: ArrayLike<number>, columns: readonly ColumnValues[]): Uint8Array {
  const rows = ts.length
  if (rows === 0 || rows > MAX_ROWS) throw new RangeError(`a chunk holds 1 to ${MAX_ROWS} rows, not ${rows}`)
  const out = new BitWriter(16 + rows * (1 + columns.length))
  out.write(FORMAT, 4)
  out.write(rows, 24)
  out.write(columns.length, 12)
  let previous = 0
  let previousDelta = 0
  for (let i = 0; i < rows; i++) {
    const time = ts[i] as number
    if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`timestamp ${time} is not a whole number of milliseconds`)
    const delta = time - previous
    if (i > 0 && delta < 0) throw new RangeError('timestamps must not go backwards within a chunk')
    writeSigned(out, i === 0 ? time : delta - previousDelta)
    previous = time
    previousDelta = i === 0 ? 0 : delta
  }
  for (const column of columns) {
    if (column.length !== rows) throw new RangeError('every column needs one value (or null) per timestamp')
    encodeColumn(out, column)
  }
  return out.finish()
}

export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  const input = new BitReader(bytes)
  const format = input.read(4)
  if (format !== FORMAT) throw new RangeError(`unknown chunk format ${format}`)
  const rows = input.read(24)
  const columnCount = input.read(12)
  const ts = new Array<number>(rows)
  let previous = 0
  let previousDelta = 0
  for (let i = 0; i < rows; i++) {
    const read = readSigned(input)
    const delta = i === 0 ? read : previousDelta + read
    previous = i === 0 ? read : previous + delta
    previousDelta = i === 0 ? 0 : delta
    ts[i] = previous
  }
  const columns: SampleValue[][] = []
  for (let c = 0; c < columnCount; c++) columns.push(decodeColumn(input, rows))
  return { ts, columns }
}
