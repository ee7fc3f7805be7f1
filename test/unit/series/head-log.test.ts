import fc from 'fast-check'
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { HeadLog, type LogSlot } from '../../../src/main/base/series/head-log'
import { STALE, type SampleValue } from '../../../src/main/base/series/sample'
import { encodeValue, recorder, type Visit } from '../../fixtures/head-log-v1/generate'
import { makeTempDir } from '../../helpers/temp-dir'
import { anyValue } from '../../helpers/sample-arbitraries'

const T0 = 1_764_633_600_000
const FIXTURE = join(__dirname, '../../fixtures/head-log-v1')


type Op =
  | { kind: 'sample'; group: number; dts: number; gap: number; row: SampleValue[] | 'repeat' | 'repeat-but-one' }
  | { kind: 'flush' }
  | { kind: 'rotate'; carry: boolean }
  | { kind: 'delete'; group: number }

const GROUPS = 5
const anyOp: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('sample' as const),
      group: fc.integer({ min: 0, max: GROUPS - 1 }),
      // Mostly the time of the sample before (one snapshot), sometimes later or earlier.
      dts: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: -10_000, max: 20_000 })),
      gap: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 1000 })),
      row: fc.oneof(fc.constant('repeat' as const), fc.constant('repeat-but-one' as const), fc.array(anyValue, { minLength: 4, maxLength: 4 }))
    })
  },
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'flush' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rotate' as const), carry: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), group: fc.integer({ min: 0, max: GROUPS - 1 }) }) }
)

describe('head log', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function tempDir(): string {
    const temp = makeTempDir('vigil-head-log-')
    cleanups.push(temp.remove)
    return temp.dir
  }

  function replay(dir: string): Visit[] {
    const visits: Visit[] = []
    new HeadLog(dir).replay(recorder(visits))
    return visits
  }

  /** Runs the ops against a log in `dir`; returns what a replay must give (segments left out). */
  function write(dir: string, ops: readonly Op[]): Visit[] {
    let clock = T0
    const log = new HeadLog(dir, () => clock)
    const expected: Visit[] = []
    // Group g has id 10 + 3g and g % 4 + 1 columns; half of them go through a slot, as the store's do.
    const groups = Array.from({ length: GROUPS }, (_, g) => ({
      id: 10 + 3 * g,
      width: (g % 4) + 1,
      slot: g % 2 === 0 ? ({ codec: null, context: null } as LogSlot) : undefined,
      last: null as { ts: number; seq: number; row: SampleValue[] } | null,
      deleted: false
    }))
    for (const group of groups) {
      const logged = { id: group.id, metric: 'process', labels: { server_id: 'a', pid: String(group.id) }, columns: Array.from({ length: group.width }, (_, c) => `c${c}`) }
      log.addGroup(logged)
      expected.push(['group', logged.id, logged.metric, logged.labels, logged.columns])
    }
    let ts = T0
    const sample = (group: (typeof groups)[number], at: number, seq: number, row: SampleValue[], slot: LogSlot | undefined): void => {
      log.addSample(group.id, at, seq, row, slot)
      expected.push(['sample', group.id, at, seq, row.map(encodeValue)])
    }
    for (const op of ops) {
      if (op.kind === 'flush') log.flush()
      else if (op.kind === 'rotate') {
        clock += 1000
        log.rotate()
        // The store carries small heads over into the new segment, without their slots.
        if (op.carry) for (const group of groups) if (!group.deleted && group.last) sample(group, group.last.ts, group.last.seq, group.last.row, undefined)
      } else if (op.kind === 'delete') {
        const group = groups[op.group] as (typeof groups)[number]
        if (group.deleted) continue
        group.deleted = true
        log.addDeleted(group.id)
        expected.push(['deleted', group.id])
      } else {
        const group = groups[op.group] as (typeof groups)[number]
        if (group.deleted) continue
        ts = Math.max(T0, ts + op.dts)
        const seq = (group.last?.seq ?? -1) + 1 + op.gap
        let row: SampleValue[]
        if (op.row === 'repeat' || op.row === 'repeat-but-one') {
          row = group.last ? [...group.last.row] : Array.from({ length: group.width }, () => 1.5)
          if (op.row === 'repeat-but-one') row[row.length - 1] = 0.25
        } else row = op.row.slice(0, group.width)
        sample(group, ts, seq, row, group.slot)
        group.last = { ts, seq, row }
      }
    }
    log.close()
    return expected
  }

  it('replays exactly what was logged: any double, nulls, stale marks, repeated rows, interleaved groups, times going back', () => {
    fc.assert(
      fc.property(fc.array(anyOp, { maxLength: 200 }), (ops) => {
        const dir = tempDir()
        const expected = write(dir, ops)
        expect(replay(dir).filter((visit) => visit[0] !== 'segment')).toEqual(expected)
      }),
      { numRuns: 150 }
    )
  })

  it('replays segments written before the format marker (version 1), alone and followed by new ones', () => {
    const dir = tempDir()
    const segments = readdirSync(FIXTURE).filter((name) => name.endsWith('.log'))
    for (const name of segments) copyFileSync(join(FIXTURE, name), join(dir, name))
    const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Visit[]
    expect(expected.filter((visit) => visit[0] === 'sample').length).toBeGreaterThan(400)
    expect(replay(dir)).toEqual(expected)

    // The upgraded app logs on after a crash: its segment (version 2) comes after the old ones.
    const later = write(dir, [
      { kind: 'sample', group: 0, dts: 5000, gap: 0, row: [1, 2, 3, 4] },
      { kind: 'sample', group: 1, dts: 0, gap: 0, row: [NaN, -0, null, STALE] },
      { kind: 'sample', group: 0, dts: 5000, gap: 0, row: 'repeat' }
    ])
    const all = replay(dir)
    expect(all.slice(0, expected.length)).toEqual(expected)
    expect(all.slice(expected.length).filter((visit) => visit[0] !== 'segment')).toEqual(later)
  })

  it('marks each segment with its format, leaves a segment never written to empty, and skips a later version', () => {
    const dir = tempDir()
    write(dir, [{ kind: 'sample', group: 0, dts: 0, gap: 0, row: [1, 2, 3, 4] }])
    const files = readdirSync(dir).sort()
    const first = readFileSync(join(dir, files[0] as string))
    expect(first.readUInt32LE(0)).toBe(0xffffffff)
    expect(first.readUInt32LE(4)).toBe(2)
    expect(files.slice(1).every((name) => statSync(join(dir, name)).size === 0)).toBe(true)

    const future = Buffer.alloc(16)
    future.writeUInt32LE(0xffffffff, 0)
    future.writeUInt32LE(3, 4)
    writeFileSync(join(dir, `${T0 + 999_999}.log`), future)
    expect(replay(dir).filter((visit) => visit[0] === 'sample')).toHaveLength(1)
  })

  it('writes a collector snapshot of unchanged rows in about two bits a row', () => {
    const dir = tempDir()
    const log = new HeadLog(dir, () => T0)
    const slots = Array.from({ length: 500 }, () => ({ codec: null, context: null }) as LogSlot)
    for (let id = 0; id < 500; id++) log.addGroup({ id, metric: 'process', labels: { pid: String(id) }, columns: ['cpu', 'mem'] })
    for (let id = 0; id < 500; id++) log.addSample(id, T0, 0, [id / 10, 2.5], slots[id])
    log.flush()
    const before = statSync(join(dir, readdirSync(dir)[0] as string)).size
    for (let snapshot = 1; snapshot <= 100; snapshot++) {
      for (let id = 0; id < 500; id++) log.addSample(id, T0 + snapshot * 5000, snapshot, [id / 10, 2.5], slots[id])
      log.flush()
    }
    const bits = (statSync(join(dir, readdirSync(dir)[0] as string)).size - before) * 8
    // 50,000 rows: the first of each snapshot with a whole header, every other one 2 bits
    // (version 1 took about 10), and 100 records' headers.
    expect(bits / 50_000).toBeLessThan(2.3)
    log.close()
    const samples = replay(dir).filter((visit) => visit[0] === 'sample')
    expect(samples).toHaveLength(50_500)
    expect(samples.at(-1)).toEqual(['sample', 499, T0 + 500_000, 100, [49.9, 2.5]])
  })
})
