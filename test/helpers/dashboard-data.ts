// Dashboard data sets for tests, and series stores to keep them in: deterministic, shaped like
// the reader's (same keys, same order), and covering what a data set can hold — nulls where the
// agent API allows them, the texts PostgreSQL prints, and texts it does not.
import { join } from 'node:path'
import { openDb, type Db } from '../../src/main/base/db/db'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { formatUptime } from '../../src/main/postgres/dashboard/pg-facts'
import type { Dashboard } from '../../src/main/postgres/dashboard/types'
import { seededRandom } from './seeded-random'
import { makeTempDir } from './temp-dir'

const T0 = 1_764_633_600_000

/** A plain data set as the reader gives it on a host it can read, `n` telling data sets apart. */
export function dashboardAt(n: number, at = T0 + n * 2000): Dashboard {
  const seconds = at / 1000
  return {
    buffers: { nb: 1000 + n * 7, time: seconds },
    hitratio: 99,
    active_backends: { nb: 1 + (n % 3), time: seconds },
    max_connections: n,
    databases: { databases: 3, total_size: '158 MB', time: '17:54', total_commit: 2_825_374 + n, total_rollback: 1081, timestamp: seconds },
    pg_version: 'PostgreSQL 15.4 on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit',
    pg_data: '/var/lib/postgresql/15/main',
    pg_port: '5432',
    pg_uptime: formatUptime(6631.573788 + n * 2),
    hostname: 'db1.example.org',
    os_version: 'Linux 6.1.0-18-amd64',
    n_cpu: 4,
    cpu: { user: 1.5, system: 0.5, idle: 97.5, iowait: 0.5, steal: 0 },
    loadaverage: 0.18,
    memory: { total: 8_082_124, active: 51, cached: 29.5, free: 19.5 }
  }
}

const pick = <T>(next: () => number, values: readonly T[]): T => values[Math.floor(next() * values.length)] as T

/** Numbers of every kind a double can be, JSON's trouble-makers included. */
const ODD_NUMBERS = [0, -0, 1e-300, 5e-324, 0.1 + 0.2, 1 / 3, 2 ** 53 + 2, -7.25, 1e21, Number.MAX_VALUE, Number.NaN]
const SIZES = ['0 bytes', '8192 bytes', '10239 bytes', '10 kB', '7863 kB', '10239 kB', '10 MB', '158 MB', '1242 MB', '12 GB', '3072 GB', '10 TB', '11 PB', '20000 PB']
/** Texts PostgreSQL would not print: each must come back as it went. */
const ODD_SIZES = ['5 MB', '3 TB', '10240 bytes', '1.5 GB', '', ' 158 MB', '158 mb', '-3 kB']
const UPTIMES = [0, 0.5, 59.999999, 6631.573788, 86_400, 90_061.1, 3 * 86_400 + 6631.5, 400 * 86_400 + 1e-6]
const ODD_UPTIMES = ['', '1 day', '25:00:00', '00:00:00.000000', '1 days 00:00:01', '00:00:60', 'forever']
const ODD_CLOCKS = ['24:00', '7:05', '', '12:60', '23:59:59']
const ODD_TEXTS = ['', ' ', 'é', '"quoted" = \\ \u0000 nul', 'a\nb', 'ünïcødé 🐘', 'instance_id']

/**
 * Data sets at random, one a step: mostly realistic, now and then a null where the API allows
 * one, an odd number, or a text PostgreSQL would not print.
 */
export function randomDashboards(seed: number, count: number, start = T0): Dashboard[] {
  const next = seededRandom(seed)
  const sometimes = (chance: number): boolean => next() < chance
  const number = (realistic: () => number): number => (sometimes(0.05) ? pick(next, ODD_NUMBERS) : realistic())
  const text = (realistic: string): string => (sometimes(0.05) ? pick(next, ODD_TEXTS) : realistic)
  const dashboards: Dashboard[] = []
  let at = start
  for (let n = 0; n < count; n++) {
    at += Math.floor(500 + next() * 3000)
    const seconds = at / 1000
    const reading = (): number => (sometimes(0.1) ? seconds + 0.001 : seconds)
    const host = !sometimes(0.1)
    const hour = Math.floor(next() * 24)
    const minute = Math.floor(next() * 60)
    dashboards.push({
      buffers: { nb: number(() => 1000 + n * 7), time: reading() },
      hitratio: sometimes(0.1) ? null : number(() => Math.floor(next() * 100)),
      active_backends: { nb: number(() => Math.floor(next() * 20)), time: reading() },
      max_connections: number(() => 100),
      databases: {
        databases: number(() => 1 + Math.floor(next() * 10)),
        total_size: sometimes(0.05) ? pick(next, ODD_SIZES) : pick(next, SIZES),
        time: sometimes(0.05) ? pick(next, ODD_CLOCKS) : `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
        total_commit: number(() => 2_825_374 + n * 13),
        total_rollback: number(() => 1081 + n),
        timestamp: reading()
      },
      pg_version: text(sometimes(0.02) ? 'PostgreSQL 16.2' : 'PostgreSQL 15.4 on x86_64-pc-linux-gnu'),
      pg_data: sometimes(0.1) ? null : text('/var/lib/postgresql/15/main'),
      pg_port: text('5432'),
      pg_uptime: sometimes(0.05) ? pick(next, ODD_UPTIMES) : formatUptime(pick(next, UPTIMES) + n * 2.000001),
      hostname: host ? text('db1.example.org') : null,
      os_version: host ? text('Linux 6.1.0-18-amd64') : null,
      n_cpu: host ? number(() => 4) : null,
      cpu: host
        ? { user: number(() => Math.round(next() * 1000) / 10), system: number(() => 0.5), idle: number(() => 97.5), iowait: 0, steal: number(() => 0) }
        : null,
      loadaverage: host ? number(() => Math.round(next() * 400) / 100) : null,
      memory: host ? { total: number(() => 8_082_124), active: number(() => 51), cached: 29.5, free: number(() => 19.5) } : null
    })
  }
  return dashboards
}

export interface TestSeriesStore {
  dir: string
  db: Db
  store: SeriesStore
  /** Stops without closing the store (as a crash would), then opens the same files again. */
  crashAndReopen(): TestSeriesStore
  /** Closes cleanly, then opens the same files again. */
  closeAndReopen(): TestSeriesStore
  close(): void
}

/** A series store in its own SQLite file and head log, in `dir` (a temp dir when not given). */
export function openSeriesStore(dir?: string): TestSeriesStore & { remove(): void } {
  const temp = dir === undefined ? makeTempDir('vigil-pg-dashboard-') : { dir, remove: () => {} }
  const open = (): TestSeriesStore => {
    const db = openDb(join(temp.dir, 'vigil.db'))
    const store = new SeriesStore(db, { logDir: join(temp.dir, 'series-head') })
    const opened: TestSeriesStore = {
      dir: temp.dir,
      db,
      store,
      crashAndReopen() {
        db.close()
        return open()
      },
      closeAndReopen() {
        store.close()
        db.close()
        return open()
      },
      close() {
        if (!db.open) return
        store.close()
        db.close()
      }
    }
    return opened
  }
  return { ...open(), remove: temp.remove }
}
