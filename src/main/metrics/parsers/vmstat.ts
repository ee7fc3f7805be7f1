import { firstLine, parseDecimal, splitLines, tokenize } from '../../base/text'
import type { OsKind, Parsed, VmstatSample } from './types'

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
    // procps vmstat has no page-replacement column.
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
 * Line-by-line reader shared by the one-shot parser and the stream: it remembers the last
 * header (vmstat repeats it) and turns each later row into a sample.
 */
export class VmstatReader {
  private header: VmstatHeader | null = null

  constructor(private readonly os: OsKind) {}

  get sawHeader(): boolean {
    return this.header !== null
  }

  /** A sample for a data row; null for headers, banners, blank or foreign lines. */
  read(line: string): VmstatSample | null {
    const tokens = tokenize(line)
    const header = readVmstatHeader(tokens, this.os)
    if (header) {
      this.header = header
      return null
    }
    return this.header ? readVmstatRow(tokens, this.header, this.os) : null
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
  for (const line of splitLines(text)) {
    const row = reader.read(line)
    if (row) rows.push(row)
  }
  return reader.sawHeader ? { ok: true, rows } : { ok: false, error: noVmstatHeader(text) }
}
