// Rows of many groups, each in time order, read as one list in time order — a k-way merge that
// stops at the page asked for, so a page near the start of a long range costs what it holds.

export interface RowSource {
  /** Row times, ascending. */
  ts: readonly number[]
}

/** A row of the merged list: which source, which row of it. */
export interface RowRef {
  source: number
  row: number
}

/** Orders rows of equal time: negative when row `a` of source `sa` comes first. */
export type TieBreak = (sa: number, a: number, sb: number, b: number) => number

/** The rows at [offset, offset + limit) of the sources merged by time, then `tieBreak`; limit -1 is all. */
export function mergePage(sources: readonly RowSource[], tieBreak: TieBreak, offset: number, limit: number): RowRef[] {
  const end = limit < 0 ? Infinity : offset + limit
  const page: RowRef[] = []
  const next = sources.map(() => 0)
  const before = (sa: number, sb: number): boolean => {
    const a = next[sa] as number
    const b = next[sb] as number
    const ta = (sources[sa] as RowSource).ts[a] as number
    const tb = (sources[sb] as RowSource).ts[b] as number
    return ta !== tb ? ta < tb : tieBreak(sa, a, sb, b) < 0
  }
  const heap = new SourceHeap(before)
  sources.forEach((source, s) => source.ts.length > 0 && heap.push(s))
  for (let position = 0; position < end && heap.size > 0; position++) {
    const s = heap.top
    if (position >= offset) page.push({ source: s, row: next[s] as number })
    next[s] = (next[s] as number) + 1
    if ((next[s] as number) < (sources[s] as RowSource).ts.length) heap.replaceTop(s)
    else heap.pop()
  }
  return page
}

/** A binary min-heap of source indexes, ordered by their current rows. */
class SourceHeap {
  private readonly items: number[] = []

  constructor(private readonly before: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.items.length
  }

  get top(): number {
    return this.items[0] as number
  }

  push(item: number): void {
    this.items.push(item)
    let at = this.items.length - 1
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (!this.before(this.items[at] as number, this.items[parent] as number)) break
      this.swap(at, parent)
      at = parent
    }
  }

  pop(): void {
    const last = this.items.pop() as number
    if (this.items.length > 0) this.replaceTop(last)
  }

  /** Puts `item` at the top (its row moved on) and restores the order. */
  replaceTop(item: number): void {
    this.items[0] = item
    let at = 0
    for (;;) {
      const left = 2 * at + 1
      const right = left + 1
      let first = at
      if (left < this.items.length && this.before(this.items[left] as number, this.items[first] as number)) first = left
      if (right < this.items.length && this.before(this.items[right] as number, this.items[first] as number)) first = right
      if (first === at) return
      this.swap(at, first)
      at = first
    }
  }

  private swap(a: number, b: number): void {
    const item = this.items[a] as number
    this.items[a] = this.items[b] as number
    this.items[b] = item
  }
}
