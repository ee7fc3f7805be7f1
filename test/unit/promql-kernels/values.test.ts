import { describe, expect, it } from 'vitest'
import { compareGoStrings, Labels } from '../../../src/main/prometheus/promql/kernels/values'

describe('Labels', () => {
  it('sorts by name, drops empty values and keeps the last of a repeated name', () => {
    const labels = Labels.from([
      ['job', 'api'],
      ['__name__', 'up'],
      ['empty', ''],
      ['instance', 'a'],
      ['instance', 'b']
    ])
    expect(labels.entries()).toEqual([
      ['__name__', 'up'],
      ['instance', 'b'],
      ['job', 'api']
    ])
    expect(labels.get('empty')).toBe('')
    expect(labels.has('empty')).toBe(false)
    expect(labels.metricName).toBe('up')
  })

  it('has a key that is equal exactly for equal sets, whatever the values hold', () => {
    const a = Labels.fromRecord({ a: 'x",b="y' })
    const b = Labels.fromRecord({ a: 'x', b: 'y' })
    expect(a.key).not.toBe(b.key)
    expect(a.equals(Labels.fromRecord({ a: 'x",b="y' }))).toBe(true)
    expect(Labels.fromRecord({ b: 'y', a: 'x' }).equals(b)).toBe(true)
  })

  it('keeps or drops names, and sets a label (an empty value removes it)', () => {
    const labels = Labels.fromRecord({ __name__: 'm', a: '1', b: '2', c: '3' })
    expect(labels.without(['a', 'zz']).toRecord()).toEqual({ __name__: 'm', b: '2', c: '3' })
    expect(labels.only(['c', '__name__']).toRecord()).toEqual({ __name__: 'm', c: '3' })
    expect(labels.withoutMetricName().toRecord()).toEqual({ a: '1', b: '2', c: '3' })
    expect(labels.with('a', '9').get('a')).toBe('9')
    expect(labels.with('a', '').has('a')).toBe(false)
    expect(labels.only([])).toBe(Labels.EMPTY)
    expect(labels.without([])).toBe(labels)
  })

  it('orders label sets as labels.Compare: name, then value, then the shorter first', () => {
    const records: Array<Record<string, string>> = [{ a: '2' }, { a: '1', b: '1' }, { a: '1' }, { b: '0' }, { __name__: 'x', a: '1' }]
    const sets = records.map((r) => Labels.fromRecord(r))
    expect([...sets].sort(Labels.compare).map((l) => l.toString())).toEqual(['{__name__="x", a="1"}', '{a="1"}', '{a="1", b="1"}', '{a="2"}', '{b="0"}'])
  })

  it('compares strings by code point, as Go compares UTF-8 bytes', () => {
    // U+FF5E sorts before U+1F600 in UTF-8 (and by code point), after it in UTF-16 units.
    expect('\uff5e' < '\u{1f600}').toBe(false)
    expect(compareGoStrings('\uff5e', '\u{1f600}')).toBeLessThan(0)
    expect(compareGoStrings('a', 'ab')).toBeLessThan(0)
    expect(compareGoStrings('b', 'a')).toBeGreaterThan(0)
    expect(compareGoStrings('é', 'é')).toBe(0)
  })

  it('writes itself as Prometheus writes label sets in messages', () => {
    expect(Labels.fromRecord({ b: 'say "hi"\n', a: 'x' }).toString()).toBe('{a="x", b="say \\"hi\\"\\n"}')
  })
})
