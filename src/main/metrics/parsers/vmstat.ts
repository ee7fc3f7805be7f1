import { detachedCopy, firstLine, parseDecimal, parseWhole, splitLines, tokenize } from '../../base/text'
import { rejectedRow, type OsKind, type Parsed, type VmstatSample } from './types'

// Linux (procps) and AIX vmstat, read by column name. Units and the meaning of each mapping
// are in src/shared/metrics-catalogue.ts; this file only applies them.

/** AIX vmstat counts memory and paging in 4 KiB pages; Vigil reports KiB. */
const AIX_PAGE_KIB = 4

/** Columns a header must have to be the vmstat we run (`sy` is the CPU one, after `us`). */
const REQUIRED_COLUMNS: Record<OsKind, readonly string[]> = {
  linux: ['r', 'b', 'free', 'si', 'so', 'in', 'cs', 'us', 'sy', 'id'],
  aix: ['r', 'b', 'avm', 'fre', 'pi', 'po', 'fr', 'in', 'cs', 'us', 'sy', 'id']
}

/** Where each named column is in a vmstat header line. */
export interface VmstatHeader {
  readonly width: number
  readonly columns: ReadonlyMap<string, number>
}

/**
 * Reads a header line (" r  b   avm   fre  re  pi …"), or null when the line is not one.
 * AIX prints `sy` twice (system calls under "faults", then system CPU %): the CPU one is the
 * `sy` that follows `us`, which is also the only `sy` on Linux.
 */
export function readVmstatHeader(tokens: readonly string[], os: OsKind): VmstatHeader | null {
  if (tokens[0] !== 'r' || tokens[1] !== 'b') return null
  const columns = new Map<string, number>()
  const us = tokens.indexOf('us')
  tokens.forEach((name, index) => {
    if (name === 'sy') {
      if (us >= 0 && index > us && !columns.has('sy')) columns.set('sy', index)
    } else if (!columns.has(name)) {
      columns.set(name, index)
    }
  })
  if (!REQUIRED_COLUMNS[os].every((name) => columns.has(name))) return null
  return { width: tokens.length, columns }
}

/** Reads one data row under `header`, or null when the line is not a complete numeric row. */
export function readVmstatRow(tokens: readonly string[], header: VmstatHeader, os: OsKind): VmstatSample | null {
  if (tokens.length !== header.width) return null
  const values = tokens.map(parseDecimal)
  if (values.some((value) => value === null)) return null
  const column = (name: string): number | null => {
    const index = header.columns.get(name)
    return index === undefined ? null : (values[index] ?? null)
  }
  return os === 'linux' ? linuxSample(column) : aixSample(column)
}

type Column = (name: string) => number | null

function linuxSample(column: Column): VmstatSample {
  return {
    r: column('r'),
    b: column('b'),
    // Only with `vmstat -a`: the active list, the nearest Linux has to AIX's active virtual memory.
    avm: column('active'),
    fre: column('free'),
    pi: column('si'),
    po: column('so'),
    // procps vmstat has no page-replacement column: the stream fills it from /proc/vmstat's pgsteal.
    fr: null,
    interface_in: column('in'),
    cs: column('cs'),
    us: column('us'),
    sy: column('sy'),
    idle: column('id'),
    wa: column('wa')
  }
}

function aixSample(column: Column): VmstatSample {
  const pages = (name: string): number | null => {
    const value = column(name)
    return value === null ? null : value * AIX_PAGE_KIB
  }
  return {
    r: column('r'),
    b: column('b'),
    avm: pages('avm'),
    fre: pages('fre'),
    pi: pages('pi'),
    po: pages('po'),
    fr: pages('fr'),
    interface_in: column('in'),
    cs: column('cs'),
    us: column('us'),
    sy: column('sy'),
    idle: column('id'),
    wa: column('wa')
  }
}

/**
 * What Vigil's Linux vmstat command prints besides vmstat (see commands.ts): the page size once,
 * `vigil-pagesize <bytes>`, and before each line of vmstat `vigil-pgsteal <pages reclaimed since boot>`.
 */
export const PAGESIZE_MARK = 'vigil-pagesize'
export const PGSTEAL_MARK = 'vigil-pgsteal'

/** What a line of vmstat output turned out to be. */
export type VmstatLine =
  | { kind: 'header' }
  | { kind: 'row'; row: VmstatSample }
  /** A line where a row belongs (it starts with a number) that does not read under the header. */
  | { kind: 'rejected'; message: string }
  /** Linux: the pgsteal counters read just before the next line of vmstat. */
  | { kind: 'reclaimed'; pages: number }
  | { kind: 'pagesize'; bytes: number }
  | { kind: 'other' }

/**
 * Line-by-line reader shared by the one-shot parser and the stream: it remembers the last
 * header (vmstat repeats it) and turns each later row into a sample. Group lines ("procs
 * ---memory---", "kthr memory page"), banners and blank lines are other lines; a line that
 * starts with a number after the header is a row, and one that does not read is rejected with
 * its text, never skipped in silence.
 */
export class VmstatReader {
  private header: VmstatHeader | null = null
  private headerLine = ''

  constructor(private readonly os: OsKind) {}

  get sawHeader(): boolean {
    return this.header !== null
  }

  read(line: string): VmstatLine {
    const tokens = tokenize(line)
    if (tokens[0] === PGSTEAL_MARK || tokens[0] === PAGESIZE_MARK) {
      const value = tokens.length === 2 ? parseWhole(tokens[1]) : null
      if (value === null) return { kind: 'other' }
      return tokens[0] === PGSTEAL_MARK ? { kind: 'reclaimed', pages: value } : { kind: 'pagesize', bytes: value }
    }
    const header = readVmstatHeader(tokens, this.os)
    if (header) {
      this.header = header
      // Kept until the next header: a copy, not a slice holding the whole chunk of output it came in.
      this.headerLine = detachedCopy(line.trim())
      return { kind: 'header' }
    }
    if (!this.header || parseDecimal(tokens[0]) === null) return { kind: 'other' }
    const row = readVmstatRow(tokens, this.header, this.os)
    return row ? { kind: 'row', row } : { kind: 'rejected', message: rejectedRow(line, this.headerLine) }
  }
}

export function noVmstatHeader(text: string): string {
  const seen = firstLine(text)
  return seen === '' ? 'no vmstat output' : `not vmstat output (no "r b … us sy id" header); it starts with: ${seen}`
}

/**
 * Every row of a captured vmstat output, in order. The first row of `vmstat N` is the
 * since-boot average: dropping it is the stream's job (createVmstatStream), not this one's.
 */
export function parseVmstat(text: string, os: OsKind): Parsed<VmstatSample> {
  const reader = new VmstatReader(os)
  const rows: VmstatSample[] = []
  const rejected: string[] = []
  for (const line of splitLines(text)) {
    const read = reader.read(line)
    if (read.kind === 'row') rows.push(read.row)
    else if (read.kind === 'rejected') rejected.push(read.message)
  }
  if (!reader.sawHeader) return { ok: false, error: noVmstatHeader(text) }
  return rejected.length > 0 ? { ok: true, rows, rejected } : { ok: true, rows }
}

/**
 * Linux `fr`: pages reclaimed (the kernel's pgsteal counters, summed) between the counters read
 * before the previous row and those read before this one, in KiB/s over the interval. Null when
 * either reading is missing, the page size is unknown, or the counter went backwards.
 */
export function reclaimedKibPerSecond(previous: number | null, current: number | null, pageBytes: number | null, intervalSeconds: number): number | null {
  if (previous === null || current === null || pageBytes === null || current < previous || intervalSeconds <= 0) return null
  return ((current - previous) * pageBytes) / 1024 / intervalSeconds
}
