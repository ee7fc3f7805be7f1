// What happens in Vigil, as webhook events: each one read off the event bus (the features
// publish their news there already), named as webhooks name it, with the permission area a
// receiver's creator must read for it to be sent. Only changes are events: a server failing
// every 30 s is one server.down, and one server.up when it comes back.
import type { EventBus } from '../base/bus'
import type { PermissionArea } from '../../shared/teams'
import { isFailingServerState } from '../../shared/servers'
import { WEBHOOK_EVENT_AREAS, type WebhookEventName } from '../../shared/webhooks'

export interface VigilEvent {
  event: WebhookEventName
  area: PermissionArea
  data: Record<string, unknown>
}

/** A collector's area, told by its source name's kind (sources/collectors.ts: `server:web-01`, `postgres:main`, …). */
const AREA_OF_SOURCE: Record<string, PermissionArea> = { server: 'metrics', postgres: 'postgres', table: 'oracle', scrape: 'prometheus' }

const eventOf = (event: WebhookEventName, data: Record<string, unknown>, area: PermissionArea = WEBHOOK_EVENT_AREAS[event]): VigilEvent => ({ event, area, data })

/** Subscribes to the topics webhooks tell of; returns the unsubscriber. `hostname` names a server by id. */
export function subscribeWebhookEvents(bus: EventBus, hostname: (serverId: string) => string | null, dispatch: (event: VigilEvent) => void): () => void {
  // Servers known to be down, with since when (for server.up's down_seconds). In memory: after a
  // restart a server still down is announced again, which is the safe side.
  const downSince = new Map<string, number>()
  const unsubscribers = [
    bus.subscribe('servers.state', ({ id, state, error, since }) => {
      const wasDown = downSince.has(id)
      if (isFailingServerState(state)) {
        if (wasDown) return
        downSince.set(id, Date.parse(since))
        dispatch(eventOf('server.down', { server_id: id, hostname: hostname(id), state, error, since }))
      } else if (state === 'collecting' && wasDown) {
        const down = Date.parse(since) - (downSince.get(id) ?? Date.parse(since))
        downSince.delete(id)
        dispatch(eventOf('server.up', { server_id: id, hostname: hostname(id), state, since, down_seconds: Math.max(0, Math.round(down / 1000)) }))
      } else if (state === 'disabled' || state === 'idle') {
        // Collection turned off: neither up nor down any longer, as far as Vigil knows.
        downSince.delete(id)
      }
    }),
    bus.subscribe('platform.event', (event) => {
      if (event.type !== 'collector_down') return
      const kind = event.source.slice(0, event.source.indexOf(':'))
      dispatch(eventOf('collection.failed', { source: event.source, error: event.error, timestamp: event.timestamp }, AREA_OF_SOURCE[kind] ?? 'platform'))
    }),
    bus.subscribe('oracle.snapshot', (snapshot) => {
      if (!snapshot.changesDetected) return
      const { added, removed, changed, keys, keys_truncated } = snapshot.changes
      dispatch(
        eventOf('table.changed', {
          table_id: snapshot.tableId,
          table: `${snapshot.schemaName}.${snapshot.tableName}`,
          database_id: snapshot.databaseId,
          database: snapshot.databaseName,
          snapshot_id: snapshot.snapshotId,
          record_count: snapshot.recordCount,
          changes: { added, removed, changed, keys, keys_truncated },
          timestamp: snapshot.timestamp
        })
      )
    }),
    bus.subscribe('postgres.maintenance', ({ type, job, description }) => {
      if (type !== 'done' && type !== 'failed') return
      dispatch(
        eventOf(type === 'done' ? 'maintenance.finished' : 'maintenance.failed', {
          job_id: job.id,
          instance_id: job.instanceId,
          operation: job.operation,
          description,
          requested_by: job.requestedBy,
          started_at: job.startedAt === null ? null : new Date(job.startedAt).toISOString(),
          finished_at: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
          error: job.error
        })
      )
    }),
    bus.subscribe('scrape.health', ({ targetId, job, instance, url, up, error, at }) => {
      if (up) return
      dispatch(eventOf('scrape.target_down', { target_id: targetId, job, instance, url, error, timestamp: at }))
    })
  ]
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
  }
}
