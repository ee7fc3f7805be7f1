// The upgrade as the user sees it: its status (UI, API), the `app.upgrade` events, the lines for
// the log and the terminal, and what it answers the caller (whether roll-ups may start).
import { afterEach, describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/base/bus'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { ERROR_ADVICE, MetricsUpgrade, MISMATCH_ADVICE } from '../../../src/main/metrics/metrics-upgrade'
import { copyMetricTables } from '../../../src/main/metrics/series-conversion'
import type { UpgradeStatus } from '../../../src/shared/upgrade'
import { unpackMetricsFixture } from '../../helpers/metrics-fixture'
import { makeTempDir } from '../../helpers/temp-dir'

describe('the metrics upgrade at start', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function fixture(): { db: Db; store: SeriesStore } {
    const temp = makeTempDir('vigil-upgrade-')
    cleanups.push(temp.remove)
    const db = openDb(unpackMetricsFixture(temp.dir))
    cleanups.push(() => db.open && db.close())
    return { db, store: new SeriesStore(db, { logDir: null }) }
  }

  function upgradeOf(db: Db, store: SeriesStore, options: { rowsPerTransaction?: number; lineEveryMs?: number } = {}) {
    const bus = new EventBus()
    const events: UpgradeStatus[] = []
    bus.subscribe('app.upgrade', (status) => events.push(status))
    const lines: Array<{ line: string; level: 'info' | 'error' }> = []
    const upgrade = new MetricsUpgrade({
      db,
      store,
      bus,
      settings: { rowsPerTransaction: options.rowsPerTransaction },
      lineEveryMs: options.lineEveryMs,
      write: (line, level) => lines.push({ line, level })
    })
    return { upgrade, events, lines, bus }
  }

  it('converts with a start line, a line as each table ends, and the result with rows and time; the status says converted', async () => {
    const { db, store } = fixture()
    const { upgrade, events, lines } = upgradeOf(db, store, { rowsPerTransaction: 200, lineEveryMs: 60_000 })
    expect(upgrade.status().state).toBe('pending')

    expect(await upgrade.run()).toBe(true)

    const text = lines.map(({ line }) => line)
    expect(text[0]).toBe(
      "upgrade: converting this data dir's metrics (4,774 rows, from the tables of an earlier Vigil) into the series store; Vigil is usable meanwhile, and earlier history fills in as it goes"
    )
    // Each table's end, whatever the rate: vmstat_samples holds 215 rows.
    expect(text).toContain('upgrade: copying 215 of 4,774 rows (4.5%) — vmstat_samples 215 of 215')
    expect(text.at(-1)).toMatch(/^upgrade: done: 4,774 rows from 7 tables converted into the series store and checked in \d+\.\d s; the old tables are dropped, leaving \d+\.\d MB of free pages in the database file, which new data reuses \(README, "Upgrading"\)$/)
    // The old tables' pages are free inside the file now (about 0.9 MB of the fixture's 1 MB).
    expect(Number(/leaving (\d+\.\d) MB/.exec(text.at(-1)!)?.[1])).toBeGreaterThan(0.5)
    // One line a minute at most besides those: start, 7 tables' ends, result.
    expect(text).toHaveLength(9)
    expect(lines.every(({ level }) => level === 'info')).toBe(true)

    expect(upgrade.status()).toMatchObject({ state: 'converted', percent: 100, total: 4774, copied: 4774, checked: 9548, resumedFrom: 0, error: null })
    // Live: converting with a growing percentage, then converted; versions only grow.
    expect(events[0]).toMatchObject({ state: 'converting', phase: 'copying', total: 4774 })
    expect(events.some((event) => event.phase === 'checking')).toBe(true)
    expect(events.at(-1)).toMatchObject({ state: 'converted', percent: 100 })
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.version).toBeGreaterThan(events[i - 1]!.version)
      expect(events[i]!.percent).toBeGreaterThanOrEqual(events[i - 1]!.percent)
    }
  })

  it('reports a mismatch in the log, the status and the events, keeps the old tables and tells the caller not to start roll-ups', async () => {
    const { db, store } = fixture()
    await copyMetricTables(db, store)
    // An old row that no longer matches its copy (as a faulty copy would leave it).
    const id = db.prepare("SELECT MIN(id) FROM iostat_samples WHERE server_id = '5e7e0000-0000-4000-8000-00000000000b' AND disk = 'hdisk1'").pluck().get() as number
    db.prepare('UPDATE iostat_samples SET kb_wrtn_rate = kb_wrtn_rate + 0.5 WHERE id = ?').run(id)
    const { upgrade, events, lines } = upgradeOf(db, store)

    expect(await upgrade.run()).toBe(false)

    const failure = 'upgrade: FAILED: 1 group of samples differ between the old metrics tables and their copy in the series store. ' + MISMATCH_ADVICE
    expect(lines).toContainEqual({ line: failure, level: 'error' })
    const differs = lines.filter(({ line }) => line.startsWith('upgrade: differs: '))
    expect(differs).toHaveLength(1)
    expect(differs[0]!.line).toMatch(/^upgrade: differs: iostat_samples iostat\{disk="hdisk1", server_id="5e7e0000-0000-4000-8000-00000000000b"\}: old (\d+) rows .* stored \1 rows /)
    expect(differs[0]!.level).toBe('error')

    const status = upgrade.status()
    expect(status).toMatchObject({ state: 'failed', mismatchCount: 1, advice: MISMATCH_ADVICE })
    expect(status.error).toContain('1 group of samples differ')
    expect(status.mismatches).toEqual([differs[0]!.line.replace('upgrade: differs: ', '')])
    expect(events.at(-1)).toEqual(status)
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'iostat_samples'").pluck().get()).toBe(1)
  })

  it('reports an error that stops it, with its message, and keeps the old tables', async () => {
    const { db, store } = fixture()
    store.writeChunks = () => {
      throw new Error('database or disk is full')
    }
    const { upgrade, lines } = upgradeOf(db, store)

    expect(await upgrade.run()).toBe(false)

    expect(upgrade.status()).toMatchObject({ state: 'failed', error: 'database or disk is full', advice: ERROR_ADVICE, mismatchCount: 0 })
    expect(lines).toContainEqual({ line: `upgrade: FAILED: database or disk is full. ${ERROR_ADVICE}`, level: 'error' })
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'vmstat_samples'").pluck().get()).toBe(1)
  })

  it('says nothing and ends at once on a new data dir, whose old tables are empty', async () => {
    const temp = makeTempDir('vigil-upgrade-')
    cleanups.push(temp.remove)
    const db = openDb(`${temp.dir}/vigil.db`)
    cleanups.push(() => db.close())
    const store = new SeriesStore(db, { logDir: null })
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'vmstat_samples'").pluck().get()).toBe(1)
    const { upgrade, lines } = upgradeOf(db, store)

    expect(await upgrade.run()).toBe(true)

    expect(lines).toEqual([])
    expect(upgrade.status().state).toBe('none')
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'vmstat_samples'").pluck().get()).toBe(0)
  })

  it('stops when Vigil closes, says where, and carries on at the next start', async () => {
    const { db, store } = fixture()
    const first = upgradeOf(db, store, { rowsPerTransaction: 100 })
    const someCopied = new Promise<void>((resolve) => first.bus.subscribe('app.upgrade', (status) => status.copied > 0 && resolve()))
    const running = first.upgrade.run()
    await someCopied
    await first.upgrade.stop()
    expect(await running).toBe(false)
    expect(first.lines.at(-1)!.line).toMatch(/^upgrade: stopped with [\d,]+ of 4,774 rows copied; the next start carries on from there$/)

    const second = upgradeOf(db, store)
    expect(await second.upgrade.run()).toBe(true)
    expect(second.lines[0]!.line).toMatch(/^upgrade: carrying on with the conversion of this data dir's metrics into the series store: [\d,]+ of 4,774 rows were copied before an interruption$/)
    expect(second.upgrade.status().resumedFrom).toBeGreaterThan(0)
    expect(second.lines.at(-1)!.line).toMatch(/copied before an interruption\); the old tables are dropped, leaving \d+\.\d MB of free pages in the database file, which new data reuses \(README, "Upgrading"\)$/)
  })
})
