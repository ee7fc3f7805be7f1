import { afterEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/main/base/db/db'
import type { LabelMatcher } from '../../../src/main/base/series/matchers'
import { STALE, type SampleValue } from '../../../src/main/base/series/sample'
import type { FlushShare, GroupKey } from '../../../src/main/base/series/series-store'
import { groupRow, logSegments, MINUTE, openMinuteStore, T0 } from '../../helpers/minute-store'
import { makeTempDir } from '../../helpers/temp-dir'

const job = (pid: number): GroupKey => ({ metric: 'process', labels: { server_id: 'a', pid: String(pid) }, columns: ['cpu'] })
const allJobs: LabelMatcher[] = [{ name: '__name__', op: '=', value: 'process' }]
const JOBS = 12
const chunksStored = (db: Db): number => db.prepare('SELECT COUNT(*) FROM series_chunks').pluck().get() as number
const rowsStored = (db: Db): number => db.prepare('SELECT COUNT(*) FROM series_groups').pluck().get() as number

/**
 * A rotation's work is spread over the flushes around it (FlushShare): waiting chunks and the
 * catalogue's rows are written a share at a flush before the rotation, and the groups it lets go
 * leave the working set a share at a flush after it. Reads answer the same at every step, and a
 * crash between two shares loses and repeats nothing.
 */
describe('series store: a rotation spread over flushes', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function tempDir(): string {
    const temp = makeTempDir('vigil-spread-')
    cleanups.push(temp.remove)
    return temp.dir
  }

  const share = (part: Partial<FlushShare>): FlushShare => ({ chunks: 1000, rows: 1000, leaving: 1000, ...part })

  /** JOBS groups (pids from `firstPid`), each with `samples` samples a second apart from `at` (heads are cut at 4 rows). */
  function jobs(f: ReturnType<typeof openMinuteStore>, at: number, samples: number, value = (i: number): SampleValue => i / 10, firstPid = 1): number[] {
    const ids: number[] = []
    for (let pid = firstPid; pid < firstPid + JOBS; pid++) {
      const id = f.store.groupId(job(pid))
      for (let i = 0; i < samples; i++) f.store.append(id, at + i * 1000, [value(i)])
      ids.push(id)
    }
    return ids
  }

  const END = T0 + 60 * MINUTE
  const answers = (f: ReturnType<typeof openMinuteStore>, ids: readonly number[]) => ({
    selected: f.store
      .select(allJobs, { start: T0, end: END })
      .map((group) => group.id)
      .sort((a, b) => a - b),
    ranges: ids.map((id) => f.store.read(id, T0, END)),
    nextSeqs: ids.map((id) => f.store.nextSeq(id))
  })

  it('writes the chunks waiting at a rotation a share at a flush, then rotates, reads answering the same throughout', () => {
    const dir = tempDir()
    const f = openMinuteStore(dir, cleanups, T0, 5 * MINUTE, share({ chunks: 5 }))
    const ids = jobs(f, T0, 9)
    // Two chunks waiting per group (a head is cut at 4 rows), one row in each head.
    f.store.flush()
    expect(chunksStored(f.db)).toBe(0)
    const before = answers(f, ids)
    const segments = logSegments(dir)
    f.minutes(1)
    // Due: three groups' chunks (6 ≥ 5) at each flush, the rotation with the last three.
    const written = [chunksStored(f.db)]
    for (let flush = 0; flush < 3; flush++) {
      expect(logSegments(dir)).toEqual(segments)
      expect(answers(f, ids)).toEqual(before)
      f.store.flush()
      written.push(chunksStored(f.db))
    }
    expect(written).toEqual([6, 12, 18, 24])
    expect(logSegments(dir)).not.toEqual(segments)
    expect(answers(f, ids)).toEqual(before)
    expect(before.ranges[0]?.columns[0]).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
  })

  it('rotates at once, shares or not, a minute past its time (when shares could not keep up)', () => {
    const dir = tempDir()
    const f = openMinuteStore(dir, cleanups, T0, 5 * MINUTE, share({ chunks: 5 }))
    jobs(f, T0, 9)
    const segments = logSegments(dir)
    f.minutes(1)
    expect(chunksStored(f.db)).toBe(6)
    // The rotation was due a minute ago: the 18 chunks left go with it.
    f.minutes(1)
    expect(chunksStored(f.db)).toBe(24)
    expect(logSegments(dir)).not.toEqual(segments)
  })

  it('loses and repeats nothing when it crashes between two shares', () => {
    const dir = tempDir()
    const f = openMinuteStore(dir, cleanups, T0, 5 * MINUTE, share({ chunks: 5 }))
    const ids = jobs(f, T0, 9)
    f.minutes(1)
    f.store.flush()
    expect(chunksStored(f.db)).toBe(12)
    const before = answers(f, ids)
    f.db.close()

    const again = openMinuteStore(dir, cleanups, f.now, 5 * MINUTE, share({ chunks: 5 }))
    expect(answers(again, ids)).toEqual(before)
    for (const id of ids) again.store.append(id, again.now, [9])
    again.store.close()
    const rows = again.db.prepare('SELECT group_id, SUM(rows) AS rows, COUNT(DISTINCT first_seq) = COUNT(*) AS distinct_seqs FROM series_chunks GROUP BY group_id').all()
    expect(rows).toEqual(ids.map((id) => ({ group_id: id, rows: 10, distinct_seqs: 1 })))
  })

  it('writes the catalogue a share of rows at a flush ahead of its write: new groups, then parked ones', () => {
    const dir = tempDir()
    // Ended groups leave the working set a minute after their last sample: parked until the catalogue write.
    const f = openMinuteStore(dir, cleanups, T0, MINUTE, share({ rows: 5 }))
    f.minutes(1)
    const ended = jobs(f, f.now, 2, (i) => (i === 0 ? 0.5 : STALE))
    // Rotations 2–4 write no catalogue; at the third the ended heads are cut, written and parked.
    f.minutes(3)
    expect(f.store.stats()).toMatchObject({ groups: 0, parked: JOBS })
    expect(rowsStored(f.db)).toBe(0)
    const live = jobs(f, f.now, 1, () => 1, 100)
    f.store.flush()
    const before = answers(f, [...ended, ...live])
    // Rotation 5 writes the catalogue: 12 new rows and 12 parked, 5 at a flush ahead of it.
    f.minutes(1)
    const progress = [{ rows: rowsStored(f.db), parked: f.store.stats().parked }]
    while (progress.length < 5) {
      expect(answers(f, [...ended, ...live])).toEqual(before)
      f.store.flush()
      progress.push({ rows: rowsStored(f.db), parked: f.store.stats().parked })
    }
    expect(progress).toEqual([
      { rows: 5, parked: 12 },
      { rows: 10, parked: 12 },
      { rows: 15, parked: 9 },
      { rows: 20, parked: 4 },
      { rows: 24, parked: 0 }
    ])
    expect(answers(f, [...ended, ...live])).toEqual(before)
    for (const id of ended) expect(groupRow(f.db, id)).toEqual({ next_seq: 2, last_ts: T0 + MINUTE + 1000, ended: 1 })
  })

  it('lets the groups a rotation let go leave the working set a share at a flush; one that gets a sample meanwhile stays', () => {
    const dir = tempDir()
    const f = openMinuteStore(dir, cleanups, T0, MINUTE, share({ leaving: 5 }))
    f.minutes(1)
    const ids = jobs(f, f.now, 2, (i) => (i === 0 ? 0.5 : STALE))
    f.minutes(1)
    const before = answers(f, ids)
    // The third rotation lets them go: 5 leave with it, the others at the next flushes.
    f.minutes(1)
    const counts = [f.store.stats()]
    const back = ids.at(-1) as number
    f.store.append(back, f.now, [0.9])
    f.store.flush()
    counts.push(f.store.stats())
    f.store.flush()
    counts.push(f.store.stats())
    expect(counts.map(({ groups, parked }) => ({ groups, parked }))).toEqual([
      { groups: 7, parked: 5 },
      { groups: 2, parked: 10 },
      { groups: 1, parked: 11 }
    ])
    expect(f.store.group(back)).toBeDefined()
    const after = answers(f, ids)
    expect(after.selected).toEqual(before.selected)
    expect(after.ranges.slice(0, -1)).toEqual(before.ranges.slice(0, -1))
    expect(after.ranges.at(-1)?.columns[0]).toEqual([0.5, STALE, 0.9])
  })
})
