// A sequence of integers (scaled decimals, timestamps, sums) in about as few bits as its
// neighbours' differences need. Each sequence is written as the first value, then residuals in
// one of four forms, whichever is smallest: differences (a gauge), differences of differences
// (a counter, a steady clock), differences from one step (a clock with jitter), or the values
// themselves (what is left of a column after a prediction). Residuals
// are written in a width fitted to the sequence: 0 in one bit, one that fits `width` bits in
// 2 + width, anything larger escaped (2 + writeSigned). Noisy decimals then cost a few bits
// less a value than with fixed buckets, steady ones still a bit.
import { type BitReader, type BitWriter, readSigned, writeSigned } from './bit-stream'

const enum Form {
  Delta = 0,
  DeltaOfDelta = 1,
  Step = 2,
  /** The values themselves (noise around zero: what is left after a prediction). */
  Whole = 3
}

const MAX_WIDTH = 31

/** Bits writeSigned spends on a value, without writing it. */
function signedCost(value: number): number {
  if (value === 0) return 1
  const stored = (value >= 0 ? value * 2 : -value * 2 - 1) - 1
  return stored < 64 ? 8 : stored < 4096 ? 15 : stored < 1048576 ? 24 : stored < 2 ** 32 ? 37 : 58
}

/** What writeSigned spends on a non-zero value whose zigzag form less one has `length` bits. */
const ESCAPE_BITS = Array.from({ length: 64 }, (_, length) => 2 + (length <= 6 ? 8 : length <= 12 ? 15 : length <= 20 ? 24 : length <= 32 ? 37 : 58))

/** Bits needed for a non-negative integer (0 for 0). */
function bitLength(value: number): number {
  return value < 2 ** 31 ? 32 - Math.clz32(value) : Math.ceil(Math.log2(value + 1))
}

const zigzagLess1 = (value: number): number => (value > 0 ? value * 2 : -value * 2 - 1) - 1

const FORMS = [Form.Delta, Form.DeltaOfDelta, Form.Step, Form.Whole] as const

/** The residual of row i (≥ 1) in a form. */
function residualOf(form: Form, value: number, delta: number, previousDelta: number, step: number): number {
  return form === Form.Whole ? value : form === Form.Delta ? delta : form === Form.Step ? delta - step : delta - previousDelta
}

/** The step of the Step form: the median of (up to) 15 differences spread over the sequence. */
function sampledStep(values: ArrayLike<number>): number {
  const n = values.length - 1
  const picks = Math.min(15, n)
  const sample = stepSample
  for (let j = 0; j < picks; j++) {
    const i = 1 + Math.floor((j * n) / picks)
    sample[j] = (values[i] as number) - (values[i - 1] as number)
  }
  return sortedMedian(sample, picks)
}

/** sampledStep's differences: one array for every call (this runs for every column of every chunk). */
const stepSample = new Float64Array(15)

/**
 * The median (the element at count >> 1 once sorted ascending) of `values[0, count)`, which it
 * sorts in place: an insertion sort, stable as Array.prototype.sort with (a, b) => a − b is, so
 * that the same element is picked, but without the copy that sort allocates on every call.
 * For the few dozen values of a sample; none may be NaN.
 */
export function sortedMedian(values: Float64Array, count: number): number {
  for (let i = 1; i < count; i++) {
    const value = values[i] as number
    let j = i - 1
    while (j >= 0 && (values[j] as number) > value) {
      values[j + 1] = values[j] as number
      j--
    }
    values[j + 1] = value
  }
  return values[count >> 1] as number
}

/** How writeIntegers writes a sequence (its step, form and width), and about the bits it spends. */
export interface IntegersPlan {
  step: number
  form: Form
  width: number
  bits: number
}

/** The cheapest form and width for the sequence (one pass over it), and their bits. */
function bestEncoding(values: ArrayLike<number>, step: number): { form: Form; width: number; bits: number } {
  // Per form: zeros, and non-zero residuals by the bit length of their zigzag form less one.
  // The four forms are tallied side by side, written out: this runs for every column of every
  // chunk cut (and for each prediction tried), so it is a good part of the ingest path. A
  // zero's count goes to slot 63 of its form (no residual of 2^52 or less is 63 bits long):
  // one branch-free increment per form and row.
  const counts = tallies
  counts.fill(0)
  let previous = values[0] as number
  let previousDelta = 0
  // The longest residual of any form (zeros aside): no width past it can cost less, so the
  // search below stops there — a head's small parts would otherwise spend most of their
  // planning on widths nothing needs.
  let longest = 0
  for (let i = 1; i < values.length; i++) {
    const value = values[i] as number
    const delta = value - previous
    const ofDelta = delta - previousDelta
    const fromStep = delta - step
    const deltaSlot = lengthSlot(delta)
    const deltaAt = Form.Delta * 64 + deltaSlot
    counts[deltaAt] = (counts[deltaAt] as number) + 1
    const deltaOfDeltaSlot = lengthSlot(ofDelta)
    const deltaOfDeltaAt = Form.DeltaOfDelta * 64 + deltaOfDeltaSlot
    counts[deltaOfDeltaAt] = (counts[deltaOfDeltaAt] as number) + 1
    const stepSlot = lengthSlot(fromStep)
    const stepAt = Form.Step * 64 + stepSlot
    counts[stepAt] = (counts[stepAt] as number) + 1
    const wholeSlot = lengthSlot(value)
    const wholeAt = Form.Whole * 64 + wholeSlot
    counts[wholeAt] = (counts[wholeAt] as number) + 1
    if (deltaSlot !== ZERO_SLOT && deltaSlot > longest) longest = deltaSlot
    if (deltaOfDeltaSlot !== ZERO_SLOT && deltaOfDeltaSlot > longest) longest = deltaOfDeltaSlot
    if (stepSlot !== ZERO_SLOT && stepSlot > longest) longest = stepSlot
    if (wholeSlot !== ZERO_SLOT && wholeSlot > longest) longest = wholeSlot
    previous = value
    previousDelta = delta
  }
  let bestForm: Form = Form.Delta
  let bestWidth = 0
  let bestBits = Infinity
  // Past the longest residual every one fits and none is escaped: wider only costs more.
  const widest = Math.min(longest, MAX_WIDTH)
  for (const form of FORMS) {
    // bits(width) = zeros + (2 + width) × (residuals that fit) + (escapes of the rest).
    let escaped = 0
    for (let length = 0; length <= longest; length++) escaped += (counts[form * 64 + length] as number) * (ESCAPE_BITS[length] as number)
    let fitting = 0
    const extra = (counts[form * 64 + ZERO_SLOT] as number) + (form === Form.Step ? signedCost(step) : 0)
    for (let width = 0; width <= widest; width++) {
      const count = counts[form * 64 + width] as number
      fitting += count
      escaped -= count * (ESCAPE_BITS[width] as number)
      const bits = extra + (2 + width) * fitting + escaped
      if (bits < bestBits) {
        bestForm = form
        bestWidth = width
        bestBits = bits
      }
    }
  }
  return { form: bestForm, width: bestWidth, bits: bestBits }
}

/**
 * bestEncoding's counts, reused: a typed array of this size lives outside the JavaScript heap,
 * and allocating one per column (hundreds of thousands a cut) cost more than filling it.
 */
const tallies = new Int32Array(4 * 64)

/** Where a residual is counted: ZERO_SLOT for 0, else the bit length of its zigzag form less one. */
const ZERO_SLOT = 63

function lengthSlot(residual: number): number {
  // Most residuals are small: their zigzag form less one in 32-bit integer operations.
  if (residual > 0 && residual < 0x40000000) return 32 - Math.clz32(residual * 2 - 1)
  if (residual < 0 && residual > -0x40000000) return 32 - Math.clz32(-residual * 2 - 2)
  return residual === 0 ? ZERO_SLOT : bitLength(zigzagLess1(residual))
}

/** How writeIntegers would write `values` (at least two), found without writing them. */
export function planIntegers(values: ArrayLike<number>): IntegersPlan {
  const step = sampledStep(values)
  return { step, ...bestEncoding(values, step) }
}

/** About the bits writeIntegers would spend on `values`, without writing them (`plan`: planIntegers' of them, if known). */
export function integersCost(values: ArrayLike<number>, plan?: IntegersPlan): number {
  const first = signedCost((values[0] as number | undefined) ?? 0)
  return values.length < 2 ? first : first + 7 + (plan ?? planIntegers(values)).bits
}

/**
 * Writes integers (each within ±MAX_SIGNED / 4, so every residual is writable); `plan` is
 * planIntegers' of the same values, when the caller has it already (it weighed their cost).
 */
export function writeIntegers(out: BitWriter, values: ArrayLike<number>, plan?: IntegersPlan): void {
  writeSigned(out, values[0] as number)
  if (values.length < 2) return
  const { step, form, width } = plan ?? planIntegers(values)
  out.write(form, 2)
  if (form === Form.Step) writeSigned(out, step)
  out.write(width, 5)
  const limit = 2 ** width
  let previousDelta = 0
  for (let i = 1; i < values.length; i++) {
    const value = values[i] as number
    const delta = value - (values[i - 1] as number)
    const residual = residualOf(form, value, delta, previousDelta, step)
    previousDelta = delta
    if (residual === 0) {
      out.writeBit(false)
      continue
    }
    const stored = zigzagLess1(residual)
    if (stored < limit) {
      if (width <= 30) out.write(2 * limit + stored, width + 2)
      else {
        out.write(0b10, 2)
        out.write(stored, width)
      }
    } else {
      out.write(0b11, 2)
      writeSigned(out, residual)
    }
  }
}

/** Reads `count` integers, each divided by `scale` as it is read (a decimal column's values). */
export function readIntegers(input: BitReader, count: number, scale = 1): number[] {
  const values = new Array<number>(count)
  if (count === 0) return values
  if (integerScratch.length < count) integerScratch = new Float64Array(Math.max(count, integerScratch.length * 2))
  const read = integerScratch
  readIntegersInto(input, count, scale, read)
  for (let i = 0; i < count; i++) values[i] = read[i] as number
  if (integerScratch.length > INTEGER_SCRATCH_KEPT) integerScratch = new Float64Array(INTEGER_SCRATCH)
  return values
}

/** readIntegers' values before they are copied out: one array for every call (reading is synchronous). */
const INTEGER_SCRATCH = 1024
const INTEGER_SCRATCH_KEPT = 1 << 16
let integerScratch = new Float64Array(INTEGER_SCRATCH)

/**
 * Reads `count` integers into `out` from index 0, each divided by `scale` as it is read: for
 * readers that decode chunk after chunk into the same arrays (process aggregation), and
 * readIntegers.
 */
export function readIntegersInto(input: BitReader, count: number, scale: number, out: Float64Array): void {
  if (count === 0) return
  let previous = readSigned(input)
  out[0] = previous / scale
  if (count < 2) return
  const form = input.read(2) as Form
  const step = form === Form.Step ? readSigned(input) : 0
  const width = input.read(5)
  // Most residuals are a 0 bit or `10` and `width` bits, which 32 bits peeked at once hold:
  // one read of the stream a value, where bit-by-bit reading took three. The field is the top
  // `width` bits of the 31 that follow the prefix's second bit (a shift by 32 would be by 0).
  const fitsPeek = width <= 30
  const fieldShift = 31 - width
  let previousDelta = 0
  for (let i = 1; i < count; i++) {
    let residual = 0
    const word = input.peek32()
    if (word < 0x80000000) input.skip(1)
    else if (word >= 0xc0000000) {
      input.skip(2)
      residual = readSigned(input)
    } else if (fitsPeek) {
      // The zigzag form less one, below 2^30: undone with integer operations (`%` on a number
      // V8 cannot prove an integer is a floating-point remainder).
      const stored = ((word << 2) >>> 1) >>> fieldShift
      input.skip(2 + width)
      residual = (stored & 1) === 1 ? (stored + 1) >> 1 : -((stored >> 1) + 1)
    } else {
      input.skip(2)
      const zigzag = input.read(width) + 1
      residual = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2
    }
    const delta = form === Form.Whole ? residual - previous : form === Form.Delta ? residual : form === Form.Step ? residual + step : residual + previousDelta
    previous += delta
    previousDelta = delta
    out[i] = previous / scale
  }
}
