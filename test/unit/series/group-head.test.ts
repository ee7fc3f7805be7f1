import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeChunk } from '../../../src/main/base/series/chunk-codec'
import { highBits, lowBitsOfLast } from '../../../src/main/base/series/float-bits'
import { GroupHead } from '../../../src/main/base/series/group-head'
import { HeadPages } from '../../../src/main/base/series/head-pages'
import { STALE, type SampleValue } from '../../../src/main/base/series/sample'
import { anyValue } from '../../helpers/sample-arbitraries'

/** A value's bits, so −0 and every bit of a number compare (NaNs as NaN: V8 does not keep their payloads). */
function bitsOf(value: SampleValue | undefined): string | null {
  if (value === null || value === undefined) return null
  if (value === STALE) return 'stale'
  if (Number.isNaN(value)) return 'NaN'
  const high = highBits(value)
  return `${high.toString(16)}:${lowBitsOfLast().toString(16)}`
}

const timeBits = (times: readonly number[]) => times.map((time) => bitsOf(time))

/** Values as a column holds them: walks of integers, tenths or hundredths (large ones too), and anything at all. */
const walk = (scale: number, size: number) =>
  fc.tuple(fc.integer({ min: -size, max: size }), fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 60 })).map(([start, steps]) => {
    let at = start
    return steps.map((step) => (at += step) / scale)
  })
const columnValues = fc.oneof(
  walk(1, 1e6),
  walk(10, 1e6),
  walk(100, 1e6),
  walk(1, 2 ** 53),
  walk(1, 2 ** 50),
  walk(10, 2 ** 53),
  fc.array(anyValue, { minLength: 1, maxLength: 60 })
)

/** Times in order: a steady step with jitter, gaps, repeats, fractions and very large times. */
const times = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 2 ** 45 }), fc.array(fc.oneof(fc.constant(5000), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2 ** 40 })), { minLength: 60, maxLength: 60 })),
  fc.tuple(fc.double({ min: 0, max: 2 ** 48, noNaN: true }), fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 60, maxLength: 60 }))
).map(([start, steps]) => {
  let at = start
  return [start, ...steps.map((step) => (at += step))]
})

/**
 * Rows from per-column value lists (cycled to the row count), each with the rates of its first
 * column after them when `rates` (its change per second of the step, as a collector computes
 * them: Infinity at a repeated time, NaN or null where the counter is not a number).
 */
function rowsOf(ts: readonly number[], lists: readonly SampleValue[][], rates: boolean): SampleValue[][] {
  return ts.map((time, i) => {
    const row = lists.map((list) => list[i % list.length] as SampleValue)
    if (!rates) return row
    const [now, before] = [row[0], i > 0 ? lists[0]![(i - 1) % lists[0]!.length] : null]
    const rate = typeof now === 'number' && typeof before === 'number' ? (now - before) / ((time - (ts[i - 1] as number)) / 1000) : null
    return [...row, rate]
  })
}

describe('group head', () => {
  it('reads back, carries over and cuts any rows exactly: NaN, ±Inf, −0, nulls, stale marks, rates, far times (fractional ones read back)', () => {
    fc.assert(
      fc.property(fc.array(columnValues, { minLength: 1, maxLength: 6 }), times, fc.integer({ min: 1, max: 60 }), fc.boolean(), (lists, allTimes, count, rates) => {
        const ts = allTimes.slice(0, count)
        const rows = rowsOf(ts, lists, rates)
        const width = (rows[0] as SampleValue[]).length
        const head = new GroupHead(width, 1000, new HeadPages())
        // Twice: a cut head starts again from nothing.
        for (const firstSeq of [7, 7 + ts.length]) {
          rows.forEach((row, i) => head.append(ts[i] as number, firstSeq + i, row))
          const read = head.read(-Infinity, Infinity)
          expect(timeBits(read.ts)).toEqual(timeBits(ts))
          expect(read.seq).toEqual(ts.map((_, i) => firstSeq + i))
          for (let c = 0; c < width; c++) expect((read.columns[c] as SampleValue[]).map(bitsOf)).toEqual(rows.map((row) => bitsOf(row[c])))
          expect([...head.each()].map(([, , row]) => row.map(bitsOf))).toEqual(rows.map((row) => row.map(bitsOf)))
          expect(head.firstTs).toBe(ts[0])
          expect(head.lastTs).toBe(ts[ts.length - 1])
          // Chunks hold whole milliseconds (fractional times are refused at the cut, as ever).
          if (!ts.every((time) => Number.isSafeInteger(time))) {
            head.clear()
            continue
          }
          const chunk = head.cut()
          expect(chunk).toMatchObject({ startTs: ts[0], endTs: ts[ts.length - 1], rows: ts.length, firstSeq })
          const decoded = decodeChunk(chunk.data)
          expect(timeBits(decoded.ts)).toEqual(timeBits(ts))
          for (let c = 0; c < width; c++) expect((decoded.columns[c] as SampleValue[]).map(bitsOf)).toEqual(rows.map((row) => bitsOf(row[c])))
          expect(head.count).toBe(0)
        }
      }),
      { numRuns: 400 }
    )
  })

  it('reads the rows of a time range, and nothing outside its rows', () => {
    const head = new GroupHead(2, 100, new HeadPages())
    for (let i = 0; i < 50; i++) head.append(1000 + i * 10, i, [i, i % 3 === 0 ? null : i / 10])
    const range = head.read(1105, 1200)
    expect(range.ts).toEqual(Array.from({ length: 10 }, (_, i) => 1110 + i * 10))
    expect(range.seq).toEqual(Array.from({ length: 10 }, (_, i) => 11 + i))
    expect(range.columns[1]).toEqual(Array.from({ length: 10 }, (_, i) => ((11 + i) % 3 === 0 ? null : (11 + i) / 10)))
    expect(head.read(0, 999).ts).toEqual([])
    expect(head.read(1491, 2000).ts).toEqual([])
  })

  it('tells a series that ended: its newest row stale in every column', () => {
    const head = new GroupHead(2, 10, new HeadPages())
    head.append(1, 0, [1, 2])
    expect(head.endsStale).toBe(false)
    head.append(2, 1, [STALE, 2])
    expect(head.endsStale).toBe(false)
    head.append(3, 2, [STALE, STALE])
    expect(head.endsStale).toBe(true)
    head.clear()
    expect(head.endsStale).toBe(false)
  })

  it('writes a collector’s rates as their counter’s change per second, exactly, whatever the step', () => {
    // netstat's shape: four counters, then their rates as interfaceRates computes them.
    const head = new GroupHead(8, 720, new HeadPages())
    const rows: SampleValue[][] = []
    const times: number[] = []
    let previous: number[] | null = null
    for (let i = 0, t = 1_700_000_000_000; i < 720; i++, t += 5000 + ((i * 37) % 11) - 5) {
      const counters = [1e9 + i * 123_457 + ((i * i) % 997), (i * 3) % 5 === 0 ? i : i - 1, 5e8 + i * 98_765, 7]
      const seconds = previous === null ? 0 : (t - (times[times.length - 1] as number)) / 1000
      const rates = counters.map((value, c) => (previous === null ? null : (value - (previous as number[])[c]!) / seconds))
      times.push(t)
      rows.push([...counters, ...rates])
      previous = counters
      head.append(t, i, rows[i] as SampleValue[])
    }
    const read = head.read(-Infinity, Infinity)
    rows[0]!.forEach((_, c) => expect((read.columns[c] as SampleValue[]).map(bitsOf)).toEqual(rows.map((row) => bitsOf(row[c]))))
    // A double for each rate would be 4 × 72 bits a row.
    expect(head.byteLength).toBeLessThan(720 * 16)
  })

  it('holds an hour of a server’s usual columns in under a quarter of their doubles’ bytes', () => {
    // vmstat-like: small integers that move a little, a one-decimal percentage, a fast counter.
    const head = new GroupHead(4, 720, new HeadPages())
    let counter = 1e9
    for (let i = 0; i < 720; i++) {
      counter += 150_000 + ((i * 7919) % 20_000)
      head.append(1_700_000_000_000 + i * 5000 + (i % 3), i, [(i * 13) % 7, 20 + ((i * 31) % 50), ((i * 17) % 1000) / 10, counter])
    }
    // A time and four values a row: 40 bytes as doubles.
    expect(head.byteLength).toBeLessThan((720 * 40) / 4)
  })
})
