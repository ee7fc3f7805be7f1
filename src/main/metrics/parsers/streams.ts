import { IostatReader, noIostatHeader } from './iostat'
import type { IostatSample, OsKind, Parsed, StreamParser, VmstatSample } from './types'
import { noVmstatHeader, VmstatReader } from './vmstat'

// Incremental parsers for `vmstat N` and `iostat N` running on a long-lived channel. Output
// arrives in arbitrary chunks; a row is returned as soon as its line is complete, so a report
// is never held back waiting for the next one. Each push returns the rows its chunk completed.

/** Longer than any vmstat or iostat line; past it the output is not what we run. */
const MAX_LINE_LENGTH = 64 * 1024
/** Lines tolerated before the first header (AIX prints a configuration banner first). */
const MAX_PREAMBLE_LINES = 20

/** Cuts a stream of chunks into complete lines, keeping the unfinished tail for the next chunk. */
class LineSplitter {
  private pending = ''
  overflowed = false

  push(chunk: string): string[] {
    const parts = (this.pending + chunk).split('\n')
    this.pending = parts.pop() ?? ''
    if (this.pending.length > MAX_LINE_LENGTH) {
      this.pending = ''
      this.overflowed = true
    }
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
  }
}

/** Remembers what came before the first header, to say what the command printed instead. */
class Preamble {
  private lines: string[] = []

  add(line: string): void {
    if (line.trim() !== '' && this.lines.length <= MAX_PREAMBLE_LINES) this.lines.push(line)
  }

  get tooLong(): boolean {
    return this.lines.length > MAX_PREAMBLE_LINES
  }

  get text(): string {
    return this.lines.join('\n')
  }
}

function finish<T>(rows: T[], splitter: LineSplitter, headerError: string | null): Parsed<T> {
  if (splitter.overflowed) {
    splitter.overflowed = false
    return { ok: false, error: `a line longer than ${MAX_LINE_LENGTH} characters: not vmstat/iostat output` }
  }
  return headerError === null ? { ok: true, rows } : { ok: false, error: headerError }
}

/**
 * `vmstat N` as a stream. The first data row is the average since boot (procps and AIX
 * alike): it is dropped, and every later row is returned the moment its line ends. Repeated
 * headers (procps reprints one every 21 rows unless given -n) are followed.
 */
export function createVmstatStream(os: OsKind): StreamParser<VmstatSample> {
  const splitter = new LineSplitter()
  const reader = new VmstatReader(os)
  const preamble = new Preamble()
  let sinceBootDropped = false
  return {
    push(chunk: string): Parsed<VmstatSample> {
      const rows: VmstatSample[] = []
      for (const line of splitter.push(chunk)) {
        const row = reader.read(line)
        if (!reader.sawHeader) preamble.add(line)
        if (!row) continue
        if (sinceBootDropped) rows.push(row)
        else sinceBootDropped = true
      }
      const headerError = !reader.sawHeader && preamble.tooLong ? noVmstatHeader(preamble.text) : null
      return finish(rows, splitter, headerError)
    }
  }
}

/**
 * `iostat N` as a stream. Linux runs with -y, so every report is an interval; on AIX the
 * first report (every row up to the second header) is treated as since boot and dropped.
 * Rows are returned line by line, so a report never waits for the next one to start.
 */
export function createIostatStream(os: OsKind): StreamParser<IostatSample> {
  const splitter = new LineSplitter()
  const reader = new IostatReader(os)
  const preamble = new Preamble()
  const sinceBootReports = os === 'aix' ? 1 : 0
  return {
    push(chunk: string): Parsed<IostatSample> {
      const rows: IostatSample[] = []
      for (const line of splitter.push(chunk)) {
        const read = reader.read(line)
        if (reader.reports === 0) preamble.add(line)
        if (read.kind === 'row' && reader.reports > sinceBootReports) rows.push(read.row)
      }
      const headerError = reader.reports === 0 && preamble.tooLong ? noIostatHeader(preamble.text, os) : null
      return finish(rows, splitter, headerError)
    }
  }
}
