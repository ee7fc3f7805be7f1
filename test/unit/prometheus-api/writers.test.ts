// The JSON the Prometheus face writes, byte for byte as 2.42's in the recorded fixture, and the
// match[] selectors as the live 2.42 reads them.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { goJson } from '../../../src/main/prometheus/api/json'
import { queryDataJson, type QueryValue } from '../../../src/main/prometheus/api/query-result'
import { parseMatchersParam } from '../../../src/main/prometheus/api/selectors'
import { labelSet } from '../../../src/main/prometheus/series/label-sets'

interface Exchange {
  name: string
  path: string
  status: number
  body?: { status: string; data?: { resultType: string; result: any } }
  text: string
}
const fixture = JSON.parse(readFileSync('test/fixtures/prometheus-2.42-responses.json', 'utf8')) as { exchanges: Exchange[] }

const num = (text: string): number => (text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text))
const ms = (seconds: number): number => Math.round(seconds * 1000)
const labels = (metric: Record<string, string>) => labelSet(Object.entries(metric))

/** A recorded answer's data as the value the engine will give. */
function valueOf(data: { resultType: string; result: any }): QueryValue {
  switch (data.resultType) {
    case 'scalar':
      return { type: 'scalar', t: ms(data.result[0]), v: num(data.result[1]) }
    case 'string':
      return { type: 'string', t: ms(data.result[0]), v: data.result[1] }
    case 'vector':
      return { type: 'vector', samples: data.result.map((s: any) => ({ labels: labels(s.metric), t: ms(s.value[0]), v: num(s.value[1]) })) }
    default:
      return {
        type: 'matrix',
        series: data.result.map((s: any) => ({ labels: labels(s.metric), points: s.values.map(([t, v]: [number, string]) => ({ t: ms(t), v: num(v) })) }))
      }
  }
}

describe('query results', () => {
  const answers = fixture.exchanges.filter((exchange) => exchange.status === 200 && exchange.body?.data?.resultType)

  it('are written as 2.42 wrote every recorded one: numbers, times, escapes and all', () => {
    expect(answers.length).toBeGreaterThan(15)
    expect(new Set(answers.map((exchange) => exchange.body?.data?.resultType))).toEqual(new Set(['scalar', 'string', 'vector', 'matrix']))
    for (const exchange of answers) {
      const data = exchange.body?.data as { resultType: string; result: unknown }
      expect(`{"status":"success","data":${queryDataJson(valueOf(data))}}`, exchange.name).toBe(exchange.text)
    }
  })

  it('write empty vectors and matrices as [], never null', () => {
    expect(queryDataJson({ type: 'vector', samples: [] })).toBe('{"resultType":"vector","result":[]}')
    expect(queryDataJson({ type: 'matrix', series: [] })).toBe('{"resultType":"matrix","result":[]}')
  })
})

describe('other JSON', () => {
  it('escapes as Go’s encoder does, keeping the members’ order', () => {
    expect(goJson({ b: ['<a&b>', '\u2028'], a: { x: 1, ok: true, none: null } })).toBe('{"b":["\\u003ca\\u0026b\\u003e","\\u2028"],"a":{"x":1,"ok":true,"none":null}}')
  })
})

describe('match[] selectors', () => {
  // Asked of the live Prometheus 2.42: series?match[]=<selector>.
  const answers: Array<[string, string]> = [
    ['sum(up)', '1:4: parse error: unexpected "("'],
    ['up[5m]', '1:3: parse error: unexpected "["'],
    ['(up)', '1:1: parse error: unexpected "("'],
    ['up offset 5m', '1:4: parse error: unexpected <offset>'],
    ['1', '1:1: parse error: unexpected number "1"'],
    ['"a"', '1:1: parse error: unexpected string "\\"a\\""'],
    ['up @ 5', '1:4: parse error: unexpected "<Item 57385>" <op:@>'],
    ['', '1:1: parse error: unexpected end of input'],
    ['{}', 'match[] must contain at least one non-empty matcher'],
    ['{foo=""}', 'match[] must contain at least one non-empty matcher'],
    ['up{a=~"("}', '1:4: parse error: error parsing regexp: missing closing ): `^(?:()$`'],
    ['up}', "1:3: parse error: unexpected character: '}'"],
    ['up{a="b"} }', "1:11: parse error: unexpected character: '}'"],
    ['up{a="b"', '1:9: parse error: unexpected end of input inside braces'],
    ['!up', "1:1: parse error: unexpected character after '!': 'u'"],
    ['on{a="b"}', '1:1: parse error: unexpected <on>'],
    ['inf', '1:1: parse error: unexpected number "inf"'],
    ['up{a="b"}{c="d"}', '1:10: parse error: unexpected "{"']
  ]

  it('are refused with 2.42’s error texts', () => {
    for (const [selector, message] of answers) expect(() => parseMatchersParam([selector]), selector).toThrow(message)
  })

  it('take what 2.42 takes: keyword names, trailing commas and comments, and no type checks', () => {
    const read = (selector: string) => parseMatchersParam([selector])[0]?.map(String)
    expect(read('sum')).toEqual(['__name__="sum"'])
    expect(read('up{a="b",} # comment')).toEqual(['a="b"', '__name__="up"'])
    expect(read('foo{__name__="bar"}')).toEqual(['__name__="bar"', '__name__="foo"'])
    expect(read('{__name__=~"a|b"}')).toEqual(['__name__=~"a|b"'])
  })
})
