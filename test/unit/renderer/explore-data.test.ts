import { describe, expect, it } from 'vitest'
import { errorOffset, graphData, seriesName, tableRows, type QueryResult } from '../../../src/renderer/src/views/explore/explore-data'

const matrix: QueryResult = {
  resultType: 'matrix',
  result: [
    { metric: { __name__: 'up', job: 'b', instance: 'x' }, values: [[10, '1'], [20, '2']] },
    { metric: { job: 'a' }, values: [[15, 'NaN'], [20, '+Inf'], [30, '3.5']] }
  ]
}

describe('series names', () => {
  it('reads as Prometheus writes them: name, then sorted labels', () => {
    expect(seriesName({ __name__: 'up', job: 'b', instance: 'x"y' })).toBe('up{instance="x\\"y", job="b"}')
    expect(seriesName({ __name__: 'up' })).toBe('up')
    expect(seriesName({})).toBe('{}')
  })
})

describe('table rows', () => {
  it('gives an instant vector one value a series', () => {
    expect(tableRows({ resultType: 'vector', result: [{ metric: { __name__: 'up', job: 'a' }, value: [4, '1'] }] })).toEqual([{ series: 'up{job="a"}', values: ['1'] }])
  })

  it('gives a range result every sample with its time', () => {
    expect(tableRows(matrix)).toEqual([
      { series: 'up{instance="x", job="b"}', values: ['1 @10', '2 @20'] },
      { series: '{job="a"}', values: ['NaN @15', '+Inf @20', '3.5 @30'] }
    ])
  })

  it('shows a scalar or string as one row', () => {
    expect(tableRows({ resultType: 'scalar', result: [4, '2'] })).toEqual([{ series: 'scalar', values: ['2'] }])
  })
})

describe('graph data', () => {
  it('aligns series on the union of their times, in ms, breaking at missing and non-finite values', () => {
    expect(graphData(matrix)).toEqual({
      labels: ['up{instance="x", job="b"}', '{job="a"}'],
      table: {
        ts: [10_000, 15_000, 20_000, 30_000],
        columns: [
          [1, null, 2, null],
          [null, null, null, 3.5]
        ]
      }
    })
  })

  it('draws nothing for an instant result', () => {
    expect(graphData({ resultType: 'vector', result: [] })).toBeNull()
  })
})

describe('error positions', () => {
  it('finds the offset of line:column in the query, the column in bytes', () => {
    expect(errorOffset('invalid parameter "query": 1:5: parse error: unclosed left parenthesis', 'sum(up')).toBe(4)
    expect(errorOffset('2:3: parse error: unexpected end of input', 'up\n+ ')).toBe(5)
    expect(errorOffset('1:8: parse error: x', 'up{a="é"')).toBe(7)
    expect(errorOffset('query evaluation is not implemented yet', 'up')).toBeNull()
  })
})
