// The probes reported as changes between calls (cpu, process), and the host probes, over a
// host whose /proc the test scripts, on a clock the test moves.
import { describe, expect, it } from 'vitest'
import { CounterTracker, counterChange } from '../../src/main/postgres/monitoring/deltas'
import { hostDatetime } from '../../src/main/postgres/monitoring/host-probes'
import { MonitoringProbes } from '../../src/main/postgres/monitoring'
import type { Queryable } from '../../src/main/postgres/queryable'
import type { Clock } from '../../src/main/postgres/host/clock'
import { CommandSystemSource, SYSTEM_COMMANDS } from '../../src/main/postgres/host/source'

const START = Date.UTC(2017, 3, 21, 7, 16, 25)

/** A clock that only moves when waited on or told to. */
function testClock(): Clock & { advance(ms: number): void; waits: number[] } {
  let now = START
  const waits: number[] = []
  return {
    waits,
    now: () => now,
    wait: async (ms) => {
      waits.push(ms)
      now += ms
    },
    advance: (ms) => {
      now += ms
    }
  }
}

function procStat(cpus: Array<[user: number, system: number, idle: number, iowait: number, steal: number]>, forks: number, ctxt: number): string {
  const line = (name: string, [user, system, idle, iowait, steal]: number[]): string => `${name} ${user} 0 ${system} ${idle} ${iowait} 0 0 ${steal} 0 0`
  const total = cpus.reduce<number[]>((sum, cpu) => sum.map((value, index) => value + (cpu[index] ?? 0)), [0, 0, 0, 0, 0])
  return [line('cpu ', total), ...cpus.map((cpu, index) => line(`cpu${index}`, cpu)), `ctxt ${ctxt}`, `processes ${forks}`, 'procs_running 3', 'procs_blocked 1', ''].join('\n')
}

/** A host whose /proc/stat answers are taken from a queue, one per read. */
function scriptedHost(stats: string[], ticksPerSecond = 100): { source: CommandSystemSource; reads: () => number } {
  let reads = 0
  const outputs: Record<string, string> = {
    [SYSTEM_COMMANDS.identity]: `Linux\n6.1.0\nvm\n${ticksPerSecond}\n2\n`,
    [SYSTEM_COMMANDS.memInfo]: 'MemTotal: 8082124 kB\nMemFree: 1576488 kB\nBuffers: 544988 kB\nCached: 2407028 kB\nSwapTotal: 3932156 kB\nSwapFree: 3932156 kB\n',
    [SYSTEM_COMMANDS.loadAverage]: '0.07 0.16 0.09 2/486 22370\n',
    [SYSTEM_COMMANDS.filesystems]: 'Filesystem 1024-blocks Used Available Capacity Mounted on\nudev 10240 4 10236 1% /dev\n'
  }
  const source = new CommandSystemSource(async (command) => {
    if (command !== SYSTEM_COMMANDS.procStat) return outputs[command] ?? ''
    const text = stats[Math.min(reads, stats.length - 1)] ?? ''
    reads += 1
    return text
  })
  return { source, reads: () => reads }
}

// Host probes never touch the database session.
const noDatabase: Queryable = {
  query: () => {
    throw new Error('a host probe queried PostgreSQL')
  }
} as unknown as Queryable

describe('counterChange', () => {
  const sample = (at: number, counters: Record<string, Record<string, number>>) => ({ at, counters })

  it('gives each counter’s growth and the seconds between the samples', () => {
    expect(counterChange(sample(1000, { a: { x: 5, y: 1 } }), sample(3500, { a: { x: 9, y: 1 } }))).toEqual({ measureInterval: 2.5, deltas: { a: { x: 4, y: 0 } } })
  })

  it('cannot compare a counter that went backwards, other keys, or no time', () => {
    expect(counterChange(sample(0, { a: { x: 5 } }), sample(1000, { a: { x: 4 } }))).toBeNull()
    expect(counterChange(sample(0, { a: { x: 5 } }), sample(1000, { b: { x: 6 } }))).toBeNull()
    expect(counterChange(sample(0, { a: { x: 5 } }), sample(1000, { a: { x: 6 }, b: { x: 1 } }))).toBeNull()
    expect(counterChange(sample(0, { a: { x: 5 } }), sample(1000, { a: { y: 6 } }))).toBeNull()
    expect(counterChange(sample(1000, { a: { x: 5 } }), sample(1000, { a: { x: 6 } }))).toBeNull()
  })
})

describe('CounterTracker', () => {
  it('primes a first measurement over the window, then measures from the previous call', async () => {
    const clock = testClock()
    const tracker = new CounterTracker(clock, 1000)
    let value = 10
    const read = async (): Promise<number> => value
    const readAndGrow = async (): Promise<number> => {
      const reading = value
      value += 7
      return reading
    }
    const first = tracker.measure('p', readAndGrow, (reading) => ({ k: { v: reading } }))
    expect((await first).change).toEqual({ measureInterval: 1, deltas: { k: { v: 7 } } })
    expect(clock.waits).toEqual([1000])

    clock.advance(30_000)
    value = 100
    const second = await tracker.measure('p', read, (reading) => ({ k: { v: reading } }))
    expect(second.change).toEqual({ measureInterval: 30, deltas: { k: { v: 83 } } })
    expect(second.at).toBe(START + 31_000)
    expect(clock.waits).toEqual([1000])

    // A counter reset: measured afresh over the window rather than reported as negative.
    clock.advance(5_000)
    value = 3
    await tracker.measure('p', read, (reading) => ({ k: { v: reading } }))
    expect(clock.waits).toEqual([1000, 1000])
  })

  it('runs calls of one probe one after the other', async () => {
    const clock = testClock()
    const tracker = new CounterTracker(clock, 500)
    let counter = 0
    const read = async (): Promise<number> => {
      counter += 1
      clock.advance(100)
      return counter
    }
    const results = await Promise.all([1, 2, 3].map(() => tracker.measure('p', read, (reading) => ({ k: { v: reading } }))))
    // The first primes (two reads); each later one reads once and measures from the one before.
    expect(results.map((result) => result.reading)).toEqual([2, 3, 4])
    expect(results.map((result) => result.change.deltas.k?.v)).toEqual([1, 1, 1])
  })
})

describe('host probes', () => {
  it('cpu: milliseconds per state per CPU, converted with the host’s clock tick', async () => {
    const clock = testClock()
    const host = scriptedHost(
      [
        procStat([[100, 50, 1000, 5, 0], [200, 60, 900, 0, 1]], 500, 10_000),
        procStat([[129, 64, 1027, 6, 0], [211, 71, 1026, 1, 3]], 503, 10_420),
        procStat([[329, 164, 1727, 6, 0], [411, 171, 1626, 1, 3]], 600, 11_000)
      ],
      250
    )
    const probes = new MonitoringProbes(host.source, { clock, primeWindowMs: 1000 })
    const { cpu } = await probes.run('cpu', noDatabase)
    expect(cpu).toEqual([
      { datetime: '2017-04-21 07:16:26 +0000', cpu: 'cpu0', measure_interval: 1, time_user: 116, time_system: 56, time_idle: 108, time_iowait: 4, time_steal: 0 },
      { datetime: '2017-04-21 07:16:26 +0000', cpu: 'cpu1', measure_interval: 1, time_user: 44, time_system: 44, time_idle: 504, time_iowait: 4, time_steal: 8 }
    ])
    clock.advance(27_000)
    const later = await probes.run('cpu', noDatabase)
    expect(later.cpu.map((row) => [row.measure_interval, row.time_user, row.time_idle])).toEqual([
      [27, 800, 2800],
      [27, 800, 2400]
    ])
    expect(host.reads()).toBe(3)
  })

  it('process: forks and context switches since the previous call, counts now', async () => {
    const clock = testClock()
    const host = scriptedHost([procStat([[1, 1, 1, 1, 1]], 1000, 50_000), procStat([[1, 1, 1, 1, 1]], 1165, 81_453)])
    const probes = new MonitoringProbes(host.source, { clock, primeWindowMs: 2000 })
    expect(await probes.run('process', noDatabase)).toEqual({
      process: [
        {
          datetime: '2017-04-21 07:16:27 +0000',
          measure_interval: 2,
          procs_total: '486',
          procs_running: 3,
          procs_blocked: 1,
          forks: 165,
          context_switches: 31_453
        }
      ]
    })
  })

  it('memory, loadavg and filesystems_size: the host now, in bytes and the kernel’s text', async () => {
    const clock = testClock()
    const probes = new MonitoringProbes(scriptedHost([]).source, { clock })
    expect(await probes.run('memory', noDatabase)).toEqual({
      memory: [
        {
          datetime: '2017-04-21 07:16:25 +0000',
          mem_total: 8082124 * 1024,
          mem_used: (8082124 - 1576488) * 1024,
          mem_free: 1576488 * 1024,
          mem_buffers: 544988 * 1024,
          mem_cached: 2407028 * 1024,
          swap_total: 3932156 * 1024,
          swap_used: 0
        }
      ]
    })
    expect(await probes.run('loadavg', noDatabase)).toEqual({ loadavg: [{ datetime: '2017-04-21 07:16:25 +0000', load1: '0.07', load5: '0.16', load15: '0.09' }] })
    expect(await probes.run('filesystems_size', noDatabase)).toEqual({
      filesystems_size: [{ datetime: '2017-04-21 07:16:25 +0000', device: 'udev', mount_point: '/dev', total: 10485760, used: 4096 }]
    })
  })

  it('stamps host samples in UTC to the second', () => {
    expect(hostDatetime(Date.UTC(2017, 3, 21, 8, 9, 27, 885))).toBe('2017-04-21 08:09:27 +0000')
  })

  it('an unknown probe name is not found', async () => {
    const probes = new MonitoringProbes(null)
    await expect(probes.run('replication' as 'cpu', noDatabase)).rejects.toMatchObject({ code: 'not_found', message: "Unknown monitoring probe 'replication'" })
  })
})
