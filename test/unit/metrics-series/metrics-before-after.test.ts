// The metrics answer the same before and after the series store, on the same data: a data dir of
// release 9 (test/fixtures, made by that release's writer and roll-ups) is read through
// release 9's own SQL (test/legacy) and, in a second copy, converted into the series store and
// read through Vigil's code today — every read the metrics API, the charts and the process views
// make, over ranges, servers, pages, resolutions, intervals and pids. Two things differ by
// design and are set aside before comparing: row ids (the store names a row by its series and
// its place in it) and the order of rows that share one instant (the store gives disks and
// interfaces in the order first seen and processes busiest first; the tables gave the order of
// insertion).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/base/bus'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { loadSecretBox } from '../../../src/main/base/security/secrets'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { MetricRows } from '../../../src/main/metrics/metric-rows'
import { createMetricSeriesRepo } from '../../../src/main/metrics/metric-series-repo'
import { MetricSeriesService } from '../../../src/main/metrics/metric-series-service'
import { MetricsService } from '../../../src/main/metrics/metrics-service'
import { MetricsStore } from '../../../src/main/metrics/metrics-store'
import { convertMetricTables } from '../../../src/main/metrics/series-conversion'
import { createServersRepo } from '../../../src/main/servers/servers-repo'
import { ServersService } from '../../../src/main/servers/servers-service'
import { METRICS } from '../../../src/shared/metrics'
import { createMetricSeriesRepo as createMetricSeriesRepoV9 } from '../../legacy/metric-series-repo-v9'
import { createMetricsRepo as createMetricsRepoV9 } from '../../legacy/metrics-repo-v9'
import { unpackMetricsFixture } from '../../helpers/metrics-fixture'
import { makeTempDir } from '../../helpers/temp-dir'

/** The fixture's data: two servers, 5 hours to END at 60 s, raw rows for the last 2 hours. */
const END = Date.UTC(2026, 0, 15, 12, 0, 0)
const LINUX = '5e7e0000-0000-4000-8000-00000000000a'
const AIX = '5e7e0000-0000-4000-8000-00000000000b'
const HOSTNAMES = ['db1.example.test', 'p750.example.test']
const iso = (ms: number): string => new Date(ms).toISOString()

interface Side {
  db: Db
  metrics: MetricsService
  charts: MetricSeriesService
  close(): void
}

describe('the metrics answer the same before and after the series store', () => {
  const temp = makeTempDir('vigil-before-after-')
  let before: Side
  let after: Side
  /** "Now" for the realtime reads and the overview: the last minute holds the last samples. */
  let now = END - 50_000

  beforeAll(async () => {
    before = legacySide(join(temp.dir, 'before'))
    after = await storeSide(join(temp.dir, 'after'))
  })
  afterAll(() => {
    before?.close()
    after?.close()
    temp.remove()
  })

  function legacySide(dir: string): Side {
    mkdirSync(dir)
    const db = openDb(unpackMetricsFixture(dir))
    const servers = new ServersService(createServersRepo(db), loadSecretBox(dir), new EventBus())
    const repo = createMetricsRepoV9(db)
    return {
      db,
      metrics: new MetricsService(repo, servers, () => now),
      charts: new MetricSeriesService(createMetricSeriesRepoV9(db), repo, servers, () => now),
      close: () => db.close()
    }
  }

  async function storeSide(dir: string): Promise<Side> {
    mkdirSync(dir)
    const db = openDb(unpackMetricsFixture(dir))
    const series = new SeriesStore(db, { logDir: join(dir, 'series-head') })
    expect((await convertMetricTables(db, series)).status).toBe('converted')
    const servers = new ServersService(createServersRepo(db), loadSecretBox(dir), new EventBus())
    const store = new MetricsStore(series)
    const rows = new MetricRows(store, servers)
    return {
      db,
      metrics: new MetricsService(rows, servers, () => now),
      charts: new MetricSeriesService(createMetricSeriesRepo(store), rows, servers, () => now),
      close: () => {
        series.close()
        db.close()
      }
    }
  }

  /**
   * Both sides' answer to the same read: equal, ids and the order within an instant set aside.
   * Unless `mayFail`, the read must answer (an error on both sides would prove nothing).
   */
  function expectSame(read: (side: Side) => unknown, mayFail = false): void {
    const answer = (side: Side): unknown => {
      try {
        return comparable(read(side))
      } catch (error) {
        if (!mayFail) throw error
        return { threw: String(error) }
      }
    }
    const expected = answer(before)
    expect(JSON.stringify(expected)).toMatch(/"timestamp"|"ts"|"instants"|threw/)
    expect(answer(after)).toEqual(expected)
  }

  const serverFilters: Array<Record<string, string>> = [{}, { server_id: LINUX }, { server_id: AIX }, { hostname: HOSTNAMES[1] as string }]

  it('realtime: the last minute of every metric, of all servers and of each, and a minute without samples', () => {
    for (const metric of METRICS) for (const filter of serverFilters) expectSame((side) => side.metrics.realtime({ metric, ...filter }))
    now = END + 3_600_000
    expectSame((side) => side.metrics.realtime({ metric: 'vmstat' }), true)
    now = END - 50_000
  })

  it('historical raw rows: every page, whole and part ranges, each server, pids', () => {
    const ranges: Array<[number, number]> = [
      [END - 6 * 3_600_000, END + 60_000],
      [END - 47 * 60_000, END - 12 * 60_000 + 500]
    ]
    for (const metric of METRICS) {
      for (const [start, end] of ranges) {
        for (const filter of serverFilters) {
          for (const perPage of [37, 1000]) {
            const query = { metric, start: iso(start), end: iso(end), per_page: String(perPage), ...filter }
            const first = before.metrics.historical(query) as { total_pages: number }
            expect(first.total_pages).toBeGreaterThan(0)
            expectSame((side) => allPages(side, query))
          }
        }
      }
    }
    expectSame((side) => allPages(side, { metric: 'process', start: iso(END - 3 * 3_600_000), end: iso(END), pids: '812,4711,1', server_id: LINUX }))
  })

  it('historical roll-ups: 1 minute, 1 hour and auto over the whole history', () => {
    for (const metric of ['vmstat', 'iostat', 'netstat'] as const) {
      for (const resolution of ['1m', '1h']) {
        for (const filter of serverFilters) {
          expectSame((side) => allPages(side, { metric, start: iso(END - 6 * 3_600_000), end: iso(END), resolution, per_page: '500', ...filter }))
        }
      }
      expectSame((side) => allPages(side, { metric, start: iso(END - 3 * 86_400_000), end: iso(END), resolution: 'auto' }))
    }
  })

  it('process aggregation by interval, with and without pids', () => {
    for (const interval of ['60', '300', '3600']) {
      for (const filter of serverFilters) {
        expectSame((side) => allPages(side, { metric: 'process', start: iso(END - 3 * 3_600_000), end: iso(END), interval, per_page: '50', ...filter }))
      }
      expectSame((side) => allPages(side, { metric: 'process', start: iso(END - 3 * 3_600_000), end: iso(END), interval, pids: '812,1', server_id: LINUX }))
    }
  })

  it('charts: series at every resolution, the overview, top processes and process history', () => {
    for (const serverId of [LINUX, AIX]) {
      for (const metric of ['vmstat', 'iostat', 'netstat'] as const) {
        for (const resolution of ['raw', '1m', '1h', 'auto'] as const) {
          expectSame((side) => side.charts.series({ metric, serverId, start: END - 6 * 3_600_000, end: END, resolution }))
        }
        expectSame((side) => side.charts.series({ metric, serverId, start: END - 30 * 60_000, end: END - 10 * 60_000, resolution: 'raw' }))
      }
      expectSame((side) => side.charts.series({ metric: 'vmstat', serverId, start: END - 3_600_000, end: END, fields: ['us', 'fre'] }))
      expectSame((side) => side.charts.topProcesses({ serverId }))
      const top = before.charts.topProcesses({ serverId }).processes.map((process) => process.pid)
      expectSame((side) => side.charts.processHistory({ serverId, start: END - 2 * 3_600_000, end: END, pids: [...top, 812] }))
    }
    expectSame((side) => side.charts.overview({ windowMs: 3_600_000 }))
  })
})

/** Every page of a historical read, and each page's paging fields. */
function allPages(side: Side, query: Record<string, string>): unknown {
  const pages: unknown[] = []
  const data: unknown[] = []
  for (let page = 1; ; page++) {
    const answer = side.metrics.historical({ ...query, page: String(page) }) as { data: unknown[]; has_next: boolean }
    const { data: rows, ...frame } = answer
    pages.push(frame)
    data.push(...rows)
    if (!answer.has_next) break
  }
  return { pages, data }
}

/** An answer with row ids removed and rows of one instant in a fixed order (the order of instants kept). */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(comparable)
    // Instants stay in their order; only rows of one instant are put in a fixed one.
    return items.length > 0 && items.every(isRow) ? { instants: items.map((row) => row.timestamp), rows: [...items].sort(byInstantThenSeries) } : items
  }
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'id')
      .map(([key, inner]) => [key, comparable(inner)])
  )
}

type Row = Record<string, unknown> & { timestamp: string }

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && typeof (value as Row).timestamp === 'string'
}

function byInstantThenSeries(a: Row, b: Row): number {
  const key = (row: Row): string =>
    JSON.stringify([row.timestamp, row.server_id ?? (row.server as { server_id?: string } | undefined)?.server_id, row.disk ?? row.interface ?? row.pid])
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0
}
