import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { MIGRATIONS } from '../../../src/main/base/db/migrations'
import { STALE } from '../../../src/main/base/series/sample'
import type { GroupKey } from '../../../src/main/base/series/series-store'
import { MINUTE, openMinuteStore, T0 } from '../../helpers/minute-store'
import { makeTempDir } from '../../helpers/temp-dir'

const vmstat = (server: string): GroupKey => ({ metric: 'vmstat', labels: { server_id: server }, columns: ['us'] })
const job = (server: string, pid: string): GroupKey => ({ metric: 'process', labels: { server_id: server, pid }, columns: ['cpu'] })

/**
 * Where a group ends (next_seq, last_ts) is not rewritten into its series_groups row at every
 * write while its series goes on (020-series-group-ends.ts): rows are written when a group is
 * created, when its series ends and when it starts again. Everything a reader or a restart needs
 * stays the same.
 */
describe('series store: where groups end', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function tempDir(): string {
    const temp = makeTempDir('vigil-ends-')
    cleanups.push(temp.remove)
    return temp.dir
  }

  const open = (dir: string, start = T0) => openMinuteStore(dir, cleanups, start)

  const row = (db: Db, id: number) => db.prepare('SELECT next_seq, last_ts, ended FROM series_groups WHERE id = ?').get(id) as { next_seq: number; last_ts: number | null; ended: number }
  const groupPages = (db: Db): number => db.prepare("SELECT COUNT(*) FROM dbstat WHERE name = 'series_groups'").pluck().get() as number

  it('does not rewrite a live group’s row at each write, and a restart after a crash still takes every sample once', () => {
    const dir = tempDir()
    const f = open(dir)
    const id = f.store.groupId(vmstat('a'))
    // 40 minutes: a chunk of 4 rows every 4 minutes, a write every minute (more writes than a
    // snapshot of where groups end waits for).
    f.minutes(40, (minute) => f.store.append(id, f.now, [minute]))
    const written = row(f.db, id)
    expect(f.store.nextSeq(id)).toBe(40)
    // The row was written when the group was created (with its first chunk or before it), not since.
    expect(written.next_seq).toBeLessThanOrEqual(4)
    expect(written.ended).toBe(0)
    f.minutes(10, (minute) => f.store.append(id, f.now, [40 + minute]))
    expect(row(f.db, id)).toEqual(written)
    const before = f.store.read(id, T0, f.now)
    const lastTs = f.store.lastTs(id)
    // A crash: the store is not closed; what is not in a chunk is in the head log.
    f.db.close()
    const again = open(dir, f.now)
    expect(again.store.nextSeq(id)).toBe(50)
    expect(again.store.lastTs(id)).toBe(lastTs)
    const after = again.store.read(id, T0, again.now)
    expect(after.ts).toEqual(before.ts)
    expect(after.columns).toEqual(before.columns)
    expect(after.seq).toEqual(Array.from({ length: 50 }, (_, i) => i))
    // And it goes on numbering from there.
    expect(again.store.append(id, again.now, [50])).toBe(50)
  })

  it('keeps the catalogue’s pages unwritten by writes that only add chunks', () => {
    const f = open(tempDir())
    const ids = Array.from({ length: 300 }, (_, i) => f.store.groupId(vmstat(`server-${i}`)))
    f.minutes(2, () => ids.forEach((id, i) => f.store.append(id, f.now, [i])))
    const version = (): string => f.db.prepare("SELECT group_concat(next_seq || ':' || coalesce(last_ts, '') || ':' || ended) FROM series_groups").pluck().get() as string
    const catalogue = version()
    const pages = groupPages(f.db)
    f.minutes(30, (minute) => ids.forEach((id) => f.store.append(id, f.now, [minute])))
    expect(version()).toEqual(catalogue)
    expect(groupPages(f.db)).toBe(pages)
    for (const id of ids) expect(f.store.nextSeq(id)).toBe(32)
  })

  it('writes an ended group’s row once, with where it ends, at the write of its last chunk; it is read back after a restart', () => {
    const dir = tempDir()
    const f = open(dir)
    const gone = f.store.groupId(job('a', '7'))
    f.minutes(3, (minute) => f.store.append(gone, f.now, [minute]))
    f.store.append(gone, f.now, [STALE])
    // Cut (and its row marked ended) once 5 minutes passed after the marker, at a write.
    f.minutes(7, () => {})
    expect(row(f.db, gone)).toEqual({ next_seq: 4, last_ts: T0 + 3 * MINUTE, ended: 1 })
    const before = f.store.read(gone, T0, f.now)
    f.db.close()
    const again = open(dir, f.now)
    // Out of memory after the restart, found by a read that reaches its time.
    expect(again.store.group(gone)).toBeUndefined()
    expect(again.store.select([{ name: 'server_id', op: '=', value: 'a' }], { start: T0, end: again.now }).map((g) => g.id)).toEqual([gone])
    expect(again.store.read(gone, T0, again.now)).toEqual(before)
    expect(again.store.nextSeq(gone)).toBe(4)
  })

  it('keeps a sample that came after the write that marked its group ended, across a crash', () => {
    const dir = tempDir()
    const f = open(dir)
    const back = f.store.groupId(job('a', '8'))
    f.minutes(2, (minute) => f.store.append(back, f.now, [minute]))
    f.store.append(back, f.now, [STALE])
    f.minutes(7, () => {})
    expect(row(f.db, back).ended).toBe(1)
    // The same process is in the top list again: logged, not yet in a chunk, then a crash.
    f.store.append(back, f.now, [0.5])
    f.store.flush()
    f.db.close()
    const again = open(dir, f.now)
    const range = again.store.read(back, T0, again.now)
    expect(range.columns[0]).toEqual([0, 1, STALE, 0.5])
    expect(range.seq).toEqual([0, 1, 2, 3])
    expect(again.store.group(back)).toBeDefined()
    // Going on again: the next write marks its row so.
    again.minutes(1, () => again.store.append(back, again.now, [0.6]))
    expect(row(again.db, back).ended).toBe(0)
  })

  it('upgrades a data dir whose rows say where each group ends (before series_group_ends)', () => {
    const dir = tempDir()
    const f = open(dir)
    const live = f.store.groupId(vmstat('a'))
    const gone = f.store.groupId(job('a', '9'))
    f.minutes(10, (minute) => {
      f.store.append(live, f.now, [minute])
      if (minute < 2) f.store.append(gone, f.now, [minute])
      if (minute === 2) f.store.append(gone, f.now, [STALE])
    })
    f.store.close()
    const before = { live: f.store.read(live, T0, f.now), gone: f.store.read(gone, T0, f.now) }
    // What schema 19 kept: every row up to date, no list of ends.
    for (const id of [live, gone]) f.db.prepare('UPDATE series_groups SET next_seq = ?, last_ts = ? WHERE id = ?').run(f.store.nextSeq(id), f.store.lastTs(id), id)
    f.db.exec('DROP TABLE series_group_ends')
    // Nor what came after it.
    f.db.exec('ALTER TABLE remote_write DROP COLUMN sent_before_ms')
    f.db.pragma('user_version = 19')
    f.db.close()
    const old = openDb(join(dir, 'vigil.db'), MIGRATIONS.slice(0, 19))
    expect(old.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'series_group_ends'").pluck().get()).toBe(0)
    old.close()

    const again = open(dir, f.now)
    expect(again.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(again.store.nextSeq(live)).toBe(10)
    expect(again.store.nextSeq(gone)).toBe(3)
    expect(again.store.read(live, T0, again.now)).toEqual(before.live)
    expect(again.store.read(gone, T0, again.now)).toEqual(before.gone)
    again.minutes(20, (minute) => again.store.append(live, again.now, [10 + minute]))
    again.db.close()
    const third = open(dir, again.now)
    expect(third.store.nextSeq(live)).toBe(30)
    expect(third.store.read(live, T0, third.now).seq).toEqual(Array.from({ length: 30 }, (_, i) => i))
  })
})
