// The write-ahead log of the heads: samples are encoded as they are appended and each flush
// writes them as one CRC-checked record, so a crash loses at most what arrived since the last
// flush (100 ms) — or, on power loss, since the last fsync (a second). A record holds the groups
// created, the samples taken and the groups deleted since the one before, in the order they came.
//
// Records go to the current segment; the store starts a new segment every few minutes and
// deletes the old ones once no head holds a sample logged in them (series-store.ts). Every
// segment is encoded against itself only: each group's first sample in a segment is written
// whole, the next ones against the group's previous sample (times, sequence numbers, values as
// scaled decimals or as the rate of a counter column). The log is written once for every value
// the store keeps, on top of SQLite's own writes, so it must cost less than a chunk does: the
// usual row of a collector's snapshot (the group that came next last time, at the same time)
// costs one bit of header, and a row whose values are all the ones before one more bit — most of
// a fleet's rows are processes whose two values did not change. A snapshot's first row is
// written as which of the snapshots expected about then it is (each comes again a period after
// the last) and the milliseconds since the sample before. A decimal that goes with an
// earlier column of its row (iostat's kB/s and the kB of the interval, printed from one count)
// is written as what is left after predicting it from that column, as chunks store it; a double
// that is a decimal's share of two earlier columns (AIX iostat's read and write rates) as that
// decimal. A row of a snapshot in another place than last time (ps's top N) is written as its
// place in the snapshot before.
import { closeSync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { BitReader, BitWriter, MAX_SIGNED, readSigned, writeSigned } from './bit-stream'
import { MAX_DECIMAL_PLACES } from './decimal'
import { fromBits, highBits, lowBitsOfLast } from './float-bits'
import { STALE, type SampleValue } from './sample'

/** A group created since the last cut: logged, because groups reach SQLite only with chunks. */
export interface LoggedGroup {
  id: number
  metric: string
  labels: Readonly<Record<string, string>>
  columns: readonly string[]
}

/** What a replay hands back, in the order it was logged. */
export interface LogVisitor {
  /** A segment starts (its id); samples until the next call were logged in it. */
  segment(id: number): void
  group(group: LoggedGroup): void
  sample(groupId: number, ts: number, seq: number, row: SampleValue[]): void
  deleted(groupId: number): void
}

const SEGMENT_SUFFIX = '.log'
const RECORD_HEADER = 8
/** The first 4 bytes of a segment with a format marker: as a record length, one none has. */
const FORMAT_MARK = 0xffffffff
const FORMAT_VERSION = 5
const SYNC_EVERY_MS = 1000

// A segment starts with a marker of its format: 8 bytes, 0xFFFFFFFF (a record length no record
// has: an older reader takes the segment for empty) and the version. Segments without it were
// written before version 2 and are still read (a crash may leave them for the upgraded app).
//
// Version 5 (since 2026-12-03, writes-5): as version 4, but for five things. (1) A run start's
// gap and place are Rice codes (writeRice: the quotient in unary, the width from the mean of
// the last ~16) rather than writeFitted's, a place as the whole number it is. (2) Version 4's
// 110 header, after its 1 (not the group that followed): 1 a *member* — a group of the
// current run's last snapshot, at the same time, with the next sequence number, written as its
// place in that snapshot less the number of rows of this one so far (writeFitted); 0 then the
// group as before. (3) Where a group is written as a difference from the sample before's, a
// bit comes first: 1 the group created last (no difference), 0 the difference. (4) A group's
// context is made with its record, so its first sample says no width (the width bit is 0
// when the group has a context of the row's width). (5) The value code 110 is followed by a
// bit: 0 the double's 64 bits, 1 a *share* (see "Shares" below).
// Version 4 (since 2026-12-03, later): as version 3, but for the header of a sample at a new
// time, or of one that starts another run at the same time (the first row of a snapshot; see
// "runs" below). Tags: 0 as before; 10 a run expected, whose first row is the group's, with the
// next sequence number: the gap since the sample before's time (writeFitted) and the run's
// place among the runs expected, nearest that time first (writeFitted); 110 any other sample,
// as version 3's 10; 1110 any other run start: the gap, then either 1, the run's place and the
// group (0 the run's first, 1 and its difference from that) or 0 and the group as a difference
// from the sample before's (a new run); then the width (0, or 1 and the width) and the sequence
// number as in 110; 11110 a group created; 111110 a group deleted; 111111 the end.
// Version 3 (since 2026-12-03): as version 2, but for three things in the values of a sample
// (the "Value codes" and learnPrediction below). A decimal at the column's last places is
// written as its difference from a prediction: the value before, or — once the column has been
// seen to go with an earlier column of the row — that column's value times the factor seen
// then. A rate of the counter the column was the rate of last time costs one bit after its
// code, not the counter's place. A row may repeat (its one bit) with nulls in the columns that
// were null in the group's row before.
// Version 2 (since 2026-12): a record is a run of entries, each after a tag: 0 a sample whose
// group is the one that followed the previous sample's group last time, at the previous sample's
// time, with the next sequence number and a context in the segment (the common row of a
// collector's snapshot: nothing else is written for it); 10 any other sample (its group, time,
// width and sequence number written as differences); 110 a group created; 1110 a group deleted;
// 1111 the end. A sample of a group with an earlier one in the segment then has a bit: 1 when
// every value is the one before (a decimal at the same places), each column then as a zero
// difference, 0 when its values follow.
// Version 1: entries after 0 a sample (always with the header of 10 above, no repeat bit), 10 a
// group created, 110 a group deleted, 111 the end; group ids whole rather than differences.

/** Scaled decimals stay within this, so that differences of two of them are exact. */
const MAX_SCALED = Math.floor(MAX_SIGNED / 2)
const SCALES = Array.from({ length: MAX_DECIMAL_PLACES + 1 }, (_, e) => 10 ** e)

// Each group's last sample in the segment, which the next one is written against: its context.
// A segment keeps every group's context in one Float64Array, a run of numbers at the context's
// offset (CONTEXT_HEADER + COLUMN_FIELDS per column), rather than an object and a Float64Array
// each: for a fleet's tens of thousands of groups, appending a row reached the object, its
// time (a double field, which V8 keeps in a box of its own), the array's object and its
// numbers — four cache misses where a run is one. A run:
const COLUMNS = 0
/** Samples of the group in the segment so far. */
const SAMPLES = 1
const LAST_TS = 2
const LAST_SEQ = 3
/** The group that followed this one last time: logged in one bit when it does again. */
const SUCCESSOR = 4
/** The run (below) of the group's last sample, NONE for none (version 4). */
const RUN = 5
/**
 * Where the group was in its run's snapshot when it last came (version 5): that snapshot's
 * number in the run × MAX_MEMBERS + its place among the snapshot's rows (NONE for none).
 */
const MEMBER = 6
/**
 * Then per column, from CONTEXT_HEADER: [0, n) its last number; [n, 2n) the last value times
 * 10^exponent; [2n, 3n) a running mean of the size of its differences, which picks their width;
 * [3n, 4n) the decimal places of the last value, or -1 when it was not a decimal; [4n, 5n) the
 * factor of its prediction (version 3), or in a column last written as a share its columns and
 * places (version 5, "Shares" below); [5n, 6n) its links, three small integers in one number
 * (a fleet keeps tens of thousands of contexts: a number each was a third of them) — how many
 * columns back is the one it is predicted from (0 for none, version 3), how many columns back
 * is the counter it was last written as the rate of (0 for none), and whether the last value
 * was null (version 3's repeated rows hold those).
 */
const CONTEXT_HEADER = 7
const COLUMN_FIELDS = 6
const SCALED = 1
const SIZE = 2
const PLACES = 3
const FACTOR = 4
const LINKS = 5
/** A link's distance takes 15 bits of the links: SOURCE's at bit 0, RATE_OF's at bit 15; WAS_NULL is bit 30. */
const DISTANCE_MASK = 0x7fff
const RATE_OF_SHIFT = 15
const WAS_NULL_BIT = 1 << 30
/** Columns a logged group may have, so that a distance between two fits its 15 bits. */
const MAX_LOGGED_COLUMNS = DISTANCE_MASK

/**
 * Each column's number before the row being written or read (for the rates of counters, and
 * predictions from another column): needed only within one row, so one array serves every
 * context, rather than a number per column in each. A column's entry is set as the row reaches
 * it, and read only for earlier columns that held a number in the row.
 */
let numbersBefore = new Float64Array(64)
/** A prediction from another column is only looked for when a value moved by this much (scaled). */
const MIN_PREDICTED_CHANGE = 16
/** Numbers a segment's contexts start with at least (it doubles as groups come). */
const INITIAL_CONTEXTS = 1 << 12
/** No context (no sample written yet in the segment). */
const NONE = -1

// A run (version 4) is what a collector's snapshot is to the log: samples at one time, written
// one after the other, which come again an interval later — first rows of runs are most of the
// rows not written in one bit. The codec keeps a run's fields in one Float64Array as it keeps
// contexts, RUN_FIELDS per run:
/** When its next snapshot is expected (ms, whole). */
const RUN_EXPECTED = 0
/** Its last snapshot's time, smoothed: the collector's schedule without the jitter, as far as known (NaN before one). */
const RUN_LAST_TS = 1
/** The time between its snapshots, smoothed (0 while unknown). */
const RUN_PERIOD = 2
/** The group of its last snapshot's first row. */
const RUN_FIRST = 3
/** 1 while it is among the runs expected (`SegmentCodec.expected`). */
const RUN_WAITING = 4
/** How many snapshots it had in the segment, and how many rows the one coming has so far (version 5; see `MEMBER`). */
const RUN_SNAPSHOTS = 5
const RUN_NEXT_COUNT = 6
const RUN_FIELDS = 7
/** Runs a segment has room for at first (it doubles as runs come). */
const INITIAL_RUNS = 1 << 10
/** Where a segment's codec keeps the mean sizes of run starts' gaps and places (writeFitted; writeRice since version 5). */
const GAP_SIZE = 0
const PICK_SIZE = 1
/** And of a member's place among the last members less its place in the snapshot coming (version 5). */
const MEMBER_SIZE = 2
/** A run further than this down the expected ones is written as a new one (cheaper by then). */
const MAX_PICK = 64
/** Rows of a snapshot that have a place as members (the rest are written as jumps). */
const MAX_MEMBERS = 1 << 20

// Value codes, by prefix: 0 a decimal at the column's last exponent (its difference from the
// prediction, version 3; from the value before, version 2), 10 a
// decimal at new places (whole), 110 a double's 64 bits (version 5: 1100, and 1101 a share),
// 1110 null, 11110 stale, 11111 the rate
// of an earlier column: (its value − its previous value) ÷ seconds since the last sample, as
// the collectors compute rates, to the bit. The rate's column follows as how many columns back
// it is; in version 3 after a bit, 0 when it is the one of the column's last rate (no more).

/**
 * Where a caller keeps a group's place in the log's current segment, so that appending a sample
 * needs no lookup (the store has one per group): the segment's codec, and the group's context in it.
 */
export interface LogSlot {
  /** Which codec (`SegmentCodec.id`; 0 for none): a number, so that a group idle since a rotation does not keep the old segment's contexts alive. */
  codecId: number
  context: number | null
}

/** Numbers the codecs: the one a slot names is the current one only if its id is the current codec's. */
let codecsMade = 0

/** How a sample entry's header is written, by its tag (version 4: 0, 10, 110, 1110). */
type SampleHeader = 'common' | 'run' | 'any run' | 'other'
const SAMPLE_HEADERS: readonly SampleHeader[] = ['common', 'run', 'other', 'any run']

/** The encoding (and decoding) state of one segment. */
class SegmentCodec {
  readonly id = ++codecsMade
  /** Each group's context: its offset in `contexts`. */
  private readonly groups = new Map<number, number>()
  private contexts: Float64Array<ArrayBuffer>
  /** Numbers of `contexts` in use. */
  private used = 0

  /** The context of the last sample written (whose successor the next one may be). */
  private lastContext = NONE
  private lastGroup = 0
  private lastTs = 0
  /** Runs' fields (RUN_FIELDS each), and how many of its numbers are in use. */
  private runs = new Float64Array(INITIAL_RUNS * RUN_FIELDS)
  private runsUsed = 0
  /**
   * The runs expected to come again, in [expectedFrom, expectedTo), by the time expected (then
   * by offset): a run's first row is written as its place in this order counted from the time
   * it came, nearest first. A run that comes is near the front, and goes back in near the end
   * (a period later): it is taken out by moving the few before it, not the many after.
   */
  private expected = new Int32Array(INITIAL_RUNS)
  private expectedFrom = 0
  private expectedTo = 0
  /** The run the last sample belongs to. */
  private currentRun = NONE
  /** Running means of the size of the gaps (GAP_SIZE), places (PICK_SIZE) and members' places (MEMBER_SIZE) written, which pick their widths. */
  private readonly sizes = new Float64Array(3)
  /**
   * A row of a snapshot that did not follow the row before as last time (a process that moved
   * up or down ps's top N) is written as its place among the rows of its run's last snapshot,
   * its *members* (version 5): the writer knows a group's place from its context (MEMBER); a
   * reader keeps each run's members, by run ÷ RUN_FIELDS — those of its last snapshot in the
   * order they came, and those of the one coming, which become the last ones when the run
   * comes again (the two arrays are swapped, never cut). Keeping them in the writer too was
   * ~8 % of its CPU.
   */
  private readonly lastMembers: number[][] = []
  private readonly nextMembers: number[][] = []
  /** The id of the last group record (version 2 writes the next one's as a difference). */
  private lastCreated = 0
  /** Strings of group records (a server's id, a column list), each written once per segment. */
  private readonly stringIds = new Map<string, number>()
  private readonly strings: string[] = []

  /** Whether decimals are predicted and repeated rows hold nulls (version 3). */
  private readonly predicts: boolean

  /**
   * @param version the segment's format (writing is always in the current one)
   * @param reads whether the codec reads (it then keeps the runs' members)
   * @param contextsBefore numbers of contexts the segment before used: a segment's groups are
   *   mostly the last one's, so it starts with room for them and a quarter more rather than
   *   doubling its way there (at 1,000 servers, 32 KiB to 32 MiB each rotation)
   */
  constructor(
    readonly version: number = FORMAT_VERSION,
    private readonly reads = false,
    contextsBefore = 0
  ) {
    this.predicts = version >= 3
    this.contexts = new Float64Array(Math.max(INITIAL_CONTEXTS, Math.ceil(contextsBefore * 1.25)))
  }

  /** Numbers of its contexts in use (the next segment's hint). */
  get contextsUsed(): number {
    return this.used
  }

  writeGroup(out: BitWriter, group: LoggedGroup): void {
    writeSigned(out, group.id - this.lastCreated)
    this.lastCreated = group.id
    // Its context, from now (version 5): its first sample need not say how many columns it has.
    this.context(group.id, group.columns.length)
    this.writeString(out, group.metric)
    const labels = Object.entries(group.labels)
    writeSigned(out, labels.length)
    for (const [name, value] of labels) {
      this.writeString(out, name)
      this.writeString(out, value)
    }
    this.writeString(out, JSON.stringify(group.columns))
  }

  readGroup(input: BitReader): LoggedGroup {
    const id = this.version >= 2 ? this.lastCreated + readSigned(input) : readSigned(input)
    this.lastCreated = id
    const metric = this.readString(input)
    const labels: Record<string, string> = {}
    for (let count = readSigned(input); count > 0; count--) {
      const name = this.readString(input)
      labels[name] = this.readString(input)
    }
    const columns = JSON.parse(this.readString(input)) as string[]
    if (this.version >= 5) this.context(id, columns.length)
    return { id, metric, labels, columns }
  }

  private writeString(out: BitWriter, text: string): void {
    const known = this.stringIds.get(text)
    if (known !== undefined) {
      out.writeBit(false)
      writeSigned(out, known)
      return
    }
    out.writeBit(true)
    const bytes = Buffer.from(text, 'utf8')
    writeSigned(out, bytes.length)
    for (const byte of bytes) out.write(byte, 8)
    this.stringIds.set(text, this.strings.length)
    this.strings.push(text)
  }

  private readString(input: BitReader): string {
    if (!input.readBit()) {
      const text = this.strings[readSigned(input)]
      if (text === undefined) throw new RangeError('log: unknown string')
      return text
    }
    const bytes = Buffer.alloc(readSigned(input))
    for (let i = 0; i < bytes.length; i++) bytes[i] = input.read(8)
    const text = bytes.toString('utf8')
    this.strings.push(text)
    return text
  }

  /** Bytes of its groups' contexts and its runs in use: what the log holds in memory. */
  get bytesInUse(): number {
    return (this.used + this.runsUsed) * Float64Array.BYTES_PER_ELEMENT
  }

  /** The group's context in the segment, new when it has none (or its width changed). */
  private context(groupId: number, columns: number): number {
    const known = this.groups.get(groupId)
    if (known !== undefined && this.contexts[known + COLUMNS] === columns) return known
    if (columns > MAX_LOGGED_COLUMNS) throw new RangeError(`log: a group of ${columns} columns (at most ${MAX_LOGGED_COLUMNS})`)
    if (columns > numbersBefore.length) numbersBefore = new Float64Array(columns)
    const size = CONTEXT_HEADER + COLUMN_FIELDS * columns
    this.contexts = withRoom(this.contexts, this.used, size)
    const context = this.used
    this.used += size
    const d = this.contexts
    d[context + COLUMNS] = columns
    d[context + LAST_SEQ] = -1
    d[context + SUCCESSOR] = -1
    d[context + RUN] = NONE
    d[context + MEMBER] = NONE
    d.fill(-1, context + CONTEXT_HEADER + PLACES * columns, context + CONTEXT_HEADER + (PLACES + 1) * columns)
    d.fill(0, context + CONTEXT_HEADER + (PLACES + 1) * columns, context + size)
    this.groups.set(groupId, context)
    return context
  }

  /**
   * The header of the first row of a run (a sample at a new time, or one of another run at the
   * same time): the gap since the sample before; when the group's run is expected, its place
   * among the runs expected nearest that time — with the tag 10 nothing more in the usual case
   * (the run's first group, the next sequence number) —, else the group as a difference from the
   * sample before's, and a new run.
   */
  private writeRunStart(out: BitWriter, groupId: number, context: number, ts: number, seq: number, columns: number, known: boolean): void {
    // writeFitted takes whole numbers only (format 3's writeSigned refused the others too):
    // refused before anything is written or changed, so the reader stays in step.
    if (!Number.isSafeInteger(ts - this.lastTs)) throw new RangeError(`log: cannot write the time ${ts}`)
    const d = this.contexts
    const r = this.runs
    this.dropLate()
    const last = d[context + RUN] as number
    const pick = last !== NONE && r[last + RUN_WAITING] === 1 ? this.nearest(ts, last, 0) : MAX_PICK
    const samples = d[context + SAMPLES] as number
    const first = pick < MAX_PICK ? (r[last + RUN_FIRST] as number) : NONE
    const usual = groupId === first && samples > 0 && seq === (d[context + LAST_SEQ] as number) + 1
    out.write(usual ? 0b10 : 0b1110, usual ? 2 : 4)
    if (this.version >= 5) writeRice(out, ts - this.lastTs, this.sizes, GAP_SIZE)
    else writeFitted(out, ts - this.lastTs, this.sizes, GAP_SIZE)
    let run: number
    if (pick < MAX_PICK) {
      if (!usual) out.writeBit(true)
      if (this.version >= 5) writeRice(out, pick, this.sizes, PICK_SIZE)
      else writeFitted(out, pick % 2 === 0 ? pick / 2 : -(pick + 1) / 2, this.sizes, PICK_SIZE)
      this.take(this.rankOf(last))
      if (usual) return this.recur(last, groupId, ts)
      if (groupId === first) out.writeBit(false)
      else {
        out.writeBit(true)
        writeSigned(out, groupId - first)
      }
      run = last
    } else {
      out.writeBit(false)
      this.writeJump(out, groupId)
      run = this.newRun(context)
    }
    if (known) out.writeBit(false)
    else {
      out.writeBit(true)
      writeSigned(out, columns)
    }
    writeSigned(out, seq - (d[context + LAST_SEQ] as number) - 1)
    this.recur(run, groupId, ts)
  }

  /**
   * Whether a sample at `ts`, the time of the one before, of a group that was in `run` last
   * time, starts a run: when that run is expected about now, it is another server's snapshot
   * taken in the same millisecond (or another collector's of the same server), not a row of
   * the current one. (A run that came already is expected a period later.)
   */
  private startsRun(run: number, ts: number): boolean {
    const r = this.runs
    return run !== NONE && run !== this.currentRun && r[run + RUN_WAITING] === 1 && (r[run + RUN_EXPECTED] as number) - ts < (r[run + RUN_PERIOD] as number) / 2
  }

  /**
   * The sample's group is in the current run from now on — unless the run it was in last time
   * is expected and another: then that run came, in a header that did not say so (the common
   * row's one bit, when the two snapshots came at the same time last time too), and is taken
   * as it would have been; left expected, it would stand before the others for half a period.
   */
  private join(context: number, groupId: number, ts: number): void {
    const before = this.contexts[context + RUN] as number
    if (this.startsRun(before, ts)) {
      this.take(this.rankOf(before))
      this.recur(before, groupId, ts)
    }
    const run = this.currentRun
    this.contexts[context + RUN] = run
    if (run === NONE) return
    // The group is the next row of the run's snapshot coming.
    const r = this.runs
    const count = r[run + RUN_NEXT_COUNT] as number
    this.contexts[context + MEMBER] = count < MAX_MEMBERS ? (r[run + RUN_SNAPSHOTS] as number) * MAX_MEMBERS + count : NONE
    r[run + RUN_NEXT_COUNT] = count + 1
    // Indexes made integers: a number read from a Float64Array is a double, and a JS array indexed by one takes a slow path.
    if (this.reads) (this.nextMembers[(run / RUN_FIELDS) | 0] as number[])[count | 0] = groupId
  }

  /** The group's place among the current run's last members (-1 when it was not one). */
  private memberPlace(context: number): number {
    const run = this.currentRun
    const member = this.contexts[context + MEMBER] as number
    if (this.contexts[context + RUN] !== run || run === NONE || member === NONE) return -1
    const last = (this.runs[run + RUN_SNAPSHOTS] as number) - 1
    return member >= last * MAX_MEMBERS && member < (last + 1) * MAX_MEMBERS ? member - last * MAX_MEMBERS : -1
  }

  /** Runs expected so long ago that they are taken for gone (a server, a collector): no longer ranked. */
  private dropLate(): void {
    const r = this.runs
    const e = this.expected
    while (this.expectedFrom < this.expectedTo) {
      const run = e[this.expectedFrom] as number
      if ((r[run + RUN_EXPECTED] as number) + (r[run + RUN_PERIOD] as number) / 2 >= this.lastTs) break
      r[run + RUN_WAITING] = 0
      this.expectedFrom++
    }
  }

  /** The first of the runs expected at `ts` or later (their number when none is). */
  private atOrAfter(ts: number): number {
    const r = this.runs
    let low = this.expectedFrom
    let high = this.expectedTo
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((r[(this.expected[middle] as number) + RUN_EXPECTED] as number) < ts) low = middle + 1
      else high = middle
    }
    return low
  }

  /**
   * The expected runs in the order of their distance from `ts`, the nearest first (of two as
   * near, the later): with `run`, how many come before it (MAX_PICK when that many or more);
   * else where the `pick`-th is in `expected` (-1 when there are not as many).
   */
  private nearest(ts: number, run: number, pick: number): number {
    const e = this.expected
    const r = this.runs
    let right = this.atOrAfter(ts)
    let left = right - 1
    const from = this.expectedFrom
    const to = this.expectedTo
    for (let step = 0; step < MAX_PICK && (left >= from || right < to); step++) {
      let at: number
      if (left < from) at = right++
      else if (right >= to) at = left--
      else if ((r[(e[right] as number) + RUN_EXPECTED] as number) - ts <= ts - (r[(e[left] as number) + RUN_EXPECTED] as number)) at = right++
      else at = left--
      if (run === NONE ? step === pick : e[at] === run) return run === NONE ? at : step
    }
    return run === NONE ? -1 : MAX_PICK
  }

  /** Where `run` (expected) is in `expected`. */
  private rankOf(run: number): number {
    // Runs expected at the same time are few: the first of them, then a step or two.
    let at = this.atOrAfter(this.runs[run + RUN_EXPECTED] as number)
    while (at < this.expectedTo && this.expected[at] !== run) at++
    return at
  }

  /** Takes the run at `rank` out of the expected ones (its first row came); returns it. */
  private take(rank: number): number {
    const e = this.expected
    if (rank < this.expectedFrom || rank >= this.expectedTo) throw new RangeError('log: no run expected there')
    const run = e[rank] as number
    e.copyWithin(this.expectedFrom + 1, this.expectedFrom, rank)
    this.expectedFrom++
    this.runs[run + RUN_WAITING] = 0
    return run
  }

  /** Puts `run` (whose expected time is set) among the expected runs: most often last, or a few before. */
  private expect(run: number): void {
    const r = this.runs
    if (this.expectedTo === this.expected.length) {
      // Full: what was taken from the front makes room, or the array doubles.
      if (this.expectedFrom * 2 >= this.expected.length) this.expected.copyWithin(0, this.expectedFrom, this.expectedTo)
      else {
        const grown = new Int32Array(this.expected.length * 2)
        grown.set(this.expected.subarray(this.expectedFrom, this.expectedTo))
        this.expected = grown
      }
      this.expectedTo -= this.expectedFrom
      this.expectedFrom = 0
    }
    const e = this.expected
    const when = r[run + RUN_EXPECTED] as number
    let at = this.expectedTo
    while (at > this.expectedFrom) {
      const other = e[at - 1] as number
      const otherWhen = r[other + RUN_EXPECTED] as number
      if (otherWhen < when || (otherWhen === when && other < run)) break
      at--
    }
    e.copyWithin(at + 1, at, this.expectedTo)
    e[at] = run
    this.expectedTo++
    r[run + RUN_WAITING] = 1
  }

  /**
   * A run, whose period will be the time since the group's last sample, if it has one. The
   * group's run before, if still expected, is not any more: it would stand in front of the
   * others for half a period — and make more runs new (ranked too far), which stand in front…
   */
  private newRun(context: number): number {
    const d = this.contexts
    const before = d[context + RUN] as number
    if (before !== NONE && this.runs[before + RUN_WAITING] === 1) this.take(this.rankOf(before))
    this.runs = withRoom(this.runs, this.runsUsed, RUN_FIELDS)
    const run = this.runsUsed
    this.runsUsed += RUN_FIELDS
    this.runs[run + RUN_LAST_TS] = (d[context + SAMPLES] as number) > 0 ? (d[context + LAST_TS] as number) : Number.NaN
    if (this.reads) {
      this.lastMembers.push([])
      this.nextMembers.push([])
    }
    return run
  }

  /**
   * A run's first row came at `ts`: the run is expected again a period later. Its time and
   * period follow the snapshots smoothed (a g-h filter: a quarter of the miss to the time, an
   * eighth to the period), so that what is predicted is the collector's schedule, not the last
   * snapshot's jitter (2.8 ms of miss becomes ~2.1 in the benchmark's fleet); a miss of more
   * than a quarter period (a snapshot skipped, a new interval) starts them over.
   */
  private recur(run: number, groupId: number, ts: number): void {
    const r = this.runs
    const at = r[run + RUN_LAST_TS] as number
    const period = r[run + RUN_PERIOD] as number
    const miss = ts - at - period
    if (period > 0 && Math.abs(miss) * 4 <= period) {
      r[run + RUN_PERIOD] = period + miss / 8
      r[run + RUN_LAST_TS] = at + period + miss / 4
    } else {
      if (ts > at) r[run + RUN_PERIOD] = ts - at
      r[run + RUN_LAST_TS] = ts
    }
    r[run + RUN_FIRST] = groupId
    this.currentRun = run
    r[run + RUN_SNAPSHOTS] = (r[run + RUN_SNAPSHOTS] as number) + 1
    r[run + RUN_NEXT_COUNT] = 0
    if (this.reads) {
      const index = (run / RUN_FIELDS) | 0
      const last = this.lastMembers[index] as number[]
      this.lastMembers[index] = this.nextMembers[index] as number[]
      this.nextMembers[index] = last
    }
    const next = r[run + RUN_PERIOD] as number
    if (next > 0) {
      r[run + RUN_EXPECTED] = Math.round((r[run + RUN_LAST_TS] as number) + next)
      this.expect(run)
    }
  }

  /**
   * A group that is neither the one that follows nor a member nor a run's: a difference from the
   * sample before's — in version 5 after a bit, 1 for the group created last (a new process's
   * first row, ~13 bits less), 0 for any other.
   */
  private writeJump(out: BitWriter, groupId: number): void {
    if (groupId === this.lastCreated) return out.writeBit(true)
    out.writeBit(false)
    writeSigned(out, groupId - this.lastGroup)
  }

  private readJump(input: BitReader): number {
    return this.version >= 5 && input.readBit() ? this.lastCreated : this.lastGroup + readSigned(input)
  }

  /** A run start's gap (GAP_SIZE) or place (PICK_SIZE): a Rice code since version 5, before it writeFitted's (the place as a signed number). */
  private readGapOrPick(input: BitReader, at: number): number {
    if (this.version >= 5) return readRice(input, this.sizes, at)
    const [value, size] = readFitted(input, this.sizes[at] as number)
    this.sizes[at] = size
    if (at === GAP_SIZE) return value
    return value >= 0 ? 2 * value : -2 * value - 1
  }

  /** A sample entry, its tag included (the current version). */
  write(out: BitWriter, groupId: number, ts: number, seq: number, row: readonly SampleValue[], slot?: LogSlot): void {
    const previous = this.lastContext
    const columns = row.length
    let context: number
    /** Whether the group has a context of this width already: else the header says the width. */
    let known = true
    if (slot !== undefined && slot.codecId === this.id && this.contexts[(slot.context as number) + COLUMNS] === columns) context = slot.context as number
    else {
      const before = this.groups.get(groupId)
      known = before !== undefined && this.contexts[before + COLUMNS] === columns
      context = this.context(groupId, columns)
      if (slot !== undefined) {
        slot.codecId = this.id
        slot.context = context
      }
    }
    // After context(), which may have grown it.
    const d = this.contexts
    const samples = d[context + SAMPLES] as number
    const lastTs = d[context + LAST_TS] as number
    const follows = previous !== NONE && d[previous + SUCCESSOR] === groupId
    const next = samples > 0 && seq === (d[context + LAST_SEQ] as number) + 1
    if (follows && ts === this.lastTs && next) out.writeBit(false)
    else if (ts !== this.lastTs || this.startsRun(d[context + RUN] as number, ts)) this.writeRunStart(out, groupId, context, ts, seq, columns, known)
    else if (!follows && next && this.memberPlace(context) >= 0) {
      // 110, 1 (not the group that followed), 1: a member of the run, at the same time, with the next sequence number.
      out.write(0b11011, 5)
      writeFitted(out, this.memberPlace(context) - (this.runs[this.currentRun + RUN_NEXT_COUNT] as number), this.sizes, MEMBER_SIZE)
      if (previous !== NONE) d[previous + SUCCESSOR] = groupId
    } else {
      out.write(0b110, 3)
      if (follows) out.writeBit(false)
      else {
        out.write(0b10, 2)
        this.writeJump(out, groupId)
        if (previous !== NONE) d[previous + SUCCESSOR] = groupId
      }
      writeSigned(out, ts - this.lastTs)
      if (known) out.writeBit(false)
      else {
        out.writeBit(true)
        writeSigned(out, columns)
      }
      writeSigned(out, seq - (d[context + LAST_SEQ] as number) - 1)
    }
    this.join(context, groupId, ts)
    this.lastGroup = groupId
    this.lastTs = ts
    this.lastContext = context
    const n = columns
    const at = context + CONTEXT_HEADER
    if (samples > 0) {
      if (repeats(d, at, row)) {
        out.writeBit(true)
        repeatRow(d, at, n)
        d[context + SAMPLES] = samples + 1
        d[context + LAST_SEQ] = seq
        d[context + LAST_TS] = ts
        return
      }
      out.writeBit(false)
    }
    const rates = samples > 0 && ts > lastTs
    const elapsed = (ts - lastTs) / 1000
    rowShareColumn = -1
    for (let c = 0; c < columns; c++) {
      const value = row[c]
      if (typeof value !== 'number') {
        if (value === STALE) out.write(0b11110, 5)
        else out.write(0b1110, 4)
        setWasNull(d, at + LINKS * n + c, value === null)
        continue
      }
      setWasNull(d, at + LINKS * n + c, false)
      numbersBefore[c] = d[at + c] as number
      d[at + c] = value
      const exponent = d[at + PLACES * n + c] as number
      if (exponent >= 0) {
        const scale = SCALES[exponent] as number
        const m = Math.round(value * scale)
        if (m / scale === value && Math.abs(m) <= MAX_SCALED && !Object.is(value, -0)) {
          const last = d[at + SCALED * n + c] as number
          const predicted = predict(d, at, n, c, row, last)
          // The code's 0 bit goes with the difference's own bits (writeFitted).
          writeFitted(out, m - predicted, d, at + SIZE * n + c, 1)
          learnPrediction(d, at, n, c, row, m, last, predicted)
          d[at + SCALED * n + c] = m
          continue
        }
      }
      const places = decimalPlaces(value)
      if (places >= 0) {
        const m = Math.round(value * (SCALES[places] as number))
        out.write(0b10, 2)
        out.write(places, 3)
        writeSigned(out, m)
        d[at + PLACES * n + c] = places
        d[at + SCALED * n + c] = m
        // A factor found for other places no longer holds.
        setSource(d, at + LINKS * n + c, 0)
        continue
      }
      d[at + PLACES * n + c] = -1
      let from = -1
      if (rates && !Object.is(value, -0)) {
        // The column it was the rate of last time, first: it almost always is again.
        const usual = c - rateOf(d, at + LINKS * n + c)
        if (usual < c && isRateOf(d, at, n, row, usual, elapsed, value)) from = usual
        else {
          for (let k = 0; k < c; k++) {
            if (isRateOf(d, at, n, row, k, elapsed, value)) {
              from = k
              break
            }
          }
        }
      }
      if (from >= 0) {
        out.write(0b11111, 5)
        if (c - from === rateOf(d, at + LINKS * n + c)) out.writeBit(false)
        else {
          out.writeBit(true)
          writeSigned(out, c - from)
          setRateOf(d, at + LINKS * n + c, c - from)
        }
      } else if (findShare(d, at, n, c, row, value)) {
        out.write(0b1101, 4)
        writeShare(out, d, at, n, c, row)
      } else {
        out.write(0b1100, 4)
        out.write(highBits(value), 32)
        out.write(lowBitsOfLast(), 32)
      }
    }
    d[context + SAMPLES] = samples + 1
    d[context + LAST_SEQ] = seq
    d[context + LAST_TS] = ts
  }

  /**
   * A sample entry after its tag: `common` for version 2's 0 tag (the header implied), `run` for
   * version 4's 10 (a run's first row), `other` for any other sample.
   */
  read(input: BitReader, header: SampleHeader): { groupId: number; ts: number; seq: number; row: SampleValue[] } {
    const previous = this.groups.get(this.lastGroup)
    const common = header === 'common'
    let member = false
    let place = -1
    let groupId: number
    let ts: number
    let context: number
    if (header === 'run' || header === 'any run') {
      const usual = header === 'run'
      this.dropLate()
      let run = NONE
      ts = this.lastTs + this.readGapOrPick(input, GAP_SIZE)
      if (usual || input.readBit()) {
        const pick = this.readGapOrPick(input, PICK_SIZE)
        const at = this.nearest(ts, NONE, pick)
        if (at < 0) throw new RangeError('log: no run expected there')
        run = this.take(at)
        const first = this.runs[run + RUN_FIRST] as number
        groupId = !usual && input.readBit() ? first + readSigned(input) : first
      } else groupId = this.readJump(input)
      const known = this.groups.get(groupId)
      if (usual) {
        if (known === undefined || this.contexts[known + SAMPLES] === 0) throw new RangeError('log: a run of a group without samples')
        context = known
      } else context = !input.readBit() && known !== undefined ? known : this.context(groupId, readSigned(input))
      if (run === NONE) run = this.newRun(context)
      this.recur(run, groupId, ts)
    } else if (common) {
      if (previous === undefined) throw new RangeError('log: a group follows none')
      groupId = this.contexts[previous + SUCCESSOR] as number
      ts = this.lastTs
      const known = this.groups.get(groupId)
      if (known === undefined || this.contexts[known + SAMPLES] === 0) throw new RangeError('log: a common row of a group without samples')
      context = known
    } else {
      if (!input.readBit()) {
        if (previous === undefined) throw new RangeError('log: a group follows none')
        groupId = this.contexts[previous + SUCCESSOR] as number
      } else if (this.version >= 5 && input.readBit()) {
        member = true
        const [difference, size] = readFitted(input, this.sizes[MEMBER_SIZE] as number)
        this.sizes[MEMBER_SIZE] = size
        const run = this.currentRun
        if (run === NONE) throw new RangeError('log: no member there')
        place = (this.runs[run + RUN_NEXT_COUNT] as number) + difference
        const found = (this.lastMembers[(run / RUN_FIELDS) | 0] as number[])[place | 0]
        if (found === undefined) throw new RangeError('log: no member there')
        groupId = found
        if (previous !== undefined) this.contexts[previous + SUCCESSOR] = groupId
      } else {
        groupId = this.readJump(input)
        if (previous !== undefined) this.contexts[previous + SUCCESSOR] = groupId
      }
      if (member) {
        ts = this.lastTs
        const known = this.groups.get(groupId)
        // A place beyond the last snapshot's rows finds a stale group (the arrays are not cut): its own place says so.
        if (known === undefined || this.memberPlace(known) !== place) throw new RangeError('log: no member there')
        context = known
      } else {
        ts = this.lastTs + readSigned(input)
        const known = this.groups.get(groupId)
        context = !input.readBit() && known !== undefined ? known : this.context(groupId, readSigned(input))
      }
    }
    this.join(context, groupId, ts)
    this.lastGroup = groupId
    this.lastTs = ts
    const d = this.contexts
    const seq = (d[context + LAST_SEQ] as number) + 1 + (common || member || header === 'run' ? 0 : readSigned(input))
    if (this.version >= 2 && (d[context + SAMPLES] as number) > 0 && input.readBit()) {
      const n = d[context + COLUMNS] as number
      const at = context + CONTEXT_HEADER
      repeatRow(d, at, n)
      d[context + SAMPLES] = (d[context + SAMPLES] as number) + 1
      d[context + LAST_SEQ] = seq
      d[context + LAST_TS] = ts
      const row: SampleValue[] = Array.from(d.subarray(at, at + n))
      if (this.predicts) for (let c = 0; c < n; c++) if (wasNull(d, at + LINKS * n + c)) row[c] = null
      return { groupId, ts, seq, row }
    }
    const elapsed = (ts - (d[context + LAST_TS] as number)) / 1000
    const columns = d[context + COLUMNS] as number
    const n = columns
    const at = context + CONTEXT_HEADER
    const row: SampleValue[] = new Array<SampleValue>(columns)
    rowShareColumn = -1
    for (let c = 0; c < columns; c++) {
      let value: number
      const code = readOnes(input, 5)
      if (code === 0) {
        const last = d[at + SCALED * n + c] as number
        const predicted = this.predicts ? predict(d, at, n, c, row, last) : last
        const [difference, size] = readFitted(input, d[at + SIZE * n + c] as number)
        d[at + SIZE * n + c] = size
        const m = predicted + difference
        if (this.predicts) learnPrediction(d, at, n, c, row, m, last, predicted)
        d[at + SCALED * n + c] = m
        value = m / (SCALES[d[at + PLACES * n + c] as number] as number)
      } else if (code === 1) {
        const places = input.read(3)
        const m = readSigned(input)
        d[at + PLACES * n + c] = places
        d[at + SCALED * n + c] = m
        setSource(d, at + LINKS * n + c, 0)
        value = m / (SCALES[places] as number)
      } else if (code === 2) {
        d[at + PLACES * n + c] = -1
        value = this.version >= 5 && input.readBit() ? readShare(input, d, at, n, c, row) : fromBits(input.read(32), input.read(32))
      } else if (code === 3) {
        row[c] = null
        setWasNull(d, at + LINKS * n + c, true)
        continue
      } else if (code === 4) {
        row[c] = STALE
        setWasNull(d, at + LINKS * n + c, false)
        continue
      } else {
        let distance: number
        if (!this.predicts) distance = readSigned(input)
        else if (input.readBit()) {
          distance = readSigned(input)
          setRateOf(d, at + LINKS * n + c, distance)
        } else distance = rateOf(d, at + LINKS * n + c)
        const from = c - distance
        d[at + PLACES * n + c] = -1
        value = ((d[at + from] as number) - (numbersBefore[from] as number)) / elapsed
      }
      setWasNull(d, at + LINKS * n + c, false)
      numbersBefore[c] = d[at + c] as number
      d[at + c] = value
      row[c] = value
    }
    d[context + SAMPLES] = (d[context + SAMPLES] as number) + 1
    d[context + LAST_SEQ] = seq
    d[context + LAST_TS] = ts
    return { groupId, ts, seq, row }
  }
}

// Shares (version 5): a value that is a decimal S times one earlier column of its row over the
// sum of that column and another, S × a ÷ (a + b), to the bit — AIX iostat's read and write
// rates, its one printed throughput (Kbps) split in the shares of the kB read and written,
// which are not decimals. Written as the two columns (their distances back; one bit when they
// are the column's last ones) and S: one bit when it is the S of the share before in the row
// (the write rate after the read rate), else its places (one bit when the column's last) and
// its difference from the column's last S scaled by how the total moved (the throughput goes
// with the kB of the interval). A share column's context keeps S scaled in SCALED, the mean
// size of its differences in SIZE, and the two distances and S's places packed in FACTOR
// (unused by columns that are not decimals).

/** How far back the two columns of a share are looked for (AIX iostat: 1 and 2). */
const MAX_SHARE_DISTANCE = 4
const SHARE_PACK = 1 << 15

/** The share found by findShare, or read: its columns' distances back, S's places and S scaled. */
let shareA = 0
let shareB = 0
let sharePlaces = 0
let shareScaled = 0
/** Whether the share is the complement of the row's last one (its other column over the same total, the same S). */
let shareComplement = false
/** The row's last share (its column, -1 before one; the columns of its part and of the rest, S's places and S scaled). */
let rowShareColumn = -1
let rowSharePart = 0
let rowShareRest = 0
let rowSharePlaces = 0
let rowShareScaled = 0

/** Whether `value` at column c is S × b ÷ (a + b) for the S, a and b of the row's last share (S × a ÷ (a + b)); sets the share's fields when it is. */
function complementOf(row: readonly SampleValue[], c: number, value: number): boolean {
  if (rowShareColumn < 0) return false
  const part = row[rowShareRest] as number
  const other = row[rowSharePart] as number
  if ((((rowShareScaled / (SCALES[rowSharePlaces] as number)) * part) / (part + other)) !== value) return false
  shareA = c - rowShareRest
  shareB = c - rowSharePart
  sharePlaces = rowSharePlaces
  shareScaled = rowShareScaled
  return true
}

/** Whether `value` at column c is a share of its row (version 5): sets shareA, shareB, sharePlaces and shareScaled. */
function findShare(d: Float64Array, at: number, n: number, c: number, row: readonly SampleValue[], value: number): boolean {
  if (Object.is(value, -0) || !Number.isFinite(value)) return false
  shareComplement = complementOf(row, c, value)
  if (shareComplement) return true
  // The column's last pair first (FACTOR holds a decimal's factor in a column that was one: a pair only checked, never trusted).
  const known = d[at + FACTOR * n + c] as number
  const a = known % SHARE_PACK
  const b = Math.floor(known / SHARE_PACK) % SHARE_PACK
  if (Number.isInteger(known) && a >= 1 && b >= 1 && a !== b && a <= c && b <= c && shareOfColumns(row, c, a, b, value)) return true
  for (let a = 1; a <= Math.min(c, MAX_SHARE_DISTANCE); a++) {
    for (let b = 1; b <= Math.min(c, MAX_SHARE_DISTANCE); b++) if (a !== b && shareOfColumns(row, c, a, b, value)) return true
  }
  return false
}

/** Whether `value` is S × a ÷ (a + b) for the columns a and b back and a decimal S (the fewest places that give it). */
function shareOfColumns(row: readonly SampleValue[], c: number, a: number, b: number, value: number): boolean {
  const part = row[c - a]
  const other = row[c - b]
  if (typeof part !== 'number' || typeof other !== 'number' || part === 0) return false
  const total = part + other
  const whole = (value * total) / part
  if (!Number.isFinite(whole)) return false
  for (let places = 0; places <= MAX_DECIMAL_PLACES; places++) {
    const scale = SCALES[places] as number
    const m = Math.round(whole * scale)
    if (Math.abs(m) > MAX_SCALED) return false
    if (((m / scale) * part) / total === value && !Object.is(m, -0)) {
      shareA = a
      shareB = b
      sharePlaces = places
      shareScaled = m
      return true
    }
  }
  return false
}

/**
 * What S (scaled) of column c is written against: the total times the ratio of the column's
 * value before to its part then (S ÷ total, one over iostat's interval: the total moves, the
 * ratio hardly), whether that value was a share or a decimal; else its last S.
 */
function predictShare(d: Float64Array, at: number, n: number, c: number, row: readonly SampleValue[], before: number): number {
  const total = (row[c - shareA] as number) + (row[c - shareB] as number)
  const predicted = Math.round(((before * total) / (numbersBefore[c - shareA] as number)) * (SCALES[sharePlaces] as number))
  return Number.isFinite(predicted) && Math.abs(predicted) <= MAX_SCALED ? predicted : (d[at + SCALED * n + c] as number)
}

/** The share found by findShare, after its code. */
function writeShare(out: BitWriter, d: Float64Array, at: number, n: number, c: number, row: readonly SampleValue[]): void {
  out.writeBit(shareComplement)
  if (shareComplement) return keepShare(d, at, n, c)
  const known = d[at + FACTOR * n + c] as number
  const pair = shareA + shareB * SHARE_PACK
  if (known % (SHARE_PACK * SHARE_PACK) === pair) out.writeBit(false)
  else {
    out.writeBit(true)
    writeSigned(out, shareA)
    writeSigned(out, shareB)
  }
  if (Math.floor(known / (SHARE_PACK * SHARE_PACK)) === sharePlaces) out.writeBit(false)
  else {
    out.writeBit(true)
    out.write(sharePlaces, 3)
  }
  writeFitted(out, shareScaled - predictShare(d, at, n, c, row, numbersBefore[c] as number), d, at + SIZE * n + c)
  keepShare(d, at, n, c)
}

function readShare(input: BitReader, d: Float64Array, at: number, n: number, c: number, row: readonly SampleValue[]): number {
  if (input.readBit()) {
    if (rowShareColumn < 0) throw new RangeError('log: a complement of no share')
    shareA = c - rowShareRest
    shareB = c - rowSharePart
    sharePlaces = rowSharePlaces
    shareScaled = rowShareScaled
  } else {
    const known = d[at + FACTOR * n + c] as number
    if (input.readBit()) {
      shareA = readSigned(input)
      shareB = readSigned(input)
    } else {
      shareA = known % SHARE_PACK
      shareB = Math.floor(known / SHARE_PACK) % SHARE_PACK
    }
    if (!Number.isInteger(shareA) || shareA < 1 || shareB < 1 || shareA === shareB || shareA > c || shareB > c) throw new RangeError('log: a share of columns not in the row')
    if (typeof row[c - shareA] !== 'number' || typeof row[c - shareB] !== 'number') throw new RangeError('log: a share of a column without a number')
    sharePlaces = input.readBit() ? input.read(3) : Math.floor(known / (SHARE_PACK * SHARE_PACK))
    const [difference, size] = readFitted(input, d[at + SIZE * n + c] as number)
    d[at + SIZE * n + c] = size
    shareScaled = predictShare(d, at, n, c, row, d[at + c] as number) + difference
  }
  keepShare(d, at, n, c)
  const part = row[c - shareA] as number
  return ((shareScaled / (SCALES[sharePlaces] as number)) * part) / (part + (row[c - shareB] as number))
}

/** What writing or reading a share leaves in the column's context, and for the row's next share. */
function keepShare(d: Float64Array, at: number, n: number, c: number): void {
  d[at + FACTOR * n + c] = shareA + shareB * SHARE_PACK + sharePlaces * SHARE_PACK * SHARE_PACK
  d[at + SCALED * n + c] = shareScaled
  rowShareColumn = c
  rowSharePart = c - shareA
  rowShareRest = c - shareB
  rowSharePlaces = sharePlaces
  rowShareScaled = shareScaled
}

// A column's links (at index i of a context array).

const sourceOf = (d: Float64Array, i: number): number => (d[i] as number) & DISTANCE_MASK
const rateOf = (d: Float64Array, i: number): number => ((d[i] as number) >>> RATE_OF_SHIFT) & DISTANCE_MASK
const wasNull = (d: Float64Array, i: number): boolean => ((d[i] as number) & WAS_NULL_BIT) !== 0

function setSource(d: Float64Array, i: number, distance: number): void {
  d[i] = ((d[i] as number) & ~DISTANCE_MASK) | (distance & DISTANCE_MASK)
}

function setRateOf(d: Float64Array, i: number, distance: number): void {
  d[i] = ((d[i] as number) & ~(DISTANCE_MASK << RATE_OF_SHIFT)) | ((distance & DISTANCE_MASK) << RATE_OF_SHIFT)
}

function setWasNull(d: Float64Array, i: number, set: boolean): void {
  d[i] = set ? (d[i] as number) | WAS_NULL_BIT : (d[i] as number) & ~WAS_NULL_BIT
}

/**
 * Whether every value of the row is the group's last one of its column, a decimal at the same
 * places, or null where that was null: then the row is one bit.
 */
function repeats(d: Float64Array, at: number, row: readonly SampleValue[]): boolean {
  const n = row.length
  for (let c = 0; c < n; c++) {
    const value = row[c]
    const lastNull = wasNull(d, at + LINKS * n + c)
    if (value === null && lastNull) continue
    if (typeof value !== 'number' || lastNull || value !== d[at + c]) return false
    const exponent = d[at + PLACES * n + c] as number
    if (exponent < 0) return false
    const scale = SCALES[exponent] as number
    const m = Math.round(value * scale)
    if (m !== d[at + SCALED * n + c] || m / scale !== value || Object.is(value, -0)) return false
  }
  return true
}

/** What writing (or reading) a zero difference for every column does to the context at `at`. */
function repeatRow(d: Float64Array, at: number, n: number): void {
  for (let c = 0; c < n; c++) {
    const size = d[at + SIZE * n + c] as number
    d[at + SIZE * n + c] = size - size / 4
  }
}

/** Whether `value` is the rate of column k: its change since the row before ÷ `elapsed` seconds, to the bit. */
function isRateOf(d: Float64Array, at: number, n: number, row: readonly SampleValue[], k: number, elapsed: number, value: number): boolean {
  return typeof row[k] === 'number' && ((d[at + k] as number) - (numbersBefore[k] as number)) / elapsed === value
}

/**
 * What a decimal column's next scaled value is written against (version 3): the column it goes
 * with times the factor seen, when it has one and that column holds a number in this row; else
 * `last`, the column's value before.
 */
function predict(d: Float64Array, at: number, n: number, c: number, row: readonly SampleValue[], last: number): number {
  const distance = sourceOf(d, at + LINKS * n + c)
  if (distance === 0) return last
  const source = row[c - distance]
  if (typeof source !== 'number') return last
  const predicted = Math.round(source * (d[at + FACTOR * n + c] as number))
  // Within the bound, the difference is exact (a NaN or an infinite source fails the test).
  return Math.abs(predicted) <= MAX_SCALED ? predicted : last
}

/**
 * After a decimal column's value `m` (scaled) was written against `predicted`: a prediction
 * from another column that did worse than the value before would have is dropped; a column
 * without one that moved looks for an earlier column of the row whose ratio to it, this row's,
 * would have predicted the value before (with that column's value before) far better than the
 * move — iostat's kB/s from its kB of the interval. Writer and reader run it on the same
 * numbers, so both know the prediction without a bit of it written. Small moves are not worth
 * a search (and two small integers match by chance).
 */
function learnPrediction(d: Float64Array, at: number, n: number, c: number, row: readonly SampleValue[], m: number, last: number, predicted: number): void {
  const distance = sourceOf(d, at + LINKS * n + c)
  if (distance !== 0) {
    if (m === predicted) return
    if (Math.abs(m - predicted) > Math.abs(m - last)) {
      setSource(d, at + LINKS * n + c, 0)
      return
    }
    // Missed, but close: this row's ratio replaces the factor when it also gives the value
    // before, so that one odd row (iostat's 5.01 s) does not move a factor that holds.
    const now = row[c - distance]
    if (typeof now !== 'number') return
    const factor = m / now
    if (Math.round((numbersBefore[c - distance] as number) * factor) === last) d[at + FACTOR * n + c] = factor
    return
  }
  const move = Math.abs(m - last)
  if (move < MIN_PREDICTED_CHANGE) return
  for (let k = c - 1; k >= 0; k--) {
    const now = row[k]
    if (typeof now !== 'number' || now === 0 || !Number.isFinite(now)) continue
    // The column's value before this row: set for the columns already written in it.
    const before = numbersBefore[k] as number
    if (before === now) continue
    const factor = m / now
    if (Math.abs(last - Math.round(before * factor)) * 8 < move) {
      setSource(d, at + LINKS * n + c, c - k)
      d[at + FACTOR * n + c] = factor
      return
    }
  }
}

/** `numbers`, or a copy twice as large (at least) holding its first `used`, so that `needed` more fit after them. */
function withRoom(numbers: Float64Array<ArrayBuffer>, used: number, needed: number): Float64Array<ArrayBuffer> {
  if (used + needed <= numbers.length) return numbers
  const grown = new Float64Array(Math.max(numbers.length * 2, used + needed))
  grown.set(numbers.subarray(0, used))
  return grown
}

/**
 * A difference in a width that follows the column (adaptive Rice coding): 0 in one bit; one that
 * fits the width in 2 + width bits; anything else escaped. The column's mean size is read from
 * and updated in `sizes[at]`: returned, the fraction would be a new heap number for every value
 * logged (~40 MB of garbage in `bench/ingest.ts 1000 41`). `zeros`: 0 bits the caller's code
 * puts first (written with the difference's bits, in one write where they fit).
 */
function writeFitted(out: BitWriter, value: number, sizes: Float64Array, at: number, zeros = 0): void {
  const size = sizes[at] as number
  const width = fittedWidth(size)
  if (value === 0) {
    out.write(0, zeros + 1)
    sizes[at] = size - size / 4
    return
  }
  const stored = (value > 0 ? value * 2 : -value * 2 - 1) - 1
  // A shift, not 2 ** width (a call to Math.pow for a width not known in advance): width <= 30.
  const limit = 1 << width
  if (stored < limit) {
    // 0…0 10 and the width's bits: one field of at most 32 bits (BitWriter.write splits those over 24).
    if (zeros + 2 + width <= 32) out.write(2 * limit + stored, zeros + 2 + width)
    else {
      out.write(0b10, zeros + 2)
      out.write(stored, width)
    }
  } else {
    out.write(0b11, zeros + 2)
    writeSigned(out, value)
  }
  sizes[at] = size + (stored - size) / 4
}

function readFitted(input: BitReader, size: number): [value: number, size: number] {
  if (!input.readBit()) return [0, size - size / 4]
  let value: number
  let stored: number
  if (input.readBit()) {
    value = readSigned(input)
    stored = (value > 0 ? value * 2 : -value * 2 - 1) - 1
  } else {
    stored = input.read(fittedWidth(size))
    const zigzag = stored + 1
    value = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2
  }
  return [value, size + (stored - size) / 4]
}

function fittedWidth(size: number): number {
  return size < 1 ? 0 : Math.min(30, 32 - Math.clz32(Math.floor(size)))
}

/** Ones a Rice code writes for the quotient before it gives up and writes the value whole (writeSigned). */
const RICE_ESCAPE = 12
/** Widest remainder of a Rice code: wider means a mean above anything a run start's gap or place has. */
const MAX_RICE_WIDTH = 24

/**
 * A whole number ≥ 0 in a Rice code whose width follows the mean of the values written (kept
 * in `sizes[at]`): the quotient by 2^width in unary, then the remainder. A run start's gap and
 * place are about geometric (a fleet's snapshots at random phases), for which this is within a
 * few hundredths of a bit of the entropy, where writeFitted (one width for every value, others
 * escaped) wrote ~2 bits more of each. A negative value (a time going back) or a large one
 * after RICE_ESCAPE ones, whole.
 */
function writeRice(out: BitWriter, value: number, sizes: Float64Array, at: number): void {
  const size = sizes[at] as number
  const width = riceWidth(size)
  // Shifts, not 2 ** n (a call to Math.pow for an n not known in advance): width <= 24, quotient < 12.
  const unit = 1 << width
  const quotient = value >= 0 ? Math.floor(value / unit) : RICE_ESCAPE
  if (quotient < RICE_ESCAPE) {
    // quotient ones and a zero: 2^(quotient+1) − 2.
    const prefix = (1 << (quotient + 1)) - 2
    if (quotient + 1 + width <= 32) out.write(prefix * unit + (value - quotient * unit), quotient + 1 + width)
    else {
      out.write(prefix, quotient + 1)
      out.write(value - quotient * unit, width)
    }
  } else {
    out.write((1 << RICE_ESCAPE) - 1, RICE_ESCAPE)
    writeSigned(out, value)
  }
  sizes[at] = size + (Math.min(Math.abs(value), MAX_SIGNED) - size) / RICE_MEAN
}

function readRice(input: BitReader, sizes: Float64Array, at: number): number {
  const size = sizes[at] as number
  const width = riceWidth(size)
  const quotient = readOnes(input, RICE_ESCAPE)
  const value = quotient < RICE_ESCAPE ? quotient * (1 << width) + input.read(width) : readSigned(input)
  sizes[at] = size + (Math.min(Math.abs(value), MAX_SIGNED) - size) / RICE_MEAN
  return value
}

/** A Rice code's mean follows the last ~16 values. */
const RICE_MEAN = 16
/** The width of a Rice code best for a geometric distribution of mean `mean`: 2^width ≈ mean × ln 2. */
function riceWidth(mean: number): number {
  const scaled = mean * Math.LN2
  return scaled < 1 ? 0 : Math.min(MAX_RICE_WIDTH, 31 - Math.clz32(Math.floor(scaled)))
}

/** A prefix code: the number of 1 bits before a 0, or `max` after `max` ones (no 0 then). */
function readOnes(input: BitReader, max: number): number {
  let ones = 0
  while (ones < max && input.readBit()) ones++
  return ones
}

/** The fewest decimal places that hold `value` exactly (within MAX_SCALED), or -1. */
function decimalPlaces(value: number): number {
  if (!Number.isFinite(value) || Object.is(value, -0)) return -1
  for (let places = 0; places <= MAX_DECIMAL_PLACES; places++) {
    const scale = SCALES[places] as number
    const m = Math.round(value * scale)
    if (Math.abs(m) > MAX_SCALED) return -1
    if (m / scale === value) return places
  }
  return -1
}

export class HeadLog {
  private fd: number | null = null
  private segmentId = -1
  private codec = new SegmentCodec()
  /** The record being built: entries are encoded as they come, written at flush. */
  private readonly record = new BitWriter(1 << 16)
  private entries = 0
  private lastSync = 0
  /** Whether the current segment's format marker is written. */
  private marked = false

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
   * Visits the records of the segments on disk, oldest first, but for those `done` (already in
   * SQLite: a crash came between the cut's commit and their deletion), which are deleted. A torn
   * last record ends its segment. Returns the ids of the segments visited.
   */
  replay(visitor: LogVisitor, done: ReadonlySet<number> = new Set()): number[] {
    const visited: number[] = []
    for (const id of this.segments()) {
      if (done.has(id)) {
        rmSync(this.path(id), { force: true })
        continue
      }
      visited.push(id)
      visitor.segment(id)
      const bytes = readFileSync(this.path(id))
      let offset = 0
      let version = 1
      if (bytes.length >= RECORD_HEADER && bytes.readUInt32LE(0) === FORMAT_MARK) {
        version = bytes.readUInt32LE(4)
        offset = RECORD_HEADER
        // A later version's segment (from a newer app): not ours to read.
        if (version > FORMAT_VERSION) continue
      }
      const codec = new SegmentCodec(version, true)
      while (offset + RECORD_HEADER <= bytes.length) {
        const length = bytes.readUInt32LE(offset)
        const checksum = bytes.readUInt32LE(offset + 4)
        const payload = bytes.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length)
        if (payload.length < length || crc32(payload) !== checksum) break
        const input = new BitReader(payload)
        if (version === 1) {
          for (let tag = readOnes(input, 3); tag !== 3; tag = readOnes(input, 3)) {
            if (tag === 0) {
              const { groupId, ts, seq, row } = codec.read(input, 'other')
              visitor.sample(groupId, ts, seq, row)
            } else if (tag === 1) visitor.group(codec.readGroup(input))
            else visitor.deleted(readSigned(input))
          }
        } else if (version <= 3) {
          for (let tag = readOnes(input, 4); tag !== 4; tag = readOnes(input, 4)) {
            if (tag <= 1) {
              const { groupId, ts, seq, row } = codec.read(input, tag === 0 ? 'common' : 'other')
              visitor.sample(groupId, ts, seq, row)
            } else if (tag === 2) visitor.group(codec.readGroup(input))
            else visitor.deleted(readSigned(input))
          }
        } else {
          for (let tag = readOnes(input, 6); tag !== 6; tag = readOnes(input, 6)) {
            if (tag <= 3) {
              const { groupId, ts, seq, row } = codec.read(input, SAMPLE_HEADERS[tag] as SampleHeader)
              visitor.sample(groupId, ts, seq, row)
            } else if (tag === 4) visitor.group(codec.readGroup(input))
            else visitor.deleted(readSigned(input))
          }
        }
        offset += RECORD_HEADER + length
      }
    }
    return visited
  }

  /** Bytes the current segment's codec holds in use (its groups' contexts, its runs). */
  get contextBytes(): number {
    return this.codec.bytesInUse
  }

  /** The segment new entries go to (started now if there is none). */
  get segment(): number {
    this.open()
    return this.segmentId
  }

  addGroup(group: LoggedGroup): void {
    this.open()
    this.record.write(0b11110, 5)
    this.codec.writeGroup(this.record, group)
    this.entries++
  }

  addSample(groupId: number, ts: number, seq: number, row: readonly SampleValue[], slot?: LogSlot): void {
    this.open()
    this.codec.write(this.record, groupId, ts, seq, row, slot)
    this.entries++
  }

  addDeleted(groupId: number): void {
    this.open()
    this.record.write(0b111110, 6)
    writeSigned(this.record, groupId)
    this.entries++
  }

  /** Writes what was added since the last flush as one record; fsyncs at most once a second. */
  flush(): void {
    if (this.entries === 0 || this.fd === null) return
    this.record.write(0b111111, 6)
    const payloadLength = (this.record.bitLength + 7) >>> 3
    // The segment's format marker goes with its first record (a segment never written to stays empty).
    const start = this.marked ? 0 : RECORD_HEADER
    const buffer = Buffer.allocUnsafe(start + RECORD_HEADER + payloadLength)
    if (!this.marked) {
      buffer.writeUInt32LE(FORMAT_MARK, 0)
      buffer.writeUInt32LE(FORMAT_VERSION, 4)
    }
    const payload = buffer.subarray(start + RECORD_HEADER)
    this.record.copyTo(payload)
    buffer.writeUInt32LE(payloadLength, start)
    buffer.writeUInt32LE(crc32(payload), start + 4)
    writeSync(this.fd, buffer)
    this.marked = true
    this.record.reset()
    this.entries = 0
    const now = performance.now()
    if (now - this.lastSync >= SYNC_EVERY_MS) {
      fdatasyncSync(this.fd)
      this.lastSync = now
    }
  }

  /** Makes what was written so far durable now. */
  sync(): void {
    if (this.fd === null) return
    fdatasyncSync(this.fd)
    this.lastSync = performance.now()
  }

  /**
   * Flushes, closes the current segment and starts a new one; returns the ids of the segments
   * before it, to be retired once nothing they hold is needed.
   */
  rotate(): number[] {
    this.flush()
    this.closeSegment()
    const older = this.segments()
    this.startSegment()
    return older
  }

  /** Deletes segments, oldest first (so what is left is always a run of the newest). */
  retire(segments: readonly number[]): void {
    for (const id of [...segments].sort((a, b) => a - b)) rmSync(this.path(id), { force: true })
  }

  close(): void {
    this.flush()
    this.closeSegment()
  }

  private open(): void {
    if (this.fd === null) this.startSegment()
  }

  private startSegment(): void {
    // Always a new file: a segment's records are written against its own earlier ones.
    this.segmentId = Math.max(this.now(), (this.segments().at(-1) ?? -1) + 1, this.segmentId + 1)
    this.codec = new SegmentCodec(FORMAT_VERSION, false, this.codec.contextsUsed)
    this.record.reset()
    this.entries = 0
    this.fd = openSync(this.path(this.segmentId), 'a', 0o600)
    this.marked = false
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
      .filter((id) => Number.isSafeInteger(id))
      .sort((a, b) => a - b)
  }

  private path(id: number): string {
    return join(this.dir, `${id}${SEGMENT_SUFFIX}`)
  }
}

