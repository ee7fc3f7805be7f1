import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { METRICS } from '../../../shared/metrics'
import { MetricsService, NoRecentData, type HistoricalQuery, type RealtimeQuery } from '../../metrics'

const tags = ['Metrics']
const text = (description: string) => Type.Optional(Type.String({ description }))
const metricParam = Type.Optional(Type.String({ description: `One of: ${METRICS.join(', ')}` }))

/** "Metrics APIs" of servers-metrics-oracle-api.md. Parameters are checked by the service. */
export function metricsRoutes(app: FastifyInstance, metrics: MetricsService): void {
  app.get<{ Querystring: RealtimeQuery }>(
    '/api/metrics/realtime/',
    {
      schema: {
        tags,
        summary: 'The last minute of one metric',
        querystring: Type.Object({
          metric: metricParam,
          server_id: text('UUID of the server'),
          hostname: text('Hostname of the server')
        })
      }
    },
    async (request, reply) => {
      try {
        return metrics.realtime(request.query)
      } catch (error) {
        if (error instanceof NoRecentData) return reply.code(404).send(error.body)
        throw error
      }
    }
  )

  app.get<{ Querystring: HistoricalQuery }>(
    '/api/metrics/historical/',
    {
      schema: {
        tags,
        summary: 'Stored samples of one metric in a time range',
        description:
          'Raw rows, oldest first, paged (`page`, `per_page` up to 10000, default 1000). For `process`, ' +
          '`interval` (seconds) aggregates per process and interval; `pids` filters.',
        querystring: Type.Object({
          metric: metricParam,
          start: text('ISO 8601 date-time, e.g. 2024-08-07T00:00:00Z'),
          end: text('ISO 8601 date-time'),
          server_id: text('UUID of the server'),
          hostname: text('Hostname of the server'),
          interval: text('Aggregation interval in seconds (process metric)'),
          pids: text('Comma-separated PIDs (process metric)'),
          page: text('Page number, from 1'),
          per_page: text('Rows per page (Vigil extension)'),
          resolution: text('Vigil extension: raw (default), 1m, 1h, or auto (raw up to a day, 1m up to a month, else 1h). Roll-up rows hold averages under the field names, with _min/_max and samples.')
        })
      }
    },
    // The JSON bytes, written once (pages of raw rows straight from the columns read): Fastify
    // sends them as they are, without serializing an answer or measuring a string's UTF-8 length.
    async (request, reply) => reply.type('application/json; charset=utf-8').send(metrics.historicalJson(request.query))
  )
}
