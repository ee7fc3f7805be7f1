// Maintenance plugin of postgres-agent-api.md: sizes and bloat per instance, database, schema
// and table; VACUUM, ANALYZE, REINDEX now or at a datetime; the scheduled lists; cancel.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MAINTENANCE_OPERATIONS, type MaintenanceOperation, type MaintenanceTarget, type ViewResult } from '../../../shared/pg-agent'
import type { FloatFields } from './float-json'
import { actorOf } from '../face'
import { instanceIdOf, type AgentDeps } from './scope'

type Params = { db: string; schema: string; table: string; index: string; id: string }

/**
 * The view's body; why a bloat figure is null (the role may not read pg_stats, the table was
 * never analyzed) is said in a Warning header, so the body stays the documented one.
 */
function answer<T>(reply: FastifyReply, { body, warnings }: ViewResult<T>): T {
  if (warnings.length > 0) reply.header('Warning', warnings.map((text) => `199 vigil "${text.replace(/["\\\r\n]/g, ' ')}"`).join(', '))
  return body
}

/**
 * The fields the spec's examples show as floats (sums and estimates the agent gets from
 * PostgreSQL as numeric), level by level: 0.0, 239.0.
 */
const VIEW_FLOATS = {
  instance: [
    ...['indexes_bloat_bytes', 'indexes_bytes', 'n_indexes', 'n_tables', 'tables_bloat_bytes', 'tables_bytes', 'toast_bytes'].map((field) => `databases.*.${field}`),
    'instance.total_bytes'
  ],
  database: ['indexes_bloat_bytes', 'tables_bloat_bytes', 'toast_bytes'].map((field) => `schemas.*.${field}`),
  schema: ['indexes.*.bloat_bytes', 'tables.*.bloat_bytes', 'tables.*.index_bloat_bytes', 'tables.*.row_estimate'],
  table: ['bloat_bytes', 'index_bloat_bytes', 'row_estimate', 'indexes.*.bloat_bytes']
} satisfies Record<string, FloatFields>

export function maintenanceRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const { service } = deps
  const floats = (level: keyof typeof VIEW_FLOATS) => ({ config: { floats: VIEW_FLOATS[level] } })

  scope.get('/maintenance', floats('instance'), async (request, reply) => answer(reply, await service.instanceView(instanceIdOf(request))))
  scope.get<{ Params: Params }>('/maintenance/:db', floats('database'), async (request, reply) =>
    answer(reply, await service.databaseView(instanceIdOf(request), request.params.db))
  )
  scope.get<{ Params: Params }>('/maintenance/:db/schema/:schema', floats('schema'), async (request, reply) =>
    answer(reply, await service.schemaView(instanceIdOf(request), request.params.db, request.params.schema))
  )
  scope.get<{ Params: Params }>('/maintenance/:db/schema/:schema/table/:table', floats('table'), async (request, reply) => {
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
