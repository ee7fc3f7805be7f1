import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { SeriesStore, type GroupKey } from '../../../src/main/base/series/series-store'
import { MINUTE, T0 } from '../../helpers/minute-store'
import { makeTempDir } from '../../helpers/temp-dir'

const slow: GroupKey = { metric: 'process', labels: { server_id: 'a', pid: '7' }, columns: ['cpu'] }
const fast: GroupKey = { metric: 'vmstat', labels: { server_id: 'a' }, columns: ['us'] }
const SECOND = 1000

/**
 * A head the next rotation would cut for its age (and that would not fill before it) is cut at
 * a flush in the last third of the period instead: heads that came of age together are cut a
 * few at a flush, not all in the rotation. One that will fill before the rotation is left to fill.
 */
describe('series store: heads cut as they come of age', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  it('cuts a slow head in the flushes before the rotation that would cut it for its age, a fast one when full', () => {
    const temp = makeTempDir('vigil-aging-')
    cleanups.push(temp.remove)
    const db = openDb(join(temp.dir, 'vigil.db'))
    cleanups.push(() => db.open && db.close())
    let now = T0
    // Rotations every minute; heads of 24 rows, or 3 minutes old.
    const store = new SeriesStore(db, { logDir: join(temp.dir, 'series-head'), headRows: 24, cutEveryMs: MINUTE, maxHeadAgeMs: 3 * MINUTE, firstCutSpread: 0, now: () => now })
    const slowId = store.groupId(slow)
    const fastId = store.groupId(fast)
    // A flush every 2.5 s. The slow group gets a row every 10 s from 0 (19 by the third rotation,
    // at 3:00, which would cut it for its age); the fast one every 7.5 s from 0:05 (its 24th row,
    // which fills it, at 2:57.5).
    for (let at = T0; at < T0 + 3 * MINUTE + 30 * SECOND; at += 2500) {
      now = at
      if ((at - T0) % (10 * SECOND) === 0) store.append(slowId, at, [(at - T0) / SECOND])
      if (at >= T0 + 5 * SECOND && (at - T0 - 5 * SECOND) % 7500 === 0) store.append(fastId, at, [1])
      store.flush()
    }
    store.close()
    const chunks = (id: number) => db.prepare('SELECT start_ts - ? AS start, rows FROM series_chunks WHERE group_id = ? ORDER BY start_ts').all(T0, id)
    // The slow head is cut at the first flush of the period's last third (2:40), with 17 rows;
    // the fast one, which fills before the rotation, when full, as ever.
    expect(chunks(slowId)).toEqual([
      { start: 0, rows: 17 },
      { start: 170 * SECOND, rows: 4 }
    ])
    expect(chunks(fastId)).toEqual([
      { start: 5 * SECOND, rows: 24 },
      { start: 185 * SECOND, rows: 4 }
    ])
    expect(store.read(slowId, T0, T0 + 10 * MINUTE).columns[0]).toEqual(Array.from({ length: 21 }, (_, i) => i * 10))
  })
})
