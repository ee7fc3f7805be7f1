import { describe, expect, it } from 'vitest'
import { queryInstant } from '../../../src/main/prometheus/promql/engine'
import { sourceOf, vectorAt } from './helpers'

const source = sourceOf({
  'req{host="a", code="200"}': '10',
  'req{host="a", code="500"}': '1',
  'req{host="b", code="200"}': '20',
  'cap{host="a"}': '100',
  'cap{host="b"}': '200',
  'cap{host="c"}': '300',
  'mem{host="a"}': '5',
  'info{host="a", os="linux", rack="r1"}': '1',
  'info{host="b", os="bsd"}': '1'
})
const at = (query: string) => vectorAt(source, query, 0)
const failure = (query: string) => queryInstant(source, query, 0).then(() => 'answered', (err: Error) => err.message)

describe('one-to-one matching', () => {
  it('pairs samples with the same labels but the metric name, and drops the name for arithmetic', async () => {
    expect(await at('cap / cap')).toEqual([['{host="a"}', 1], ['{host="b"}', 1], ['{host="c"}', 1]])
  })

  it('keeps only the on (…) labels, or drops the ignoring (…) ones', async () => {
    expect(await at('req{code="200"} + on (host) cap')).toEqual([['{host="a"}', 110], ['{host="b"}', 220]])
    expect(await at('req{code="200"} + ignoring (code) cap')).toEqual([['{host="a"}', 110], ['{host="b"}', 220]])
    expect(await at('req{code="200"} < on (host) cap')).toEqual([['{host="a"}', 10], ['{host="b"}', 20]])
    expect(await at('req{code="200"} < ignoring (code) cap')).toEqual([['{__name__="req", host="a"}', 10], ['{__name__="req", host="b"}', 20]])
  })

  it('filters with comparisons, or answers 0/1 without the name under bool', async () => {
    // The right side is 105 for a, 115 for b.
    expect(await at('cap > on (host) req{code="200"} + 95')).toEqual([['{host="b"}', 200]])
    expect(await at('cap > bool ignoring (code) req{code="200"} + 95')).toEqual([['{host="a"}', 0], ['{host="b"}', 1]])
  })

  it('refuses a "one" side with two samples of a signature, naming them', async () => {
    expect(await failure('cap + on () req')).toBe(
      'found duplicate series for the match group {} on the right hand-side of the operation: [{__name__="req", code="200", host="b"}, {__name__="req", code="200", host="a"}]' +
        ';many-to-many matching not allowed: matching labels must be unique on one side'
    )
  })

  it('refuses two left samples matching one right sample', async () => {
    expect(await failure('req + on (host) cap')).toBe('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)')
  })
})

describe('many-to-one and one-to-many matching', () => {
  // Series come sorted by their labels: req{code="200", host="a"}, {code="200", host="b"}, {code="500", host="a"}.
  it('group_left keeps the left labels and copies the listed ones from the right', async () => {
    expect(await at('req * on (host) group_left (os, rack) info')).toEqual([
      ['{code="200", host="a", os="linux", rack="r1"}', 10],
      ['{code="200", host="b", os="bsd"}', 20],
      ['{code="500", host="a", os="linux", rack="r1"}', 1]
    ])
  })

  it('group_right mirrors it, the operands keeping their sides', async () => {
    expect(await at('cap / on (host) group_right req')).toEqual([
      ['{code="200", host="a"}', 10],
      ['{code="200", host="b"}', 10],
      ['{code="500", host="a"}', 100]
    ])
    // A comparison keeps the left operand's value, the "one" side here.
    expect(await at('cap > on (host) group_right req')).toEqual([
      ['{__name__="req", code="200", host="a"}', 100],
      ['{__name__="req", code="200", host="b"}', 200],
      ['{__name__="req", code="500", host="a"}', 100]
    ])
  })

  it('refuses duplicates on the "one" side, which group_right puts on the left', async () => {
    expect(await failure('req + on (host) group_right cap')).toBe(
      'found duplicate series for the match group {host="a"} on the left hand-side of the operation: [{__name__="req", code="500", host="a"}, {__name__="req", code="200", host="a"}]' +
        ';many-to-many matching not allowed: matching labels must be unique on one side'
    )
  })

  it('refuses results that the grouping labels cannot tell apart', async () => {
    // cap{host="a"} and mem{host="a"} both become {host="a"}.
    expect(await failure('{__name__=~"cap|mem"} + on (host) group_left info')).toBe(
      'multiple matches for labels: grouping labels must ensure unique matches'
    )
  })
})

describe('set operators', () => {
  it('and keeps the left samples with a match, in the left order', async () => {
    expect(await at('req and on (host) info{os="bsd"}')).toEqual([['{__name__="req", code="200", host="b"}', 20]])
  })

  it('or adds the right samples without a match on the left, after the left ones', async () => {
    expect(await at('info or on (host) cap')).toEqual([
      ['{__name__="info", host="a", os="linux", rack="r1"}', 1],
      ['{__name__="info", host="b", os="bsd"}', 1],
      ['{__name__="cap", host="c"}', 300]
    ])
  })

  it('unless keeps the left samples without a match', async () => {
    expect(await at('cap unless on (host) req')).toEqual([['{__name__="cap", host="c"}', 300]])
    expect(await at('cap unless nothing')).toHaveLength(3)
  })

  it('match many-to-many: several samples on both sides are fine', async () => {
    expect(await at('req and ignoring (code) req')).toHaveLength(3)
  })
})

describe('the same label set twice in one result', () => {
  it('is an error once the metric names are gone', async () => {
    expect(await failure('{__name__=~"cap|mem", host="a"} * 2')).toBe('vector cannot contain metrics with the same labelset')
    expect(await failure('-{__name__=~"cap|mem", host="a"}')).toBe('vector cannot contain metrics with the same labelset')
    expect(await failure('label_replace(req, "code", "x", "", "")')).toBe('vector cannot contain metrics with the same labelset')
  })

  it('is fine while the names tell them apart', async () => {
    expect(await at('{__name__=~"cap|mem", host="a"} > 2')).toHaveLength(2)
  })
})
