// How the dashboard turns readings into its fields: CPU and memory percentages, the CPU
// meter's two readings, the uptime text, and the SQL it sends (the same on every version).
import { describe, expect, it } from 'vitest'
import { CpuUsageMeter, cpuUsage, memoryUsage } from '../../src/main/postgres/dashboard/host-usage'
import { ALL_PG_FACTS, formatUptime, pgFactsSql } from '../../src/main/postgres/dashboard/pg-facts'
import type { Clock } from '../../src/main/postgres/host/clock'
import { CommandSystemSource, SYSTEM_COMMANDS } from '../../src/main/postgres/host/source'

describe('cpuUsage', () => {
  it('gives each state’s share of the ticks between two readings, one decimal', () => {
    expect(cpuUsage({ user: 100, system: 50, idle: 800, iowait: 0, steal: 0 }, { user: 101, system: 50, idle: 839, iowait: 0, steal: 0 })).toEqual({
      user: 2.5,
      system: 0,
      idle: 97.5,
      iowait: 0,
      steal: 0
    })
  })

  it('is all zeros when no tick passed', () => {
    const same = { user: 1, system: 1, idle: 1, iowait: 1, steal: 1 }
    expect(cpuUsage(same, same)).toEqual({ user: 0, system: 0, idle: 0, iowait: 0, steal: 0 })
  })
})

describe('memoryUsage', () => {
  it('reports total in kB and active (neither free nor cache), cached and free as percentages', () => {
    expect(memoryUsage({ memTotal: 3950660, memFree: 1299767, buffers: 0, cached: 798033, swapTotal: 0, swapFree: 0 })).toEqual({
      total: 3950660,
      active: 46.9,
      cached: 20.2,
      free: 32.9
    })
  })
})

describe('CpuUsageMeter', () => {
  function setup(): { meter: CpuUsageMeter; clock: Clock & { advance(ms: number): void; waits: number[] }; reads: () => number } {
    let now = 0
    const waits: number[] = []
    const clock = {
      waits,
      now: () => now,
      wait: async (ms: number) => {
        waits.push(ms)
        now += ms
      },
      advance: (ms: number) => {
        now += ms
      }
    }
    let reads = 0
    const source = new CommandSystemSource(async (command) => {
      if (command !== SYSTEM_COMMANDS.procStat) throw new Error(`unexpected ${command}`)
      reads += 1
      // Each reading, one more tick of user time and three of idle.
      return `cpu  ${reads} 0 0 ${3 * reads} 0 0 0 0 0 0\nctxt 1\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n`
    })
    return { meter: new CpuUsageMeter(source, clock, 250), clock, reads: () => reads }
  }

  it('reads twice, a window apart, when it has no recent reading', async () => {
    const { meter, clock, reads } = setup()
    expect(await meter.usage()).toEqual({ user: 25, system: 0, idle: 75, iowait: 0, steal: 0 })
    expect(clock.waits).toEqual([250])
    expect(reads()).toBe(2)
  })

  it('measures from its previous reading when it is a few seconds old', async () => {
    const { meter, clock, reads } = setup()
    await meter.usage()
    clock.advance(2000)
    await meter.usage()
    expect(clock.waits).toEqual([250])
    expect(reads()).toBe(3)
  })

  it('waits out the window after a very recent reading, and starts afresh after a long pause', async () => {
    const { meter, clock, reads } = setup()
    await meter.usage()
    clock.advance(100)
    await meter.usage()
    expect(clock.waits).toEqual([250, 150])
    clock.advance(120_000)
    await meter.usage()
    expect(clock.waits).toEqual([250, 150, 250])
    expect(reads()).toBe(5)
  })
})

describe('formatUptime', () => {
  it.each([
    [6631.573788, '01:50:31.573788'],
    [0.5, '00:00:00.5'],
    [59, '00:00:59'],
    [86_400 + 3_723.25, '1 day 01:02:03.25'],
    [3 * 86_400 + 11_648.029574, '3 days 03:14:08.029574']
  ])('prints %f seconds as PostgreSQL prints the interval: %s', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text)
  })
})

describe('dashboard SQL', () => {
  it('reads every fact in one statement, and a sub-endpoint only its own', () => {
    const all = pgFactsSql(ALL_PG_FACTS)
    for (const fact of ALL_PG_FACTS) expect(all).toContain(` AS ${fact}`)
    expect(pgFactsSql(['buffers_alloc'])).toBe('SELECT (SELECT buffers_alloc::float8 FROM pg_stat_bgwriter) AS buffers_alloc')
  })

  it('uses only catalog columns present from PostgreSQL 13 to 18', () => {
    const all = pgFactsSql(ALL_PG_FACTS)
    // buffers_alloc stayed in pg_stat_bgwriter when 17 moved the checkpoint counters out.
    expect(all).not.toMatch(/buffers_backend|checkpoints_timed|pg_stat_checkpointer/)
    expect(all).toContain("FROM pg_settings WHERE name = 'data_directory'")
    expect(all).toContain('pg_postmaster_start_time()')
  })
})
