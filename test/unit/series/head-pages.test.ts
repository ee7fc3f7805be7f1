import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BitWriter } from '../../../src/main/base/series/bit-stream'
import { HeadBits, HeadPages, PAGE_BYTES, SLOT_BYTES } from '../../../src/main/base/series/head-pages'

/** One write to writer `to`: `width` bits of `value`, one bit, `wideWidth` bits (writeWide), `width` zeros, or a reset. */
const write = fc.record({
  to: fc.integer({ min: 0, max: 3 }),
  // A reset now and then (a cut): rare enough that writers reach many pages between them.
  kind: fc.oneof({ arbitrary: fc.constantFrom('bits', 'bit', 'wide', 'zeros'), weight: 100 }, { arbitrary: fc.constant('reset'), weight: 1 }),
  width: fc.integer({ min: 1, max: 32 }),
  wideWidth: fc.integer({ min: 33, max: 53 }),
  value: fc.double({ min: 0, max: 2 ** 53 - 1, noNaN: true }).map(Math.floor)
})

describe('head pages', () => {
  it('writers sharing one pool hold exactly the bits a plain writer holds, whatever the widths, interleaving and resets', () => {
    fc.assert(
      fc.property(fc.array(write, { minLength: 500, maxLength: 3000 }), (writes) => {
        const pages = new HeadPages()
        const paged = Array.from({ length: 4 }, () => new HeadBits(pages))
        const plain = Array.from({ length: 4 }, () => new BitWriter(16))
        for (const { to, kind, width, wideWidth, value } of writes) {
          const both = [paged[to] as BitWriter, plain[to] as BitWriter]
          for (const writer of both) {
            if (kind === 'reset') writer.reset()
            else if (kind === 'bit') writer.writeBit(value % 2 === 1)
            else if (kind === 'wide') writer.writeWide(value % 2 ** wideWidth, wideWidth)
            else writer.write(kind === 'zeros' ? 0 : value % 2 ** width, width)
          }
        }
        for (let i = 0; i < 4; i++) {
          const [a, b] = [paged[i] as HeadBits, plain[i] as BitWriter]
          expect(a.bitLength).toBe(b.bitLength)
          expect(Buffer.from(a.view()).toString('hex')).toBe(Buffer.from(b.view()).toString('hex'))
          // Its pages: as many as its bits reach into (the last may hold the end of a write in its margin).
          const held = a.capacityBytes / SLOT_BYTES
          if (a.bitLength === 0) expect(held).toBe(0)
          else {
            expect((held - 1) * PAGE_BYTES * 8).toBeLessThan(a.bitLength)
            expect(a.bitLength).toBeLessThanOrEqual(held * PAGE_BYTES * 8 + 32)
          }
        }
        for (const writer of paged) writer.reset()
        expect(pages.pagesInUse).toBe(0)
      }),
      { numRuns: 300 }
    )
  })

  it('gives a cut head’s pages to the next head: the pool holds the most its heads held at once', () => {
    const pages = new HeadPages()
    const heads = Array.from({ length: 100 }, () => new HeadBits(pages))
    const fill = (head: HeadBits): void => {
      for (let i = 0; i < 4000; i++) head.write(i * 2654435761 % 2 ** 20, 20)
    }
    for (const head of heads) fill(head)
    const peak = pages.bytes
    const inUse = pages.pagesInUse
    expect(inUse).toBe(100 * Math.ceil((4000 * 20) / (PAGE_BYTES * 8)))
    for (let round = 0; round < 5; round++) {
      for (const head of heads) {
        head.reset()
        fill(head)
      }
    }
    expect(pages.pagesInUse).toBe(inUse)
    expect(pages.bytes).toBe(peak)
  })
})
