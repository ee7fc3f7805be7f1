import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import type { LiveSample, Topics } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import { isMetricName, type MetricName } from '../../../shared/metrics'
import type { EventBus } from '../../base/bus'
import { sampleValues } from '../../metrics'
import type { ServersService } from '../../servers'

/**
 * "WebSocket Endpoints" of servers-metrics-oracle-api.md: one metric of one server
 * (`/ws/metrics/{metric}/{server_id}/`, group `{metric}_metrics_{server_id}`) or all of its
 * metrics (`/ws/metrics/{server_id}/`, group `all_metrics_{server_id}`). One message per row.
 */
export function metricsWsRoutes(app: FastifyInstance, bus: EventBus, servers: ServersService): void {
  const checkServer = async (request: FastifyRequest<{ Params: { server_id: string; metric?: string } }>) => {
    const { metric, server_id } = request.params
    if (metric !== undefined && !isMetricName(metric)) throw new AppError('not_found', `Unknown metric '${metric}'`)
    servers.get(server_id)
  }

  // One bus subscription for every socket, dispatched by server: each batch reaches only its
  // server's sockets, and each message is serialised once however many sockets want it.
  const subscribers = new Map<string, Set<{ socket: WebSocket; metric: MetricName | null }>>()
  const unsubscribe = bus.subscribe('metrics.samples', (batch) => {
    const wanting = subscribers.get(batch.serverId)
    if (!wanting) return
    let messages: string[] | null = null
    for (const subscriber of wanting) {
      if (subscriber.metric !== null && subscriber.metric !== batch.metric) continue
      messages ??= batch.samples.map((sample) => JSON.stringify(message(batch, sample)))
      app.liveSockets.send(subscriber.socket, messages)
    }
  })
  app.addHook('onClose', async () => unsubscribe())

  const stream = (socket: WebSocket, serverId: string, metric: MetricName | null): void => {
    const subscriber = { socket, metric }
    let set = subscribers.get(serverId)
    if (!set) subscribers.set(serverId, (set = new Set()))
    set.add(subscriber)
    const leave = (): void => {
      set.delete(subscriber)
      if (set.size === 0 && subscribers.get(serverId) === set) subscribers.delete(serverId)
    }
    socket.on('close', leave)
    socket.on('error', leave)
  }

  app.get<{ Params: { metric: string; server_id: string } }>(
    '/ws/metrics/:metric/:server_id/',
    { websocket: true, preValidation: checkServer, schema: { hide: true } },
    (socket, request) => stream(socket, request.params.server_id, request.params.metric as MetricName)
  )
  app.get<{ Params: { server_id: string } }>(
    '/ws/metrics/:server_id/',
    { websocket: true, preValidation: checkServer, schema: { hide: true } },
    (socket, request) => stream(socket, request.params.server_id, null)
  )
}

/** The spec's message: one row, its fields under `values` (netstat with its epoch `time`). */
function message({ metric, serverId, timestamp }: Topics['metrics.samples'], sample: LiveSample): Record<string, unknown> {
  return {
    metric,
    server_id: serverId,
    timestamp,
    values: {
      ...sampleValues(metric, sample.values),
      ...(metric === 'netstat' ? { time: Math.floor(Date.parse(timestamp) / 1000) } : {})
    },
    id: sample.id
  }
}
