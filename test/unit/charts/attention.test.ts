import { describe, expect, it } from 'vitest'
import type { Sparkline } from '../../../src/shared/metric-series'
import type { Server } from '../../../src/shared/servers'
import { attentionOf, compareAttention } from '../../../src/renderer/src/views/overview/attention'

const now = 1_000_000_000_000
const server = (patch: Partial<Server> = {}): Server =>
  ({ id: 'a', hostname: 'h', status: 'active', monitoring_enabled: true, monitoring_interval: 5, collection_state: 'collecting', collection_error: null, ...patch }) as Server
const spark = (cpu: number, paging = 0, ts = now - 1_000): Sparkline => ({ ts: [ts], values: { cpu: [cpu], r: [1], fre: [1], paging: [paging] } })

describe('attention', () => {
  it('puts failed collectors first, with the reason', () => {
    const verdict = attentionOf(server({ collection_state: 'unreachable', collection_error: 'connect ECONNREFUSED' }), undefined, now)
    expect(verdict).toEqual({ level: 'bad', reasons: ['unreachable: connect ECONNREFUSED'] })
    expect(attentionOf(server({ collection_state: 'host_key_mismatch' }), undefined, now).level).toBe('bad')
  })

  it('flags busy CPU, heavy paging and silence', () => {
    expect(attentionOf(server(), spark(95), now)).toEqual({ level: 'warn', reasons: ['CPU 95%'] })
    expect(attentionOf(server(), spark(10, 4096), now).reasons).toEqual(['paging 4096 KiB/s'])
    expect(attentionOf(server(), spark(10, 0, now - 60_000), now).reasons).toEqual(['no recent samples'])
    expect(attentionOf(server(), undefined, now).reasons).toEqual(['no recent samples'])
  })

  it('calls a quiet, collecting server fine and an unmonitored one off', () => {
    expect(attentionOf(server(), spark(10), now)).toEqual({ level: 'ok', reasons: [] })
    expect(attentionOf(server({ monitoring_enabled: false }), spark(99), now).level).toBe('off')
    expect(attentionOf(server({ status: 'maintenance' }), undefined, now).level).toBe('off')
  })

  it('orders failing, to check, fine, off', () => {
    const levels = (['ok', 'off', 'bad', 'warn'] as const).map((level) => ({ level, reasons: [] }))
    expect(levels.sort(compareAttention).map((a) => a.level)).toEqual(['bad', 'warn', 'ok', 'off'])
  })
})
