import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalRow, diffSnapshots, type SnapshotDiff, type SnapshotRow } from '../../../src/main/table-monitoring/monitor/diff'

const COLUMNS = ['ID', 'NAME', 'AMOUNT', 'AT', 'RAW']
const KEY = { keyColumns: ['ID'], columns: COLUMNS }

// Small key and value ranges so that two snapshots share keys, rows and duplicates often.
const row = fc.record({
  ID: fc.integer({ min: 0, max: 12 }),
  NAME: fc.oneof(fc.constant(null), fc.constant(''), fc.constantFrom('a', 'b', 'a,b', '"')),
  AMOUNT: fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 2 }), fc.bigInt({ min: -2n, max: 2n })),
  AT: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }).map((day) => new Date(Date.UTC(2024, 0, 1 + day)))),
  RAW: fc.oneof(fc.constant(null), fc.uint8Array({ maxLength: 2 }).map((bytes) => Buffer.from(bytes)))
})
const snapshot = fc.array(row, { maxLength: 30 })
const uniqueSnapshot = fc.uniqueArray(row, { selector: (r) => r.ID, maxLength: 13 })

/** Multiset of canonical rows: what a snapshot holds, regardless of order. */
function bag(rows: readonly SnapshotRow[]): string[] {
  return rows.map((r) => canonicalRow(r, COLUMNS)).sort()
}

/** Applies a diff as a patch: drop removed rows and changed rows' before, add added rows and changed rows' after. */
function patch(rows: readonly SnapshotRow[], diff: SnapshotDiff): string[] {
  const held = new Map<string, number>()
  const add = (r: SnapshotRow, n: number): void => {
    const text = canonicalRow(r, COLUMNS)
    held.set(text, (held.get(text) ?? 0) + n)
  }
  for (const r of rows) add(r, 1)
  for (const r of diff.removed) add(r, -1)
  for (const change of diff.changed) {
    add(change.before, -1)
    add(change.after, 1)
  }
  for (const r of diff.added) add(r, 1)
  const result: string[] = []
  for (const [text, n] of held) {
    expect(n, 'a patch never removes a row that is not there').toBeGreaterThanOrEqual(0)
    for (let i = 0; i < n; i++) result.push(text)
  }
  return result.sort()
}

describe('diffSnapshots properties', () => {
  it('finds nothing changed between a snapshot and itself, duplicates included', () => {
    fc.assert(
      fc.property(snapshot, (a) => {
        const diff = diffSnapshots(a, a, KEY)
        expect(diff).toMatchObject({ added: [], removed: [], changed: [], unchanged: a.length })
      })
    )
  })

  it('turns a into b when applied as a patch', () => {
    fc.assert(
      fc.property(snapshot, snapshot, (a, b) => {
        expect(patch(a, diffSnapshots(a, b, KEY))).toEqual(bag(b))
      })
    )
  })

  it('accounts for every row exactly once', () => {
    fc.assert(
      fc.property(snapshot, snapshot, (a, b) => {
        const diff = diffSnapshots(a, b, KEY)
        expect(diff.unchanged + diff.changed.length + diff.removed.length).toBe(a.length)
        expect(diff.unchanged + diff.changed.length + diff.added.length).toBe(b.length)
      })
    )
  })

  it('with unique keys, pairs every shared key and names only columns that differ', () => {
    fc.assert(
      fc.property(uniqueSnapshot, uniqueSnapshot, (a, b) => {
        const diff = diffSnapshots(a, b, KEY)
        const ids = (rows: readonly SnapshotRow[]): Set<unknown> => new Set(rows.map((r) => r.ID))
        const before = ids(a)
        const after = ids(b)
        expect(diff.duplicateKeys).toBe(0)
        expect(diff.added.every((r) => !before.has(r.ID))).toBe(true)
        expect(diff.removed.every((r) => !after.has(r.ID))).toBe(true)
        for (const change of diff.changed) {
          expect(change.columns.length).toBeGreaterThan(0)
          expect(change.columns).not.toContain('ID')
          for (const column of COLUMNS) {
            const differs = canonicalRow(change.before, [column]) !== canonicalRow(change.after, [column])
            expect(change.columns.includes(column)).toBe(differs)
          }
        }
      })
    )
  })
})
