// One column of a chunk: the values of one field at the chunk's timestamps, nulls allowed.
//
// Most of what Vigil collects is decimal text (vmstat's integers, iostat's two decimals, ps's
// one): such a column is stored as integers m with value = m / 10^e, as the differences (or
// differences of differences, for counters; or differences from a steady step) between
// neighbours, in a width fitted to the column (integer-sequence.ts): an unchanged value costs
// one bit. Values computed from other columns are stored as what they were computed from, when
// that gives them back to the bit: a rate from a counter column and the time between rows (as
// the collectors compute rates), an average from a decimal sum and a count column (as roll-ups
// compute averages); rows where it does not hold are kept whole. Anything else (doubles, NaN,
// ±Inf, −0) falls back to Gorilla's XOR of neighbouring doubles. All are exact: a value reads
// back bit for bit (a NaN's payload as far as the engine keeps it: float-bits.ts). Rows without
// a number are null or STALE, told apart by a bit each only when the column has some.
import { BitReader, BitWriter, MAX_SIGNED } from './bit-stream'
import { MAX_DECIMAL_PLACES } from './decimal'
import { fromBits, highBits, lowBitsOfLast } from './float-bits'
import { integersCost, planIntegers, readIntegers, readIntegersInto, sortedMedian, writeIntegers, type IntegersPlan } from './integer-sequence'
import { ROW_NULL, ROW_NUMBER, ROW_STALE } from './columnar-rows'
import { STALE, type SampleValue } from './sample'

const enum Encoding {
  AllNull = 0,
  Decimal = 1,
  Derived = 2,
  Xor = 3
}

const enum Derivation {
  /** (column k − its previous value) ÷ seconds since the previous row. */
  Rate = 0,
  /** (a decimal) ÷ column k. */
  Ratio = 1,
  /** A decimal, written as what is left after predicting it as column k times a factor. */
  Scaled = 2
}

export type ColumnValues = ArrayLike<SampleValue>

/** What a column may be computed from: the chunk's times and the columns before it. */
export interface ColumnContext {
  ts: ArrayLike<number>
  previous: readonly ColumnValues[]
}

/**
 * How many columns back a column's source is looked for. A source is written as its distance
 * (12 bits: any earlier column decodes), but the search tries every candidate, so looking at
 * all of a wide group's columns made its cut quadratic (4,095 columns: 1.7 s for two rows).
 * The collectors' derived columns sit next to their sources; no group they make is this wide.
 */
const MAX_SOURCE_DISTANCE = 64

/** The first earlier column a source is looked for in. */
const firstSource = (columnIndex: number): number => Math.max(0, columnIndex - MAX_SOURCE_DISTANCE)

/** Scaled integers stay below this, so that their second differences can be written exactly. */
const MAX_SCALED = Math.floor(MAX_SIGNED / 4)
const SCALES = Array.from({ length: MAX_DECIMAL_PLACES + 1 }, (_, e) => 10 ** e)

export function encodeColumn(out: BitWriter, values: ColumnValues, context?: ColumnContext): void {
  let present: ArrayLike<number>
  let stale = false
  // A head's column without a gap comes as numbers: read as they are, not copied.
  if (values instanceof Float64Array) present = values
  else {
    const numbers: number[] = []
    for (let i = 0; i < values.length; i++) {
      const value = values[i]
      if (typeof value === 'number') numbers.push(value)
      else if (value === STALE) stale = true
    }
    present = numbers
  }
  if (present.length === 0 && !stale) return out.write(Encoding.AllNull, 2)
  const exponent = present.length === 0 ? 0 : decimalExponent(present)
  if (exponent !== null) {
    const integers = scaledIntegers(present, exponent)
    // Weighed once: the prediction's search compares against it, and the column is written by it.
    const plan = integers.length > 1 ? planIntegers(integers) : undefined
    const predicted = context && plan ? cheapestPrediction(values, integers, exponent, context, plan) : null
    out.write(predicted ? Encoding.Derived : Encoding.Decimal, 2)
    writePresence(out, values, present.length, stale)
    if (present.length === 0) return
    if (predicted) return out.writeBits(predicted)
    out.write(exponent, 3)
    writeIntegers(out, integers, plan)
    return
  }
  const derived = context ? cheapestDerivation(values, present.length, context) : null
  if (derived) {
    out.write(Encoding.Derived, 2)
    writePresence(out, values, present.length, stale)
    out.writeBits(derived)
    return
  }
  out.write(Encoding.Xor, 2)
  writePresence(out, values, present.length, stale)
  writeXor(out, present)
}

export function decodeColumn(input: BitReader, rows: number, context?: ColumnContext): SampleValue[] {
  const encoding = input.read(2) as Encoding
  if (encoding === Encoding.AllNull) return new Array<SampleValue>(rows).fill(null)
  const absent = readAbsent(input, rows)
  // Every row a decimal: the common case, read straight into the column.
  if (absent === null && encoding === Encoding.Decimal) return readDecimal(input, rows)
  const column = new Array<SampleValue>(rows).fill(null)
  const count = absent === null ? rows : rows - absent.size
  if (count === 0) {
    for (const [row, mark] of absent ?? []) column[row] = mark
    return column
  }
  if (encoding === Encoding.Derived) {
    if (!context) throw new RangeError('a derived column needs the columns before it')
    readDerived(input, column, absent, context)
    return column
  }
  const present = encoding === Encoding.Xor ? readXor(input, count) : readDecimal(input, count)
  let next = 0
  for (let i = 0; i < rows; i++) column[i] = absent?.has(i) ? (absent.get(i) as null | typeof STALE) : (present[next++] as number)
  return column
}

/**
 * What decodeColumnInto found: every row a number (`kinds` untouched); `kinds` says which rows
 * hold one (ROW_NUMBER, ROW_NULL, ROW_STALE); or a column computed from others, or of doubles,
 * to be read with decodeColumn instead (the reader is left mid-column).
 */
export type DecodedInto = 'numbers' | 'kinds' | 'unsupported'

/**
 * A column decoded into numbers (`values`, from index 0) and, when some row has none, their
 * kinds — for readers that decode chunk after chunk into the same typed arrays, not an array
 * of values per column. Decimal and all-null columns only, most of what Vigil stores; others
 * are Unsupported.
 */
export function decodeColumnInto(input: BitReader, rows: number, values: Float64Array, kinds: Uint8Array): DecodedInto {
  const encoding = input.read(2) as Encoding
  if (encoding === Encoding.AllNull) {
    kinds.fill(ROW_NULL, 0, rows)
    return 'kinds'
  }
  if (encoding !== Encoding.Decimal) return 'unsupported'
  const absent = readAbsent(input, rows)
  if (absent === null) {
    readIntegersInto(input, rows, SCALES[input.read(3)] as number, values)
    return 'numbers'
  }
  const count = rows - absent.size
  // The present values first (a column without any has no exponent written), then spread out
  // to their rows from the last one back.
  if (count > 0) readIntegersInto(input, count, SCALES[input.read(3)] as number, values)
  let next = count - 1
  for (let i = rows - 1; i >= 0; i--) {
    const mark = absent.get(i)
    if (mark === undefined) {
      values[i] = values[next--] as number
      kinds[i] = ROW_NUMBER
    } else {
      values[i] = 0
      kinds[i] = mark === STALE ? ROW_STALE : ROW_NULL
    }
  }
  return 'kinds'
}

/**
 * Whether a column holds STALE in some row, read from its encoding and presence bits alone
 * (its values are not decoded).
 */
export function holdsStale(input: BitReader, rows: number): boolean {
  if ((input.read(2) as Encoding) === Encoding.AllNull) return false
  const absent = readAbsent(input, rows)
  if (absent === null) return false
  for (const mark of absent.values()) if (mark === STALE) return true
  return false
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
function decimalExponent(values: ArrayLike<number>): number | null {
  let exponent = 0
  let scale = 1
  // The values from this one on were found exact at the current exponent.
  let settledFrom = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (!Number.isFinite(value) || Object.is(value, -0)) return null
    if (exactAt(value, scale)) continue
    do {
      if (++exponent > MAX_DECIMAL_PLACES) return null
      scale = SCALES[exponent] as number
    } while (!exactAt(value, scale))
    settledFrom = i
  }
  // A value exact at fewer places is almost always exact at more, but floating point promises
  // nothing: check the values before the last rise at the chosen exponent (and all at any later one).
  let from = settledFrom
  for (; exponent <= MAX_DECIMAL_PLACES; exponent++, from = values.length) {
    scale = SCALES[exponent] as number
    let exact = true
    for (let i = 0; i < from && exact; i++) exact = exactAt(values[i] as number, scale)
    if (exact) return exponent
  }
  return null
}

/** Whether `value` is exactly an integer within ±MAX_SCALED divided by `scale` (10^places; decimal.ts's holdsExactly without the power). */
function exactAt(value: number, scale: number): boolean {
  const scaled = Math.round(value * scale)
  return Math.abs(scaled) <= MAX_SCALED && scaled / scale === value
}

/** The column's values as integers, in a view of a buffer the next column's overwrite. */
function scaledIntegers(values: ArrayLike<number>, exponent: number): Float64Array {
  const scale = SCALES[exponent] as number
  const count = values.length
  if (integerScratch.length < count || (integerScratch.length > INTEGER_SCRATCH_KEPT && count <= INTEGER_SCRATCH)) integerScratch = new Float64Array(Math.max(count, INTEGER_SCRATCH))
  const integers = integerScratch.subarray(0, count)
  for (let i = 0; i < count; i++) integers[i] = Math.round((values[i] as number) * scale)
  return integers
}

/**
 * scaledIntegers' buffer, reused from column to column. An array per column was garbage, and
 * arrays of small integers, of larger ones and typed arrays by turns made every read of the
 * integer sequences' values (integer-sequence.ts) a lookup by kind, which boxed each value read
 * from a typed array: most of the cut's garbage.
 */
const INTEGER_SCRATCH = 1024
const INTEGER_SCRATCH_KEPT = 1 << 16
let integerScratch = new Float64Array(INTEGER_SCRATCH)

function readDecimal(input: BitReader, count: number): number[] {
  return readIntegers(input, count, SCALES[input.read(3)] as number)
}

// --- derived: a rate of a counter, an average of a sum ------------------------------------------

/** Whether a derived value is `value` to the bit (zeros of the same sign; never NaN: kept whole). */
const same = (derived: number, value: number): boolean => derived === value && Object.is(derived, value)

function rateAt(context: ColumnContext, source: ColumnValues, i: number): number | null {
  if (i === 0) return null
  const now = source[i]
  const before = source[i - 1]
  const seconds = ((context.ts[i] as number) - (context.ts[i - 1] as number)) / 1000
  return typeof now === 'number' && typeof before === 'number' && seconds > 0 ? (now - before) / seconds : null
}

/** The decimal m (at `places`) such that m / 10^places / divisor is `value`, or null. */
function ratioNumerator(value: number, divisor: SampleValue, places: number): number | null {
  if (typeof divisor !== 'number' || !Number.isFinite(divisor) || divisor === 0 || !Number.isFinite(value)) return null
  const scale = SCALES[places] as number
  // + 0: a −0 numerator would be written (and read back) as 0.
  const m = Math.round(value * divisor * scale) + 0
  return Math.abs(m) <= MAX_SCALED && same(m / scale / divisor, value) ? m : null
}

/**
 * The cheapest way of writing a non-decimal column as derived from an earlier one, encoded
 * (derivation, source, exceptions, numerators), or null when none beats XOR.
 */
function cheapestDerivation(values: ColumnValues, presentCount: number, context: ColumnContext): BitWriter | null {
  const xorBits = presentCount * 40
  let best: BitWriter | null = null
  const columnIndex = context.previous.length
  for (let k = firstSource(columnIndex); k < columnIndex; k++) {
    const source = context.previous[k] as ColumnValues
    for (const derivation of [Derivation.Rate, Derivation.Ratio]) {
      const candidate = derive(values, presentCount, context, source, derivation, columnIndex - k)
      if (candidate && candidate.bitLength < (best?.bitLength ?? xorBits)) best = candidate
    }
  }
  return best
}

function derive(values: ColumnValues, presentCount: number, context: ColumnContext, source: ColumnValues, derivation: Derivation, distance: number): BitWriter | null {
  const exceptions: number[] = []
  const flags: boolean[] = []
  const numerators: number[] = []
  // An average's numerator needs the most places any row's does (0.5 ÷ 2 needs one, 0 ÷ 2 none).
  let places = -1
  if (derivation === Derivation.Ratio) {
    // A row no places hold is an exception at any places: once they alone are too many, the
    // loop below would give up too (most columns are not an average of this one).
    let hopeless = 0
    for (let i = 0; i < values.length; i++) {
      const value = values[i]
      if (typeof value !== 'number') continue
      let found = false
      for (let p = 0; p <= MAX_DECIMAL_PLACES; p++) {
        if (ratioNumerator(value, source[i] ?? null, p) === null) continue
        if (p > places) places = p
        found = true
        break
      }
      if (!found && ++hopeless > 4 && hopeless * 4 > presentCount) return null
    }
    if (places < 0) return null
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (typeof value !== 'number') continue
    let holds: boolean
    if (derivation === Derivation.Rate) {
      const rate = rateAt(context, source, i)
      holds = rate !== null && same(rate, value)
    } else {
      const m = ratioNumerator(value, source[i] ?? null, places)
      holds = m !== null
      if (m !== null) numerators.push(m)
    }
    flags.push(!holds)
    if (!holds) exceptions.push(value)
    // Mostly exceptions: not worth it (and not worth finishing).
    if (exceptions.length > 4 && exceptions.length * 4 > presentCount) return null
  }
  if (exceptions.length === presentCount) return null
  const out = new BitWriter(64 + presentCount)
  out.write(derivation, 2)
  out.write(distance, 12)
  out.writeBit(exceptions.length > 0)
  if (exceptions.length > 0) for (const flag of flags) out.writeBit(flag)
  if (derivation === Derivation.Ratio) {
    out.write(places, 3)
    writeIntegers(out, numerators)
  }
  for (const value of exceptions) {
    out.write(highBits(value), 32)
    out.write(lowBitsOfLast(), 32)
  }
  return out
}

/** A decimal column's scaled integer predicted from another column's value. */
function prediction(source: SampleValue | undefined, factor: number): number {
  return typeof source === 'number' && Number.isFinite(source) ? Math.round(source * factor) : 0
}

/** cheapestPrediction's residuals (of the candidate tried and of the best), reused. */
const RESIDUAL_SCRATCH = 1024
const RESIDUAL_SCRATCH_KEPT = 1 << 16
let residualScratch: Float64Array[] = [new Float64Array(RESIDUAL_SCRATCH), new Float64Array(RESIDUAL_SCRATCH)]

/** cheapestPrediction's ratios, reused (it runs for every noisy column of every chunk). */
let ratioScratch = new Float64Array(64)

/**
 * A noisy decimal column written as what is left after predicting it from an earlier column
 * times a factor (iostat's kB/s from its kB in the interval: both printed from one count), as
 * (derivation, source, exponent, factor, residuals), when that beats the column on its own.
 */
function cheapestPrediction(values: ColumnValues, integers: Float64Array, exponent: number, context: ColumnContext, plan: IntegersPlan): BitWriter | null {
  const own = integersCost(integers, plan)
  // Only columns that cost more than a byte a value are worth the search.
  if (own < 8 * integers.length) return null
  let best: { bits: number; distance: number; factor: number; residuals: Float64Array; plan: IntegersPlan } | null = null
  // Residuals of the candidate tried, and of the best so far: two buffers that swap roles.
  // Sized for the chunk (720 rows by default); a bulk chunk's larger ones are not kept.
  const scratchLength = (residualScratch[0] as Float64Array).length
  if (scratchLength < integers.length || (scratchLength > RESIDUAL_SCRATCH_KEPT && integers.length <= RESIDUAL_SCRATCH)) {
    const length = Math.max(integers.length, RESIDUAL_SCRATCH)
    residualScratch = [new Float64Array(length), new Float64Array(length)]
  }
  let [candidate, kept] = residualScratch as [Float64Array, Float64Array]
  const columnIndex = context.previous.length
  for (let k = firstSource(columnIndex); k < columnIndex; k++) {
    const source = context.previous[k] as ColumnValues
    // The factor: the median ratio over (up to) 31 rows spread over the chunk.
    // At most about 62 ratios (every n/31-th of n); sized for the column to be sure.
    if (ratioScratch.length < integers.length || (ratioScratch.length > RESIDUAL_SCRATCH_KEPT && integers.length <= RESIDUAL_SCRATCH)) {
      ratioScratch = new Float64Array(Math.max(integers.length, 64))
    }
    const ratios = ratioScratch
    let count = 0
    let paired = 0
    let r = 0
    const every = Math.max(1, Math.floor(integers.length / 31))
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') continue
      const from = source[i]
      if (typeof from === 'number' && Number.isFinite(from) && from !== 0) {
        if (paired++ % every === 0) ratios[count++] = (integers[r] as number) / from
      }
      r++
    }
    if (paired < integers.length / 2) continue
    const factor = sortedMedian(ratios, count)
    if (!Number.isFinite(factor) || factor === 0) continue
    const residuals = candidate.subarray(0, integers.length)
    let writable = true
    r = 0
    for (let i = 0; i < values.length && writable; i++) {
      if (typeof values[i] !== 'number') continue
      // Residuals within the bound decimals keep, so that their differences are writable too.
      const residual = (integers[r] as number) - prediction(source[i], factor)
      if (Math.abs(residual) > MAX_SCALED) writable = false
      residuals[r++] = residual
    }
    if (!writable) continue
    const residualsPlan = planIntegers(residuals)
    const bits = integersCost(residuals, residualsPlan) + 64 + 17
    if (bits < (best?.bits ?? own)) {
      best = { bits, distance: columnIndex - k, factor, residuals, plan: residualsPlan }
      ;[candidate, kept] = [kept, candidate]
    }
  }
  if (!best) return null
  const out = new BitWriter(16 + best.bits / 8)
  out.write(Derivation.Scaled, 2)
  out.write(best.distance, 12)
  out.write(exponent, 3)
  out.write(highBits(best.factor), 32)
  out.write(lowBitsOfLast(), 32)
  writeIntegers(out, best.residuals, best.plan)
  return out
}

function readDerived(input: BitReader, column: SampleValue[], absent: ReadonlyMap<number, null | typeof STALE> | null, context: ColumnContext): void {
  const derivation = input.read(2) as Derivation
  const source = context.previous[context.previous.length - input.read(12)] as ColumnValues
  const rows: number[] = []
  for (let i = 0; i < column.length; i++) {
    if (absent?.has(i)) column[i] = absent.get(i) as null | typeof STALE
    else rows.push(i)
  }
  if (derivation === Derivation.Scaled) {
    const scale = SCALES[input.read(3)] as number
    const factor = fromBits(input.read(32), input.read(32))
    const residuals = readIntegers(input, rows.length)
    rows.forEach((i, r) => (column[i] = ((residuals[r] as number) + prediction(source[i], factor)) / scale))
    return
  }
  const flags = input.readBit() ? rows.map(() => input.readBit()) : rows.map(() => false)
  const derivedCount = flags.filter((flag) => !flag).length
  let numerators: number[] = []
  let scale = 1
  if (derivation === Derivation.Ratio) {
    scale = SCALES[input.read(3)] as number
    numerators = readIntegers(input, derivedCount)
  }
  let next = 0
  rows.forEach((i, r) => {
    if (flags[r]) column[i] = fromBits(input.read(32), input.read(32))
    else if (derivation === Derivation.Rate) column[i] = rateAt(context, source, i)
    else column[i] = (numerators[next++] as number) / scale / (source[i] as number)
  })
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

function writeXor(out: BitWriter, values: ArrayLike<number>): void {
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
