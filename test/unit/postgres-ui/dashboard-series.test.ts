import { describe, expect, it } from 'vitest'
import type { Dashboard } from '../../../src/shared/pg-agent'
import { appendSample, DASHBOARD_PANELS, panelData, rate, sampleTime } from '../../../src/renderer/src/views/postgres/dashboard-series'

function sample(t: number, commits: number, extra: Partial<Dashboard> = {}): Dashboard {
  return {
    buffers: { nb: commits * 10, time: t },
    hitratio: 99,
    active_backends: { nb: 3, time: t },
    max_connections: 100,
    databases: { databases: 2, total_size: '10 MB', time: '10:00', total_commit: commits, total_rollback: 1, timestamp: t },
    pg_version: 'PostgreSQL 15.8',
    pg_data: '/data',
    pg_port: '5432',
    pg_uptime: '01:00:00',
    hostname: 'db',
    os_version: 'Linux',
    n_cpu: 2,
    cpu: { user: 10, system: 5, idle: 80, iowait: 5, steal: 0 },
    loadaverage: 0.5,
    memory: { total: 1024, active: 20, cached: 30, free: 50 },
    ...extra
  }
}
const panel = (id: string) => DASHBOARD_PANELS.find((candidate) => candidate.id === id)!

describe('dashboard series', () => {
  it('turns cumulative counters into rates per second, null across a reset', () => {
    expect(rate(undefined, 10, 2)).toBeNull()
    expect(rate(10, 30, 2)).toBe(10)
    expect(rate(30, 5, 2)).toBeNull()
    expect(rate(10, 20, 0)).toBeNull()
    const data = panelData(panel('tps'), [sample(100, 10), sample(102, 30), sample(104, 5)], 2)
    expect(data.raw.ts).toEqual([100_000, 102_000, 104_000])
    expect(data.raw.columns[0]).toEqual([null, 10, null])
    expect(data.raw.columns[1]).toEqual([null, 0, 0])
    expect(data.gaps).toBe(0)
    expect(panelData(panel('buffers'), [sample(100, 10), sample(102, 30)], 2).raw.columns[0]).toEqual([null, 100])
  })

  it('breaks the lines where readings are missing for more than 2.5 intervals', () => {
    const data = panelData(panel('backends'), [sample(100, 1), sample(102, 2), sample(120, 3)], 2)
    expect(data.gaps).toBe(1)
    expect(data.table.ts).toEqual([100_000, 102_000, 104_000, 120_000])
    expect(data.table.columns[0]).toEqual([3, 3, null, 3])
  })

  it('stacks the host’s CPU and memory, and says when the host cannot be read', () => {
    const cpu = panelData(panel('cpu'), [sample(100, 1)], 2)
    expect(cpu.raw.columns.map((column) => column[0])).toEqual([10, 5, 5, 0, 80])
    expect(cpu.table.columns.map((column) => column[0])).toEqual([10, 15, 20, 20, 100])
    expect(cpu.known).toBe(true)
    const blind = panelData(panel('memory'), [sample(100, 1, { memory: null, cpu: null, loadaverage: null })], 2)
    expect(blind.known).toBe(false)
  })

  it('appends only newer readings, keeping the configured history', () => {
    const kept = [sample(100, 1), sample(102, 2)]
    expect(appendSample(kept, sample(102, 2), 10)).toBe(kept)
    expect(appendSample(kept, sample(104, 3), 2).map(sampleTime)).toEqual([102_000, 104_000])
  })
})
