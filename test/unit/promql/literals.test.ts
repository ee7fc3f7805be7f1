// Literal values and Go's formatting of them.

import { describe, expect, it } from 'vitest'
import { goFormatFixed, goFormatFloat, goQuote, utf8Length } from '../../../src/main/prometheus/promql/go-format'
import { parseDuration, parseNumber, unquoteString } from '../../../src/main/prometheus/promql/literals'
import { formatDuration } from '../../../src/main/prometheus/promql'

describe('numbers as strconv reads them', () => {
  it.each([
    ['0', 0], ['010', 8], ['0x10', 16], ['0X1f', 31], ['09', 9], ['1.5', 1.5], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-2', 0.01],
    ['1.e2', 100], ['inf', Infinity], ['Inf', Infinity], ['9223372036854775807', 2 ** 63], ['9223372036854775808', 2 ** 63],
    ['0777777777777777777777777', Number('777777777777777777777777')]
  ])('%s', (text, value) => {
    expect(parseNumber(text)).toBe(value)
  })

  it.each([
    ['0x', 'strconv.ParseFloat: parsing "0x": invalid syntax'],
    ['1e', 'strconv.ParseFloat: parsing "1e": invalid syntax'],
    ['0x1.8', 'strconv.ParseFloat: parsing "0x1.8": invalid syntax'],
    ['0x10000000000000000', 'strconv.ParseFloat: parsing "0x10000000000000000": invalid syntax'],
    ['1e400', 'strconv.ParseFloat: parsing "1e400": value out of range']
  ])('refuses %s', (text, message) => {
    expect(() => parseNumber(text)).toThrow(message)
  })
})

describe('durations as model.ParseDuration reads and writes them', () => {
  it.each([
    ['1ms', 1], ['1s', 1000], ['1m', 60_000], ['1h', 3_600_000], ['1d', 86_400_000], ['1w', 604_800_000], ['1y', 31_536_000_000],
    ['1h30m', 5_400_000], ['1y2w3d4h5m6s7ms', 31_536_000_000 + 1_209_600_000 + 259_200_000 + 14_400_000 + 300_000 + 6000 + 7], ['0s', 0]
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    ['1hs', 'not a valid duration string: "1hs"'],
    ['5m1h', 'not a valid duration string: "5m1h"'],
    ['300y', 'duration out of range'],
    ['9999999999999999999999d', 'duration out of range'],
    ['106752d', 'duration out of range']
  ])('refuses %s', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message)
  })

  it.each([
    [0, '0s'], [1, '1ms'], [90_000, '1m30s'], [5_400_000, '1h30m'], [7_776_000_000, '90d'], [1_209_600_000, '2w'],
    [31_536_000_000, '1y'], [31_622_400_000, '366d'], [86_400_001, '1d1ms']
  ])('%d ms prints as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('strings', () => {
  it('unquotes every Go escape', () => {
    expect(unquoteString('"\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\x41\\101\\u263a\\U0001F600"')).toBe('\x07\b\f\n\r\t\v\\"AA☺😀')
    expect(unquoteString("'\\''")).toBe("'")
    expect(unquoteString('`\\n`')).toBe('\\n')
  })

  it.each([
    ['abc', '"abc"'], ['a"b\\c', '"a\\"b\\\\c"'], ['\n\t\x07\x00\x7f', '"\\n\\t\\a\\x00\\x7f"'], ['é☺😀', '"é☺😀"'],
    ['\u200b\u00a0', '"\\u200b\\u00a0"'], ['\udcff', '"\\xff"'], ['\ud800', '"\\ufffd"'], ['\u{e0001}', '"\\U000e0001"']
  ])('quotes %j as Go does', (s, quoted) => {
    expect(goQuote(s)).toBe(quoted)
  })

  it('measures UTF-8 bytes', () => {
    expect(utf8Length('aé☺😀')).toBe(1 + 2 + 3 + 4)
  })
})

describe('floats as Go prints them', () => {
  it.each([
    [1, '1'], [-1, '-1'], [0.5, '0.5'], [1e6, '1e+06'], [123456, '123456'], [1234567, '1.234567e+06'], [0.0001, '0.0001'], [0.00001, '1e-05'],
    [1e21, '1e+21'], [1.5e-300, '1.5e-300'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [NaN, 'NaN'], [-0, '-0'], [0.1 + 0.2, '0.30000000000000004']
  ])('%s with %%v', (x, text) => {
    expect(goFormatFloat(x)).toBe(text)
  })

  it.each([
    [1.0005, 3, '1.000'], [1.5, 0, '2'], [2.5, 0, '2'], [0.125, 2, '0.12'], [-(2 ** 63) / 1000, 3, '-9223372036854776.000'],
    [9223372036854775808, 6, '9223372036854775808.000000'], [-0, 3, '-0.000'], [Infinity, 6, '+Inf'], [NaN, 6, 'NaN']
  ])('%s with %%.%df', (x, precision, text) => {
    expect(goFormatFixed(x, precision)).toBe(text)
  })
})
