import type { VigilApp } from '../../src/main/app'
import type { MetricName } from '../../src/shared/metrics'
import type { CollectionState } from '../../src/shared/servers'

/** Resolves when the server's collector reports `state` (at once if it already has). */
export function waitForState(app: VigilApp, serverId: string, state: CollectionState, timeoutMs = 20_000): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const current = app.servers.get(serverId)
    if (current.collection_state === state) return resolve(current.collection_error)
    const timer = setTimeout(() => {
      unsubscribe()
      const now = app.servers.get(serverId)
      reject(new Error(`waited ${timeoutMs} ms for ${state}; the server is ${now.collection_state}: ${now.collection_error ?? ''}`))
    }, timeoutMs)
    const unsubscribe = app.bus.subscribe('servers.state', (change) => {
      if (change.id !== serverId || change.state !== state) return
      clearTimeout(timer)
      unsubscribe()
      resolve(change.error)
    })
  })
}

/** Resolves with the first stored rows of every metric listed, as they are published. */
export function waitForMetrics(
  app: VigilApp,
  serverId: string,
  metrics: readonly MetricName[],
  accept: (metric: MetricName, values: Record<string, unknown>[]) => boolean = () => true,
  timeoutMs = 20_000
): Promise<Map<MetricName, Record<string, unknown>[]>> {
  return new Promise((resolve, reject) => {
    const seen = new Map<MetricName, Record<string, unknown>[]>()
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`waited ${timeoutMs} ms for ${metrics.filter((m) => !seen.has(m)).join(', ')}`))
    }, timeoutMs)
    const unsubscribe = app.bus.subscribe('metrics.samples', ({ metric, serverId: from, samples }) => {
      if (from !== serverId || !metrics.includes(metric) || seen.has(metric)) return
      const values = samples.map((sample) => sample.values)
      if (!accept(metric, values)) return
      seen.set(metric, values)
      if (seen.size === metrics.length) {
        clearTimeout(timer)
        unsubscribe()
        resolve(seen)
      }
    })
  })
}
