// What remote write has still to send, read from the series store itself: the store is the
// queue. Each group sent has a cursor (remote-write-repo.ts) — the sequence number of its next
// sample to send and the newest time sent — and a batch is the next samples of the groups
// whose store sequence has moved past their cursor, as Prometheus series (SeriesModel names
// them as the query API does). Memory stays bounded by the batch, however far behind the
// receiver is: the backlog is on disk, in the chunks the store keeps anyway.
//
// Groups are found where they can have samples not sent: in the store's memory (looked at
// every time), and out of memory with chunks between the mark before which everything was sent
// (sent_before_ms) and the backlog's start — a process that came and went while the receiver
// was down and Vigil was restarted; those are looked through an hour of chunks at a time, as
// sending gets there. Cursors are kept in memory only for the groups in memory and those waiting;
// the others are on disk, and a fleet's processes leave hundreds of thousands of them an hour.
//
// A receiver takes each series in time order, so a group is sent forwards only: a sample whose
// time is not after the newest sent (a backfill into the past) is passed over. Across groups a
// backlog goes out in time order too, a slice at a time (SLICE_MS).
import { STALE, type SampleValue } from '../../base/series/sample'
import type { GroupInfo, SeriesRange, SeriesStore } from '../../base/series/series-store'
import type { LabelSet } from '../series/label-sets'
import type { SeriesModel } from '../series/series-model'
import type { SendCursor, SendProgress } from './remote-write-repo'
import type { RemoteSeries } from './write-request'

/** One request's worth of samples, and the cursors once the receiver has them. */
export interface Batch {
  series: RemoteSeries[]
  samples: number
  cursors: Map<number, SendCursor>
}

/**
 * How far past the cursor furthest behind a batch reaches. A backlog is sent in time order
 * across groups, slice after slice, as Prometheus' own sender sends its WAL: a receiver such as
 * Prometheus refuses a sample more than an hour older than the newest it holds (out of
 * bounds), so one group's whole backlog sent first would make the others' too old.
 */
const SLICE_MS = 15 * 60_000

/**
 * A group's rows are read this far ahead of its cursor and kept for the slices that follow
 * (a chunk spans hours: read slice by slice, it would be decoded once a slice), up to
 * MAX_READ_AHEAD_VALUES values over all groups — the bound on what a catch-up holds in memory.
 * Rows stored meanwhile into what was read ahead (an import into the past) are not seen: like a
 * sample older than what was sent, they are passed over.
 */
const READ_AHEAD_MS = 4 * SLICE_MS
const MAX_READ_AHEAD_VALUES = 2_000_000

/**
 * How far before a look that found everything sent the mark is put: a group stays in the store's
 * memory for minutes after its last sample (and is looked at every second or, while a receiver
 * is retried, every 30 s at most), so only what is stored late with older times (an import)
 * could be before the look and still unseen.
 */
const SENT_MARGIN_MS = 15 * 60_000
/**
 * How far past the oldest time known unsent the groups out of memory are looked for: a group out
 * of memory ended, and its chunks span 65 minutes at most (the store's longest head), so one
 * with samples before the horizon ends less than two hours after it.
 */
const LOOK_AHEAD_MS = 2 * 3_600_000
/** The grain of the store's index of groups by where their chunks end. */
const HOUR_MS = 3_600_000
/** The mark is recorded when it has moved this far (a row written a minute at most). */
const RECORD_MARK_EVERY_MS = 60_000

/** The cursors recorded on disk. */
export interface RecordedCursors {
  cursor(groupId: number): SendCursor | undefined
}

interface ReadAhead {
  range: SeriesRange
  /** The rows of (after, to]. */
  after: number
  to: number
  values: number
}

interface GroupSeries {
  column: number
  labels: RemoteSeries['labels']
}

export class SendBacklog {
  /** Groups with samples not sent, in the order they are served. */
  private readonly lagging = new Set<number>()
  /** The cursors of the groups in memory at the last look and of the lagging ones (the others are on disk). */
  private readonly cursors = new Map<number, SendCursor>()
  /** Lagging groups out of memory, and their next sequence numbers (they do not grow out of memory). */
  private readonly outOfMemory = new Map<number, number>()
  /** The groups out of memory with chunks ending before this (an hour's start) have been looked at. */
  private lookedOutOfMemoryTo: number
  private sentBefore: number
  private pending = 0
  private pendingGroups = 0
  private readonly readAhead = new Map<number, ReadAhead>()
  private readAheadValues = 0

  constructor(
    private readonly store: SeriesStore,
    private readonly model: SeriesModel,
    private readonly recorded: RecordedCursors,
    private readonly progress: SendProgress,
    /** When the backlog began: groups out of memory then are looked for up to this; later ones are seen in memory first. */
    private readonly startedAt: number
  ) {
    this.sentBefore = progress.sentBeforeMs
    this.lookedOutOfMemoryTo = Math.floor(Math.max(progress.sinceMs, progress.sentBeforeMs) / HOUR_MS) * HOUR_MS
  }

  /**
   * Looks for groups with samples not sent yet: one comparison per group in memory, and the
   * groups out of memory (see lookOutOfMemory).
   */
  refresh(): void {
    let pending = 0
    let groups = 0
    const seen = new Set<number>()
    for (const { id, nextSeq } of this.store.groupsInMemory()) {
      seen.add(id)
      const behind = nextSeq - this.cursorOf(id).nextSeq
      if (behind > 0) {
        this.lagging.add(id)
        this.outOfMemory.delete(id)
        pending += behind
        groups++
      }
    }
    this.lookOutOfMemory(seen)
    for (const id of this.lagging) {
      if (seen.has(id)) continue
      let nextSeq = this.outOfMemory.get(id)
      if (nextSeq === undefined) {
        // Left memory since the last look.
        nextSeq = this.store.nextSeq(id) ?? 0
        this.outOfMemory.set(id, nextSeq)
      }
      const behind = nextSeq - this.cursorOf(id).nextSeq
      if (behind > 0) {
        pending += behind
        groups++
      }
    }
    for (const id of this.cursors.keys()) if (!seen.has(id) && !this.lagging.has(id)) this.cursors.delete(id)
    this.pending = pending
    this.pendingGroups = groups
  }

  /**
   * The groups out of memory with samples not sent, an hour of chunks at a time from the mark up
   * to the backlog's start, only as far as LOOK_AHEAD_MS past the oldest time known unsent: a
   * long backlog (a receiver down for days while a fleet's processes come and go) is held a few
   * hours at a time, not whole.
   */
  private lookOutOfMemory(seen: ReadonlySet<number>): void {
    while (this.lookedOutOfMemoryTo <= this.startedAt && this.lookedOutOfMemoryTo < this.oldestUnsent() + LOOK_AHEAD_MS) {
      const from = this.lookedOutOfMemoryTo
      for (const { id, nextSeq } of this.store.groupsOutOfMemoryEndingIn(from, from + HOUR_MS)) {
        if (seen.has(id) || this.lagging.has(id)) continue
        // Read, not kept, unless the group waits: most were sent.
        const cursor = this.recorded.cursor(id) ?? this.unsentCursor()
        if (nextSeq > cursor.nextSeq) {
          this.lagging.add(id)
          this.cursors.set(id, cursor)
          this.outOfMemory.set(id, nextSeq)
        }
      }
      this.lookedOutOfMemoryTo = from + HOUR_MS
    }
  }

  /**
   * After a look at `now` that found nothing to send: everything stored before now (less a
   * margin) has been sent. The new mark, when it is to be recorded; null otherwise.
   */
  markSent(now: number): number | null {
    if (this.lagging.size > 0) return null
    const mark = now - SENT_MARGIN_MS
    if (mark < this.sentBefore + RECORD_MARK_EVERY_MS) return null
    this.sentBefore = mark
    return mark
  }

  /** Groups whose cursors are in memory (bounded by the groups in the store's memory and the lagging ones). */
  get cursorsInMemory(): number {
    return this.cursors.size
  }

  /** Rows stored and not sent yet, at the last refresh (a row holds one sample of each of a group's series). */
  get pendingRows(): number {
    return this.pending
  }

  /** The groups those rows are in, at the last refresh. */
  get laggingGroups(): number {
    return this.pendingGroups
  }

  /**
   * Up to about `maxSamples` samples of the lagging groups, none later than the horizon (see
   * SLICE_MS); null when everything has been sent.
   */
  next(maxSamples: number): Batch | null {
    const batch: Batch = { series: [], samples: 0, cursors: new Map() }
    const registry = this.model.registrySnapshot()
    const horizon = this.horizon()
    for (const id of this.lagging) {
      if (batch.samples >= maxSamples) break
      const cursor = this.cursorOf(id)
      // Sent up to the horizon already: the next slice.
      if (cursor.lastTs >= horizon) continue
      const group = this.store.storedGroup(id)
      if (group === undefined) {
        this.settled(id)
        continue
      }
      const series = this.model.seriesOfGroup(group, registry).map(({ column, labels }) => ({ column, labels: remoteLabels(labels) }))
      const taken = this.take(group, cursor, series, maxSamples - batch.samples, batch, horizon)
      if (taken.cursor.nextSeq !== cursor.nextSeq || taken.cursor.lastTs !== cursor.lastTs) batch.cursors.set(id, taken.cursor)
      if (taken.outcome === 'complete') this.settled(id)
      else if (taken.outcome === 'budget') break
    }
    return batch.cursors.size === 0 ? null : batch
  }

  /** The receiver has the batch (or refused it for good): its groups move on. */
  commit(batch: Batch): void {
    for (const [id, cursor] of batch.cursors) this.cursors.set(id, cursor)
  }

  /**
   * The rows after a group's cursor and up to the horizon, within the budget, into the batch:
   * 'complete' when that was all the group has, 'horizon' when it has more after the horizon,
   * 'budget' when the batch is full.
   */
  private take(group: GroupInfo, cursor: SendCursor, series: readonly GroupSeries[], budget: number, batch: Batch, horizon: number): { cursor: SendCursor; outcome: 'complete' | 'horizon' | 'budget' } {
    const nextSeq = this.store.nextSeq(group.id) ?? cursor.nextSeq
    const lastTs = this.store.lastTs(group.id)
    // Nothing newer than what was sent (or a group Vigil does not expose): only the cursor moves.
    if (lastTs === null || lastTs <= cursor.lastTs || series.length === 0) return { cursor: { nextSeq, lastTs: Math.max(cursor.lastTs, lastTs ?? cursor.lastTs) }, outcome: 'complete' }
    const until = Math.min(lastTs, horizon)
    if (until <= cursor.lastTs) return { cursor, outcome: 'horizon' }
    const range = this.rowsBetween(group.id, cursor.lastTs, until, lastTs)
    const maxRows = Math.max(1, Math.floor(budget / series.length))
    const rows: number[] = []
    for (let r = 0; r < range.ts.length && rows.length < maxRows; r++) if ((range.seq[r] as number) >= cursor.nextSeq) rows.push(r)
    if (rows.length > 0) batch.samples += appendSeries(batch.series, series, range, rows)
    const last = rows.at(-1)
    if (rows.length < countAtOrAfter(range.seq, cursor.nextSeq)) return { cursor: { nextSeq: (range.seq[last as number] as number) + 1, lastTs: range.ts[last as number] as number }, outcome: 'budget' }
    if (until === lastTs) return { cursor: { nextSeq, lastTs }, outcome: 'complete' }
    return { cursor: { nextSeq: last === undefined ? cursor.nextSeq : (range.seq[last] as number) + 1, lastTs: until }, outcome: 'horizon' }
  }

  /** A group's rows with times in (after, until], from what was read ahead when it covers them. */
  private rowsBetween(groupId: number, after: number, until: number, lastTs: number): SeriesRange {
    let ahead = this.readAhead.get(groupId)
    if (ahead === undefined || ahead.after > after || ahead.to < until) {
      this.forgetReadAhead(groupId)
      const to = Math.min(lastTs, Math.max(until, after + READ_AHEAD_MS))
      const range = this.store.read(groupId, after + 1, to)
      const values = range.ts.length * (range.columns.length + 2)
      if (this.readAheadValues + values > MAX_READ_AHEAD_VALUES) this.clearReadAhead()
      ahead = { range, after, to, values }
      this.readAhead.set(groupId, ahead)
      this.readAheadValues += values
    }
    return rowsIn(ahead.range, after, until)
  }

  /** A group has nothing more to send for now. */
  private settled(groupId: number): void {
    this.lagging.delete(groupId)
    this.outOfMemory.delete(groupId)
    this.forgetReadAhead(groupId)
  }

  private forgetReadAhead(groupId: number): void {
    const ahead = this.readAhead.get(groupId)
    if (ahead === undefined) return
    this.readAheadValues -= ahead.values
    this.readAhead.delete(groupId)
  }

  private clearReadAhead(): void {
    this.readAhead.clear()
    this.readAheadValues = 0
  }

  /** How far this batch may reach: the cursor furthest behind, plus a slice. */
  private horizon(): number {
    return this.oldestUnsent() + SLICE_MS
  }

  /** The newest time sent of the group furthest behind (Infinity when none waits). */
  private oldestUnsent(): number {
    let behind = Infinity
    for (const id of this.lagging) behind = Math.min(behind, this.cursorOf(id).lastTs)
    return behind
  }

  private cursorOf(groupId: number): SendCursor {
    let cursor = this.cursors.get(groupId)
    if (cursor === undefined) {
      cursor = this.recorded.cursor(groupId) ?? this.unsentCursor()
      this.cursors.set(groupId, cursor)
    }
    return cursor
  }

  /** The cursor of a group never sent: from when the receiver was set. */
  private unsentCursor(): SendCursor {
    return { nextSeq: 0, lastTs: this.progress.sinceMs - 1 }
  }
}

function remoteLabels(labels: LabelSet): RemoteSeries['labels'] {
  return Object.entries(labels).map(([name, value]) => ({ name, value }))
}

/** The rows of a range with times in (after, until] (times ascending), copied out. */
function rowsIn(range: SeriesRange, after: number, until: number): SeriesRange {
  const from = firstAfter(range.ts, after)
  const to = firstAfter(range.ts, until)
  if (from === 0 && to === range.ts.length) return range
  return { ts: range.ts.slice(from, to), seq: range.seq.slice(from, to), columns: range.columns.map((column) => column.slice(from, to)) }
}

/** The index of the first time after `t` (binary search). */
function firstAfter(times: readonly number[], t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((times[mid] as number) <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

function countAtOrAfter(seqs: readonly number[], from: number): number {
  let count = 0
  for (const seq of seqs) if (seq >= from) count++
  return count
}

/** Each series' samples at the given rows (missing values left out); returns how many. */
function appendSeries(out: RemoteSeries[], series: readonly GroupSeries[], range: SeriesRange, rows: readonly number[]): number {
  let count = 0
  for (const { column, labels } of series) {
    const values = range.columns[column] as SampleValue[]
    const samples: RemoteSeries['samples'] = []
    for (const r of rows) {
      const value = values[r]
      if (value === null || value === undefined) continue
      samples.push({ value: value === STALE ? STALE : value, timestamp: range.ts[r] as number })
    }
    if (samples.length > 0) {
      out.push({ labels, samples })
      count += samples.length
    }
  }
  return count
}
