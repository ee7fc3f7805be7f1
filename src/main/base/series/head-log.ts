// The write-ahead log of the heads: every flush appends one record with the samples it took, so
// a crash loses at most what arrived since the last flush (100 ms) — or, on power loss, since the
// last fsync (a second). A record holds the groups created and the samples taken since the last
// one. Records go to the current segment file; a segment is deleted once everything in it is in
// SQLite (at each cut). Values are written against the previous
// value of the same column within the segment, as scaled decimals where they are, so a record
// costs about what its samples cost in a chunk — the log must not double the disk writes.
import { closeSync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { BitReader, BitWriter, MAX_SIGNED, readSigned, writeSigned } from './bit-stream'
import { holdsExactly, MAX_DECIMAL_PLACES } from './decimal'
import { fromBits, highBits, lowBitsOfLast } from './float-bits'
import { STALE, type SampleValue } from './sample'

export interface LoggedSample {
  groupId: number
  ts: number
  row: readonly SampleValue[]
}

/** A group created since the last cut: logged, because groups reach SQLite only at cuts. */
export interface LoggedGroup {
  id: number
  metric: string
  labels: Readonly<Record<string, string>>
  columns: readonly string[]
}

export interface LogRecord {
  groups: readonly LoggedGroup[]
  samples: readonly LoggedSample[]
}

const SEGMENT_SUFFIX = '.log'
const RECORD_HEADER = 8
const SYNC_EVERY_MS = 1000

const enum Kind {
  Decimal = 0,
  Null = 1,
  Stale = 2,
  Raw = 3
}

/** What a segment's records are written against: each group's last time and values. */
class SegmentState {
  private readonly lastTs = new Map<number, number>()
  private readonly lastValues = new Map<number, number[]>()

  write(out: BitWriter, sample: LoggedSample): void {
    const { groupId, ts, row } = sample
    writeSigned(out, groupId)
    writeSigned(out, ts - (this.lastTs.get(groupId) ?? 0))
    this.lastTs.set(groupId, ts)
    writeSigned(out, row.length)
    const last = this.lastFor(groupId, row.length)
    for (let c = 0; c < row.length; c++) {
      const value = row[c] ?? null
      if (value === null) out.write(Kind.Null, 2)
      else if (value === STALE) out.write(Kind.Stale, 2)
      else {
        const exponent = scaledExponent(value, last[c] as number)
        if (exponent === null) {
          out.write(Kind.Raw, 2)
          out.write(highBits(value), 32)
          out.write(lowBitsOfLast(), 32)
        } else {
          out.write(Kind.Decimal, 2)
          out.write(exponent, 3)
          const scale = 10 ** exponent
          writeSigned(out, Math.round(value * scale) - Math.round((last[c] as number) * scale))
        }
        last[c] = value
      }
    }
  }

  read(input: BitReader): LoggedSample {
    const groupId = readSigned(input)
    const ts = (this.lastTs.get(groupId) ?? 0) + readSigned(input)
    this.lastTs.set(groupId, ts)
    const columns = readSigned(input)
    const last = this.lastFor(groupId, columns)
    const row: SampleValue[] = []
    for (let c = 0; c < columns; c++) {
      const kind = input.read(2) as Kind
      if (kind === Kind.Null) row.push(null)
      else if (kind === Kind.Stale) row.push(STALE)
      else {
        let value: number
        if (kind === Kind.Raw) value = fromBits(input.read(32), input.read(32))
        else {
          const scale = 10 ** input.read(3)
          value = (readSigned(input) + Math.round((last[c] as number) * scale)) / scale
        }
        row.push(value)
        last[c] = value
      }
    }
    return { groupId, ts, row }
  }

  private lastFor(groupId: number, columns: number): number[] {
    let last = this.lastValues.get(groupId)
    if (!last || last.length !== columns) this.lastValues.set(groupId, (last = new Array<number>(columns).fill(0)))
    return last
  }
}

/** The fewest decimal places at which both the value and the one it is written against are exact. */
function scaledExponent(value: number, previous: number): number | null {
  if (!Number.isFinite(value) || Object.is(value, -0)) return null
  // Both within ±MAX_SIGNED / 2, so their difference is within MAX_SIGNED too.
  const limit = Math.floor(MAX_SIGNED / 2)
  for (let exponent = 0; exponent <= MAX_DECIMAL_PLACES; exponent++) {
    if (holdsExactly(value, exponent, limit) && holdsExactly(previous, exponent, limit)) return exponent
  }
  return null
}

function writeGroup(out: BitWriter, group: LoggedGroup): void {
  writeSigned(out, group.id)
  const text = Buffer.from(JSON.stringify([group.metric, group.labels, group.columns]), 'utf8')
  writeSigned(out, text.length)
  for (const byte of text) out.write(byte, 8)
}

function readGroup(input: BitReader): LoggedGroup {
  const id = readSigned(input)
  const text = Buffer.alloc(readSigned(input))
  for (let i = 0; i < text.length; i++) text[i] = input.read(8)
  const [metric, labels, columns] = JSON.parse(text.toString('utf8')) as [string, Record<string, string>, string[]]
  return { id, metric, labels, columns }
}

export class HeadLog {
  private fd: number | null = null
  private segmentStart = 0
  private state = new SegmentState()
  private lastSync = 0

  /**
   * @param now names new segments (the store's clock); fsyncs follow the real clock, whatever
   *   the store's clock says
   */
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  }

  /**
   * The records of the segments on disk, oldest first, but for those `done` (already in SQLite:
   * a crash came between the cut's commit and their deletion), which are deleted. A torn last
   * record ends its segment.
   */
  replay(done: ReadonlySet<number> = new Set()): LogRecord[] {
    const records: LogRecord[] = []
    for (const start of this.segments()) {
      if (done.has(start)) {
        rmSync(this.path(start), { force: true })
        continue
      }
      const bytes = readFileSync(this.path(start))
      const state = new SegmentState()
      let offset = 0
      while (offset + RECORD_HEADER <= bytes.length) {
        const length = bytes.readUInt32LE(offset)
        const checksum = bytes.readUInt32LE(offset + 4)
        const payload = bytes.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length)
        if (payload.length < length || crc32(payload) !== checksum) break
        const input = new BitReader(payload)
        const groups: LoggedGroup[] = []
        for (let count = readSigned(input); count > 0; count--) groups.push(readGroup(input))
        const samples: LoggedSample[] = []
        for (let count = readSigned(input); count > 0; count--) samples.push(state.read(input))
        records.push({ groups, samples })
        offset += RECORD_HEADER + length
      }
    }
    return records
  }

  /** Appends one record; fsyncs at most once a second. */
  append(record: LogRecord): void {
    if (record.groups.length === 0 && record.samples.length === 0) return
    if (this.fd === null) this.startSegment(this.now())
    const out = new BitWriter(64 + record.samples.length * 16)
    writeSigned(out, record.groups.length)
    for (const group of record.groups) writeGroup(out, group)
    writeSigned(out, record.samples.length)
    for (const sample of record.samples) this.state.write(out, sample)
    const payload = out.finish()
    const header = Buffer.alloc(RECORD_HEADER)
    header.writeUInt32LE(payload.length, 0)
    header.writeUInt32LE(crc32(payload), 4)
    writeSync(this.fd as number, Buffer.concat([header, payload]))
    const now = performance.now()
    if (now - this.lastSync >= SYNC_EVERY_MS) {
      fdatasyncSync(this.fd as number)
      this.lastSync = now
    }
  }

  /**
   * Starts a new segment; returns the older ones, to be deleted (retire) once everything they
   * hold is safely in chunks.
   */
  rotate(): number[] {
    const older = this.segments()
    this.closeSegment()
    this.startSegment(this.now())
    return older
  }

  retire(segments: readonly number[]): void {
    for (const start of segments) rmSync(this.path(start), { force: true })
  }

  close(): void {
    this.closeSegment()
  }

  private startSegment(start: number): void {
    // Always a new file: a segment's records are written against its own earlier ones.
    this.segmentStart = Math.max(start, (this.segments().at(-1) ?? -1) + 1)
    this.state = new SegmentState()
    this.fd = openSync(this.path(start), 'a', 0o600)
  }

  private closeSegment(): void {
    if (this.fd === null) return
    fdatasyncSync(this.fd)
    closeSync(this.fd)
    this.fd = null
  }

  private segments(): number[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith(SEGMENT_SUFFIX))
      .map((name) => Number(name.slice(0, -SEGMENT_SUFFIX.length)))
      .filter((start) => Number.isSafeInteger(start))
      .sort((a, b) => a - b)
  }

  private path(start: number): string {
    return join(this.dir, `${start}${SEGMENT_SUFFIX}`)
  }
}
