// How Vigil's Prometheus API writes numbers, times and strings, against what Prometheus 2.42
// wrote for the same values (test/fixtures/prometheus-2.42-responses.json, recorded by
// scripts/record-prometheus-responses.ts from the real server).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RecordedFixture } from '../../../scripts/record-prometheus-responses'
import {
  formatJsonString,
  formatMetric,
  formatSamplePoint,
  formatSampleTimestamp,
  formatSampleValue,
  formatScalarPoint,
  formatScalarTimestamp,
  formatScalarValue,
  formatStringPoint
} from '../../../src/main/prometheus/api/format'

const fixture: RecordedFixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/prometheus-2.42-responses.json'), 'utf8'))
const exchange = (name: string) => {
  const found = fixture.exchanges.find((e) => e.name === name)
  if (!found) throw new Error(`no exchange "${name}" in the fixture`)
  return found as typeof found & { body: any }
}

describe('sample values (vectors and matrices)', () => {
  it('are written as Prometheus 2.42 wrote them', () => {
    for (const c of fixture.valueFormats) expect(formatSampleValue(Number(c.value)), c.expr).toBe(c.vector)
  })

  it("use Go's exponent form below 1e-6 and from 1e21 on, with two exponent digits at least", () => {
    expect(formatSampleValue(1e-6)).toBe('0.000001')
    // The double just below 1e-6.
    expect(formatSampleValue(9.999999999999997e-7)).toBe('9.999999999999997e-07')
    expect(formatSampleValue(1e-100)).toBe('1e-100')
    expect(formatSampleValue(999999999999999900000)).toBe('999999999999999900000')
    expect(formatSampleValue(1e21)).toBe('1e+21')
    expect(formatSampleValue(-2.5e-9)).toBe('-2.5e-09')
  })

  it('read back as the same double, for any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = formatSampleValue(value)
        const abs = Math.abs(value)
        expect(/e[+-]\d\d/.test(text)).toBe(abs !== 0 && (abs < 1e-6 || abs >= 1e21))
        expect(Object.is(Number(text), value)).toBe(true)
      })
    )
  })
})

describe('scalar values', () => {
  it('are written as Prometheus 2.42 wrote them', () => {
    for (const c of fixture.valueFormats) expect(formatScalarValue(Number(c.value)), c.expr).toBe(c.scalar)
  })

  it('never use an exponent, and read back as the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = formatScalarValue(value)
        expect(text).toMatch(/^-?\d+(\.\d+)?$/)
        expect(Object.is(Number(text), value)).toBe(true)
      })
    )
  })
})

describe('timestamps', () => {
  it('are written as Prometheus 2.42 wrote them, in samples and in scalars', () => {
    for (const c of fixture.timestampFormats) {
      expect(formatSampleTimestamp(c.ms), c.time).toBe(c.vector)
      expect(formatScalarTimestamp(c.ms), c.time).toBe(c.scalar)
    }
  })

  it('keep three decimals in samples, and read back as the same millisecond', () => {
    expect(formatSampleTimestamp(1435781451781)).toBe('1435781451.781')
    expect(formatSampleTimestamp(1435781451780)).toBe('1435781451.780')
    expect(formatSampleTimestamp(1435781451000)).toBe('1435781451')
    expect(formatSampleTimestamp(-5)).toBe('-0.005')
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), (ms) => {
        expect(formatSampleTimestamp(ms)).toMatch(/^-?\d+(\.\d{3})?$/)
      })
    )
    // Seconds as a double keep the millisecond up to year 5000 or so.
    fc.assert(
      fc.property(fc.integer({ min: -1e14, max: 1e14 }), (ms) => {
        expect(Math.round(Number(formatSampleTimestamp(ms)) * 1000)).toBe(ms)
        expect(Math.round(Number(formatScalarTimestamp(ms)) * 1000)).toBe(ms)
      })
    )
  })
})

describe('points', () => {
  it('are the raw text of Grafana\'s Save & test answer', () => {
    expect(exchange('Grafana Save & test: 1+1 at time=4').text).toBe(`{"status":"success","data":{"resultType":"scalar","result":${formatScalarPoint(4000, 2)}}}`)
  })

  it('are the raw text of a vector and of matrices, NaN and infinities included', () => {
    for (const name of ['vector result', 'vector with NaN', 'vector with +Inf', 'vector with -Inf', 'matrix result of a range selector', 'query_range of NaN and infinities', 'query_range of a rate', 'query_range of a scalar']) {
      const { body, text } = exchange(name)
      const parts = body.data.result.map((r: any) =>
        r.value
          ? `{"metric":${formatMetric(r.metric)},"value":${formatSamplePoint(Math.round(r.value[0] * 1000), Number(r.value[1].replace('Inf', 'Infinity')))}}`
          : `{"metric":${formatMetric(r.metric)},"values":[${r.values.map(([t, v]: [number, string]) => formatSamplePoint(Math.round(t * 1000), Number(v.replace('Inf', 'Infinity')))).join(',')}]}`
      )
      expect(text, name).toBe(`{"status":"success","data":{"resultType":"${body.data.resultType}","result":[${parts.join(',')}]}}`)
    }
    for (const special of ['NaN', '+Inf', '-Inf']) expect(exchange(`vector with ${special}`).text).toContain(`,"${special}"]`)
  })

  it('are the raw text of a string result', () => {
    expect(exchange('string result').text).toBe(`{"status":"success","data":{"resultType":"string","result":${formatStringPoint(1767229200000, 'a<b>&c')}}}`)
  })
})

describe('JSON strings', () => {
  it('escape <, >, &, U+2028 and U+2029 as Go does, in labels and in every error text', () => {
    expect(exchange('label value with characters JSON escapes').text).toContain(formatMetric({ x: '<a&b>"\\é\u2028' }))
    const errors = fixture.exchanges.filter((e) => (e.body as any)?.status === 'error')
    expect(errors.length).toBeGreaterThan(100)
    for (const e of errors) expect(e.text, e.name).toContain(`"error":${formatJsonString((e.body as any).error)}`)
  })

  it('write control characters and lone surrogates as Go 1.19 does', () => {
    expect(formatJsonString('a\u0000\u0008\u000c\u001f\u007f')).toBe('"a\\u0000\\u0008\\u000c\\u001f\u007f"')
    expect(formatJsonString('\n\r\t"\\')).toBe('"\\n\\r\\t\\"\\\\"')
    expect(formatJsonString('\u2029 😀 \ud800')).toBe('"\\u2029 😀 \\ufffd"')
  })

  it('read back as the same text', () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme-composite" }), (text) => JSON.parse(formatJsonString(text)) === text))
  })
})
