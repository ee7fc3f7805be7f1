import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/main/base/db/db'
import type { LabelMatcher } from '../../../src/main/base/series/matchers'
import { STALE } from '../../../src/main/base/series/sample'
import { SeriesStore, type GroupKey } from '../../../src/main/base/series/series-store'
import { groupRow, logSegments, MINUTE, openMinuteStore, T0 } from '../../helpers/minute-store'
import { makeTempDir } from '../../helpers/temp-dir'

const vmstat = (server: string): GroupKey => ({ metric: 'vmstat', labels: { server_id: server }, columns: ['us', 'sy'] })
const iostat = (disk: number): GroupKey => ({ metric: 'iostat', labels: { server_id: 'a', disk: `sd${disk}` }, columns: ['tps'] })
const job = (server: string, pid: number): GroupKey => ({ metric: 'process', labels: { server_id: server, pid: String(pid) }, columns: ['cpu'] })

/**
 * The catalogue (series_groups) is written at every fourth rotation, chunks at every one
 * (series-store.ts, CATALOGUE_EVERY_ROTATIONS): a group's chunks may reach SQLite before its
 * row, and a live row says it ended only at a later rotation. A crash at any point loses
 * nothing flushed, counts nothing twice, and leaves every chunk with a group the store knows.
 */
describe('series store: the catalogue written every fourth rotation', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function tempDir(): string {
    const temp = makeTempDir('vigil-catalogue-')
    cleanups.push(temp.remove)
    return temp.dir
  }

  const open = (dir: string, start = T0) => openMinuteStore(dir, cleanups, start)

  const chunkCount = (db: Db, id: number): number => db.prepare('SELECT COUNT(*) FROM series_chunks WHERE group_id = ?').pluck().get(id) as number

  it('writes a new group’s row at the catalogue’s next write, every fourth rotation, its chunks at each, and keeps its creation in the log until then', () => {
    const dir = tempDir()
    const f = open(dir)
    // The first rotation after opening writes the catalogue.
    f.minutes(1)
    const id = f.store.groupId(job('a', 1))
    f.store.append(id, f.now, [0.5])
    f.store.append(id, f.now + 1000, [STALE])
    f.store.flush()
    const creation = logSegments(dir).at(-1) as string
    // Rotation 3: its head cut (the marker over a minute old) and written; its row not.
    f.minutes(2)
    expect(chunkCount(f.db, id)).toBe(1)
    expect(groupRow(f.db, id)).toBeUndefined()
    expect(existsSync(join(dir, 'series-head', creation))).toBe(true)
    f.minutes(1)
    expect(groupRow(f.db, id)).toBeUndefined()
    expect(existsSync(join(dir, 'series-head', creation))).toBe(true)
    // Rotation 5: its row written once, already ended (it never enters series_groups_live), and
    // the segment retired in the same write.
    f.minutes(1)
    expect(groupRow(f.db, id)).toEqual({ next_seq: 2, last_ts: T0 + MINUTE + 1000, ended: 1 })
    expect(f.db.prepare('SELECT COUNT(*) FROM series_groups WHERE ended = 0').pluck().get()).toBe(0)
    expect(existsSync(join(dir, 'series-head', creation))).toBe(false)
  })

  it('brings back a group whose chunks were written before its row, exactly, after a crash', () => {
    const dir = tempDir()
    const f = open(dir)
    f.minutes(1)
    const id = f.store.groupId(vmstat('a'))
    // Two chunks written (rotations 2–3 since opening), two rows in the head and the log.
    f.minutes(3, (minute) => {
      f.store.append(id, f.now, [minute, 1])
      f.store.append(id, f.now + 1000, [minute, 2])
    })
    expect(chunkCount(f.db, id)).toBeGreaterThan(0)
    expect(groupRow(f.db, id)).toBeUndefined()
    const before = f.store.read(id, T0, f.now)
    f.db.close()
    const again = open(dir, f.now)
    expect(again.store.group(id)).toEqual(f.store.group(id))
    expect(again.store.select([{ name: 'server_id', op: '=', value: 'a' }]).map((group) => group.id)).toEqual([id])
    expect(again.store.read(id, T0, again.now)).toEqual(before)
    expect(again.store.nextSeq(id)).toBe(6)
    expect(again.store.lastTs(id)).toBe(f.store.lastTs(id))
    expect(again.store.append(id, again.now, [9, 9])).toBe(6)
    // Its row is written at the first rotation after opening, as a live group's.
    again.minutes(1)
    expect(groupRow(again.db, id)?.ended).toBe(0)
    again.store.close()
    again.db.close()
    const closed = open(dir, again.now)
    expect(closed.store.read(id, T0, closed.now).seq).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('reloads a group whose ended row was not written yet as live after a crash, reads it exactly, and lets it go again', () => {
    const dir = tempDir()
    const f = open(dir)
    const id = f.store.groupId(job('a', 2))
    f.minutes(1, () => f.store.append(id, f.now, [0.5]))
    expect(groupRow(f.db, id)?.ended).toBe(0)
    f.store.append(id, f.now, [0.6])
    f.store.append(id, f.now + 1000, [STALE])
    // Cut once its marker is over a minute old (the ended-head wait), written, its row still live.
    f.minutes(2)
    expect(chunkCount(f.db, id)).toBeGreaterThan(0)
    expect(groupRow(f.db, id)).toEqual({ next_seq: 0, last_ts: null, ended: 0 })
    const before = f.store.read(id, T0, f.now)
    f.db.close()
    const again = open(dir, f.now)
    expect(again.store.group(id)).toBeDefined()
    expect(again.store.read(id, T0, again.now)).toEqual(before)
    expect(again.store.nextSeq(id)).toBe(3)
    // Found ended (its newest sample read) and let go after the grace, at a catalogue write.
    again.minutes(12)
    expect(again.store.group(id)).toBeUndefined()
    expect(groupRow(again.db, id)).toEqual({ next_seq: 3, last_ts: T0 + MINUTE + 1000, ended: 1 })
    expect(again.store.read(id, T0, again.now)).toEqual(before)
  })

  it.each([
    ['at catalogue writes', 5 * MINUTE],
    ['parked between catalogue writes', MINUTE]
  ])('loses and repeats nothing after a crash at any rotation, every chunk’s group known, reads the same (ended groups leave %s)', (_, endedGraceMs) => {
    // A server's vmstat all along; from each minute on one more disk, two rows a minute (its
    // head cut every other minute, at rotations with and without the catalogue) for 6 minutes;
    // processes that come and go, two back after they ended (pid 1 long after, pid 5 soon after:
    // while parked, with the shorter grace).
    const workload = (store: SeriesStore, minute: number, now: number): void => {
      store.append(store.groupId(vmstat('a')), now, [minute, minute % 3])
      for (let disk = Math.max(0, minute - 6); disk <= minute; disk++) {
        const id = store.groupId(iostat(disk))
        if (minute - disk === 6) store.append(id, now, [STALE])
        else {
          store.append(id, now, [disk + minute / 10])
          store.append(id, now + 1000, [disk + minute / 100])
        }
      }
      for (let pid = 0; pid < 6; pid++) {
        const start = pid * 3
        const life = 1 + ((pid * 5) % 7)
        const id = (): number => store.groupId(job(pid % 2 === 0 ? 'a' : 'b', pid))
        if (minute >= start && minute < start + life) store.append(id(), now, [pid + minute / 10])
        else if (minute === start + life) store.append(id(), now, [STALE])
        else if (pid === 1 && minute === 25) store.append(id(), now, [7])
        else if (pid === 5 && minute === 23) store.append(id(), now, [8])
      }
    }
    const range = { start: T0, end: T0 + 60 * MINUTE }
    const servers: LabelMatcher[][] = [[{ name: 'server_id', op: '=', value: 'a' }], [{ name: 'server_id', op: '=', value: 'b' }], [{ name: '__name__', op: '=', value: 'process' }], [{ name: 'disk', op: '=~', value: 'sd1.*' }]]
    const answers = (store: SeriesStore) => {
      const ids = [...new Set(servers.flatMap((matchers) => store.select(matchers, range).map((group) => group.id)))].sort((a, b) => a - b)
      const scanned: Array<[id: number, ts: number, value: number, kind: number]> = []
      store.scan(ids, range.start, range.end, (index, rows, from, to) => {
        for (let r = from; r < to; r++) scanned.push([ids[index] as number, rows.ts[r] as number, rows.values[0]?.[r] as number, rows.kinds[0]?.[r] ?? 0])
      })
      return {
        selected: servers.map((matchers) => store.select(matchers, range).map((group) => group.id).sort((a, b) => a - b)),
        groups: ids.map((id) => ({ id, range: store.read(id, range.start, range.end), nextSeq: store.nextSeq(id), lastTs: store.lastTs(id), firstTs: store.firstTs(id) })),
        scanned
      }
    }
    const open = (dir: string, start = T0) => openMinuteStore(dir, cleanups, start, endedGraceMs)
    for (let crashAt = 1; crashAt <= 30; crashAt++) {
      const dir = tempDir()
      const f = open(dir)
      f.minutes(crashAt, (minute) => workload(f.store, minute, f.now))
      const before = answers(f.store)
      f.db.close()
      const again = open(dir, f.now)
      expect(answers(again.store), `crash after ${crashAt} minutes`).toEqual(before)
      const chunkGroups = again.db.prepare('SELECT DISTINCT group_id FROM series_chunks').pluck().all() as number[]
      for (const id of chunkGroups) expect(again.store.storedGroup(id), `group ${id} after ${crashAt} minutes`).toBeDefined()
      // Going on from there numbers every sample once, and a clean close keeps the same answers.
      again.minutes(30 - crashAt, (minute) => workload(again.store, crashAt + minute, again.now))
      const going = answers(again.store)
      for (const { range: rows } of going.groups) expect(new Set(rows.seq).size).toBe(rows.seq.length)
      again.store.close()
      again.db.close()
      const closed = open(dir, again.now)
      expect(answers(closed.store), `closed after a crash at ${crashAt} minutes`).toEqual(going)
      closed.db.close()
    }
  }, 120_000)
})
