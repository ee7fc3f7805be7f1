import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import {
  CONVERSION_TABLES,
  convertMetricTables,
  copyMetricTables,
  describeMismatch,
  type ConversionProgress
} from '../../../src/main/metrics/series-conversion'
import { groupIdentity } from '../../../src/main/base/series/group-catalog'
import { OLD_TABLES } from '../../../src/main/metrics/series-conversion-tables'
import { oldTableGroups, unpackMetricsFixture } from '../../helpers/metrics-fixture'
import { makeTempDir } from '../../helpers/temp-dir'

const OLD_TABLE_NAMES = [...OLD_TABLES.map((table) => table.table), 'rollup_progress', ...CONVERSION_TABLES]
const CHILD = resolve(import.meta.dirname, '../../helpers/convert-metrics-child.ts')

describe('conversion of the release\'s metrics tables into the series store', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function fixture(): string {
    const temp = makeTempDir('vigil-conversion-')
    cleanups.push(temp.remove)
    return unpackMetricsFixture(temp.dir)
  }

  function open(file: string): { db: Db; store: SeriesStore } {
    const db = openDb(file)
    cleanups.push(() => db.open && db.close())
    return { db, store: new SeriesStore(db, { logDir: null }) }
  }

  const tablesLeft = (db: Db): string[] =>
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${OLD_TABLE_NAMES.map(() => '?').join(', ')}) ORDER BY name`)
      .pluck()
      .all(...OLD_TABLE_NAMES) as string[]

  /** Every old row is in the store, in its group, with its time and values; nothing more. */
  function expectSameData(store: SeriesStore, expected: ReturnType<typeof oldTableGroups>): void {
    const stored = new Map(store.select([]).map((group) => [groupIdentity(group), group]))
    expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort())
    for (const [identity, rows] of expected) {
      const group = stored.get(identity)
      expect(store.read(group!.id, -Infinity, Infinity), identity).toEqual({ ts: rows.ts, seq: rows.ts.map((_, i) => i), columns: rows.columns })
    }
  }

  it('copies every row of the fixture, roll-ups included, then drops the old tables', async () => {
    const file = fixture()
    const expected = oldTableGroups(file)
    const { db, store } = open(file)
    const result = await convertMetricTables(db, store, { chunkRows: 128 })

    expect(result).toEqual({ status: 'converted', rows: 4774, tables: OLD_TABLES.map((table) => table.table) })
    expect(tablesLeft(db)).toEqual([])
    expect(db.prepare('SELECT COUNT(*) FROM servers').pluck().get()).toBe(2)
    expect(db.prepare('SELECT SUM(rows) FROM series_chunks').pluck().get()).toBe(4774)
    expect(db.prepare('SELECT MAX(rows) FROM series_chunks').pluck().get()).toBe(128)
    // What a fresh store finds in SQLite: the copy bypassed heads and log, so that is all of it.
    expectSameData(new SeriesStore(db, { logDir: null }), expected)

    // The fixture's point: minute and hour roll-ups reach back past the raw rows, and survive.
    const vmstat = store.select([{ name: '__name__', op: '=', value: 'vmstat' }, { name: 'server_id', op: '=', value: '5e7e0000-0000-4000-8000-00000000000a' }])[0]!
    const hours = store.select([
      { name: '__name__', op: '=', value: 'vmstat:rollup' },
      { name: 'server_id', op: '=', value: '5e7e0000-0000-4000-8000-00000000000a' },
      { name: '__resolution__', op: '=', value: '3600000' }
    ])[0]!
    expect(store.firstTs(hours.id)).toBeLessThan(store.firstTs(vmstat.id)! - 2 * 3_600_000)
    expect(store.group(hours.id)?.columns.slice(0, 4)).toEqual(['n', 'r_min', 'r_avg', 'r_max'])
  })

  it('reports progress per table and overall in counts that only grow, up to the totals', async () => {
    const { db, store } = open(fixture())
    const reports: ConversionProgress[] = []
    await convertMetricTables(db, store, { rowsPerTransaction: 150, onProgress: (progress) => reports.push(progress) })

    expect([...new Set(reports.map((report) => report.table))]).toEqual(OLD_TABLES.map((table) => table.table))
    for (let i = 1; i < reports.length; i++) {
      const [before, after] = [reports[i - 1]!, reports[i]!]
      expect(after.allDone).toBeGreaterThanOrEqual(before.allDone)
      if (after.table === before.table) expect(after.done).toBeGreaterThanOrEqual(before.done)
    }
    for (const table of OLD_TABLES) {
      const last = reports.filter((report) => report.table === table.table).at(-1)!
      expect(last.done).toBe(last.total)
    }
    expect(reports.at(-1)).toMatchObject({ allDone: 4774, allTotal: 4774 })
    // Steps of about 150 rows: a progress line moves often, not once per table.
    expect(reports.length).toBeGreaterThan(4774 / 150)
  })

  it('keeps the old tables and names the group when a row differs, and finishes once it agrees', async () => {
    const { db, store } = open(fixture())
    await copyMetricTables(db, store)
    // The old tables change after the copy: the check must see it.
    const id = db.prepare("SELECT MIN(id) FROM iostat_samples WHERE server_id = '5e7e0000-0000-4000-8000-00000000000b' AND disk = 'hdisk1'").pluck().get() as number
    db.prepare('UPDATE iostat_samples SET kb_wrtn_rate = kb_wrtn_rate + 0.5 WHERE id = ?').run(id)
    const gone = db.prepare("SELECT * FROM process_samples WHERE server_id = '5e7e0000-0000-4000-8000-00000000000a' AND pid = 812 ORDER BY id DESC LIMIT 1").get() as Record<string, unknown>
    db.prepare('DELETE FROM process_samples WHERE id = ?').run(gone.id)

    const result = await convertMetricTables(db, store)
    if (result.status !== 'mismatch') throw new Error(`expected a mismatch, got ${result.status}`)
    expect(result.mismatches.map((mismatch) => [mismatch.table, mismatch.labels])).toEqual([
      ['iostat_samples', { server_id: '5e7e0000-0000-4000-8000-00000000000b', disk: 'hdisk1' }],
      ['process_samples', { server_id: '5e7e0000-0000-4000-8000-00000000000a', pid: '812', command: 'postgres: checkpointer', user: 'postgres' }]
    ])
    const [changed, shorter] = result.mismatches
    expect(changed!.old!.rows).toBe(changed!.stored!.rows)
    expect(changed!.old!.checksum).not.toBe(changed!.stored!.checksum)
    expect(shorter!.old!.rows).toBe(shorter!.stored!.rows - 1)
    expect(describeMismatch(shorter!)).toMatch(/^process_samples process\{.*pid="812".*\}: old \d+ rows .* stored \d+ rows/)
    expect(tablesLeft(db)).toEqual(OLD_TABLE_NAMES.slice().sort())

    // Put back as they were, the tables and the store agree: the next run completes and drops them.
    db.prepare('UPDATE iostat_samples SET kb_wrtn_rate = kb_wrtn_rate - 0.5 WHERE id = ?').run(id)
    const columns = Object.keys(gone)
    db.prepare(`INSERT INTO process_samples (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`).run(gone)
    expect(await convertMetricTables(db, store)).toMatchObject({ status: 'converted', rows: 4774 })
    expect(tablesLeft(db)).toEqual([])
  })

  it('has nothing to convert in a data dir without the old tables, or once converted', async () => {
    const { db, store } = open(fixture())
    expect((await convertMetricTables(db, store)).status).toBe('converted')
    expect(await convertMetricTables(db, store)).toEqual({ status: 'nothing-to-convert' })
  })

  it('lets the event loop run between its steps: a timer fires between two progress reports', async () => {
    const { db, store } = open(fixture())
    const events: string[] = []
    const ticker = setInterval(() => events.push('tick'), 0)
    try {
      const result = await convertMetricTables(db, store, { rowsPerTransaction: 100, onProgress: () => events.push('progress') })
      expect(result.status).toBe('converted')
    } finally {
      clearInterval(ticker)
    }
    const first = events.indexOf('progress')
    const last = events.lastIndexOf('progress')
    expect(events.slice(first, last).filter((event) => event === 'tick').length).toBeGreaterThan(1)
  })

  it('leaves out of the check the samples collected into the same groups while it runs, and keeps them', async () => {
    const file = fixture()
    const expected = oldTableGroups(file)
    const { db, store } = open(file)
    const newest = db.prepare('SELECT MAX(ts) FROM vmstat_samples').pluck().get() as number
    const startedAt = newest + 3_600_000
    let collected = 0
    const result = await convertMetricTables(db, store, {
      rowsPerTransaction: 100,
      newSamplesFrom: startedAt,
      onProgress: ({ allDone }) => {
        // A collector between two steps: same group as the old rows, later times.
        const vmstat = store.select([{ name: '__name__', op: '=', value: 'vmstat' }, { name: 'server_id', op: '=', value: '5e7e0000-0000-4000-8000-00000000000a' }])[0]
        if (!vmstat || allDone === 0 || collected >= 5) return
        store.append(vmstat.id, startedAt + 5_000 * collected++, new Array<number>(vmstat.columns.length).fill(1))
        store.flush()
      }
    })
    expect(result).toMatchObject({ status: 'converted', rows: 4774 })
    const vmstat = store.select([{ name: '__name__', op: '=', value: 'vmstat' }, { name: 'server_id', op: '=', value: '5e7e0000-0000-4000-8000-00000000000a' }])[0]!
    const all = store.read(vmstat.id, -Infinity, Infinity)
    const old = [...expected.entries()].find(([identity]) => identity === groupIdentity(vmstat))![1]
    expect(collected).toBe(5)
    expect(all.ts).toEqual([...old.ts, ...[0, 1, 2, 3, 4].map((i) => startedAt + 5_000 * i)])
  })

  it('stops at its next step when aborted, keeping what it committed, and carries on later', async () => {
    const file = fixture()
    const expected = oldTableGroups(file)
    const { db, store } = open(file)
    const abort = new AbortController()
    let reports = 0
    const stopped = convertMetricTables(db, store, {
      rowsPerTransaction: 100,
      signal: abort.signal,
      onProgress: () => {
        if (++reports === 5) abort.abort(new Error('closing'))
      }
    })
    await expect(stopped).rejects.toThrow('closing')
    expect(tablesLeft(db)).toEqual(OLD_TABLE_NAMES.slice().sort())
    const copied = db.prepare('SELECT SUM(done) FROM series_conversion').pluck().get() as number
    expect(copied).toBeGreaterThan(0)
    expect(db.prepare('SELECT SUM(rows) FROM series_chunks').pluck().get()).toBe(copied)

    const first: ConversionProgress[] = []
    const result = await convertMetricTables(db, store, { onProgress: (progress) => first.push(progress) })
    expect(result).toMatchObject({ status: 'converted', rows: 4774 })
    expect(first[0]!.allDone).toBe(copied)
    expectSameData(store, expected)
  })

  it('checks a long group piece by piece, and still finds a row that differs anywhere in it', async () => {
    const file = fixture()
    const { db, store } = open(file)
    // db1's vmstat, 25 times over, each copy 5 hours earlier: about 2,700 rows in one group.
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('vmstat_samples') as string[]).filter((name) => name !== 'id')
    const shifted = columns.map((name) => (name === 'ts' ? 'ts - ? * 18000000' : name)).join(', ')
    const copy = db.prepare(`INSERT INTO vmstat_samples (${columns.join(', ')}) SELECT ${shifted} FROM vmstat_samples WHERE server_id = '5e7e0000-0000-4000-8000-00000000000a' AND ts > ?`)
    const oldest = db.prepare("SELECT MIN(ts) FROM vmstat_samples WHERE server_id = '5e7e0000-0000-4000-8000-00000000000a'").pluck().get() as number
    for (let k = 1; k <= 24; k++) copy.run(k, oldest - 1)
    const rows = db.prepare("SELECT COUNT(*) FROM vmstat_samples WHERE server_id = '5e7e0000-0000-4000-8000-00000000000a'").pluck().get() as number
    expect(rows).toBeGreaterThan(2_500)
    await copyMetricTables(db, store)
    // A row in the middle of the group, far from either end.
    const middle = db.prepare("SELECT id FROM vmstat_samples WHERE server_id = '5e7e0000-0000-4000-8000-00000000000a' ORDER BY ts LIMIT 1 OFFSET ?").pluck().get(Math.floor(rows / 2)) as number
    db.prepare('UPDATE vmstat_samples SET cs = cs + 1 WHERE id = ?').run(middle)

    const result = await convertMetricTables(db, store)
    if (result.status !== 'mismatch') throw new Error(`expected a mismatch, got ${result.status}`)
    expect(result.mismatches.map((mismatch) => [mismatch.table, mismatch.labels, mismatch.old?.rows, mismatch.stored?.rows])).toEqual([
      ['vmstat_samples', { server_id: '5e7e0000-0000-4000-8000-00000000000a' }, rows, rows]
    ])
    db.prepare('UPDATE vmstat_samples SET cs = cs - 1 WHERE id = ?').run(middle)
    expect(await convertMetricTables(db, store)).toMatchObject({ status: 'converted' })
  })

  it('carries on after a kill -9 in the middle: no row lost, none copied twice', async () => {
    const file = fixture()
    const expected = oldTableGroups(file)
    // The child stops for good inside the transaction after its 7th report; the kill lands
    // there (or sooner), with that transaction's chunks and cursor written but not committed.
    // Node itself runs the child (tsx as a loader), so the SIGKILL reaches the converting process.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, '--rows-per-transaction', '200', '--stall-after', '7'], { stdio: ['ignore', 'pipe', 'inherit'] })
    cleanups.push(() => child.kill('SIGKILL'))
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)))
    let killedAt: ConversionProgress | null = null
    let reports = 0
    for await (const line of createInterface({ input: child.stdout })) {
      const { progress } = JSON.parse(line) as { progress?: ConversionProgress }
      if (!progress || ++reports < 7) continue
      killedAt = progress
      child.kill('SIGKILL')
      break
    }
    expect(await exited).toBe('SIGKILL')
    expect(killedAt!.allDone).toBeGreaterThan(0)
    expect(killedAt!.allDone).toBeLessThan(killedAt!.allTotal)

    const { db, store } = open(file)
    expect(tablesLeft(db)).toEqual(OLD_TABLE_NAMES.slice().sort())
    const copied = db.prepare('SELECT SUM(done) FROM series_conversion').pluck().get()
    expect(copied).toBe(killedAt!.allDone)
    expect(db.prepare('SELECT SUM(rows) FROM series_chunks').pluck().get()).toBe(copied)

    const reportsAgain: ConversionProgress[] = []
    const result = await convertMetricTables(db, store, { rowsPerTransaction: 200, onProgress: (progress) => reportsAgain.push(progress) })
    expect(result.status).toBe('converted')
    // It carried on from the cursor rather than starting over.
    expect(reportsAgain[0]!.allDone).toBe(killedAt!.allDone)
    expect(db.prepare('SELECT SUM(rows) FROM series_chunks').pluck().get()).toBe(4774)
    expectSameData(store, expected)
  }, 30_000)
})
