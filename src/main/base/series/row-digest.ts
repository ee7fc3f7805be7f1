// An order-independent checksum of rows (time and values): two stores of the same samples agree
// whatever order each reads them in, so a copy can be checked without sorting either side.
import { highBits, lowBitsOfLast } from './float-bits'
import { STALE, type SampleValue } from './sample'

const NULL_WORD = 0x6e756c6c
const STALE_WORD = 0x7374616c

/** murmur3's 32-bit mixing step. */
function mix(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  const h = hash ^ k
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0
}

function finish(hash: number): number {
  let h = hash ^ (hash >>> 16)
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** Mixes a double's two 32-bit halves, low first. */
function mixDouble(hash: number, value: number): number {
  const high = highBits(value)
  return mix(mix(hash, lowBitsOfLast()), high)
}

function rowHash(seed: number, ts: number, row: readonly SampleValue[]): number {
  let hash = mixDouble(seed, ts)
  for (const value of row) {
    if (typeof value === 'number') hash = mixDouble(hash, value)
    else hash = mix(hash, value === STALE ? STALE_WORD : NULL_WORD)
  }
  return finish(hash ^ row.length)
}

/** Rows' count, first and last time, and a 64-bit sum of their hashes. */
export class RowDigest {
  count = 0
  firstTs: number | null = null
  lastTs: number | null = null
  private low = 0
  private high = 0

  add(ts: number, row: readonly SampleValue[]): void {
    this.count++
    if (this.firstTs === null || ts < this.firstTs) this.firstTs = ts
    if (this.lastTs === null || ts > this.lastTs) this.lastTs = ts
    this.low = (this.low + rowHash(0x9747b28c, ts, row)) >>> 0
    this.high = (this.high + rowHash(0x5bd1e995, ts, row)) >>> 0
  }

  /** The checksum as hex: equal for the same rows in any order. */
  get checksum(): string {
    return this.high.toString(16).padStart(8, '0') + this.low.toString(16).padStart(8, '0')
  }

  summary(): { rows: number; firstTs: number | null; lastTs: number | null; checksum: string } {
    return { rows: this.count, firstTs: this.firstTs, lastTs: this.lastTs, checksum: this.checksum }
  }
}
