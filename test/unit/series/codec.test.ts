import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BitReader, BitWriter, MAX_SIGNED, readSigned, writeSigned } from '../../../src/main/base/series/bit-stream'
import { decodeChunk, decodeTimes, encodeChunk } from '../../../src/main/base/series/chunk-codec'
import { decodeColumn, encodeColumn } from '../../../src/main/base/series/column-codec'
import { fromBits, highBits, isStaleNan, lowBitsOfLast, STALE_NAN } from '../../../src/main/base/series/float-bits'
import { STALE, type SampleValue } from '../../../src/main/base/series/sample'
import { anyValue } from '../../helpers/sample-arbitraries'

/**
 * A double's bits, so −0 and every bit of a number compare. NaNs compare as NaN: V8 does not keep
 * a NaN's payload when it copies one into an array of doubles (which is why staleness is STALE).
 */
function bitsOf(value: SampleValue): string | null {
  if (value === null) return null
  if (value === STALE) return 'stale'
  if (Number.isNaN(value)) return 'NaN'
  const high = highBits(value)
  return `${high.toString(16)}:${lowBitsOfLast().toString(16)}`
}

function roundTripColumn(values: SampleValue[]): SampleValue[] {
  const out = new BitWriter()
  encodeColumn(out, values)
  return decodeColumn(new BitReader(out.finish()), values.length)
}

function columnBits(values: SampleValue[]): number {
  const out = new BitWriter()
  encodeColumn(out, values)
  return out.bitLength
}


describe('bit stream', () => {
  it('reads back any sequence of fields of 0 to 32 bits', () => {
    const field = fc.integer({ min: 0, max: 32 }).chain((width) => fc.tuple(fc.constant(width), fc.integer({ min: 0, max: 2 ** width - 1 })))
    fc.assert(
      fc.property(fc.array(field, { maxLength: 200 }), (fields) => {
        const out = new BitWriter(1)
        for (const [width, value] of fields) out.write(value, width)
        const input = new BitReader(out.finish())
        expect(fields.map(([width]) => input.read(width))).toEqual(fields.map(([, value]) => value))
      })
    )
  })

  it('reads back any signed integer up to 2^52 - 1, zero in one bit', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.integer({ min: -MAX_SIGNED, max: MAX_SIGNED }), fc.constantFrom(0, MAX_SIGNED, -MAX_SIGNED))), (values) => {
        const out = new BitWriter()
        for (const value of values) writeSigned(out, value)
        const input = new BitReader(out.finish())
        expect(values.map(() => readSigned(input))).toEqual(values.map((value) => value + 0))
      })
    )
    const zero = new BitWriter()
    writeSigned(zero, 0)
    expect(zero.bitLength).toBe(1)
  })

  it('refuses what it cannot hold exactly', () => {
    expect(() => writeSigned(new BitWriter(), MAX_SIGNED + 1)).toThrow(RangeError)
    expect(() => writeSigned(new BitWriter(), 0.5)).toThrow(RangeError)
  })
})

describe('column codec', () => {
  it('reads back any doubles, nulls and stale marks exactly: ±Inf, −0 and NaN included', () => {
    fc.assert(
      fc.property(fc.array(anyValue, { minLength: 1, maxLength: 300 }), (values) => {
        expect(roundTripColumn(values).map(bitsOf)).toEqual(values.map(bitsOf))
      }),
      { numRuns: 500 }
    )
  })

  it('keeps stale marks apart from nulls, and tells the wire’s staleness NaN from other NaNs', () => {
    expect(roundTripColumn([STALE, null, 1, STALE])).toEqual([STALE, null, 1, STALE])
    expect(roundTripColumn([STALE])).toEqual([STALE])
    expect(isStaleNan(STALE_NAN)).toBe(true)
    expect(isStaleNan(fromBits(0x7ff80000, 2))).toBe(true)
    expect(isStaleNan(Number.NaN)).toBe(false)
  })

  it('stores decimal text compactly: a steady column in about a bit a value, a counter by its rate', () => {
    const steady = Array.from({ length: 1000 }, () => 0)
    expect(columnBits(steady)).toBeLessThan(1100)
    const counter = Array.from({ length: 1000 }, (_, i) => 1_000_000 + i * 4096)
    expect(columnBits(counter)).toBeLessThan(1100)
    // A CPU percentage that wanders by a few points: about a byte a value.
    let cpu = 40
    const wandering = Array.from({ length: 1000 }, (_, i) => (cpu = Math.max(0, Math.min(100, cpu + ((i * 7919) % 7) - 3))))
    expect(columnBits(wandering)).toBeLessThan(9 * 1000)
    // Two decimals, as iostat prints them.
    const decimals = Array.from({ length: 1000 }, (_, i) => Math.round(1000 * Math.abs(Math.sin(i / 10))) / 100)
    expect(roundTripColumn(decimals)).toEqual(decimals)
    expect(columnBits(decimals)).toBeLessThan(16 * 1000)
  })

  it('costs two bits for a column of nulls and one bit a row for the nulls of a sparse one', () => {
    expect(columnBits([null, null, null])).toBe(2)
    const sparse = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 5 : null))
    expect(roundTripColumn(sparse)).toEqual(sparse)
  })
})

describe('chunk codec', () => {
  const timestamps = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 44 }), fc.array(fc.oneof(fc.constant(5000), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2 ** 30 })), { maxLength: 200 }))
    .map(([first, gaps]) => gaps.reduce<number[]>((ts, gap) => [...ts, (ts.at(-1) as number) + gap], [first]))

  it('reads back timestamps (equal ones included) and every column', () => {
    fc.assert(
      fc.property(
        timestamps.chain((ts) =>
          fc.tuple(fc.constant(ts), fc.array(fc.array(anyValue, { minLength: ts.length, maxLength: ts.length }), { maxLength: 6 }))
        ),
        ([ts, columns]) => {
          const decoded = decodeChunk(encodeChunk(ts, columns))
          expect(decoded.ts).toEqual(ts)
          expect(decoded.columns.map((column) => column.map(bitsOf))).toEqual(columns.map((column) => column.map(bitsOf)))
        }
      ),
      { numRuns: 300 }
    )
  })

  it('reads a chunk\'s times alone, and whether its first column holds a stale mark', () => {
    fc.assert(
      fc.property(
        timestamps.chain((ts) =>
          fc.tuple(fc.constant(ts), fc.array(fc.array(anyValue, { minLength: ts.length, maxLength: ts.length }), { maxLength: 3 }))
        ),
        ([ts, columns]) => {
          expect(decodeTimes(encodeChunk(ts, columns))).toEqual({ ts, mayHoldStaleRows: columns[0]?.includes(STALE) ?? false })
        }
      ),
      { numRuns: 300 }
    )
  })

  it('spends about a bit a row on timestamps at a steady interval', () => {
    const ts = Array.from({ length: 720 }, (_, i) => 1_764_633_600_000 + i * 5000)
    expect(encodeChunk(ts, []).length).toBeLessThan(16 + 720 / 8 + 4)
  })

  it('refuses timestamps that go backwards and columns of the wrong length', () => {
    expect(() => encodeChunk([2000, 1000], [])).toThrow(RangeError)
    expect(() => encodeChunk([1000, 2000], [[1]])).toThrow(RangeError)
    expect(() => encodeChunk([], [])).toThrow(RangeError)
  })

  it('stores a rate of a counter column and an average of a count column by what they were computed from, to the bit', () => {
    const ts: number[] = []
    const counter: SampleValue[] = []
    const rate: SampleValue[] = []
    const count: SampleValue[] = []
    const average: SampleValue[] = []
    let packets = 7_000_000
    for (let i = 0; i < 720; i++) {
      const elapsed = 5000 + ((i * 13) % 7) - 3
      ts.push(1_764_633_600_000 + i * 5000 + ((i * 13) % 7))
      packets += (i * 7919) % 5000
      counter.push(i === 300 ? null : packets)
      const before = counter[i - 1]
      const now = counter[i]
      const seconds = i === 0 ? 0 : ((ts[i] as number) - (ts[i - 1] as number)) / 1000
      // As the collectors compute rates; one row computed over another interval (an exception).
      rate.push(typeof now === 'number' && typeof before === 'number' ? (i === 500 ? (now - before) / (elapsed / 1000 + 0.001) : (now - before) / seconds) : null)
      count.push(12 - (i % 3))
      // As roll-ups average: a sum of two-decimal values divided by the count.
      average.push(((i * 137) % 10_000) / 100 / (count[i] as number))
    }
    const columns = [counter, rate, count, average]
    const decoded = decodeChunk(encodeChunk(ts, columns))
    expect(decoded.ts).toEqual(ts)
    for (let c = 0; c < columns.length; c++) expect((decoded.columns[c] as SampleValue[]).map(bitsOf)).toEqual((columns[c] as SampleValue[]).map(bitsOf))
    // As doubles (XOR) the rates and averages alone would take over 5 bytes a value.
    expect(encodeChunk(ts, columns).length).toBeLessThan(720 * 5)
  })

  it('keeps the sign of a zero that a derivation would give with the other sign', () => {
    // 0 ÷ −0.01 is −0: the 0 in the third row must not be taken for an average.
    const columns: SampleValue[][] = [[0.01, 0, -0.01, 0], [0, Number.NaN, 0, 0]]
    const decoded = decodeChunk(encodeChunk([27, 3289, 635166947, 635171947], columns))
    expect(decoded.columns.map((column) => column.map(bitsOf))).toEqual(columns.map((column) => column.map(bitsOf)))
  })

  it('encodes the same bytes whatever chunk came before, with the same times or not', () => {
    // The encoder reuses the last chunk's encoded times when the next has the same: bytes must
    // not depend on it, nor on the caller's array changing in place between two chunks.
    const unrelated = (): Uint8Array => encodeChunk([1, 2, 3], [[7, 8, 9]])
    fc.assert(
      fc.property(
        timestamps.chain((ts) => fc.tuple(fc.constant(ts), fc.array(fc.array(anyValue, { minLength: ts.length, maxLength: ts.length }), { minLength: 2, maxLength: 2 }))),
        ([ts, [first, second]]) => {
          unrelated()
          const alone = encodeChunk(ts, [second as SampleValue[]])
          encodeChunk(ts, [first as SampleValue[]])
          expect(encodeChunk(ts, [second as SampleValue[]])).toEqual(alone)
          // A buffer the caller overwrites (a head's times are views of one).
          const times = Float64Array.from(ts)
          encodeChunk(times, [first as SampleValue[]])
          times[times.length - 1] = (ts.at(-1) as number) + 5000
          const moved = [...ts.slice(0, -1), (ts.at(-1) as number) + 5000]
          expect(encodeChunk(times, [second as SampleValue[]])).toEqual((unrelated(), encodeChunk(moved, [second as SampleValue[]])))
        }
      ),
      { numRuns: 200 }
    )
  })

  it('refuses bad times after a chunk with good ones, and takes them again after', () => {
    const ts = [1000, 2000, 3000]
    const good = encodeChunk(ts, [[1, 2, 3]])
    expect(() => encodeChunk([1000, 3000, 2000], [[1, 2, 3]])).toThrow(RangeError)
    expect(() => encodeChunk([1000, 2000, 3000.5], [[1, 2, 3]])).toThrow(RangeError)
    expect(encodeChunk(ts, [[1, 2, 3]])).toEqual(good)
  })

  it('encodes the same bytes before and after a large chunk (the encoder reuses its buffers)', () => {
    // Noisy decimals, a column predicted from another, and a counter's rate: every buffer the
    // encoder keeps between chunks is used, then grown by a bulk-sized chunk, then used again.
    const chunk = (rows: number, seed: number) => {
      let state = seed
      const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
      const ts = Array.from({ length: rows }, (_, i) => 1_700_000_000_000 + i * 5000 + Math.floor(next() * 3))
      const kb = ts.map(() => Math.round(next() * 1e6) / 100)
      const rate = kb.map((value) => Math.round((value / 5) * 100) / 100)
      const counter = ts.map((_, i) => i * 1000 + Math.floor(next() * 10))
      const perSecond = counter.map((value, i) => (i === 0 ? 0.5 : (value - (counter[i - 1] as number)) / (((ts[i] as number) - (ts[i - 1] as number)) / 1000)))
      return { ts, columns: [kb, rate, counter, perSecond] as SampleValue[][] }
    }
    const small = chunk(720, 1)
    const before = encodeChunk(small.ts, small.columns)
    const large = chunk(300_000, 2)
    const decodedLarge = decodeChunk(encodeChunk(large.ts, large.columns))
    // Compared as bytes (these columns hold no NaN): 1.2 million values through toEqual took seconds.
    const bytesOf = (columns: readonly (readonly SampleValue[])[]) => columns.map((column) => Buffer.from(Float64Array.from(column as number[]).buffer))
    const expected = bytesOf(large.columns)
    expect(bytesOf(decodedLarge.columns).map((bytes, i) => bytes.equals(expected[i] as Buffer))).toEqual([true, true, true, true])
    expect(encodeChunk(small.ts, small.columns)).toEqual(before)
    expect(decodeChunk(before).columns.map((column) => column.map(bitsOf))).toEqual(small.columns.map((column) => column.map(bitsOf)))
  })
})
