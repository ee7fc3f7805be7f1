// The data dir of the current release (test/fixtures/metrics-data-dir-v9.db.gz), unpacked,
// and its old metrics tables read the plain way, group by group, to compare a conversion with.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import type { SeriesRange } from '../../src/main/base/series/series-store'
import type { SampleValues } from '../../src/main/metrics/samples'
import { groupIdentity } from '../../src/main/base/series/group-catalog'
import { OLD_TABLES } from '../../src/main/metrics/series-conversion-tables'
import { makeTempDir } from './temp-dir'

export const METRICS_FIXTURE = resolve(import.meta.dirname, '../fixtures/metrics-data-dir-v9.db.gz')

/** Writes the fixture's vigil.db into `dir`; returns its path. */
export function unpackMetricsFixture(dir: string): string {
  const file = join(dir, 'vigil.db')
  writeFileSync(file, gunzipSync(readFileSync(METRICS_FIXTURE)), { mode: 0o600 })
  return file
}

/** Every group of every old table, by identity: its rows in time order, as the store reads them. */
export function oldTableGroups(file: string): Map<string, Omit<SeriesRange, 'seq'> & { table: string }> {
  const db = new Database(file, { readonly: true })
  try {
    const groups = new Map<string, Omit<SeriesRange, 'seq'> & { table: string }>()
    for (const table of OLD_TABLES) {
      for (const row of db.prepare(`SELECT * FROM ${table.table} ORDER BY ${table.order.join(', ')}`).all() as SampleValues[]) {
        const identity = groupIdentity(table.groupKey(row))
        let group = groups.get(identity)
        const values = table.values(row)
        if (!group) groups.set(identity, (group = { table: table.table, ts: [], columns: values.map(() => []) }))
        group.ts.push(row[table.time] as number)
        values.forEach((value, c) => group.columns[c]?.push(value))
      }
    }
    return groups
  } finally {
    db.close()
  }
}

/**
 * The fixture in a data dir of its own, moved to the present (by whole hours, so roll-up buckets
 * stay aligned; its newest sample some minutes old) so that retention keeps all of it, and with
 * nothing to collect: the store then holds what was converted, and the roll-ups made after.
 */
export function fixtureDataDir(): { dir: string; file: string; remove: () => void } {
  const temp = makeTempDir('vigil-upgrade-')
  const file = unpackMetricsFixture(temp.dir)
  const db = new Database(file)
  const newest = Math.max(...OLD_TABLES.filter((table) => table.time === 'ts').map((table) => db.prepare(`SELECT MAX(ts) FROM ${table.table}`).pluck().get() as number))
  const shift = Math.floor((Date.now() - 10 * 60_000 - newest) / 3_600_000) * 3_600_000
  db.transaction(() => {
    for (const table of OLD_TABLES) db.prepare(`UPDATE ${table.table} SET ${table.time} = ${table.time} + ?`).run(shift)
    db.prepare('UPDATE servers SET monitoring_enabled = 0').run()
    db.prepare("INSERT INTO settings (key, value) VALUES ('local_server_seeded', 'no: the test keeps the store to what was converted')").run()
  })()
  db.close()
  return { ...temp, file }
}
