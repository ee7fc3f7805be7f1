// `vigil serve` on a data dir of the release before the series store (the fixture), as a user
// upgrading runs it: the API answers at once while the metrics tables are converted, a power
// cut (SIGKILL) in the middle loses nothing, and the next start carries on and completes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../../src/main/base/db/db'
import { groupIdentity } from '../../src/main/base/series/group-catalog'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { LOG_DIR, LOG_FILE } from '../../src/main/base/log/log-file'
import { CONVERSION_TABLES } from '../../src/main/metrics/series-conversion'
import { OLD_BOOKKEEPING_TABLES, OLD_TABLES } from '../../src/main/metrics/series-conversion-tables'
import { fixtureDataDir, oldTableGroups } from '../helpers/metrics-fixture'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

const OLD_TABLE_NAMES = [...OLD_TABLES.map((table) => table.table), ...OLD_BOOKKEEPING_TABLES, ...CONVERSION_TABLES]

async function health(vigil: VigilProcess): Promise<{ status: string; upgrade: Record<string, unknown> }> {
  const response = await fetch(`${vigil.url}/health/`)
  expect(response.status).toBe(200)
  return (await response.json()) as { status: string; upgrade: Record<string, unknown> }
}

describe('vigil serve on a data dir of an earlier Vigil', () => {
  const processes: VigilProcess[] = []
  const data = fixtureDataDir()
  afterAll(async () => {
    for (const vigil of processes) await vigil.kill('SIGKILL')
    data.remove()
  })

  it('converts in the background with progress lines, survives a SIGKILL mid-way, and completes at the next start', async () => {
    const expected = oldTableGroups(data.file)

    // Small, paced steps (the documented knobs), so the kill lands with the conversion under way.
    const first = await startVigil([], { dataDir: data.dir, env: { VIGIL_UPGRADE_ROWS_PER_TRANSACTION: '50', VIGIL_UPGRADE_PAUSE_MS: '100' } })
    processes.push(first)
    expect(await first.line(/^upgrade: converting /)).toBe(
      "upgrade: converting this data dir's metrics (4,774 rows, from the tables of an earlier Vigil) into the series store; Vigil is usable meanwhile, and earlier history fills in as it goes"
    )
    // The first table's end: its rows are committed, the rest to come.
    expect(await first.line(/— vmstat_samples /)).toBe('upgrade: copying 215 of 4,774 rows (4.5%) — vmstat_samples 215 of 215')
    // The API answers meanwhile, and says how far the upgrade is.
    const during = await health(first)
    expect(during.status).toBe('healthy')
    expect(during.upgrade).toMatchObject({ state: 'converting', phase: 'copying', rows_total: 4774, error: null, differing_groups: 0 })
    expect(during.upgrade.rows_copied).toBeGreaterThanOrEqual(215)
    expect(during.upgrade.rows_copied).toBeLessThan(4774)
    await first.kill('SIGKILL')

    const second = await startVigil([], { dataDir: data.dir })
    processes.push(second)
    const carried = await second.line(/^upgrade: carrying on /)
    const resumedFrom = Number(/: ([\d,]+) of 4,774 rows were copied before an interruption$/.exec(carried)?.[1]?.replace(/,/g, ''))
    expect(resumedFrom).toBeGreaterThanOrEqual(215)
    expect(resumedFrom).toBeLessThan(4774)
    const done = await second.line(/^upgrade: (done|FAILED)/)
    expect(done).toMatch(/^upgrade: done: 4,774 rows from 7 tables converted into the series store and checked in \d+\.\d s \([\d,]+ of them copied before an interruption\); the old tables are dropped, leaving \d+\.\d MB of free pages in the database file, which new data reuses \(README, "Upgrading"\)$/)
    expect((await health(second)).upgrade).toMatchObject({ state: 'converted', percent: 100, rows_copied: 4774, rows_total: 4774 })
    await second.kill('SIGTERM')

    const log = readFileSync(join(data.dir, LOG_DIR, LOG_FILE), 'utf8')
    expect(log).toContain('"msg":"upgrade: copying 215 of 4,774 rows (4.5%) — vmstat_samples 215 of 215"')
    expect(log).toContain(JSON.stringify(done).slice(1, -1))

    // Every old row, each once, in its group; the old tables are gone. Roll-ups and retention
    // started after the upgrade: they keep all of the (recent) data, and may only have added
    // roll-up buckets after the last one the earlier Vigil had made.
    const db = openDb(data.file)
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${OLD_TABLE_NAMES.map(() => '?').join(', ')})`).pluck().all(...OLD_TABLE_NAMES)
      expect(tables).toEqual([])
      const store = new SeriesStore(db, { logDir: null })
      const stored = new Map(store.select([]).map((group) => [groupIdentity(group), group]))
      expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort())
      for (const [identity, rows] of expected) {
        const range = store.read(stored.get(identity)!.id, -Infinity, Infinity)
        const copied = { ts: range.ts.slice(0, rows.ts.length), seq: range.seq.slice(0, rows.ts.length), columns: range.columns.map((column) => column.slice(0, rows.ts.length)) }
        expect(copied, identity).toEqual({ ts: rows.ts, seq: rows.ts.map((_, i) => i), columns: rows.columns })
        const added = range.ts.slice(rows.ts.length)
        if (rows.table.endsWith('_samples')) expect(added, identity).toEqual([])
        else for (const ts of added) expect(ts, identity).toBeGreaterThan(rows.ts.at(-1)!)
      }
    } finally {
      db.close()
    }
  }, 90_000)
})
