// createApp on a data dir of the release before the series store: roll-ups and retention start
// once the upgrade has completed, and not at all when it failed (the old data stays as it was).
// The fixture's samples are from January 2026, long out of raw retention: maintenance, once it
// runs, drops them from the store; that is how these tests see whether it ran.
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type VigilApp } from '../../src/main/app'
import { openDb } from '../../src/main/base/db/db'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { resolveConfig } from '../../src/main/config'
import { copyMetricTables } from '../../src/main/metrics/series-conversion'
import { unpackMetricsFixture } from '../helpers/metrics-fixture'
import { makeTempDir } from '../helpers/temp-dir'

const AIX = '5e7e0000-0000-4000-8000-00000000000b'

describe('the upgrade when Vigil starts', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  function dataDir(): string {
    const temp = makeTempDir('vigil-upgrade-app-')
    cleanups.push(temp.remove)
    unpackMetricsFixture(temp.dir)
    return temp.dir
  }

  async function start(dir: string): Promise<VigilApp> {
    const app = await createApp(resolveConfig({ dataDir: dir, port: 0, version: 'test', collect: false, monitorLocalhost: false }))
    cleanups.push(() => app.close())
    return app
  }

  const rawRows = (app: VigilApp): number =>
    app.series.select([{ name: '__name__', op: '=', value: 'vmstat' }]).reduce((sum, group) => sum + app.series.read(group.id, -Infinity, Infinity).ts.length, 0)
  const hasTable = (app: VigilApp, name: string): boolean => app.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined

  it('starts roll-ups and retention once the upgrade has completed', async () => {
    const app = await start(dataDir())
    expect(['pending', 'converting']).toContain(app.upgrade.status().state)

    expect(await app.upgrade.run()).toBe(true)

    expect(app.upgrade.status()).toMatchObject({ state: 'converted', total: 4774 })
    expect(hasTable(app, 'vmstat_samples')).toBe(false)
    // Retention ran: the raw samples of January are gone; the hour roll-ups (400 days) are kept.
    expect(rawRows(app)).toBe(0)
    expect(app.series.select([{ name: '__name__', op: '=', value: 'vmstat:rollup' }, { name: '__resolution__', op: '=', value: '3600000' }])).toHaveLength(2)
  })

  it('keeps roll-ups and retention off when the copy differs, and says so in the health answer', async () => {
    const dir = dataDir()
    // An earlier, interrupted start copied everything; the old tables changed since (as a
    // faulty copy would leave them): the check at this start finds the difference.
    const db = openDb(`${dir}/vigil.db`)
    const store = new SeriesStore(db, { logDir: null })
    await copyMetricTables(db, store)
    store.close()
    const id = db.prepare(`SELECT MIN(id) FROM iostat_samples WHERE server_id = ? AND disk = 'hdisk1'`).pluck().get(AIX) as number
    db.prepare('UPDATE iostat_samples SET kb_wrtn_rate = kb_wrtn_rate + 0.5 WHERE id = ?').run(id)
    db.close()
    const app = await start(dir)

    expect(await app.upgrade.run()).toBe(false)

    expect(app.upgrade.status()).toMatchObject({ state: 'failed', mismatchCount: 1 })
    expect(hasTable(app, 'vmstat_samples')).toBe(true)
    // No retention: the copied raw samples of January are all still in the store.
    expect(rawRows(app)).toBe(app.db.prepare('SELECT COUNT(*) FROM vmstat_samples').pluck().get())
    const health = await app.api.inject({ method: 'GET', url: '/health/', headers: { host: '127.0.0.1' } })
    expect(health.statusCode).toBe(200)
    expect(health.json()).toMatchObject({
      status: 'healthy',
      upgrade: { state: 'failed', differing_groups: 1, error: '1 group of samples differ between the old metrics tables and their copy in the series store' }
    })
    // Public: the health answer names no group (server ids, disks, process command lines).
    expect(JSON.stringify(health.json())).not.toContain(AIX)
  })
})
