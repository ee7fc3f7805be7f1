import { describe, expect, it } from 'vitest'
import type { SeriesAnswer } from '../../../src/shared/metric-series'
import { PANELS, busiestKeys, panelData, unitOf } from '../../../src/renderer/src/charts/panels'
import { LIVE_WINDOW_MS, resolutionFor, resolveRange } from '../../../src/renderer/src/charts/ranges'
import { formatTick, formatValue } from '../../../src/renderer/src/charts/format'

const panel = (id: string) => PANELS.find((candidate) => candidate.id === id)!

const iostat: SeriesAnswer = {
  metric: 'iostat',
  serverId: 's',
  start: 0,
  end: 100_000,
  resolution: 'raw',
  stepMs: 5_000,
  series: [
    { key: 'sda', ts: [10_000, 15_000, 60_000], values: { kb_read_rate: [1, 2, 3], kb_wrtn_rate: [4, 5, 6], tps: [1, 1, 1] } },
    { key: 'sdb', ts: [10_000, 15_000], values: { kb_read_rate: [7, 8], kb_wrtn_rate: [9, 10], tps: [100, 100] } },
    { key: 'lo', ts: [10_000], values: { kb_read_rate: [0], kb_wrtn_rate: [0], tps: [999] } }
  ]
}

describe('panel data', () => {
  it('draws chosen disks × lines, aligned, with a gap row, padded to the range', () => {
    const data = panelData(panel('disk-throughput'), iostat, ['sda', 'sdb'], 0, 100_000)
    expect(data.drawn.map((drawn) => drawn.label)).toEqual(['sda read', 'sda write', 'sdb read', 'sdb write'])
    expect(data.table.ts).toEqual([0, 10_000, 15_000, 20_000, 60_000, 100_000])
    expect(data.table.columns[0]).toEqual([null, 1, 2, null, 3, null])
    expect(data.table.columns[2]).toEqual([null, 7, 8, null, null, null])
  })

  it('stacks the CPU split and keeps the raw values for legends', () => {
    const vmstat: SeriesAnswer = { ...iostat, metric: 'vmstat', series: [{ key: null, ts: [0], values: { us: [10], sy: [5], wa: [1], idle: [84] } }] }
    const data = panelData(panel('cpu'), vmstat, null, 0, 0)
    expect(data.table.columns.map((column) => column[0])).toEqual([10, 15, 16, 100])
    expect(data.raw.columns.map((column) => column[0])).toEqual([10, 5, 1, 84])
  })

  it('draws nothing but the range when a metric has no samples', () => {
    const data = panelData(panel('net-packets'), { ...iostat, metric: 'netstat', series: [] }, [], 0, 10)
    expect(data.table).toEqual({ ts: [0, 10], columns: [] })
  })

  it('chooses the busiest devices by default, never the loopback', () => {
    expect(busiestKeys(iostat, 'tps', 1)).toEqual(['sdb'])
    expect(busiestKeys(iostat, 'tps', 4)).toEqual(['sdb', 'sda'])
  })

  it('labels axes with the catalogue units', () => {
    expect(unitOf(panel('memory'))).toBe('KiB')
    expect(unitOf(panel('disk-service'))).toBe('ms')
    expect(unitOf(panel('cpu'))).toBe('%')
  })
})

describe('ranges and roll-up choice', () => {
  const now = 1_000_000_000_000
  it('reads raw samples up to a day, minute roll-ups to a month, hours beyond', () => {
    expect(resolutionFor(resolveRange({ kind: 'live' }, now))).toBe('raw')
    expect(resolutionFor(resolveRange({ kind: 'last', ms: 86_400_000 }, now))).toBe('raw')
    expect(resolutionFor(resolveRange({ kind: 'last', ms: 7 * 86_400_000 }, now))).toBe('1m')
    expect(resolutionFor(resolveRange({ kind: 'custom', start: now, end: now - 90 * 86_400_000 }, now))).toBe('1h')
  })

  it('resolves live to a sliding window and orders a custom range', () => {
    expect(resolveRange({ kind: 'live' }, now)).toEqual({ start: now - LIVE_WINDOW_MS, end: now, live: true })
    expect(resolveRange({ kind: 'custom', start: 20, end: 10 }, now)).toEqual({ start: 10, end: 20, live: false })
  })
})

describe('formatting', () => {
  it('scales KiB and keeps other units compact', () => {
    expect(formatValue(512_000, 'KiB')).toBe('500 MiB')
    expect(formatValue(1.5, 'KiB/s')).toBe('1.50 KiB/s')
    expect(formatValue(12.345, '%')).toBe('12.3%')
    expect(formatValue(123_456, 'per second')).toBe('123k')
    expect(formatValue(null, '%')).toBe('—')
    expect(formatTick(4_000_000, 'KiB')).toBe('3.8G')
    expect(formatTick(50, '%')).toBe('50')
  })
})
