// Go's sort.Sort (the pattern-defeating quicksort of Go 1.19, which built Debian's Prometheus
// 2.42), container/heap and sort.Search, step for step. Prometheus sorts with comparators that
// are not strict orders (NaN is "less" than everything, itself included) and sorts unstably, so
// the order of ties and NaNs in sort(), topk(), quantile() etc. is whatever these exact steps
// produce; a textbook sort would give the same values in another order.

/** Whether `a` goes before `b`. */
export type Less<T> = (a: T, b: T) => boolean

/** Go's sort.Sort(data) over an array, in place. */
export function goSort<T>(items: T[], less: Less<T>): void {
  const n = items.length
  if (n <= 1) return
  new PatternDefeatingSort(items, less).sort(0, n, bitLength(n))
}

/** sort.Reverse: the same sort with the comparator's arguments swapped. */
export function reversed<T>(less: Less<T>): Less<T> {
  return (a, b) => less(b, a)
}

/** sort.Search: the smallest i in [0, n) for which `f(i)` holds, assuming it stays true after; n if none. */
export function goSearch(n: number, f: (i: number) => boolean): number {
  let low = 0
  let high = n
  while (low < high) {
    const middle = (low + high) >>> 1
    if (f(middle)) high = middle
    else low = middle + 1
  }
  return low
}

/** container/heap's Push: append, then sift the new element up. */
export function heapPush<T>(heap: T[], item: T, less: Less<T>): void {
  heap.push(item)
  siftUp(heap, heap.length - 1, less)
}

/** container/heap's Pop: the root goes last, the heap is restored over the rest, the last is removed. */
export function heapPop<T>(heap: T[], less: Less<T>): T | undefined {
  const last = heap.length - 1
  swap(heap, 0, last)
  siftDownHeap(heap, 0, last, less)
  return heap.pop()
}

function siftUp<T>(heap: T[], index: number, less: Less<T>): void {
  let child = index
  while (child > 0) {
    const parent = (child - 1) >> 1
    if (!less(heap[child] as T, heap[parent] as T)) break
    swap(heap, parent, child)
    child = parent
  }
}

function siftDownHeap<T>(heap: T[], index: number, n: number, less: Less<T>): void {
  let parent = index
  for (;;) {
    const left = 2 * parent + 1
    if (left >= n) break
    let child = left
    if (left + 1 < n && less(heap[left + 1] as T, heap[left] as T)) child = left + 1
    if (!less(heap[child] as T, heap[parent] as T)) break
    swap(heap, parent, child)
    parent = child
  }
}

function swap<T>(items: T[], i: number, j: number): void {
  const item = items[i] as T
  items[i] = items[j] as T
  items[j] = item
}

/** bits.Len: the number of bits needed to write n. */
function bitLength(n: number): number {
  return 32 - Math.clz32(n)
}

const MAX_INSERTION = 12
const SHORTEST_NINTHER = 50
const MAX_SWAPS = 4 * 3
const MAX_STEPS = 5
const SHORTEST_SHIFTING = 50

type Hint = 'unknown' | 'increasing' | 'decreasing'

/** pdqsort over index ranges [a, b) of one array, as Go 1.19's sort package runs it. */
class PatternDefeatingSort<T> {
  constructor(
    private readonly items: T[],
    private readonly lessThan: Less<T>
  ) {}

  sort(a: number, b: number, limit: number): void {
    let wasBalanced = true
    let wasPartitioned = true
    for (;;) {
      const length = b - a
      if (length <= MAX_INSERTION) {
        this.insertionSort(a, b)
        return
      }
      // Too many bad pivots: heapsort guarantees n·log n.
      if (limit === 0) {
        this.heapSort(a, b)
        return
      }
      if (!wasBalanced) {
        this.breakPatterns(a, b)
        limit--
      }
      let [pivot, hint] = this.choosePivot(a, b)
      if (hint === 'decreasing') {
        this.reverseRange(a, b)
        pivot = b - 1 - (pivot - a)
        hint = 'increasing'
      }
      // Likely sorted already: a few insertion steps may finish it.
      if (wasBalanced && wasPartitioned && hint === 'increasing' && this.partialInsertionSort(a, b)) return
      // The element before the range is not less than the pivot: many equal elements.
      if (a > 0 && !this.less(a - 1, pivot)) {
        a = this.partitionEqual(a, b, pivot)
        continue
      }
      const [mid, alreadyPartitioned] = this.partition(a, b, pivot)
      wasPartitioned = alreadyPartitioned
      const leftLength = mid - a
      const rightLength = b - mid
      const balanceThreshold = Math.trunc(length / 8)
      if (leftLength < rightLength) {
        wasBalanced = leftLength >= balanceThreshold
        this.sort(a, mid, limit)
        a = mid + 1
      } else {
        wasBalanced = rightLength >= balanceThreshold
        this.sort(mid + 1, b, limit)
        b = mid
      }
    }
  }

  private less(i: number, j: number): boolean {
    return this.lessThan(this.items[i] as T, this.items[j] as T)
  }

  private swap(i: number, j: number): void {
    swap(this.items, i, j)
  }

  private insertionSort(a: number, b: number): void {
    for (let i = a + 1; i < b; i++) {
      for (let j = i; j > a && this.less(j, j - 1); j--) this.swap(j, j - 1)
    }
  }

  private siftDown(low: number, high: number, first: number): void {
    let root = low
    for (;;) {
      let child = 2 * root + 1
      if (child >= high) return
      if (child + 1 < high && this.less(first + child, first + child + 1)) child++
      if (!this.less(first + root, first + child)) return
      this.swap(first + root, first + child)
      root = child
    }
  }

  private heapSort(a: number, b: number): void {
    const first = a
    const high = b - a
    for (let i = Math.trunc((high - 1) / 2); i >= 0; i--) this.siftDown(i, high, first)
    for (let i = high - 1; i >= 0; i--) {
      this.swap(first, first + i)
      this.siftDown(0, i, first)
    }
  }

  /** Moves the elements less than the pivot before it; returns the pivot's place and whether nothing moved. */
  private partition(a: number, b: number, pivot: number): [number, boolean] {
    this.swap(a, pivot)
    let i = a + 1
    let j = b - 1
    while (i <= j && this.less(i, a)) i++
    while (i <= j && !this.less(j, a)) j--
    if (i > j) {
      this.swap(j, a)
      return [j, true]
    }
    this.swap(i, j)
    i++
    j--
    for (;;) {
      while (i <= j && this.less(i, a)) i++
      while (i <= j && !this.less(j, a)) j--
      if (i > j) break
      this.swap(i, j)
      i++
      j--
    }
    this.swap(j, a)
    return [j, false]
  }

  /** Puts the elements equal to the pivot first (none is less); returns where the greater ones start. */
  private partitionEqual(a: number, b: number, pivot: number): number {
    this.swap(a, pivot)
    let i = a + 1
    let j = b - 1
    for (;;) {
      while (i <= j && !this.less(a, i)) i++
      while (i <= j && this.less(a, j)) j--
      if (i > j) break
      this.swap(i, j)
      i++
      j--
    }
    return i
  }

  private partialInsertionSort(a: number, b: number): boolean {
    let i = a + 1
    for (let step = 0; step < MAX_STEPS; step++) {
      while (i < b && !this.less(i, i - 1)) i++
      if (i === b) return true
      if (b - a < SHORTEST_SHIFTING) return false
      this.swap(i, i - 1)
      // The smaller element moves left, the greater one right.
      if (i - a >= 2) {
        for (let j = i - 1; j >= 1; j--) {
          if (!this.less(j, j - 1)) break
          this.swap(j, j - 1)
        }
      }
      if (b - i >= 2) {
        for (let j = i + 1; j < b; j++) {
          if (!this.less(j, j - 1)) break
          this.swap(j, j - 1)
        }
      }
    }
    return false
  }

  /** Swaps three middle elements with pseudo-random ones (an xorshift seeded with the length). */
  private breakPatterns(a: number, b: number): void {
    const length = b - a
    if (length < 8) return
    let random = BigInt(length)
    const mask = BigInt((2 ** bitLength(length)) - 1)
    const next = (): bigint => {
      random = BigInt.asUintN(64, random ^ (random << 13n))
      random ^= random >> 17n
      random = BigInt.asUintN(64, random ^ (random << 5n))
      return random
    }
    const middle = a + Math.trunc(length / 4) * 2
    for (let index = middle - 1; index <= middle + 1; index++) {
      let other = Number(next() & mask)
      if (other >= length) other -= length
      this.swap(index, a + other)
    }
  }

  /** A pivot index (static, median of three, or Tukey's ninther by size) and what the samples hint. */
  private choosePivot(a: number, b: number): [number, Hint] {
    const length = b - a
    const quarter = Math.trunc(length / 4)
    const swaps = { count: 0 }
    let i = a + quarter
    let j = a + quarter * 2
    let k = a + quarter * 3
    if (length >= 8) {
      if (length >= SHORTEST_NINTHER) {
        i = this.median(i - 1, i, i + 1, swaps)
        j = this.median(j - 1, j, j + 1, swaps)
        k = this.median(k - 1, k, k + 1, swaps)
      }
      j = this.median(i, j, k, swaps)
    }
    if (swaps.count === 0) return [j, 'increasing']
    return [j, swaps.count === MAX_SWAPS ? 'decreasing' : 'unknown']
  }

  private median(a: number, b: number, c: number, swaps: { count: number }): number {
    const order = (x: number, y: number): [number, number] => {
      if (this.less(y, x)) {
        swaps.count++
        return [y, x]
      }
      return [x, y]
    }
    ;[a, b] = order(a, b)
    ;[b, c] = order(b, c)
    ;[a, b] = order(a, b)
    return b
  }

  private reverseRange(a: number, b: number): void {
    for (let i = a, j = b - 1; i < j; i++, j--) this.swap(i, j)
  }
}
