// What test/helpers/series-ingest-child.ts ingests: each group's row is a function of the group
// and the row's sequence number, so a test can tell what every stored row must be.
import type { GroupKey } from '../../src/main/base/series/series-store'

export const INGEST_GROUPS = 6

/** A counter, a two-decimal gauge with a gap now and then, and a double (XOR-coded). */
export function ingestRow(group: number, seq: number): Array<number | null> {
  return [1_000_000 * group + seq * 7, seq % 11 === 0 ? null : (seq * 37 + group) / 100, Math.sin(seq + group)]
}

export const ingestKey = (group: number): GroupKey => ({ metric: 'm', labels: { group: String(group) }, columns: ['counter', 'gauge', 'double'] })
