import { IostatReader, noIostatHeader } from './iostat'
import type { IostatSample, OsKind, Parsed, StreamParser, VmstatSample } from './types'
import { noVmstatHeader, reclaimedKibPerSecond, VmstatReader } from './vmstat'

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

function finish<T>(rows: T[], rejected: string[], cleanReports: number, splitter: LineSplitter, headerError: string | null): Parsed<T> {
  if (splitter.overflowed) {
    splitter.overflowed = false
    return { ok: false, error: `a line longer than ${MAX_LINE_LENGTH} characters: not vmstat/iostat output` }
  }
  if (headerError !== null) return { ok: false, error: headerError }
  return { ok: true, rows, ...(rejected.length > 0 ? { rejected } : {}), cleanReports }
}

export interface VmstatStreamOptions {
  /** vmstat's interval: Linux's `fr` is the pages reclaimed over it. */
  intervalSeconds: number
}

/**
 * `vmstat N` as a stream. The first data row is the average since boot (procps and AIX
 * alike): it is dropped, and every later row is returned the moment its line ends. Repeated
 * headers (procps reprints one every 21 rows unless given -n) are followed. On Linux, Vigil's
 * command prints the pgsteal counters before each line of vmstat: `fr` of a row is the pages
 * reclaimed between the counters before it and those before the previous row.
 */
export function createVmstatStream(os: OsKind, options: VmstatStreamOptions = { intervalSeconds: 0 }): StreamParser<VmstatSample> {
  const splitter = new LineSplitter()
  const reader = new VmstatReader(os)
  const preamble = new Preamble()
  let sinceBootDropped = false
  let pageBytes: number | null = null
  let reclaimed: number | null = null
  let reclaimedAtLastRow: number | null = null
  return {
    push(chunk: string): Parsed<VmstatSample> {
      const rows: VmstatSample[] = []
      const rejected: string[] = []
      let clean = 0
      for (const line of splitter.push(chunk)) {
        const read = reader.read(line)
        if (!reader.sawHeader) preamble.add(line)
        if (read.kind === 'pagesize') pageBytes = read.bytes
        if (read.kind === 'reclaimed') reclaimed = read.pages
        if (read.kind === 'rejected') rejected.push(read.message)
        if (read.kind !== 'row') continue
        clean++
        const row = os === 'linux' ? { ...read.row, fr: reclaimedKibPerSecond(reclaimedAtLastRow, reclaimed, pageBytes, options.intervalSeconds) } : read.row
        reclaimedAtLastRow = reclaimed
        reclaimed = null
        if (sinceBootDropped) rows.push(row)
        else sinceBootDropped = true
      }
      const headerError = !reader.sawHeader && preamble.tooLong ? noVmstatHeader(preamble.text) : null
      return finish(rows, rejected, clean, splitter, headerError)
    }
  }
}

export interface IostatStreamOptions {
  /** Seconds per report: the amounts of reports that print rates only (extended reports). */
  intervalSeconds: number
  /** Whether the first report is the since-boot one (AIX; Linux iostat without -y). */
  dropFirstReport: boolean
}

/**
 * `iostat N` as a stream. With `dropFirstReport` every row up to the second report (the
 * since-boot one) is dropped: AIX, and Linux hosts whose iostat has no -y. Rows are returned
 * line by line, so a report never waits for the next one to start.
 */
export function createIostatStream(os: OsKind, options: IostatStreamOptions = { intervalSeconds: 0, dropFirstReport: os === 'aix' }): StreamParser<IostatSample> {
  const splitter = new LineSplitter()
  const reader = new IostatReader(os, options.intervalSeconds > 0 ? options.intervalSeconds : null)
  const preamble = new Preamble()
  const sinceBootReports = options.dropFirstReport ? 1 : 0
  return {
    push(chunk: string): Parsed<IostatSample> {
      const rows: IostatSample[] = []
      const rejected: string[] = []
      for (const line of splitter.push(chunk)) {
        const read = reader.read(line)
        if (reader.reports === 0) preamble.add(line)
        if (read.kind === 'row' && reader.reports > sinceBootReports) rows.push(read.row)
        if (read.kind === 'rejected') rejected.push(read.message)
      }
      const headerError = reader.reports === 0 && preamble.tooLong ? noIostatHeader(preamble.text, os) : null
      return finish(rows, rejected, reader.takeCleanReports(), splitter, headerError)
    }
  }
}
