// The series store: every time series Vigil keeps, in compressed chunks in the SQLite file.
//
// Samples arrive by group (fields sampled together) into an in-memory head per group; each
// flush appends them, and the groups created since, to the head log (head-log.ts). A head is
// cut into a chunk when it holds `headRows` rows, and every head at each `cutEveryMs`; chunks
// and new groups reach SQLite in one transaction at each cut (or sooner when many are waiting),
// after which the log's older segments are deleted. Few, large transactions keep SQLite's page
// writes near the bytes stored; the log keeps a crash from losing more than the last flush, and
// a restart replays it. Readers see SQLite, the waiting chunks and the heads alike.
import type { Db } from '../db/db'
import { decodeChunk, encodeChunk } from './chunk-codec'
import { GroupHead } from './group-head'
import { HeadLog, type LoggedSample } from './head-log'
import { GroupCatalog, groupIdentity, METRIC_LABEL, sortedLabels, type GroupInfo } from './group-catalog'
import { matcherTest, selectGroups, type LabelMatcher } from './matchers'
import type { SampleValue } from './sample'

export type { GroupInfo } from './group-catalog'
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
  /** How often every head is cut, so the log stays short. */
  cutEveryMs?: number
  now?: () => number
}

/** Rows for the bulk path: one group's samples, in time order. */
export interface BulkChunk {
  groupId: number
  ts: readonly number[]
  columns: readonly (readonly SampleValue[])[]
}

interface PendingChunk {
  groupId: number
  startTs: number
  endTs: number
  rows: number
  firstSeq: number
  data: Uint8Array
}

export const DEFAULT_HEAD_ROWS = 120
export const DEFAULT_CUT_EVERY_MS = 5 * 60_000
/** Chunks waiting for the cut beyond this are written at once, to bound memory. */
const MAX_WAITING_CHUNK_BYTES = 4 << 20

export class SeriesStore {
  private readonly heads = new Map<number, GroupHead>()
  private readonly groups = new Map<number, GroupInfo>()
  private readonly idsByKey = new Map<string, number>()
  private readonly idsByQuickKey = new Map<string, number>()
  /** The quick spellings that lead to each group, to forget them with it. */
  private readonly quickKeysById = new Map<number, string[]>()
  private readonly log: HeadLog | null
  /** Groups created since the last flush, for the next log record. */
  private unloggedGroups: GroupInfo[] = []
  private pendingChunkBytes = 0
  private readonly headRows: number
  private readonly cutEveryMs: number
  private readonly now: () => number
  private pendingGroups: GroupInfo[] = []
  private pendingSamples: LoggedSample[] = []
  /** Chunks cut since the last write, by group (readers ask for one group's). */
  private readonly pendingChunks = new Map<number, PendingChunk[]>()
  /** The sequence number each group's next sample gets; loaded from SQLite on a group's first use. */
  private readonly nextSeqs = new Map<number, number>()
  private nextGroupId: number
  private lastCut: number

  private readonly statements: ReturnType<typeof prepare>
  private readonly catalog: GroupCatalog

  constructor(
    private readonly db: Db,
    options: SeriesStoreOptions
  ) {
    this.headRows = options.headRows ?? DEFAULT_HEAD_ROWS
    this.cutEveryMs = options.cutEveryMs ?? DEFAULT_CUT_EVERY_MS
    this.now = options.now ?? Date.now
    this.lastCut = this.now()
    this.statements = prepare(db)
    this.catalog = new GroupCatalog(db)
    let maxId = 0
    for (const group of this.catalog.load()) {
      this.remember(group)
      if (group.id > maxId) maxId = group.id
    }
    this.nextGroupId = maxId + 1
    this.log = options.logDir === null ? null : new HeadLog(options.logDir, this.now)
    if (this.log) this.replay(this.log)
  }

  /** The id of the group with this metric and these labels, created on first use (stored at the next flush). */
  groupId(key: GroupKey): number {
    // Callers name labels in the same order every time: that spelling finds the group without
    // sorting; the canonical one (sorted) is the group's identity.
    const quick = quickKey(key)
    const seen = this.idsByQuickKey.get(quick)
    if (seen !== undefined) return seen
    const known = this.idsByKey.get(groupIdentity(key))
    if (known !== undefined) {
      this.rememberQuickKey(quick, known)
      return known
    }
    const group: GroupInfo = { id: this.nextGroupId++, metric: key.metric, labels: Object.fromEntries(sortedLabels(key.labels)), columns: [...key.columns] }
    this.remember(group)
    this.rememberQuickKey(quick, group.id)
    this.pendingGroups.push(group)
    this.unloggedGroups.push(group)
    return group.id
  }

  group(id: number): GroupInfo | undefined {
    return this.groups.get(id)
  }

  /**
   * Adds a row (one value per column) at `ts`; it is durable after the next flush. Returns its
   * sequence number: the count of the group's samples appended before it, ever — with the group
   * id, a name for the sample that stays the same for as long as it is kept.
   */
  append(groupId: number, ts: number, row: readonly SampleValue[]): number {
    const seq = this.appendToHead(groupId, ts, row)
    this.pendingSamples.push({ groupId, ts, row })
    return seq
  }

  /**
   * Logs the groups and samples that arrived since the last flush; writes to SQLite when it is
   * time to cut every head, or when the chunks waiting for the cut reach MAX_WAITING_CHUNK_BYTES.
   */
  flush(): void {
    if (this.now() - this.lastCut >= this.cutEveryMs) return this.cutAll()
    this.log?.append({ groups: this.unloggedGroups, samples: this.pendingSamples })
    this.unloggedGroups = []
    this.pendingSamples = []
    if (this.pendingChunkBytes >= MAX_WAITING_CHUNK_BYTES) this.writePending([])
  }

  /** Cuts every head into chunks and retires the log segments they came from. */
  cutAll(): void {
    for (const [groupId, head] of this.heads) if (head.count > 0) this.cutHead(groupId, head)
    // Every sample and group is about to be in SQLite: none needs logging.
    this.pendingSamples = []
    this.unloggedGroups = []
    const retired = this.log ? this.log.rotate() : []
    this.writePending(retired)
    this.log?.retire(retired)
    this.lastCut = this.now()
  }

  /**
   * The bulk path, for data that already exists (a conversion, an import): writes whole chunks
   * straight to SQLite, past the heads and the log, in one transaction with the groups created
   * since the last write, the chunks waiting for the cut, and whatever `alsoInTransaction` writes
   * (the caller's record of how far it got, so a crash keeps both or neither). Each chunk's
   * times must not go backwards. If the transaction fails, nothing is written, and the store
   * must not be used again: it believes its new groups were stored.
   */
  writeChunks(chunks: readonly BulkChunk[], alsoInTransaction?: () => void): void {
    const encoded = chunks.map(({ groupId, ts, columns }): PendingChunk => {
      const group = this.groups.get(groupId)
      if (!group) throw new RangeError(`unknown series group ${groupId}`)
      if (columns.length !== group.columns.length) throw new RangeError(`group ${groupId} has ${group.columns.length} columns, not ${columns.length}`)
      const data = encodeChunk(ts, columns)
      const firstSeq = this.takeSeqs(groupId, ts.length)
      return { groupId, startTs: ts[0] as number, endTs: ts[ts.length - 1] as number, rows: ts.length, firstSeq, data }
    })
    this.writePending([], encoded, alsoInTransaction)
  }

  /** The groups every matcher selects (`__name__` is the metric). */
  select(matchers: readonly LabelMatcher[]): GroupInfo[] {
    const stored = [...selectGroups(this.catalog, matchers)].map((id) => this.groups.get(id)).filter((group): group is GroupInfo => group !== undefined)
    // Groups created since the last cut are not in SQLite yet.
    const tests = matchers.map((matcher) => ({ name: matcher.name, test: matcherTest(matcher) }))
    const waiting = this.pendingGroups.filter((group) =>
      tests.every(({ name, test }) => test(name === METRIC_LABEL ? group.metric : (group.labels[name] ?? '')))
    )
    return [...stored, ...waiting]
  }

  /** The time of a group's newest sample, or null when it has none. */
  lastTs(groupId: number): number | null {
    const head = this.heads.get(groupId)
    let last = head && head.count > 0 ? head.lastTs : null
    for (const chunk of this.pendingChunks.get(groupId) ?? []) if (last === null || chunk.endTs > last) last = chunk.endTs
    const stored = this.statements.lastChunkEnd.get(groupId) as number | null
    return stored !== null && (last === null || stored > last) ? stored : last
  }

  /** The time of a group's oldest sample, or null when it has none. */
  firstTs(groupId: number): number | null {
    const stored = this.statements.firstChunkStart.get(groupId) as number | null
    let first = stored
    for (const chunk of this.pendingChunks.get(groupId) ?? []) if (first === null || chunk.startTs < first) first = chunk.startTs
    const head = this.heads.get(groupId)
    return head && head.count > 0 && (first === null || head.firstTs < first) ? head.firstTs : first
  }

  /** A group's samples with times in [start, end], from chunks and head, in time order. */
  read(groupId: number, start: number, end: number): SeriesRange {
    const group = this.groups.get(groupId)
    const columnCount = group?.columns.length ?? 0
    const parts: SeriesRange[] = []
    for (const chunk of this.statements.chunksIn.all(groupId, end, start) as Array<{ first_seq: number; data: Uint8Array }>) {
      parts.push(decodedWithSeq(chunk.data, chunk.first_seq))
    }
    for (const chunk of this.pendingChunks.get(groupId) ?? []) {
      if (chunk.startTs <= end && chunk.endTs >= start) parts.push(decodedWithSeq(chunk.data, chunk.firstSeq))
    }
    const head = this.heads.get(groupId)
    if (head && head.count > 0) parts.push(head.read(start, end))
    return mergeInRange(parts, columnCount, start, end)
  }

  /**
   * Retention: drops the chunks that end before `ts` — of `groups` only, when given — and the
   * groups left with no sample (a process that ended long ago). Returns how many of each went.
   */
  dropBefore(ts: number, groups?: Iterable<number>): { chunks: number; groups: number } {
    this.writePending([])
    const candidates = groups === undefined ? null : new Set(groups)
    // A head whose newest sample is out of retention too (a series that stopped since the last cut).
    for (const [id, head] of this.heads) if (head.count > 0 && head.lastTs < ts && (candidates === null || candidates.has(id))) head.clear()
    let emptied = 0
    const chunks = this.db.transaction(() => {
      let dropped = 0
      if (candidates === null) dropped = this.statements.dropChunks.run(ts).changes
      else for (const id of candidates) dropped += this.statements.dropGroupChunks.run(id, ts).changes
      for (const id of this.statements.emptyGroups.all() as number[]) {
        const group = this.groups.get(id)
        if (!group || (candidates !== null && !candidates.has(id)) || (this.heads.get(id)?.count ?? 0) > 0) continue
        this.catalog.delete(group)
        this.forget(id)
        emptied++
      }
      return dropped
    })()
    return { chunks, groups: emptied }
  }

  /** Deletes the groups every matcher selects, with their chunks and heads (a server that went). */
  deleteGroups(matchers: readonly LabelMatcher[]): number {
    if (matchers.length === 0) throw new RangeError('deleteGroups needs at least one matcher')
    this.writePending([])
    const ids = selectGroups(this.catalog, matchers)
    this.db.transaction(() => {
      for (const id of ids) this.catalog.delete(this.groups.get(id) as GroupInfo)
    })()
    for (const id of ids) this.forget(id)
    this.pendingSamples = this.pendingSamples.filter((sample) => !ids.has(sample.groupId))
    return ids.size
  }

  /** Cuts every head and closes the log: a clean stop leaves nothing to replay. */
  close(): void {
    this.cutAll()
    this.log?.close()
  }

  private headOf(groupId: number): GroupHead {
    let head = this.heads.get(groupId)
    if (!head) {
      const group = this.groups.get(groupId)
      if (!group) throw new RangeError(`unknown series group ${groupId}`)
      this.heads.set(groupId, (head = new GroupHead(group.columns.length, this.headRows)))
    }
    return head
  }

  private appendToHead(groupId: number, ts: number, row: readonly SampleValue[]): number {
    const head = this.headOf(groupId)
    // Each chunk is in time order: a sample older than the head's newest starts a new chunk.
    if (head.full || (head.count > 0 && ts < head.lastTs)) this.cutHead(groupId, head)
    const seq = this.takeSeqs(groupId, 1)
    head.append(ts, seq, row)
    return seq
  }

  /** Reserves `count` consecutive sequence numbers of a group; returns the first. */
  private takeSeqs(groupId: number, count: number): number {
    const next = this.nextSeqs.get(groupId) ?? ((this.statements.nextSeq.get(groupId) as number | null) ?? 0)
    this.nextSeqs.set(groupId, next + count)
    return next
  }

  private cutHead(groupId: number, head: GroupHead): void {
    const chunk = { groupId, ...head.cut() }
    const chunks = this.pendingChunks.get(groupId)
    if (chunks) chunks.push(chunk)
    else this.pendingChunks.set(groupId, [chunk])
    this.pendingChunkBytes += chunk.data.length
  }

  /** One transaction: the new groups, the cut chunks (and bulk ones), and the log segments they retire. */
  private writePending(retiredSegments: readonly number[], bulk: readonly PendingChunk[] = [], alsoInTransaction?: () => void): void {
    const groups = this.pendingGroups
    const chunks = [...[...this.pendingChunks.values()].flat(), ...bulk]
    if (groups.length === 0 && chunks.length === 0 && retiredSegments.length === 0 && !alsoInTransaction) return
    this.db.transaction(() => {
      for (const group of groups) this.catalog.insert(group)
      for (const chunk of chunks) this.statements.insertChunk.run(chunk.groupId, chunk.startTs, chunk.endTs, chunk.rows, chunk.firstSeq, chunk.data)
      for (const segment of retiredSegments) this.statements.logDone.run(segment)
      alsoInTransaction?.()
    })()
    this.pendingGroups = []
    this.pendingChunks.clear()
    this.pendingChunkBytes = 0
    // The segments' files are deleted after this commit; their marks can go at the next cut,
    // when the files are certainly gone.
    if (retiredSegments.length > 0) this.statements.clearLogDone.run(Math.min(...retiredSegments))
  }

  /**
   * Brings the heads back from the log after a restart. Samples already in a chunk — a full head
   * was cut and written after they were logged — are skipped: for each group, anything up to
   * the end of its newest chunk.
   */
  private replay(log: HeadLog): void {
    const done = new Set(this.statements.logDoneAll.all() as number[])
    const writtenUntil = new Map<number, number>()
    for (const record of log.replay(done)) {
      for (const group of record.groups) {
        if (this.groups.has(group.id)) continue
        const info = { ...group, columns: [...group.columns] }
        this.remember(info)
        this.pendingGroups.push(info)
        this.nextGroupId = Math.max(this.nextGroupId, group.id + 1)
      }
      for (const sample of record.samples) {
        if (!this.groups.has(sample.groupId)) continue
        let until = writtenUntil.get(sample.groupId)
        if (until === undefined) {
          until = (this.statements.lastChunkEnd.get(sample.groupId) as number | null | undefined) ?? -Infinity
          writtenUntil.set(sample.groupId, until)
        }
        if (sample.ts <= until) continue
        this.appendToHead(sample.groupId, sample.ts, sample.row)
      }
    }
  }

  private forget(id: number): void {
    const group = this.groups.get(id)
    if (group) this.idsByKey.delete(groupIdentity(group))
    for (const quick of this.quickKeysById.get(id) ?? []) this.idsByQuickKey.delete(quick)
    this.quickKeysById.delete(id)
    this.groups.delete(id)
    this.heads.delete(id)
    this.nextSeqs.delete(id)
  }

  private rememberQuickKey(quick: string, id: number): void {
    this.idsByQuickKey.set(quick, id)
    const keys = this.quickKeysById.get(id)
    if (keys) keys.push(quick)
    else this.quickKeysById.set(id, [quick])
  }

  private remember(group: GroupInfo): void {
    this.groups.set(group.id, group)
    this.idsByKey.set(groupIdentity(group), group.id)
  }
}

function prepare(db: Db) {
  return {
    chunksIn: db.prepare('SELECT first_seq, data FROM series_chunks WHERE group_id = ? AND start_ts <= ? AND end_ts >= ? ORDER BY start_ts'),
    insertChunk: db.prepare('INSERT INTO series_chunks (group_id, start_ts, end_ts, rows, first_seq, data) VALUES (?, ?, ?, ?, ?, ?)'),
    nextSeq: db.prepare('SELECT MAX(first_seq + rows) FROM series_chunks WHERE group_id = ?').pluck(),
    dropChunks: db.prepare('DELETE FROM series_chunks WHERE end_ts < ?'),
    dropGroupChunks: db.prepare('DELETE FROM series_chunks WHERE group_id = ? AND end_ts < ?'),
    emptyGroups: db.prepare('SELECT id FROM series_groups g WHERE NOT EXISTS (SELECT 1 FROM series_chunks c WHERE c.group_id = g.id)').pluck(),
    lastChunkEnd: db.prepare('SELECT MAX(end_ts) FROM series_chunks WHERE group_id = ?').pluck(),
    firstChunkStart: db.prepare('SELECT MIN(start_ts) FROM series_chunks WHERE group_id = ?').pluck(),
    logDone: db.prepare('INSERT OR IGNORE INTO series_log_done (segment) VALUES (?)'),
    logDoneAll: db.prepare('SELECT segment FROM series_log_done').pluck(),
    clearLogDone: db.prepare('DELETE FROM series_log_done WHERE segment < ?')
  }
}

function quickKey(key: GroupKey): string {
  let text = key.metric
  for (const name in key.labels) text += `\u0000${name}\u0000${key.labels[name]}`
  return text
}

function decodedWithSeq(data: Uint8Array, firstSeq: number): SeriesRange {
  const { ts, columns } = decodeChunk(data)
  return { ts, seq: ts.map((_, i) => firstSeq + i), columns }
}

/** Rows of several parts (chunks, head) in [start, end], in time order (stable for equal times). */
function mergeInRange(parts: readonly SeriesRange[], columnCount: number, start: number, end: number): SeriesRange {
  const rows: Array<{ ts: number; part: number; index: number }> = []
  parts.forEach((part, p) => part.ts.forEach((ts, index) => ts >= start && ts <= end && rows.push({ ts, part: p, index })))
  let sorted = true
  for (let i = 1; i < rows.length && sorted; i++) if ((rows[i] as { ts: number }).ts < (rows[i - 1] as { ts: number }).ts) sorted = false
  if (!sorted) rows.sort((a, b) => a.ts - b.ts || a.part - b.part || a.index - b.index)
  const columns: SampleValue[][] = Array.from({ length: columnCount }, () => new Array<SampleValue>(rows.length))
  rows.forEach((row, r) => {
    const part = parts[row.part] as SeriesRange
    for (let c = 0; c < columnCount; c++) (columns[c] as SampleValue[])[r] = part.columns[c]?.[row.index] ?? null
  })
  return { ts: rows.map((row) => row.ts), seq: rows.map((row) => (parts[row.part] as SeriesRange).seq[row.index] as number), columns }
}
