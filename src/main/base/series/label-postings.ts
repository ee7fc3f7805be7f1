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
