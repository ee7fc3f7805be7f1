import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { GroupInfo } from '../../../src/main/base/series/group-catalog'
import { LabelPostings } from '../../../src/main/base/series/label-postings'

/** Few names and values, so that values are shared by many groups, by one, or come and go. */
const labels = fc.record(
  { server_id: fc.constantFrom('a', 'b', 'c'), pid: fc.constantFrom('1', '2', '3', '4', '5', '6', '7'), user: fc.constantFrom('root', 'app') },
  { requiredKeys: ['server_id'] }
)

const step = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('make' as const), metric: fc.constantFrom('process', 'vmstat'), labels }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('revive' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('read' as const), name: fc.constantFrom('__name__', 'server_id', 'pid', 'user', 'none') }), weight: 2 }
)

const sorted = (ids: Iterable<number>): number[] => [...ids].sort((a, b) => a - b)

describe('label postings', () => {
  it('answer as a plain list of the groups in memory would, whatever adds, removals and returns come between reads', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), (steps) => {
        const index = new LabelPostings()
        const present = new Map<number, GroupInfo>()
        const gone = new Map<number, GroupInfo>()
        const check = (name: string): void => {
          const groups = [...present.values()]
          const valueOf = (group: GroupInfo): string | undefined => (name === '__name__' ? group.metric : group.labels[name])
          const values = new Set(groups.map(valueOf).filter((value) => value !== undefined))
          expect(new Set(index.valuesOf(name))).toEqual(values)
          for (const value of values) expect(sorted(index.groupsWith(name, value))).toEqual(sorted(groups.filter((group) => valueOf(group) === value).map((group) => group.id)))
          expect(index.groupsWith(name, 'nothing')).toEqual([])
          expect(sorted(index.groupsWithLabel(name))).toEqual(sorted(groups.filter((group) => valueOf(group) !== undefined).map((group) => group.id)))
          expect(sorted(index.allGroupIds())).toEqual(sorted(present.keys()))
        }
        let nextId = 1
        for (const s of steps) {
          if (s.kind === 'make') {
            const group: GroupInfo = { id: nextId++, metric: s.metric, labels: s.labels as Record<string, string>, columns: ['v'] }
            present.set(group.id, group)
            index.add(group)
          } else if (s.kind === 'read') check(s.name)
          else {
            const [from, to] = s.kind === 'remove' ? [present, gone] : [gone, present]
            const group = [...from.values()][s.pick % Math.max(1, from.size)]
            if (group === undefined) continue
            from.delete(group.id)
            to.set(group.id, group)
            if (s.kind === 'remove') index.remove(group)
            else index.add(group)
          }
        }
        for (const name of ['__name__', 'server_id', 'pid', 'user']) check(name)
      }),
      { numRuns: 300 }
    )
  })
})
