import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { isoSeconds } from '../../../shared/time'
import type { UpgradeStatus } from '../../../shared/upgrade'
import { orPrimaryError } from './errors'

/**
 * Vigil's extension of the health answer: the data dir's upgrade at start (README, "Upgrading").
 * Public like the rest of /health/, so it names no group (their labels are server ids, disks and
 * process command lines): the groups that differ are in the log and the UI.
 */
const UpgradeAnswer = Type.Object({
  state: Type.Union([Type.Literal('pending'), Type.Literal('none'), Type.Literal('converting'), Type.Literal('converted'), Type.Literal('failed')]),
  phase: Type.Union([Type.Literal('copying'), Type.Literal('checking'), Type.Null()]),
  table: Type.Union([Type.String(), Type.Null()]),
  rows_total: Type.Integer(),
  rows_copied: Type.Integer(),
  percent: Type.Number(),
  started_at: Type.Union([Type.String(), Type.Null()]),
  finished_at: Type.Union([Type.String(), Type.Null()]),
  elapsed_ms: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  advice: Type.Union([Type.String(), Type.Null()]),
  differing_groups: Type.Integer()
})

function upgradeAnswer(status: UpgradeStatus) {
  return {
    state: status.state,
    phase: status.phase,
    table: status.table,
    rows_total: status.total,
    rows_copied: status.copied,
    percent: status.percent,
    started_at: status.startedAt,
    finished_at: status.finishedAt,
    elapsed_ms: Math.round(status.elapsedMs),
    error: status.error,
    advice: status.advice,
    differing_groups: status.mismatchCount
  }
}

/** "Health & Debug APIs" of servers-metrics-oracle-api.md. */
export function healthRoutes(app: FastifyInstance, pingDatabase: () => void, upgradeStatus: () => UpgradeStatus): void {
  app.get(
    '/health/',
    {
      config: { area: 'none' },
      schema: {
        tags: ['Health'],
        summary: 'Application health, with a real database round trip',
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('healthy'), timestamp: Type.String(), database: Type.Literal('connected'), upgrade: UpgradeAnswer }),
          500: orPrimaryError(Type.Object({ status: Type.Literal('unhealthy'), error: Type.String(), timestamp: Type.String() }))
        }
      }
    },
    async (request, reply) => {
      const timestamp = isoSeconds(Date.now())
      try {
        pingDatabase()
        return { status: 'healthy', timestamp, database: 'connected', upgrade: upgradeAnswer(upgradeStatus()) }
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
