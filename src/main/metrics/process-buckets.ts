// The process aggregation's totals: per bucket, server and pid, the row count and min/max/avg of
// cpu and mem, as the SQL of the tables before the series store computed them.
//
// An hour of 500 processes is 360,000 rows into some 30,000 buckets: the totals live in one
// growing Float64Array (a slot of numbers per bucket) rather than objects per bucket and field,
// whose number fields each row would box, so that adding a row allocates nothing.
import { ROW_NUMBER, ROW_STALE, type ColumnarRows } from '../base/series/columnar-rows'
import { addCompensated, compensatedTotal } from '../base/series/neumaier-sum'
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
/** Row kinds (ColumnarRows), as locals: read for every row. */
const NUMBER: number = ROW_NUMBER
const STALE_KIND: number = ROW_STALE

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
   * Adds rows [from, to) of one process series (time order; cpu in column 0, mem in column 1)
   * to their buckets of `intervalMs`, leaving out staleness markers (both fields STALE). A pid
   * reused by another command within one bucket is folded into one row, its command and user
   * the greatest of the bucket's.
   */
  addRows(process: ProcessKey, names: { command: string; user: string }, rows: ColumnarRows, from: number, to: number, intervalMs: number): void {
    const ts = rows.ts
    const cpu = rows.values[0] as Float64Array
    const mem = rows.values[1] as Float64Array
    const cpuKinds = rows.kinds[0] ?? null
    const memKinds = rows.kinds[1] ?? null
    for (let r = from; r < to; ) {
      // A series' rows are in time order: each bucket is one run of them, looked up once.
      const bucket = Math.floor((ts[r] as number) / intervalMs) * intervalMs
      const next = bucket + intervalMs
      let base = -1
      for (; r < to && (ts[r] as number) < next; r++) {
        const cpuKind = cpuKinds === null ? NUMBER : (cpuKinds[r] as number)
        const memKind = memKinds === null ? NUMBER : (memKinds[r] as number)
        // A staleness marker is not a sample (markers alone make no row, nor a bucket).
        if (cpuKind === STALE_KIND && memKind === STALE_KIND) continue
        if (base < 0) base = this.slot(process, bucket, names) * SLOT
        const totals = this.totals
        totals[base + COUNT] = (totals[base + COUNT] as number) + 1
        if (cpuKind === NUMBER) addValue(totals, base + CPU, cpu[r] as number)
        if (memKind === NUMBER) addValue(totals, base + MEM, mem[r] as number)
      }
    }
  }

  get size(): number {
    return this.slots.length
  }

  /** The rows, by bucket, server and pid; `offset` and `limit` (-1 for all) select a page. */
  rows(names: Map<string, ServerNames>, offset: number, limit: number): ProcessAggregateRow[] {
    const order = this.order()
    const page = limit < 0 ? order.subarray(offset) : order.subarray(offset, offset + limit)
    return Array.from(page, (slot) => this.row(slot, names))
  }

  /**
   * The slots by bucket, server and pid. Each process has a rank (by server, then pid) and each
   * slot one (bucket, process): the slots sort as numbers, bucket × processes + rank, with the
   * slot in the low bits — a typed array's sort, rather than a comparison function called some
   * 450,000 times for 30,000 slots.
   */
  private order(): Uint32Array {
    const slots = this.slots
    const ranked = [...this.processes.values()].sort((a, b) => compareText(a.serverId, b.serverId) || a.pid - b.pid)
    const rank = new Map<ProcessKey, number>()
    ranked.forEach((process, r) => rank.set(process, r))
    const order = new Uint32Array(slots.length)
    const buckets = new Set<number>()
    for (const { bucket } of slots) buckets.add(bucket)
    const bucketIndex = new Map([...buckets].sort((a, b) => a - b).map((bucket, i) => [bucket, i]))
    const keys = new Float64Array(slots.length)
    const slotFactor = slots.length
    if (buckets.size * ranked.length * slotFactor < 2 ** 53) {
      for (let slot = 0; slot < slots.length; slot++) {
        const { bucket, process } = slots[slot] as (typeof slots)[number]
        keys[slot] = ((bucketIndex.get(bucket) as number) * ranked.length + (rank.get(process) as number)) * slotFactor + slot
      }
      keys.sort()
      for (let i = 0; i < keys.length; i++) order[i] = (keys[i] as number) % slotFactor
      return order
    }
    const sorted = slots.map((_, slot) => slot)
    sorted.sort((a, b) => {
      const sa = slots[a] as (typeof slots)[number]
      const sb = slots[b] as (typeof slots)[number]
      return sa.bucket - sb.bucket || (rank.get(sa.process) as number) - (rank.get(sb.process) as number)
    })
    order.set(sorted)
    return order
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
