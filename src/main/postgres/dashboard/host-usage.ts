// The dashboard's view of the host: CPU and memory as percentages, the 1-minute load.
import type { Clock } from '../host/clock'
import { cpuBuckets, type CpuBuckets } from '../host/cpu-times'
import type { MemInfo, SystemSource } from '../host/source'
import type { CpuUsage, MemoryUsage } from './types'

const oneDecimal = (value: number): number => Math.round(value * 10) / 10

/** Share of each CPU state in the ticks between two readings of the machine-wide line. */
export function cpuUsage(before: CpuBuckets, after: CpuBuckets): CpuUsage {
  const delta = {
    user: after.user - before.user,
    system: after.system - before.system,
    idle: after.idle - before.idle,
    iowait: after.iowait - before.iowait,
    steal: after.steal - before.steal
  }
  const total = delta.user + delta.system + delta.idle + delta.iowait + delta.steal
  const share = (ticks: number): number => (total > 0 ? oneDecimal((ticks / total) * 100) : 0)
  return { user: share(delta.user), system: share(delta.system), idle: share(delta.idle), iowait: share(delta.iowait), steal: share(delta.steal) }
}

/** As temboard-agent computes it: active is what is neither free nor page cache. */
export function memoryUsage(mem: MemInfo): MemoryUsage {
  const percent = (kb: number): number => oneDecimal((kb / mem.memTotal) * 100)
  return {
    total: mem.memTotal,
    active: percent(mem.memTotal - mem.memFree - mem.cached),
    cached: percent(mem.cached),
    free: percent(mem.memFree)
  }
}

/** A baseline older than this says nothing about "now": the meter takes a fresh one. */
const MAX_BASELINE_AGE_MS = 60_000

/**
 * CPU usage needs two readings. The meter keeps the last one, so a dashboard collected every
 * few seconds measures each interval; a lone call (or one after a long pause) reads twice,
 * windowMs apart, as temboard-agent does.
 */
export class CpuUsageMeter {
  private last: { at: number; buckets: CpuBuckets } | null = null

  constructor(
    private readonly system: SystemSource,
    private readonly clock: Clock,
    private readonly windowMs: number
  ) {}

  async usage(): Promise<CpuUsage> {
    let baseline = this.last
    const age = baseline ? this.clock.now() - baseline.at : Number.POSITIVE_INFINITY
    if (!baseline || age > MAX_BASELINE_AGE_MS) {
      baseline = await this.read()
      await this.clock.wait(this.windowMs)
    } else if (age < this.windowMs) {
      await this.clock.wait(this.windowMs - age)
    }
    const current = await this.read()
    this.last = current
    return cpuUsage(baseline.buckets, current.buckets)
  }

  private async read(): Promise<{ at: number; buckets: CpuBuckets }> {
    const at = this.clock.now()
    const stat = await this.system.procStat()
    return { at, buckets: cpuBuckets(stat.total) }
  }
}
