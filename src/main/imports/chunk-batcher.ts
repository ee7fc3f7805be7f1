// Imported samples on their way to the series store's bulk path: gathered per group and written
// as whole chunks (SeriesStore.writeChunks), a batch at a time, each batch in one transaction
// with the import's record of how far it got — so an import cut short resumes after what is
// stored, never writing a sample twice, and memory stays bounded whatever the file's size.
import type { SampleValue } from '../base/series/sample'
import type { BulkChunk, GroupKey, SeriesStore } from '../base/series/series-store'

/** Rows gathered before a batch is written: a few MB of memory. */
export const BATCH_ROWS = 50_000

interface Pending {
  ts: number[]
  columns: SampleValue[][]
  ordered: boolean
}

export class ChunkBatcher {
  private readonly ids = new Map<string, number>()
  private readonly pending = new Map<number, Pending>()
  private rows = 0
  written = 0

  constructor(
    private readonly store: SeriesStore,
    private readonly batchRows = BATCH_ROWS
  ) {}

  /** The group of `key`, looked up once per `cacheKey`. */
  groupOf(cacheKey: string, key: () => GroupKey): number {
    let id = this.ids.get(cacheKey)
    if (id === undefined) this.ids.set(cacheKey, (id = this.store.groupId(key())))
    return id
  }

  add(groupId: number, ts: number, row: readonly SampleValue[]): void {
    let group = this.pending.get(groupId)
    if (!group) this.pending.set(groupId, (group = { ts: [], columns: row.map(() => []), ordered: true }))
    const last = group.ts[group.ts.length - 1]
    if (last !== undefined && ts < last) group.ordered = false
    group.ts.push(ts)
    row.forEach((value, c) => (group.columns[c] as SampleValue[]).push(value))
    this.rows++
  }

  get full(): boolean {
    return this.rows >= this.batchRows
  }

  /** Writes what is gathered, with `alsoInTransaction` (the progress record) in the same transaction. */
  flush(alsoInTransaction: () => void): void {
    const chunks: BulkChunk[] = []
    for (const [groupId, group] of this.pending) chunks.push(group.ordered ? { groupId, ts: group.ts, columns: group.columns } : sortedChunk(groupId, group))
    this.store.writeChunks(chunks, alsoInTransaction)
    this.written += this.rows
    this.pending.clear()
    this.rows = 0
  }
}

/** A chunk's times may not go backwards: rows out of order (a clock change) are sorted, equal times kept in file order. */
function sortedChunk(groupId: number, group: Pending): BulkChunk {
  const order = group.ts.map((_, i) => i).sort((a, b) => (group.ts[a] as number) - (group.ts[b] as number) || a - b)
  return { groupId, ts: order.map((i) => group.ts[i] as number), columns: group.columns.map((column) => order.map((i) => column[i] as SampleValue)) }
}
