// How Vigil's Prometheus API reads time and duration parameters, against what Prometheus 2.42
// answered for the same texts (test/fixtures/prometheus-2.42-responses.json, recorded by
// scripts/record-prometheus-responses.ts from the real server).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RecordedFixture } from '../../../scripts/record-prometheus-responses'
import { formatSampleTimestamp, formatScalarPoint } from '../../../src/main/prometheus/api/format'
import {
  ApiParamError,
  MAX_TIME,
  MAX_TIME_TEXT,
  MIN_TIME,
  MIN_TIME_TEXT,
  engineMillis,
  goParseFloat,
  goQuote,
  parseDuration,
  parseExemplarBounds,
  parseInstantQueryParams,
  parseRangeQueryParams,
  parseTime,
  parseTimeBounds,
  storageMillis
} from '../../../src/main/prometheus/api/params'

const fixture: RecordedFixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/prometheus-2.42-responses.json'), 'utf8'))
const exchange = (name: string) => {
  const found = fixture.exchanges.find((e) => e.name === name)
  if (!found) throw new Error(`no exchange "${name}" in the fixture`)
  return found as typeof found & { body: any; params: Record<string, string> }
}

/** The error a call throws, as the API would write it. */
function errorOf(call: () => unknown): { errorType: string; error: string } | null {
  try {
    call()
    return null
  } catch (err) {
    if (!(err instanceof ApiParamError)) throw err
    return { errorType: err.errorType, error: err.message }
  }
}

describe('the time parameter of /api/v1/query', () => {
  it('is read as Prometheus 2.42 read each recorded text, or refused with its error', () => {
    expect(fixture.timeParams.length).toBeGreaterThan(100)
    for (const c of fixture.timeParams) {
      if (c.result !== undefined) {
        // The recorded answer is time() at that time: [t, "t"].
        const { timeMs } = parseInstantQueryParams({ time: c.input })
        expect(formatScalarPoint(timeMs, timeMs / 1000), c.input).toBe(c.result)
      } else {
        expect(c.status).toBe(400)
        expect(errorOf(() => parseInstantQueryParams({ time: c.input })), c.input).toEqual({ errorType: c.errorType, error: c.error })
      }
    }
  })

  it('defaults to now, absent or empty', () => {
    expect(parseInstantQueryParams({}, 1767229200123)).toEqual({ timeMs: 1767229200123 })
    expect(parseInstantQueryParams({ time: '' }, -1500)).toEqual({ timeMs: -1500 })
  })

  it('reads back every sample timestamp Prometheus writes, and RFC3339 as Date writes it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9e12, max: 9e12 }), (ms) => {
        expect(parseInstantQueryParams({ time: formatSampleTimestamp(ms) }).timeMs).toBe(ms)
      })
    )
    // Years 0000..9999; the engine's milliseconds wrap outside 1678..2262 (UnixNano), storage's do not.
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        const time = parseTime(new Date(ms).toISOString())
        expect(storageMillis(time)).toBe(ms)
        if (ms > -9.2e15 / 1000 && ms < 9.2e15 / 1000) expect(engineMillis(time)).toBe(ms)
      })
    )
  })

  it('keeps nanoseconds, and converts them as query and as series do', () => {
    const justBefore = parseTime('1969-12-31T23:59:59.9995Z')
    expect(justBefore).toEqual({ sec: -1n, nsec: 999_500_000 })
    expect(engineMillis(justBefore)).toBe(0)
    expect(storageMillis(justBefore)).toBe(-1)
    expect(parseTime('2026-01-01T01:00:00.123456789+01:00')).toEqual({ sec: 1767225600n, nsec: 123_456_789 })
  })

  it('accepts the texts Prometheus writes for its earliest and latest times', () => {
    expect(parseTime(MIN_TIME_TEXT)).toEqual(MIN_TIME)
    expect(parseTime(MAX_TIME_TEXT)).toEqual(MAX_TIME)
    expect(MIN_TIME.sec).toBe(-9223309901257974n)
    expect(MAX_TIME).toEqual({ sec: 9223309901257974n, nsec: 999_999_999 })
  })
})

describe('start, end and step of /api/v1/query_range', () => {
  it('are read as Prometheus 2.42 read each recorded triple, or refused with its error', () => {
    expect(fixture.rangeParams.length).toBeGreaterThan(60)
    for (const c of fixture.rangeParams) {
      const label = `start=${c.start} end=${c.end} step=${c.step}`
      const params = { start: c.start, end: c.end, step: c.step }
      if (c.status === 400) {
        expect(errorOf(() => parseRangeQueryParams(params)), label).toEqual({ errorType: c.errorType, error: c.error })
        continue
      }
      const parsed = parseRangeQueryParams(params)
      if (c.status === 422) {
        // Accepted here; 2.42's engine then divides by a step of 0 ms.
        expect(c.error).toBe('unexpected error: runtime error: integer divide by zero')
        expect(parsed.stepMs, label).toBe(0)
        continue
      }
      expect(parsed.startMs, label).toBe(c.firstMs)
      if (c.stepMs !== undefined) expect(parsed.stepMs, label).toBe(c.stepMs)
      const points = Math.floor((parsed.endMs - parsed.startMs) / parsed.stepMs) + 1
      expect(points, label).toBe(c.points)
      expect(parsed.startMs + (points - 1) * parsed.stepMs, label).toBe(c.lastMs)
    }
  })

  it('are all required', () => {
    const recorded = exchange('query_range without parameters').body
    expect(errorOf(() => parseRangeQueryParams({}))).toEqual({ errorType: recorded.errorType, error: recorded.error })
    expect(errorOf(() => parseRangeQueryParams({ start: '0', end: '60' }))?.error).toBe('invalid parameter "step": cannot parse "" to a valid duration')
  })

  it('take a timeout, checked last', () => {
    expect(parseRangeQueryParams({ start: '0', end: '60', step: '15', timeout: '1m30s' })).toEqual({ startMs: 0, endMs: 60000, stepMs: 15000, timeoutMs: 90000 })
    expect(errorOf(() => parseRangeQueryParams({ start: '0', end: '60', step: '15', timeout: 'soon' }))?.error).toBe('invalid parameter "timeout": cannot parse "soon" to a valid duration')
    expect(errorOf(() => parseRangeQueryParams({ start: '0', end: '60', step: '0', timeout: 'soon' }))?.error).toMatch(/^invalid parameter "step"/)
  })
})

describe('the other parameters', () => {
  it('refuse what 2.42 refused, with its texts', () => {
    const query = exchange('query with a bad timeout').params
    expect(errorOf(() => parseInstantQueryParams(query))).toEqual({ errorType: 'bad_data', error: exchange('query with a bad timeout').body.error })
    expect(errorOf(() => parseInstantQueryParams(exchange('query with a bad time').params))?.error).toBe(exchange('query with a bad time').body.error)
    expect(errorOf(() => parseTimeBounds(exchange('labels with a bad start').params))?.error).toBe(exchange('labels with a bad start').body.error)
    expect(errorOf(() => parseExemplarBounds(exchange('query_exemplars with end before start').params))?.error).toBe(exchange('query_exemplars with end before start').body.error)
  })

  it('bound series and labels by floored milliseconds, from the earliest to the latest time by default', () => {
    expect(parseTimeBounds({ start: '1767225600.5', end: '2026-01-01T02:00:00Z' })).toEqual({ startMs: 1767225600500, endMs: 1767232800000 })
    expect(parseTimeBounds({})).toEqual({ startMs: Number(MIN_TIME.sec * 1000n), endMs: Number(MAX_TIME.sec * 1000n + 999n) })
    // No order check there; exemplars have one.
    expect(parseTimeBounds({ start: '10', end: '5' })).toEqual({ startMs: 10000, endMs: 5000 })
    expect(parseExemplarBounds({ start: '5', end: '10' })).toEqual({ startMs: 5000, endMs: 10000 })
  })
})

describe('durations', () => {
  it('are float seconds or Prometheus durations, in nanoseconds', () => {
    expect(parseDuration('1.5')).toBe(1_500_000_000n)
    expect(parseDuration('1h30m')).toBe(5_400_000_000_000n)
    expect(parseDuration('1y2w3d4h5m6s7ms')).toBe(((((365n + 14n + 3n) * 24n + 4n) * 60n + 5n) * 60n + 6n) * 1_000_000_000n + 7_000_000n)
    expect(parseDuration('0')).toBe(0n)
    expect(parseDuration('-2')).toBe(-2_000_000_000n)
    expect(() => parseDuration('1m1h')).toThrow('cannot parse "1m1h" to a valid duration')
    expect(() => parseDuration('1e10')).toThrow('cannot parse "1e10" to a valid duration. It overflows int64')
  })
})

describe("Go's float syntax", () => {
  it('reads what JavaScript writes, and what Go adds: underscores, hex floats, Inf', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => Object.is(goParseFloat(String(value)), Object.is(value, -0) ? 0 : value)))
    expect(goParseFloat('-0')).toBe(-0)
    expect(goParseFloat('1_000.000_5')).toBe(1000.0005)
    expect(goParseFloat('0x1p-1074')).toBe(5e-324)
    expect(goParseFloat('0x1.fffffffffffffp1023')).toBe(Number.MAX_VALUE)
    expect(goParseFloat('0x1p1024')).toBeNull()
    expect(goParseFloat('0x.8p1')).toBe(1)
    expect(goParseFloat('0x1.p1')).toBe(2)
    expect(goParseFloat('0x_.8p1')).toBeNull()
    // Halfway between two doubles: to the even one.
    expect(goParseFloat('0x1.00000000000008p0')).toBe(1)
    expect(goParseFloat('0x1.00000000000018p0')).toBe(1 + 2 ** -51)
    expect(goParseFloat('0x3p-1076')).toBe(2 ** -1074)
    expect(goParseFloat('-INFINITY')).toBe(-Infinity)
    expect(goParseFloat('NaN')).toBeNaN()
    for (const bad of ['', ' 1', '1 ', '1e', '1__0', '_1', '1_', '0x1', '0x', '+-1', '1e400', '0b1', 'nan1', '+nan', 'Infinityy']) expect(goParseFloat(bad), bad).toBeNull()
  })

  it("quotes texts in errors as Go's %q does", () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"')
    expect(goQuote('é ü 😀')).toBe('"é ü 😀"')
    expect(goQuote('\x00\x07\n\x7f\u00a0\u00ad\u2028')).toBe('"\\x00\\a\\n\\x7f\\u00a0\\u00ad\\u2028"')
  })
})
