// The series store (src/main/base/series) as bench/store-size.ts drives a store: each batch row
// becomes a sample of its group (one server's vmstat, one disk, one interface, one process)
// through the mapping the metrics will use when they move in (metrics/series-mapping.ts).
// Roll-ups as the store computes them (1 min from samples, 1 h from minutes).
import { statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { openDb } from '../src/main/base/db/db'
import { HOUR_MS, MINUTE_MS, rollUp, rollupKey } from '../src/main/base/series/rollups'
import { SeriesStore } from '../src/main/base/series/series-store'
import { ROLLED_UP } from '../src/main/metrics/metrics-repo'
import { sampleGroupKey, sampleRow } from '../src/main/metrics/series-mapping'
import type { StoreFactory, StorePart } from './store-size'

/** Samples may land this late and still count in their bucket (as MetricsMaintenance has it). */
const LATENESS_MS = 15_000

export const seriesStore: StoreFactory = (dir) => {
  const file = join(dir, 'vigil.db')
  const db = openDb(file)
  let now = 0
  const store = new SeriesStore(db, { logDir: join(dir, 'series-head'), now: () => now })
  return {
    name: 'series store (chunks in SQLite, head log)',
    write(batches) {
      for (const batch of batches) {
        now = Math.max(now, batch.ts)
        // What the metrics writer does with each row: its group by key (labels always named in
        // the same order), then the row in the group's column order.
        for (const row of batch.rows) store.append(store.groupId(sampleGroupKey(batch.metric, batch.serverId, row)), batch.ts, sampleRow(batch.metric, row))
      }
    },
    flush: () => store.flush(),
    checkpoint() {
      store.cutAll()
      db.pragma('wal_checkpoint(TRUNCATE)')
    },
    maintain(nowMs) {
      now = nowMs
      const settled = nowMs - LATENESS_MS
      for (const metric of ROLLED_UP) {
        for (const group of store.select([{ name: '__name__', op: '=', value: metric }])) {
          rollUp(store, group, MINUTE_MS, settled)
          const minute = store.group(store.groupId(rollupKey(group, MINUTE_MS)))
          // Hours are built from minutes, so they go as far as the newest whole minute.
          const minutesUntil = minute ? store.lastTs(minute.id) : null
          if (minute && minutesUntil !== null) rollUp(store, minute, HOUR_MS, minutesUntil + MINUTE_MS)
        }
      }
      store.cutAll()
    },
    bytesOnDisk() {
      const logDir = join(dir, 'series-head')
      const log = readdirSync(logDir).reduce((sum, name) => sum + statSync(join(logDir, name)).size, 0)
      const total = statSync(file).size + log
      const pages = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{ name: string; bytes: number }>
      const parts = pages.map(({ name, bytes }): StorePart => ({
        name,
        kind: name === 'series_chunks' ? 'samples' : name.startsWith('series_') || name.startsWith('sqlite_autoindex_series') ? 'samples-index' : 'other',
        metric: null,
        bytes
      }))
      parts.push({ name: 'series-head (log)', kind: 'other', metric: null, bytes: log })
      parts.push({ name: '(free pages)', kind: 'free', metric: null, bytes: statSync(file).size - pages.reduce((sum, part) => sum + part.bytes, 0) })
      return { total, parts }
    },
    close() {
      store.close()
      db.close()
    }
  }
}
