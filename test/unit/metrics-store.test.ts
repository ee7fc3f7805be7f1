import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MetricsMaintenance } from '../../src/main/metrics/metrics-maintenance'
import { openDb, type Db } from '../../src/main/base/db/db'
import { createMetricsRepo, HOUR_MS, MINUTE_MS, type MetricsRepo } from '../../src/main/metrics/metrics-repo'
import { makeTempDir } from '../helpers/temp-dir'

let temp: ReturnType<typeof makeTempDir>
let db: Db
let repo: MetricsRepo
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0)

beforeEach(() => {
  temp = makeTempDir()
  db = openDb(join(temp.dir, 'vigil.db'))
  db.prepare(
    "INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES ('s1', 'h', '192.0.2.1', 'u', 0, 0)"
  ).run()
  repo = createMetricsRepo(db)
})
afterEach(() => {
  db.close()
  temp.remove()
})

/** One vmstat sample every 5 s for `minutes`, us = seconds into the minute. */
function seedVmstat(minutes: number): void {
  const batches = []
  for (let t = 0; t < minutes * 60_000; t += 5000) {
    batches.push({ metric: 'vmstat' as const, serverId: 's1', ts: T0 + t, rows: [{ us: (t % 60_000) / 1000, sy: null, r: 1 }] })
  }
  repo.insertBatches(batches)
}

describe('roll-ups', () => {
  it('computes 1-minute min/avg/max from raw rows, nulls ignored', () => {
    seedVmstat(3)
    repo.rollUp('vmstat', MINUTE_MS, T0, T0 + 3 * MINUTE_MS)
    const rows = repo.rollups('vmstat', MINUTE_MS, { serverId: 's1', start: T0, end: T0 + HOUR_MS }).rows
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatchObject({ bucket: T0, n: 12, us_min: 0, us_avg: 27.5, us_max: 55, sy_avg: null, r_avg: 1 })
  })

  it('builds hours from minutes, weighting by sample count', () => {
    seedVmstat(120)
    repo.rollUp('vmstat', MINUTE_MS, T0, T0 + 2 * HOUR_MS)
    repo.rollUp('vmstat', HOUR_MS, T0, T0 + 2 * HOUR_MS)
    const hours = repo.rollups('vmstat', HOUR_MS, { serverId: 's1', start: T0, end: T0 + 2 * HOUR_MS }).rows
    expect(hours).toHaveLength(2)
    expect(hours[0]).toMatchObject({ bucket: T0, n: 720, us_min: 0, us_avg: 27.5, us_max: 55 })
  })

  it('is kept up to date by maintenance, which also applies retention', () => {
    seedVmstat(90)
    let now = T0 + 90 * MINUTE_MS + 20_000
    const maintenance = new MetricsMaintenance(repo, { rawDays: 1, minuteRollupDays: 2, hourRollupDays: 3 }, () => now)
    maintenance.run()
    expect(repo.rollups('vmstat', MINUTE_MS, { serverId: 's1', start: 0, end: now }).rows).toHaveLength(90)
    expect(repo.rollups('vmstat', HOUR_MS, { serverId: 's1', start: 0, end: now }).rows).toHaveLength(1)
    expect(repo.rollupProgress('vmstat', MINUTE_MS)).toBe(T0 + 90 * MINUTE_MS)
    // Running again changes nothing; a day and a half later raw rows are gone, roll-ups stay.
    maintenance.run()
    expect(repo.rollups('vmstat', MINUTE_MS, { serverId: 's1', start: 0, end: now }).rows).toHaveLength(90)
    now += 36 * HOUR_MS
    maintenance.run()
    expect(repo.samples('vmstat', { start: 0, end: now, limit: 10, offset: 0 }).total).toBe(0)
    expect(repo.rollups('vmstat', HOUR_MS, { serverId: 's1', start: 0, end: now }).rows).toHaveLength(2)
    now += 3 * 24 * HOUR_MS
    maintenance.run()
    expect(repo.rollups('vmstat', MINUTE_MS, { serverId: 's1', start: 0, end: now }).rows).toHaveLength(0)
  })

  it('keeps samples of other servers apart and deletes them with their server', () => {
    seedVmstat(1)
    db.prepare('DELETE FROM servers').run()
    expect(repo.samples('vmstat', { start: 0, end: T0 + HOUR_MS, limit: 10, offset: 0 }).total).toBe(0)
  })
})
