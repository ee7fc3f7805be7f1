// The dashboard history moved from an in-memory array into the series store: for the same data
// sets collected, and the same configuration changes, the store-backed collector must answer what
// the in-memory one did (test/helpers/in-memory-dashboard-collector.ts, the code as it was), as
// JSON, byte for byte — across restarts of the store too, where the in-memory one forgot.
import { afterEach, describe, expect, it } from 'vitest'
import { DashboardCollector, DashboardHistorySeries, type ConfigStore, type Dashboard, type IntervalTimers } from '../../src/main/postgres/dashboard'
import { dashboardAt, openSeriesStore, randomDashboards, type TestSeriesStore } from '../helpers/dashboard-data'
import { seededRandom } from '../helpers/seeded-random'
import { InMemoryDashboardCollector } from '../helpers/in-memory-dashboard-collector'

const INSTANCE = 7
const HOUR_MS = 3_600_000

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

function memoryStore(): ConfigStore {
  const values = new Map<string, string>()
  return { get: (key) => values.get(key) ?? null, set: (key, value) => void values.set(key, value) }
}

/** Timers that never fire: the test collects by hand. */
const noTimers: IntervalTimers = { setInterval: () => 0, clearInterval: () => {} }

/**
 * Both collectors, fed the same data sets in the same order (each collection takes the next),
 * each with its own configuration store; the store-backed one can be restarted.
 */
function pair(options: { retentionMs?: number; seriesDir?: string } = {}) {
  let queue: Dashboard[] = []
  const collect = (): Promise<Dashboard> => {
    const next = queue.shift()
    return next ? Promise.resolve(next) : Promise.reject(new Error('no data set queued'))
  }
  let clock = 1_764_633_600_000
  const oldConfig = memoryStore()
  const newConfig = memoryStore()
  const opened = openSeriesStore(options.seriesDir)
  cleanups.push(opened.remove)
  let series: TestSeriesStore = opened
  cleanups.push(() => series.close())
  const reference = new InMemoryDashboardCollector({ collect, store: oldConfig, timers: noTimers })
  const build = (): DashboardCollector =>
    new DashboardCollector({
      collect,
      store: newConfig,
      history: new DashboardHistorySeries(series.store, INSTANCE),
      retentionMs: options.retentionMs,
      timers: noTimers,
      now: () => clock
    })
  let collector = build()
  return {
    reference,
    get collector() {
      return collector
    },
    get series() {
      return series
    },
    /** Moves the clock the store-backed collector stamps samples with. */
    tick(ms: number) {
      clock += ms
    },
    /** Both collect `dashboard`. */
    async collect(dashboard: Dashboard) {
      queue = [dashboard, dashboard]
      const [before, after] = await Promise.all([reference.collectNow(), collector.collectNow()])
      expect(after).toBe(before)
    },
    setConfig(change: object) {
      expect(collector.setConfig(change)).toEqual(reference.setConfig(change))
    },
    restart(how: 'clean' | 'crash') {
      series = how === 'clean' ? series.closeAndReopen() : series.crashAndReopen()
      collector = build()
    },
    expectSameAnswers(step: string) {
      expect(JSON.stringify(collector.history()), step).toBe(JSON.stringify(reference.history()))
      expect(collector.config(), step).toEqual(reference.config())
    }
  }
}

describe('dashboard history in the series store, against the in-memory history it replaced', () => {
  it.each([1, 2, 3, 4, 5])('answers the same JSON for the same data sets and configuration changes (seed %i)', async (seed) => {
    const next = seededRandom(seed)
    const both = pair()
    const dashboards = randomDashboards(seed, 400)
    for (const [index, dashboard] of dashboards.entries()) {
      // The clock mostly moves on, sometimes stands still or goes back (NTP, a suspended laptop).
      const roll = next()
      both.tick(roll < 0.8 ? 2000 : roll < 0.9 ? 0 : roll < 0.95 ? -60_000 : 25 * 60_000)
      await both.collect(dashboard)
      if (next() < 0.05) both.setConfig({ history_length: 1 + Math.floor(next() * 60) })
      if (next() < 0.02) both.setConfig({ scheduler_interval: 1 + Math.floor(next() * 10) })
      both.expectSameAnswers(`seed ${seed}, data set ${index}`)
    }
    expect(both.collector.latest()).toBe(both.reference.latest())
  })

  it('answers the same after restarts, clean or not: the history survives them', async () => {
    const both = pair()
    const dashboards = randomDashboards(11, 500)
    for (const [index, dashboard] of dashboards.entries()) {
      both.tick(2000)
      await both.collect(dashboard)
      if (index === 30) both.setConfig({ history_length: 25 })
      if (index === 200) both.setConfig({ history_length: 10 })
      if (index === 205) both.setConfig({ history_length: 300 })
      if (index % 97 === 0) both.restart(index % 2 === 0 ? 'crash' : 'clean')
      both.expectSameAnswers(`data set ${index}`)
    }
    expect(both.collector.history()).toHaveLength(300)
  })

  it('history_length still bounds the answer, and a longer one does not bring back what was dropped, even after a restart', async () => {
    const both = pair()
    for (let n = 1; n <= 20; n++) {
      both.tick(2000)
      await both.collect(dashboardAt(n))
    }
    both.setConfig({ history_length: 3 })
    expect(both.collector.history().map((dashboard) => dashboard.max_connections)).toEqual([18, 19, 20])
    both.setConfig({ history_length: 150 })
    both.restart('clean')
    expect(both.collector.history().map((dashboard) => dashboard.max_connections)).toEqual([18, 19, 20])
    both.tick(2000)
    await both.collect(dashboardAt(21))
    expect(both.collector.history().map((dashboard) => dashboard.max_connections)).toEqual([18, 19, 20, 21])
    both.expectSameAnswers('after the restart')
  })

  it('retention drops old chunks, never a data set of the history', async () => {
    const both = pair({ retentionMs: HOUR_MS })
    both.setConfig({ history_length: 1000 })
    const dashboards = randomDashboards(21, 2500)
    const firstTs = (): number | null => {
      const [group] = both.series.store.select([{ name: '__name__', op: '=', value: 'pg_dashboard' }])
      return group ? both.series.store.firstTs(group.id) : null
    }
    const start = 1_764_633_600_000
    for (const [index, dashboard] of dashboards.entries()) {
      // 10 s apart: the history of 1000 reaches back 2.8 hours, beyond the retention of 1.
      both.tick(10_000)
      await both.collect(dashboard)
      if (index % 250 === 0) both.expectSameAnswers(`data set ${index}`)
    }
    both.expectSameAnswers('the end')
    expect(both.collector.history()).toHaveLength(1000)
    // What is older than the history went, a whole chunk at a time (so part of one may stay).
    const oldestKept = firstTs() as number
    expect(oldestKept).toBeGreaterThan(start + 10_000)
    expect(oldestKept).toBeLessThanOrEqual(start + (2500 - 1000 + 1) * 10_000)

    // A short history: now the retention is what bounds the series.
    both.setConfig({ history_length: 5 })
    for (const dashboard of randomDashboards(22, 800)) {
      both.tick(10_000)
      await both.collect(dashboard)
    }
    both.expectSameAnswers('a short history')
    const lastTs = start + (2500 + 800) * 10_000
    expect(firstTs()).toBeGreaterThan(lastTs - 2 * HOUR_MS)
    expect(firstTs()).toBeLessThan(lastTs - HOUR_MS)
  })
})
