import { detachedCopy, firstLine, parseDecimal, splitLines, tokenize } from '../../base/text'
import { rejectedRow, type IostatSample, type OsKind, type Parsed } from './types'

// sysstat (Linux) and AIX iostat device reports, read by column name. Layouts handled:
//  - sysstat basic, old and new:  Device[:] tps kB_read/s kB_wrtn/s [kB_dscd/s] kB_read kB_wrtn [kB_dscd]
//    (and the -m / block-unit spellings MB_read…, Blk_read…)
//  - sysstat extended (-x), old:  Device: rrqm/s wrqm/s r/s w/s rkB/s|rMB/s|rsec/s … await [r_await w_await] svctm %util
//  - sysstat extended (-x), new:  Device r/s rkB/s … w/s wkB/s … [d/s dkB/s …] [f/s f_await] aqu-sz %util
//  - AIX -d:                      Disks: % tm_act Kbps tps Kb_read Kb_wrtn
//  - AIX -D:                      a block per disk: xfer, read, write, queue (AixExtendedReader)

const KIB_PER_MIB = 1024
/** Sectors and old sysstat "blocks" are 512 bytes. */
const KIB_PER_SECTOR = 0.5

/** Where each named column is in a device header line. */
export interface IostatHeader {
  readonly width: number
  readonly columns: ReadonlyMap<string, number>
}

const LINUX_NAME_COLUMNS = new Set(['Device:', 'Device'])

/** AIX splits "% tm_act" into two words; glue a lone "%" to the name after it. */
function joinPercentWords(tokens: readonly string[]): string[] {
  const joined: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ''
    const next = tokens[i + 1]
    if (token === '%' && next !== undefined) {
      joined.push(`%${next}`)
      i++
    } else {
      joined.push(token)
    }
  }
  return joined
}

/** Reads a device header line, or null when the line is not one for this OS. */
export function readIostatHeader(tokens: readonly string[], os: OsKind): IostatHeader | null {
  const names = os === 'aix' ? joinPercentWords(tokens) : [...tokens]
  const first = names[0]
  const has = (name: string): boolean => names.includes(name)
  const isHeader =
    os === 'aix'
      ? first === 'Disks:' && has('tps') && has('Kbps') && has('Kb_read') && has('Kb_wrtn')
      : first !== undefined && LINUX_NAME_COLUMNS.has(first) && (has('tps') || (has('r/s') && has('w/s')))
  if (!isHeader) return null
  const columns = new Map<string, number>()
  names.forEach((name, index) => {
    if (!columns.has(name)) columns.set(name, index)
  })
  return { width: names.length, columns }
}

/** What a device row is read with: its header, and the interval (extended reports print rates only). */
export interface RowContext {
  readonly header: IostatHeader
  /** Seconds per report; null when unknown (a one-shot parse): the interval amounts stay null. */
  readonly intervalSeconds: number | null
}

/** Reads one device row under `header`, or null when the line is not a complete device row. */
export function readIostatRow(tokens: readonly string[], context: RowContext, os: OsKind): IostatSample | null {
  const { header } = context
  const disk = tokens[0]
  if (disk === undefined || tokens.length !== header.width) return null
  const values = tokens.map((token, index) => (index === 0 ? 0 : parseDecimal(token)))
  if (values.some((value) => value === null)) return null
  const column = (name: string): number | null => {
    const index = header.columns.get(name)
    return index === undefined ? null : (values[index] ?? null)
  }
  return os === 'aix' ? aixRow(disk, column) : linuxRow(disk, column, context.intervalSeconds)
}

type Column = (name: string) => number | null

const scaled = (value: number | null, factor: number): number | null => (value === null ? null : value * factor)

/** The first spelling the header has, converted to KiB. */
function kib(column: Column, kibName: string, mibName: string, sectorName: string): number | null {
  return column(kibName) ?? scaled(column(mibName), KIB_PER_MIB) ?? scaled(column(sectorName), KIB_PER_SECTOR)
}

function linuxRow(disk: string, column: Column, intervalSeconds: number | null): IostatSample {
  const reads = column('r/s')
  const writes = column('w/s')
  // The extended report has no tps; sysstat's tps counts reads, writes and discards (not flushes).
  const extendedTps = reads !== null && writes !== null ? reads + writes + (column('d/s') ?? 0) : null
  const tps = column('tps') ?? extendedTps
  const readRate = kib(column, 'kB_read/s', 'MB_read/s', 'Blk_read/s') ?? kib(column, 'rkB/s', 'rMB/s', 'rsec/s')
  const writeRate = kib(column, 'kB_wrtn/s', 'MB_wrtn/s', 'Blk_wrtn/s') ?? kib(column, 'wkB/s', 'wMB/s', 'wsec/s')
  // The basic report prints the interval's amounts; the extended one only rates, which sysstat
  // computes from the same sector counts as amount ÷ interval: so amount = rate × interval.
  const amount = (printed: number | null, rate: number | null): number | null =>
    printed ?? (rate !== null && intervalSeconds !== null ? rate * intervalSeconds : null)
  return {
    disk,
    tps,
    kb_read: amount(kib(column, 'kB_read', 'MB_read', 'Blk_read'), readRate),
    kb_wrtn: amount(kib(column, 'kB_wrtn', 'MB_wrtn', 'Blk_wrtn'), writeRate),
    kb_read_rate: readRate,
    kb_wrtn_rate: writeRate,
    service_time: linuxServiceTime(column, tps)
  }
}

/**
 * Average service time per I/O in ms: svctm where sysstat still prints it (before 12), else what
 * sysstat computed it from: the time the device was busy (%util of the interval) shared out over
 * the I/Os completed, %util × 10 ÷ tps (10 ms is 1 % of a second). 0 for an interval without
 * I/O, as sysstat printed. Null in the basic report, which has no %util.
 */
function linuxServiceTime(column: Column, tps: number | null): number | null {
  const svctm = column('svctm')
  if (svctm !== null) return svctm
  const util = column('%util')
  if (util === null || tps === null) return null
  return tps > 0 ? (util * 10) / tps : 0
}

function aixRow(disk: string, column: Column): IostatSample {
  const read = column('Kb_read')
  const written = column('Kb_wrtn')
  const kbps = column('Kbps')
  return {
    disk,
    tps: column('tps'),
    kb_read: read,
    kb_wrtn: written,
    ...splitThroughput(kbps, read, written),
    // `iostat -d` reports no service time (`iostat -D` does: AixExtendedReader).
    service_time: null
  }
}

/**
 * AIX prints one throughput (Kbps, read + written) and the KiB read and written in the
 * interval: the read and write rates are Kbps shared in those proportions. When nothing was
 * counted but Kbps is not zero (under 1 KiB moved), the share is unknown.
 */
function splitThroughput(
  kbps: number | null,
  read: number | null,
  written: number | null
): Pick<IostatSample, 'kb_read_rate' | 'kb_wrtn_rate'> {
  if (kbps === null || read === null || written === null) return { kb_read_rate: null, kb_wrtn_rate: null }
  const total = read + written
  if (total > 0) return { kb_read_rate: (kbps * read) / total, kb_wrtn_rate: (kbps * written) / total }
  return kbps === 0 ? { kb_read_rate: 0, kb_wrtn_rate: 0 } : { kb_read_rate: null, kb_wrtn_rate: null }
}

/** What a line of iostat output turned out to be. */
export type IostatLine =
  | { kind: 'header' }
  | { kind: 'row'; row: IostatSample }
  /** A line inside a device section (or a disk block) that does not read under its header. */
  | { kind: 'rejected'; message: string }
  | { kind: 'other' }

/**
 * Line-by-line reader shared by the one-shot parser and the stream. Device rows follow their
 * header up to a blank line (or a section title such as "avg-cpu:"), so a CPU line of numbers
 * is never taken for a disk; inside that section every line must be a device row, and one that
 * is not — another layout, a new column, a decimal comma — is rejected with its text while the
 * other disks of the report are still read. AIX `iostat -D` blocks go to AixExtendedReader.
 */
export class IostatReader {
  private header: IostatHeader | null = null
  private headerLine = ''
  private headersSeen = 0
  private sectionRejected = false
  private cleanEnded = 0
  private readonly extended: AixExtendedReader | null

  constructor(
    private readonly os: OsKind,
    private readonly intervalSeconds: number | null = null
  ) {
    this.extended = os === 'aix' ? new AixExtendedReader(intervalSeconds) : null
  }

  /** The report the rows read so far belong to (1 for the first; 0 before any). */
  get reports(): number {
    return this.headersSeen + (this.extended?.reports ?? 0)
  }

  /** Reports (device sections) ended so far with every row read; read and reset. */
  takeCleanReports(): number {
    const count = this.cleanEnded + (this.extended?.takeCleanReports() ?? 0)
    this.cleanEnded = 0
    return count
  }

  read(line: string): IostatLine {
    const tokens = tokenize(line)
    if (this.extended?.owns(tokens)) return this.extended.read(line, tokens)
    const header = readIostatHeader(tokens, this.os)
    if (header) {
      this.endSection()
      this.header = header
      // Kept until the next header: a copy, not a slice holding the whole chunk of output it came in.
      this.headerLine = detachedCopy(line.trim())
      this.headersSeen++
      return { kind: 'header' }
    }
    if (!this.header) return { kind: 'other' }
    if (tokens.length === 0 || (tokens[0]?.endsWith(':') && tokens.length > 1 && parseDecimal(tokens[1]) === null)) {
      this.endSection()
      return { kind: 'other' }
    }
    const row = readIostatRow(tokens, { header: this.header, intervalSeconds: this.intervalSeconds }, this.os)
    if (row) return { kind: 'row', row }
    this.sectionRejected = true
    return { kind: 'rejected', message: rejectedRow(line, this.headerLine) }
  }

  private endSection(): void {
    if (this.header && !this.sectionRejected) this.cleanEnded++
    this.header = null
    this.sectionRejected = false
  }
}

/** AIX's K, M, G, T suffixes are decimal: `16.4K` is 16,384 bytes (4 reads of 4 KiB). */
const AIX_SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12 }

function aixNumber(token: string | undefined): number | null {
  if (token === undefined) return null
  const suffix = AIX_SUFFIX[token.slice(-1)]
  if (suffix === undefined) return parseDecimal(token)
  const value = parseDecimal(token.slice(0, -1))
  return value === null ? null : value * suffix
}

type AixSection = 'xfer' | 'read' | 'write' | 'queue'
const AIX_SECTIONS = new Set<string>(['xfer:', 'read:', 'write:', 'queue:'])

/**
 * AIX `iostat -D` (extended drive report): per disk, a block of four titled sections, each a
 * line of names and a line of values, then a line of dashes:
 *
 *   hdisk6          xfer:  %tm_act      bps      tps      bread      bwrtn
 *                            9.6     16.4K     4.0       16.4K       0.0
 *                  read:      rps  avgserv  minserv  maxserv   timeouts      fails
 *                            4.0      4.9      0.3      9.9           0          0
 *                 write:      wps  avgserv  …
 *                 queue:  avgtime  mintime  …
 *
 * bps, bread and bwrtn are bytes per second (with decimal K/M/G/T suffixes); avgserv is the
 * average service time in ms of reads and of writes. A report ends where its first disk comes
 * back. The row of a disk is returned once its queue (or, without one, the next block) is read.
 */
class AixExtendedReader {
  private disk: string | null = null
  private blockLine = ''
  private names = new Map<AixSection, string[]>()
  private values = new Map<AixSection, number[]>()
  private expecting: AixSection | null = null
  private inReport = new Set<string>()
  private reportRejected = false
  private cleanEnded = 0
  reports = 0

  constructor(private readonly intervalSeconds: number | null) {}

  /** Lines of -D output: a block's first line, a section title line, or any line inside a block. */
  owns(tokens: readonly string[]): boolean {
    return tokens[1] === 'xfer:' || (this.disk !== null && (tokens.length > 0 || this.expecting !== null))
  }

  takeCleanReports(): number {
    const count = this.cleanEnded
    this.cleanEnded = 0
    return count
  }

  read(line: string, tokens: readonly string[]): IostatLine {
    if (tokens[1] === 'xfer:') {
      const finished = this.finishBlock()
      const disk = tokens[0] ?? ''
      if (this.inReport.has(disk)) this.endReport()
      if (this.inReport.size === 0) this.reports++
      this.inReport.add(disk)
      this.disk = disk
      this.blockLine = line.trim()
      this.names.set('xfer', tokens.slice(2))
      this.expecting = 'xfer'
      return finished ?? { kind: 'header' }
    }
    if (/^-{8,}$/.test(tokens.join('')) || tokens.length === 0) {
      // The dashes after a block, or a blank line: the block is over.
      if (this.expecting !== null && this.names.has(this.expecting) && !this.values.has(this.expecting)) return this.reject(line)
      return this.finishBlock() ?? { kind: 'other' }
    }
    const title = tokens[0] ?? ''
    if (AIX_SECTIONS.has(title)) {
      this.names.set(title.slice(0, -1) as AixSection, tokens.slice(1))
      this.expecting = title.slice(0, -1) as AixSection
      return { kind: 'other' }
    }
    const section = this.expecting
    const names = section ? this.names.get(section) : undefined
    const numbers = tokens.map(aixNumber)
    if (!section || !names || this.values.has(section) || numbers.length !== names.length || numbers.some((value) => value === null)) {
      return this.reject(line)
    }
    this.values.set(section, numbers as number[])
    return section === 'queue' ? (this.finishBlock() ?? { kind: 'other' }) : { kind: 'other' }
  }

  private reject(line: string): IostatLine {
    this.reportRejected = true
    return { kind: 'rejected', message: rejectedRow(line, this.blockLine) }
  }

  private endReport(): void {
    if (!this.reportRejected) this.cleanEnded++
    this.inReport.clear()
    this.reportRejected = false
  }

  /** The row of the block read so far, if it has its transfers; the block is then closed. */
  private finishBlock(): IostatLine | null {
    const disk = this.disk
    const value = (section: AixSection, name: string): number | null => {
      const index = this.names.get(section)?.indexOf(name) ?? -1
      return index < 0 ? null : (this.values.get(section)?.[index] ?? null)
    }
    const hasXfer = this.values.has('xfer')
    const row = disk !== null && hasXfer ? this.row(disk, value) : null
    this.disk = null
    this.names.clear()
    this.values.clear()
    this.expecting = null
    return row ? { kind: 'row', row } : null
  }

  private row(disk: string, value: (section: AixSection, name: string) => number | null): IostatSample {
    const perSecond = (bytes: number | null): number | null => (bytes === null ? null : bytes / 1024)
    const readRate = perSecond(value('xfer', 'bread'))
    const writeRate = perSecond(value('xfer', 'bwrtn'))
    const amount = (rate: number | null): number | null => (rate !== null && this.intervalSeconds !== null ? rate * this.intervalSeconds : null)
    const rps = value('read', 'rps')
    const wps = value('write', 'wps')
    const readServ = value('read', 'avgserv')
    const writeServ = value('write', 'avgserv')
    // Reads' and writes' average service times, weighted by how many of each completed.
    const serviceTime =
      rps === null || wps === null || readServ === null || writeServ === null ? null : rps + wps > 0 ? (rps * readServ + wps * writeServ) / (rps + wps) : 0
    return {
      disk,
      tps: value('xfer', 'tps'),
      kb_read: amount(readRate),
      kb_wrtn: amount(writeRate),
      kb_read_rate: readRate,
      kb_wrtn_rate: writeRate,
      service_time: serviceTime
    }
  }
}

export function noIostatHeader(text: string, os: OsKind): string {
  const seen = firstLine(text)
  const expected = os === 'aix' ? '"Disks: … Kbps tps Kb_read Kb_wrtn" or "hdisk0 xfer: …"' : '"Device … tps" or "Device … r/s w/s"'
  return seen === '' ? 'no iostat output' : `not iostat output (no ${expected} header); it starts with: ${seen}`
}

/**
 * Every device row of a captured iostat output, report after report. Which report is since
 * boot depends on the command (Linux runs with -y), so dropping it is the stream's job.
 */
export function parseIostat(text: string, os: OsKind, intervalSeconds: number | null = null): Parsed<IostatSample> {
  const reader = new IostatReader(os, intervalSeconds)
  const rows: IostatSample[] = []
  const rejected: string[] = []
  for (const line of [...splitLines(text), '']) {
    const read = reader.read(line)
    if (read.kind === 'row') rows.push(read.row)
    else if (read.kind === 'rejected') rejected.push(read.message)
  }
  if (reader.reports === 0) return { ok: false, error: noIostatHeader(text, os) }
  return rejected.length > 0 ? { ok: true, rows, rejected } : { ok: true, rows }
}
