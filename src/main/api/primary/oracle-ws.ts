import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import type { SnapshotEvent } from '../../../shared/oracle'
import type { EventBus } from '../../base/bus'
import type { SnapshotRow } from '../../table-monitoring'
import type { ServersService } from '../../servers'

/** Rows a message carries at most; a bigger snapshot says `data_complete: false` (fetch it by `snapshot_id`). */
export const WS_MAX_ROWS = 10_000

/** Reads a stored snapshot's rows (the first `limit`). */
export type SnapshotRowsReader = (snapshotId: number, limit: number) => { rows: SnapshotRow[]; total: number }

/**
 * "Oracle Data Updates WebSocket" of servers-metrics-oracle-api.md: `/ws/oracle_updates_{server_id}/`
 * joins group `oracle_updates_{server_id}` and gets an `oracle_data_update` message after each
 * snapshot of a table of a database linked to that server. `changes_detected` is true only when
 * rows were added, removed or changed since the previous snapshot. Vigil adds `changes` (counts
 * and keys), `snapshot_id`, `truncated` and `data_complete`.
 *
 * Authentication and the Origin/Host checks are the global security hook's, which sees the
 * upgrade request like any other.
 */
export function oracleWsRoutes(app: FastifyInstance, bus: EventBus, servers: ServersService, readRows: SnapshotRowsReader): void {
  const subscribers = new Map<string, Set<WebSocket>>()

  // One bus subscription for every socket; each snapshot's rows are read and serialised once,
  // and only when someone listens for its server.
  const unsubscribe = bus.subscribe('oracle.snapshot', (event) => {
    const sockets = subscribers.get(event.serverId)
    if (!sockets || sockets.size === 0) return
    const text = JSON.stringify(message(event, readRows(event.snapshotId, WS_MAX_ROWS)))
    for (const socket of sockets) app.liveSockets.send(socket, [text])
  })
  app.addHook('onClose', async () => unsubscribe())

  const checkServer = async (request: FastifyRequest<{ Params: { server_id: string } }>) => {
    servers.get(request.params.server_id)
  }

  app.get<{ Params: { server_id: string } }>(
    '/ws/oracle_updates_:server_id/',
    { websocket: true, preValidation: checkServer, schema: { hide: true } },
    (socket, request) => {
      const serverId = servers.get(request.params.server_id).id
      let set = subscribers.get(serverId)
      if (!set) subscribers.set(serverId, (set = new Set()))
      set.add(socket)
      const leave = (): void => {
        set.delete(socket)
        if (set.size === 0 && subscribers.get(serverId) === set) subscribers.delete(serverId)
      }
      socket.on('close', leave)
      socket.on('error', leave)
    }
  )
}

function message(event: SnapshotEvent, data: { rows: SnapshotRow[]; total: number }): Record<string, unknown> {
  return {
    type: 'oracle_data_update',
    server_id: event.serverId,
    server_name: event.serverName,
    database_id: event.databaseId,
    database_name: event.databaseName,
    table_id: event.tableId,
    table_name: event.tableName,
    schema_name: event.schemaName,
    data: data.rows,
    record_count: event.recordCount,
    changes_detected: event.changesDetected,
    timestamp: event.timestamp,
    changes: event.changes,
    snapshot_id: event.snapshotId,
    truncated: event.truncated,
    data_complete: data.rows.length >= data.total
  }
}
