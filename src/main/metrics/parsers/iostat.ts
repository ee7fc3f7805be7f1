import { firstLine, parseDecimal, splitLines, tokenize } from '../../base/text'
import type { IostatSample, OsKind, Parsed } from './types'

// sysstat (Linux) and AIX iostat device reports, read by column name. Layouts handled:
//  - sysstat basic, old and new:  Device[:] tps kB_read/s kB_wrtn/s [kB_dscd/s] kB_read kB_wrtn [kB_dscd]
//    (and the -m / block-unit spellings MB_read…, Blk_read…)
//  - sysstat extended (-x), old:  Device: rrqm/s wrqm/s r/s w/s rkB/s|rMB/s|rsec/s … await [r_await w_await] svctm %util
//  - sysstat extended (-x), new:  Device r/s rkB/s … w/s wkB/s … [d/s dkB/s …] [f/s f_await] aqu-sz %util
//  - AIX -d:                      Disks: % tm_act Kbps tps Kb_read Kb_wrtn

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

/** Reads one device row under `header`, or null when the line is not a complete device row. */
export function readIostatRow(tokens: readonly string[], header: IostatHeader, os: OsKind): IostatSample | null {
  const disk = tokens[0]
  if (disk === undefined || tokens.length !== header.width) return null
  const values = tokens.map((token, index) => (index === 0 ? 0 : parseDecimal(token)))
  if (values.some((value) => value === null)) return null
  const column = (name: string): number | null => {
    const index = header.columns.get(name)
    return index === undefined ? null : (values[index] ?? null)
  }
  return os === 'aix' ? aixRow(disk, column) : linuxRow(disk, column)
}

type Column = (name: string) => number | null

const scaled = (value: number | null, factor: number): number | null => (value === null ? null : value * factor)

/** The first spelling the header has, converted to KiB. */
function kib(column: Column, kibName: string, mibName: string, sectorName: string): number | null {
  return column(kibName) ?? scaled(column(mibName), KIB_PER_MIB) ?? scaled(column(sectorName), KIB_PER_SECTOR)
}

function linuxRow(disk: string, column: Column): IostatSample {
  const reads = column('r/s')
  const writes = column('w/s')
  // The extended report has no tps; sysstat's tps counts reads, writes and discards (not flushes).
  const extendedTps = reads !== null && writes !== null ? reads + writes + (column('d/s') ?? 0) : null
  return {
    disk,
    tps: column('tps') ?? extendedTps,
    // Interval amounts exist only in the basic report; the extended one gives rates only.
    kb_read: kib(column, 'kB_read', 'MB_read', 'Blk_read'),
    kb_wrtn: kib(column, 'kB_wrtn', 'MB_wrtn', 'Blk_wrtn'),
    kb_read_rate: kib(column, 'kB_read/s', 'MB_read/s', 'Blk_read/s') ?? kib(column, 'rkB/s', 'rMB/s', 'rsec/s'),
    kb_wrtn_rate: kib(column, 'kB_wrtn/s', 'MB_wrtn/s', 'Blk_wrtn/s') ?? kib(column, 'wkB/s', 'wMB/s', 'wsec/s'),
    // Older extended reports print svctm; newer sysstat dropped it and the basic report never had it.
    service_time: column('svctm')
  }
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
    // `iostat -d` reports no service time (only `iostat -D` does).
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
export type IostatLine = { kind: 'header' } | { kind: 'row'; row: IostatSample } | { kind: 'other' }

/**
 * Line-by-line reader shared by the one-shot parser and the stream. Device rows follow their
 * header directly, so any other line (blank, tty/avg-cpu sections, timestamps) ends the device
 * section: a CPU line of numbers is never taken for a disk.
 */
export class IostatReader {
  private header: IostatHeader | null = null
  private headersSeen = 0

  constructor(private readonly os: OsKind) {}

  /** How many report headers have been read so far (one per report). */
  get reports(): number {
    return this.headersSeen
  }

  read(line: string): IostatLine {
    const tokens = tokenize(line)
    const header = readIostatHeader(tokens, this.os)
    if (header) {
      this.header = header
      this.headersSeen++
      return { kind: 'header' }
    }
    const row = this.header ? readIostatRow(tokens, this.header, this.os) : null
    if (row) return { kind: 'row', row }
    this.header = null
    return { kind: 'other' }
  }
}

export function noIostatHeader(text: string, os: OsKind): string {
  const seen = firstLine(text)
  const expected = os === 'aix' ? '"Disks: … Kbps tps Kb_read Kb_wrtn"' : '"Device … tps" or "Device … r/s w/s"'
  return seen === '' ? 'no iostat output' : `not iostat output (no ${expected} header); it starts with: ${seen}`
}

/**
 * Every device row of a captured iostat output, report after report. Which report is since
 * boot depends on the command (Linux runs with -y), so dropping it is the stream's job.
 */
export function parseIostat(text: string, os: OsKind): Parsed<IostatSample> {
  const reader = new IostatReader(os)
  const rows: IostatSample[] = []
  for (const line of splitLines(text)) {
    const read = reader.read(line)
    if (read.kind === 'row') rows.push(read.row)
  }
  return reader.reports > 0 ? { ok: true, rows } : { ok: false, error: noIostatHeader(text, os) }
}
