// The dashboard collector's scheduling and configuration, with ticks and collections the test
// releases by hand, over a real series store in a temp dir.
import { afterEach, describe, expect, it } from 'vitest'
import {
  DASHBOARD_CONFIG_KEYS,
  DashboardCollector,
  DashboardHistorySeries,
  dashboardGroupsOf,
  parseDashboardConfigChange,
  type ConfigStore,
  type Dashboard,
  type DashboardCollectorOptions,
  type IntervalTimers
} from '../../src/main/postgres/dashboard'
import { AppError } from '../../src/shared/errors'
import { dashboardAt, openSeriesStore } from '../helpers/dashboard-data'

const stores: Array<ReturnType<typeof openSeriesStore>> = []
afterEach(() => {
  for (const opened of stores.splice(0)) {
    opened.close()
    opened.remove()
  }
})

/** A collector whose history is in a fresh series store. */
function newCollector(options: Omit<DashboardCollectorOptions, 'history'>): DashboardCollector {
  const opened = openSeriesStore()
  stores.push(opened)
  return new DashboardCollector({ ...options, history: new DashboardHistorySeries(opened.store, 1) })
}

function memoryStore(initial: Record<string, string> = {}): ConfigStore & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial))
  return { values, get: (key) => values.get(key) ?? null, set: (key, value) => void values.set(key, value) }
}

function manualTimers(): IntervalTimers & { intervals: number[]; live: number; fire(): void } {
  const ticks = new Map<number, () => void>()
  let next = 0
  const timers = {
    intervals: [] as number[],
    get live() {
      return ticks.size
    },
    setInterval(tick: () => void, ms: number) {
      next += 1
      ticks.set(next, tick)
      timers.intervals.push(ms)
      return next
    },
    clearInterval(handle: unknown) {
      ticks.delete(handle as number)
    },
    fire() {
      for (const tick of ticks.values()) tick()
    }
  }
  return timers
}

/** Collections that finish when the test says, each giving a data set numbered in order. */
function controlledCollect(): { collect: () => Promise<Dashboard>; started: () => number; finish(): Promise<void>; fail(error: Error): Promise<void> } {
  const pending: Array<{ resolve: (dashboard: Dashboard) => void; reject: (error: Error) => void }> = []
  let started = 0
  // Lets the collector's own continuations (all microtasks) run.
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
  return {
    collect: () => {
      started += 1
      return new Promise<Dashboard>((resolve, reject) => pending.push({ resolve, reject }))
    },
    started: () => started,
    async finish() {
      const run = pending.shift()
      run?.resolve(dashboardAt(started))
      await settle()
    },
    async fail(error) {
      pending.shift()?.reject(error)
      await settle()
    }
  }
}

describe('DashboardCollector scheduling', () => {
  it('collects at start and on each tick, never two at once: a tick during a collection is skipped', async () => {
    const timers = manualTimers()
    const runs = controlledCollect()
    const collector = newCollector({ collect: runs.collect, store: memoryStore(), timers })
    collector.start()
    collector.start()
    expect(timers.intervals).toEqual([2000])
    expect(runs.started()).toBe(1)

    timers.fire()
    timers.fire()
    expect(runs.started()).toBe(1)
    expect(collector.skippedTicks()).toBe(2)

    await runs.finish()
    timers.fire()
    expect(runs.started()).toBe(2)
    await runs.finish()
    expect(collector.history().map((dashboard) => dashboard.max_connections)).toEqual([1, 2])
  })

  it('stop() clears the timer and waits for the collection under way', async () => {
    const timers = manualTimers()
    const runs = controlledCollect()
    const collector = newCollector({ collect: runs.collect, store: memoryStore(), timers })
    collector.start()
    let stopped = false
    const stopping = collector.stop().then(() => (stopped = true))
    expect(timers.live).toBe(0)
    await Promise.resolve()
    expect(stopped).toBe(false)
    await runs.finish()
    await stopping
    expect(stopped).toBe(true)
    expect(collector.history()).toHaveLength(1)
  })

  it('reports a failed collection and carries on at the next tick', async () => {
    const timers = manualTimers()
    const runs = controlledCollect()
    const errors: unknown[] = []
    const collector = newCollector({ collect: runs.collect, store: memoryStore(), timers, onError: (error) => errors.push(error) })
    collector.start()
    await runs.fail(new Error('connection refused'))
    expect(errors).toEqual([new Error('connection refused')])
    expect(collector.latest()).toBeNull()
    timers.fire()
    await runs.finish()
    expect(collector.history()).toHaveLength(1)
  })

  it('reports a collect that throws at once like any failed collection', () => {
    const errors: unknown[] = []
    const collector = newCollector({
      collect: () => {
        throw new Error('no pool for this instance')
      },
      store: memoryStore(),
      timers: manualTimers(),
      onError: (error) => errors.push(error)
    })
    expect(() => collector.start()).not.toThrow()
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      expect(errors).toEqual([new Error('no pool for this instance')])
    })
  })

  it('current() gives the latest data set, or joins one collection when there is none yet', async () => {
    const runs = controlledCollect()
    const collector = newCollector({ collect: runs.collect, store: memoryStore(), timers: manualTimers() })
    const first = collector.current()
    const second = collector.current()
    expect(runs.started()).toBe(1)
    await runs.finish()
    expect(await first).toBe(await second)
    expect(await collector.current()).toBe(await first)
    expect(runs.started()).toBe(1)
  })
})

describe('DashboardCollector and a deleted instance', () => {
  it('stores nothing more once the series are deleted, not even the collection under way', async () => {
    const opened = openSeriesStore()
    stores.push(opened)
    const history = new DashboardHistorySeries(opened.store, 1)
    const runs = controlledCollect()
    const collector = new DashboardCollector({ collect: runs.collect, store: memoryStore(), history, timers: manualTimers() })
    collector.start()
    await runs.finish()
    const groups = (): number => opened.store.select(dashboardGroupsOf(1)).length
    expect(groups()).toBe(2)

    const stopped = new DashboardCollector({ collect: runs.collect, store: memoryStore(), history, timers: manualTimers() })
    const underWay = stopped.collectNow()
    history.delete()
    expect(groups()).toBe(0)
    await runs.finish()
    await underWay
    expect(groups()).toBe(0)
    expect(stopped.history()).toEqual([])
  })
})

describe('DashboardCollector configuration', () => {
  it('reads the stored configuration, ignoring unreadable values', () => {
    const store = memoryStore({ [DASHBOARD_CONFIG_KEYS.history_length]: '20', [DASHBOARD_CONFIG_KEYS.scheduler_interval]: 'often' })
    const collector = newCollector({ collect: controlledCollect().collect, store })
    expect(collector.config()).toEqual({ history_length: 20, scheduler_interval: 2 })
  })

  it('applies a change at once: a new interval restarts the ticks, a shorter history drops the oldest', async () => {
    const timers = manualTimers()
    const runs = controlledCollect()
    const store = memoryStore()
    const collector = newCollector({ collect: runs.collect, store, timers })
    collector.start()
    for (let i = 0; i < 4; i++) {
      await runs.finish()
      timers.fire()
    }
    await runs.finish()
    expect(collector.history()).toHaveLength(5)

    expect(collector.setConfig({ history_length: '2' })).toEqual({ history_length: 2, scheduler_interval: 2 })
    expect(collector.history().map((dashboard) => dashboard.max_connections)).toEqual([4, 5])
    expect(timers.intervals).toEqual([2000])

    collector.setConfig({ scheduler_interval: 10 })
    expect(timers.intervals).toEqual([2000, 10_000])
    expect(timers.live).toBe(1)
    // With the history's new start, so that a restart does not bring back what it dropped.
    expect(Object.fromEntries(store.values)).toEqual({
      'dashboard.history_length': '2',
      'dashboard.scheduler_interval': '10',
      'dashboard.history_from': expect.stringMatching(/^\d+$/)
    })
  })

  it('a stopped collector takes a new interval without starting', () => {
    const timers = manualTimers()
    const collector = newCollector({ collect: controlledCollect().collect, store: memoryStore(), timers })
    collector.setConfig({ scheduler_interval: 30 })
    expect(timers.intervals).toEqual([])
    collector.start()
    expect(timers.intervals).toEqual([30_000])
  })
})

describe('parseDashboardConfigChange', () => {
  const refusal = (input: unknown): AppError => {
    try {
      parseDashboardConfigChange(input)
    } catch (error) {
      if (error instanceof AppError) return error
      throw error
    }
    throw new Error(`accepted ${JSON.stringify(input)}`)
  }

  it('accepts whole numbers within bounds, as numbers or decimal text', () => {
    expect(parseDashboardConfigChange({ history_length: 1, scheduler_interval: '3600' })).toEqual({ history_length: 1, scheduler_interval: 3600 })
    expect(parseDashboardConfigChange({})).toEqual({})
  })

  it.each([
    [{ history_length: 0 }, "Parameter 'history_length' is malformed: it must be a whole number from 1 to 43200."],
    [{ history_length: 43_201 }, "Parameter 'history_length' is malformed: it must be a whole number from 1 to 43200."],
    [{ scheduler_interval: 1.5 }, "Parameter 'scheduler_interval' is malformed: it must be a whole number from 1 to 3600."],
    [{ scheduler_interval: '2s' }, "Parameter 'scheduler_interval' is malformed: it must be a whole number from 1 to 3600."],
    [{ scheduler_interval: null }, "Parameter 'scheduler_interval' is malformed: it must be a whole number from 1 to 3600."],
    [{ interval: 2 }, "Parameter 'interval' is malformed: the dashboard configuration has only history_length and scheduler_interval."],
    [[150, 2], 'The dashboard configuration must be a JSON object with history_length and/or scheduler_interval.'],
    ['history_length=3', 'The dashboard configuration must be a JSON object with history_length and/or scheduler_interval.']
  ])('refuses %j as a validation error (406) naming the parameter', (input, message) => {
    const error = refusal(input)
    expect(error.code).toBe('validation')
    expect(error.message).toBe(message)
  })
})
