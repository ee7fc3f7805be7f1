// The series store (src/main/base/series) as bench/store-size.ts drives a store, through Vigil's
// own path: MetricsWriter → MetricsStore (each row a sample of its group: one server's vmstat,
// one disk, one interface, one process) → the store's heads, log and chunks; roll-ups and
// retention by MetricsMaintenance, ticked each simulated minute as its timer does.
import { statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { EventBus } from '../src/main/base/bus'
import { openDb } from '../src/main/base/db/db'
import { SeriesStore } from '../src/main/base/series/series-store'
import { DEFAULT_RETENTION, MetricsMaintenance } from '../src/main/metrics/metrics-maintenance'
import { MetricsStore } from '../src/main/metrics/metrics-store'
import { DEFAULT_WRITER_OPTIONS, MetricsWriter } from '../src/main/metrics/metrics-writer'
import type { StoreFactory, StorePart } from './store-size'
import { WriteAccounting } from './write-accounting'

export const seriesStore: StoreFactory = (dir, _servers, options) => {
  const file = join(dir, 'vigil.db')
  const db = openDb(file)
  let now = 0
  const accounting = options?.account ? new WriteAccounting(db, file, () => now) : null
  // The head log's bytes: each segment's largest size seen (segments are only appended to).
  const logDir = join(dir, 'series-head')
  const segmentBytes = new Map<string, number>()
  let accounted = false
  const measureLog = (): void => {
    for (const name of readdirSync(logDir)) {
      const size = statSync(join(logDir, name), { throwIfNoEntry: false })?.size ?? 0
      if (size > (segmentBytes.get(name) ?? 0)) segmentBytes.set(name, size)
    }
  }
  const store = new SeriesStore(db, { logDir: join(dir, 'series-head'), now: () => now })
  const metrics = new MetricsStore(store)
  // A batch the store refuses is a broken benchmark, not a sample to drop.
  const writer = new MetricsWriter(metrics, { markSeen: () => {} }, new EventBus(), DEFAULT_WRITER_OPTIONS, (error) => {
    throw error
  })
  const maintenance = new MetricsMaintenance(metrics, DEFAULT_RETENTION, () => now)
  return {
    name: 'series store (chunks in SQLite, head log)',
    write(batches) {
      for (const batch of batches) {
        now = Math.max(now, batch.ts)
        writer.add(batch)
      }
    },
    flush() {
      if (accounting) measureLog()
      writer.flush()
      if (accounting) {
        measureLog()
        accounting.afterCommit()
      }
    },
    checkpoint() {
      store.cutAll()
      if (accounting && !accounted) {
        accounted = true
        measureLog()
        accounting.beforeFinalCheckpoint()
      }
      db.pragma('wal_checkpoint(TRUNCATE)')
    },
    report() {
      if (!accounting) return []
      const log = [...segmentBytes.values()].reduce((a, b) => a + b, 0)
      return [`  head log written: ${(log / 1024 / 1024).toFixed(1)} MiB in ${segmentBytes.size} segments`, ...accounting.report()]
    },
    maintain(nowMs) {
      now = nowMs
      maintenance.tick()
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
