// The series groups as SQLite keeps them: names and labels as ids of interned strings, so a
// process that lived a minute costs a few dozen bytes of catalogue, not a few hundred. Both
// tables are only appended to (and a group's row updated where it ends): the store holds every
// group in memory, so the label index that matchers use lives there too (LabelPostings), not
// in an SQLite index that every new process would write into at a random place.
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

/** What matchers need to know about labels, answered from the label index. */
export interface LabelIndex {
  /** Groups with the label `name` = `value`. */
  groupsWith(name: string, value: string): number[]
  /** The values the label `name` takes. */
  valuesOf(name: string): string[]
  /** Groups that have the label at all. */
  groupsWithLabel(name: string): number[]
  allGroupIds(): number[]
}

/**
 * Groups by label, in memory: every group the store knows, stored or not yet. A value that names
 * one group (a pid, a command: most values) holds its id alone, not in a set of one — a set
 * costs a few hundred bytes, and processes bring new values by the thousand an hour.
 */
export class LabelPostings implements LabelIndex {
  private readonly postings = new Map<string, Map<string, number | Set<number>>>()
  private readonly ids = new Set<number>()

  add(group: GroupInfo): void {
    this.ids.add(group.id)
    this.post(METRIC_LABEL, group.metric, group.id)
    for (const name in group.labels) this.post(name, group.labels[name] as string, group.id)
  }

  remove(group: GroupInfo): void {
    this.ids.delete(group.id)
    this.unpost(METRIC_LABEL, group.metric, group.id)
    for (const name in group.labels) this.unpost(name, group.labels[name] as string, group.id)
  }

  groupsWith(name: string, value: string): number[] {
    const groups = this.postings.get(name)?.get(value)
    return groups === undefined ? [] : typeof groups === 'number' ? [groups] : [...groups]
  }

  valuesOf(name: string): string[] {
    return [...(this.postings.get(name)?.keys() ?? [])]
  }

  groupsWithLabel(name: string): number[] {
    const ids: number[] = []
    for (const groups of this.postings.get(name)?.values() ?? []) {
      if (typeof groups === 'number') ids.push(groups)
      else for (const id of groups) ids.push(id)
    }
    return ids
  }

  allGroupIds(): number[] {
    return [...this.ids]
  }

  private post(name: string, value: string, id: number): void {
    let values = this.postings.get(name)
    if (!values) this.postings.set(name, (values = new Map()))
    const groups = values.get(value)
    if (groups === undefined) values.set(value, id)
    else if (typeof groups === 'number') {
      if (groups !== id) values.set(value, new Set([groups, id]))
    } else groups.add(id)
  }

  private unpost(name: string, value: string, id: number): void {
    const values = this.postings.get(name)
    const groups = values?.get(value)
    if (!values || groups === undefined) return
    if (typeof groups === 'number') {
      if (groups === id) values.delete(value)
    } else {
      groups.delete(id)
      if (groups.size === 1) values.set(value, groups.values().next().value as number)
    }
    if (values.size === 0) this.postings.delete(name)
  }
}

export class GroupCatalog {
  private readonly ids = new Map<string, number>()
  private readonly statements: ReturnType<typeof prepare>

  constructor(private readonly db: Db) {
    this.statements = prepare(db)
    for (const { id, text } of this.statements.allStrings.all() as Array<{ id: number; text: string }>) this.ids.set(text, id)
  }

  /** Every stored group, with the sequence number of its next sample and the end of its newest chunk. */
  load(): StoredGroup[] {
    const texts = new Map([...this.ids].map(([text, id]) => [id, text]))
    const text = (id: number): string => texts.get(id) ?? ''
    // Groups share their column lists: one parsed array each.
    const columnLists = new Map<number, string[]>()
    const rows = this.statements.allGroups.all() as Array<{ id: number; metric: number; labels: Uint8Array; columns: number; next_seq: number; last_ts: number | null }>
    return rows.map((row) => {
      const labels: Record<string, string> = {}
      const input = new BitReader(row.labels)
      for (let count = readSigned(input); count > 0; count--) labels[text(readSigned(input))] = text(readSigned(input))
      let columns = columnLists.get(row.columns)
      if (!columns) columnLists.set(row.columns, (columns = JSON.parse(text(row.columns)) as string[]))
      return { group: { id: row.id, metric: text(row.metric), labels, columns }, nextSeq: row.next_seq, lastTs: row.last_ts }
    })
  }

  /** Stores a group (within the caller's transaction). */
  insert(group: GroupInfo, nextSeq = 0, lastTs: number | null = null): void {
    const labels = sortedLabels(group.labels)
    const out = new BitWriter(8 + labels.length * 6)
    writeSigned(out, labels.length)
    for (const [name, value] of labels) {
      writeSigned(out, this.intern(name))
      writeSigned(out, this.intern(value))
    }
    this.statements.insertGroup.run(group.id, this.intern(group.metric), out.finish(), this.intern(JSON.stringify(group.columns)), nextSeq, lastTs)
  }

  /** Where a stored group's samples end (within the caller's transaction). */
  update(id: number, nextSeq: number, lastTs: number | null): void {
    this.statements.updateGroup.run(nextSeq, lastTs, id)
  }

  /** Deletes a group, not its chunks (within the caller's transaction). */
  delete(group: GroupInfo): void {
    this.statements.deleteGroup.run(group.id)
  }

  private intern(text: string): number {
    let id = this.ids.get(text)
    if (id === undefined) {
      id = Number(this.statements.insertString.run(text).lastInsertRowid)
      this.ids.set(text, id)
    }
    return id
  }
}

function prepare(db: Db) {
  return {
    allStrings: db.prepare('SELECT id, text FROM series_strings'),
    insertString: db.prepare('INSERT INTO series_strings (text) VALUES (?)'),
    allGroups: db.prepare('SELECT id, metric, labels, columns, next_seq, last_ts FROM series_groups'),
    insertGroup: db.prepare('INSERT INTO series_groups (id, metric, labels, columns, next_seq, last_ts) VALUES (?, ?, ?, ?, ?, ?)'),
    updateGroup: db.prepare('UPDATE series_groups SET next_seq = ?, last_ts = ? WHERE id = ?'),
    deleteGroup: db.prepare('DELETE FROM series_groups WHERE id = ?')
  }
}
