// A streaming CSV reader (RFC 4180: quoted fields with "" for a quote, fields and records over
// several lines inside quotes, CRLF or LF). It is fed text in chunks of any size and hands out
// each record as soon as it is complete, with the line it starts on, so a file of any size is
// read in bounded memory. A record it cannot read is a fault with its line, never a throw: the
// importers count and report them, and go on reading.

export interface CsvRecord {
  /** The physical line (1-based) the record starts on. */
  line: number
  fields: string[]
}

export interface CsvFault {
  line: number
  message: string
}

export interface CsvSink {
  record(record: CsvRecord): void
  fault(fault: CsvFault): void
}

/** A quoted record longer than this is taken for an unterminated quote, not kept in memory. */
export const MAX_RECORD_CHARS = 1 << 20

export class CsvReader {
  private rest = ''
  private line = 1
  private started = false

  constructor(
    private readonly sink: CsvSink,
    private readonly delimiter = ','
  ) {}

  push(chunk: string): void {
    let text = this.rest + chunk
    if (!this.started && text.length > 0) {
      this.started = true
      // A byte-order mark is not part of the first header.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    this.rest = text.slice(this.consume(text, false))
    if (this.rest.length > MAX_RECORD_CHARS) {
      this.sink.fault({ line: this.line, message: `a record runs over ${MAX_RECORD_CHARS} characters (an unterminated quote?); the rest of the file is not read` })
      this.rest = ''
      this.line = Infinity
    }
  }

  /** The end of the input: a last line without a newline is a record too. */
  end(): void {
    if (this.line === Infinity) return
    const text = this.rest
    this.rest = ''
    if (text.length === 0) return
    const used = this.consume(text, true)
    if (used < text.length) this.sink.fault({ line: this.line, message: 'a quoted field is not closed before the end of the file' })
  }

  /** Reads every complete record of text; returns how far it got. At the end, the text's end ends a record. */
  private consume(text: string, atEnd: boolean): number {
    let pos = 0
    const delimiter = this.delimiter
    // The next quote in the text, searched again only once passed: searching from each line
    // would scan the rest of a quote-free chunk once per line.
    let quote = -1
    while (pos < text.length) {
      let newline = text.indexOf('\n', pos)
      if (newline < 0) {
        if (!atEnd) return pos
        newline = text.length
      }
      const lineEnd = newline > pos && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline
      if (quote !== Infinity && quote < pos) {
        quote = text.indexOf('"', pos)
        if (quote < 0) quote = Infinity
      }
      if (quote >= lineEnd) {
        // The common case, no quote on the line: a split.
        if (lineEnd > pos) this.sink.record({ line: this.line, fields: text.slice(pos, lineEnd).split(delimiter) })
        this.line++
        pos = newline + 1
        continue
      }
      const parsed = this.quoted(text, pos, atEnd)
      if (parsed === null) return pos
      if ('message' in parsed) this.sink.fault({ line: this.line, message: parsed.message })
      else this.sink.record({ line: this.line, fields: parsed.fields })
      this.line += parsed.lines
      pos = parsed.end
    }
    return pos
  }

  /**
   * One record with quotes from `start`: its fields, where the next record starts and how many
   * lines it took; a fault (its line skipped); or null when the text ends inside it.
   */
  private quoted(text: string, start: number, atEnd: boolean): { fields: string[]; end: number; lines: number } | { message: string; end: number; lines: number } | null {
    const fields: string[] = []
    let lines = 1
    let i = start
    const skipLine = (message: string): { message: string; end: number; lines: number } | null => {
      const newline = text.indexOf('\n', i)
      if (newline < 0 && !atEnd) return null
      return { message, end: newline < 0 ? text.length : newline + 1, lines }
    }
    for (;;) {
      let field = ''
      if (text.charCodeAt(i) === 34) {
        i++
        for (;;) {
          const close = text.indexOf('"', i)
          if (close < 0) return null
          field += text.slice(i, close)
          if (text.charCodeAt(close + 1) === 34) {
            field += '"'
            i = close + 2
            continue
          }
          if (close + 1 >= text.length && !atEnd) return null
          i = close + 1
          break
        }
        for (let at = field.indexOf('\n'); at >= 0; at = field.indexOf('\n', at + 1)) lines++
      } else {
        let stop = i
        while (stop < text.length) {
          const c = text[stop]
          if (c === this.delimiter || c === '\n' || c === '\r') break
          if (c === '"') return skipLine('a quote inside a field that does not start with one')
          stop++
        }
        if (stop >= text.length && !atEnd) return null
        field = text.slice(i, stop)
        i = stop
      }
      fields.push(field)
      if (i >= text.length) return { fields, end: i, lines }
      const c = text[i]
      if (c === this.delimiter) {
        i++
        continue
      }
      if (c === '\n') return { fields, end: i + 1, lines }
      if (c === '\r') {
        if (i + 1 >= text.length && !atEnd) return null
        if (text[i + 1] === '\n') return { fields, end: i + 2, lines }
      }
      return skipLine('characters after a closing quote')
    }
  }
}
