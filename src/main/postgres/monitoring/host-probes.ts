// The probes that read the host rather than PostgreSQL: filesystems_size, cpu, process, memory
// and loadavg, from a SystemSource (see system/source.ts).
import type { SystemSource } from '../host/source'
import { cpuBuckets } from '../host/cpu-times'
import type { CounterTracker } from './deltas'
import type { CpuRow, FilesystemsSizeRow, LoadavgRow, MemoryRow, ProcessRow } from './types'

const KB = 1024

/** How the agent stamps host samples: UTC, to the second, e.g. "2017-04-21 07:16:25 +0000". */
export function hostDatetime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} +0000`
}

export async function filesystemsSize(system: SystemSource, now: number): Promise<FilesystemsSizeRow[]> {
  const filesystems = await system.filesystems()
  const datetime = hostDatetime(now)
  return filesystems.map((fs) => ({ datetime, device: fs.device, mount_point: fs.mountPoint, total: fs.totalBytes, used: fs.usedBytes }))
}

export async function memory(system: SystemSource, now: number): Promise<MemoryRow[]> {
  const mem = await system.memInfo()
  return [
    {
      datetime: hostDatetime(now),
      mem_total: mem.memTotal * KB,
      mem_used: (mem.memTotal - mem.memFree) * KB,
      mem_free: mem.memFree * KB,
      mem_buffers: mem.buffers * KB,
      mem_cached: mem.cached * KB,
      swap_total: mem.swapTotal * KB,
      swap_used: (mem.swapTotal - mem.swapFree) * KB
    }
  ]
}

export async function loadavg(system: SystemSource, now: number): Promise<LoadavgRow[]> {
  const load = await system.loadAverage()
  return [{ datetime: hostDatetime(now), load1: load.load1, load5: load.load5, load15: load.load15 }]
}

/** Per-CPU time spent in each state since the previous call, in milliseconds. */
export async function cpu(system: SystemSource, tracker: CounterTracker): Promise<CpuRow[]> {
  const { clockTicksPerSecond } = await system.identity()
  const { at, change } = await tracker.measure(
    'cpu',
    () => system.procStat(),
    (stat) => Object.fromEntries(stat.perCpu.map((times) => [times.cpu, { ...cpuBuckets(times) }]))
  )
  const ms = (ticks: number): number => (ticks * 1000) / clockTicksPerSecond
  return Object.entries(change.deltas).map(([name, ticks]) => ({
    datetime: hostDatetime(at),
    cpu: name,
    measure_interval: change.measureInterval,
    time_user: ms(ticks.user ?? 0),
    time_system: ms(ticks.system ?? 0),
    time_idle: ms(ticks.idle ?? 0),
    time_iowait: ms(ticks.iowait ?? 0),
    time_steal: ms(ticks.steal ?? 0)
  }))
}

/** Forks and context switches since the previous call; process counts as they are now. */
export async function processes(system: SystemSource, tracker: CounterTracker): Promise<ProcessRow[]> {
  const { reading, at, change } = await tracker.measure(
    'process',
    async () => {
      const [stat, load] = await Promise.all([system.procStat(), system.loadAverage()])
      return { stat, load }
    },
    ({ stat }) => ({ host: { forks: stat.forks, context_switches: stat.contextSwitches } })
  )
  const host = change.deltas.host ?? {}
  return [
    {
      datetime: hostDatetime(at),
      measure_interval: change.measureInterval,
      procs_total: String(reading.load.processes),
      procs_running: reading.stat.procsRunning,
      procs_blocked: reading.stat.procsBlocked,
      forks: host.forks ?? 0,
      context_switches: host.context_switches ?? 0
    }
  ]
}
