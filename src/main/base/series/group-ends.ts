// Where groups end (the sequence number of their next sample, the end of their newest chunk),
// appended per write rather than updated in each group's row (020-series-group-ends.ts): one
// row per write, the changed groups packed in a blob; every SNAPSHOT_EVERY rows, one row holds
// every group whose row is behind and the older rows go.
import type { Db } from '../db/db'
import { BitReader, BitWriter, readSigned, writeSigned } from './bit-stream'

export interface GroupEnd {
  id: number
  nextSeq: number
  lastTs: number | null
}

/** Rows kept before a write stores every group whose row is behind and deletes the rest. */
const SNAPSHOT_EVERY = 16

export class GroupEnds {
  private readonly statements: ReturnType<typeof prepare>
  private rows: number

  constructor(db: Db) {
    this.statements = prepare(db)
    this.rows = this.statements.count.get() as number
  }

  /** Every entry ever appended and not folded away, oldest first. */
  loadAll(): GroupEnd[] {
    const ends: GroupEnd[] = []
    for (const data of this.statements.all.all() as Uint8Array[]) ends.push(...decode(data))
    return ends
  }

  /** Whether the next write should be a snapshot (all groups whose row is behind). */
  get snapshotDue(): boolean {
    return this.rows >= SNAPSHOT_EVERY
  }

  /**
   * Appends one write's entries (within the caller's transaction). A snapshot — entries for
   * every group whose row is behind — replaces every row before it.
   */
  append(entries: readonly GroupEnd[], snapshot: boolean): void {
    if (snapshot) {
      this.statements.clear.run()
      this.rows = 0
    }
    if (entries.length === 0) return
    this.statements.insert.run(encode(entries))
    this.rows++
  }
}

function encode(entries: readonly GroupEnd[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => a.id - b.id)
  const out = new BitWriter(16 + sorted.length * 8)
  writeSigned(out, sorted.length)
  let id = 0
  let last = 0
  for (const end of sorted) {
    writeSigned(out, end.id - id)
    writeSigned(out, end.nextSeq)
    out.writeBit(end.lastTs !== null)
    if (end.lastTs !== null) {
      writeSigned(out, end.lastTs - last)
      last = end.lastTs
    }
    id = end.id
  }
  return out.finish()
}

function decode(data: Uint8Array): GroupEnd[] {
  const input = new BitReader(data)
  const ends: GroupEnd[] = []
  let id = 0
  let last = 0
  for (let count = readSigned(input); count > 0; count--) {
    id += readSigned(input)
    const nextSeq = readSigned(input)
    let lastTs: number | null = null
    if (input.readBit()) lastTs = last += readSigned(input)
    ends.push({ id, nextSeq, lastTs })
  }
  return ends
}

function prepare(db: Db) {
  return {
    count: db.prepare('SELECT COUNT(*) FROM series_group_ends').pluck(),
    all: db.prepare('SELECT data FROM series_group_ends ORDER BY id').pluck(),
    insert: db.prepare('INSERT INTO series_group_ends (data) VALUES (?)'),
    clear: db.prepare('DELETE FROM series_group_ends')
  }
}
