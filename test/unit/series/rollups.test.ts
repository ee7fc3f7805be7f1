import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { HOUR_MS, MINUTE_MS, rollUp, rollupKey } from '../../../src/main/base/series/rollups'
import type { SampleValue } from '../../../src/main/base/series/sample'
import { SeriesStore, type GroupKey } from '../../../src/main/base/series/series-store'
import { makeTempDir } from '../../helpers/temp-dir'

const T0 = Date.UTC(2026, 11, 1)
const iostat: GroupKey = { metric: 'iostat', labels: { server_id: 'a', disk: 'sda' }, columns: ['tps', 'service_time'] }

describe('roll-ups', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function open(dir?: string): { db: Db; store: SeriesStore; dir: string } {
    let where = dir
    if (!where) {
      const temp = makeTempDir('vigil-rollups-')
      cleanups.push(temp.remove)
      where = temp.dir
    }
    const db = openDb(join(where, 'vigil.db'))
    cleanups.push(() => db.open && db.close())
    return { db, store: new SeriesStore(db, { logDir: join(where, 'head') }), dir: where }
  }

  it('summarises raw rows per minute as SQL would: n rows; min, avg, max of the numbers', () => {
    const { db, store } = open()
    const source = store.groupId(iostat)
    // Rows every 10 s over 3 minutes, service_time missing now and then.
    const rows: Array<[number, SampleValue, SampleValue]> = []
    for (let i = 0; i < 18; i++) rows.push([T0 + i * 10_000, (i * 7) % 11 / 4, i % 4 === 0 ? null : i / 100])
    for (const [ts, tps, service] of rows) store.append(source, ts, [tps, service])
    expect(rollUp(store, store.group(source)!, MINUTE_MS, T0 + 3 * MINUTE_MS)).toBe(3)

    db.exec('CREATE TEMP TABLE raw (ts INTEGER, tps REAL, service_time REAL)')
    const insert = db.prepare('INSERT INTO raw VALUES (?, ?, ?)')
    for (const row of rows) insert.run(...row)
    const expected = db
      .prepare(
        `SELECT (ts / 60000) * 60000 AS bucket, COUNT(*), MIN(tps), AVG(tps), MAX(tps), MIN(service_time), AVG(service_time), MAX(service_time)
           FROM raw GROUP BY bucket ORDER BY bucket`
      )
      .raw()
      .all() as number[][]
    const minute = store.groupId(rollupKey(iostat, MINUTE_MS))
    const stored = store.read(minute, 0, Infinity)
    expect(stored.ts).toEqual(expected.map((row) => row[0]))
    expect(stored.columns).toEqual(Array.from({ length: 7 }, (_, c) => expected.map((row) => row[c + 1] ?? null)))
    expect(store.group(minute)?.columns).toEqual(['n', 'tps_min', 'tps_avg', 'tps_max', 'service_time_min', 'service_time_avg', 'service_time_max'])
  })

  it('averages like SQLite for any values (its sums are compensated)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), (values) => {
        const { db, store } = open()
        const source = store.groupId({ metric: 'm', labels: {}, columns: ['v'] })
        values.forEach((value, i) => store.append(source, T0 + i * 1000, [value]))
        rollUp(store, store.group(source)!, MINUTE_MS, T0 + 2 * MINUTE_MS)
        db.exec('CREATE TEMP TABLE IF NOT EXISTS raw (v REAL)')
        const insert = db.prepare('INSERT INTO raw VALUES (?)')
        for (const value of values) insert.run(value)
        const avg = db.prepare('SELECT AVG(v) FROM raw').pluck().get()
        const minute = store.read(store.groupId(rollupKey({ metric: 'm', labels: {}, columns: ['v'] }, MINUTE_MS)), 0, Infinity)
        expect(minute.columns[2]).toEqual([avg])
      }),
      { numRuns: 40 }
    )
  })

  it('builds hours from minutes, weighting each minute by its rows, and carries on where it stopped', () => {
    const { dir, store } = open()
    const source = store.groupId(iostat)
    for (let i = 0; i < 150; i++) store.append(source, T0 + i * MINUTE_MS, [i % 2 === 0 ? 1 : 3, 0.5])
    // Minutes up to 01:40; the hour roll-up takes only the whole hour before.
    expect(rollUp(store, store.group(source)!, MINUTE_MS, T0 + 100 * MINUTE_MS)).toBe(100)
    const minute = store.group(store.groupId(rollupKey(iostat, MINUTE_MS)))!
    expect(rollUp(store, minute, HOUR_MS, T0 + 100 * MINUTE_MS)).toBe(1)
    // Nothing new: nothing written.
    expect(rollUp(store, store.group(source)!, MINUTE_MS, T0 + 100 * MINUTE_MS)).toBe(0)
    store.flush()

    // A restart (crash: no close) carries on from the newest bucket it finds.
    const again = open(dir).store
    expect(rollUp(again, again.group(source)!, MINUTE_MS, T0 + 150 * MINUTE_MS)).toBe(50)
    expect(rollUp(again, again.group(minute.id)!, HOUR_MS, T0 + 150 * MINUTE_MS)).toBe(1)
    const hours = again.read(again.groupId(rollupKey(rollupKey(iostat, MINUTE_MS), HOUR_MS)), 0, Infinity)
    expect(hours.ts).toEqual([T0, T0 + HOUR_MS])
    expect(hours.columns[0]).toEqual([60, 60])
    expect(hours.columns.slice(1, 4)).toEqual([[1, 1], [2, 2], [3, 3]])
  })
})
