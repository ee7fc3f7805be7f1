// The series store: every time series Vigil keeps, in compressed chunks in the SQLite file.
//
// Samples arrive by group (fields sampled together) into an in-memory head per group; each
// flush appends them to the head log (head-log.ts) and writes the chunks that filled since. A
// head is cut into a chunk when it holds `headRows` rows, and every head at each `cutEveryMs`,
// after which the log's older segments are deleted: a crash loses at most the last flush, and
// a restart replays the log into the heads. Readers see chunks and heads alike.
import type { Db } from '../db/db'
import { decodeChunk, encodeChunk } from './chunk-codec'
import { GroupHead } from './group-head'
import { HeadLog, type LoggedSample } from './head-log'
import { METRIC_LABEL, selectGroups, type LabelMatcher } from './matchers'
import type { SampleValue } from './sample'

export interface GroupKey {
  metric: string
  labels: Readonly<Record<string, string>>
  /** The group's fields, in the order rows give them. */
  columns: readonly string[]
  /** The server the series belong to: they go when it is deleted. */
  serverId?: string | null
}

export interface GroupInfo extends Required<GroupKey> {
  id: number
}

export interface SeriesRange {
  /** Sample times, ascending. */
  ts: number[]
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

interface PendingChunk {
  groupId: number
  startTs: number
  endTs: number
  rows: number
  data: Uint8Array
}

export const DEFAULT_HEAD_ROWS = 120
export const DEFAULT_CUT_EVERY_MS = 5 * 60_000

export class SeriesStore {
  private readonly heads = new Map<number, GroupHead>()
  private readonly groups = new Map<number, GroupInfo>()
  private readonly idsByKey = new Map<string, number>()
  private readonly log: HeadLog | null
  private readonly headRows: number
  private readonly cutEveryMs: number
  private readonly now: () => number
  private pendingSamples: LoggedSample[] = []
  private pendingChunks: PendingChunk[] = []
  private lastCut: number

  private readonly statements: ReturnType<typeof prepare>

  constructor(
    private readonly db: Db,
    options: SeriesStoreOptions
  ) {
    this.headRows = options.headRows ?? DEFAULT_HEAD_ROWS
    this.cutEveryMs = options.cutEveryMs ?? DEFAULT_CUT_EVERY_MS
    this.now = options.now ?? Date.now
    this.lastCut = this.now()
    this.statements = prepare(db)
    for (const row of this.statements.allGroups.all() as GroupRow[]) this.remember(groupInfo(row))
    this.log = options.logDir === null ? null : new HeadLog(options.logDir, this.now)
    if (this.log) this.replay(this.log)
  }

  /** The id of the group with this metric and these labels, created on first use. */
  groupId(key: GroupKey): number {
    const labels = canonicalLabels(key.labels)
    const known = this.idsByKey.get(`${key.metric}\u0000${labels}`)
    if (known !== undefined) return known
    const id = this.db.transaction(() => {
      const groupId = Number(
        this.statements.insertGroup.run(key.metric, labels, JSON.stringify(key.columns), key.serverId ?? null).lastInsertRowid
      )
      this.statements.insertLabel.run(METRIC_LABEL, key.metric, groupId)
      for (const [name, value] of Object.entries(key.labels)) this.statements.insertLabel.run(name, value, groupId)
      return groupId
    })()
    this.remember({ id, metric: key.metric, labels: JSON.parse(labels), columns: [...key.columns], serverId: key.serverId ?? null })
    return id
  }

  group(id: number): GroupInfo | undefined {
    return this.groups.get(id)
  }

  /** Adds a row (one value per column) at `ts`; it is durable after the next flush. */
  append(groupId: number, ts: number, row: readonly SampleValue[]): void {
    const head = this.headOf(groupId)
    // Each chunk is in time order: a sample older than the head's newest starts a new chunk.
    if (head.full || (head.count > 0 && ts < head.lastTs)) this.cutHead(groupId, head)
    head.append(ts, row)
    this.pendingSamples.push({ groupId, ts, row })
  }

  /** Logs what arrived since the last flush and writes the chunks that filled; cuts every head when it is time. */
  flush(): void {
    if (this.log) this.log.append(this.pendingSamples)
    this.pendingSamples = []
    if (this.now() - this.lastCut >= this.cutEveryMs) this.cutAll()
    else this.writeChunks([])
  }

  /** Cuts every head into chunks and retires the log segments they came from. */
  cutAll(): void {
    if (this.log) this.log.append(this.pendingSamples)
    this.pendingSamples = []
    for (const [groupId, head] of this.heads) if (head.count > 0) this.cutHead(groupId, head)
    const retired = this.log ? this.log.rotate() : []
    this.writeChunks(retired)
    this.log?.retire(retired)
    this.lastCut = this.now()
  }

  /** The groups every matcher selects (`__name__` is the metric). */
  select(matchers: readonly LabelMatcher[]): GroupInfo[] {
    return [...selectGroups(this.db, matchers)].map((id) => this.groups.get(id)).filter((group): group is GroupInfo => group !== undefined)
  }

  /** A group's samples with times in [start, end], from chunks and head, in time order. */
  read(groupId: number, start: number, end: number): SeriesRange {
    const group = this.groups.get(groupId)
    const columnCount = group?.columns.length ?? 0
    const parts: SeriesRange[] = []
    for (const { data } of this.statements.chunksIn.all(groupId, end, start) as Array<{ data: Uint8Array }>) {
      parts.push(decodeChunk(data))
    }
    for (const chunk of this.pendingChunks) if (chunk.groupId === groupId && chunk.startTs <= end && chunk.endTs >= start) parts.push(decodeChunk(chunk.data))
    const head = this.heads.get(groupId)
    if (head && head.count > 0) parts.push(head.read(start, end))
    return mergeInRange(parts, columnCount, start, end)
  }

  /** Drops the chunks that end before `ts` (retention); returns how many went. */
  dropBefore(ts: number): number {
    return this.statements.dropChunks.run(ts).changes
  }

  /** Forgets the groups whose rows are gone (their server was deleted). */
  forgetDeleted(): void {
    const existing = new Set(this.statements.allGroupIds.all() as number[])
    for (const id of this.groups.keys()) {
      if (existing.has(id)) continue
      const group = this.groups.get(id) as GroupInfo
      this.idsByKey.delete(`${group.metric}\u0000${canonicalLabels(group.labels)}`)
      this.groups.delete(id)
      this.heads.delete(id)
    }
    this.pendingSamples = this.pendingSamples.filter((sample) => existing.has(sample.groupId))
    this.pendingChunks = this.pendingChunks.filter((chunk) => existing.has(chunk.groupId))
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

  private cutHead(groupId: number, head: GroupHead): void {
    this.pendingChunks.push({ groupId, ...head.cut() })
  }

  private writeChunks(retiredSegments: readonly number[]): void {
    const chunks = this.pendingChunks
    if (chunks.length === 0 && retiredSegments.length === 0) return
    this.db.transaction(() => {
      for (const chunk of chunks) {
        // Two chunks of a group with the same span (late samples) are stored as one.
        const existing = this.statements.chunkAt.get(chunk.groupId, chunk.startTs, chunk.endTs) as { data: Uint8Array } | undefined
        const data = existing ? mergeChunks(existing.data, chunk.data) : chunk.data
        const rows = existing ? decodeChunk(data).ts.length : chunk.rows
        this.statements.upsertChunk.run(chunk.groupId, chunk.startTs, chunk.endTs, rows, data)
      }
      for (const segment of retiredSegments) this.statements.logDone.run(segment)
    })()
    this.pendingChunks = []
    // The segments' files are deleted by the caller after this commit; their marks can go with
    // them at the next cut, when they are certainly gone.
    if (retiredSegments.length === 0) return
    this.statements.clearLogDone.run(Math.min(...retiredSegments))
  }

  /**
   * Brings the heads back from the log after a restart. Samples already in a chunk — a full head
   * was cut and written after they were logged — are skipped: for each group, anything up to
   * the end of its newest chunk.
   */
  private replay(log: HeadLog): void {
    const done = new Set(this.statements.logDoneAll.all() as number[])
    const writtenUntil = new Map<number, number>()
    for (const sample of log.replay(done)) {
      if (!this.groups.has(sample.groupId)) continue
      let until = writtenUntil.get(sample.groupId)
      if (until === undefined) {
        until = (this.statements.lastChunkEnd.get(sample.groupId) as number | undefined) ?? -Infinity
        writtenUntil.set(sample.groupId, until)
      }
      if (sample.ts <= until) continue
      const head = this.headOf(sample.groupId)
      if (head.full || (head.count > 0 && sample.ts < head.lastTs)) this.cutHead(sample.groupId, head)
      head.append(sample.ts, sample.row)
    }
  }

  private remember(group: GroupInfo): void {
    this.groups.set(group.id, group)
    this.idsByKey.set(`${group.metric}\u0000${canonicalLabels(group.labels)}`, group.id)
  }
}

interface GroupRow {
  id: number
  metric: string
  labels: string
  columns: string
  server_id: string | null
}

function prepare(db: Db) {
  return {
    allGroups: db.prepare('SELECT id, metric, labels, columns, server_id FROM series_groups'),
    allGroupIds: db.prepare('SELECT id FROM series_groups').pluck(),
    insertGroup: db.prepare('INSERT INTO series_groups (metric, labels, columns, server_id) VALUES (?, ?, ?, ?)'),
    insertLabel: db.prepare('INSERT OR IGNORE INTO series_labels (name, value, group_id) VALUES (?, ?, ?)'),
    chunksIn: db.prepare('SELECT data FROM series_chunks WHERE group_id = ? AND start_ts <= ? AND end_ts >= ? ORDER BY start_ts'),
    chunkAt: db.prepare('SELECT data FROM series_chunks WHERE group_id = ? AND start_ts = ? AND end_ts = ?'),
    upsertChunk: db.prepare('INSERT OR REPLACE INTO series_chunks (group_id, start_ts, end_ts, rows, data) VALUES (?, ?, ?, ?, ?)'),
    dropChunks: db.prepare('DELETE FROM series_chunks WHERE end_ts < ?'),
    logDone: db.prepare('INSERT OR IGNORE INTO series_log_done (segment) VALUES (?)'),
    logDoneAll: db.prepare('SELECT segment FROM series_log_done').pluck(),
    lastChunkEnd: db.prepare('SELECT end_ts FROM series_chunks WHERE group_id = ? ORDER BY start_ts DESC LIMIT 1').pluck(),
    clearLogDone: db.prepare('DELETE FROM series_log_done WHERE segment < ?')
  }
}

function groupInfo(row: GroupRow): GroupInfo {
  return { id: row.id, metric: row.metric, labels: JSON.parse(row.labels), columns: JSON.parse(row.columns), serverId: row.server_id }
}

/** Labels as JSON with sorted keys, so one set of labels has one spelling. */
function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
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
  return { ts: rows.map((row) => row.ts), columns }
}

function mergeChunks(a: Uint8Array, b: Uint8Array): Uint8Array {
  const first = decodeChunk(a)
  const second = decodeChunk(b)
  const merged = mergeInRange([first, second], Math.max(first.columns.length, second.columns.length), -Infinity, Infinity)
  return encodeChunk(merged.ts, merged.columns)
}
