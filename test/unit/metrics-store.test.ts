import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../src/main/base/db/db'
import { HOUR_MS, MINUTE_MS } from '../../src/main/base/series/rollups'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { MetricRows } from '../../src/main/metrics/metric-rows'
import { MetricsMaintenance } from '../../src/main/metrics/metrics-maintenance'
import { MetricsStore } from '../../src/main/metrics/metrics-store'
import { createServersRepo } from '../../src/main/servers/servers-repo'
import { makeTempDir } from '../helpers/temp-dir'

let temp: ReturnType<typeof makeTempDir>
let db: Db
let store: MetricsStore
let repo: MetricRows
const S1 = '00000000-0000-4000-8000-000000000001'
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0)

beforeEach(() => {
  temp = makeTempDir()
  db = openDb(join(temp.dir, 'vigil.db'))
  db.prepare(
    `INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES ('${S1}', 'h', '192.0.2.1', 'u', 0, 0)`
  ).run()
  store = new MetricsStore(new SeriesStore(db, { logDir: join(temp.dir, 'series-head') }))
  const servers = createServersRepo(db)
  repo = new MetricRows(store, { allRows: () => servers.all(), rowOf: (id) => servers.get(id)! })
})
afterEach(() => {
  store.series.close()
  db.close()
  temp.remove()
})

/** The process stops without closing the store (its log is replayed) and starts again. */
function reopen(): void {
  const servers = createServersRepo(db)
  store = new MetricsStore(new SeriesStore(db, { logDir: join(temp.dir, 'series-head') }))
  repo = new MetricRows(store, { allRows: () => servers.all(), rowOf: (id) => servers.get(id)! })
}

/** One vmstat sample every 5 s for `minutes`, us = seconds into the minute. */
function seedVmstat(minutes: number): void {
  seedVmstatFrom(0, minutes)
}

function seedVmstatFrom(fromMinute: number, minutes: number): void {
  const batches = []
  for (let t = fromMinute * 60_000; t < (fromMinute + minutes) * 60_000; t += 5000) {
    batches.push({ metric: 'vmstat' as const, serverId: S1, ts: T0 + t, rows: [{ us: (t % 60_000) / 1000, sy: null, r: 1 }] })
  }
  store.write(batches)
}

/** Roll-ups as of `now`, and retention. */
function maintain(now: number, retention = { rawDays: 7, minuteRollupDays: 30, hourRollupDays: 400 }): void {
  new MetricsMaintenance(store, retention, () => now).run()
}

describe('roll-ups', () => {
  it('computes 1-minute min/avg/max from raw rows, nulls ignored', () => {
    seedVmstat(3)
    maintain(T0 + 3 * MINUTE_MS + 15_000)
    const rows = repo.rollups('vmstat', MINUTE_MS, { serverId: S1, start: T0, end: T0 + HOUR_MS }).rows
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatchObject({ bucket: T0, n: 12, us_min: 0, us_avg: 27.5, us_max: 55, sy_avg: null, r_avg: 1 })
  })

  it('builds hours from minutes, weighting by sample count', () => {
    seedVmstat(120)
    maintain(T0 + 2 * HOUR_MS + 15_000)
    const hours = repo.rollups('vmstat', HOUR_MS, { serverId: S1, start: T0, end: T0 + 2 * HOUR_MS }).rows
    expect(hours).toHaveLength(2)
    expect(hours[0]).toMatchObject({ bucket: T0, n: 720, us_min: 0, us_avg: 27.5, us_max: 55 })
  })

  it('is kept up to date by maintenance, which also applies retention by whole chunks', () => {
    seedVmstat(90)
    let now = T0 + 90 * MINUTE_MS + 20_000
    const retention = { rawDays: 1, minuteRollupDays: 2, hourRollupDays: 3 }
    maintain(now, retention)
    expect(repo.rollups('vmstat', MINUTE_MS, { serverId: S1, start: 0, end: now }).rows).toHaveLength(90)
    expect(repo.rollups('vmstat', HOUR_MS, { serverId: S1, start: 0, end: now }).rows).toHaveLength(1)
    // Running again changes nothing; a day and a half later raw rows are gone, roll-ups stay.
    maintain(now, retention)
    expect(repo.rollups('vmstat', MINUTE_MS, { serverId: S1, start: 0, end: now }).rows).toHaveLength(90)
    now += 36 * HOUR_MS
    maintain(now, retention)
    expect(repo.samples('vmstat', { start: 0, end: now, limit: 10, offset: 0 }).total).toBe(0)
    expect(repo.rollups('vmstat', HOUR_MS, { serverId: S1, start: 0, end: now }).rows).toHaveLength(2)
    now += 3 * 24 * HOUR_MS
    maintain(now, retention)
    expect(repo.rollups('vmstat', MINUTE_MS, { serverId: S1, start: 0, end: now }).rows).toHaveLength(0)
  })

  it('keeps rolling up minute after minute with one maintenance, and lets go of the groups of a deleted server', async () => {
    let now = T0
    const maintenance = new MetricsMaintenance(store, undefined, () => now)
    for (let minute = 0; minute < 5; minute++) {
      seedVmstatFrom(minute, 1)
      now = T0 + (minute + 1) * MINUTE_MS + 15_000
      await maintenance.tick()
    }
    expect(repo.rollups('vmstat', MINUTE_MS, { serverId: S1, start: T0, end: now }).rows.map((row) => row.n)).toEqual([12, 12, 12, 12, 12])
    expect(maintenance.rememberedRollups).toBe(1)
    // The server's groups go; new samples make new groups, whose roll-ups are found afresh.
    store.deleteServer(S1)
    seedVmstatFrom(5, 1)
    now = T0 + 6 * MINUTE_MS + 15_000
    await maintenance.tick()
    expect(maintenance.rememberedRollups).toBe(1)
    expect(repo.rollups('vmstat', MINUTE_MS, { serverId: S1, start: T0, end: now }).rows.map((row) => row.bucket)).toEqual([T0 + 5 * MINUTE_MS])
  })

  it('rolls up in slices with the event loop free between them, and stops between two slices', async () => {
    const servers = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${String(100 + i).padStart(12, '0')}`)
    for (let t = 0; t < 2 * MINUTE_MS; t += 5000) {
      store.write(servers.map((serverId) => ({ metric: 'vmstat' as const, serverId, ts: T0 + t, rows: [{ us: t / 1000, sy: 1, r: 1 }] })))
    }
    const now = T0 + 2 * MINUTE_MS + 15_000
    const rolledUp = (): number => store.rollupGroups('vmstat', MINUTE_MS).length

    // A slice of 0 ms is one group a turn: other work runs while the pass goes on.
    const sliced = new MetricsMaintenance(store, undefined, () => now, undefined, 0)
    const pass = sliced.tick()
    await new Promise((resolve) => setImmediate(resolve))
    const midway = rolledUp()
    expect(midway).toBeGreaterThan(0)
    expect(midway).toBeLessThan(servers.length)
    await pass
    expect(rolledUp()).toBe(servers.length)
    expect(store.series.read(store.rollupGroups('vmstat', MINUTE_MS)[0]!.id, 0, now).ts).toHaveLength(2)

    // stop() ends a pass between two slices: the rest is left for the next start.
    store.deleteServer(servers[0]!)
    const stopped = new MetricsMaintenance(store, undefined, () => now + MINUTE_MS, undefined, 0)
    const cut = stopped.tick()
    stopped.stop()
    await cut
    expect(stopped.rememberedRollups).toBe(1)
  })

  it('forgets the series of a deleted server', () => {
    seedVmstat(1)
    db.prepare('DELETE FROM servers').run()
    // Rows of a server no longer registered are not answered, and its series can be dropped.
    expect(() => repo.samples('vmstat', { start: 0, end: T0 + HOUR_MS, limit: 10, offset: 0 })).not.toThrow()
    expect(repo.samples('vmstat', { start: 0, end: T0 + HOUR_MS, limit: 10, offset: 0 }).total).toBe(0)
    store.deleteServer(S1)
    expect(store.groups('vmstat')).toEqual([])
  })
})

describe('rows', () => {
  it('gives each row an id that is the same whenever it is read, and pages through rows in time order', () => {
    seedVmstat(2)
    const all = repo.samples('vmstat', { start: 0, end: Infinity, limit: -1, offset: 0 })
    expect(all.total).toBe(24)
    expect(all.rows.map((row) => row.ts)).toEqual(Array.from({ length: 24 }, (_, i) => T0 + i * 5000))
    expect(new Set(all.rows.map((row) => row.id)).size).toBe(24)
    const page = repo.samples('vmstat', { start: 0, end: Infinity, limit: 5, offset: 10 })
    expect(page).toEqual({ rows: all.rows.slice(10, 15), total: 24 })
    // After a restart (some rows in chunks, some replayed from the log) they read the same.
    store.series.cutAll()
    seedVmstatFrom(2, 1)
    const before = repo.samples('vmstat', { start: 0, end: Infinity, limit: -1, offset: 0 }).rows
    reopen()
    expect(repo.samples('vmstat', { start: 0, end: Infinity, limit: -1, offset: 0 }).rows).toEqual(before)
  })

  it('finds each row\'s series when rows change places, a pid changes command, or a process comes twice', () => {
    const disk = (name: string, tps: number) => ({ disk: name, tps })
    store.write([{ metric: 'iostat', serverId: S1, ts: T0, rows: [disk('sda', 1), disk('sdb', 2)] }])
    store.write([{ metric: 'iostat', serverId: S1, ts: T0 + 5000, rows: [disk('sdb', 4), disk('sda', 3)] }])
    store.write([{ metric: 'iostat', serverId: S1, ts: T0 + 10_000, rows: [disk('sda', 5), disk('sdc', 6), disk('sdb', 7)] }])
    const iostat = repo.samples('iostat', { start: 0, end: Infinity, limit: -1, offset: 0 }).rows
    const byDisk = (name: string) => iostat.filter((row) => row.disk === name).map((row) => [row.ts - T0, row.tps])
    expect(byDisk('sda')).toEqual([[0, 1], [5000, 3], [10_000, 5]])
    expect(byDisk('sdb')).toEqual([[0, 2], [5000, 4], [10_000, 7]])
    expect(byDisk('sdc')).toEqual([[10_000, 6]])

    const process = (pid: number, command: string, cpu: number) => ({ pid, user: 'app', cpu, mem: 1, command })
    store.write([{ metric: 'process', serverId: S1, ts: T0, rows: [process(1, 'a', 1), process(2, 'b', 2)] }])
    // Pid 2 now runs another command, at the same place: a series of its own, and b's ended.
    store.write([{ metric: 'process', serverId: S1, ts: T0 + 5000, rows: [process(1, 'a', 3), process(2, 'c', 4)] }])
    // The same process twice in one sample, and pid 1 moved.
    store.write([{ metric: 'process', serverId: S1, ts: T0 + 10_000, rows: [process(2, 'c', 5), process(1, 'a', 6), process(1, 'a', 7)] }])
    store.write([{ metric: 'process', serverId: S1, ts: T0 + 15_000, rows: [process(1, 'a', 8)] }])
    const rows = repo.samples('process', { start: 0, end: Infinity, limit: -1, offset: 0 }).rows
    const of = (pid: number, command: string) => rows.filter((row) => row.pid === pid && row.command === command).map((row) => [row.ts - T0, row.cpu])
    expect(of(1, 'a')).toEqual([[0, 1], [5000, 3], [10_000, 6], [10_000, 7], [15_000, 8]])
    expect(of(2, 'b')).toEqual([[0, 2]])
    expect(of(2, 'c')).toEqual([[5000, 4], [10_000, 5]])
    expect(store.groups('process', S1)).toHaveLength(3)
    // Each ended series got its marker once, when it first went missing.
    const markers = store.read(store.groups('process', S1), 0, Infinity, true).map(({ group, rows: range }) => [group.labels.command, range.ts.length])
    expect(markers.sort()).toEqual([['a', 5], ['b', 2], ['c', 3]])
  })

  it('leaves a process that ended out of later samples (a staleness marker), and answers it again when it comes back', () => {
    const process = (pid: number, cpu: number) => ({ pid, user: 'app', cpu, mem: 1, command: `worker ${pid}` })
    store.write([{ metric: 'process', serverId: S1, ts: T0, rows: [process(1, 5), process(2, 3)] }])
    store.write([{ metric: 'process', serverId: S1, ts: T0 + 5000, rows: [process(1, 4)] }])
    store.write([{ metric: 'process', serverId: S1, ts: T0 + 10_000, rows: [process(2, 9), process(1, 4)] }])
    const rows = repo.samples('process', { start: 0, end: Infinity, limit: -1, offset: 0 }).rows
    expect(rows.map((row) => [row.ts - T0, row.pid, row.cpu])).toEqual([
      [0, 1, 5],
      [0, 2, 3],
      [5000, 1, 4],
      [10_000, 2, 9],
      [10_000, 1, 4]
    ])
    // It came back as the series it was, not a new one.
    expect(store.groups('process', S1)).toHaveLength(2)
    // Aggregated, the marker is no row either: pid 2 counts its two samples, and a bucket that
    // holds only its marker (5 s to 10 s) has no row for it.
    const aggregate = (start: number, end: number) =>
      repo.processAggregates({ start: T0 + start, end: T0 + end, intervalMs: 5000, limit: -1, offset: 0 }).rows.map((row) => [row.bucket - T0, row.pid, row.count, row.max_cpu])
    expect(aggregate(0, 10_000)).toEqual([
      [0, 1, 1, 5],
      [0, 2, 1, 3],
      [5000, 1, 1, 4],
      [10_000, 1, 1, 4],
      [10_000, 2, 1, 9]
    ])
    expect(aggregate(5000, 9999)).toEqual([[5000, 1, 1, 4]])
  })
})
