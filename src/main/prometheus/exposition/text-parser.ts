// Reads the two text formats metrics are exposed in, keeping every sample's timestamp — the
// parsers on npm drop it, and an import without its times is no import:
//   prometheus   the text exposition format 0.0.4, timestamps in integer milliseconds (what
//                VictoriaMetrics' /api/v1/import/prometheus and Vigil's import endpoint take);
//   openmetrics  OpenMetrics 1.0 text: timestamps in seconds (a float), `# UNIT`, exemplars
//                (read and dropped), and `# EOF` as the last line.
// The grammar is Prometheus 2.42's (model/textparse), with three deliberate differences, all
// refusals that keep an import from storing something other than what was meant:
//   - a label value may hold only the escapes `\\`, `\"` and `\n` (2.42 keeps others verbatim);
//   - a `# EOF` line in Prometheus text is refused: it marks OpenMetrics, whose timestamps are
//     seconds, and reading those as milliseconds would put the samples in January 1970;
//   - blank lines are allowed in both (OpenMetrics forbids them), and a line may end in \r\n.
// Errors name the line and the column (1-based, in characters) where the text goes wrong.
import { goParseFloat } from '../api/params'

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

export interface ParsedExposition {
  /** Each distinct series once (however its labels were ordered), in order of first appearance. */
  series: ParsedSeries[]
  sampleCount: number
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

export interface ParseOptions {
  /** Timestamps (ms) outside [min, max] are refused; by default every safe integer is taken. */
  timestampRange?: { min: number; max: number }
}

/** Parses a whole text; throws ExpositionError at the first fault. */
export function parseExposition(text: string, format: ExpositionFormat, options: ParseOptions = {}): ParsedExposition {
  const range = options.timestampRange ?? { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }
  const collector = new SeriesCollector()
  let sawEof = false
  let lineNumber = 0
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    lineNumber++
    const line = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end)
    start = end + 1
    if (line.trim() === '') continue
    if (sawEof) throw new ExpositionError(lineNumber, 1, 'unexpected data after # EOF')
    const scanner = new LineScanner(line, lineNumber)
    if (line.startsWith('#')) {
      sawEof = readComment(scanner, format)
      continue
    }
    const sample = readSample(scanner, format, range)
    collector.add(sample, lineNumber)
  }
  if (format === 'openmetrics' && !sawEof) throw new ExpositionError(lineNumber, 1, 'OpenMetrics text must end with # EOF')
  return { series: collector.series(), sampleCount: collector.count }
}

interface Sample {
  /** The series as written (name and label block), to find a series seen before cheaply. */
  key: string
  name: string
  labels: Record<string, string>
  value: number
  timestampMs: number | null
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
class LineScanner {
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

/** A `#` line: HELP, TYPE, UNIT (OpenMetrics), EOF, or a comment. Returns whether it was `# EOF`. */
function readComment(scanner: LineScanner, format: ExpositionFormat): boolean {
  scanner.pos = 1
  const blanks = scanner.skipBlanks()
  const keywordAt = scanner.pos
  const keyword = scanner.word()
  if (keyword === 'EOF' && blanks > 0 && scanner.text.slice(scanner.pos).trim() === '') {
    if (format === 'openmetrics') return true
    scanner.fail('"# EOF" ends OpenMetrics text, whose timestamps are seconds: send it as application/openmetrics-text', 0)
  }
  const isMetadata = blanks > 0 && (keyword === 'HELP' || keyword === 'TYPE' || (keyword === 'UNIT' && format === 'openmetrics'))
  if (!isMetadata) {
    // OpenMetrics has no free comments; Prometheus text has.
    if (format === 'openmetrics') scanner.fail(`expected HELP, TYPE, UNIT or EOF after "#", found ${JSON.stringify(keyword)}`, keywordAt)
    return false
  }
  if (scanner.skipBlanks() === 0) scanner.fail(`expected a metric name after ${keyword}`)
  const nameAt = scanner.pos
  const name = scanner.match(METRIC_NAME)
  if (name === null) scanner.fail(`expected a metric name after ${keyword}, found ${scanner.describeHere()}`)
  if (!scanner.done && scanner.skipBlanks() === 0) scanner.fail(`expected a blank after the metric name ${JSON.stringify(name)}`)
  const rest = scanner.text.slice(scanner.pos)
  if (keyword === 'TYPE' && !METRIC_TYPES[format].has(rest.trimEnd())) {
    scanner.fail(`invalid metric type ${JSON.stringify(rest.trimEnd())} (expected ${[...METRIC_TYPES[format]].join(', ')})`)
  }
  if (keyword === 'UNIT' && rest !== '' && !(name.endsWith(`_${rest}`) && name.length > rest.length + 1)) {
    scanner.fail(`unit ${JSON.stringify(rest)} is not a suffix of the metric name ${JSON.stringify(name)}`, nameAt)
  }
  return false
}

function readSample(scanner: LineScanner, format: ExpositionFormat, range: { min: number; max: number }): Sample {
  const name = scanner.match(METRIC_NAME)
  if (name === null) scanner.fail(`expected a metric name, found ${scanner.describeHere()}`)
  // Blanks may stand between the name and its labels.
  const afterName = scanner.pos
  scanner.skipBlanks()
  let labels: Record<string, string> = {}
  if (scanner.peek() === '{') labels = readLabels(scanner)
  else scanner.pos = afterName
  const key = scanner.text.slice(0, scanner.pos)
  if (scanner.skipBlanks() === 0) scanner.fail(`expected a blank and a value after ${JSON.stringify(key.trimEnd())}, found ${scanner.describeHere()}`)
  const value = readNumber(scanner, 'value')
  let timestampMs: number | null = null
  if (scanner.skipBlanks() > 0 && !scanner.done && scanner.peek() !== '#') {
    const at = scanner.pos
    timestampMs = readTimestamp(scanner, format)
    if (timestampMs < range.min || timestampMs > range.max) {
      scanner.fail(`timestamp ${scanner.text.slice(at, scanner.pos)} is out of range (${new Date(range.min).toISOString()} to ${new Date(range.max).toISOString()})`, at)
    }
  }
  scanner.skipBlanks()
  if (!scanner.done && scanner.peek() === '#' && format === 'openmetrics') readExemplar(scanner)
  if (!scanner.done) scanner.fail(`expected the end of the line after the ${timestampMs === null ? 'value' : 'timestamp'}, found ${scanner.describeHere()}`)
  return { key, name, labels, value, timestampMs }
}

/** `{name="value",…}` (a trailing comma allowed); empty values are left out. */
function readLabels(scanner: LineScanner): Record<string, string> {
  const labels: Record<string, string> = {}
  const seen = new Set<string>()
  scanner.pos++ // {
  for (;;) {
    scanner.skipBlanks()
    if (scanner.peek() === '}') break
    const nameAt = scanner.pos
    const name = scanner.match(LABEL_NAME)
    if (name === null) scanner.fail(`expected a label name or "}", found ${scanner.describeHere()}`)
    if (seen.has(name)) scanner.fail(`label ${JSON.stringify(name)} is given twice`, nameAt)
    seen.add(name)
    scanner.skipBlanks()
    scanner.expect('=', `"=" after the label name ${JSON.stringify(name)}`)
    scanner.skipBlanks()
    const value = readLabelValue(scanner)
    if (value !== '') labels[name] = value
    scanner.skipBlanks()
    if (scanner.peek() === ',') scanner.pos++
    else if (scanner.peek() !== '}') scanner.fail(`expected "," or "}" after a label, found ${scanner.describeHere()}`)
  }
  scanner.pos++ // }
  return labels
}

const LABEL_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' }

function readLabelValue(scanner: LineScanner): string {
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
      scanner.fail(`invalid escape ${JSON.stringify(sequence)} in a label value (only \\\\, \\" and \\n)`, backslash)
    }
    value += escaped
    scanner.pos = backslash + 2
  }
}

/** A float as Prometheus' text parsers read one: Go's ParseFloat, without hex exponents or underscores. */
export function parseTextFloat(text: string): number | null {
  if (/[pP_]/.test(text)) return null
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

/** Milliseconds: written so in Prometheus text; seconds (a float, truncated to the ms as 2.42 does) in OpenMetrics. */
function readTimestamp(scanner: LineScanner, format: ExpositionFormat): number {
  const at = scanner.pos
  const text = scanner.word()
  if (format === 'prometheus') {
    const ms = INTEGER.test(text) ? Number(text) : NaN
    if (Number.isNaN(ms)) scanner.fail(`invalid timestamp ${JSON.stringify(text)} (expected integer milliseconds)`, at)
    if (!Number.isSafeInteger(ms)) scanner.fail(`timestamp ${text} is out of range`, at)
    return ms
  }
  const seconds = parseTextFloat(text)
  if (seconds === null || !Number.isFinite(seconds)) scanner.fail(`invalid timestamp ${JSON.stringify(text)} (expected seconds)`, at)
  const ms = Math.trunc(seconds * 1000)
  if (!Number.isSafeInteger(ms)) scanner.fail(`timestamp ${text} is out of range`, at)
  return ms === 0 ? 0 : ms
}

/** An OpenMetrics exemplar, ` # {labels} value [timestamp]`: checked and dropped (Vigil keeps no exemplars). */
function readExemplar(scanner: LineScanner): void {
  scanner.pos++ // #
  if (scanner.skipBlanks() === 0 || scanner.peek() !== '{') scanner.fail(`expected an exemplar's labels after "#", found ${scanner.describeHere()}`)
  readLabels(scanner)
  if (scanner.skipBlanks() === 0) scanner.fail(`expected a blank and the exemplar's value, found ${scanner.describeHere()}`)
  readNumber(scanner, 'exemplar value')
  if (scanner.skipBlanks() > 0 && !scanner.done) readTimestamp(scanner, 'openmetrics')
  scanner.skipBlanks()
}
