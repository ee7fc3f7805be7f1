// SeriesStore.scan: many groups' rows in a range, part by part in reused typed arrays, are the
// rows read() gives each group (staleness markers included) — wherever they are kept, when a
// late sample makes chunks overlap in time, and for groups that ended and left memory.
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { ROW_NULL, ROW_NUMBER, ROW_STALE, type ColumnarRows } from '../../../src/main/base/series/columnar-rows'
import { STALE, type SampleValue } from '../../../src/main/base/series/sample'
import { SeriesStore, type SeriesRange } from '../../../src/main/base/series/series-store'

const T0 = 1_764_633_600_000
const at = (i: number): number => T0 + i * 5000

describe('series store scan', () => {
  const dbs: Array<{ close(): void }> = []
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close()
  })

  /** What scan() hands over, group by group, as read() gives it. */
  function scanned(store: SeriesStore, ids: number[], start: number, end: number): Array<{ ts: number[]; columns: SampleValue[][] }> {
    const out = ids.map(() => ({ ts: [] as number[], columns: [] as SampleValue[][] }))
    let previous = -1
    store.scan(ids, start, end, (index, rows: ColumnarRows, from, to) => {
      // Groups come in the order given, each whole before the next.
      expect(index).toBeGreaterThanOrEqual(previous)
      previous = index
      const group = out[index] as (typeof out)[number]
      for (let c = 0; c < rows.columnCount; c++) group.columns[c] ??= []
      for (let r = from; r < to; r++) {
        group.ts.push(rows.ts[r] as number)
        for (let c = 0; c < rows.columnCount; c++) {
          const kind = rows.kinds[c]?.[r] ?? ROW_NUMBER
          const value: SampleValue = kind === ROW_NUMBER ? (rows.values[c]?.[r] as number) : kind === ROW_STALE ? STALE : kind === ROW_NULL ? null : -1
          ;(group.columns[c] as SampleValue[]).push(value)
        }
      }
    })
    return out
  }

  const asRead = (range: SeriesRange, columns: number) => ({
    ts: range.ts,
    columns: range.ts.length === 0 ? [] : Array.from({ length: columns }, (_, c) => range.columns[c] ?? [])
  })

  it('gives every group the rows read() does: chunks stored and waiting, heads, late samples, markers, groups out of memory', () => {
    let clock = at(0)
    const db = openDb(':memory:')
    dbs.push(db)
    const store = new SeriesStore(db, { logDir: null, headRows: 6, firstCutSpread: 0, cutEveryMs: 60_000, endedGraceMs: 60_000, now: () => clock })
    const ids = Array.from({ length: 5 }, (_, g) => store.groupId({ metric: 'process', labels: { server_id: 's', pid: String(g) }, columns: ['cpu', 'mem'] }))
    for (let i = 0; i < 80; i++) {
      clock = at(i)
      ids.forEach((id, g) => {
        if (g === 1 && i > 20) return
        if (g === 1 && i === 20) return void store.append(id, at(i), [STALE, STALE])
        // A late sample: older than the head's newest, it starts a chunk that overlaps.
        if (g === 2 && i % 13 === 12) store.append(id, at(i) - 7000, [0.5, 1])
        store.append(id, at(i), [g === 3 && i % 4 === 0 ? null : i / 10 + g, i % 9 === 0 ? 1.25 : i])
      })
      store.flush()
    }
    // Group 1 ended and, after the grace, left memory.
    expect(store.group(ids[1] as number)).toBeUndefined()
    for (const [start, end] of [
      [at(0), at(79)],
      [at(3) + 1, at(41)],
      [at(19), at(21)],
      [at(70), at(200)],
      [at(90), at(100)]
    ] as Array<[number, number]>) {
      const got = scanned(store, ids, start, end)
      ids.forEach((id, g) => expect(got[g], `group ${g} in [${start}, ${end}]`).toEqual(asRead(store.read(id, start, end), 2)))
    }
    expect(scanned(store, [...ids].reverse(), at(0), at(79))).toEqual([...ids].reverse().map((id) => asRead(store.read(id, at(0), at(79)), 2)))
  })
})
