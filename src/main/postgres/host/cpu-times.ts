import type { CpuTimes } from './parsers'

/**
 * The five CPU figures both plugins report, in clock ticks: nice time counts as user time, and
 * interrupt time as system time (as temboard-agent groups /proc/stat).
 */
export interface CpuBuckets {
  user: number
  system: number
  idle: number
  iowait: number
  steal: number
}

export function cpuBuckets(times: CpuTimes): CpuBuckets {
  return {
    user: times.user + times.nice,
    system: times.system + times.irq + times.softirq,
    idle: times.idle,
    iowait: times.iowait,
    steal: times.steal
  }
}
