// The parser against the OpenMetrics project's parser test cases (recreated in
// test/fixtures/openmetrics-parser-cases.ts): every case that must parse parses, every case that
// must not is refused with an ExpositionError naming a line — never another exception.
import { describe, expect, it } from 'vitest'
import { ExpositionError, parseExposition } from '../../../src/main/prometheus/exposition/text-parser'
import { OPENMETRICS_PARSER_CASES } from '../../fixtures/openmetrics-parser-cases'

const outcome = (text: string): string => {
  try {
    parseExposition(text, 'openmetrics')
    return 'parses'
  } catch (error) {
    if (error instanceof ExpositionError) return 'refused'
    return `threw ${String(error)}`
  }
}

describe('the OpenMetrics parser test cases', () => {
  it('has them all', () => {
    expect(OPENMETRICS_PARSER_CASES.length).toBeGreaterThan(200)
    expect(new Set(OPENMETRICS_PARSER_CASES.map((c) => c.name)).size).toBe(OPENMETRICS_PARSER_CASES.length)
  })

  it.each(OPENMETRICS_PARSER_CASES.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    expect(outcome(testCase.text)).toBe(testCase.shouldParse ? 'parses' : 'refused')
  })
})

describe('what the cases parse to', () => {
  const parse = (name: string) => parseExposition(OPENMETRICS_PARSER_CASES.find((c) => c.name === name)?.text ?? '', 'openmetrics')

  it('keeps _created samples as series, and seconds as milliseconds', () => {
    expect(parse('counter_unit').series.map((s) => [s.name, s.values[0]])).toEqual([
      ['cc_seconds_total', 1],
      ['cc_seconds_created', 123.456]
    ])
    expect(parse('timestamps').series.map((s) => s.timestamps[0])).toEqual([0, 0, 1100, Math.trunc(Number('12345678901234567890.1234567890') * 1000), 1500000, 1234567890000])
  })

  it('unescapes label values, keeping unknown escapes as written', () => {
    expect(parse('escaping').series.map((s) => s.labels.foo)).toEqual(['b"a\nr', 'b\\a\\z', 'b"a\nr # ', 'b\\a\\z # '])
    expect(parse('label_escaping').series.map((s) => s.labels.foo)).toEqual(['foo', '\\foo', '\\foo', 'foo\\', '\\', '\n', '\\n', '\\\n', '"', '\\"'])
  })

  it('reads HELP, TYPE and UNIT, unescaping HELP', () => {
    expect(parse('counter_unit').metadata.get('cc_seconds')).toEqual({ type: 'counter', help: 'A counter', unit: 'seconds' })
    expect([...parse('help_escaping').metadata.values()].map((m) => m.help)).toEqual(['foo', '\\foo', '\\foo', 'foo\\', '\\', '\n', '\\n', '\\\n', '"', '\\"'])
  })

  it('drops exemplars, keeping the sample', () => {
    expect(parse('histogram_exemplars').series.map((s) => [s.labels.le, s.values[0]])).toEqual([
      ['1.0', 0],
      ['2.0', 2],
      ['+Inf', 3]
    ])
  })
})
