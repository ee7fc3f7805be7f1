// The series groups as SQLite keeps them: names and labels as ids of interned strings, so a
// process that lived a minute costs a few dozen bytes of catalogue, not a few hundred. Both
// tables are only appended to (and a group's row updated when its series ends or starts again,
// with where it ends; meanwhile that is appended to series_group_ends: group-ends.ts). The store holds the
// groups whose series go on in memory, with the label index that matchers use (label-postings.ts);
// groups that ended are read back from here by id when a read reaches their time
// (011-series-cold-groups.ts), not through an SQLite label index that every new process would
// write into at a random place.
import type { Db } from '../db/db'
import { BitReader, BitWriter, readSigned, writeSigned } from './bit-stream'

/** The label that holds a group's metric. */
export const METRIC_LABEL = '__name__'

export interface GroupInfo {
  id: number
  metric: string
  labels: Readonly<Record<string, string>>
  /** The group's fields, in the order rows give them. */
  columns: readonly string[]
}

/** Labels as (name, value) pairs sorted by name: one set of labels has one spelling. */
export function sortedLabels(labels: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** A group's identity — its metric and sorted labels — as one string, for maps and comparisons. */
export function groupIdentity(key: Pick<GroupInfo, 'metric' | 'labels'>): string {
  return JSON.stringify([key.metric, sortedLabels(key.labels)])
}

export interface StoredGroup {
  group: GroupInfo
  nextSeq: number
  lastTs: number | null
}

/**
 * Strings are interned (a process's command is stored once, not per group), but the catalogue
 * does not hold every string ever interned: past INTERNED_IN_MEMORY it forgets them and may
 * store one again (a few bytes; a string's ids all read back the same). The values of the
 * partition label (servers' ids) are the exception: reads look groups up by them, so each has
 * exactly one id, found in SQLite when not in memory.
 */
const INTERNED_IN_MEMORY = 200_000

export class GroupCatalog {
  private readonly ids = new Map<string, number>()
  private readonly texts = new Map<number, string>()
  private readonly partitions = new Map<string, number>()
  private readonly absentPartitions = new Set<string>()
  private readonly statements: ReturnType<typeof prepare>

  constructor(db: Db) {
    this.statements = prepare(db)
  }

  /** The groups whose series go on (not ended), with where each ends. */
  loadLive(): StoredGroup[] {
    return this.decode(this.statements.liveGroups.all() as GroupRow[])
  }

  /** Groups by id (those stored; ended or not). */
  load(ids: Iterable<number>): StoredGroup[] {
    const rows: GroupRow[] = []
    for (const id of ids) {
      const row = this.statements.groupById.get(id) as GroupRow | undefined
      if (row) rows.push(row)
    }
    return this.decode(rows)
  }

  /** The highest group id ever stored, 0 when none. */
  maxId(): number {
    return (this.statements.maxId.get() as number | null) ?? 0
  }

  /** Stores a group (within the caller's transaction); `ended` keeps it out of loadLive. */
  insert(group: GroupInfo, nextSeq = 0, lastTs: number | null = null, ended = false): void {
    const labels = sortedLabels(group.labels)
    const out = new BitWriter(8 + labels.length * 6)
    writeSigned(out, labels.length)
    for (const [name, value] of labels) {
      writeSigned(out, this.intern(name))
      writeSigned(out, this.intern(value))
    }
    this.statements.insertGroup.run(group.id, this.intern(group.metric), out.finish(), this.intern(JSON.stringify(group.columns)), nextSeq, lastTs, ended ? 1 : 0)
  }

  /**
   * Where a stored group's samples end, and whether its series ended (left out of loadLive)
   * or goes on (within the caller's transaction). The store writes a row only when the group
   * ends or starts again; where a live group ends meanwhile is in series_group_ends (group-ends.ts).
   */
  update(id: number, nextSeq: number, lastTs: number | null, ended: boolean): void {
    this.statements.updateGroup.run(nextSeq, lastTs, ended ? 1 : 0, id)
  }

  /** Deletes a group, not its chunks (within the caller's transaction). */
  delete(group: GroupInfo): void {
    this.statements.deleteGroup.run(group.id)
  }

  /** The id of a partition label's value, stored if new (within the caller's transaction); 0 for none. */
  partitionId(value: string | undefined): number {
    if (value === undefined) return 0
    const known = this.findPartition(value)
    if (known !== null) return known
    const id = Number(this.statements.insertString.run(value).lastInsertRowid)
    this.partitions.set(value, id)
    this.absentPartitions.delete(value)
    return id
  }

  /** The id of a partition label's value if it was ever stored. */
  findPartition(value: string): number | null {
    let id = this.partitions.get(value)
    if (id === undefined) {
      // Once per value and process (found or not): the table has no index on its text (see the
      // header), and a server with no sample yet is asked for again and again.
      if (this.absentPartitions.has(value)) return null
      const stored = this.statements.stringId.get(value) as number | null
      if (stored === null) {
        if (this.absentPartitions.size >= INTERNED_IN_MEMORY) this.absentPartitions.clear()
        this.absentPartitions.add(value)
        return null
      }
      this.partitions.set(value, (id = stored))
    }
    return id
  }

  private intern(text: string): number {
    let id = this.ids.get(text) ?? this.partitions.get(text)
    if (id === undefined) {
      id = Number(this.statements.insertString.run(text).lastInsertRowid)
      this.remember(text, id)
      // A partition value looked for before any group had it (a read for a new server) is
      // stored now: it must be found, or partitionId would store it again under another id, and
      // after a restart findPartition (the lowest id) would not find the groups filed under that one.
      this.absentPartitions.delete(text)
    }
    return id
  }

  private text(id: number): string {
    let text = this.texts.get(id)
    if (text === undefined) {
      text = (this.statements.stringText.get(id) as string | undefined) ?? ''
      this.remember(text, id)
    }
    return text
  }

  private remember(text: string, id: number): void {
    if (this.ids.size >= INTERNED_IN_MEMORY) {
      this.ids.clear()
      this.texts.clear()
    }
    this.ids.set(text, id)
    this.texts.set(id, text)
  }

  private decode(rows: readonly GroupRow[]): StoredGroup[] {
    // Groups share their column lists: one parsed array each.
    const columnLists = new Map<number, string[]>()
    return rows.map((row) => {
      const labels: Record<string, string> = {}
      const input = new BitReader(row.labels)
      for (let count = readSigned(input); count > 0; count--) labels[this.text(readSigned(input))] = this.text(readSigned(input))
      let columns = columnLists.get(row.columns)
      if (!columns) columnLists.set(row.columns, (columns = JSON.parse(this.text(row.columns)) as string[]))
      return { group: { id: row.id, metric: this.text(row.metric), labels, columns }, nextSeq: row.next_seq, lastTs: row.last_ts }
    })
  }
}

interface GroupRow {
  id: number
  metric: number
  labels: Uint8Array
  columns: number
  next_seq: number
  last_ts: number | null
}

const GROUP_COLUMNS = 'id, metric, labels, columns, next_seq, last_ts'

function prepare(db: Db) {
  return {
    stringText: db.prepare('SELECT text FROM series_strings WHERE id = ?').pluck(),
    stringId: db.prepare('SELECT MIN(id) FROM series_strings WHERE text = ?').pluck(),
    insertString: db.prepare('INSERT INTO series_strings (text) VALUES (?)'),
    liveGroups: db.prepare(`SELECT ${GROUP_COLUMNS} FROM series_groups WHERE ended = 0`),
    groupById: db.prepare(`SELECT ${GROUP_COLUMNS} FROM series_groups WHERE id = ?`),
    maxId: db.prepare('SELECT MAX(id) FROM series_groups').pluck(),
    insertGroup: db.prepare('INSERT INTO series_groups (id, metric, labels, columns, next_seq, last_ts, ended) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    updateGroup: db.prepare('UPDATE series_groups SET next_seq = ?, last_ts = ?, ended = ? WHERE id = ?'),
    deleteGroup: db.prepare('DELETE FROM series_groups WHERE id = ?')
  }
}
