import { afterEach, describe, expect, it } from 'vitest'
import type { LabelMatcher } from '../../../src/main/base/series/matchers'
import { STALE } from '../../../src/main/base/series/sample'
import type { GroupKey } from '../../../src/main/base/series/series-store'
import { groupRow, MINUTE, openMinuteStore, T0 } from '../../helpers/minute-store'
import { makeTempDir } from '../../helpers/temp-dir'

const job = (pid: number): GroupKey => ({ metric: 'process', labels: { server_id: 'a', pid: String(pid) }, columns: ['cpu'] })
const allJobs: LabelMatcher[] = [{ name: '__name__', op: '=', value: 'process' }]
const JOBS = 12
const END = T0 + 60 * MINUTE

/**
 * The groups a rotation lets go leave the working set a few at a flush (`leavingPerFlush`), the
 * first with the rotation: parked, or out of memory once their rows say they ended. Reads answer
 * the same at every step, and a group that gets a sample before its turn stays.
 */
describe('series store: groups let go leave the working set a share at a flush', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  /** A store whose ended groups are let go `graceMinutes` after their last sample, 5 at a flush. */
  function open(graceMinutes: number) {
    const temp = makeTempDir('vigil-leaving-')
    cleanups.push(temp.remove)
    return openMinuteStore(temp.dir, cleanups, T0, graceMinutes * MINUTE, 5)
  }

  /** JOBS processes that run for a second (a sample, then a staleness marker), after the first rotation. */
  function endedJobs(f: ReturnType<typeof openMinuteStore>): number[] {
    f.minutes(1)
    return Array.from({ length: JOBS }, (_, i) => {
      const id = f.store.groupId(job(i + 1))
      f.store.append(id, f.now, [0.5])
      f.store.append(id, f.now + 1000, [STALE])
      return id
    })
  }

  const answers = (f: ReturnType<typeof openMinuteStore>, ids: readonly number[]) => ({
    selected: f.store
      .select(allJobs, { start: T0, end: END })
      .map((group) => group.id)
      .sort((a, b) => a - b),
    ranges: ids.map((id) => f.store.read(id, T0, END))
  })

  const counts = (f: ReturnType<typeof openMinuteStore>) => {
    const { groups, parked } = f.store.stats()
    return { groups, parked }
  }

  it('parks them a share at a flush; one that gets a sample meanwhile stays', () => {
    const f = open(1)
    const ids = endedJobs(f)
    f.minutes(1)
    const before = answers(f, ids)
    // The third rotation cuts their heads, writes them and lets them go: 5 leave with it.
    f.minutes(1)
    const seen = [counts(f)]
    const back = ids.at(-1) as number
    f.store.append(back, f.now, [0.9])
    f.store.flush()
    seen.push(counts(f))
    f.store.flush()
    seen.push(counts(f))
    expect(seen).toEqual([
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

  it('lets them out of memory a share at a flush once a catalogue write says they ended', () => {
    // Let go at the fifth rotation, a catalogue write: their rows are written ended.
    const f = open(3)
    const ids = endedJobs(f)
    f.minutes(3)
    const before = answers(f, ids)
    expect(counts(f)).toEqual({ groups: JOBS, parked: 0 })
    f.minutes(1)
    for (const id of ids) expect(groupRow(f.db, id)).toEqual({ next_seq: 2, last_ts: T0 + MINUTE + 1000, ended: 1 })
    const seen = [counts(f)]
    for (let flush = 0; flush < 2; flush++) {
      expect(answers(f, ids)).toEqual(before)
      f.store.flush()
      seen.push(counts(f))
    }
    expect(seen).toEqual([
      { groups: 7, parked: 0 },
      { groups: 2, parked: 0 },
      { groups: 0, parked: 0 }
    ])
    expect(answers(f, ids)).toEqual(before)
  })
})
