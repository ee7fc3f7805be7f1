import { describe, expect, it } from 'vitest'
import { ExpositionError, parseExposition, type ExpositionFormat } from '../../../src/main/prometheus/exposition/text-parser'
import { writePrometheusText } from '../../../src/main/prometheus/exposition/text-writer'
import { generateDataset, toOpenMetrics, toPrometheusText } from '../../helpers/openmetrics-dataset'

const parse = (text: string, format: ExpositionFormat = 'prometheus') => parseExposition(text, format)

/** The error's "line:column: detail". */
function errorOf(text: string, format: ExpositionFormat = 'prometheus'): string {
  try {
    parse(text, format)
  } catch (error) {
    expect(error).toBeInstanceOf(ExpositionError)
    return (error as Error).message
  }
  throw new Error(`no error for ${JSON.stringify(text)}`)
}

describe('the Prometheus text format', () => {
  it('reads samples with and without millisecond timestamps, HELP, TYPE and comments', () => {
    const parsed = parse(
      [
        '# HELP http_requests_total The total number of requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '# A free comment',
        '',
        'metric_without_timestamp_and_labels 12.47',
        'negative_time{a="b",} -1.5 -1000',
        ''
      ].join('\n')
    )
    expect(parsed.sampleCount).toBe(4)
    expect(parsed.series.map(({ name, labels, timestamps, values, line }) => ({ name, labels, timestamps, values, line }))).toEqual([
      { name: 'http_requests_total', labels: { method: 'post', code: '200' }, timestamps: [1395066363000], values: [1027], line: 3 },
      { name: 'http_requests_total', labels: { method: 'post', code: '400' }, timestamps: [1395066363000], values: [3], line: 4 },
      { name: 'metric_without_timestamp_and_labels', labels: {}, timestamps: [null], values: [12.47], line: 7 },
      { name: 'negative_time', labels: { a: 'b' }, timestamps: [-1000], values: [-1.5], line: 8 }
    ])
  })

  it('reads NaN, the infinities and Go float syntax', () => {
    const parsed = parse(['a NaN 1', 'a +Inf 2', 'a -Inf 3', 'a Inf 4', 'a 1e3 5', 'a -0.5E-2 6', 'a .5 7', 'a nan 8', 'a +infinity 9'].join('\n'))
    const values = parsed.series[0]?.values ?? []
    expect(values[0]).toBeNaN()
    expect(values.slice(1)).toEqual([Infinity, -Infinity, Infinity, 1000, -0.005, 0.5, NaN, Infinity])
  })

  it('unescapes label values, keeps one series however its labels are ordered or spaced, and drops empty labels', () => {
    const parsed = parse(
      [
        'm{path="C:\\\\dir",quote="say \\"hi\\"",lines="a\\nb",empty=""} 1 1000',
        'm{ lines = "a\\nb" , quote="say \\"hi\\"", path="C:\\\\dir" } 2 2000',
        'm {path="C:\\\\dir",lines="a\\nb",quote="say \\"hi\\""} 3 3000',
        'with_braces{v="{}=,# \\\\"} 4'
      ].join('\n')
    )
    expect(parsed.series).toHaveLength(2)
    expect(parsed.series[0]).toMatchObject({ labels: { path: 'C:\\dir', quote: 'say "hi"', lines: 'a\nb' }, values: [1, 2, 3] })
    expect(parsed.series[1]?.labels).toEqual({ v: '{}=,# \\' })
  })

  it('takes \\r\\n line ends and blank lines', () => {
    expect(parse('a 1 1\r\n\r\n  \r\nb 2 2\r\n').series.map((s) => s.values[0])).toEqual([1, 2])
  })

  it('refuses malformed lines with their line and column', () => {
    expect(errorOf('ok 1\nm{a="b\\t"} 1')).toBe('2:7: invalid escape "\\\\t" in a label value (only \\\\, \\" and \\n)')
    expect(errorOf('m{a="b} 1')).toBe('1:5: unterminated label value')
    expect(errorOf('m{a="1",a="2"} 1')).toBe('1:9: label "a" is given twice')
    expect(errorOf('m{a=b} 1')).toBe('1:5: expected a quoted label value, found "b"')
    expect(errorOf('m{a="b" c="d"} 1')).toBe('1:9: expected "," or "}" after a label, found "c"')
    expect(errorOf('m{0a="b"} 1')).toBe('1:3: expected a label name or "}", found "0"')
    expect(errorOf('m')).toBe('1:2: expected a blank and a value after "m", found the end of the line')
    expect(errorOf('m abc')).toBe('1:3: invalid value "abc"')
    expect(errorOf('m 1_000')).toBe('1:3: invalid value "1_000"')
    expect(errorOf('m 0x1p3')).toBe('1:3: invalid value "0x1p3"')
    expect(errorOf('m 1 1.5')).toBe('1:5: invalid timestamp "1.5" (expected integer milliseconds)')
    expect(errorOf('m 1 99999999999999999999')).toBe('1:5: timestamp 99999999999999999999 is out of range')
    expect(errorOf('m 1 2 3')).toBe('1:7: expected the end of the line after the timestamp, found "3"')
    expect(errorOf('0m 1')).toBe('1:1: expected a metric name, found "0"')
    expect(errorOf('# TYPE m countr')).toBe('1:10: invalid metric type "countr" (expected counter, gauge, histogram, summary, untyped)')
    expect(errorOf('# HELP 0m text')).toBe('1:8: expected a metric name after HELP, found "0"')
    expect(errorOf('m_total 1 # {trace_id="1"} 1')).toBe('1:11: expected the end of the line after the value, found "#"')
  })

  it('refuses # EOF, which marks OpenMetrics and its timestamps in seconds', () => {
    expect(errorOf('m 1 1767225600\n# EOF\n')).toMatch(/^2:1: "# EOF" ends OpenMetrics text, whose timestamps are seconds/)
  })

  it('reads the differential data set written as Prometheus text, every sample', () => {
    const dataset = generateDataset()
    const parsed = parse(toPrometheusText(dataset.families))
    expect(parsed.series.map((s) => ({ name: s.name, labels: s.labels, samples: s.timestamps.map((t, i) => [t, s.values[i]]) }))).toEqual(
      dataset.series.map((s) => ({ name: s.name, labels: s.labels, samples: s.samples }))
    )
    // 110,875 samples generated and parsed: seconds on a busy shared machine, not 5.
  }, 20_000)
})

describe('OpenMetrics text', () => {
  it('reads timestamps in seconds as 2.42 does (truncated to the millisecond), units, exemplars, _created and # EOF', () => {
    const parsed = parse(
      [
        '# TYPE req_seconds counter',
        '# UNIT req_seconds seconds',
        '# HELP req_seconds Requests, "quoted" \\\\ and \\n escaped.',
        'req_seconds_total{code="200"} 17 1767225600.123 # {trace_id="abc"} 1.0 1767225600.5',
        'req_seconds_created{code="200"} 1767225000 1767225600.123',
        'req_seconds_total{code="500"} 18 1.007',
        '# EOF',
        ''
      ].join('\n'),
      'openmetrics'
    )
    expect(parsed.series.map(({ name, timestamps, values }) => ({ name, timestamps, values }))).toEqual([
      { name: 'req_seconds_total', timestamps: [1767225600123], values: [17] },
      { name: 'req_seconds_created', timestamps: [1767225600123], values: [1767225000] },
      { name: 'req_seconds_total', timestamps: [1006], values: [18] }
    ])
    expect(parsed.metadata.get('req_seconds')).toEqual({ type: 'counter', unit: 'seconds', help: 'Requests, "quoted" \\ and \n escaped.' })
  })

  it('refuses what OpenMetrics forbids and Prometheus text allows: blank lines, extra blanks, a trailing comma, free comments', () => {
    expect(errorOf('a 1\n\n# EOF\n', 'openmetrics')).toBe('2:1: blank lines are not allowed in OpenMetrics text')
    expect(errorOf('a  1\n# EOF\n', 'openmetrics')).toBe('1:3: expected a value, found " "')
    expect(errorOf('a{b="1",} 1\n# EOF\n', 'openmetrics')).toBe('1:9: expected a label name, found "}"')
    expect(errorOf('# TYPE a counter\na_total -1\n# EOF\n', 'openmetrics')).toBe('2:1: a_total cannot be negative')
    expect(parse('a  1\na{b="1",} 2\n# free\n').sampleCount).toBe(2)
  })

  it('keeps an unknown escape in Prometheus text when asked (the scraper), as in OpenMetrics', () => {
    expect(parseExposition('m{a="C:\\temp\\z\\q"} 1\n', 'prometheus', { lenientEscapes: true }).series[0]?.labels).toEqual({ a: 'C:\\temp\\z\\q' })
    expect(parseExposition('m{a="x\\z"} 1\n', 'prometheus', { lenientEscapes: true }).series[0]?.labels).toEqual({ a: 'x\\z' })
  })

  it('needs # EOF last, and refuses free comments and bad units', () => {
    expect(errorOf('a 1 1\n', 'openmetrics')).toBe('2:1: OpenMetrics text must end with # EOF')
    expect(errorOf('a 1 1\n# EOF\nb 1 1\n', 'openmetrics')).toBe('3:1: unexpected data after # EOF')
    expect(errorOf('# hello\n# EOF', 'openmetrics')).toBe('1:3: expected HELP, TYPE, UNIT or EOF after "#", found "hello"')
    expect(errorOf('# UNIT a_bytes seconds\n# EOF', 'openmetrics')).toBe('1:8: unit "seconds" is not a suffix of the metric name "a_bytes"')
    expect(errorOf('a 1 NaN\n# EOF', 'openmetrics')).toBe('1:5: invalid timestamp "NaN" (expected seconds)')
  })

  it('reads the differential data set as promtool would', () => {
    const dataset = generateDataset()
    const parsed = parse(toOpenMetrics(dataset.families), 'openmetrics')
    expect(parsed.sampleCount).toBe(dataset.series.reduce((n, s) => n + s.samples.length, 0))
    expect(parsed.series.map((s) => s.timestamps)).toEqual(dataset.series.map((s) => s.samples.map(([t]) => t)))
    // 110,875 samples generated and parsed: seconds on a busy shared machine, not 5.
  }, 20_000)
})

describe('writing Prometheus text back (the CLI’s batches)', () => {
  it('gives back what was read, cut into batches of a bounded size, timestamp-less samples at the time given', () => {
    const text = ['m{path="C:\\\\dir",q="\\"x\\"",nl="a\\nb"} NaN 1', 'm{path="C:\\\\dir",q="\\"x\\"",nl="a\\nb"} -0 2', 'n +Inf', 'n -Inf 3', 'n 1e-7 4'].join('\n')
    const parsed = parse(text)
    const batches = [...writePrometheusText(parsed.series, 99, 60)]
    expect(batches.map((batch) => batch.samples)).toEqual([1, 2, 2])
    const again = parse(batches.map((batch) => batch.text).join(''))
    expect(again.series.map((s) => s.labels)).toEqual(parsed.series.map((s) => s.labels))
    expect(again.series.map((s) => s.timestamps)).toEqual([[1, 2], [99, 3, 4]])
    expect(Object.is(again.series[0]?.values[1], -0)).toBe(true)
    expect(again.series.map((s) => s.values)).toEqual([[NaN, -0], [Infinity, -Infinity, 1e-7]])
  })
})
