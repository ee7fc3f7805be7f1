import { describe, expect, it } from 'vitest'
import { goSearch, goSort, heapPop, heapPush, reversed } from '../../../src/main/prometheus/promql/kernels/go-sort'
import { seededRandom } from '../../helpers/seeded-random'

const ascending = (a: number, b: number): boolean => a < b

describe("Go's sort.Sort, container/heap and sort.Search", () => {
  it('sorts any length correctly under a strict order', () => {
    const random = seededRandom(7)
    for (const length of [0, 1, 2, 5, 12, 13, 49, 50, 51, 200, 1000]) {
      for (const spread of [3, 1e6]) {
        const values = Array.from({ length }, () => Math.floor(random() * spread))
        const sorted = [...values]
        goSort(sorted, ascending)
        expect(sorted).toEqual([...values].sort((a, b) => a - b))
      }
    }
    const descending = Array.from({ length: 300 }, (_, i) => 300 - i)
    goSort(descending, ascending)
    expect(descending).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
  })

  it('sorts up to 12 elements by plain insertion: ties keep their order', () => {
    const items = [3, 1, 2, 1, 3, 2].map((v, i) => ({ v, i }))
    goSort(items, (a, b) => a.v < b.v)
    expect(items.map((x) => x.i)).toEqual([1, 3, 2, 5, 0, 4])
    goSort(items, reversed((a, b) => a.v < b.v))
    expect(items.map((x) => x.i)).toEqual([0, 4, 2, 5, 1, 3])
  })

  it('keeps the heap property through pushes and pops', () => {
    const random = seededRandom(3)
    const heap: number[] = []
    for (let i = 0; i < 200; i++) heapPush(heap, Math.floor(random() * 50), ascending)
    const popped: number[] = []
    while (heap.length > 0) popped.push(heapPop(heap, ascending) as number)
    expect(popped).toEqual([...popped].sort((a, b) => a - b))
  })

  it('searches for the first index where a predicate holds', () => {
    const counts = [1, 3, 3, 7]
    expect(goSearch(4, (i) => (counts[i] as number) >= 3)).toBe(1)
    expect(goSearch(4, (i) => (counts[i] as number) >= 8)).toBe(4)
    expect(goSearch(0, () => true)).toBe(0)
  })
})
