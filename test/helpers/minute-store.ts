import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { openDb, type Db } from '../../src/main/base/db/db'
import { SeriesStore } from '../../src/main/base/series/series-store'

export const T0 = 1_764_633_600_000
export const MINUTE = 60_000

/**
 * A series store on `dir` with a clock of its own that rotates every minute and cuts heads at 4
 * rows: `minutes(n, each)` calls `each`, moves the clock a minute and flushes, n times. Ended
 * groups leave the working set `endedGraceMs` after their last sample: with 5 minutes (more than
 * the catalogue's period of 4 rotations) at a catalogue write; with less, parked before one.
 * `leavingPerFlush`: how many groups a rotation let go leave the working set at a flush (the
 * store's default when absent).
 * Its database is closed by the function pushed on `cleanups`, unless the test closed it (a
 * crash is the store dropped without close).
 */
export function openMinuteStore(dir: string, cleanups: Array<() => void>, start = T0, endedGraceMs = 5 * MINUTE, leavingPerFlush?: number) {
  let now = start
  const db = openDb(join(dir, 'vigil.db'))
  const store = new SeriesStore(db, { logDir: join(dir, 'series-head'), headRows: 4, firstCutSpread: 0, cutEveryMs: MINUTE, endedGraceMs, leavingPerFlush, now: () => now })
  cleanups.push(() => db.open && db.close())
  return {
    db,
    store,
    get now() {
      return now
    },
    minutes(count: number, each: (minute: number) => void = () => {}): void {
      for (let minute = 0; minute < count; minute++) {
        each(minute)
        now += MINUTE
        store.flush()
      }
    }
  }
}

/** A group's row in series_groups: where it says the group ends, and whether it ended. */
export function groupRow(db: Db, id: number): { next_seq: number; last_ts: number | null; ended: number } | undefined {
  return db.prepare('SELECT next_seq, last_ts, ended FROM series_groups WHERE id = ?').get(id) as { next_seq: number; last_ts: number | null; ended: number } | undefined
}

/** The head log's segment files under a store's `dir`, oldest first. */
export function logSegments(dir: string): string[] {
  return readdirSync(join(dir, 'series-head')).sort()
}
