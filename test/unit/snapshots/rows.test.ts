import { describe, expect, it } from 'vitest'
import { diffSnapshots, hasChanges } from '../../../src/main/table-monitoring/monitor/diff'
import { decodeRows, encodeRows, jsonValue, normalizeRows, summarizeChanges } from '../../../src/main/table-monitoring/monitor/rows'

describe('jsonValue', () => {
  it('turns driver values into what JSON keeps', () => {
    expect(jsonValue(new Date('2024-08-07T10:30:00Z'))).toBe('2024-08-07T10:30:00.000Z')
    expect(jsonValue(new Date(Number.NaN))).toBe(null)
    expect(jsonValue(Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe('deadbeef')
    expect(jsonValue(new Uint8Array([1, 2]).subarray(1))).toBe('02')
    expect(jsonValue(12345678901234567890n)).toBe('12345678901234567890')
    expect(jsonValue(Number.NaN)).toBe('NaN')
    expect(jsonValue(-Infinity)).toBe('-Infinity')
    expect(Object.is(jsonValue(-0), 0)).toBe(true)
    expect(jsonValue(undefined)).toBe(null)
    expect(jsonValue({ at: new Date(0), list: [1n, 'x'] })).toEqual({ at: '1970-01-01T00:00:00.000Z', list: ['1', 'x'] })
  })
})

describe('encodeRows and decodeRows', () => {
  const columns = ['ID', 'NAME', 'CREATED']

  it('round-trip rows through compact JSON, so a stored snapshot diffs equal to a fresh one', () => {
    const fresh = () => [
      { ID: 1, NAME: 'Ann', CREATED: new Date('2024-08-01T10:00:00Z') },
      { ID: 2, NAME: null, CREATED: new Date('2024-08-02T10:00:00Z') }
    ]
    const stored = normalizeRows(fresh(), columns)
    const json = encodeRows(stored, columns)
    expect(json).toBe('[[1,"Ann","2024-08-01T10:00:00.000Z"],[2,null,"2024-08-02T10:00:00.000Z"]]')
    const decoded = decodeRows(json, columns)
    expect(decoded).toEqual(stored)
    expect(hasChanges(diffSnapshots(decoded, normalizeRows(fresh(), columns), { keyColumns: ['ID'], columns }))).toBe(false)
    expect(decodeRows(json, columns, 1)).toEqual([stored[0]])
  })

  it('fills a column a row lacks with null', () => {
    const rows = normalizeRows([{ ID: 1 }], columns)
    expect(rows).toEqual([{ ID: 1, NAME: null, CREATED: null }])
    expect(encodeRows(rows, columns)).toBe('[[1,null,null]]')
    expect(encodeRows([], columns)).toBe('[]')
  })
})

describe('summarizeChanges', () => {
  it('counts every change and keeps the keys of the first few', () => {
    const before = Array.from({ length: 5 }, (_, i) => ({ K: i, V: 'a' }))
    const after = [...before.slice(2).map((row) => ({ ...row, V: row.K === 2 ? 'b' : 'a' })), { K: 9, V: 'a' }]
    const summary = summarizeChanges(diffSnapshots(before, after, { keyColumns: ['K'] }), ['K'], 1)
    expect(summary).toEqual({
      added: 1,
      removed: 2,
      changed: 1,
      baseline: false,
      keys: { added: [{ K: 9 }], removed: [{ K: 0 }], changed: [{ K: 2 }] },
      keys_truncated: true
    })
  })

  it('calls a snapshot without predecessor a baseline with no changes', () => {
    expect(summarizeChanges(null, ['K'])).toMatchObject({ added: 0, removed: 0, changed: 0, baseline: true, keys_truncated: false })
  })
})
