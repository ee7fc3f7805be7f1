// One column of a chunk: the values of one field at the chunk's timestamps, nulls allowed.
//
// Most of what Vigil collects is decimal text (vmstat's integers, iostat's two decimals, ps's
// one): such a column is stored as integers m with value = m / 10^e, as the differences (or
// differences of differences, for counters) between neighbours, in variable-width bits — an
// unchanged value costs one bit. Anything else (rates computed in doubles, NaN, ±Inf, −0) falls
// back to Gorilla's XOR of neighbouring doubles. Both are exact: a value reads back bit for bit
// (a NaN's payload as far as the engine keeps it: float-bits.ts). Rows without a number are null
// or STALE, told apart by a bit each only when the column has some.
import { BitReader, BitWriter, MAX_SIGNED, readSigned, writeSigned } from './bit-stream'
import { holdsExactly, MAX_DECIMAL_PLACES } from './decimal'
import { fromBits, highBits, lowBitsOfLast } from './float-bits'
import { STALE, type SampleValue } from './sample'

const enum Encoding {
  AllNull = 0,
  DecimalDelta = 1,
  DecimalDeltaOfDelta = 2,
  Xor = 3
}

export type ColumnValues = ArrayLike<SampleValue>

/** Scaled integers stay below this, so that their second differences can be written exactly. */
const MAX_SCALED = Math.floor(MAX_SIGNED / 4)

export function encodeColumn(out: BitWriter, values: ColumnValues): void {
  const present: number[] = []
  let stale = false
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (typeof value === 'number') present.push(value)
    else if (value === STALE) stale = true
  }
  if (present.length === 0 && !stale) return out.write(Encoding.AllNull, 2)
  const exponent = present.length === 0 ? 0 : decimalExponent(present)
  const encoding =
    exponent === null ? Encoding.Xor : cheaperDifferences(present, exponent) ? Encoding.DecimalDeltaOfDelta : Encoding.DecimalDelta
  out.write(encoding, 2)
  writePresence(out, values, present.length, stale)
  if (present.length === 0) return
  if (encoding === Encoding.Xor) return writeXor(out, present)
  out.write(exponent as number, 3)
  writeDecimal(out, present, exponent as number, encoding === Encoding.DecimalDeltaOfDelta)
}

export function decodeColumn(input: BitReader, rows: number): SampleValue[] {
  const encoding = input.read(2) as Encoding
  const column = new Array<SampleValue>(rows).fill(null)
  if (encoding === Encoding.AllNull) return column
  const absent = readAbsent(input, rows)
  const count = absent === null ? rows : rows - absent.size
  const present = count === 0 ? [] : encoding === Encoding.Xor ? readXor(input, count) : readDecimal(input, count, encoding === Encoding.DecimalDeltaOfDelta)
  let next = 0
  for (let i = 0; i < rows; i++) column[i] = absent?.has(i) ? (absent.get(i) as null | typeof STALE) : (present[next++] as number)
  return column
}

// --- presence: a bit a row only when some row has no number, and a bit per such row only when
// --- some of them are stale ---------------------------------------------------------------------

function writePresence(out: BitWriter, values: ColumnValues, presentCount: number, stale: boolean): void {
  const hasAbsent = presentCount < values.length
  out.writeBit(hasAbsent)
  if (!hasAbsent) return
  for (let i = 0; i < values.length; i++) out.writeBit(typeof values[i] === 'number')
  out.writeBit(stale)
  if (stale) for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'number') out.writeBit(values[i] === STALE)
}

/** The rows without a number, by index (null or STALE); null when every row has one. */
function readAbsent(input: BitReader, rows: number): Map<number, null | typeof STALE> | null {
  if (!input.readBit()) return null
  const absent = new Map<number, null | typeof STALE>()
  for (let i = 0; i < rows; i++) if (!input.readBit()) absent.set(i, null)
  if (input.readBit()) for (const row of absent.keys()) if (input.readBit()) absent.set(row, STALE)
  return absent
}

// --- decimal ------------------------------------------------------------------------------------

/** The fewest decimal places that hold every value exactly, or null when some value needs more. */
function decimalExponent(values: readonly number[]): number | null {
  let exponent = 0
  for (const value of values) {
    if (!Number.isFinite(value) || Object.is(value, -0)) return null
    while (!holdsExactly(value, exponent, MAX_SCALED)) if (++exponent > MAX_DECIMAL_PLACES) return null
  }
  // A value exact at fewer places is almost always exact at more, but floating point promises
  // nothing: check them all at the chosen exponent.
  for (; exponent <= MAX_DECIMAL_PLACES; exponent++) if (values.every((value) => holdsExactly(value, exponent, MAX_SCALED))) return exponent
  return null
}

/** Whether second differences (counters, steady trends) cost fewer bits than first ones. */
function cheaperDifferences(values: readonly number[], exponent: number): boolean {
  const scale = 10 ** exponent
  let delta = 0
  let deltaOfDelta = 0
  let previous = Math.round((values[0] as number) * scale)
  let previousDelta = 0
  for (let i = 1; i < values.length; i++) {
    const scaled = Math.round((values[i] as number) * scale)
    const d = scaled - previous
    delta += signedCost(d)
    deltaOfDelta += signedCost(d - previousDelta)
    previous = scaled
    previousDelta = d
  }
  return deltaOfDelta < delta
}

/** Bits writeSigned spends on a value (its bucket), without writing it. */
function signedCost(value: number): number {
  if (value === 0) return 1
  const zigzag = value >= 0 ? value * 2 : -value * 2 - 1
  return zigzag <= 64 ? 8 : zigzag <= 4096 ? 15 : zigzag <= 2 ** 20 ? 24 : zigzag <= 2 ** 32 ? 37 : 58
}

function writeDecimal(out: BitWriter, values: readonly number[], exponent: number, secondOrder: boolean): void {
  const scale = 10 ** exponent
  let previous = 0
  let previousDelta = 0
  for (let i = 0; i < values.length; i++) {
    const scaled = Math.round((values[i] as number) * scale)
    const delta = scaled - previous
    writeSigned(out, secondOrder && i > 0 ? delta - previousDelta : delta)
    previous = scaled
    // The first value is written whole; second differences start from the second value.
    previousDelta = i === 0 ? 0 : delta
  }
}

function readDecimal(input: BitReader, count: number, secondOrder: boolean): number[] {
  const exponent = input.read(3)
  const scale = 10 ** exponent
  const values = new Array<number>(count)
  let previous = 0
  let previousDelta = 0
  for (let i = 0; i < count; i++) {
    const read = readSigned(input)
    const delta = secondOrder && i > 0 ? previousDelta + read : read
    previous += delta
    previousDelta = i === 0 ? 0 : delta
    values[i] = previous / scale
  }
  return values
}

// --- XOR (Gorilla) ------------------------------------------------------------------------------

function leadingZeros(high: number, low: number): number {
  return high !== 0 ? Math.clz32(high) : 32 + Math.clz32(low)
}

function trailingZeros(high: number, low: number): number {
  if (low !== 0) return 31 - Math.clz32(low & -low)
  return 32 + (31 - Math.clz32(high & -high))
}

/** Writes bits [trailing, 64 - leading) of the 64-bit value, as `64 - leading - trailing` bits. */
function writeMiddle(out: BitWriter, high: number, low: number, leading: number, trailing: number): void {
  const width = 64 - leading - trailing
  if (trailing >= 32) return out.write(high >>> (trailing - 32), width)
  // Shift the 64-bit value right by `trailing`: the high part keeps what is left of `high`.
  const shiftedHigh = trailing === 0 ? high : high >>> trailing
  const shiftedLow = trailing === 0 ? low : ((low >>> trailing) | (high << (32 - trailing))) >>> 0
  if (width <= 32) return out.write(shiftedLow, width)
  out.write(shiftedHigh, width - 32)
  out.write(shiftedLow, 32)
}

function readMiddle(input: BitReader, leading: number, trailing: number): [high: number, low: number] {
  const width = 64 - leading - trailing
  if (trailing >= 32) return [(input.read(width) * 2 ** (trailing - 32)) >>> 0, 0]
  let shiftedHigh = 0
  let shiftedLow: number
  if (width <= 32) shiftedLow = input.read(width)
  else {
    shiftedHigh = input.read(width - 32)
    shiftedLow = input.read(32)
  }
  if (trailing === 0) return [shiftedHigh >>> 0, shiftedLow >>> 0]
  const high = ((shiftedHigh << trailing) | (shiftedLow >>> (32 - trailing))) >>> 0
  const low = (shiftedLow << trailing) >>> 0
  return [high, low]
}

function writeXor(out: BitWriter, values: readonly number[]): void {
  let previousHigh = highBits(values[0] as number)
  let previousLow = lowBitsOfLast()
  out.write(previousHigh, 32)
  out.write(previousLow, 32)
  let windowLeading = -1
  let windowTrailing = 0
  for (let i = 1; i < values.length; i++) {
    const high = highBits(values[i] as number)
    const low = lowBitsOfLast()
    const xorHigh = (high ^ previousHigh) >>> 0
    const xorLow = (low ^ previousLow) >>> 0
    previousHigh = high
    previousLow = low
    if (xorHigh === 0 && xorLow === 0) {
      out.writeBit(false)
      continue
    }
    out.writeBit(true)
    // Leading zeros are capped at 31 so they fit 5 bits; the meaningful window then starts lower.
    const leading = Math.min(31, leadingZeros(xorHigh, xorLow))
    const trailing = trailingZeros(xorHigh, xorLow)
    if (windowLeading >= 0 && leading >= windowLeading && trailing >= windowTrailing) {
      out.writeBit(false)
      writeMiddle(out, xorHigh, xorLow, windowLeading, windowTrailing)
    } else {
      out.writeBit(true)
      out.write(leading, 5)
      // 1–64 meaningful bits in 6 bits: 64 is written as 0.
      out.write((64 - leading - trailing) & 63, 6)
      writeMiddle(out, xorHigh, xorLow, leading, trailing)
      windowLeading = leading
      windowTrailing = trailing
    }
  }
}

function readXor(input: BitReader, count: number): number[] {
  const values = new Array<number>(count)
  let high = input.read(32)
  let low = input.read(32)
  values[0] = fromBits(high, low)
  let windowLeading = 0
  let windowTrailing = 0
  for (let i = 1; i < count; i++) {
    if (input.readBit()) {
      if (input.readBit()) {
        windowLeading = input.read(5)
        const width = input.read(6) || 64
        windowTrailing = 64 - windowLeading - width
      }
      const [xorHigh, xorLow] = readMiddle(input, windowLeading, windowTrailing)
      high = (high ^ xorHigh) >>> 0
      low = (low ^ xorLow) >>> 0
    }
    values[i] = fromBits(high, low)
  }
  return values
}
