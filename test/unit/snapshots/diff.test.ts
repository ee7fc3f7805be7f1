import { describe, expect, it } from 'vitest'
import { ROW_IDENTITY_COLUMN } from '../../../src/main/table-monitoring/sql/dialect'
import { canonicalRow, canonicalValue, diffSnapshots, hasChanges, rowHash } from '../../../src/main/table-monitoring/monitor/diff'

const KEY = { keyColumns: ['ID'] }

describe('diffSnapshots', () => {
  it('sorts rows into added, removed, changed and unchanged by key', () => {
    const previous = [
      { ID: 1, NAME: 'Ann', EMAIL: 'ann@example.com' },
      { ID: 2, NAME: 'Bob', EMAIL: 'bob@example.com' },
      { ID: 3, NAME: 'Cid', EMAIL: 'cid@example.com' }
    ]
    const current = [
      { ID: 4, NAME: 'Dee', EMAIL: 'dee@example.com' },
      { ID: 2, NAME: 'Bob', EMAIL: 'bob@example.org' },
      { ID: 1, NAME: 'Ann', EMAIL: 'ann@example.com' }
    ]
    const diff = diffSnapshots(previous, current, KEY)
    expect(diff).toEqual({
      added: [current[0]],
      removed: [previous[2]],
      changed: [{ key: { ID: 2 }, before: previous[1], after: current[1], columns: ['EMAIL'] }],
      unchanged: 1,
      duplicateKeys: 0
    })
    expect(hasChanges(diff)).toBe(true)
    expect(hasChanges(diffSnapshots(previous, [...previous].reverse(), KEY))).toBe(false)
  })

  it('tells null from an empty string, and 1 from "1"', () => {
    const diff = diffSnapshots([{ ID: 1, NOTE: null, N: 1 }], [{ ID: 1, NOTE: '', N: '1' }], KEY)
    expect(diff.changed).toEqual([expect.objectContaining({ columns: ['N', 'NOTE'] })])
  })

  it('compares Dates by instant and Buffers by bytes, not by identity', () => {
    const row = (at: string, bytes: number[]) => ({ ID: 1, AT: new Date(at), RAW: Buffer.from(bytes) })
    expect(diffSnapshots([row('2024-08-07T10:30:00Z', [1, 2])], [row('2024-08-07T10:30:00.000Z', [1, 2])], KEY).unchanged).toBe(1)
    const moved = diffSnapshots([row('2024-08-07T10:30:00Z', [1, 2])], [row('2024-08-07T10:30:01Z', [1, 3])], KEY)
    expect(moved.changed[0]?.columns).toEqual(['AT', 'RAW'])
  })

  it('keys on composite keys, bigints and keys that are strings of digits', () => {
    const previous = [{ A: 1n, B: 'x', V: 1 }, { A: 1n, B: 'y', V: 2 }, { A: '1', B: 'x', V: 3 }]
    const current = [{ A: 1n, B: 'x', V: 1 }, { A: 1n, B: 'y', V: 20 }, { A: '1', B: 'x', V: 3 }]
    const diff = diffSnapshots(previous, current, { keyColumns: ['A', 'B'] })
    expect(diff).toMatchObject({ unchanged: 2, duplicateKeys: 0, added: [], removed: [] })
    expect(diff.changed).toEqual([{ key: { A: 1n, B: 'y' }, before: previous[1], after: current[1], columns: ['V'] }])
  })

  it('compares only the columns it is told to, in their order', () => {
    const diff = diffSnapshots([{ ID: 1, A: 1, IGNORED: 1 }], [{ ID: 1, A: 2, IGNORED: 2 }], { keyColumns: ['ID'], columns: ['ID', 'A'] })
    expect(diff.changed[0]?.columns).toEqual(['A'])
    expect(diffSnapshots([{ ID: 1, A: 1, IGNORED: 1 }], [{ ID: 1, A: 1, IGNORED: 2 }], { keyColumns: ['ID'], columns: ['ID', 'A'] }).unchanged).toBe(1)
  })

  it('notices a column that appears or disappears', () => {
    const diff = diffSnapshots([{ ID: 1, A: 1 }], [{ ID: 1, A: 1, B: null }], KEY)
    expect(diff.changed[0]?.columns).toEqual(['B'])
  })

  it('reports duplicate keys and compares their rows as a multiset instead of crashing', () => {
    const previous = [
      { ID: 1, V: 'a' },
      { ID: 1, V: 'b' },
      { ID: 2, V: 'c' },
      { ID: 3, V: 'd' }
    ]
    const current = [
      { ID: 1, V: 'b' },
      { ID: 1, V: 'z' },
      { ID: 1, V: 'z' },
      { ID: 2, V: 'c' },
      { ID: 3, V: 'D' }
    ]
    const diff = diffSnapshots(previous, current, KEY)
    expect(diff).toEqual({
      added: [current[1], current[2]],
      removed: [previous[0]],
      changed: [{ key: { ID: 3 }, before: previous[3], after: current[4], columns: ['V'] }],
      unchanged: 2,
      duplicateKeys: 1
    })
  })

  it('counts a key duplicated only in the previous snapshot, and one that vanished', () => {
    const diff = diffSnapshots([{ ID: 1, V: 'a' }, { ID: 1, V: 'a' }, { ID: 2, V: 'x' }, { ID: 2, V: 'y' }], [{ ID: 1, V: 'a' }], KEY)
    expect(diff).toMatchObject({ unchanged: 1, duplicateKeys: 2, added: [], changed: [] })
    expect(diff.removed).toEqual([{ ID: 1, V: 'a' }, { ID: 2, V: 'x' }, { ID: 2, V: 'y' }])
  })

  it('pairs rows of a table without a key by their row identity', () => {
    const id = ROW_IDENTITY_COLUMN
    const first = { A: 1, B: 'a', [id]: 'AAAR3sAAEAAAACXAAA' }
    const previous = [first, { A: 1, B: 'a', [id]: 'AAAR3sAAEAAAACXAAB' }]
    // Oracle keeps a ROWID across an update: the row shows as changed.
    const updated = [first, { A: 1, B: 'b', [id]: 'AAAR3sAAEAAAACXAAB' }]
    expect(diffSnapshots(previous, updated, { keyColumns: [id] })).toMatchObject({
      unchanged: 1,
      changed: [{ key: { [id]: 'AAAR3sAAEAAAACXAAB' }, columns: ['B'] }],
      duplicateKeys: 0
    })
    // PostgreSQL moves the ctid: the same update shows as removed + added.
    const moved = [{ A: 1, B: 'a', [id]: '(0,1)' }, { A: 1, B: 'b', [id]: '(0,3)' }]
    expect(diffSnapshots([{ A: 1, B: 'a', [id]: '(0,1)' }, { A: 1, B: 'a', [id]: '(0,2)' }], moved, { keyColumns: [id] })).toMatchObject({
      unchanged: 1,
      added: [moved[1]],
      removed: [{ [id]: '(0,2)' }],
      changed: []
    })
  })

  it('handles empty snapshots and refuses to diff without a key', () => {
    expect(diffSnapshots([], [], KEY)).toEqual({ added: [], removed: [], changed: [], unchanged: 0, duplicateKeys: 0 })
    expect(diffSnapshots([], [{ ID: 1 }], KEY).added).toHaveLength(1)
    expect(() => diffSnapshots([], [], { keyColumns: [] })).toThrow(RangeError)
  })
})

describe('canonical serialization', () => {
  it('keeps types apart', () => {
    const values = [null, undefined, '', 'null', 0, '0', false, 'false', 1n, '1', 1, new Date(0), '1970-01-01T00:00:00.000Z', Buffer.from('ab'), '6162', [1], { a: 1 }]
    const texts = values.map(canonicalValue)
    expect(new Set(texts).size).toBe(values.length)
  })

  it('cannot be forged by commas or quotes inside strings', () => {
    expect(canonicalRow({ A: 'x","y', B: 'z' }, ['A', 'B'])).not.toBe(canonicalRow({ A: 'x', B: 'y","z' }, ['A', 'B']))
    expect(canonicalRow({ A: 'x,Fy' }, ['A'])).not.toBe(canonicalRow({ A: 'x', B: 1 }, ['A', 'B']))
    expect(canonicalRow({ A: 'x,S1:y' }, ['A'])).not.toBe(canonicalRow({ A: 'x', B: 'y' }, ['A', 'B']))
    expect(canonicalValue({ 'a=S1:b': 1 })).not.toBe(canonicalValue({ a: 'b', c: 1 }))
  })

  it('renders Dates as ISO text, Buffers as hex and sorts object keys', () => {
    expect(canonicalValue(new Date('2024-08-07T10:30:00Z'))).toBe('D2024-08-07T10:30:00.000Z')
    expect(canonicalValue(new Date(Number.NaN))).toBe('Dinvalid')
    expect(canonicalValue(Buffer.from([0, 255]))).toBe('B00ff')
    expect(canonicalValue(new Uint8Array([1, 2]))).toBe('B0102')
    expect(canonicalValue({ b: 1, a: [null, 'x'] })).toBe(canonicalValue({ a: [null, 'x'], b: 1 }))
  })

  it('hashes rows with sha256 over the canonical text, in the given column order', () => {
    expect(rowHash({ A: 1, B: 'x' }, ['A', 'B'])).toMatch(/^[0-9a-f]{64}$/)
    expect(rowHash({ B: 'x', A: 1 }, ['A', 'B'])).toBe(rowHash({ A: 1, B: 'x' }, ['A', 'B']))
    expect(rowHash({ A: 1, B: 'x' }, ['B', 'A'])).not.toBe(rowHash({ A: 1, B: 'x' }, ['A', 'B']))
  })
})
