// SeriesStore.readPage: a page of a group's rows and their total, as paging what read() returns
// (staleness markers left out) would give, wherever the rows are — chunks in SQLite, chunks
// waiting to be written, the head — and however the range and the page cut them.
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { isStaleRow, STALE, type SampleValue } from '../../../src/main/base/series/sample'
import { SeriesStore, type PageQuery, type RowPage } from '../../../src/main/base/series/series-store'

const T0 = 1_764_633_600_000
const at = (i: number): number => T0 + i * 5000

describe('series store pages', () => {
  const dbs: Array<{ close(): void }> = []
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close()
  })

  /** Heads of 4 rows, in memory: 10 rows are two chunks and a head of 2. */
  function open(): SeriesStore {
    const db = openDb(':memory:')
    dbs.push(db)
    return new SeriesStore(db, { logDir: null, headRows: 4, firstCutSpread: 0 })
  }

  /** What a page must be: read()'s rows without staleness markers, sliced. */
  function expected(store: SeriesStore, id: number, { start, end, offset, limit }: PageQuery): RowPage {
    const range = store.read(id, start, end)
    const kept = range.ts.map((_, r) => r).filter((r) => !isStaleRow(range.columns, r))
    const rows = limit < 0 ? kept.slice(offset) : kept.slice(offset, offset + limit)
    return {
      rows: { ts: rows.map((r) => range.ts[r] as number), seq: rows.map((r) => range.seq[r] as number), columns: range.columns.map((column) => rows.map((r) => column[r] as SampleValue)) },
      total: kept.length
    }
  }

  /** Every page over ranges that start and end between rows, on rows and around the ends. */
  function expectEveryPage(store: SeriesStore, id: number, rows: number): void {
    const edges = [at(-1), at(0), at(0.5), at(3), at(4.5), at(7), at(rows - 1), at(rows - 0.5), at(rows + 3)]
    for (const start of edges) {
      for (const end of edges) {
        for (const offset of [0, 1, 3, 4, 5, 9, rows - 1, rows, rows + 5]) {
          for (const limit of [-1, 0, 1, 3, 4, 100]) {
            const query = { start, end, offset, limit }
            expect(store.readPage(id, query), JSON.stringify(query)).toEqual(expected(store, id, query))
          }
        }
      }
    }
  }

  it('counts and pages rows in stored chunks, waiting chunks and the head, ranges cutting chunks mid-way', () => {
    const store = open()
    const id = store.groupId({ metric: 'vmstat', labels: { server_id: 'a' }, columns: ['us', 'sy'] })
    for (let i = 0; i < 10; i++) store.append(id, at(i), [i, i % 3 === 0 ? null : 0.5])
    // Two chunks waiting to be written, two rows in the head.
    expectEveryPage(store, id, 10)
    store.cutAll()
    for (let i = 10; i < 16; i++) store.append(id, at(i), [i, 1.25])
    // Three chunks in SQLite, one waiting, two rows in the head.
    expectEveryPage(store, id, 16)

    // Rows 3 to 12 are in range; the page is the 3rd to the 5th of them: rows 5, 6 and 7.
    const page = store.readPage(id, { start: at(2.5), end: at(12), offset: 2, limit: 3 })
    expect(page).toEqual({ rows: { ts: [at(5), at(6), at(7)], seq: [5, 6, 7], columns: [[5, 6, 7], [0.5, null, 0.5]] }, total: 10 })
    // Past the last row: no rows, the same total.
    expect(store.readPage(id, { start: at(2.5), end: at(12), offset: 10, limit: 3 })).toEqual({ rows: { ts: [], seq: [], columns: [[], []] }, total: 10 })
  })

  it('leaves staleness markers out of the rows and the total; a row only partly stale is a sample', () => {
    const store = open()
    const id = store.groupId({ metric: 'process', labels: { server_id: 'a', pid: '42' }, columns: ['cpu', 'mem'] })
    const rows: SampleValue[][] = [[1, 1], [STALE, STALE], [2, STALE], [3, 3], [4, 4], [STALE, STALE], [5, 5], [6, 6], [7, 7], [STALE, STALE]]
    rows.forEach((row, i) => store.append(id, at(i), row))
    store.cutAll()
    rows.forEach((row, i) => store.append(id, at(10 + i), row))
    // Markers in SQLite, in a waiting chunk and in the head.
    expectEveryPage(store, id, 20)
    const page = store.readPage(id, { start: at(0), end: at(9), offset: 1, limit: 3 })
    expect(page).toEqual({ rows: { ts: [at(2), at(3), at(4)], seq: [2, 3, 4], columns: [[2, 3, 4], [STALE, 3, 4]] }, total: 7 })
    expect(store.readPage(id, { start: at(0), end: at(19), offset: 0, limit: 0 }).total).toBe(14)
  })

  it('pages rows of chunks that overlap in time (a late sample) in time order', () => {
    const store = open()
    const id = store.groupId({ metric: 'vmstat', labels: { server_id: 'a' }, columns: ['us'] })
    for (const i of [2, 3, 0, 1, 4, 5, 6, 7, 8]) store.append(id, at(i), [i])
    store.cutAll()
    store.append(id, at(1.5), [1.5])
    expectEveryPage(store, id, 10)
    expect(store.readPage(id, { start: at(0), end: at(9), offset: 1, limit: 3 }).rows.ts).toEqual([at(1), at(1.5), at(2)])
  })

  it('has no rows for an unknown group or a range that ends before it starts', () => {
    const store = open()
    const id = store.groupId({ metric: 'vmstat', labels: { server_id: 'a' }, columns: ['us', 'sy'] })
    store.append(id, at(0), [1, 2])
    expect(store.readPage(id, { start: at(1), end: at(0), offset: 0, limit: -1 })).toEqual({ rows: { ts: [], seq: [], columns: [[], []] }, total: 0 })
    expect(store.readPage(id + 1, { start: 0, end: Infinity, offset: 0, limit: -1 })).toEqual({ rows: { ts: [], seq: [], columns: [] }, total: 0 })
  })
})
