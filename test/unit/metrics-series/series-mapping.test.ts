import { describe, expect, it } from 'vitest'
import { HOUR_MS, MINUTE_MS, rollupKey } from '../../../src/main/base/series/rollups'
import {
  rollupGroupKey,
  rollupGroupKeys,
  rollupRow,
  sampleGroupKey,
  sampleRow
} from '../../../src/main/metrics/series-mapping'
import { NUMERIC_FIELDS } from '../../../src/shared/metrics'

describe('series mapping of the metrics', () => {
  it('names one group per server for vmstat, with the numeric fields as columns', () => {
    const key = sampleGroupKey('vmstat', 'srv-1', { us: 3, sy: 1 })
    expect(key).toEqual({ metric: 'vmstat', labels: { server_id: 'srv-1' }, columns: NUMERIC_FIELDS.vmstat })
  })

  it('adds the disk, the interface, or the process (pid in decimal, command, user) as labels', () => {
    expect(sampleGroupKey('iostat', 's', { disk: 'sda', tps: 1 }).labels).toEqual({ server_id: 's', disk: 'sda' })
    expect(sampleGroupKey('netstat', 's', { interface: 'eth0' }).labels).toEqual({ server_id: 's', interface: 'eth0' })
    const process = sampleGroupKey('process', 's', { pid: 4711, command: 'postgres: writer', user: 'postgres', cpu: 1.5, mem: 0.2 })
    expect(process).toEqual({
      metric: 'process',
      labels: { server_id: 's', pid: '4711', command: 'postgres: writer', user: 'postgres' },
      columns: ['cpu', 'mem']
    })
  })

  it('names labels in one order whatever order the row has', () => {
    const a = sampleGroupKey('process', 's', { user: 'u', command: 'c', pid: 1 })
    const b = sampleGroupKey('process', 's', { pid: 1, command: 'c', user: 'u' })
    expect(Object.keys(a.labels)).toEqual(['server_id', 'pid', 'command', 'user'])
    expect(Object.keys(b.labels)).toEqual(Object.keys(a.labels))
  })

  it('gives a row in column order, non-numbers as missing', () => {
    expect(sampleRow('process', { pid: 1, cpu: 2.5, mem: null })).toEqual([2.5, null])
    const row = sampleRow('iostat', { disk: 'sda', tps: 4, kb_read: '7' as unknown as number, service_time: 0.5 })
    expect(row).toEqual([4, null, null, null, null, 0.5])
  })

  it('has minute and hour roll-ups for vmstat, iostat and netstat only', () => {
    const disk = sampleGroupKey('iostat', 's', { disk: 'sda' })
    expect(rollupGroupKeys(disk)).toEqual([rollupKey(disk, MINUTE_MS), rollupKey(disk, HOUR_MS)])
    expect(rollupGroupKey(disk, HOUR_MS)).toEqual({
      metric: 'iostat:rollup',
      labels: { server_id: 's', disk: 'sda', __resolution__: '3600000' },
      columns: ['n', ...NUMERIC_FIELDS.iostat.flatMap((f) => [`${f}_min`, `${f}_avg`, `${f}_max`])]
    })
    const process = sampleGroupKey('process', 's', { pid: 1, command: 'c', user: 'u' })
    expect(rollupGroupKeys(process)).toEqual([])
    expect(() => rollupGroupKey(process, MINUTE_MS)).toThrow(RangeError)
    expect(() => rollupGroupKey(disk, 5 * MINUTE_MS)).toThrow(RangeError)
  })

  it('gives a stored roll-up row as n, then min, avg and max per field', () => {
    const stored: Record<string, number | null> = { n: 12 }
    NUMERIC_FIELDS.netstat.forEach((f, i) => Object.assign(stored, { [`${f}_min`]: i, [`${f}_avg`]: i + 0.5, [`${f}_max`]: i === 2 ? null : i + 1 }))
    const row = rollupRow('netstat', stored)
    expect(row).toHaveLength(1 + 3 * NUMERIC_FIELDS.netstat.length)
    expect(row.slice(0, 10)).toEqual([12, 0, 0.5, 1, 1, 1.5, 2, 2, 2.5, null])
  })
})
