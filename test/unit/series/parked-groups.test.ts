import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type { LabelMatcher } from '../../../src/main/base/series/matchers'
import { ParkedGroups, type ParkedGroup } from '../../../src/main/base/series/parked-groups'
import { STALE } from '../../../src/main/base/series/sample'
import type { GroupKey } from '../../../src/main/base/series/series-store'
import { groupRow, logSegments, MINUTE, openMinuteStore, T0 } from '../../helpers/minute-store'
import { makeTempDir } from '../../helpers/temp-dir'

const job = (pid: number): GroupKey => ({ metric: 'process', labels: { server_id: 'a', pid: String(pid) }, columns: ['cpu'] })
const jobMatchers: LabelMatcher[] = [
  { name: '__name__', op: '=', value: 'process' },
  { name: 'pid', op: '=', value: '1' }
]

/**
 * An ended group leaves the working set at the first rotation after its grace, not only at a
 * catalogue write (every fourth rotation here): parked, its row not written, until the next
 * catalogue write. Parked, it answers every read as before, a sample brings it back as the same
 * group, and a crash loses nothing of it.
 */
describe('series store: ended groups parked between catalogue writes', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function tempDir(): string {
    const temp = makeTempDir('vigil-parked-')
    cleanups.push(temp.remove)
    return temp.dir
  }

  const open = (dir: string, start = T0) => openMinuteStore(dir, cleanups, start, MINUTE)

  /** A job that runs for a moment after the first (catalogue) rotation, parked at the third. */
  function parkedJob(dir: string) {
    const f = open(dir)
    f.minutes(1)
    const id = f.store.groupId(job(1))
    f.store.append(id, f.now, [0.5])
    f.store.append(id, f.now + 1000, [STALE])
    f.store.flush()
    const creation = logSegments(dir).at(-1) as string
    const answers = () => ({
      selected: f.store.select(jobMatchers, { start: T0, end: f.now }).map((group) => group.id),
      range: f.store.read(id, T0, f.now),
      nextSeq: f.store.nextSeq(id),
      lastTs: f.store.lastTs(id),
      firstTs: f.store.firstTs(id),
      group: f.store.storedGroup(id)
    })
    // In the working set at the second rotation; at the third its head is cut (its marker over
    // a minute old), written and parked, all in one.
    f.minutes(1)
    const before = answers()
    expect(f.store.stats()).toMatchObject({ groups: 1, parked: 0 })
    f.minutes(1)
    return { f, id, creation, before, answers }
  }

  it('takes an ended group out of the working set before its row is written, and answers reads about it as before', () => {
    const dir = tempDir()
    const { f, id, creation, before, answers } = parkedJob(dir)
    expect(f.store.stats()).toMatchObject({ groups: 0, parked: 1 })
    expect(f.store.group(id)).toBeUndefined()
    expect(groupRow(f.db, id)).toBeUndefined()
    expect(answers()).toEqual(before)
    expect(before.range.columns[0]).toEqual([0.5, STALE])
    expect(before.selected).toEqual([id])
    expect([...f.store.groupsInMemory()]).toEqual([{ id, nextSeq: 2 }])
    // Its creation stays in the log until its row is written: at the next catalogue write
    // (rotation 5), saying it ended; then it is out of memory, read from SQLite.
    f.minutes(1)
    expect(existsSync(join(dir, 'series-head', creation))).toBe(true)
    f.minutes(1)
    expect(groupRow(f.db, id)).toEqual({ next_seq: 2, last_ts: T0 + MINUTE + 1000, ended: 1 })
    expect(f.store.stats()).toMatchObject({ groups: 0, parked: 0 })
    expect(existsSync(join(dir, 'series-head', creation))).toBe(false)
    expect(answers()).toEqual(before)
    // Gone for good: the same labels again are a new group, which reads join to the old one.
    expect(f.store.groupId(job(1))).not.toBe(id)
  })

  it('gives a process back while parked its group again, numbering on, its row written live at the catalogue write', () => {
    const { f, id } = parkedJob(tempDir())
    expect(f.store.groupId(job(1))).toBe(id)
    expect(f.store.stats()).toMatchObject({ groups: 1, parked: 0 })
    expect(f.store.append(id, f.now, [0.7])).toBe(2)
    f.minutes(2)
    expect(groupRow(f.db, id)?.ended).toBe(0)
    expect(f.store.group(id)).toBeDefined()
    expect(f.store.read(id, T0, f.now).columns[0]).toEqual([0.5, STALE, 0.7])
  })

  it('takes bulk chunks for a parked group (an import of its later samples)', () => {
    const { f, id } = parkedJob(tempDir())
    f.store.writeChunks([{ groupId: id, ts: [f.now, f.now + 1000], columns: [[0.8, 0.9]] }])
    expect(f.store.stats()).toMatchObject({ groups: 1, parked: 0 })
    expect(f.store.read(id, T0, f.now + 1000)).toMatchObject({ seq: [0, 1, 2, 3], columns: [[0.5, STALE, 0.8, 0.9]] })
  })

  it('brings a parked group back exactly after a crash, from its creation in the log and where series_group_ends says it ends', () => {
    const dir = tempDir()
    const { f, id, before } = parkedJob(dir)
    // One more rotation: no head holds the segment of its creation any more, only its unwritten row.
    f.minutes(1)
    expect(f.store.stats().parked).toBe(1)
    f.db.close()
    const again = open(dir, f.now)
    expect(again.store.group(id)).toEqual(before.group)
    expect(again.store.read(id, T0, again.now)).toEqual(before.range)
    expect(again.store.nextSeq(id)).toBe(2)
    expect(again.store.lastTs(id)).toBe(before.lastTs)
    // Found ended (its newest sample read at a catalogue write) and its row written so.
    again.minutes(4)
    expect(groupRow(again.db, id)).toEqual({ next_seq: 2, last_ts: T0 + MINUTE + 1000, ended: 1 })
    expect(again.store.stats()).toMatchObject({ groups: 0, parked: 0 })
  })
})

describe('parked groups', () => {
  const text = fc.oneof(fc.constantFrom('a', 'root', '4711', ''), fc.string({ unit: 'grapheme', maxLength: 40 }))
  const time = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 2 ** 52 }))
  const group = fc.record({
    metric: fc.constantFrom('process', 'vmstat', 'iostat:rollup'),
    labels: fc.dictionary(fc.constantFrom('server_id', 'pid', 'command', 'user', 'ü'), text),
    columns: fc.constantFrom(['cpu', 'mem'], ['us', 'sy', 'id']),
    nextSeq: fc.integer({ min: 0, max: 2 ** 40 }),
    lastTs: time,
    stored: fc.boolean(),
    rowNextSeq: fc.nat(),
    rowLast: time,
    createdGeneration: fc.nat()
  })
  const step = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('park' as const), group }), weight: 6 },
    { arbitrary: fc.record({ kind: fc.constant('take' as const), pick: fc.nat() }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('clear' as const) }), weight: 1 }
  )

  it('give back exactly what was parked, whatever parks, takes and clears came between', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), fc.integer({ min: 1, max: 2 ** 40 }), (steps, firstId) => {
        const parked = new ParkedGroups()
        const model = new Map<number, ParkedGroup>()
        let nextId = firstId
        for (const s of steps) {
          if (s.kind === 'park') {
            const { metric, labels, columns, ...rest } = s.group
            const entry: ParkedGroup = { info: { id: nextId++, metric, labels, columns }, ...rest }
            parked.add(entry)
            model.set(entry.info.id, entry)
          } else if (s.kind === 'take') {
            const id = [...model.keys()][s.pick % Math.max(1, model.size)] ?? nextId
            expect(parked.take(id)).toEqual(model.get(id))
            model.delete(id)
            expect(parked.get(id)).toBeUndefined()
          } else {
            parked.clear()
            model.clear()
          }
          expect(parked.size).toBe(model.size)
        }
        const entries = [...model.values()]
        for (const entry of entries) expect(parked.get(entry.info.id)).toEqual(entry)
        expect(parked.all()).toEqual(entries)
        expect(parked.ends()).toEqual(entries.map(({ info, nextSeq, lastTs }) => ({ id: info.id, nextSeq, lastTs })))
        expect([...parked.nextSeqsById()]).toEqual(entries.map(({ info, nextSeq }) => ({ id: info.id, nextSeq })))
        const unstored = entries.filter((entry) => !entry.stored).map((entry) => entry.createdGeneration)
        expect(parked.oldestUnstoredCreation(2 ** 31)).toBe(Math.min(2 ** 31, ...unstored))
      })
    )
  })
})
