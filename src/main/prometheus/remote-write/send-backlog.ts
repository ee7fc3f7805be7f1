// What remote write has still to send, read from the series store itself: the store is the
// queue. Each group has a cursor (remote-write-repo.ts) — the sequence number of its next
// sample to send and the newest time sent — and a batch is the next samples of the groups
// whose store sequence has moved past their cursor, as Prometheus series (SeriesModel names
// them as the query API does). Memory stays bounded by the batch, however far behind the
// receiver is: the backlog is on disk, in the chunks the store keeps anyway.
//
// A receiver takes each series in time order, so a group is sent forwards only: a sample whose
// time is not after the newest sent (a backfill into the past) is passed over.
import { STALE, type SampleValue } from '../../base/series/sample'
import type { GroupInfo, SeriesRange, SeriesStore } from '../../base/series/series-store'
import type { LabelSet } from '../series/label-sets'
import type { SeriesModel } from '../series/series-model'
import type { SendCursor } from './remote-write-repo'
import type { RemoteSeries } from './write-request'

/** One request's worth of samples, and the cursors once the receiver has them. */
export interface Batch {
  series: RemoteSeries[]
  samples: number
  cursors: Map<number, SendCursor>
}

/** The first window of time read past a cursor (then doubled while the budget lasts; ×4 over a gap with no sample). */
const FIRST_WINDOW_MS = 3_600_000

interface GroupSeries {
  column: number
  labels: RemoteSeries['labels']
}

export class SendBacklog {
  /** Groups with samples not sent, in the order they are served. */
  private readonly lagging = new Set<number>()
  /** Groups with a cursor that have left memory and were checked once (they cannot grow out of memory). */
  private readonly checkedCold = new Set<number>()
  private pending = 0
  private pendingGroups = 0

  constructor(
    private readonly store: SeriesStore,
    private readonly model: SeriesModel,
    private readonly cursors: Map<number, SendCursor>,
    /** Samples before this were stored before the receiver was set. */
    private readonly sinceMs: number
  ) {}

  /** Looks for groups with samples not sent yet (cheap: one comparison per group in memory). */
  refresh(): void {
    let pending = 0
    let groups = 0
    const seen = new Set<number>()
    for (const { info, nextSeq } of this.store.groupsInMemory()) {
      seen.add(info.id)
      const behind = nextSeq - this.cursorOf(info.id).nextSeq
      if (behind > 0) {
        this.lagging.add(info.id)
        pending += behind
        groups++
      }
    }
    for (const [id, cursor] of this.cursors) {
      if (seen.has(id) || this.checkedCold.has(id)) continue
      this.checkedCold.add(id)
      const nextSeq = this.store.nextSeq(id)
      if (nextSeq !== null && nextSeq > cursor.nextSeq) {
        this.lagging.add(id)
        pending += nextSeq - cursor.nextSeq
        groups++
      }
    }
    this.pending = pending
    this.pendingGroups = groups
  }

  /** Rows stored and not sent yet, at the last refresh (a row holds one sample of each of a group's series). */
  get pendingRows(): number {
    return this.pending
  }

  /** The groups those rows are in, at the last refresh. */
  get laggingGroups(): number {
    return this.pendingGroups
  }

  /** Up to about `maxSamples` samples of the lagging groups; null when everything has been sent. */
  next(maxSamples: number): Batch | null {
    const batch: Batch = { series: [], samples: 0, cursors: new Map() }
    const registry = this.model.registrySnapshot()
    for (const id of this.lagging) {
      if (batch.samples >= maxSamples) break
      const group = this.store.storedGroup(id)
      const cursor = this.cursorOf(id)
      if (group === undefined) {
        this.lagging.delete(id)
        continue
      }
      const series = this.model.seriesOfGroup(group, registry).map(({ column, labels }) => ({ column, labels: remoteLabels(labels) }))
      const taken = this.take(group, cursor, series, maxSamples - batch.samples, batch)
      batch.cursors.set(id, taken.cursor)
      if (taken.complete) this.lagging.delete(id)
      else break
    }
    return batch.cursors.size === 0 ? null : batch
  }

  /** The receiver has the batch (or refused it for good): its groups move on. */
  commit(batch: Batch): void {
    for (const [id, cursor] of batch.cursors) this.cursors.set(id, cursor)
  }

  /** The rows after a group's cursor, up to the budget, into the batch; whether that was all of them. */
  private take(group: GroupInfo, cursor: SendCursor, series: readonly GroupSeries[], budget: number, batch: Batch): { cursor: SendCursor; complete: boolean } {
    const nextSeq = this.store.nextSeq(group.id) ?? cursor.nextSeq
    const lastTs = this.store.lastTs(group.id)
    // Nothing newer than what was sent (or a group Vigil does not expose): only the cursor moves.
    if (lastTs === null || lastTs <= cursor.lastTs || series.length === 0) return { cursor: { nextSeq, lastTs: Math.max(cursor.lastTs, lastTs ?? cursor.lastTs) }, complete: true }
    let at = cursor
    let left = budget
    // Windows of time after the cursor, each twice the last: a group far behind is read in a
    // few steps, and a chunk is decoded about twice at most.
    let window = FIRST_WINDOW_MS
    while (left > 0) {
      const { range, end } = this.readAfter(group.id, at.lastTs, lastTs, window)
      window *= 2
      const maxRows = Math.max(1, Math.floor(left / series.length))
      const rows: number[] = []
      for (let r = 0; r < range.ts.length && rows.length < maxRows; r++) if ((range.seq[r] as number) >= at.nextSeq) rows.push(r)
      const all = rows.length === countAtOrAfter(range.seq, at.nextSeq)
      if (rows.length > 0) batch.samples += appendSeries(batch.series, series, range, rows)
      left -= rows.length * series.length
      const last = rows.at(-1)
      if (all && end === lastTs) return { cursor: { nextSeq, lastTs: last === undefined ? lastTs : Math.max(range.ts[last] as number, at.lastTs) }, complete: true }
      if (!all) return { cursor: { nextSeq: (range.seq[last as number] as number) + 1, lastTs: range.ts[last as number] as number }, complete: false }
      at = { nextSeq: last === undefined ? at.nextSeq : (range.seq[last] as number) + 1, lastTs: end }
    }
    return { cursor: at, complete: false }
  }

  /** The group's samples after `after`, from the first window past it that holds any (or up to `lastTs`). */
  private readAfter(groupId: number, after: number, lastTs: number, firstWindow: number): { range: SeriesRange; end: number } {
    let start = after + 1
    let window = firstWindow
    for (;;) {
      const end = Math.min(lastTs, start + window - 1)
      const range = this.store.read(groupId, start, end)
      if (range.ts.length > 0 || end === lastTs) return { range, end }
      start = end + 1
      window *= 4
    }
  }

  private cursorOf(groupId: number): SendCursor {
    return this.cursors.get(groupId) ?? { nextSeq: 0, lastTs: this.sinceMs - 1 }
  }
}

function remoteLabels(labels: LabelSet): RemoteSeries['labels'] {
  return Object.entries(labels).map(([name, value]) => ({ name, value }))
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
