// A sequence of integers (scaled decimals, timestamps, sums) in about as few bits as its
// neighbours' differences need. Each sequence is written as the first value, then residuals in
// one of three forms, whichever is smallest: differences (a gauge), differences of differences
// (a counter, a steady clock), or differences from one step (a clock with jitter). Residuals
// are written in a width fitted to the sequence: 0 in one bit, one that fits `width` bits in
// 2 + width, anything larger escaped (2 + writeSigned). Noisy decimals then cost a few bits
// less a value than with fixed buckets, steady ones still a bit.
import { type BitReader, type BitWriter, readSigned, writeSigned } from './bit-stream'

const enum Form {
  Delta = 0,
  DeltaOfDelta = 1,
  Step = 2
}

const MAX_WIDTH = 31

/** Bits writeSigned spends on a value, without writing it. */
function signedCost(value: number): number {
  if (value === 0) return 1
  const stored = (value >= 0 ? value * 2 : -value * 2 - 1) - 1
  return stored < 64 ? 8 : stored < 4096 ? 15 : stored < 1048576 ? 24 : stored < 2 ** 32 ? 37 : 58
}

/** Bits needed for a non-negative integer (0 for 0). */
function bitLength(value: number): number {
  return value < 2 ** 31 ? 32 - Math.clz32(value) : Math.ceil(Math.log2(value + 1))
}

const zigzagLess1 = (value: number): number => (value > 0 ? value * 2 : -value * 2 - 1) - 1

/** The width that writes `residuals` in the fewest bits, and that many bits. */
function bestWidth(residuals: ArrayLike<number>): { width: number; bits: number } {
  const counts = new Float64Array(64)
  const escapes = new Float64Array(64)
  let zeros = 0
  for (let i = 0; i < residuals.length; i++) {
    const value = residuals[i] as number
    if (value === 0) {
      zeros++
      continue
    }
    const length = bitLength(zigzagLess1(value))
    counts[length] = (counts[length] as number) + 1
    escapes[length] = (escapes[length] as number) + 2 + signedCost(value)
  }
  let best = { width: 0, bits: Infinity }
  for (let width = 0; width <= MAX_WIDTH; width++) {
    let bits = zeros
    for (let length = 0; length < 64; length++) bits += length <= width ? (counts[length] as number) * (2 + width) : (escapes[length] as number)
    if (bits < best.bits) best = { width, bits }
  }
  return best
}

function residualsOf(values: ArrayLike<number>, form: Form, step: number): Float64Array {
  const residuals = new Float64Array(values.length - 1)
  let previousDelta = 0
  for (let i = 1; i < values.length; i++) {
    const delta = (values[i] as number) - (values[i - 1] as number)
    residuals[i - 1] = form === Form.Delta ? delta : form === Form.Step ? delta - step : delta - previousDelta
    previousDelta = delta
  }
  return residuals
}

function medianStep(values: ArrayLike<number>): number {
  const deltas = new Float64Array(values.length - 1)
  for (let i = 1; i < values.length; i++) deltas[i - 1] = (values[i] as number) - (values[i - 1] as number)
  deltas.sort()
  return deltas[deltas.length >> 1] as number
}

/** Writes integers (each within ±MAX_SIGNED / 4, so every residual is writable). */
export function writeIntegers(out: BitWriter, values: ArrayLike<number>): void {
  writeSigned(out, values[0] as number)
  if (values.length < 2) return
  const step = medianStep(values)
  let best = { form: Form.Delta, residuals: residualsOf(values, Form.Delta, 0), width: 0, bits: Infinity }
  for (const form of [Form.Delta, Form.DeltaOfDelta, Form.Step]) {
    const residuals = form === Form.Delta ? best.residuals : residualsOf(values, form, step)
    const fitted = bestWidth(residuals)
    const bits = fitted.bits + (form === Form.Step ? signedCost(step) : 0)
    if (bits < best.bits) best = { form, residuals, width: fitted.width, bits }
  }
  out.write(best.form, 2)
  if (best.form === Form.Step) writeSigned(out, step)
  const width = best.width
  out.write(width, 5)
  const limit = 2 ** width
  const { residuals } = best
  for (let i = 0; i < residuals.length; i++) {
    const value = residuals[i] as number
    if (value === 0) {
      out.writeBit(false)
      continue
    }
    const stored = zigzagLess1(value)
    if (stored < limit) {
      if (width <= 30) out.write(2 * limit + stored, width + 2)
      else {
        out.write(0b10, 2)
        out.write(stored, width)
      }
    } else {
      out.write(0b11, 2)
      writeSigned(out, value)
    }
  }
}

export function readIntegers(input: BitReader, count: number): number[] {
  const values = new Array<number>(count)
  if (count === 0) return values
  let previous = readSigned(input)
  values[0] = previous
  if (count < 2) return values
  const form = input.read(2) as Form
  const step = form === Form.Step ? readSigned(input) : 0
  const width = input.read(5)
  let previousDelta = 0
  for (let i = 1; i < count; i++) {
    let residual = 0
    if (input.readBit()) {
      if (input.readBit()) residual = readSigned(input)
      else {
        const zigzag = input.read(width) + 1
        residual = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2
      }
    }
    const delta = form === Form.Delta ? residual : form === Form.Step ? residual + step : residual + previousDelta
    previous += delta
    previousDelta = delta
    values[i] = previous
  }
  return values
}
