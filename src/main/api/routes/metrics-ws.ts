import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import type { Topics } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import { isMetricName, type MetricName } from '../../../shared/metrics'
import type { EventBus } from '../../bus'
import { sampleValues } from '../../services/metrics'
import type { ServersService } from '../../services/servers'

/** A subscriber this far behind stops getting messages until it catches up; twice as far, it is dropped. */
export const WS_SKIP_BYTES = 1 << 20
export const WS_DROP_BYTES = 4 << 20

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

  function stream(socket: WebSocket, serverId: string, metric: MetricName | null): void {
    const send = ({ metric: sampleMetric, serverId: sampleServer, timestamp, samples }: Topics['metrics.samples']): void => {
      if (sampleServer !== serverId || (metric && sampleMetric !== metric)) return
      if (socket.bufferedAmount > WS_DROP_BYTES) {
        socket.terminate()
        return
      }
      if (socket.bufferedAmount > WS_SKIP_BYTES) return
      for (const sample of samples) {
        socket.send(
          JSON.stringify({
            metric: sampleMetric,
            server_id: serverId,
            timestamp,
            values: {
              ...sampleValues(sampleMetric, sample.values),
              ...(sampleMetric === 'netstat' ? { time: Math.floor(Date.parse(timestamp) / 1000) } : {})
            },
            id: sample.id
          })
        )
      }
    }
    const unsubscribe = bus.subscribe('metrics.samples', send)
    socket.on('close', unsubscribe)
    socket.on('error', unsubscribe)
  }
}
