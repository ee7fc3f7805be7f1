import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { SelfMetrics } from '../../self-metrics'

/** Vigil's own figures in the Prometheus text format, behind the API's authentication (README, "Vigil's own metrics"). */
export function selfMetricsRoute(app: FastifyInstance, metrics: SelfMetrics): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Health'],
        summary: "Vigil's own metrics (Prometheus text format 0.0.4): process, API, collectors, store, remote write",
        produces: ['text/plain'],
        response: { 200: Type.String() }
      }
    },
    async (_request, reply) => {
      const { contentType, body } = await metrics.expose()
      return reply.type(contentType).send(body)
    }
  )
}
