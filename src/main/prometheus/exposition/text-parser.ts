// Reads the two text formats metrics are exposed in, keeping every sample's timestamp — the
// parsers on npm drop it, and an import without its times is no import. One parser serves the
// import (importer.ts) and the scraper (../scrape):
//   prometheus   the text exposition format 0.0.4, timestamps in integer milliseconds (what
//                VictoriaMetrics' /api/v1/import/prometheus and Vigil's import endpoint take);
//                blanks may stand between tokens, free `#` comments are allowed, a trailing
//                comma may end a label set.
//   openmetrics  OpenMetrics 1.0 text, to its specification: timestamps in seconds (a float),
//                single spaces between tokens, no blank lines, `# HELP`/`# TYPE`/`# UNIT` before
//                their family's samples, exemplars (checked and dropped: Vigil keeps none),
//                `# EOF` as the last line, and the rules of each metric type — counters and
//                buckets neither negative nor NaN, histograms with ordered buckets and a +Inf one,
//                a summary's quantiles in [0, 1], a family's samples together and its timestamps
//                never going back (openmetrics-families.ts). `_created` samples are series like
//                any other, as Prometheus 2.42 stores them. Tested on the OpenMetrics project's
//                parser test cases (test/fixtures/openmetrics-parser-cases.ts).
// Escapes in label values: `\\`, `\"` and `\n`. Any other (`\z`) is kept as written in
// OpenMetrics, as its test cases require, and in Prometheus text when `lenientEscapes` is set (the
// scraper: Prometheus' own scraper keeps it); the import refuses it in Prometheus text, so that
// what it stores is what was meant. Differences from Prometheus 2.42 (model/textparse), all
// refusals that keep the store from holding something other than what was meant:
//   - a `# EOF` line in Prometheus text is refused: it marks OpenMetrics, whose timestamps are
//     seconds, and reading those as milliseconds would put the samples in January 1970;
//   - OpenMetrics is checked to its specification (2.42 lets most of the type rules pass).
// A line may end in \r\n. Errors name the line and the column (1-based, in characters) where
// the text goes wrong.
import { goParseFloat } from '../api/params'
import { FamilyRuleError, OpenMetricsFamilies } from './openmetrics-families'

export type ExpositionFormat = 'prometheus' | 'openmetrics'

export interface ParsedSeries {
  name: string
  /** Labels as written, without those whose value is empty (Prometheus treats them as absent). */
  labels: Readonly<Record<string, string>>
  /** Milliseconds, or null where the line had no timestamp; in the order written. */
  timestamps: Array<number | null>
  values: number[]
  /** The line of the series' first sample. */
  line: number
}

/** What the metadata lines said of one metric family. */
export interface FamilyMetadata {
  type: string | null
  help: string | null
  unit: string | null
}

export interface ParsedExposition {
  /** Each distinct series once (however its labels were ordered), in order of first appearance. */
  series: ParsedSeries[]
  sampleCount: number
  /** By family name, in order of appearance. */
  metadata: Map<string, FamilyMetadata>
}

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string
  ) {
    super(`${line}:${column}: ${detail}`)
    this.name = 'ExpositionError'
  }
}

const METRIC_TYPES: Record<ExpositionFormat, ReadonlySet<string>> = {
  prometheus: new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']),
  openmetrics: new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'])
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/
const INTEGER = /^[+-]?\d+$/
/** The most code points an exemplar's label names and values may hold together (OpenMetrics). */
const EXEMPLAR_LABEL_CHARS = 128

export interface ParseOptions {
  /** Timestamps (ms) outside [min, max] are refused; by default every finite one is taken. */
  timestampRange?: { min: number; max: number }
  /** Prometheus text: keep an unknown escape in a label value (`\z`) as written instead of refusing it. */
  lenientEscapes?: boolean
}

/** One sample as read, before it joins its series. */
export interface Sample {
  /** The series as written (name and label block), to find a series seen before cheaply. */
  key: string
  name: string
  labels: Record<string, string>
  value: number
  timestampMs: number | null
  /** OpenMetrics: the timestamp as written, in seconds (ordering checks compare these). */
  timestampSeconds: number | null
  hasExemplar: boolean
}

interface LineContext {
  format: ExpositionFormat
  range: { min: number; max: number }
  lenientEscapes: boolean
}

/** Parses a whole text; throws ExpositionError at the first fault. */
export function parseExposition(text: string, format: ExpositionFormat, options: ParseOptions = {}): ParsedExposition {
  const context: LineContext = {
    format,
    range: options.timestampRange ?? { min: -Infinity, max: Infinity },
    lenientEscapes: format === 'openmetrics' || options.lenientEscapes === true
  }
  const collector = new SeriesCollector()
  const metadata = new Map<string, FamilyMetadata>()
  const families = format === 'openmetrics' ? new OpenMetricsFamilies() : null
  let sawEof = false
  let lineNumber = 0
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    lineNumber++
    const line = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end)
    start = end + 1
    // The text after the last line end is no line.
    if (newline === -1 && line === '') break
    if (sawEof) throw new ExpositionError(lineNumber, 1, 'unexpected data after # EOF')
    if (line.trim() === '') {
      if (format === 'openmetrics') throw new ExpositionError(lineNumber, 1, 'blank lines are not allowed in OpenMetrics text')
      continue
    }
    const scanner = new LineScanner(line, lineNumber)
    try {
      if (line.startsWith('#')) {
        const comment = format === 'openmetrics' ? readOpenMetricsComment(scanner) : readPrometheusComment(scanner)
        if (comment === 'eof') sawEof = true
        else if (comment !== null) {
          families?.metadata(comment.keyword, comment.name, comment.text, scanner)
          recordMetadata(metadata, comment)
        }
        continue
      }
      const sample = readSample(scanner, context)
      families?.sample(sample, scanner)
      collector.add(sample, lineNumber)
    } catch (error) {
      if (error instanceof FamilyRuleError) throw new ExpositionError(lineNumber, 1, error.message)
      throw error
    }
  }
  if (format === 'openmetrics' && !sawEof) throw new ExpositionError(lineNumber, 1, 'OpenMetrics text must end with # EOF')
  if (families) {
    try {
      families.end()
    } catch (error) {
      if (error instanceof FamilyRuleError) throw new ExpositionError(lineNumber, 1, error.message)
      throw error
    }
  }
  return { series: collector.series(), sampleCount: collector.count, metadata }
}

interface MetadataLine {
  keyword: 'HELP' | 'TYPE' | 'UNIT'
  name: string
  text: string
}

function recordMetadata(metadata: Map<string, FamilyMetadata>, { keyword, name, text }: MetadataLine): void {
  let family = metadata.get(name)
  if (!family) {
    family = { type: null, help: null, unit: null }
    metadata.set(name, family)
  }
  if (keyword === 'HELP') family.help = text
  else if (keyword === 'TYPE') family.type = text
  else family.unit = text
}

/** Collects samples by series: a series written the same way again is found without re-sorting its labels. */
class SeriesCollector {
  private readonly byText = new Map<string, ParsedSeries>()
  private readonly byIdentity = new Map<string, ParsedSeries>()
  count = 0

  add(sample: Sample, line: number): void {
    let series = this.byText.get(sample.key)
    if (!series) {
      const identity = JSON.stringify([sample.name, Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))])
      series = this.byIdentity.get(identity)
      if (!series) {
        series = { name: sample.name, labels: sample.labels, timestamps: [], values: [], line }
        this.byIdentity.set(identity, series)
      }
      this.byText.set(sample.key, series)
    }
    series.timestamps.push(sample.timestampMs)
    series.values.push(sample.value)
    this.count++
  }

  series(): ParsedSeries[] {
    return [...this.byIdentity.values()]
  }
}

/** A cursor over one line, which knows where it is for error messages. */
export class LineScanner {
  pos = 0

  constructor(
    readonly text: string,
    readonly line: number
  ) {}

  get done(): boolean {
    return this.pos >= this.text.length
  }

  peek(): string {
    return this.text[this.pos] ?? ''
  }

  fail(detail: string, at = this.pos): never {
    throw new ExpositionError(this.line, at + 1, detail)
  }

  /** Skips blanks; returns how many there were. */
  skipBlanks(): number {
    const from = this.pos
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++
    return this.pos - from
  }

  /** The run of non-blank characters from here. */
  word(): string {
    const from = this.pos
    while (!this.done && this.peek() !== ' ' && this.peek() !== '\t') this.pos++
    return this.text.slice(from, this.pos)
  }

  match(pattern: RegExp): string | null {
    const found = pattern.exec(this.text.slice(this.pos))?.[0]
    if (found === undefined) return null
    this.pos += found.length
    return found
  }

  expect(char: string, what: string): void {
    if (this.peek() !== char) this.fail(`expected ${what}, found ${this.describeHere()}`)
    this.pos++
  }

  describeHere(): string {
    return this.done ? 'the end of the line' : JSON.stringify(this.peek())
  }
}

/** A `#` line of Prometheus text: HELP, TYPE, or a free comment (null). */
function readPrometheusComment(scanner: LineScanner): MetadataLine | null {
  scanner.pos = 1
  const blanks = scanner.skipBlanks()
  const keyword = scanner.word()
  if (keyword === 'EOF' && blanks > 0 && scanner.text.slice(scanner.pos).trim() === '') {
    scanner.fail('"# EOF" ends OpenMetrics text, whose timestamps are seconds: send it as application/openmetrics-text', 0)
  }
  if (blanks === 0 || (keyword !== 'HELP' && keyword !== 'TYPE')) return null
  if (scanner.skipBlanks() === 0) scanner.fail(`expected a metric name after ${keyword}`)
  const name = scanner.match(METRIC_NAME)
  if (name === null) scanner.fail(`expected a metric name after ${keyword}, found ${scanner.describeHere()}`)
  if (!scanner.done && scanner.skipBlanks() === 0) scanner.fail(`expected a blank after the metric name ${JSON.stringify(name)}`)
  const rest = scanner.text.slice(scanner.pos)
  if (keyword === 'TYPE' && !METRIC_TYPES.prometheus.has(rest.trimEnd())) {
    scanner.fail(`invalid metric type ${JSON.stringify(rest.trimEnd())} (expected ${[...METRIC_TYPES.prometheus].join(', ')})`)
  }
  return { keyword, name, text: keyword === 'TYPE' ? rest.trimEnd() : unescapeHelp(rest, false) }
}

/**
 * A `#` line of OpenMetrics: exactly `# EOF`, or `# HELP|TYPE|UNIT name text` with single spaces
 * (HELP and UNIT text may be empty, the space before it may not be left out). No free comments.
 */
function readOpenMetricsComment(scanner: LineScanner): MetadataLine | 'eof' {
  if (scanner.text === '# EOF') return 'eof'
  if (scanner.text[1] !== ' ') scanner.fail('expected "# " and HELP, TYPE, UNIT or EOF (OpenMetrics has no free comments)', 1)
  scanner.pos = 2
  const keywordAt = scanner.pos
  const keyword = scanner.match(/^[A-Z]+/) ?? ''
  if (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') {
    scanner.fail(`expected HELP, TYPE, UNIT or EOF after "#", found ${JSON.stringify(scanner.text.slice(keywordAt).split(' ')[0])}`, keywordAt)
  }
  scanner.expect(' ', `a space and a metric name after ${keyword}`)
  const nameAt = scanner.pos
  const name = scanner.match(METRIC_NAME)
  if (name === null) scanner.fail(`expected a metric name after ${keyword}, found ${scanner.describeHere()}`)
  if (scanner.done) scanner.fail(`expected a space and the ${keyword === 'HELP' ? 'help text' : keyword === 'TYPE' ? 'type' : 'unit'} after ${JSON.stringify(name)}`)
  scanner.expect(' ', `a space after the metric name ${JSON.stringify(name)}`)
  const rest = scanner.text.slice(scanner.pos)
  if (keyword === 'TYPE' && !METRIC_TYPES.openmetrics.has(rest)) {
    scanner.fail(`invalid metric type ${JSON.stringify(rest)} (expected ${[...METRIC_TYPES.openmetrics].join(', ')})`)
  }
  if (keyword === 'UNIT' && rest !== '' && !(name.endsWith(`_${rest}`) && name.length > rest.length + 1)) {
    scanner.fail(`unit ${JSON.stringify(rest)} is not a suffix of the metric name ${JSON.stringify(name)}`, nameAt)
  }
  return { keyword, name, text: keyword === 'HELP' ? unescapeHelp(rest, true) : rest }
}

/** HELP text: `\\` and `\n` (and `\"` in OpenMetrics) unescaped, any other backslash kept. */
function unescapeHelp(text: string, openMetrics: boolean): string {
  return text.replace(/\\([\\n"])/g, (sequence, char: string) => (char === 'n' ? '\n' : char === '"' && !openMetrics ? sequence : char))
}

function readSample(scanner: LineScanner, context: LineContext): Sample {
  const strict = context.format === 'openmetrics'
  const name = scanner.match(METRIC_NAME)
  if (name === null) scanner.fail(`expected a metric name, found ${scanner.describeHere()}`)
  let labels: Record<string, string> = {}
  if (strict) {
    if (scanner.peek() === '{') labels = readLabels(scanner, context, false)
  } else {
    // Blanks may stand between the name and its labels.
    const afterName = scanner.pos
    scanner.skipBlanks()
    if (scanner.peek() === '{') labels = readLabels(scanner, context, false)
    else scanner.pos = afterName
  }
  const key = scanner.text.slice(0, scanner.pos)
  if (!separator(scanner, strict)) scanner.fail(`expected a ${strict ? 'space' : 'blank'} and a value after ${JSON.stringify(key.trimEnd())}, found ${scanner.describeHere()}`)
  const value = readNumber(scanner, 'value')
  let timestampMs: number | null = null
  let timestampSeconds: number | null = null
  let hasExemplar = false
  if (separator(scanner, strict) && (strict || !scanner.done) && scanner.peek() !== '#') {
    const at = scanner.pos
    ;[timestampMs, timestampSeconds] = readTimestamp(scanner, context.format)
    if (timestampMs < context.range.min || timestampMs > context.range.max) {
      scanner.fail(`timestamp ${scanner.text.slice(at, scanner.pos)} is out of range (${new Date(context.range.min).toISOString()} to ${new Date(context.range.max).toISOString()})`, at)
    }
    if (!scanner.done && !separator(scanner, strict)) scanner.fail(`expected the end of the line after the timestamp, found ${scanner.describeHere()}`)
    if (strict && scanner.done && scanner.text.endsWith(' ')) scanner.fail('expected an exemplar after the space, found the end of the line')
  }
  if (!strict) scanner.skipBlanks()
  if (!scanner.done && scanner.peek() === '#' && strict) {
    readExemplar(scanner, context)
    hasExemplar = true
  }
  if (!scanner.done) scanner.fail(`expected the end of the line after the ${timestampMs === null ? 'value' : 'timestamp'}, found ${scanner.describeHere()}`)
  return { key, name, labels, value, timestampMs, timestampSeconds, hasExemplar }
}

/** The separator between a sample's tokens: one space in OpenMetrics, any blanks in Prometheus text. Whether there was one. */
function separator(scanner: LineScanner, strict: boolean): boolean {
  if (!strict) return scanner.skipBlanks() > 0
  if (scanner.peek() !== ' ') return false
  scanner.pos++
  return true
}

/** `{name="value",…}`; empty values are left out. Prometheus text allows blanks and a trailing comma, OpenMetrics neither. */
function readLabels(scanner: LineScanner, context: LineContext, exemplar: boolean): Record<string, string> {
  const strict = context.format === 'openmetrics'
  const labels: Record<string, string> = {}
  const seen = new Set<string>()
  let chars = 0
  scanner.pos++ // {
  for (let first = true; ; first = false) {
    if (!strict) scanner.skipBlanks()
    if (scanner.peek() === '}' && (first || !strict)) break
    const nameAt = scanner.pos
    const name = scanner.match(LABEL_NAME)
    if (name === null) scanner.fail(`expected a label name${first || !strict ? ' or "}"' : ''}, found ${scanner.describeHere()}`)
    if (seen.has(name)) scanner.fail(`label ${JSON.stringify(name)} is given twice`, nameAt)
    seen.add(name)
    if (!strict) scanner.skipBlanks()
    scanner.expect('=', `"=" after the label name ${JSON.stringify(name)}`)
    if (!strict) scanner.skipBlanks()
    const value = readLabelValue(scanner, context.lenientEscapes)
    chars += [...name].length + [...value].length
    if (value !== '') labels[name] = value
    if (!strict) scanner.skipBlanks()
    if (scanner.peek() === ',') scanner.pos++
    else if (scanner.peek() === '}') break
    else scanner.fail(`expected "," or "}" after a label, found ${scanner.describeHere()}`)
  }
  scanner.pos++ // }
  if (exemplar && chars > EXEMPLAR_LABEL_CHARS) scanner.fail(`an exemplar's labels may hold at most ${EXEMPLAR_LABEL_CHARS} characters, these hold ${chars}`)
  return labels
}

const LABEL_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' }

function readLabelValue(scanner: LineScanner, lenientEscapes: boolean): string {
  const openAt = scanner.pos
  scanner.expect('"', 'a quoted label value')
  let value = ''
  for (;;) {
    const next = scanner.text.indexOf('"', scanner.pos)
    const backslash = scanner.text.indexOf('\\', scanner.pos)
    if (next === -1) scanner.fail('unterminated label value', openAt)
    if (backslash === -1 || backslash > next) {
      value += scanner.text.slice(scanner.pos, next)
      scanner.pos = next + 1
      return value
    }
    value += scanner.text.slice(scanner.pos, backslash)
    const escaped = LABEL_ESCAPES[scanner.text[backslash + 1] ?? '']
    if (escaped === undefined) {
      const sequence = scanner.text.slice(backslash, backslash + 2)
      if (!lenientEscapes || sequence.length < 2) scanner.fail(`invalid escape ${JSON.stringify(sequence)} in a label value (only \\\\, \\" and \\n)`, backslash)
      value += sequence
    } else value += escaped
    scanner.pos = backslash + 2
  }
}

/** A float as Prometheus' text parsers read one: Go's ParseFloat, without hex exponents or underscores. */
export function parseTextFloat(text: string): number | null {
  if (/[pPxX_]/.test(text)) return null
  return goParseFloat(text)
}

function readNumber(scanner: LineScanner, what: string): number {
  const at = scanner.pos
  const text = scanner.word()
  if (text === '') scanner.fail(`expected a ${what}, found ${scanner.describeHere()}`)
  const value = parseTextFloat(text)
  if (value === null) scanner.fail(`invalid ${what} ${JSON.stringify(text)}`, at)
  return value
}

/**
 * [milliseconds, seconds as written (OpenMetrics) or null]. Prometheus text writes integer
 * milliseconds; OpenMetrics writes seconds (a float), truncated to the millisecond as 2.42 does.
 */
function readTimestamp(scanner: LineScanner, format: ExpositionFormat): [number, number | null] {
  const at = scanner.pos
  const text = scanner.word()
  if (format === 'prometheus') {
    const ms = INTEGER.test(text) ? Number(text) : NaN
    if (Number.isNaN(ms)) scanner.fail(`invalid timestamp ${JSON.stringify(text)} (expected integer milliseconds)`, at)
    if (!Number.isSafeInteger(ms)) scanner.fail(`timestamp ${text} is out of range`, at)
    return [ms, null]
  }
  const seconds = parseTextFloat(text)
  if (seconds === null || !Number.isFinite(seconds)) scanner.fail(`invalid timestamp ${JSON.stringify(text)} (expected seconds)`, at)
  const ms = Math.trunc(seconds * 1000)
  return [ms === 0 ? 0 : ms, seconds]
}

/** An OpenMetrics exemplar, ` # {labels} value [timestamp]`: checked and dropped (Vigil keeps no exemplars). */
function readExemplar(scanner: LineScanner, context: LineContext): void {
  scanner.pos++ // #
  if (scanner.peek() !== ' ' || scanner.text[scanner.pos + 1] !== '{') scanner.fail(`expected " {" and an exemplar's labels after "#", found ${scanner.describeHere()}`)
  scanner.pos++
  readLabels(scanner, context, true)
  scanner.expect(' ', "a space and the exemplar's value")
  readNumber(scanner, 'exemplar value')
  if (scanner.done) return
  scanner.expect(' ', "a space and the exemplar's timestamp")
  readTimestamp(scanner, 'openmetrics')
}
