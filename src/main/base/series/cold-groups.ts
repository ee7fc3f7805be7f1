// Groups whose series ended (a process gone: its last sample a staleness marker), kept in SQLite
// only. The store lets them leave memory a while after they end; a read whose range reaches
// their time finds them through series_group_buckets (011-series-cold-groups.ts): the groups
// with a chunk ending in each hour, by partition (a server). Decoded groups are cached, a
// bounded number, for the reads that follow each other over the same stretch.
import type { Db } from '../db/db'
import type { GroupCatalog, StoredGroup } from './group-catalog'

/** Decoded cold groups kept for the next reads; the cache starts over past this. */
const CACHED_GROUPS = 50_000

// Buckets from the first parameter to the second (inclusive), one index seek each.
export const BUCKETS = 'WITH RECURSIVE buckets(b) AS (SELECT ? UNION ALL SELECT b + 1 FROM buckets WHERE b < ?)'

export class ColdGroups {
  private readonly cache = new Map<number, StoredGroup | null>()
  private readonly statements: ReturnType<typeof prepare>

  constructor(
    db: Db,
    private readonly catalog: GroupCatalog
  ) {
    this.statements = prepare(db)
  }

  /** Records that a group has a chunk ending in `bucket` (within the caller's transaction). */
  recordChunk(bucket: number, partition: number, groupId: number): void {
    this.statements.insert.run(bucket, partition, groupId)
  }

  /** Forgets a group's buckets from `from` to `to` (within the caller's transaction). */
  forgetBuckets(partition: number, groupId: number, from: number, to: number): void {
    if (to >= from) this.statements.deleteRange.run(from, to, partition, groupId)
  }

  /**
   * The ids of the groups with a chunk ending in buckets [from, to], of one partition (a
   * partition label's value; null for all).
   */
  idsIn(from: number, to: number, partition: number | null): Set<number> {
    const ids = new Set<number>()
    if (to < from) return ids
    const rows = (partition === null ? this.statements.inRange.all(from, to) : this.statements.inPartition.all(from, to, partition)) as number[]
    for (const id of rows) ids.add(id)
    return ids
  }

  /** The groups with a chunk ending in buckets [from, to] and their rows' next sequence numbers (exact for a group out of memory). */
  nextSeqsIn(from: number, to: number): Array<{ id: number; nextSeq: number }> {
    return this.statements.nextSeqsIn.all(from, to) as Array<{ id: number; nextSeq: number }>
  }

  /** Stored groups by id (decoded once, then cached); ids no longer stored are left out. */
  load(ids: Iterable<number>): StoredGroup[] {
    const found: StoredGroup[] = []
    const missing: number[] = []
    for (const id of ids) {
      const cached = this.cache.get(id)
      if (cached === undefined) missing.push(id)
      else if (cached !== null) found.push(cached)
    }
    if (missing.length > 0) {
      if (this.cache.size + missing.length > CACHED_GROUPS) this.cache.clear()
      const loaded = new Map(this.catalog.load(missing).map((stored) => [stored.group.id, stored]))
      for (const id of missing) {
        const stored = loaded.get(id) ?? null
        this.cache.set(id, stored)
        if (stored !== null) found.push(stored)
      }
    }
    return found
  }

  /** A group changed or went (a write, a drop, a deletion): the next read loads it afresh. */
  invalidate(id: number): void {
    this.cache.delete(id)
  }

  /** Whether the table lists nothing while chunks exist: a data dir from before it (filled by the store). */
  needsBackfill(): boolean {
    return this.statements.anyBucket.get() === undefined && this.statements.anyChunk.get() !== undefined
  }

  /** Every (bucket, group) that has chunks, for the backfill. */
  chunkBuckets(): Array<{ bucket: number; group_id: number }> {
    return this.statements.chunkBuckets.all() as Array<{ bucket: number; group_id: number }>
  }
}

function prepare(db: Db) {
  return {
    insert: db.prepare('INSERT OR IGNORE INTO series_group_buckets (bucket, partition, group_id) VALUES (?, ?, ?)'),
    deleteRange: db.prepare(`${BUCKETS} DELETE FROM series_group_buckets WHERE bucket IN buckets AND partition = ? AND group_id = ?`),
    inRange: db.prepare('SELECT DISTINCT group_id FROM series_group_buckets WHERE bucket BETWEEN ? AND ?').pluck(),
    inPartition: db.prepare(`${BUCKETS} SELECT group_id FROM series_group_buckets WHERE bucket IN buckets AND partition = ?`).pluck(),
    nextSeqsIn: db.prepare('SELECT id, next_seq AS nextSeq FROM series_groups WHERE id IN (SELECT group_id FROM series_group_buckets WHERE bucket BETWEEN ? AND ?)'),
    anyBucket: db.prepare('SELECT 1 FROM series_group_buckets LIMIT 1').pluck(),
    anyChunk: db.prepare('SELECT 1 FROM series_chunks LIMIT 1').pluck(),
    chunkBuckets: db.prepare('SELECT DISTINCT bucket, group_id FROM series_chunks')
  }
}
