// The series store: every time series Vigil keeps, in compressed chunks in the SQLite file.
//
// Samples arrive by group (fields sampled together) into an in-memory head per group, and are
// encoded into the head log (head-log.ts) as they come; each flush writes them as one record.
// A head is cut into a chunk when it is full (`headRows` rows: an hour at 5 s), so chunks are
// large and few. Chunks reach SQLite in one transaction every `cutEveryMs` (15 minutes: each
// write rewrites a few pages whatever it carries), or sooner when many are waiting; each such
// write lands in a few pages (the chunk table is appended to, and its index leads with the
// hour: 010-series.ts), so SQLite writes little more than it stores. The catalogue — new
// groups' rows, and rows whose series ended — goes with every fourth of these writes
// (CATALOGUE_EVERY_ROTATIONS), so that a process seen at one write and gone by the next has its
// row written once, already ended; meanwhile its chunks' end is in series_group_ends and the
// log keeps the segment that holds its creation. The log starts a new segment at each write
// and deletes the old ones once no head holds a sample logged in them and no group without
// its row was created in them. A head that lives longer than
// `maxHeadAgeMs` (a slow group: a roll-up, a process in and out of a top list) is cut then — in
// the flushes of the last minutes before, a few at a time, as heads that started together come
// of age together — or, if it is small and still alive, carried over into the new segment, so
// that the log stays about an hour long and tiny chunks
// stay rare; one whose series ended (a staleness marker, then nothing for 5 minutes) is cut and
// let go at the next write. Once its chunks are written (processes come and go by the thousand
// an hour) such a group leaves the working set: parked (parked-groups.ts) until the next
// catalogue write stores its row saying it ended, then out of memory altogether. Reads with a
// time range find it again through series_group_buckets (cold-groups.ts), and a sample for it
// brings it back. A restart replays the log; every logged sample carries
// its sequence number, so nothing already in a chunk, or logged twice, is taken twice. Readers
// see SQLite, the waiting chunks and the heads alike.
import type { Db } from '../db/db'
import { decodeChunk, decodeChunkInto, encodeChunk, MAX_CHUNK_COLUMNS } from './chunk-codec'
import { ColumnarRows } from './columnar-rows'
import { GroupHead } from './group-head'
import { HeadLog, type LogSlot } from './head-log'
import { HeadPages } from './head-pages'
import { BUCKETS, ColdGroups } from './cold-groups'
import { GroupEnds, type GroupEnd } from './group-ends'
import { GroupCatalog, METRIC_LABEL, sortedLabels, type GroupInfo, type StoredGroup } from './group-catalog'
import { LabelPostings } from './label-postings'
import { ParkedGroups, type ParkedGroup } from './parked-groups'
import { matcherTest, selectGroups, type LabelMatcher } from './matchers'
import { pageOfRange, pageOfSources, type PageQuery, type RowPage, type RowSource } from './row-page'
import { STALE, type SampleValue } from './sample'

export type { GroupInfo } from './group-catalog'
export type { PageQuery, RowPage } from './row-page'
export type GroupKey = Omit<GroupInfo, 'id'>

export interface SeriesRange {
  /** Sample times, ascending. */
  ts: number[]
  /** Each sample's sequence number in its group (see SeriesStore.append), aligned with ts. */
  seq: number[]
  /** One array per column, aligned with ts. */
  columns: SampleValue[][]
}

export interface SeriesStoreOptions {
  /** Where the head log lives; null keeps heads in memory only (tests, throwaway stores). */
  logDir: string | null
  /** Rows a head holds before it is cut into a chunk. */
  headRows?: number
  /** How often waiting chunks are written and the log starts a new segment. */
  cutEveryMs?: number
  /** A head older than this is cut (or, small and alive, carried over into the log's new segment). */
  maxHeadAgeMs?: number
  /**
   * Share of `headRows` by which a group's first head (after the store opens) may be cut early,
   * spread by group id: groups that started together are then cut at different times, not all
   * in the same flush. 0 cuts every head at `headRows`.
   */
  firstCutSpread?: number
  /**
   * The label most reads select on (a server's id): groups that left memory are found by it
   * (cold-groups.ts). Groups without it are found by time alone.
   */
  partitionLabel?: string
  /** How long a group whose series ended (a staleness marker, then nothing) stays in the working set after its last sample. */
  endedGraceMs?: number
  /** How many of the groups a rotation lets go leave the working set at a flush (LEAVING_PER_FLUSH). */
  leavingPerFlush?: number
  now?: () => number
}

/** Rows for the bulk path: one group's samples, in time order. */
export interface BulkChunk {
  groupId: number
  ts: readonly number[]
  columns: readonly (readonly SampleValue[])[]
}

interface PendingChunk {
  state: GroupState
  startTs: number
  endTs: number
  rows: number
  firstSeq: number
  data: Uint8Array
}

/**
 * A group in memory, as callers that append row after row keep it (appendTo): no lookup by id
 * per row. Valid until the store lets the group go (see forgetCount).
 */
export interface GroupHandle {
  readonly info: GroupInfo
}

/** Everything the store knows of one group (and its place in the log's current segment: a LogSlot). */
interface GroupState extends LogSlot, GroupHandle {
  head: GroupHead | null
  /** Rows at which the head is cut. */
  cutAt: number
  /** The log generation (segment) in which the head's oldest row was logged. */
  headGeneration: number
  /** The generation of the newest row appended, and when that generation started. */
  lastGeneration: number
  lastGenerationStart: number
  /** The sequence number the next sample gets. */
  nextSeq: number
  /**
   * Whether the group's row is in SQLite. Until it is (catalogue writes come every
   * CATALOGUE_EVERY_ROTATIONS rotations), its chunks may be, where they end in series_group_ends, and
   * the log segment of createdGeneration — its creation — is kept for it.
   */
  stored: boolean
  /** The log generation (segment) in which the group's creation was logged. */
  createdGeneration: number
  /** The end of its newest chunk in SQLite, and the sequence number after that chunk's last row. */
  storedLast: number | null
  storedNextSeq: number
  /** The start of its oldest chunk in SQLite; undefined until asked for. */
  storedFirst: number | null | undefined
  /** Chunks cut and not yet written. */
  pending: PendingChunk[] | null
  /** The id of its partition label's value, once stored (cold-groups.ts). */
  partition: number | undefined
  /** Its newest sample is a staleness marker: the series ended (it leaves memory after a grace). */
  ended: boolean
  /** Idle, and its newest sample was looked at (a group loaded at start, not known to have ended). */
  idleChecked: boolean
  /**
   * What its row in series_groups says (once stored): where it ends — behind storedNextSeq and
   * storedLast while its series goes on (series_group_ends has the rest) — and whether it ended.
   */
  rowNextSeq: number
  rowLast: number | null
  rowEnded: boolean
}

/** What one write to SQLite carries (writePending). */
interface PendingWrite {
  /** Log segments whose samples are all in SQLite once this commits. */
  retired?: readonly number[]
  /** Chunks of the bulk path. */
  bulk?: readonly PendingChunk[]
  /** The caller's part of the transaction (the bulk path's record of how far it got). */
  alsoInTransaction?: () => void
  /** Groups that leave memory after this write (their rows must say they ended). */
  ending?: readonly GroupState[]
  /** Whether the catalogue is written too (CATALOGUE_EVERY_ROTATIONS). */
  withCatalogue: boolean
}

interface Generation {
  /** When it started (store clock). */
  start: number
  /** Its log segment, if the store has a log. */
  segment: number | null
}

export const DEFAULT_HEAD_ROWS = 720
export const DEFAULT_CUT_EVERY_MS = 15 * 60_000
export const DEFAULT_MAX_HEAD_AGE_MS = 65 * 60_000
const DEFAULT_FIRST_CUT_SPREAD = 0.5
/** A head past its age with fewer rows than this, still receiving rows, is carried over rather than cut. */
const MIN_CUT_ROWS = 16
/**
 * Chunks waiting for the next write beyond this are written at once, to bound memory. Each write
 * rewrites the current hour's pages of the chunk index and of series_group_buckets, whatever it
 * carries: at 8 MiB, 1,000 servers (~20 MiB of chunks in 15 minutes) wrote two or three times
 * per period instead of once.
 */
const MAX_WAITING_CHUNK_BYTES = 32 << 20
/**
 * Groups let go at a rotation leave the working set this many at a flush (one every 100 ms),
 * the first with the rotation: at 1,000 servers a rotation lets go ~35,000 ended processes, and
 * taking them all out of the store's maps, sets and label postings at once held the event loop
 * for another ~130 ms of the rotation's 0.7–1 s (series-memory.ts). This many take ~20 ms.
 */
const LEAVING_PER_FLUSH = 5000
/** Heads cutAgingHeads looks at a flush at most, and the time it may take cutting (a head of an hour takes ~0.5 ms). */
const AGING_LOOKS_PER_FLUSH = 2000
const AGING_CUTS_MS = 10
/** Chunks are indexed by the hour in which they end. */
export const BUCKET_MS = 3_600_000
export const DEFAULT_PARTITION_LABEL = 'server_id'
/**
 * The ended-head wait is grace enough: a process that only left a top list for a moment keeps
 * its head, and one back later finds its group parked (parked-groups.ts) until the next
 * catalogue write.
 */
export const DEFAULT_ENDED_GRACE_MS = 5 * 60_000
/** A head whose newest row is a staleness marker older than this (or than a rotation period, if shorter) is cut at a rotation. */
const ENDED_HEAD_MS = 5 * 60_000
/** Idle groups whose newest sample is read per catalogue write, to learn whether they ended. */
const IDLE_CHECKS_PER_CATALOGUE_WRITE = 2000

/**
 * The catalogue (new groups' rows, and a live row's change to ended) is written at every this
 * many rotations (the writes every `cutEveryMs`) rather than at each: 95 % of a fleet's row
 * updates came one write after the row's insert (a process seen at one write and gone by the
 * next), and each write rewrote the pages of the write before's inserts. Chunks are still
 * written at every write; where they end goes to series_group_ends meanwhile. At 15-minute
 * rotations that holds the log segments of an hour of new groups, about what heads hold anyway
 * (DEFAULT_MAX_HEAD_AGE_MS).
 */
const CATALOGUE_EVERY_ROTATIONS = 4

const bucketOf = (ts: number): number => Math.floor(ts / BUCKET_MS)

export class SeriesStore {
  private readonly states = new Map<number, GroupState>()
  /** The groups with a head (rows, or kept since their last cut): what a rotation looks at. */
  private readonly withHeads = new Set<GroupState>()
  /** Where the heads' bits are. */
  private readonly headPages = new HeadPages()
  /**
   * Groups whose newest row was a staleness marker, and that marker's time, in the order the
   * markers came; from `endedFrom` on, those not yet looked at. A flush cuts and lets go each
   * head still ending with its marker once the marker is older than the ended-head wait: at
   * 1,000 servers tens of thousands of processes end in a rotation period, and cutting them all
   * in the rotation stalled the event loop for ~0.5 s.
   */
  private endedHeads: GroupState[] = []
  private endedTimes: number[] = []
  private endedFrom = 0
  /** Groups by a hash of their identity (a few bytes each, not the identity's text). */
  private readonly idsByHash = new Map<number, number | number[]>()
  private readonly columnLists = new Map<string, readonly string[]>()
  private readonly log: HeadLog | null
  private pendingChunkBytes = 0
  private readonly headRows: number
  private readonly cutEveryMs: number
  private readonly maxHeadAgeMs: number
  private readonly firstCutSpread: number
  private readonly now: () => number
  /** Groups whose row is not in SQLite yet (inserted at the next catalogue write). */
  private pendingGroups: GroupState[] = []
  /** Stored groups whose row's change to ended waits for the next catalogue write. */
  private readonly rowsDue = new Set<GroupState>()
  /**
   * Rotations since the catalogue was last written. The first one after opening writes it: the
   * groups replayed from the log get their rows, and a new data dir interns the names every row
   * holds (metrics, label names, column lists) before the partition label's values that chunks
   * intern (series_group_buckets): small ids, written in fewer bits in every row.
   */
  private rotationsSinceCatalogue = CATALOGUE_EVERY_ROTATIONS - 1
  /** Groups with chunks waiting. */
  private dirty: GroupState[] = []
  /** Where cutAgingHeads goes on looking among the heads. */
  private agingCursor: Iterator<GroupState> | null = null
  /** Groups let go at the last rotation, still to leave the working set (leaveSome). */
  private leaving: GroupState[] = []
  private nextGroupId: number
  private lastCut: number
  private generation = 0
  private generationStart = 0
  private readonly generations = new Map<number, Generation>()

  private readonly statements: ReturnType<typeof prepare>
  private readonly catalog: GroupCatalog
  private readonly cold: ColdGroups
  private readonly partitionLabel: string
  private readonly endedGraceMs: number
  private readonly leavingPerFlush: number
  /** How long a head whose series ended waits before it is cut (at a rotation). */
  private readonly endedHeadMs: number
  /** Every group in memory by label (stored or not yet), for matchers. */
  private readonly postings = new LabelPostings()
  private forgotten = 0
  /** Groups brought back into memory from SQLite (a sample for a group that had ended): not ended any more at the next write. */
  private revived: GroupState[] = []
  private readonly ends: GroupEnds
  /** Groups in memory whose row is behind where they end, or not written yet while they have chunks (series_group_ends holds it). */
  private readonly rowsBehind = new Set<GroupState>()
  /**
   * Groups that ended and left the working set between catalogue writes (parked-groups.ts):
   * found by id and by identity until the next catalogue write stores their rows; then gone.
   */
  private readonly parked = new ParkedGroups()
  private readonly deletionListeners: Array<(ids: readonly number[]) => void> = []

  constructor(
    private readonly db: Db,
    options: SeriesStoreOptions
  ) {
    this.headRows = options.headRows ?? DEFAULT_HEAD_ROWS
    this.cutEveryMs = options.cutEveryMs ?? DEFAULT_CUT_EVERY_MS
    this.maxHeadAgeMs = options.maxHeadAgeMs ?? DEFAULT_MAX_HEAD_AGE_MS
    this.firstCutSpread = options.firstCutSpread ?? DEFAULT_FIRST_CUT_SPREAD
    this.now = options.now ?? Date.now
    this.lastCut = this.now()
    this.partitionLabel = options.partitionLabel ?? DEFAULT_PARTITION_LABEL
    this.endedGraceMs = options.endedGraceMs ?? DEFAULT_ENDED_GRACE_MS
    this.leavingPerFlush = options.leavingPerFlush ?? LEAVING_PER_FLUSH
    this.endedHeadMs = Math.min(this.cutEveryMs, ENDED_HEAD_MS)
    this.statements = prepare(db)
    this.catalog = new GroupCatalog(db)
    this.cold = new ColdGroups(db, this.catalog)
    for (const stored of this.catalog.loadLive()) this.rememberStored(stored)
    this.ends = new GroupEnds(db)
    let maxId = this.catalog.maxId()
    // Ends of groups with no row yet (chunks written before the catalogue was): the log replays their creation.
    const endsWithoutRow = new Map<number, GroupEnd>()
    for (const end of this.ends.loadAll()) {
      // An id in the list may be a group deleted since: never given to a new group.
      maxId = Math.max(maxId, end.id)
      const state = this.states.get(end.id)
      if (state === undefined) endsWithoutRow.set(end.id, laterEnd(endsWithoutRow.get(end.id), end))
      else this.takeEnd(state, end)
    }
    this.nextGroupId = maxId + 1
    if (this.cold.needsBackfill()) this.backfillBuckets()
    this.log = options.logDir === null ? null : new HeadLog(options.logDir, this.now)
    if (this.log) this.replay(this.log, endsWithoutRow)
    this.startGeneration()
  }

  /**
   * The id of the group with this metric and these labels, created on first use (its row stored
   * at the next catalogue write, CATALOGUE_EVERY_ROTATIONS). A lookup hashes the group's identity: callers that append row after row keep
   * the id (MetricsStore does).
   */
  groupId(key: GroupKey): number {
    const hash = identityHash(key)
    const known = this.idsByHash.get(hash)
    if (known !== undefined) {
      for (const id of typeof known === 'number' ? [known] : known) {
        const state = this.states.get(id)
        if (state !== undefined) {
          if (sameIdentity(state.info, key)) return id
        } else if (sameIdentity((this.parked.get(id) as ParkedGroup).info, key)) {
          // A process back soon after it ended: the caller appends to it next.
          this.revive(id)
          return id
        }
      }
    }
    // Refused before it exists: a group too wide for a chunk would take rows it could never store.
    if (key.columns.length > MAX_CHUNK_COLUMNS) throw new RangeError(`a series group has at most ${MAX_CHUNK_COLUMNS} columns, not ${key.columns.length}`)
    const group: GroupInfo = { id: this.nextGroupId++, metric: key.metric, labels: Object.fromEntries(sortedLabels(key.labels)), columns: this.columnList(key.columns) }
    const state = this.remember(group, hash)
    state.createdGeneration = this.generation
    this.pendingGroups.push(state)
    this.log?.addGroup(group)
    return group.id
  }

  /**
   * How many groups the store holds in its working set, how many of them hold a head, how many
   * ended groups are parked until the catalogue's next write, the bytes of the heads' pages
   * (held, and of those in use), and the bytes of the log's contexts in use.
   */
  stats(): { groups: number; withHeads: number; parked: number; headBytes: number; headBytesInUse: number; logContextBytes: number } {
    const { bytes: headBytes, bytesInUse: headBytesInUse } = this.headPages
    return { groups: this.states.size, withHeads: this.withHeads.size, parked: this.parked.size, headBytes, headBytesInUse, logContextBytes: this.log?.contextBytes ?? 0 }
  }

  /** A group in memory (one whose series goes on, or ended a short while ago). */
  group(id: number): GroupInfo | undefined {
    return this.states.get(id)?.info
  }

  /** A group in memory or only in SQLite (one that ended and left memory), or undefined when unknown. */
  storedGroup(id: number): GroupInfo | undefined {
    return this.stateOf(id)?.info
  }

  /**
   * How many times groups have left memory (deleted, dropped by retention, or ended): callers
   * that keep group ids re-check them only when it changed.
   */
  get forgetCount(): number {
    return this.forgotten
  }

  /**
   * Adds a row (one value per column) at `ts`; it is durable after the next flush. Returns its
   * sequence number: the count of the group's samples appended before it, ever — with the group
   * id, a name for the sample that stays the same for as long as it is kept.
   */
  append(groupId: number, ts: number, row: readonly SampleValue[]): number {
    const state = this.states.get(groupId) ?? this.revive(groupId)
    if (state === undefined) throw new RangeError(`unknown series group ${groupId}`)
    return this.appendTo(state, ts, row)
  }

  /** A group's handle, while it is in memory. */
  handleOf(groupId: number): GroupHandle | undefined {
    return this.states.get(groupId)
  }

  /** append() through a handle; the row is copied, so the caller may reuse its array. */
  appendTo(handle: GroupHandle, ts: number, row: readonly SampleValue[]): number {
    const state = handle as GroupState
    const seq = this.appendToHead(state, ts, row)
    this.log?.addSample(state.info.id, ts, seq, row, state)
    return seq
  }

  /**
   * Logs the groups and samples that arrived since the last flush; writes the chunks waiting to
   * SQLite every `cutEveryMs`, or when they reach MAX_WAITING_CHUNK_BYTES.
   */
  flush(): void {
    this.log?.flush()
    const now = this.now()
    this.cutEndedHeads(now)
    this.cutAgingHeads(now)
    this.leaveSome()
    if (now - this.lastCut >= this.cutEveryMs) this.rotate(false)
    else if (this.pendingChunkBytes >= MAX_WAITING_CHUNK_BYTES) {
      // A chunk may go to SQLite before its group's row: the group's creation must be durable in the log first.
      this.log?.sync()
      this.writePending({ withCatalogue: false })
    }
  }

  /** Cuts every head into chunks, writes them, and retires the whole log. */
  cutAll(): void {
    this.rotate(true)
  }

  /**
   * The bulk path, for data that already exists (a conversion, an import): writes whole chunks
   * straight to SQLite, past the heads and the log, in one transaction with the groups created
   * since the last write, the chunks waiting, and whatever `alsoInTransaction` writes (the
   * caller's record of how far it got, so a crash keeps both or neither). Each chunk's times
   * must not go backwards. If the transaction fails, nothing is written, and the store must not
   * be used again: it believes its new groups were stored.
   */
  writeChunks(chunks: readonly BulkChunk[], alsoInTransaction?: () => void): void {
    const encoded = chunks.map(({ groupId, ts, columns }) => {
      const state = this.states.get(groupId) ?? this.revive(groupId)
      if (!state) throw new RangeError(`unknown series group ${groupId}`)
      if (columns.length !== state.info.columns.length) throw new RangeError(`group ${groupId} has ${state.info.columns.length} columns, not ${columns.length}`)
      return { state, ts, data: encodeChunk(ts, columns) }
    })
    const bulk = encoded.map(({ state, ts, data }): PendingChunk => {
      // The head's rows are numbered before these: they are written with them, so that every
      // sequence number below a group's stored next_seq is in SQLite.
      if (state.head !== null && state.head.count > 0) this.cutHead(state)
      const firstSeq = state.nextSeq
      state.nextSeq += ts.length
      return { state, startTs: ts[0] as number, endTs: ts[ts.length - 1] as number, rows: ts.length, firstSeq, data }
    })
    this.writePending({ bulk, alsoInTransaction, withCatalogue: true })
  }

  /**
   * The groups every matcher selects (`__name__` is the metric): those in memory, and with a
   * time range those that ended and left memory but have chunks that may reach into it.
   */
  select(matchers: readonly LabelMatcher[], range?: { start: number; end: number }): GroupInfo[] {
    const groups: GroupInfo[] = []
    for (const id of selectGroups(this.postings, matchers)) {
      const state = this.states.get(id)
      if (state) groups.push(state.info)
    }
    if (range !== undefined && range.end >= range.start) for (const stored of this.coldMatching(matchers, bucketOf(range.start))) groups.push(stored.group)
    return groups
  }

  /**
   * The sequence number a group's next sample gets (its samples so far, ever), or null for an
   * unknown group. Readers that follow the store (remote write) compare it with how far they got.
   */
  nextSeq(groupId: number): number | null {
    return this.stateOf(groupId)?.nextSeq ?? null
  }

  /**
   * Every group in memory (parked ones too) with nextSeq(): the groups a sample can be appended
   * to without bringing them back from SQLite, so a follower that checks these sees every append.
   */
  *groupsInMemory(): Generator<{ id: number; nextSeq: number }> {
    for (const state of this.states.values()) yield { id: state.info.id, nextSeq: state.nextSeq }
    yield* this.parked.nextSeqsById()
  }

  /**
   * The groups out of memory with a chunk that ends in [from, to), at the hour's grain (the
   * hours that range touches), with their next sequence numbers. With groupsInMemory, every group
   * with a sample in that range: a group leaves memory only once its chunks are written, and its
   * row then says where it ends.
   */
  *groupsOutOfMemoryEndingIn(from: number, to: number): Generator<{ id: number; nextSeq: number }> {
    for (const group of this.cold.nextSeqsIn(bucketOf(from), bucketOf(to - 1))) {
      if (!this.states.has(group.id) && this.parked.get(group.id) === undefined) yield group
    }
  }

  /** Calls `listener` with the ids of the groups the store deletes (retention, deleteGroups), after each deletion. */
  onGroupsDeleted(listener: (ids: readonly number[]) => void): void {
    this.deletionListeners.push(listener)
  }

  /** The time of a group's newest sample, or null when it has none. */
  lastTs(groupId: number): number | null {
    const state = this.stateOf(groupId)
    if (!state) return null
    let last = lastWritten(state)
    const head = state.head
    if (head !== null && head.count > 0 && (last === null || head.lastTs > last)) last = head.lastTs
    return last
  }

  /** The time of a group's oldest sample, or null when it has none. */
  firstTs(groupId: number): number | null {
    const state = this.stateOf(groupId)
    if (!state) return null
    let first = this.storedFirst(state)
    for (const chunk of state.pending ?? []) if (first === null || chunk.startTs < first) first = chunk.startTs
    const head = state.head
    if (head !== null && head.count > 0 && (first === null || head.firstTs < first)) first = head.firstTs
    return first
  }

  /** A group's samples with times in [start, end], from chunks and head, in time order. */
  read(groupId: number, start: number, end: number): SeriesRange {
    const state = this.stateOf(groupId)
    const columnCount = state?.info.columns.length ?? 0
    if (!state || end < start) return { ts: [], seq: [], columns: Array.from({ length: columnCount }, () => []) }
    const parts: Part[] = []
    for (const chunk of this.storedChunks(state, start, end)) parts.push(decodedWithSeq(chunk.data, chunk.first_seq))
    for (const chunk of state.pending ?? []) {
      if (chunk.startTs <= end && chunk.endTs >= start) parts.push(decodedWithSeq(chunk.data, chunk.firstSeq))
    }
    const head = state.head
    if (head !== null && head.count > 0) parts.push({ ...head.read(start, end), firstSeq: 0 })
    return mergeInRange(parts, columnCount, start, end)
  }

  /**
   * The rows of many groups with times in [start, end], staleness markers included, handed to
   * `visit` group after group (in the order given), each group's in time order, part by part (a
   * chunk, the head's rows): rows [from, to) of `rows` — typed arrays reused from part to part,
   * valid during the call. The stored chunks of all the groups are read in one query, and
   * decoded into the same arrays: what read() gives a group at a time, without its arrays of
   * values (a fold over 500 process series of an hour allocated 40 MB that way).
   */
  scan(groupIds: readonly number[], start: number, end: number, visit: (index: number, rows: ColumnarRows, from: number, to: number) => void): void {
    if (end < start) return
    const states = groupIds.map((id) => this.stateOf(id))
    const stored = this.storedChunksOf(states, start, end)
    const scratch = new Map<number, ColumnarRows>()
    for (let index = 0; index < states.length; index++) {
      const state = states[index]
      if (state === undefined) continue
      const columnCount = state.info.columns.length
      let rows = scratch.get(columnCount)
      if (rows === undefined) scratch.set(columnCount, (rows = new ColumnarRows(columnCount)))
      const parts: Array<{ data: Uint8Array; startTs: number; endTs: number }> = stored.get(state.info.id) ?? []
      for (const chunk of state.pending ?? []) if (chunk.startTs <= end && chunk.endTs >= start) parts.push(chunk)
      const head = state.head !== null && state.head.count > 0 ? state.head.read(start, end) : null
      // Parts that overlap in time (a late sample started a chunk) are merged by read(), in time order.
      let ordered = true
      let previousEnd = -Infinity
      for (const part of parts) {
        if (part.startTs < previousEnd) ordered = false
        previousEnd = part.endTs
      }
      if (head !== null && head.ts.length > 0 && (head.ts[0] as number) < previousEnd) ordered = false
      if (!ordered) {
        const range = this.read(state.info.id, start, end)
        rows.copyFrom(range, 0, range.ts.length)
        if (rows.rows > 0) visit(index, rows, 0, rows.rows)
        continue
      }
      for (const part of parts) {
        decodeChunkInto(part.data, rows)
        const from = firstAtOrAfter(rows.ts, rows.rows, start)
        const to = firstAfter(rows.ts, rows.rows, end, from)
        if (to > from) visit(index, rows, from, to)
      }
      if (head !== null && head.ts.length > 0) {
        rows.copyFrom(head, 0, head.ts.length)
        visit(index, rows, 0, rows.rows)
      }
    }
  }

  /**
   * A page of a group's rows with times in [start, end] — its samples, staleness markers left
   * out (isStaleRow) — and how many there are: the chunks the page does not reach are counted
   * from their times, not decoded (row-page.ts).
   */
  readPage(groupId: number, query: PageQuery): RowPage {
    const state = this.stateOf(groupId)
    const columnCount = state?.info.columns.length ?? 0
    const { start, end } = query
    if (!state || end < start) return { rows: { ts: [], seq: [], columns: Array.from({ length: columnCount }, () => []) }, total: 0 }
    const sources: RowSource[] = []
    for (const chunk of this.storedChunks(state, start, end)) sources.push({ data: chunk.data, firstSeq: chunk.first_seq })
    for (const chunk of state.pending ?? []) {
      if (chunk.startTs <= end && chunk.endTs >= start) sources.push({ data: chunk.data, firstSeq: chunk.firstSeq })
    }
    const head = state.head
    if (head !== null && head.count > 0) sources.push(head.read(start, end))
    return pageOfSources(sources, columnCount, query) ?? pageOfRange(this.read(groupId, start, end), columnCount, query)
  }

  /**
   * Retention: drops the chunks that end before `ts` — of the groups `matchers` select, when
   * given — and the groups left with no sample (a process that ended long ago). Returns how many
   * of each went.
   */
  dropBefore(ts: number, matchers?: readonly LabelMatcher[]): { chunks: number; groups: number } {
    // With the catalogue: every group in memory has its row, and its row where it ends.
    this.writePending({ withCatalogue: true })
    const from = this.firstBucket() ?? Infinity
    const bucket = bucketOf(ts)
    const hot = [...(matchers === undefined ? this.states.keys() : selectGroups(this.postings, matchers))].map((id) => this.states.get(id) as GroupState)
    // Groups out of memory with chunks ending before the cut (their newest sample is their end).
    const cold = from > bucket ? [] : this.coldMatching(matchers ?? [], from, bucket).map((stored) => this.coldState(stored))
    // A head whose newest sample is out of retention too: a series that stopped since its last cut.
    for (const state of hot) if (state.head && state.head.count > 0 && state.head.lastTs < ts) state.head.clear()
    const emptied: GroupState[] = []
    const chunks = this.db.transaction(() => {
      let dropped = 0
      if (matchers === undefined) {
        dropped = this.statements.dropBuckets.run(bucket).changes + this.statements.dropInBucket.run(bucket, ts).changes
        this.statements.dropGroupBuckets.run(bucket)
      }
      for (const state of [...hot, ...cold]) {
        if (!state.stored || state.storedLast === null) continue
        if (matchers !== undefined && from <= bucket) {
          dropped += this.statements.dropGroupChunks.run(from, Math.min(bucket, bucketOf(state.storedLast)), state.info.id, ts).changes
          this.cold.forgetBuckets(this.partitionOf(state), state.info.id, from, bucket - 1)
        }
        if (state.storedLast >= ts || (state.head?.count ?? 0) > 0) continue
        this.catalog.delete(state.info)
        this.cold.forgetBuckets(this.partitionOf(state), state.info.id, from, bucketOf(state.storedLast))
        emptied.push(state)
      }
      return dropped
    })()
    for (const state of emptied) {
      this.cold.invalidate(state.info.id)
      if (!this.states.has(state.info.id)) continue
      this.log?.addDeleted(state.info.id)
      this.forget(state.info.id)
    }
    if (emptied.length > 0) {
      this.log?.flush()
      this.tellDeleted(emptied)
    }
    // The oldest chunk of a group may have gone: looked up again when asked for.
    if (chunks > 0) for (const state of hot) state.storedFirst = undefined
    return { chunks, groups: emptied.length }
  }

  /** Deletes the groups every matcher selects, with their chunks and heads (a server that went). */
  deleteGroups(matchers: readonly LabelMatcher[]): number {
    if (matchers.length === 0) throw new RangeError('deleteGroups needs at least one matcher')
    this.writePending({ withCatalogue: true })
    const from = this.firstBucket()
    const hot = [...selectGroups(this.postings, matchers)].map((id) => this.states.get(id) as GroupState)
    const cold = from === null ? [] : this.coldMatching(matchers, from).map((stored) => this.coldState(stored))
    return this.deleteStates(hot, cold, from)
  }

  /** Deletes these groups (unknown ids are skipped), with their chunks and heads. */
  deleteGroupIds(ids: readonly number[]): number {
    this.writePending({ withCatalogue: true })
    const hot: GroupState[] = []
    const cold: GroupState[] = []
    for (const id of ids) {
      const state = this.stateOf(id)
      if (state === undefined) continue
      if (this.states.has(id)) hot.push(state)
      else cold.push(state)
    }
    return this.deleteStates(hot, cold, this.firstBucket())
  }

  private deleteStates(hot: readonly GroupState[], cold: readonly GroupState[], from: number | null): number {
    this.db.transaction(() => {
      for (const state of [...hot, ...cold]) {
        if (from !== null && state.storedLast !== null) {
          const last = bucketOf(state.storedLast)
          this.statements.deleteGroupChunks.run(from, last, state.info.id)
          this.cold.forgetBuckets(this.partitionOf(state), state.info.id, from, last)
        }
        this.catalog.delete(state.info)
      }
    })()
    for (const state of cold) this.cold.invalidate(state.info.id)
    // Logged, so that a replay of older records does not bring them back.
    for (const state of hot) {
      this.log?.addDeleted(state.info.id)
      this.forget(state.info.id)
    }
    this.log?.flush()
    this.tellDeleted([...hot, ...cold])
    return hot.length + cold.length
  }

  private tellDeleted(states: readonly GroupState[]): void {
    if (states.length === 0) return
    const ids = states.map((state) => state.info.id)
    for (const listener of this.deletionListeners) listener(ids)
  }

  /** Cuts every head and closes the log: a clean stop leaves nothing to replay. */
  close(): void {
    this.cutAll()
    this.log?.close()
  }

  private appendToHead(state: GroupState, ts: number, row: readonly SampleValue[]): number {
    let head = state.head
    if (head === null) {
      head = state.head = new GroupHead(state.info.columns.length, this.headRows, this.headPages)
      this.withHeads.add(state)
    }
    // Each chunk is in time order: a sample older than the head's newest starts a new chunk.
    else if (head.count >= state.cutAt || (head.count > 0 && ts < head.lastTs)) this.cutHead(state)
    if (head.count === 0) state.headGeneration = this.generation
    // Once per generation: a time is a double, kept in a box of its own outside the state, and
    // writing it for every row reached one more place in memory.
    if (state.lastGeneration !== this.generation) {
      state.lastGeneration = this.generation
      state.lastGenerationStart = this.generationStart
    }
    state.ended = state.idleChecked = false
    const seq = state.nextSeq++
    head.append(ts, seq, row)
    if (head.endsStale) {
      this.endedHeads.push(state)
      this.endedTimes.push(ts)
    }
    return seq
  }

  /** Cuts and lets go the heads whose series ended (a staleness marker, then nothing) more than the ended-head wait ago. */
  private cutEndedHeads(now: number): void {
    const queue = this.endedHeads
    const times = this.endedTimes
    for (; this.endedFrom < queue.length; this.endedFrom++) {
      const marked = times[this.endedFrom] as number
      // Markers come in time order, near enough: the rest are younger (the rotation catches any straggler).
      if (now - marked <= this.endedHeadMs) break
      const state = queue[this.endedFrom] as GroupState
      // Unless it went on since (or was cut, or marked again later: that marker has an entry of its own).
      if (state.head !== null && state.head.endsStale && state.head.lastTs === marked) this.letEndedHeadGo(state)
    }
    // Drop what was looked at once it is all of the queue, or most of a long one.
    if (this.endedFrom > 0 && (this.endedFrom === queue.length || (this.endedFrom > 4096 && this.endedFrom * 2 > queue.length))) {
      this.endedHeads = queue.slice(this.endedFrom)
      this.endedTimes = times.slice(this.endedFrom)
      this.endedFrom = 0
    }
  }

  /**
   * In the last third of a rotation period, cuts (for AGING_CUTS_MS at a flush) the heads the
   * rotation would cut for their age and that would not fill before it: a slow group's (a
   * process in and out of a top list). Those that started together — every group of a fleet at
   * start, and again an age later — came of age at the same rotation: at 1,000 servers cutting
   * ~45,000 heads there held the event loop for ~4.5 s once an hour and a quarter
   * (series-memory.ts). Looks at AGING_LOOKS_PER_FLUSH heads a flush, round the heads.
   */
  private cutAgingHeads(now: number): void {
    const rotation = this.lastCut + this.cutEveryMs
    if (now < rotation - this.cutEveryMs / 3) return
    const started = performance.now()
    for (let looked = 0; looked < AGING_LOOKS_PER_FLUSH && performance.now() - started < AGING_CUTS_MS; looked++) {
      let next = this.agingCursor?.next()
      if (next === undefined || next.done) {
        // Round again from the first head, at the next flush at the soonest.
        this.agingCursor = looked === 0 ? this.withHeads.values() : null
        if (this.agingCursor === null) return
        next = this.agingCursor.next()
        if (next.done) return
      }
      const state = next.value
      const head = state.head
      if (head === null || head.count < MIN_CUT_ROWS) continue
      if (rotation - (this.generations.get(state.headGeneration) as Generation).start < this.maxHeadAgeMs) continue
      // At its pace so far, the rows it would still get before the rotation.
      const pace = (head.lastTs - head.firstTs) / (head.count - 1)
      if (pace > 0 && head.count + (rotation - head.lastTs) / pace >= state.cutAt) continue
      this.cutHead(state)
    }
  }

  private letEndedHeadGo(state: GroupState): void {
    this.cutHead(state)
    this.releaseHead(state)
    state.ended = true
  }

  private cutHead(state: GroupState): void {
    const head = state.head as GroupHead
    const chunk: PendingChunk = { state, ...head.cut() }
    if (state.pending) state.pending.push(chunk)
    else {
      state.pending = [chunk]
      this.dirty.push(state)
    }
    this.pendingChunkBytes += chunk.data.length
    state.cutAt = this.headRows
  }

  /**
   * Starts a new log segment and writes the waiting chunks. With `all`, every head is cut first
   * and the whole log retired; otherwise heads past their age are cut or carried over, and the
   * segments no head needs any more are retired.
   */
  private rotate(all: boolean): void {
    const now = this.now()
    const withCatalogue = all || this.rotationsSinceCatalogue + 1 >= CATALOGUE_EVERY_ROTATIONS
    this.rotationsSinceCatalogue = withCatalogue ? 0 : this.rotationsSinceCatalogue + 1
    const carried: GroupState[] = []
    for (const state of this.withHeads) {
      const head = state.head
      if (head === null) continue
      // Idle since its last cut: its memory goes back until it gets a row again.
      if (head.count === 0) {
        if (state.lastGeneration !== this.generation) this.releaseHead(state)
        continue
      }
      if (all) {
        this.cutHead(state)
        continue
      }
      // A series that ended (a process gone) a while ago is cut and let go rather than at its
      // age: a fleet's ended processes would otherwise hold heads for an hour. The while spares
      // one that only left a top list for a moment. Flushes do it as markers come of age
      // (cutEndedHeads); this catches the rest.
      if (head.endsStale && now - head.lastTs > this.endedHeadMs) {
        this.letEndedHeadGo(state)
        continue
      }
      const started = (this.generations.get(state.headGeneration) as Generation).start
      if (now - started < this.maxHeadAgeMs) continue
      if (head.count < MIN_CUT_ROWS && now - state.lastGenerationStart < 2 * this.maxHeadAgeMs) carried.push(state)
      else this.cutHead(state)
    }
    this.log?.flush()
    const older = this.log ? this.log.rotate() : []
    this.startGeneration(now)
    if (this.log) {
      for (const state of carried) {
        for (const [ts, seq, row] of (state.head as GroupHead).each()) this.log.addSample(state.info.id, ts, seq, row)
        state.headGeneration = this.generation
      }
      // The carried rows must be on disk before the segments they came from are deleted.
      this.log.flush()
      this.log.sync()
    } else for (const state of carried) state.headGeneration = this.generation
    let oldest = this.generation
    for (const state of this.withHeads) if (state.head !== null && state.head.count > 0 && state.headGeneration < oldest) oldest = state.headGeneration
    // A group whose row waits for a later write is known after a crash only by its creation in the log.
    if (!withCatalogue) {
      for (const state of this.pendingGroups) if (state.createdGeneration < oldest) oldest = state.createdGeneration
      oldest = this.parked.oldestUnstoredCreation(oldest)
    }
    const retired: number[] = []
    for (const [generation, { segment }] of this.generations) {
      if (generation >= oldest) continue
      if (segment !== null) retired.push(segment)
      this.generations.delete(generation)
    }
    // Segments left from a previous run that no generation knows (all replayed into heads now cut).
    const known = new Set([...this.generations.values()].map((generation) => generation.segment))
    for (const segment of older) if (!known.has(segment) && !retired.includes(segment)) retired.push(segment)
    const { ending, parking } = this.groupsToLetGo(now, withCatalogue)
    this.writePending({ retired, ending, withCatalogue })
    this.log?.retire(retired)
    for (const group of [ending, parking]) for (const state of group) this.leaving.push(state)
    this.leaveSome()
    this.lastCut = now
  }

  /**
   * Takes up to `leavingPerFlush` of the groups let go at a rotation out of the working set:
   * those whose row now says they ended out of memory, the others parked. One that went on
   * meanwhile (a sample, a chunk) stays, for a later rotation to look at again.
   */
  private leaveSome(): void {
    if (this.leaving.length === 0) return
    const parked = new Set<GroupState>()
    for (const state of this.leaving.splice(0, this.leavingPerFlush)) {
      if (this.states.get(state.info.id) !== state || !state.ended || state.head !== null || state.pending !== null) continue
      if (!state.rowEnded) {
        this.park(state)
        parked.add(state)
      } else if (state.rowNextSeq === state.storedNextSeq && state.rowLast === state.storedLast) this.forget(state.info.id)
    }
    if (parked.size > 0) this.pendingGroups = this.pendingGroups.filter((state) => !parked.has(state))
  }

  private releaseHead(state: GroupState): void {
    this.withHeads.delete(state)
    state.head = null
    state.codecId = 0
    state.context = null
  }

  private startGeneration(now = this.now()): void {
    this.generation++
    this.generationStart = now
    this.generations.set(this.generation, { start: now, segment: this.log ? this.log.segment : null })
  }

  /**
   * One transaction: the cut chunks (and bulk ones), where each group now ends, the log segments
   * they retire and — `withCatalogue` — the catalogue: new groups' rows, and the rows of groups
   * whose series ended (a staleness marker cut, or `ending`: leaving memory). Between catalogue
   * writes, where a group ends is appended to series_group_ends, whether its row is behind or
   * not written yet. A row that says its series ended is rewritten at once when the group goes
   * on (revived, or back within the grace): such a row is read as it is, by a restart and by
   * reads of groups out of memory. A live row's change to ended may wait: after a crash the
   * group loads as live, where it ends from series_group_ends (reads stay exact), and is found
   * ended and let go again at a later catalogue write (groupsToLetGo reads its newest sample).
   */
  private writePending(write: PendingWrite): void {
    const { retired = [], bulk = [], alsoInTransaction, ending = [], withCatalogue } = write
    const groups = withCatalogue ? this.pendingGroups : []
    const parked = withCatalogue ? this.parked.all() : []
    const dirty = this.dirty
    const rowsDue = withCatalogue ? this.rowsDue : new Set<GroupState>()
    if (
      groups.length === 0 &&
      parked.length === 0 &&
      rowsDue.size === 0 &&
      dirty.length === 0 &&
      bulk.length === 0 &&
      retired.length === 0 &&
      this.revived.length === 0 &&
      ending.length === 0 &&
      !alsoInTransaction
    )
      return
    const chunks: PendingChunk[] = []
    for (const state of dirty) for (const chunk of state.pending as PendingChunk[]) chunks.push(chunk)
    for (const chunk of bulk) chunks.push(chunk)
    // Where each group written to ends once this commits.
    const ends = new Map<GroupState, { nextSeq: number; last: number | null; first: number }>()
    for (const chunk of chunks) {
      const end = ends.get(chunk.state) ?? { nextSeq: chunk.state.storedNextSeq, last: chunk.state.storedLast, first: chunk.startTs }
      end.nextSeq = Math.max(end.nextSeq, chunk.firstSeq + chunk.rows)
      end.last = end.last === null ? chunk.endTs : Math.max(end.last, chunk.endTs)
      end.first = Math.min(end.first, chunk.startTs)
      ends.set(chunk.state, end)
    }
    const endOf = (state: GroupState): { nextSeq: number; last: number | null } => {
      const end = ends.get(state)
      return end === undefined ? { nextSeq: state.storedNextSeq, last: state.storedLast } : end
    }
    // What a written row says: where an ended group ends; a live group's is inserted as it
    // started (the size it keeps until its series ends: series_group_ends has where it ends).
    const rowEndOf = (state: GroupState): { nextSeq: number; last: number | null } =>
      state.ended || state.stored ? endOf(state) : { nextSeq: 0, last: null }
    // Rows to write, rows whose change waits for the catalogue, and ends to append.
    const rows: GroupState[] = []
    const deferred: GroupState[] = []
    const appended: GroupState[] = []
    for (const state of new Set([...ends.keys(), ...this.revived, ...ending, ...rowsDue])) {
      const end = endOf(state)
      const behind = end.nextSeq !== state.rowNextSeq || end.last !== state.rowLast
      if (!state.stored) {
        // Until its row is inserted, and after if it is live, where its chunks end is appended.
        if (behind && !(withCatalogue && state.ended)) appended.push(state)
        continue
      }
      const changed = state.ended !== state.rowEnded || (state.ended && behind)
      if (changed && (withCatalogue || state.rowEnded)) rows.push(state)
      else {
        if (changed) deferred.push(state)
        if (behind) appended.push(state)
      }
    }
    // The rows this write leaves saying exactly where their group ends.
    const exactRows = new Set(rows)
    for (const state of groups) if (state.ended) exactRows.add(state)
    const snapshot = this.ends.snapshotDue
    this.db.transaction(() => {
      for (const state of groups) {
        const end = rowEndOf(state)
        this.catalog.insert(state.info, end.nextSeq, end.last, state.ended)
      }
      for (const group of parked) {
        if (group.stored) this.catalog.update(group.info.id, group.nextSeq, group.lastTs, true)
        else this.catalog.insert(group.info, group.nextSeq, group.lastTs, true)
      }
      const insert = this.statements.insertChunk
      for (const chunk of chunks) {
        const bucket = bucketOf(chunk.endTs)
        insert.run(bucket, chunk.state.info.id, chunk.startTs, chunk.endTs, chunk.rows, chunk.firstSeq, chunk.data)
        this.cold.recordChunk(bucket, this.partitionOf(chunk.state), chunk.state.info.id)
      }
      for (const state of rows) {
        const end = rowEndOf(state)
        this.catalog.update(state.info.id, end.nextSeq, end.last, state.ended)
      }
      // A snapshot lists every group whose row stays behind or unwritten (this write's among them).
      const entries: GroupEnd[] = []
      const behind = snapshot ? new Set([...this.rowsBehind, ...appended]) : appended
      for (const state of behind) {
        if (exactRows.has(state)) continue
        const end = endOf(state)
        entries.push({ id: state.info.id, nextSeq: end.nextSeq, lastTs: end.last })
      }
      // Parked groups' rows are behind or not written until a catalogue write (which writes them exactly).
      if (snapshot && !withCatalogue) for (const end of this.parked.ends()) entries.push(end)
      if (entries.length > 0 || snapshot) this.ends.append(entries, snapshot)
      for (const segment of retired) this.statements.logDone.run(segment)
      alsoInTransaction?.()
    })()
    for (const state of [...groups, ...rows]) {
      const end = rowEndOf(state)
      state.stored = true
      state.rowNextSeq = end.nextSeq
      state.rowLast = end.last
      state.rowEnded = state.ended
    }
    for (const state of exactRows) this.rowsBehind.delete(state)
    for (const state of appended) this.rowsBehind.add(state)
    for (const [state, end] of ends) {
      state.storedNextSeq = end.nextSeq
      state.storedLast = end.last
      if (state.storedFirst !== undefined && (state.storedFirst === null || end.first < state.storedFirst)) state.storedFirst = end.first
    }
    for (const state of dirty) state.pending = null
    this.dirty = []
    this.revived = []
    this.pendingChunkBytes = 0
    if (withCatalogue) {
      this.pendingGroups = []
      this.rowsDue.clear()
      // Their rows say they ended: out of memory for good, found in SQLite from now on.
      for (const group of parked) {
        this.unhash(identityHash(group.info), group.info.id)
        this.cold.invalidate(group.info.id)
      }
      this.parked.clear()
    }
    for (const state of deferred) this.rowsDue.add(state)
    // The segments' files are deleted after this commit; their marks can go at the next write,
    // when the files are certainly gone.
    if (retired.length > 0) this.statements.clearLogDone.run(Math.min(...retired))
  }

  /** The chunks in SQLite of these groups that overlap [start, end], by group, each group's in time order: one query. */
  private storedChunksOf(states: ReadonlyArray<GroupState | undefined>, start: number, end: number): Map<number, Array<{ data: Uint8Array; startTs: number; endTs: number }>> {
    const byGroup = new Map<number, Array<{ data: Uint8Array; startTs: number; endTs: number }>>()
    const ids: number[] = []
    let last = -Infinity
    for (const state of states) {
      if (state === undefined || state.storedLast === null || state.storedLast < start) continue
      ids.push(state.info.id)
      if (state.storedLast > last) last = state.storedLast
    }
    if (ids.length === 0) return byGroup
    const first = this.firstBucket()
    if (first === null) return byGroup
    // As storedChunks: a chunk overlapping [start, end] ends at or after start, and no later than its group's newest.
    const rows = this.statements.chunksOfGroups.all(Math.max(first, bucketOf(start)), bucketOf(last), JSON.stringify(ids), end, start) as Array<{
      group_id: number
      start_ts: number
      end_ts: number
      data: Uint8Array
    }>
    for (const row of rows) {
      const chunk = { data: row.data, startTs: row.start_ts, endTs: row.end_ts }
      const chunks = byGroup.get(row.group_id)
      if (chunks === undefined) byGroup.set(row.group_id, [chunk])
      else chunks.push(chunk)
    }
    return byGroup
  }

  /** A group's chunks in SQLite that overlap [start, end], in time order. */
  private storedChunks(state: GroupState, start: number, end: number): Array<{ first_seq: number; data: Uint8Array }> {
    if (state.storedLast === null || state.storedLast < start) return []
    // A chunk overlapping [start, end] ends at or after start, and no later than the group's newest.
    const first = this.firstBucket()
    if (first === null) return []
    const from = Math.max(first, bucketOf(start))
    return this.statements.chunksIn.all(from, bucketOf(state.storedLast), state.info.id, end, start) as Array<{ first_seq: number; data: Uint8Array }>
  }

  private storedFirst(state: GroupState): number | null {
    if (state.storedFirst === undefined) {
      const from = this.firstBucket()
      state.storedFirst =
        state.storedLast === null || from === null
          ? null
          : ((this.statements.firstStart.get(from, bucketOf(state.storedLast), state.info.id) as number | null) ?? null)
    }
    return state.storedFirst
  }

  private firstBucket(): number | null {
    return this.statements.firstBucket.get() as number | null
  }

  /** Where series_group_ends says a group ends, when past what its row says. */
  private takeEnd(state: GroupState, end: GroupEnd): void {
    if (end.nextSeq > state.storedNextSeq) state.nextSeq = state.storedNextSeq = end.nextSeq
    if (end.lastTs !== null && (state.storedLast === null || end.lastTs > state.storedLast)) state.storedLast = end.lastTs
    this.noteRowBehind(state)
  }

  /** Where a group ends, if its row says otherwise, is in series_group_ends: it goes in the next snapshot too. */
  private noteRowBehind(state: GroupState): void {
    if (state.storedNextSeq !== state.rowNextSeq || state.storedLast !== state.rowLast) this.rowsBehind.add(state)
  }

  /**
   * Brings the heads back from the log after a restart. A sample whose sequence number is below
   * its group's next one is skipped: it is in a chunk already, or was logged twice (carried over
   * into a newer segment before the older one was deleted).
   */
  private replay(log: HeadLog, endsWithoutRow: ReadonlyMap<number, GroupEnd>): void {
    const done = new Set(this.statements.logDoneAll.all() as number[])
    log.replay(
      {
        segment: (segment) => {
          this.generation++
          this.generationStart = segment
          this.generations.set(this.generation, { start: segment, segment })
        },
        group: (group) => {
          // In memory, or stored and ended (its samples are all in chunks).
          if (this.states.has(group.id) || this.cold.load([group.id]).length > 0) return
          const state = this.remember({ ...group, columns: this.columnList(group.columns) })
          state.createdGeneration = this.generation
          // Its chunks may be in SQLite already, written before its row: the samples they hold are skipped.
          const end = endsWithoutRow.get(group.id)
          if (end !== undefined) this.takeEnd(state, end)
          this.pendingGroups.push(state)
          this.nextGroupId = Math.max(this.nextGroupId, group.id + 1)
        },
        sample: (groupId, ts, seq, row) => {
          let state = this.states.get(groupId)
          if (state === undefined) {
            // A group whose row says its series ended got a sample after that write: back in memory.
            const [stored] = this.cold.load([groupId])
            if (stored === undefined || seq < stored.nextSeq) return
            state = this.revive(groupId) as GroupState
          }
          if (seq < state.nextSeq) return
          state.nextSeq = seq
          this.appendToHead(state, ts, row)
        },
        deleted: (groupId) => {
          this.nextGroupId = Math.max(this.nextGroupId, groupId + 1)
          const state = this.states.get(groupId)
          if (!state) return
          this.pendingGroups = this.pendingGroups.filter((pending) => pending !== state)
          this.dirty = this.dirty.filter((pending) => pending !== state)
          this.forget(groupId)
        }
      },
      done
    )
  }

  /**
   * Groups to take out of the working set at a rotation: their series ended (a staleness marker
   * last, learned at the cut or, for a group idle since before the store opened, by reading its
   * newest sample) longer than the grace ago, they have no head, and everything of them is in
   * SQLite once this rotation's write commits. A group leaves memory (`ending`) once its row says
   * it ended: at a catalogue write, which writes its row, or at any write if its row says so
   * already (written ended at an earlier catalogue write, and not revived since). The others are
   * parked until the next catalogue write (`parking`).
   */
  private groupsToLetGo(now: number, withCatalogue: boolean): { ending: GroupState[]; parking: GroupState[] } {
    const ending: GroupState[] = []
    const parking: GroupState[] = []
    let checks = 0
    for (const state of this.states.values()) {
      if (state.head !== null) continue
      const last = lastWritten(state)
      if (last === null || now - last < this.endedGraceMs) continue
      if (withCatalogue && !state.ended && !state.idleChecked && checks < IDLE_CHECKS_PER_CATALOGUE_WRITE) {
        checks++
        state.idleChecked = true
        state.ended = this.endsStale(state)
      }
      if (state.ended) (withCatalogue || state.rowEnded ? ending : parking).push(state)
    }
    return { ending, parking }
  }

  private endsStale(state: GroupState): boolean {
    const last = state.storedLast as number
    const { columns } = this.read(state.info.id, last, last)
    const at = (columns[0]?.length ?? 0) - 1
    return at >= 0 && columns.every((column) => column[at] === STALE)
  }

  /** A group in the working set, or one out of it (parked, or read from SQLite; not kept in the working set). */
  private stateOf(id: number): GroupState | undefined {
    const state = this.states.get(id)
    if (state !== undefined) return state
    const parked = this.parked.get(id)
    if (parked !== undefined) return this.coldState(storedOf(parked))
    const [stored] = this.cold.load([id])
    return stored === undefined ? undefined : this.coldState(stored)
  }

  /** A group out of the working set gets a sample (a process back after its series ended): in it again. */
  private revive(id: number): GroupState | undefined {
    const parked = this.parked.take(id)
    if (parked !== undefined) return this.unpark(parked)
    const [stored] = this.cold.load([id])
    if (stored === undefined) return undefined
    this.cold.invalidate(id)
    const state = this.rememberStored(stored, true)
    this.revived.push(state)
    return state
  }

  /** Out-of-memory groups with chunks ending in buckets [from, to] that every matcher selects. */
  private coldMatching(matchers: readonly LabelMatcher[], from: number, to = this.lastBucket()): StoredGroup[] {
    if (to === null) return []
    let partition: number | null = null
    const pinned = matchers.find((matcher) => matcher.name === this.partitionLabel && matcher.op === '=')
    if (pinned !== undefined) {
      partition = pinned.value === '' ? 0 : this.catalog.findPartition(pinned.value)
      if (partition === null) return []
    }
    const ids: number[] = []
    const found: StoredGroup[] = []
    for (const id of this.cold.idsIn(from, to, partition)) {
      if (this.states.has(id)) continue
      const parked = this.parked.get(id)
      if (parked !== undefined) found.push(storedOf(parked))
      else ids.push(id)
    }
    if (ids.length === 0 && found.length === 0) return []
    for (const stored of ids.length > 0 ? this.cold.load(ids) : []) found.push(stored)
    const tests = matchers.map((matcher) => [matcher.name, matcherTest(matcher)] as const)
    return found.filter(({ group }) => tests.every(([name, test]) => test(name === METRIC_LABEL ? group.metric : (group.labels[name] ?? ''))))
  }

  private coldState(stored: StoredGroup): GroupState {
    const state = this.newState(stored.group)
    state.stored = true
    state.nextSeq = state.storedNextSeq = state.rowNextSeq = stored.nextSeq
    state.storedLast = state.rowLast = stored.lastTs
    state.ended = state.rowEnded = true
    return state
  }

  /** A group loaded from its row: one whose series goes on (loadLive), or one that ended (`ended`: revived). */
  private rememberStored(stored: StoredGroup, ended = false): GroupState {
    const state = this.remember(stored.group)
    state.stored = true
    state.nextSeq = state.storedNextSeq = state.rowNextSeq = stored.nextSeq
    state.storedLast = state.rowLast = stored.lastTs
    state.rowEnded = ended
    return state
  }

  /** The id of a group's partition label's value (stored when new: within a transaction). */
  private partitionOf(state: GroupState): number {
    return (state.partition ??= this.catalog.partitionId(state.info.labels[this.partitionLabel]))
  }

  /** For a data dir whose chunks predate series_group_buckets: lists them there, once. */
  private backfillBuckets(): void {
    const rows = this.cold.chunkBuckets()
    const groups = new Map(this.catalog.load(new Set(rows.map((row) => row.group_id))).map((stored) => [stored.group.id, stored.group]))
    this.db.transaction(() => {
      for (const { bucket, group_id: id } of rows) {
        const group = groups.get(id)
        if (group) this.cold.recordChunk(bucket, this.catalog.partitionId(group.labels[this.partitionLabel]), id)
      }
    })()
  }

  private lastBucket(): number | null {
    return this.statements.lastBucket.get() as number | null
  }

  private forget(id: number): void {
    const state = this.states.get(id)
    if (!state) return
    this.unhash(identityHash(state.info), id)
    this.leaveWorkingSet(state)
  }

  private leaveWorkingSet(state: GroupState): void {
    const id = state.info.id
    this.forgotten++
    this.postings.remove(state.info)
    state.head?.clear()
    this.withHeads.delete(state)
    this.rowsBehind.delete(state)
    this.rowsDue.delete(state)
    this.states.delete(id)
    // Found in SQLite from now on: what was cached of it is stale (an absence looked up before its row was written, at a replay).
    this.cold.invalidate(id)
  }

  /** Keeps a group in memory; `hash` is its identityHash, when the caller has it. */
  private remember(group: GroupInfo, hash = identityHash(group)): GroupState {
    const known = this.idsByHash.get(hash)
    this.idsByHash.set(hash, known === undefined ? group.id : typeof known === 'number' ? [known, group.id] : [...known, group.id])
    return this.admit(group)
  }

  /** Adds a group to the working set (its identity hashed already). */
  private admit(group: GroupInfo): GroupState {
    const state = this.newState(group)
    this.states.set(group.id, state)
    this.postings.add(group)
    return state
  }

  /**
   * Takes an ended group whose chunks are all in SQLite out of the working set until the next
   * catalogue write stores its row (then it leaves memory for good); its identity stays hashed,
   * so that a process back before then gets its group again.
   */
  private park(state: GroupState): void {
    this.parked.add({
      info: state.info,
      nextSeq: state.storedNextSeq,
      lastTs: state.storedLast,
      stored: state.stored,
      rowNextSeq: state.rowNextSeq,
      rowLast: state.rowLast,
      createdGeneration: state.createdGeneration
    })
    this.leaveWorkingSet(state)
  }

  /** A parked group back in the working set, ended until it gets a sample. */
  private unpark(parked: ParkedGroup): GroupState {
    const state = this.admit(parked.info)
    state.stored = parked.stored
    state.nextSeq = state.storedNextSeq = parked.nextSeq
    state.storedLast = parked.lastTs
    state.rowNextSeq = parked.rowNextSeq
    state.rowLast = parked.rowLast
    state.createdGeneration = parked.createdGeneration
    state.ended = true
    if (!state.stored) this.pendingGroups.push(state)
    this.noteRowBehind(state)
    return state
  }

  private newState(group: GroupInfo): GroupState {
    // Spread by id (Fibonacci hashing): groups created together are cut at different times.
    const spread = Math.floor(((group.id * 0.6180339887498949) % 1) * this.headRows * this.firstCutSpread)
    return {
      info: group,
      head: null,
      cutAt: Math.max(1, this.headRows - spread),
      headGeneration: 0,
      lastGeneration: 0,
      lastGenerationStart: 0,
      nextSeq: 0,
      stored: false,
      createdGeneration: 0,
      storedLast: null,
      storedNextSeq: 0,
      storedFirst: undefined,
      pending: null,
      partition: undefined,
      ended: false,
      idleChecked: false,
      rowNextSeq: 0,
      rowLast: null,
      rowEnded: false,
      codecId: 0,
      context: null
    }
  }

  private unhash(hash: number, id: number): void {
    const known = this.idsByHash.get(hash)
    if (known === id || known === undefined) this.idsByHash.delete(hash)
    else if (typeof known !== 'number') {
      const rest = known.filter((other) => other !== id)
      this.idsByHash.set(hash, rest.length === 1 ? (rest[0] as number) : rest)
    }
  }

  /** One array per distinct column list: a metric's groups share theirs. */
  private columnList(columns: readonly string[]): readonly string[] {
    const text = columns.join('\u0000')
    let list = this.columnLists.get(text)
    if (!list) this.columnLists.set(text, (list = Object.freeze([...columns])))
    return list
  }
}

/** The end of a group's newest chunk, in SQLite or waiting for the next write; null when it has none. */
function lastWritten(state: GroupState): number | null {
  let last = state.storedLast
  for (const chunk of state.pending ?? []) if (last === null || chunk.endTs > last) last = chunk.endTs
  return last
}

/** A parked group as the catalogue will store it: ended where its chunks end. */
function storedOf(parked: ParkedGroup): StoredGroup {
  return { group: parked.info, nextSeq: parked.nextSeq, lastTs: parked.lastTs }
}

/**
 * A 32-bit hash of a group's identity, its metric and labels; groups that share one are told
 * apart by their labels. Each label's hash is added, so the labels' order does not matter and
 * they need no sorting (the identity's text, sorted labels as JSON, cost more than the rest of
 * creating a group). Kept in memory only: it may change from release to release.
 */
export function identityHash(key: Pick<GroupInfo, 'metric' | 'labels'>): number {
  let hash = textHash(key.metric, FNV_OFFSET)
  for (const name in key.labels) {
    // The name, a separator no name holds, the value; mixed, so that sums do not cancel out.
    hash = (hash + mix32(textHash(key.labels[name] as string, Math.imul(textHash(name, FNV_OFFSET) ^ 0xffff, FNV_PRIME)))) | 0
  }
  return hash >>> 0
}

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

/** FNV-1a over a string's UTF-16 code units, from `hash`. */
function textHash(text: string, hash: number): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME)
  return hash
}

/** MurmurHash3's finalizer: every input bit moves every output bit. */
function mix32(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  return hash ^ (hash >>> 16)
}

/** The later of two entries for one group in series_group_ends. */
function laterEnd(known: GroupEnd | undefined, end: GroupEnd): GroupEnd {
  if (known === undefined) return end
  const lastTs = known.lastTs === null ? end.lastTs : end.lastTs === null ? known.lastTs : Math.max(known.lastTs, end.lastTs)
  return { id: end.id, nextSeq: Math.max(known.nextSeq, end.nextSeq), lastTs }
}

function sameIdentity(group: GroupInfo, key: GroupKey): boolean {
  if (group.metric !== key.metric) return false
  let count = 0
  for (const name in key.labels) {
    if (group.labels[name] !== key.labels[name]) return false
    count++
  }
  return count === Object.keys(group.labels).length
}

function prepare(db: Db) {
  return {
    chunksIn: db.prepare(
      `${BUCKETS} SELECT first_seq, data FROM series_chunks WHERE bucket IN buckets AND group_id = ? AND start_ts <= ? AND end_ts >= ? ORDER BY start_ts`
    ),
    chunksOfGroups: db.prepare(
      `${BUCKETS} SELECT group_id, start_ts, end_ts, data FROM series_chunks WHERE bucket IN buckets AND group_id IN (SELECT value FROM json_each(?)) AND start_ts <= ? AND end_ts >= ? ORDER BY group_id, start_ts`
    ),
    firstStart: db.prepare(`${BUCKETS} SELECT MIN(start_ts) FROM series_chunks WHERE bucket IN buckets AND group_id = ?`).pluck(),
    firstBucket: db.prepare('SELECT MIN(bucket) FROM series_chunks').pluck(),
    lastBucket: db.prepare('SELECT MAX(bucket) FROM series_chunks').pluck(),
    dropGroupBuckets: db.prepare('DELETE FROM series_group_buckets WHERE bucket < ?'),
    insertChunk: db.prepare('INSERT INTO series_chunks (bucket, group_id, start_ts, end_ts, rows, first_seq, data) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    dropBuckets: db.prepare('DELETE FROM series_chunks WHERE bucket < ?'),
    dropInBucket: db.prepare('DELETE FROM series_chunks WHERE bucket = ? AND end_ts < ?'),
    dropGroupChunks: db.prepare(`${BUCKETS} DELETE FROM series_chunks WHERE bucket IN buckets AND group_id = ? AND end_ts < ?`),
    deleteGroupChunks: db.prepare(`${BUCKETS} DELETE FROM series_chunks WHERE bucket IN buckets AND group_id = ?`),
    logDone: db.prepare('INSERT OR IGNORE INTO series_log_done (segment) VALUES (?)'),
    logDoneAll: db.prepare('SELECT segment FROM series_log_done').pluck(),
    clearLogDone: db.prepare('DELETE FROM series_log_done WHERE segment < ?')
  }
}


/** Rows of a chunk or a head; a chunk's sequence numbers are firstSeq, firstSeq + 1, … */
interface Part {
  ts: number[]
  seq: number[] | null
  firstSeq: number
  columns: SampleValue[][]
}

function decodedWithSeq(data: Uint8Array, firstSeq: number): Part {
  const { ts, columns } = decodeChunk(data)
  return { ts, seq: null, firstSeq, columns }
}

const seqAt = (part: Part, index: number): number => (part.seq === null ? part.firstSeq + index : (part.seq[index] as number))

/** Rows of several parts (chunks, head) in [start, end], in time order (stable for equal times). */
function mergeInRange(parts: readonly Part[], columnCount: number, start: number, end: number): SeriesRange {
  // Mostly the parts follow each other in time (chunks, then the head): copy their rows in range.
  let ordered = true
  let previousEnd = -Infinity
  for (const part of parts) {
    if (part.ts.length === 0) continue
    if ((part.ts[0] as number) < previousEnd) ordered = false
    previousEnd = part.ts[part.ts.length - 1] as number
  }
  if (ordered) return concatenateInRange(parts, columnCount, start, end)
  const rows: Array<{ ts: number; part: number; index: number }> = []
  parts.forEach((part, p) => part.ts.forEach((ts, index) => ts >= start && ts <= end && rows.push({ ts, part: p, index })))
  let sorted = true
  for (let i = 1; i < rows.length && sorted; i++) if ((rows[i] as { ts: number }).ts < (rows[i - 1] as { ts: number }).ts) sorted = false
  if (!sorted) rows.sort((a, b) => a.ts - b.ts || a.part - b.part || a.index - b.index)
  const columns: SampleValue[][] = Array.from({ length: columnCount }, () => new Array<SampleValue>(rows.length))
  rows.forEach((row, r) => {
    const part = parts[row.part] as Part
    for (let c = 0; c < columnCount; c++) (columns[c] as SampleValue[])[r] = part.columns[c]?.[row.index] ?? null
  })
  return { ts: rows.map((row) => row.ts), seq: rows.map((row) => seqAt(parts[row.part] as Part, row.index)), columns }
}

/** Rows of parts in time order, each part's times ascending and after the previous part's. */
function concatenateInRange(parts: readonly Part[], columnCount: number, start: number, end: number): SeriesRange {
  const spans: Array<[part: Part, from: number, to: number]> = []
  let total = 0
  for (const part of parts) {
    const times = part.ts
    let from = 0
    while (from < times.length && (times[from] as number) < start) from++
    let to = times.length
    while (to > from && (times[to - 1] as number) > end) to--
    if (to > from) {
      spans.push([part, from, to])
      total += to - from
    }
  }
  // Sequence numbers are read only to settle two samples at one time: they are made when asked
  // for, from the parts' first numbers (and the head's list), not the decoded parts themselves.
  const seqSpans = spans.map(([part, from, to]) => ({ firstSeq: part.firstSeq, seq: part.seq, from, to }))
  const seqOf = (): number[] => {
    const seq = new Array<number>(total)
    let at = 0
    for (const { firstSeq, seq: partSeq, from, to } of seqSpans) {
      for (let i = from; i < to; i++) seq[at + i - from] = partSeq === null ? firstSeq + i : (partSeq[i] as number)
      at += to - from
    }
    return seq
  }
  if (spans.length === 1) {
    const [part, from, to] = spans[0] as [Part, number, number]
    if (from === 0 && to === part.ts.length && part.columns.length === columnCount) return withLazySeq(part.ts, part.columns, seqOf)
  }
  // Array concat copies whole runs of elements at once (a memory copy for arrays of numbers),
  // where a loop copied them one by one; most parts are taken whole.
  const inRange = <T>(items: T[], from: number, to: number): T[] => (from === 0 && to === items.length ? items : items.slice(from, to))
  const ts = ([] as number[]).concat(...spans.map(([part, from, to]) => inRange(part.ts, from, to)))
  const columns = Array.from({ length: columnCount }, (_, c) =>
    ([] as SampleValue[]).concat(...spans.map(([part, from, to]) => inRange(part.columns[c] ?? new Array<SampleValue>(part.ts.length).fill(null), from, to)))
  )
  return withLazySeq(ts, columns, seqOf)
}

/** A range whose `seq` is made on first reading, then kept. */
function withLazySeq(ts: number[], columns: SampleValue[][], seqOf: () => number[]): SeriesRange {
  let seq: number[] | undefined
  return {
    ts,
    columns,
    get seq(): number[] {
      return (seq ??= seqOf())
    }
  }
}

/** The first of rows [0, count) whose time is at or after `time` (times ascending). */
function firstAtOrAfter(ts: Float64Array, count: number, time: number): number {
  let low = 0
  let high = count
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((ts[middle] as number) < time) low = middle + 1
    else high = middle
  }
  return low
}

/** The first of rows [low, count) whose time is after `time`. */
function firstAfter(ts: Float64Array, count: number, time: number, low: number): number {
  let high = count
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((ts[middle] as number) <= time) low = middle + 1
    else high = middle
  }
  return low
}
