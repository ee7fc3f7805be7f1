// Where heads keep their bits: fixed-size pages cut from a few large slabs that every head of a
// store shares, rather than a buffer of each head's own. With a buffer each, a head grew it by
// a quarter ~20 times in its first hour and kept the largest after its cut, so from the hour on
// a fleet's heads held a whole hour's buffers whatever their rows filled (bench/README.md,
// `fleet.ts`, 2026-12-04, night). A head now holds the pages its rows fill, and a cut head's
// pages go straight to the next head that needs one.
import { BitWriter } from './bit-stream'

/** Bytes of bits a page holds. */
export const PAGE_BYTES = 128
const PAGE_BITS = PAGE_BYTES * 8
/** Room past a page's bytes for the rest of a write that starts in it (up to 32 bits after a partial byte). */
const MARGIN = 8
/** Bytes a page takes in its slab. */
export const SLOT_BYTES = PAGE_BYTES + MARGIN
/** Pages a slab holds (a power of two: a page's slab is its number shifted): 272 KiB slabs. */
const SLAB_SHIFT = 11
const SLAB_PAGES = 1 << SLAB_SHIFT
const NONE = -1

/** Where page `page` starts in its slab. */
const offsetOf = (page: number): number => (page & (SLAB_PAGES - 1)) * SLOT_BYTES

/**
 * The pages of one store's heads. Slabs are added as heads need them and kept: the pool holds
 * the most its heads ever held at once, which heads cut at different times keep level.
 */
export class HeadPages {
  private readonly slabs: Uint8Array[] = []
  /** Each page's next page in its head's chain (NONE at the chain's end). */
  private next = new Int32Array(0)
  /** Pages free to take, the next one last. */
  private free = new Int32Array(0)
  private freeCount = 0
  private used = 0

  /** Pages heads hold. */
  get pagesInUse(): number {
    return this.used
  }

  /** Bytes of the pages heads hold. */
  get bytesInUse(): number {
    return this.used * SLOT_BYTES
  }

  /** Bytes of the slabs (what the pool takes in memory). */
  get bytes(): number {
    return this.slabs.length * SLAB_PAGES * SLOT_BYTES
  }

  /** A zeroed page, the end of a chain. */
  take(): number {
    if (this.freeCount === 0) this.addSlab()
    const page = this.free[--this.freeCount] as number
    this.next[page] = NONE
    this.used++
    return page
  }

  /** Page `page`'s bytes and its margin, as a view of its slab. */
  slot(page: number): Uint8Array {
    const offset = offsetOf(page)
    return this.slabOf(page).subarray(offset, offset + SLOT_BYTES)
  }

  /** Copies page `page`'s bytes (not its margin) into `target` at `at`. */
  copyPage(page: number, target: Uint8Array, at: number): void {
    const offset = offsetOf(page)
    target.set(this.slabOf(page).subarray(offset, offset + PAGE_BYTES), at)
  }

  /** Chains `page` after `previous`. */
  link(previous: number, page: number): void {
    this.next[previous] = page
  }

  nextOf(page: number): number {
    return this.next[page] as number
  }

  /** Zeroes and frees every page of the chain that starts at `first`. */
  release(first: number): void {
    for (let page = first; page !== NONE; ) {
      const after = this.next[page] as number
      const offset = offsetOf(page)
      this.slabOf(page).fill(0, offset, offset + SLOT_BYTES)
      this.free[this.freeCount++] = page
      this.used--
      page = after
    }
  }

  private slabOf(page: number): Uint8Array {
    return this.slabs[page >>> SLAB_SHIFT] as Uint8Array
  }

  private addSlab(): void {
    const base = this.slabs.length * SLAB_PAGES
    this.slabs.push(new Uint8Array(SLAB_PAGES * SLOT_BYTES))
    // The page tables double, not a slab at a time: a fleet's pool grows to hundreds of slabs.
    if (this.next.length < base + SLAB_PAGES) {
      const capacity = Math.max(base + SLAB_PAGES, this.next.length * 2)
      const next = new Int32Array(capacity)
      next.set(this.next)
      this.next = next
      const free = new Int32Array(capacity)
      free.set(this.free.subarray(0, this.freeCount))
      this.free = free
    }
    // The slab's first page is taken first.
    for (let i = SLAB_PAGES - 1; i >= 0; i--) this.free[this.freeCount++] = base + i
  }
}

const EMPTY = new Uint8Array(0)

/** A head's bytes laid end to end, for a reader (grown as needed; not kept at the size of an unusually long head). */
const GATHERED = 16 * 1024
const GATHERED_KEPT = 1 << 20
let gathered = new Uint8Array(GATHERED)

/**
 * A bit writer whose bytes are a chain of pages of `pages`: it writes into its newest page
 * (its margin takes the end of a write that runs past it) and, at the next write, moves what
 * ran over into a new page. reset() gives every page back.
 */
export class HeadBits extends BitWriter {
  private first = NONE
  private page = NONE
  /** Full pages before the newest. */
  private before = 0

  constructor(private readonly pages: HeadPages) {
    super(0)
    this.bytes = EMPTY
    this.limit = 0
  }

  override get bitLength(): number {
    return this.before * PAGE_BITS + this.bit
  }

  override get capacityBytes(): number {
    return this.page === NONE ? 0 : (this.before + 1) * SLOT_BYTES
  }

  /**
   * The bits written so far, zero-padded to whole bytes, laid end to end in a buffer every head
   * shares: valid until any head's view() is asked for again.
   */
  override view(): Uint8Array {
    const length = (this.bitLength + 7) >>> 3
    if (gathered.length < length) gathered = new Uint8Array(Math.max(length, gathered.length * 2))
    else if (gathered.length > GATHERED_KEPT && length <= GATHERED) gathered = new Uint8Array(GATHERED)
    let at = 0
    for (let page = this.first; page !== this.page; page = this.pages.nextOf(page), at += PAGE_BYTES) this.pages.copyPage(page, gathered, at)
    if (this.page !== NONE) gathered.set(this.bytes.subarray(0, length - at), at)
    return gathered.subarray(0, length)
  }

  override reset(): void {
    if (this.first !== NONE) this.pages.release(this.first)
    this.first = this.page = NONE
    this.before = this.bit = 0
    this.bytes = EMPTY
    this.limit = 0
  }

  protected override grow(): void {
    if (this.page === NONE) {
      this.first = this.page = this.pages.take()
      this.bytes = this.pages.slot(this.page)
      this.limit = PAGE_BYTES
      return
    }
    // A write that starts in the page runs on into its margin.
    if (this.bit < PAGE_BITS) return
    const page = this.pages.take()
    const next = this.pages.slot(page)
    next.set(this.bytes.subarray(PAGE_BYTES, (this.bit + 7) >>> 3))
    this.pages.link(this.page, page)
    this.page = page
    this.before++
    this.bit -= PAGE_BITS
    this.bytes = next
  }
}
