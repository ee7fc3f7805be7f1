import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../../src/main/base/db/db'
import type { LabelMatcher } from '../../../src/main/base/series/matchers'
import { STALE } from '../../../src/main/base/series/sample'
import { querySeries } from '../../../src/main/base/series/series-query'
import { SeriesStore, type GroupKey } from '../../../src/main/base/series/series-store'
import { makeTempDir } from '../../helpers/temp-dir'

const T0 = 1_764_633_600_000
const MINUTE = 60_000
const process = (server: string, pid: string): GroupKey => ({ metric: 'process', labels: { server_id: server, pid, command: 'job' }, columns: ['cpu'] })

/**
 * A store that rotates every minute and lets ended groups go 5 minutes after their last chunk;
 * `minutes(n, each)` runs n minutes of appends, one flush a minute.
 */
function fixture(dir: string, start = T0) {
  let now = start
  const db = openDb(join(dir, 'vigil.db'))
  const store = new SeriesStore(db, { logDir: join(dir, 'series-head'), headRows: 1000, cutEveryMs: MINUTE, maxHeadAgeMs: 3_600_000, endedGraceMs: 5 * MINUTE, now: () => now })
  return {
    db,
    store,
    get now() {
      return now
    },
    minutes(count: number, each: (minute: number) => void): void {
      for (let minute = 0; minute < count; minute++) {
        each(minute)
        now += MINUTE
        store.flush()
      }
    }
  }
}

describe('groups whose series ended', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function tempDir(): string {
    const temp = makeTempDir('vigil-cold-')
    cleanups.push(temp.remove)
    return temp.dir
  }

  function open(dir: string, start?: number) {
    const opened = fixture(dir, start)
    cleanups.push(() => opened.db.open && opened.db.close())
    return opened
  }

  const ids = (groups: Array<{ id: number }>): number[] => groups.map((group) => group.id).sort((a, b) => a - b)
  const server = (id: string): LabelMatcher => ({ name: 'server_id', op: '=', value: id })
  const processes: LabelMatcher = { name: '__name__', op: '=', value: 'process' }

  /** Server a has a daemon and a job that ends at minute 3; server b a job of its own. */
  function seed(f: ReturnType<typeof fixture>) {
    const daemon = f.store.groupId(process('a', '1'))
    const job = f.store.groupId(process('a', '2'))
    const other = f.store.groupId(process('b', '2'))
    f.minutes(20, (minute) => {
      f.store.append(daemon, f.now, [minute])
      f.store.append(other, f.now, [minute])
      if (minute < 3) f.store.append(job, f.now, [minute / 10])
      if (minute === 3) f.store.append(job, f.now, [STALE])
    })
    return { daemon, job, other }
  }

  it('leave memory a while after they end, and are found again by a read that reaches their time', () => {
    const f = open(tempDir())
    const { daemon, job, other } = seed(f)
    expect(f.store.stats().groups).toBe(2)
    expect(f.store.group(job)).toBeUndefined()
    expect(ids(f.store.select([processes, server('a')]))).toEqual([daemon])
    // A range over its life finds it, its samples read from SQLite as before.
    expect(ids(f.store.select([processes, server('a')], { start: T0, end: T0 + 2 * MINUTE }))).toEqual([daemon, job])
    expect(ids(f.store.select([processes], { start: T0, end: f.now }))).toEqual([daemon, job, other])
    expect(ids(f.store.select([processes, server('b')], { start: T0, end: f.now }))).toEqual([other])
    expect(ids(f.store.select([processes, { name: 'pid', op: '=~', value: '2' }], { start: T0, end: f.now }))).toEqual([job, other])
    expect(f.store.read(job, 0, Infinity).columns[0]).toEqual([0, 0.1, 0.2, STALE])
    expect(f.store.lastTs(job)).toBe(T0 + 3 * MINUTE)
    expect(f.store.firstTs(job)).toBe(T0)
    // It stays in memory through a restart no more than it did before it.
    f.store.close()
    f.db.close()
    const again = open(dirOf(f.db))
    expect(again.store.stats().groups).toBe(2)
    expect(ids(again.store.select([processes, server('a')], { start: T0, end: again.now }))).toEqual([daemon, job])
  })

  it('are found for a server first asked about before it had any', () => {
    const f = open(tempDir())
    seed(f)
    const range = () => ({ start: T0, end: f.now })
    expect(f.store.select([processes, server('c')], range())).toEqual([])
    const job = f.store.groupId(process('c', '9'))
    f.minutes(20, (minute) => {
      if (minute === 0) f.store.append(job, f.now, [1])
      if (minute === 1) f.store.append(job, f.now, [STALE])
    })
    expect(f.store.group(job)).toBeUndefined()
    expect(ids(f.store.select([processes, server('c')], range()))).toEqual([job])
    // And after a restart: the server's id was stored once, under the id its groups are filed by.
    f.store.close()
    f.db.close()
    const again = open(dirOf(f.db))
    expect(ids(again.store.select([processes, server('c')], { start: T0, end: again.now }))).toEqual([job])
  })

  it('come back into memory when they get a sample again, and stay after a restart', () => {
    const dir = tempDir()
    const f = open(dir)
    const { job } = seed(f)
    expect(f.store.append(job, f.now, [0.5])).toBe(4)
    expect(f.store.group(job)).toBeDefined()
    f.store.close()
    f.db.close()
    const again = open(dir)
    expect(again.store.group(job)).toBeDefined()
    expect(again.store.read(job, 0, Infinity).columns[0]).toEqual([0, 0.1, 0.2, STALE, 0.5])
  })

  it('are one series to a query when the same labels start again as a new group', () => {
    const f = open(tempDir())
    const { job } = seed(f)
    const again = f.store.groupId(process('a', '2'))
    expect(again).not.toBe(job)
    f.store.append(again, f.now, [0.7])
    const [series, ...rest] = [...querySeries(f.store, { matchers: [processes, server('a'), { name: 'pid', op: '=', value: '2' }], start: T0, end: f.now })]
    expect(rest).toEqual([])
    expect(series?.range.ts).toEqual([0, 1, 2, 3].map((m) => T0 + m * MINUTE).concat(f.now))
    expect(series?.range.columns[0]).toEqual([0, 0.1, 0.2, STALE, 0.7])
  })

  it('go with retention and with their server', () => {
    const f = open(tempDir())
    const { daemon, job, other } = seed(f)
    expect(f.store.dropBefore(T0 + 4 * MINUTE, [processes, server('a')])).toEqual({ chunks: 1, groups: 1 })
    expect(ids(f.store.select([processes], { start: T0, end: f.now }))).toEqual([daemon, other])
    expect(f.db.prepare('SELECT COUNT(*) FROM series_groups WHERE id = ?').pluck().get(job)).toBe(0)

    const g = open(tempDir())
    const seeded = seed(g)
    expect(g.store.deleteGroups([server('a')])).toBe(2)
    expect(ids(g.store.select([processes], { start: T0, end: g.now }))).toEqual([seeded.other])
    expect(g.db.prepare('SELECT COUNT(*) FROM series_group_buckets WHERE group_id IN (?, ?)').pluck().get(seeded.daemon, seeded.job)).toBe(0)
  })

  it('are listed by hour for a data dir whose chunks came before the list', () => {
    const dir = tempDir()
    const f = open(dir)
    const { daemon, job } = seed(f)
    f.store.close()
    f.db.prepare('DELETE FROM series_group_buckets').run()
    f.db.close()
    const again = open(dir)
    expect(ids(again.store.select([processes, server('a')], { start: T0, end: again.now }))).toEqual([daemon, job])
  })
})

const dirOf = (db: Db): string => join(db.name, '..')
