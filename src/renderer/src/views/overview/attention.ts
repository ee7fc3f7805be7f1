// Which servers need a look, and why: the overview sorts by this so trouble comes first.
import type { Sparkline } from '../../../../shared/metric-series'
import type { Server } from '../../../../shared/servers'
import { lastValue } from '../../charts/shaping'

export type AttentionLevel = 'bad' | 'warn' | 'ok' | 'off'

export interface Attention {
  level: AttentionLevel
  reasons: string[]
}

/** Sustained CPU above this (user + system, %) is worth a look. */
export const CPU_BUSY = 90
/** Paging in + out above this (KiB/s) means memory pressure. */
export const PAGING_BUSY = 1024
/** Samples older than this many intervals mean a collector that says "collecting" has gone quiet. */
export const STALE_INTERVALS = 3

const FAILED_STATES: Partial<Record<Server['collection_state'], string>> = {
  auth_failed: 'authentication failed',
  host_key_mismatch: 'host key changed',
  unreachable: 'unreachable',
  error: 'collector error'
}

export function attentionOf(server: Server, spark: Sparkline | undefined, now: number): Attention {
  if (server.collection_state === 'disabled' || !server.monitoring_enabled || server.status !== 'active') return { level: 'off', reasons: ['not monitored'] }
  const failed = FAILED_STATES[server.collection_state]
  if (failed) return { level: 'bad', reasons: [server.collection_error ? `${failed}: ${server.collection_error}` : failed] }
  const reasons: string[] = []
  const last = spark?.ts[spark.ts.length - 1]
  if (server.collection_state === 'collecting' && (last === undefined || now - last > STALE_INTERVALS * server.monitoring_interval * 1000)) {
    reasons.push('no recent samples')
  }
  if (spark) {
    const cpu = lastValue(spark.values.cpu)
    const paging = lastValue(spark.values.paging)
    if (cpu !== null && cpu >= CPU_BUSY) reasons.push(`CPU ${Math.round(cpu)}%`)
    if (paging !== null && paging >= PAGING_BUSY) reasons.push(`paging ${Math.round(paging)} KiB/s`)
  }
  if (server.collection_error) reasons.push(server.collection_error)
  return { level: reasons.length > 0 ? 'warn' : 'ok', reasons }
}

const RANK: Record<AttentionLevel, number> = { bad: 0, warn: 1, ok: 2, off: 3 }

export function compareAttention(a: Attention, b: Attention): number {
  return RANK[a.level] - RANK[b.level]
}
