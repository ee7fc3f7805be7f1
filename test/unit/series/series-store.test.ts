import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { MAX_CHUNK_COLUMNS } from '../../../src/main/base/series/chunk-codec'
import { STALE, type SampleValue } from '../../../src/main/base/series/sample'
import { identityHash, SeriesStore, type GroupKey } from '../../../src/main/base/series/series-store'
import { makeTempDir } from '../../helpers/temp-dir'

const T0 = 1_764_633_600_000
const vmstat = (server: string): GroupKey => ({ metric: 'vmstat', labels: { server_id: server }, columns: ['us', 'sy'] })

describe('series store', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function open(dir: string, options: { headRows?: number; now?: () => number; cutEveryMs?: number; maxHeadAgeMs?: number } = {}): { db: Db; store: SeriesStore } {
    const db = openDb(join(dir, 'vigil.db'))
    // Every head cut at exactly headRows (no spread of first cuts), so chunk sizes are known.
    const store = new SeriesStore(db, { logDir: join(dir, 'series-head'), firstCutSpread: 0, ...options })
    cleanups.push(() => db.open && db.close())
    return { db, store }
  }

  function tempDir(): string {
    const temp = makeTempDir('vigil-series-')
    cleanups.push(temp.remove)
    return temp.dir
  }

  it('reads back what it was given, across chunks and the head, in time order', () => {
    const { db, store } = open(tempDir(), { headRows: 4 })
    const id = store.groupId(vmstat('a'))
    for (let i = 0; i < 10; i++) store.append(id, T0 + i * 5000, [i, i % 3 === 0 ? null : 0.5])
    store.flush()
    const range = store.read(id, T0 + 5000, T0 + 40_000)
    expect(range.ts).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => T0 + i * 5000))
    expect(range.columns[0]).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(range.columns[1]).toEqual([0.5, 0.5, null, 0.5, 0.5, null, 0.5, 0.5])
    // Two full heads of 4 were cut into chunks that wait for the next cut; 2 rows are still in
    // the head. The cut writes all three chunks at once, and reads see the same.
    expect(db.prepare('SELECT COUNT(*) FROM series_chunks').pluck().get()).toBe(0)
    store.cutAll()
    expect(db.prepare('SELECT rows FROM series_chunks ORDER BY start_ts').pluck().all()).toEqual([4, 4, 2])
    expect(store.read(id, T0 + 5000, T0 + 40_000)).toEqual(range)
  })

  it('finds a group by its metric and labels whatever order the labels come in', () => {
    const { store } = open(tempDir())
    const key = (labels: Record<string, string>): GroupKey => ({ metric: 'process', labels, columns: ['cpu'] })
    const id = store.groupId(key({ server_id: 'a', pid: '1', command: 'sh' }))
    expect(store.groupId(key({ command: 'sh', pid: '1', server_id: 'a' }))).toBe(id)
    const others = [key({ server_id: 'a', pid: '1' }), key({ server_id: 'a', pid: '1', command: 'sh', user: 'x' }), { ...key({ server_id: 'a', pid: '1', command: 'sh' }), metric: 'other' }]
    expect(new Set([id, ...others.map((other) => store.groupId(other))]).size).toBe(4)
    expect(store.groupId(key({ pid: '1', server_id: 'a', command: 'sh' }))).toBe(id)
  })

  it('hashes a group\'s identity whatever order its labels come in, telling names from values', () => {
    const hash = (labels: Record<string, string>, metric = 'process') => identityHash({ metric, labels })
    expect(hash({ command: 'sh', pid: '1', server_id: 'a' })).toBe(hash({ server_id: 'a', pid: '1', command: 'sh' }))
    expect(hash({ a: 'x', b: 'y' })).not.toBe(hash({ a: 'y', b: 'x' }))
    expect(hash({ ab: 'c' })).not.toBe(hash({ a: 'bc' }))
    expect(hash({ a: 'x' })).not.toBe(hash({ a: 'x' }, 'other'))
    // A fleet's processes: pids of a few hundred servers, few enough collisions to tell apart by labels.
    const hashes = new Set<number>()
    for (let server = 0; server < 200; server++) for (let pid = 0; pid < 100; pid++) hashes.add(hash({ server_id: `server-${server}`, pid: String(1000 + pid), command: 'java', user: 'app' }))
    expect(hashes.size).toBeGreaterThan(19_990)
  })

  it('keeps groups apart whose labels swap values', () => {
    const { store } = open(tempDir())
    const key = (labels: Record<string, string>): GroupKey => ({ metric: 'm', labels, columns: ['v'] })
    const first = store.groupId(key({ a: 'x', b: 'y' }))
    const second = store.groupId(key({ a: 'y', b: 'x' }))
    expect(second).not.toBe(first)
    expect(store.groupId(key({ b: 'x', a: 'y' }))).toBe(second)
  })

  it('replays a segment of many groups of several widths (their log contexts outgrow the first array)', () => {
    const dir = tempDir()
    const first = open(dir)
    const groups: Array<{ id: number; rows: SampleValue[][] }> = []
    for (let g = 0; g < 600; g++) {
      const columns = Array.from({ length: 1 + (g % 5) }, (_, c) => `c${c}`)
      groups.push({ id: first.store.groupId({ metric: 'm', labels: { g: String(g) }, columns }), rows: [] })
    }
    for (let i = 0; i < 6; i++) {
      for (const [g, group] of groups.entries()) {
        const width = 1 + (g % 5)
        const row: SampleValue[] = Array.from({ length: width }, (_, c) => ((g + i + c) % 7 === 0 ? null : (g + i + c) % 11 === 0 ? Math.PI * i : Math.round((g * 0.37 + i * 1.5 + c) * 10) / 10))
        if (i === 5 && g % 13 === 0) row.fill(STALE)
        group.rows.push(row)
        first.store.append(group.id, T0 + i * 5000, row)
      }
      first.store.flush()
    }
    // Each group's context: a header and six numbers a column, whatever its width.
    const contextNumbers = groups.reduce((sum, _, g) => sum + 7 + 6 * (1 + (g % 5)), 0)
    expect(first.store.stats().logContextBytes).toBeGreaterThanOrEqual(contextNumbers * 8)
    first.db.close()

    const second = open(dir).store
    for (const group of groups) {
      const range = second.read(group.id, 0, Infinity)
      expect(range.ts).toEqual([0, 1, 2, 3, 4, 5].map((i) => T0 + i * 5000))
      const width = group.rows[0]?.length ?? 0
      for (let c = 0; c < width; c++) expect(range.columns[c]).toEqual(group.rows.map((row) => row[c]))
    }
  })

  it('keeps a late sample: it starts a chunk of its own and reads back in order', () => {
    const { store } = open(tempDir())
    const id = store.groupId(vmstat('a'))
    store.append(id, T0 + 10_000, [2, 2])
    store.append(id, T0, [1, 1])
    store.append(id, T0 + 20_000, [3, STALE])
    store.flush()
    expect(store.read(id, 0, Infinity)).toEqual({ ts: [T0, T0 + 10_000, T0 + 20_000], seq: [1, 0, 2], columns: [[1, 2, 3], [1, 2, STALE]] })
  })

  it('replays the log after a crash: nothing flushed is lost, nothing is counted twice', () => {
    const dir = tempDir()
    const first = open(dir, { headRows: 3 })
    const id = first.store.groupId(vmstat('a'))
    for (let i = 0; i < 7; i++) first.store.append(id, T0 + i * 1000, [i, 100 - i])
    first.store.flush()
    first.store.append(id, T0 + 7000, [7, 93]) // not flushed: lost with the crash
    first.db.close() // the process dies: no close(), no cut

    const second = open(dir, { headRows: 3 })
    const range = second.store.read(id, 0, Infinity)
    expect(range.ts).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => T0 + i * 1000))
    expect(range.columns[1]).toEqual([100, 99, 98, 97, 96, 95, 94])
    // Sequence numbers carry on from the replayed samples: a sample's id is never given twice.
    expect(range.seq).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(second.store.append(id, T0 + 8000, [8, 92])).toBe(7)
  })

  it('stops replaying at a torn record and keeps the ones before it', () => {
    const dir = tempDir()
    const first = open(dir)
    const id = first.store.groupId(vmstat('a'))
    first.store.append(id, T0, [1, 1])
    first.store.flush()
    first.store.append(id, T0 + 1000, [2, 2])
    first.store.flush()
    first.db.close()
    const logDir = join(dir, 'series-head')
    const [segment] = readdirSync(logDir)
    const file = join(logDir, segment as string)
    truncateSync(file, readFileSync(file).length - 1)

    const second = open(dir)
    expect(second.store.read(id, 0, Infinity).ts).toEqual([T0])
  })

  it('leaves nothing to replay after a clean close, and reads the same after reopening', () => {
    const dir = tempDir()
    const first = open(dir)
    const id = first.store.groupId(vmstat('a'))
    for (let i = 0; i < 5; i++) first.store.append(id, T0 + i * 1000, [i, i])
    first.store.flush()
    const before = first.store.read(id, 0, Infinity)
    first.store.close()
    first.db.close()
    expect(readdirSync(join(dir, 'series-head')).every((name) => readFileSync(join(dir, 'series-head', name)).length === 0)).toBe(true)

    const second = open(dir)
    expect(second.store.read(id, 0, Infinity)).toEqual(before)
    expect(second.store.group(id)).toEqual({ id, ...vmstat('a') })
    expect(second.store.append(id, T0 + 5000, [5, 5])).toBe(5)
  })

  it('selects groups by label matchers as PromQL does, "" matching a missing label', () => {
    const { store } = open(tempDir())
    const a = store.groupId(vmstat('a'))
    const b = store.groupId(vmstat('b'))
    const sda = store.groupId({ metric: 'iostat', labels: { server_id: 'a', disk: 'sda' }, columns: ['tps'] })
    const nvme = store.groupId({ metric: 'iostat', labels: { server_id: 'a', disk: 'nvme0n1' }, columns: ['tps'] })
    const ids = (matchers: Parameters<SeriesStore['select']>[0]) => store.select(matchers).map((group) => group.id).sort()
    expect(ids([{ name: '__name__', op: '=', value: 'vmstat' }])).toEqual([a, b])
    expect(ids([{ name: 'server_id', op: '=', value: 'a' }])).toEqual([a, sda, nvme])
    expect(ids([{ name: 'server_id', op: '!=', value: 'a' }])).toEqual([b])
    expect(ids([{ name: 'disk', op: '=~', value: 'sd.' }])).toEqual([sda])
    expect(ids([{ name: 'disk', op: '!~', value: 'sd.*' }])).toEqual([a, b, nvme])
    expect(ids([{ name: 'disk', op: '=', value: '' }])).toEqual([a, b])
    expect(ids([{ name: '__name__', op: '=', value: 'iostat' }, { name: 'disk', op: '=~', value: 'nvme.*|sdz' }])).toEqual([nvme])
    expect(ids([{ name: 'disk', op: '=', value: 'none' }])).toEqual([])
  })

  it('drops whole chunks that end before the retention cut, and the groups left empty', () => {
    const { store } = open(tempDir(), { headRows: 2 })
    const id = store.groupId(vmstat('a'))
    const gone = store.groupId({ metric: 'process', labels: { server_id: 'a', pid: '42' }, columns: ['cpu'] })
    for (let i = 0; i < 6; i++) store.append(id, T0 + i * 1000, [i, i])
    store.append(gone, T0, [5])
    store.cutAll()
    expect(store.dropBefore(T0 + 2000)).toEqual({ chunks: 2, groups: 1 })
    expect(store.read(id, 0, Infinity).ts).toEqual([2, 3, 4, 5].map((i) => T0 + i * 1000))
    expect(store.select([]).map((group) => group.id)).toEqual([id])
  })

  it('deletes the groups matchers select (a server that went), with their chunks and labels', () => {
    const { db, store } = open(tempDir())
    const a = store.groupId(vmstat('a'))
    const b = store.groupId(vmstat('b'))
    store.append(a, T0, [1, 1])
    store.append(b, T0, [2, 2])
    store.cutAll()
    expect(store.deleteGroups([{ name: 'server_id', op: '=', value: 'a' }])).toBe(1)
    expect(store.select([]).map((group) => group.id)).toEqual([b])
    expect(db.prepare('SELECT COUNT(*) FROM series_groups WHERE id = ?').pluck().get(a)).toBe(0)
    expect(db.prepare('SELECT COUNT(*) FROM series_chunks WHERE group_id = ?').pluck().get(a)).toBe(0)
    expect(() => store.append(a, T0 + 1, [1, 1])).toThrow(RangeError)
  })

  it('deletes groups by id, and a group made again with the same key after a crash replays as the new one alone', () => {
    const dir = tempDir()
    const first = open(dir, { headRows: 3 })
    const a = first.store.groupId(vmstat('a'))
    const b = first.store.groupId(vmstat('b'))
    for (let i = 0; i < 5; i++) first.store.append(a, T0 + i * 1000, [i, i])
    first.store.append(b, T0, [9, 9])
    first.store.flush()
    expect(first.store.deleteGroupIds([a, 12345])).toBe(1)
    const again = first.store.groupId(vmstat('a'))
    expect(again).not.toBe(a)
    first.store.append(again, T0 + 3000, [30, 30])
    first.store.flush()
    first.db.close() // a crash: the log holds a's samples, its deletion, then the new group

    const second = open(dir, { headRows: 3 })
    expect(second.store.select([]).map((group) => group.id).sort()).toEqual([b, again].sort())
    expect(second.store.read(again, 0, Infinity)).toMatchObject({ ts: [T0 + 3000], columns: [[30], [30]] })
    expect(second.store.groupId(vmstat('a'))).toBe(again)
  })

  it('writes whole chunks on the bulk path, with new groups and the caller\'s record, in one transaction', () => {
    const dir = tempDir()
    const { db, store } = open(dir)
    db.exec('CREATE TABLE progress (until INTEGER)')
    const id = store.groupId(vmstat('a'))
    const ts = Array.from({ length: 720 }, (_, i) => T0 + i * 5000)
    store.writeChunks(
      [
        { groupId: id, ts, columns: [ts.map((_, i) => i), ts.map((_, i) => (i % 7 === 0 ? null : i / 10))] },
        { groupId: id, ts: [T0 + 3_600_000], columns: [[1], [STALE]] }
      ],
      () => db.prepare('INSERT INTO progress VALUES (?)').run(T0 + 3_600_000)
    )
    expect(db.prepare('SELECT rows FROM series_chunks ORDER BY start_ts').pluck().all()).toEqual([720, 1])
    expect(db.prepare('SELECT until FROM progress').pluck().get()).toBe(T0 + 3_600_000)
    // Nothing went through the heads or the log: a reopened store has it all from SQLite.
    expect(readdirSync(join(dir, 'series-head')).every((name) => readFileSync(join(dir, 'series-head', name)).length === 0)).toBe(true)
    db.close()
    const again = open(dir).store
    const range = again.read(id, 0, Infinity)
    expect(range.ts).toEqual([...ts, T0 + 3_600_000])
    expect(range.columns[1]?.slice(0, 8)).toEqual([null, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, null])
    expect(range.columns[1]?.at(-1)).toBe(STALE)
    expect(again.group(id)).toEqual({ id, ...vmstat('a') })
    expect(again.lastTs(id)).toBe(T0 + 3_600_000)
  })

  it('writes nothing on the bulk path when the caller\'s part of the transaction fails', () => {
    const { db, store } = open(tempDir())
    const id = store.groupId(vmstat('a'))
    expect(() =>
      store.writeChunks([{ groupId: id, ts: [T0], columns: [[1], [2]] }], () => {
        throw new Error('disk full')
      })
    ).toThrow('disk full')
    expect(db.prepare('SELECT COUNT(*) FROM series_chunks').pluck().get()).toBe(0)
    expect(db.prepare('SELECT COUNT(*) FROM series_groups').pluck().get()).toBe(0)
  })

  it('refuses bulk chunks of an unknown group, of the wrong width, or going back in time', () => {
    const { store } = open(tempDir())
    const id = store.groupId(vmstat('a'))
    expect(() => store.writeChunks([{ groupId: id + 1, ts: [T0], columns: [[1], [2]] }])).toThrow(RangeError)
    expect(() => store.writeChunks([{ groupId: id, ts: [T0], columns: [[1]] }])).toThrow(RangeError)
    expect(() => store.writeChunks([{ groupId: id, ts: [T0, T0 - 1], columns: [[1, 2], [1, 2]] }])).toThrow(RangeError)
    expect(() => store.writeChunks([{ groupId: id, ts: [], columns: [[], []] }])).toThrow(RangeError)
    expect(store.read(id, 0, Infinity).ts).toEqual([])
  })

  it('refuses a group wider than a chunk holds before it exists, and cuts one as wide as that', () => {
    const { store } = open(tempDir(), { headRows: 2 })
    const names = (count: number): string[] => Array.from({ length: count }, (_, c) => `c${c}`)
    expect(() => store.groupId({ metric: 'wide', labels: { server: 'a' }, columns: names(MAX_CHUNK_COLUMNS + 1) })).toThrow(/at most 4095 columns/)
    expect(store.stats().groups).toBe(0)
    const id = store.groupId({ metric: 'wide', labels: { server: 'a' }, columns: names(MAX_CHUNK_COLUMNS) })
    const row = names(MAX_CHUNK_COLUMNS).map((_, c) => c / 4)
    store.append(id, T0, row)
    store.append(id, T0 + 5000, row)
    store.cutAll()
    expect(store.read(id, 0, Infinity).columns.map((column) => column[1])).toEqual(row)
  })

  it('keeps heads in memory only when it has no log directory', () => {
    const dir = tempDir()
    const db = openDb(join(dir, 'vigil.db'))
    cleanups.push(() => db.close())
    const store = new SeriesStore(db, { logDir: null })
    const id = store.groupId(vmstat('a'))
    store.append(id, T0, [1, 1])
    store.flush()
    expect(store.read(id, 0, Infinity).ts).toEqual([T0])
    expect(existsSync(join(dir, 'series-head'))).toBe(false)
    expect(store.stats().logContextBytes).toBe(0)
  })

  it('keeps a head that is not full across writes, its samples in the log until it is cut', () => {
    const dir = tempDir()
    let now = T0
    const options = { headRows: 100, cutEveryMs: 1000, maxHeadAgeMs: 10_000, now: () => now }
    const first = open(dir, options)
    const steady = first.store.groupId(vmstat('a'))
    const gone = first.store.groupId(vmstat('b'))
    first.store.append(gone, now, [1, 1])
    for (let i = 0; i < 40; i++) {
      first.store.append(steady, now, [i, i])
      now += 1000
      first.store.flush()
    }
    first.store.append(steady, now, [40, 40])
    first.store.flush()
    // A write every second, heads cut only when old: the group that stopped got its one row cut
    // once it was idle for long; the steady one has chunks and rows still in its head.
    const rows = (id: number) => first.db.prepare('SELECT rows FROM series_chunks WHERE group_id = ? ORDER BY id').pluck().all(id) as number[]
    expect(rows(gone)).toEqual([1])
    expect(rows(steady).length).toBeGreaterThan(0)
    expect(rows(steady).reduce((a, b) => a + b, 0)).toBeLessThan(41)
    expect(readdirSync(join(dir, 'series-head')).length).toBeLessThanOrEqual(12)
    first.db.close() // a crash: the rows not in chunks come back from the log, once each

    const second = open(dir, options)
    const range = second.store.read(steady, 0, Infinity)
    expect(range.seq).toEqual(Array.from({ length: 41 }, (_, i) => i))
    expect(range.columns[0]).toEqual(Array.from({ length: 41 }, (_, i) => i))
    expect(second.store.read(gone, 0, Infinity).ts).toEqual([T0])
    expect(second.store.append(steady, now + 1000, [41, 41])).toBe(41)
  })

  it('carries a small head that still gets rows over into the new log segment, and replays it once', () => {
    const dir = tempDir()
    let now = T0
    const options = { headRows: 100, cutEveryMs: 60_000, maxHeadAgeMs: 120_000, now: () => now }
    const first = open(dir, options)
    const hourly = first.store.groupId({ metric: 'vmstat:rollup', labels: { server_id: 'a' }, columns: ['n', 'us_avg'] })
    for (let i = 0; i < 5; i++) {
      first.store.append(hourly, now, [12, i + 0.1 / 3])
      now += 60_000
      first.store.flush()
    }
    // Five rows over five minutes, fewer than a chunk is worth: carried over, never cut.
    expect(first.db.prepare('SELECT COUNT(*) FROM series_chunks').pluck().get()).toBe(0)
    expect(readdirSync(join(dir, 'series-head')).length).toBeLessThanOrEqual(3)
    first.db.close()

    const second = open(dir, options)
    const range = second.store.read(hourly, 0, Infinity)
    expect(range.seq).toEqual([0, 1, 2, 3, 4])
    expect(range.columns[1]).toEqual([0, 1, 2, 3, 4].map((i) => i + 0.1 / 3))
  })

  it('cuts and lets go of the head of a series that ended a whole segment ago, not of one that may come back', () => {
    const dir = tempDir()
    let now = T0
    // Heads would be cut only at an hour's age: what goes early goes because its series ended.
    const options = { headRows: 1000, cutEveryMs: 60_000, maxHeadAgeMs: 3_600_000, now: () => now }
    const { db, store } = open(dir, options)
    const process = (pid: string): GroupKey => ({ metric: 'process', labels: { server_id: 'a', pid }, columns: ['cpu', 'mem'] })
    const [steady, ended, flickering] = ['1', '2', '3'].map((pid) => store.groupId(process(pid))) as [number, number, number]
    const step = (appendTo: (minute: number) => void, minute: number): void => {
      appendTo(minute)
      now += 60_000
      store.flush()
    }
    for (let minute = 0; minute < 6; minute++) {
      step(() => {
        store.append(steady, now, [1, 1])
        if (minute < 2) store.append(ended, now, [2, 2])
        if (minute === 2) store.append(ended, now, [STALE, STALE])
        // Gone for a minute (its marker), back in the next.
        store.append(flickering, now, minute === 3 ? [STALE, STALE] : [3, 3])
      }, minute)
    }
    const chunkRows = (id: number) => db.prepare('SELECT rows FROM series_chunks WHERE group_id = ?').pluck().all(id) as number[]
    expect(chunkRows(ended)).toEqual([3])
    expect(chunkRows(steady)).toEqual([])
    expect(chunkRows(flickering)).toEqual([])
    expect(store.stats()).toMatchObject({ groups: 3, withHeads: 2 })
    expect(store.read(ended, 0, Infinity).columns[0]).toEqual([2, 2, STALE])
    // It comes back: a head again, its samples numbered on.
    expect(store.append(ended, now, [4, 4])).toBe(3)
    expect(store.stats().withHeads).toBe(3)
  })

  it('lets the head of an ended series go at the first flush past the wait, its chunk written at the next rotation', () => {
    const dir = tempDir()
    let now = T0
    // Rotations every 15 minutes, as by default: an ended head goes five minutes after its marker.
    const { db, store } = open(dir, { cutEveryMs: 15 * 60_000, now: () => now })
    const process = (pid: string): number => store.groupId({ metric: 'process', labels: { server_id: 'a', pid }, columns: ['cpu', 'mem'] })
    const [steady, ended, flickering] = [process('1'), process('2'), process('3')] as [number, number, number]
    const each5s = (until: number, rows: () => void): void => {
      for (; now < until; now += 5000) {
        rows()
        store.flush()
      }
    }
    each5s(T0 + 60_000, () => [steady, ended, flickering].forEach((id) => store.append(id, now, [3, 4])))
    // The flickering one leaves the top list for a moment (a marker), comes back, and leaves
    // again a minute after the other ended: its first marker must not hold the other's back.
    store.append(flickering, now, [STALE, STALE])
    each5s(now + 5000, () => store.append(steady, now, [1, 2]))
    each5s(now + 5000, () => [steady, flickering].forEach((id) => store.append(id, now, [3, 4])))
    store.append(ended, now, [STALE, STALE])
    const markedAt = now
    each5s(markedAt + 60_000, () => [steady, flickering].forEach((id) => store.append(id, now, [3, 4])))
    store.append(flickering, now, [STALE, STALE])
    each5s(markedAt + 5 * 60_000, () => store.append(steady, now, [1, 2]))
    expect(store.stats().withHeads).toBe(3)
    each5s(markedAt + 5 * 60_000 + 10_000, () => store.append(steady, now, [1, 2]))
    // Cut and let go, not yet written: reads still have it. The other goes a minute later.
    expect(store.stats().withHeads).toBe(2)
    expect(db.prepare('SELECT COUNT(*) FROM series_chunks').pluck().get()).toBe(0)
    const samples = store.read(ended, T0, now)
    expect(samples.columns[0]).toEqual([...Array.from({ length: 12 }, () => 3), STALE])
    each5s(markedAt + 6 * 60_000 + 10_000, () => store.append(steady, now, [1, 2]))
    expect(store.stats().withHeads).toBe(1)
    each5s(T0 + 15 * 60_000 + 5000, () => store.append(steady, now, [1, 2]))
    expect(db.prepare('SELECT group_id, rows FROM series_chunks ORDER BY group_id').all()).toEqual([
      { group_id: ended, rows: 13 },
      { group_id: flickering, rows: 27 }
    ])
    expect(store.read(ended, T0, now)).toEqual(samples)
  })

  it('gives a head’s pages back when it is cut, let go or deleted', () => {
    let now = T0
    const { store } = open(tempDir(), { headRows: 200, cutEveryMs: 15 * 60_000, now: () => now })
    const process = (pid: string): number => store.groupId({ metric: 'process', labels: { server_id: 'a', pid }, columns: ['cpu', 'rss'] })
    const [kept, ended, deleted] = [process('1'), process('2'), process('3')] as [number, number, number]
    // Values that move by thousands: a row takes a few bytes, a head of 150 rows several pages.
    const row = (i: number, id: number): SampleValue[] => [(i * 7919 + id * 104_729) % 100_000, (i * 6151) % 65_536]
    const rows = (count: number, ids: readonly number[]): void => {
      for (let i = 0; i < count; i++, now += 5000) {
        for (const id of ids) store.append(id, now, row(i, id))
        store.flush()
      }
    }
    rows(150, [kept, ended, deleted])
    const threeHeads = store.stats().headBytesInUse
    expect(threeHeads).toBeGreaterThan(3 * 1000)
    expect(store.stats().headBytes).toBeGreaterThanOrEqual(threeHeads)
    store.deleteGroupIds([deleted])
    expect(store.stats().headBytesInUse).toBeGreaterThan(0)
    expect(store.stats().headBytesInUse).toBeLessThan(threeHeads)
    // One ends; past the ended-head wait its head is cut and let go.
    store.append(ended, now, [STALE, STALE])
    rows(70, [kept])
    expect(store.stats().withHeads).toBe(1)
    // And the one left was cut at its 200th row: its pages hold the 20 rows since.
    expect(store.stats().headBytesInUse).toBeLessThan(threeHeads / 6)
    store.close()
    expect(store.stats().headBytesInUse).toBe(0)
  })

  it('logs rates computed from counters, and any double, to the bit', () => {
    const dir = tempDir()
    const first = open(dir)
    const id = first.store.groupId({ metric: 'netstat', labels: { server_id: 'a', interface: 'eth0' }, columns: ['ipkts', 'ipkts_rate', 'other'] })
    const rows: SampleValue[][] = []
    let counter = 1_000_000
    let ts = T0
    for (let i = 0; i < 50; i++) {
      const elapsed = 5000 + ((i * 7) % 5)
      const delta = (i * 7919) % 1000
      counter += delta
      ts += elapsed
      rows.push([counter, i === 0 ? null : delta / (elapsed / 1000), i % 5 === 0 ? -0 : i % 7 === 0 ? Number.NaN : Math.PI * i])
      first.store.append(id, ts, rows[i] as SampleValue[])
    }
    first.store.flush()
    first.db.close()

    const range = open(dir).store.read(id, 0, Infinity)
    const bits = (values: readonly SampleValue[]) => values.map((value) => (typeof value === 'number' ? (Object.is(value, -0) ? '-0' : String(value)) : value))
    for (let c = 0; c < 3; c++) expect(bits(range.columns[c] as SampleValue[])).toEqual(bits(rows.map((row) => row[c] as SampleValue)))
  })

  it('reads a long head\'s rows, and cuts it, all the same', () => {
    const { db, store } = open(tempDir(), { headRows: 1000 })
    const id = store.groupId(vmstat('a'))
    const row = (i: number): SampleValue[] => [i % 7 === 0 ? null : i, i % 50 === 49 ? STALE : i / 4 + Math.PI]
    for (let i = 0; i < 500; i++) store.append(id, T0 + i * 1000, row(i))
    store.flush()
    const expected = Array.from({ length: 500 }, (_, i) => row(i))
    const check = () => {
      const range = store.read(id, T0 + 100_000, T0 + 399_000)
      expect(range.seq).toEqual(Array.from({ length: 300 }, (_, i) => 100 + i))
      expect(range.columns[0]).toEqual(expected.slice(100, 400).map((values) => values[0]))
      expect(range.columns[1]).toEqual(expected.slice(100, 400).map((values) => values[1]))
    }
    check()
    expect(store.firstTs(id)).toBe(T0)
    expect(store.lastTs(id)).toBe(T0 + 499_000)
    store.cutAll()
    expect(db.prepare('SELECT rows FROM series_chunks').pluck().all()).toEqual([500])
    check()
  })

  it('reads a head exactly in any window, and the same after a replay and once cut', () => {
    const dir = tempDir()
    const { db, store } = open(dir, { headRows: 1000 })
    const id = store.groupId(vmstat('a'))
    // Uneven steps, some of ten minutes (a long change of step), and values
    // that only read back exactly bit for bit: NaN, −0, ±Infinity, doubles, nulls, staleness.
    const times: number[] = []
    for (let i = 0, t = T0; i < 203; i++, t += i % 37 === 0 ? 600_000 : 1000 + (i % 5) * 7) times.push(t)
    const special = [NaN, -0, Infinity, -Infinity, 0.1 + 0.2, 1e300, -5e-324]
    const row = (i: number): SampleValue[] => [i % 11 === 0 ? null : i % 13 === 0 ? (special[(i / 13) % special.length] as number) : i * 3, i % 29 === 28 ? STALE : i / 8]
    times.forEach((t, i) => store.append(id, t, row(i)))
    store.flush()
    const bits = (values: readonly SampleValue[]) => values.map((value) => (typeof value === 'number' ? (Object.is(value, -0) ? '-0' : String(value)) : value))
    const check = (reader: SeriesStore) => {
      // Whole, one row, across rows, at the ends.
      for (const [from, to] of [[0, 202], [15, 16], [16, 31], [31, 32], [17, 17], [100, 150], [190, 202], [0, 0]] as const) {
        const range = reader.read(id, times[from] as number, times[to] as number)
        expect(range.ts).toEqual(times.slice(from, to + 1))
        expect(range.seq).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i))
        for (let c = 0; c < 2; c++) expect(bits(range.columns[c] as SampleValue[])).toEqual(bits(times.slice(from, to + 1).map((_, i) => row(from + i)[c] as SampleValue)))
      }
      // A window in the gap before row 36's jump, and one past the end.
      expect(reader.read(id, (times[35] as number) + 1, (times[36] as number) - 1).ts).toEqual([])
      expect(reader.read(id, (times[202] as number) + 1, Infinity).ts).toEqual([])
      expect(reader.firstTs(id)).toBe(times[0])
      expect(reader.lastTs(id)).toBe(times[202])
    }
    check(store)
    // The same after the head is rebuilt from its log, and once it is cut into one chunk.
    db.close()
    const reopened = open(dir, { headRows: 1000 })
    check(reopened.store)
    reopened.store.cutAll()
    expect(reopened.db.prepare('SELECT rows FROM series_chunks').pluck().all()).toEqual([203])
    check(reopened.store)
  })

  it.each([
    ['before the marker (version 1)', 'head-log-v1'],
    ['of version 2', 'head-log-v2']
  ])('replays, after the upgrade, log segments a crash left in the format %s', (_format, fixtureDir) => {
    const dir = tempDir()
    const fixture = join(__dirname, '../../fixtures', fixtureDir)
    mkdirSync(join(dir, 'series-head'))
    for (const name of readdirSync(fixture).filter((file) => file.endsWith('.log'))) copyFileSync(join(fixture, name), join(dir, 'series-head', name))
    const visits = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as Array<[string, number, ...unknown[]]>
    const deleted = new Set(visits.filter((visit) => visit[0] === 'deleted').map((visit) => visit[1]))
    const expected = new Map<number, number[]>()
    for (const visit of visits) if (visit[0] === 'sample' && !deleted.has(visit[1])) expected.set(visit[1], [...(expected.get(visit[1]) ?? []), visit[2] as number])
    expect(expected.size).toBeGreaterThan(5)

    const first = open(dir)
    for (const [id, ts] of expected) expect(first.store.read(id, 0, Infinity).ts).toEqual([...ts].sort((a, b) => a - b))
    for (const id of deleted) expect(first.store.handleOf(id)).toBeUndefined()
    // Written on in the new format, closed cleanly, opened again: the same.
    const [id] = expected.keys() as IterableIterator<number>
    const last = Math.max(...(expected.get(id as number) as number[]))
    first.store.append(id as number, last + 5000, first.store.read(id as number, last, last).columns.map(() => 1))
    first.store.flush()
    const before = first.store.read(id as number, 0, Infinity)
    first.db.close() // a crash: now the old segments and a new one replay
    const second = open(dir)
    expect(second.store.read(id as number, 0, Infinity)).toEqual(before)
  })
})
