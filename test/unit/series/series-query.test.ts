import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { HOUR_MS, MINUTE_MS, rollUp } from '../../../src/main/base/series/rollups'
import { querySeries, type SeriesQuery } from '../../../src/main/base/series/series-query'
import { SeriesStore, type GroupKey } from '../../../src/main/base/series/series-store'
import { makeTempDir } from '../../helpers/temp-dir'

const T0 = Date.UTC(2026, 11, 1)
const vmstat = (server: string): GroupKey => ({ metric: 'vmstat', labels: { server_id: server }, columns: ['us', 'sy'] })
const iostat = (server: string, disk: string): GroupKey => ({ metric: 'iostat', labels: { server_id: server, disk }, columns: ['tps'] })

describe('series queries', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  /** Three servers' vmstat and two disks, every 10 s for 3 minutes; server c stops after 1 minute. */
  function seeded(): SeriesStore {
    const temp = makeTempDir('vigil-query-')
    cleanups.push(temp.remove)
    const db = openDb(join(temp.dir, 'vigil.db'))
    const store = new SeriesStore(db, { logDir: null })
    cleanups.push(() => db.close())
    const groups = [vmstat('a'), vmstat('b'), vmstat('c'), iostat('a', 'sda'), iostat('a', 'sdb')].map((key) => store.groupId(key))
    for (let i = 0; i < 18; i++) {
      groups.forEach((id, g) => {
        if (g === 2 && i >= 6) return
        store.append(id, T0 + i * 10_000, store.group(id)!.columns.map((_, c) => i + g * 100 + c))
      })
    }
    for (const id of groups) rollUp(store, store.group(id)!, MINUTE_MS, T0 + 3 * MINUTE_MS)
    return store
  }

  const run = (store: SeriesStore, query: SeriesQuery) =>
    [...querySeries(store, query)].map(({ group, metric, range }) => ({ metric, labels: group.labels, ts: range.ts.map((ts) => (ts - T0) / 1000) }))

  it('selects raw series by matchers and reads their samples in the range, never a roll-up', () => {
    const store = seeded()
    expect(run(store, { matchers: [{ name: '__name__', op: '=', value: 'vmstat' }, { name: 'server_id', op: '=~', value: 'a|b' }], start: T0 + 20_000, end: T0 + 40_000 })).toEqual([
      { metric: 'vmstat', labels: { server_id: 'a' }, ts: [20, 30, 40] },
      { metric: 'vmstat', labels: { server_id: 'b' }, ts: [20, 30, 40] }
    ])
    expect(run(store, { matchers: [{ name: 'disk', op: '!=', value: '' }], start: T0, end: T0 + 10_000 }).map((series) => series.labels.disk)).toEqual(['sda', 'sdb'])
  })

  it('leaves out series with no sample in the range (a server that stopped)', () => {
    const store = seeded()
    const servers = run(store, { matchers: [{ name: '__name__', op: '=', value: 'vmstat' }], start: T0 + 2 * MINUTE_MS, end: T0 + 3 * MINUTE_MS })
    expect(servers.map((series) => series.labels.server_id)).toEqual(['a', 'b'])
  })

  it('reads a roll-up resolution of the series the matchers name', () => {
    const store = seeded()
    const minutes = [...querySeries(store, { matchers: [{ name: '__name__', op: '=', value: 'vmstat' }, { name: 'server_id', op: '=', value: 'c' }], start: T0, end: T0 + HOUR_MS, resolutionMs: MINUTE_MS })]
    expect(minutes).toHaveLength(1)
    expect(minutes[0]!.metric).toBe('vmstat')
    expect(minutes[0]!.group.columns).toEqual(['n', 'us_min', 'us_avg', 'us_max', 'sy_min', 'sy_avg', 'sy_max'])
    expect(minutes[0]!.range.ts).toEqual([T0])
    expect(minutes[0]!.range.columns[0]).toEqual([6])
    const byRegex = run(store, { matchers: [{ name: '__name__', op: '=~', value: 'io.*' }], start: T0, end: T0 + HOUR_MS, resolutionMs: MINUTE_MS })
    expect(byRegex.map((series) => [series.metric, series.labels.disk, series.ts.length])).toEqual([
      ['iostat', 'sda', 3],
      ['iostat', 'sdb', 3]
    ])
  })
})
