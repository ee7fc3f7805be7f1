// The dashboard against a real throwaway cluster and this host's /proc, read as a pg_monitor
// role (no superuser); and the collector's history and configuration over real collections.
import { cpus, hostname, release, type as osType } from 'node:os'
import { readFileSync } from 'node:fs'
import { Client, type ClientConfig } from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  DASHBOARD_CONFIG_KEYS,
  DashboardCollector,
  DashboardHistorySeries,
  DashboardReader,
  type ConfigStore,
  type Dashboard,
  type IntervalTimers
} from '../../src/main/postgres/dashboard'
import { localSystemSource } from '../../src/main/postgres/host/local'
import { AppError } from '../../src/shared/errors'
import { openSeriesStore } from '../helpers/dashboard-data'
import { flushStats, startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'

const DASHBOARD_FIELDS = [
  'active_backends', 'max_connections', 'databases', 'hostname', 'pg_version', 'memory', 'cpu', 'os_version',
  'loadaverage', 'hitratio', 'pg_uptime', 'pg_port', 'n_cpu', 'pg_data', 'buffers'
].sort()
const HOST_FIELDS = ['hostname', 'os_version', 'n_cpu', 'cpu', 'loadaverage', 'memory']
const UPTIME = /^(\d+ days? )?\d\d:\d\d:\d\d(\.\d{1,6})?$/

let pg: Postgres
let monitorRole: RoleCredentials
let monitor: Client
let reader: DashboardReader
const clients: Client[] = []

async function connect(config: ClientConfig): Promise<Client> {
  const client = new Client(config)
  clients.push(client)
  client.on('error', () => undefined)
  await client.connect()
  return client
}

const nowSeconds = (): number => Date.now() / 1000

const seriesStores: Array<ReturnType<typeof openSeriesStore>> = []

/** A series store in a temp dir for one instance's history, closed and removed after the tests. */
function seriesHistory(): DashboardHistorySeries {
  const opened = openSeriesStore()
  seriesStores.push(opened)
  return new DashboardHistorySeries(opened.store, 1)
}

/** A key-value store as the app's settings table would be, in memory. */
function memoryStore(): ConfigStore & { values: Map<string, string> } {
  const values = new Map<string, string>()
  return { values, get: (key) => values.get(key) ?? null, set: (key, value) => void values.set(key, value) }
}

/** Timers the test fires by hand, so that a tick happens exactly when the test says. */
function manualTimers(): IntervalTimers & { intervalMs: number | null; fire(): void } {
  let tick: (() => void) | null = null
  const timers = {
    intervalMs: null as number | null,
    setInterval(fn: () => void, ms: number) {
      tick = fn
      timers.intervalMs = ms
      return fn
    },
    clearInterval() {
      tick = null
      timers.intervalMs = null
    },
    fire() {
      tick?.()
    }
  }
  return timers
}

beforeAll(async () => {
  pg = await startPostgres()
  monitorRole = await pg.createRole('vigil_monitor', 'monitor-secret-1', ['pg_monitor'])
  await pg.createDatabase('shop')
  // Some activity: a table, rows, commits and rollbacks, flushed to the statistics.
  const worker = await connect(pg.connectionConfig('shop'))
  await worker.query('CREATE TABLE items (id int PRIMARY KEY, qty int)')
  await worker.query('INSERT INTO items SELECT g, g FROM generate_series(1, 1000) g')
  for (let i = 0; i < 5; i++) {
    await worker.query('BEGIN')
    await worker.query('UPDATE items SET qty = 0')
    await worker.query(i % 2 === 0 ? 'ROLLBACK' : 'COMMIT')
  }
  await flushStats(worker, pg.serverVersionNum)
  monitor = await connect(monitorRole.connectionConfig('postgres'))
  reader = new DashboardReader(localSystemSource(), { cpuWindowMs: 100 })
})
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)))
  for (const opened of seriesStores) {
    opened.close()
    opened.remove()
  }
  await pg?.stop()
})

describe('sub-endpoints as a pg_monitor role', () => {
  it('buffers, hitratio, active_backends, max_connections', async () => {
    // pg_stat_bgwriter's buffers_alloc is reported by the background writer now and then: a
    // fresh cluster may show 0 for a moment.
    const { buffers } = await vi.waitFor(
      async () => {
        const read = await reader.buffers(monitor)
        expect(read.buffers.nb).toBeGreaterThan(0)
        return read
      },
      { timeout: 10_000, interval: 100 }
    )
    expect(buffers.time).toBeCloseTo(nowSeconds(), -1)

    const { hitratio } = await reader.hitratio(monitor)
    expect(Number.isInteger(hitratio)).toBe(true)
    expect(hitratio).toBeGreaterThan(0)
    expect(hitratio).toBeLessThanOrEqual(100)

    const idleInXact = await connect(pg.connectionConfig('shop'))
    await idleInXact.query('BEGIN')
    const { active_backends } = await reader.activeBackends(monitor)
    // Our own query and the open transaction.
    expect(active_backends.nb).toBeGreaterThanOrEqual(2)
    expect(active_backends.time).toBeCloseTo(nowSeconds(), -1)
    await idleInXact.query('ROLLBACK')

    expect(await reader.maxConnections(monitor)).toEqual({ max_connections: 300 })
  })

  it('databases: count, total size, commits and rollbacks of the non-template databases', async () => {
    const { databases } = await reader.databases(monitor)
    expect(Object.keys(databases).sort()).toEqual(['databases', 'time', 'timestamp', 'total_commit', 'total_rollback', 'total_size'])
    expect(databases.databases).toBe(2)
    expect(databases.total_size).toMatch(/^\d+ (kB|MB)$/)
    expect(databases.time).toMatch(/^\d\d:\d\d$/)
    expect(databases.total_commit).toBeGreaterThanOrEqual(4)
    expect(databases.total_rollback).toBeGreaterThanOrEqual(3)
    expect(databases.timestamp).toBeCloseTo(nowSeconds(), -1)
  })

  it('pg_version and info', async () => {
    const { pg_version } = await reader.pgVersion(monitor)
    expect(pg_version).toMatch(new RegExp(`^PostgreSQL ${Math.floor(pg.serverVersionNum / 10000)}\\.\\d+ `))
    const info = await reader.info(monitor)
    expect(info).toEqual({
      hostname: hostname(),
      os_version: `${osType()} ${release()}`,
      pg_port: String(pg.port),
      pg_uptime: expect.stringMatching(UPTIME),
      pg_version,
      pg_data: pg.dataDir
    })
  })

  it('cpu, loadaverage, memory, hostname, os_version, n_cpu from this host', async () => {
    const { cpu } = await reader.cpu()
    expect(Object.keys(cpu ?? {}).sort()).toEqual(['idle', 'iowait', 'steal', 'system', 'user'])
    const shares = Object.values(cpu ?? {})
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(0)
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(100, 0)

    const { loadaverage } = await reader.loadaverage()
    expect(loadaverage).toBeGreaterThanOrEqual(0)

    const { memory } = await reader.memory()
    const memTotalKb = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1])
    expect(memory?.total).toBe(memTotalKb)
    expect((memory?.active ?? 0) + (memory?.cached ?? 0) + (memory?.free ?? 0)).toBeCloseTo(100, 0)

    expect(await reader.hostname()).toEqual({ hostname: hostname() })
    expect(await reader.osVersion()).toEqual({ os_version: `${osType()} ${release()}` })
    expect(await reader.nCpu()).toEqual({ n_cpu: cpus().length })
  })

  it('the full data set has exactly the documented fields', async () => {
    const dashboard = await reader.dashboard(monitor)
    expect(Object.keys(dashboard).sort()).toEqual(DASHBOARD_FIELDS)
    expect(dashboard).toMatchObject({
      max_connections: 300,
      pg_port: String(pg.port),
      pg_data: pg.dataDir,
      hostname: hostname(),
      n_cpu: cpus().length,
      databases: { databases: 2 }
    })
    expect(dashboard.pg_uptime).toMatch(UPTIME)
    expect(Object.keys(dashboard.buffers).sort()).toEqual(['nb', 'time'])
    expect(Object.keys(dashboard.memory ?? {}).sort()).toEqual(['active', 'cached', 'free', 'total'])
  })

  it('a superuser gets the same fields', async () => {
    const superuser = await connect(pg.connectionConfig('postgres'))
    expect(Object.keys(await reader.dashboard(superuser)).sort()).toEqual(DASHBOARD_FIELDS)
    expect(Object.keys(await reader.info(superuser)).sort()).toEqual(['hostname', 'os_version', 'pg_data', 'pg_port', 'pg_uptime', 'pg_version'])
  })

  it('without a system source the host fields are null and the rest is there', async () => {
    const remote = new DashboardReader(null)
    const dashboard = await remote.dashboard(monitor)
    expect(Object.keys(dashboard).sort()).toEqual(DASHBOARD_FIELDS)
    for (const field of HOST_FIELDS) expect(dashboard[field as keyof Dashboard]).toBeNull()
    expect(dashboard.max_connections).toBe(300)
    expect(await remote.cpu()).toEqual({ cpu: null })
    expect((await remote.info(monitor)).hostname).toBeNull()
  })
})

describe('privileges', () => {
  it('a role without pg_monitor gets pg_data null, and a clear error for a database it may not size', async () => {
    const plainRole = await pg.createRole('vigil_plain', 'plain-secret-1')
    const plain = await connect(plainRole.connectionConfig('postgres'))
    expect((await reader.info(plain)).pg_data).toBeNull()

    await pg.query('REVOKE CONNECT ON DATABASE shop FROM PUBLIC')
    try {
      const error = await reader.dashboard(plain).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(AppError)
      expect(error).toMatchObject({ code: 'forbidden' })
      expect((error as AppError).message).toMatch(/^The dashboard needs the pg_monitor role .*: permission denied for database "?shop"?/)
      expect((await reader.databases(monitor)).databases.databases).toBe(2)
    } finally {
      await pg.query('GRANT CONNECT ON DATABASE shop TO PUBLIC')
    }
  })
})

describe('DashboardCollector', () => {
  it('keeps the last history_length data sets and honours a configuration change', async () => {
    const store = memoryStore()
    const timers = manualTimers()
    const collector = new DashboardCollector({ collect: () => reader.dashboard(monitor), store, timers, history: seriesHistory() })
    expect(collector.config()).toEqual({ history_length: 150, scheduler_interval: 2 })

    collector.start()
    expect(timers.intervalMs).toBe(2000)
    // start() collects at once; collectNow() joins that collection.
    await collector.collectNow()
    expect(collector.history()).toHaveLength(1)

    expect(collector.setConfig({ history_length: 3, scheduler_interval: 5 })).toEqual({ history_length: 3, scheduler_interval: 5 })
    expect(timers.intervalMs).toBe(5000)
    expect(store.values.get(DASHBOARD_CONFIG_KEYS.history_length)).toBe('3')
    expect(store.values.get(DASHBOARD_CONFIG_KEYS.scheduler_interval)).toBe('5')

    const snapshots: Dashboard[] = []
    for (let tick = 0; tick < 4; tick++) {
      timers.fire()
      snapshots.push(await collector.collectNow())
    }
    expect(new Set(snapshots).size).toBe(4)
    // Kept in the series store and rebuilt from it: the same JSON as collected.
    expect(JSON.stringify(collector.history())).toBe(JSON.stringify(snapshots.slice(-3)))
    expect(await collector.current()).toBe(snapshots.at(-1))
    expect(Object.keys(collector.latest() ?? {}).sort()).toEqual(DASHBOARD_FIELDS)

    await collector.stop()
    expect(timers.intervalMs).toBeNull()
    // A new collector (after a restart of Vigil) reads the stored configuration.
    expect(new DashboardCollector({ collect: () => reader.dashboard(monitor), store, history: seriesHistory() }).config()).toEqual({ history_length: 3, scheduler_interval: 5 })
  })

  it('collects on real timers until stopped', async () => {
    const store = memoryStore()
    store.set(DASHBOARD_CONFIG_KEYS.scheduler_interval, '1')
    let count = 0
    let reachedTwo: () => void = () => {}
    const two = new Promise<void>((resolve) => (reachedTwo = resolve))
    const collector = new DashboardCollector({
      collect: async () => {
        const dashboard = await reader.dashboard(monitor)
        if (++count === 2) reachedTwo()
        return dashboard
      },
      store,
      history: seriesHistory()
    })
    collector.start()
    await two
    await collector.stop()
    const kept = collector.history().length
    expect(kept).toBeGreaterThanOrEqual(2)
    const [first, second] = collector.history()
    expect((second?.buffers.time ?? 0) - (first?.buffers.time ?? 0)).toBeGreaterThan(0.5)
  })

  it('refuses a bad configuration with the parameter it is about', () => {
    const collector = new DashboardCollector({ collect: () => reader.dashboard(monitor), store: memoryStore(), history: seriesHistory() })
    expect(() => collector.setConfig({ history_length: 0 })).toThrow("Parameter 'history_length' is malformed: it must be a whole number from 1 to 43200.")
    expect(() => collector.setConfig({ scheduler_interval: 'soon' })).toThrow(/^Parameter 'scheduler_interval' is malformed/)
    expect(collector.config()).toEqual({ history_length: 150, scheduler_interval: 2 })
  })
})
