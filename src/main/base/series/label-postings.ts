// The label index of the groups in memory: which groups carry each label value, for matchers.
import { METRIC_LABEL, type GroupInfo } from './group-catalog'

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

/** Removals waiting before the lists they touched are swept at once. */
const MAX_WAITING_REMOVALS = 1 << 16

/**
 * Groups by label, in memory: every group the store knows, stored or not yet. A value that names
 * one group (a pid, a command: most values) holds its id alone; a value of more holds an array of
 * ids. Arrays rather than sets: a set costs ~30 bytes an id and a few hundred for a small one,
 * an array of small integers 8 bytes an id — and at 1,000 servers processes bring ~140,000
 * groups an hour, each posted under four or five values (its metric, server, user, command,
 * pid). Taking an id out of a long array is a search and a shift, and groups leave memory tens of
 * thousands at a time: so removals from arrays wait until the next read, the return of a group
 * they took out, or until many wait, and then every array they touched is swept once.
 */
export class LabelPostings implements LabelIndex {
  private readonly postings = new Map<string, Map<string, number | number[]>>()
  /** Ids taken out of arrays that still hold them; and those arrays, each with its label and value. */
  private readonly removed = new Set<number>()
  private readonly touched = new Map<number[], { name: string; value: string }>()

  add(group: GroupInfo): void {
    // Back before its removal was swept: sweep first, or the sweep would take the new entries out too.
    if (this.removed.has(group.id)) this.sweep()
    this.post(METRIC_LABEL, group.metric, group.id)
    for (const name in group.labels) this.post(name, group.labels[name] as string, group.id)
  }

  remove(group: GroupInfo): void {
    this.unpost(METRIC_LABEL, group.metric, group.id)
    for (const name in group.labels) this.unpost(name, group.labels[name] as string, group.id)
    if (this.removed.size >= MAX_WAITING_REMOVALS) this.sweep()
  }

  groupsWith(name: string, value: string): number[] {
    this.sweep()
    const groups = this.postings.get(name)?.get(value)
    return groups === undefined ? [] : typeof groups === 'number' ? [groups] : [...groups]
  }

  valuesOf(name: string): string[] {
    this.sweep()
    return [...(this.postings.get(name)?.keys() ?? [])]
  }

  groupsWithLabel(name: string): number[] {
    this.sweep()
    const ids: number[] = []
    for (const groups of this.postings.get(name)?.values() ?? []) {
      if (typeof groups === 'number') ids.push(groups)
      else for (const id of groups) ids.push(id)
    }
    return ids
  }

  /** Every group's id: each group is under its metric's name, once. */
  allGroupIds(): number[] {
    return this.groupsWithLabel(METRIC_LABEL)
  }

  private post(name: string, value: string, id: number): void {
    let values = this.postings.get(name)
    if (!values) this.postings.set(name, (values = new Map()))
    const groups = values.get(value)
    if (groups === undefined) values.set(value, id)
    else if (typeof groups === 'number') {
      if (groups !== id) values.set(value, [groups, id])
    }
    // Ids come in the order groups are made, so the same group added again would be the last.
    else if (groups[groups.length - 1] !== id) groups.push(id)
  }

  private unpost(name: string, value: string, id: number): void {
    const values = this.postings.get(name)
    const groups = values?.get(value)
    if (!values || groups === undefined) return
    if (typeof groups === 'number') {
      if (groups !== id) return
      values.delete(value)
      if (values.size === 0) this.postings.delete(name)
    } else {
      this.removed.add(id)
      if (!this.touched.has(groups)) this.touched.set(groups, { name, value })
    }
  }

  /** Takes the waiting removals out of the arrays they touched; an array left with one id becomes that id, with none goes. */
  private sweep(): void {
    if (this.removed.size === 0) return
    const removed = this.removed
    for (const [groups, { name, value }] of this.touched) {
      let kept = 0
      for (const id of groups) if (!removed.has(id)) groups[kept++] = id
      groups.length = kept
      if (kept > 1) continue
      const values = this.postings.get(name) as Map<string, number | number[]>
      if (kept === 1) values.set(value, groups[0] as number)
      else values.delete(value)
      if (values.size === 0) this.postings.delete(name)
    }
    removed.clear()
    this.touched.clear()
  }
}
