// Groups whose series ended and that left the store's working set before their row was
// written. The catalogue is written every hour (CATALOGUE_EVERY_ROTATIONS in series-store.ts,
// for the writes goal), and a process that ended could not leave memory before its row said so:
// at 1,000 servers the groups of the last 60–90 minutes' ended processes were held whole — up
// to ~200,000 of them, each with its state and its places in the store's maps, sets and label
// postings. Parked, a group keeps only what its row will say and what the store needs of it
// until then. (Packing these into typed arrays and a byte arena was measured: no smaller in
// all, as a group's own strings — its pid, its command — are most of what is left.)
import type { GroupInfo } from './group-catalog'
import type { GroupEnd } from './group-ends'

export interface ParkedGroup {
  info: GroupInfo
  /** The sequence number after its last sample, and that sample's time: where its chunks end. */
  nextSeq: number
  lastTs: number | null
  /** Whether its row is in SQLite; if so it says the group is live, ending at rowNextSeq and rowLast. */
  stored: boolean
  rowNextSeq: number
  rowLast: number | null
  /** The log generation in which its creation was logged: kept while its row is not stored. */
  createdGeneration: number
}

export class ParkedGroups {
  private readonly byId = new Map<number, ParkedGroup>()

  get size(): number {
    return this.byId.size
  }

  add(group: ParkedGroup): void {
    this.byId.set(group.info.id, group)
  }

  get(id: number): ParkedGroup | undefined {
    return this.byId.get(id)
  }

  /** Removes a group and returns it (a sample brings it back into the working set). */
  take(id: number): ParkedGroup | undefined {
    const group = this.byId.get(id)
    if (group !== undefined) this.byId.delete(id)
    return group
  }

  /** Every parked group (for the catalogue write). */
  all(): ParkedGroup[] {
    return [...this.byId.values()]
  }

  /** Where each parked group ends (its row is behind or not written), for series_group_ends. */
  ends(): GroupEnd[] {
    return this.all().map(({ info, nextSeq, lastTs }) => ({ id: info.id, nextSeq, lastTs }))
  }

  /** Each parked group's id and the sequence number its next sample would get. */
  *nextSeqsById(): Generator<{ id: number; nextSeq: number }> {
    for (const { info, nextSeq } of this.byId.values()) yield { id: info.id, nextSeq }
  }

  /** The oldest log generation that holds the creation of a group whose row is not stored, or `below` if none is older. */
  oldestUnstoredCreation(below: number): number {
    let oldest = below
    for (const group of this.byId.values()) if (!group.stored && group.createdGeneration < oldest) oldest = group.createdGeneration
    return oldest
  }

  clear(): void {
    this.byId.clear()
  }
}
