// The process aggregation's totals: per bucket, server and pid, the row count and min/max/avg of
// cpu and mem, as the SQL of the tables before the series store computed them.
//
// An hour of 500 processes is 360,000 rows into some 30,000 buckets: the totals live in one
// growing Float64Array (a slot of numbers per bucket) rather than objects per bucket and field,
// whose number fields each row would box, so that adding a row allocates nothing.
import { addCompensated, compensatedTotal } from '../base/series/neumaier-sum'
import { STALE, type SampleValue } from '../base/series/sample'
import { compareText, type ProcessAggregateRow } from './samples'
import type { ServerNames } from './metrics-store'

/** A slot: the row count, then for cpu and for mem: count, min, max, sum, compensation (addCompensated's two cells). */
const COUNT = 0
const CPU = 1
const MEM = 6
const SLOT = 11
const N = 0
const MIN = 1
const MAX = 2
const SUM = 3

/** A process's buckets: its slot in each. */
export interface ProcessKey {
  serverId: string
  pid: number
  readonly slots: Map<number, number>
}

export class ProcessBuckets {
  private readonly processes = new Map<string, ProcessKey>()
  /** Each slot's bucket, process, and the greatest command and user of the bucket's rows. */
  private readonly slots: Array<{ bucket: number; process: ProcessKey; command: string; user: string }> = []
  private totals = new Float64Array(1024 * SLOT)

  /** The process `pid` of a server: a pid reused by another command is the same process here. */
  process(serverId: string, pid: number): ProcessKey {
    const text = `${serverId}\u0000${pid}`
    let process = this.processes.get(text)
    if (!process) this.processes.set(text, (process = { serverId, pid, slots: new Map() }))
    return process
  }

  /**
   * Adds rows [from, to) of one process series — all in `bucket` — leaving out staleness
   * markers (both fields STALE). A pid reused by another command within one bucket is folded
   * into one row, its command and user the greatest of the bucket's.
   */
  addRun(
    process: ProcessKey,
    bucket: number,
    names: { command: string; user: string },
    cpu: ArrayLike<SampleValue>,
    mem: ArrayLike<SampleValue>,
    from: number,
    to: number
  ): void {
    const isMarker = (r: number): boolean => cpu[r] === STALE && mem[r] === STALE
    let r = from
    while (r < to && isMarker(r)) r++
    // Markers alone make no row (nor a bucket).
    if (r === to) return
    const base = this.slot(process, bucket, names) * SLOT
    const totals = this.totals
    for (; r < to; r++) {
      if (isMarker(r)) continue
      const c = cpu[r]
      const m = mem[r]
      totals[base + COUNT] = (totals[base + COUNT] as number) + 1
      if (typeof c === 'number') addValue(totals, base + CPU, c)
      if (typeof m === 'number') addValue(totals, base + MEM, m)
    }
  }

  get size(): number {
    return this.slots.length
  }

  /** The rows, by bucket, server and pid; `offset` and `limit` (-1 for all) select a page. */
  rows(names: Map<string, ServerNames>, offset: number, limit: number): ProcessAggregateRow[] {
    const slots = this.slots
    const order = slots.map((_, slot) => slot)
    order.sort((a, b) => {
      const sa = slots[a] as (typeof slots)[number]
      const sb = slots[b] as (typeof slots)[number]
      return sa.bucket - sb.bucket || compareText(sa.process.serverId, sb.process.serverId) || sa.process.pid - sb.process.pid
    })
    const page = limit < 0 ? order.slice(offset) : order.slice(offset, offset + limit)
    return page.map((slot) => this.row(slot, names))
  }

  private slot(process: ProcessKey, bucket: number, names: { command: string; user: string }): number {
    let slot = process.slots.get(bucket)
    if (slot === undefined) {
      slot = this.slots.length
      process.slots.set(bucket, slot)
      this.slots.push({ bucket, process, command: names.command, user: names.user })
      if ((slot + 1) * SLOT > this.totals.length) {
        const grown = new Float64Array(this.totals.length * 2)
        grown.set(this.totals)
        this.totals = grown
      }
      return slot
    }
    const known = this.slots[slot] as { command: string; user: string }
    if (compareText(names.command, known.command) > 0) known.command = names.command
    if (compareText(names.user, known.user) > 0) known.user = names.user
    return slot
  }

  private row(slot: number, names: Map<string, ServerNames>): ProcessAggregateRow {
    const { bucket, process, command, user } = this.slots[slot] as (typeof this.slots)[number]
    const { serverId, pid } = process
    const server = names.get(serverId) as ServerNames
    const base = slot * SLOT
    const field = (offset: number) => {
      const n = this.totals[base + offset + N] as number
      if (n === 0) return { min: null, max: null, avg: null }
      const total = compensatedTotal(this.totals, base + offset + SUM)
      return { min: this.totals[base + offset + MIN] as number, max: this.totals[base + offset + MAX] as number, avg: total / n }
    }
    const cpu = field(CPU)
    const mem = field(MEM)
    return {
      bucket,
      server_id: serverId,
      server_hostname: server.hostname,
      server_alias: server.alias,
      pid,
      command,
      user,
      avg_cpu: cpu.avg,
      max_cpu: cpu.max,
      min_cpu: cpu.min,
      avg_mem: mem.avg,
      max_mem: mem.max,
      min_mem: mem.min,
      count: this.totals[base + COUNT] as number
    }
  }
}

/** One value into a field's count, min, max and sum (added up as SQLite adds). */
function addValue(totals: Float64Array, at: number, value: number): void {
  const n = totals[at + N] as number
  if (n === 0 || value < (totals[at + MIN] as number)) totals[at + MIN] = value
  if (n === 0 || value > (totals[at + MAX] as number)) totals[at + MAX] = value
  totals[at + N] = n + 1
  addCompensated(totals, at + SUM, value)
}
