import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { isoSeconds } from '../../../shared/time'
import { orPrimaryError } from './errors'

/** "Health & Debug APIs" of servers-metrics-oracle-api.md. */
export function healthRoutes(app: FastifyInstance, pingDatabase: () => void): void {
  app.get(
    '/health/',
    {
      config: { public: true },
      schema: {
        tags: ['Health'],
        summary: 'Application health, with a real database round trip',
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('healthy'), timestamp: Type.String(), database: Type.Literal('connected') }),
          500: orPrimaryError(Type.Object({ status: Type.Literal('unhealthy'), error: Type.String(), timestamp: Type.String() }))
        }
      }
    },
    async (request, reply) => {
      const timestamp = isoSeconds(Date.now())
      try {
        pingDatabase()
        return { status: 'healthy', timestamp, database: 'connected' }
      } catch (error) {
        request.log.error({ err: error }, 'health check: database unreachable')
        return reply.code(500).send({ status: 'unhealthy', error: 'Database connection failed', timestamp })
      }
    }
  )

  app.get('/debug/', { schema: { tags: ['Health'], summary: 'Routing check' } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send('Debug view is working! Your Django URL routing is correct.')
  )
}
