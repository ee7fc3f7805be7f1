// Maintenance plugin of postgres-agent-api.md: sizes and bloat per instance, database, schema
// and table; VACUUM, ANALYZE, REINDEX now or at a datetime; the scheduled lists; cancel.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MAINTENANCE_OPERATIONS, type MaintenanceOperation, type MaintenanceTarget, type ViewResult } from '../../../shared/pg-agent'
import { actorOf, instanceIdOf, type AgentDeps } from './scope'

type Params = { db: string; schema: string; table: string; index: string; id: string }

/**
 * The view's body; why a bloat figure is null (the role may not read pg_stats, the table was
 * never analyzed) is said in a Warning header, so the body stays the documented one.
 */
function answer<T>(reply: FastifyReply, { body, warnings }: ViewResult<T>): T {
  if (warnings.length > 0) reply.header('Warning', warnings.map((text) => `199 vigil "${text.replace(/["\\\r\n]/g, ' ')}"`).join(', '))
  return body
}

export function maintenanceRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const { service } = deps

  scope.get('/maintenance', async (request, reply) => answer(reply, await service.instanceView(instanceIdOf(request))))
  scope.get<{ Params: Params }>('/maintenance/:db', async (request, reply) =>
    answer(reply, await service.databaseView(instanceIdOf(request), request.params.db))
  )
  scope.get<{ Params: Params }>('/maintenance/:db/schema/:schema', async (request, reply) =>
    answer(reply, await service.schemaView(instanceIdOf(request), request.params.db, request.params.schema))
  )
  scope.get<{ Params: Params }>('/maintenance/:db/schema/:schema/table/:table', async (request, reply) => {
    const { db, schema, table } = request.params
    return answer(reply, await service.tableView(instanceIdOf(request), db, schema, table))
  })

  const submit = (request: FastifyRequest, operation: MaintenanceOperation, target: MaintenanceTarget) =>
    service.submit(instanceIdOf(request), operation, target, request.body ?? null, actorOf(request))

  for (const operation of MAINTENANCE_OPERATIONS) {
    scope.post<{ Params: Params }>(`/maintenance/:db/${operation}`, async (request) =>
      submit(request, operation, { database: request.params.db, schema: null, table: null, index: null })
    )
    scope.post<{ Params: Params }>(`/maintenance/:db/schema/:schema/table/:table/${operation}`, async (request) => {
      const { db, schema, table } = request.params
      return submit(request, operation, { database: db, schema, table, index: null })
    })

    scope.get(`/maintenance/${operation}/scheduled`, async (request) => service.scheduled(instanceIdOf(request), operation))
    scope.get<{ Params: Params }>(`/maintenance/:db/${operation}/scheduled`, async (request) =>
      service.scheduled(instanceIdOf(request), operation, { dbname: request.params.db })
    )
    // The spec's table-level reindex list is its schema's (it does not filter on the table).
    scope.get<{ Params: Params }>(`/maintenance/:db/schema/:schema/table/:table/${operation}/scheduled`, async (request) => {
      const { db, schema, table } = request.params
      return service.scheduled(instanceIdOf(request), operation, operation === 'reindex' ? { dbname: db, schema } : { dbname: db, schema, table })
    })

    scope.delete<{ Params: Params }>(`/maintenance/${operation}/:id`, async (request) => service.cancelJob(instanceIdOf(request), request.params.id, operation))
  }
  scope.post<{ Params: Params }>('/maintenance/:db/schema/:schema/index/:index/reindex', async (request) =>
    submit(request, 'reindex', { database: request.params.db, schema: request.params.schema, table: null, index: request.params.index })
  )
  scope.get<{ Params: Params }>('/maintenance/:db/schema/:schema/reindex/scheduled', async (request) =>
    service.scheduled(instanceIdOf(request), 'reindex', { dbname: request.params.db, schema: request.params.schema })
  )
}
