// Bit-level writing and reading for the chunk codec. Values of up to 32 bits at a time (64-bit
// values go as two halves); numbers stay plain doubles, since BigInt is too slow for millions
// of samples a second.

const POW2_32 = 2 ** 32

export class BitWriter {
  protected bytes: Uint8Array
  protected bit = 0
  /** Bytes writes may fill before grow() is asked for room. */
  protected limit: number

  /**
   * @param growth how much larger the buffer becomes when it is full (rounded up to 16 bytes):
   *   less than 2 for writers kept by the ten thousand, where doubling leaves much unused
   */
  constructor(
    capacityBytes = 256,
    private readonly growth = 2
  ) {
    this.bytes = new Uint8Array(capacityBytes)
    this.limit = capacityBytes
  }

  /** Appends the low `width` bits (0–32) of the unsigned integer `value`, most significant first. */
  write(value: number, width: number): void {
    if (width === 0) return
    this.reserve(width)
    // Bits past the end are always 0 (reset zero-fills what it used): zeros are only skipped.
    if (value === 0) {
      this.bit += width
      return
    }
    let remaining = width
    // Fields of up to 24 bits fit a 32-bit integer with the partial byte in front of them: one
    // shift and an OR per byte. Wider ones are split, since a shift by 32 is a shift by 0 here.
    if (remaining > 24) {
      this.write(Math.floor(value / 2 ** 16), remaining - 16)
      remaining = 16
      value = value % 65536
    }
    const offset = this.bit & 7
    let index = this.bit >>> 3
    // The bits still to place, left-aligned after the partial byte's used bits.
    let pending = (value & ((1 << remaining) - 1)) << (32 - offset - remaining)
    let placed = 0
    const total = offset + remaining
    while (placed < total) {
      this.bytes[index] = (this.bytes[index] as number) | (pending >>> 24)
      pending <<= 8
      index++
      placed += 8
    }
    this.bit += remaining
  }

  writeBit(set: boolean): void {
    this.reserve(1)
    if (set) this.bytes[this.bit >>> 3] = (this.bytes[this.bit >>> 3] as number) | (0x80 >>> (this.bit & 7))
    this.bit++
  }

  /** Appends every bit another writer holds. */
  writeBits(other: BitWriter): void {
    const bytes = other.view()
    const bits = other.bitLength
    const whole = bits >>> 3
    for (let i = 0; i < whole; i++) this.write(bytes[i] as number, 8)
    const rest = bits & 7
    if (rest > 0) this.write((bytes[whole] as number) >>> (8 - rest), rest)
  }

  /** An unsigned integer below 2^53. */
  writeWide(value: number, width: number): void {
    if (width <= 32) return this.write(value, width)
    this.write(Math.floor(value / POW2_32), width - 32)
    this.write(value % POW2_32, 32)
  }

  get bitLength(): number {
    return this.bit
  }

  /** The size of its buffer, which grows as bits are written. */
  get capacityBytes(): number {
    return this.bytes.length
  }

  /** The bits written so far, zero-padded to whole bytes (a copy). */
  finish(): Uint8Array {
    return this.view().slice()
  }

  /** The bits written so far, zero-padded to whole bytes, as a view of its buffer: valid until it is written to or reset. */
  view(): Uint8Array {
    return this.bytes.subarray(0, (this.bit + 7) >>> 3)
  }

  /** Copies the bits written so far, zero-padded to whole bytes, into `target`. */
  copyTo(target: Uint8Array): void {
    target.set(this.view())
  }

  /** Empties the writer, keeping its buffer. */
  reset(): void {
    this.bytes.fill(0, 0, (this.bit + 7) >>> 3)
    this.bit = 0
  }

  private reserve(width: number): void {
    const needed = (this.bit + width + 7) >>> 3
    if (needed > this.limit) this.grow(needed)
  }

  /** Makes room for `needed` bytes from the start of `bytes` (called for at most 32 bits more than were written). */
  protected grow(needed: number): void {
    const grown = new Uint8Array(Math.max(needed, Math.ceil((this.bytes.length * this.growth) / 16) * 16))
    grown.set(this.bytes)
    this.bytes = grown
    this.limit = grown.length
  }
}

export class BitReader {
  private bit: number

  constructor(
    private readonly bytes: Uint8Array,
    startBit = 0
  ) {
    this.bit = startBit
  }

  /** The next `width` bits (0–32) as an unsigned integer. */
  read(width: number): number {
    const bit = this.bit
    if (bit + width > this.bytes.length * 8) throw new RangeError('read past the end of the chunk')
    if (width > 24) {
      const high = this.read(width - 16)
      return high * 65536 + this.read(16)
    }
    if (width === 0) return 0
    // The four bytes from the one holding the first bit, as one big-endian word (bytes past the
    // end read as 0): the field is `width` bits of it, after the partial byte's first bits.
    const bytes = this.bytes
    const index = bit >>> 3
    const word = ((bytes[index] as number) << 24) | ((bytes[index + 1] ?? 0) << 16) | ((bytes[index + 2] ?? 0) << 8) | (bytes[index + 3] ?? 0)
    this.bit = bit + width
    return ((word << (bit & 7)) >>> (32 - width)) >>> 0
  }

  /**
   * The next 32 bits as an unsigned integer, without moving (bits past the end read as 0): a
   * decoder can look at a field's prefix and its value in one read, then skip what it used.
   */
  peek32(): number {
    const bytes = this.bytes
    const index = this.bit >>> 3
    const shift = this.bit & 7
    const word = ((bytes[index] ?? 0) << 24) | ((bytes[index + 1] ?? 0) << 16) | ((bytes[index + 2] ?? 0) << 8) | (bytes[index + 3] ?? 0)
    if (shift === 0) return word >>> 0
    return ((word << shift) | ((bytes[index + 4] ?? 0) >>> (8 - shift))) >>> 0
  }

  /** Moves past `width` bits (read with peek32). */
  skip(width: number): void {
    const bit = this.bit + width
    if (bit > this.bytes.length * 8) throw new RangeError('read past the end of the chunk')
    this.bit = bit
  }

  readBit(): boolean {
    if (this.bit >= this.bytes.length * 8) throw new RangeError('read past the end of the chunk')
    const set = ((this.bytes[this.bit >>> 3] as number) & (0x80 >>> (this.bit & 7))) !== 0
    this.bit++
    return set
  }

  readWide(width: number): number {
    if (width <= 32) return this.read(width)
    const high = this.read(width - 32)
    return high * POW2_32 + this.read(32)
  }

  get position(): number {
    return this.bit
  }
}

// A signed integer in a variable number of bits, shortest for small magnitudes: zigzag, then a
// unary prefix that picks the width. 0 (a steady interval, an unchanged value) costs one bit.
const WIDTHS = [6, 12, 20, 32, 53] as const
const LIMIT = 2 ** 52

/** Largest magnitude writeSigned takes: its zigzag form must stay an exact double. */
export const MAX_SIGNED = LIMIT - 1

export function writeSigned(out: BitWriter, value: number): void {
  // Small values first, in one write each (prefix and value together): most are small.
  if (value === 0) return out.writeBit(false)
  const zigzag = value > 0 ? value * 2 : -value * 2 - 1
  const stored = zigzag - 1
  if (stored < 64 && Number.isInteger(value)) return out.write(0b10_000000 | stored, 8)
  if (stored < 4096 && Number.isInteger(value)) return out.write((0b110 << 12) | stored, 15)
  if (stored < 1048576 && Number.isInteger(value)) return out.write(0b1110 * 1048576 + stored, 24)
  if (!(Math.abs(value) <= MAX_SIGNED) || !Number.isInteger(value)) throw new RangeError(`cannot encode ${value}`)
  for (let bucket = 3; bucket < WIDTHS.length; bucket++) {
    const width = WIDTHS[bucket] as number
    if (bucket === WIDTHS.length - 1 || stored < 2 ** width) {
      // Prefix: bucket+1 ones, then a zero (the last bucket needs no terminating zero).
      for (let i = 0; i <= bucket; i++) out.writeBit(true)
      if (bucket < WIDTHS.length - 1) out.writeBit(false)
      out.writeWide(stored, width)
      return
    }
  }
}

export function readSigned(input: BitReader): number {
  if (!input.readBit()) return 0
  let bucket = 0
  while (bucket < WIDTHS.length - 1 && input.readBit()) bucket++
  const zigzag = input.readWide(WIDTHS[bucket] as number) + 1
  return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2
}
