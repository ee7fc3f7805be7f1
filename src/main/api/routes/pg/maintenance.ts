// Maintenance plugin of postgres-agent-api.md: sizes and bloat per instance, database, schema
// and table; VACUUM, ANALYZE, REINDEX now or at a datetime; the scheduled lists; cancel.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { databaseView, instanceView, schemaView, tableView } from '../../../collectors/postgres/maintenance/views'
import { parseOperationRequest } from '../../../collectors/postgres/maintenance/request'
import { submitOperation } from '../../../collectors/postgres/maintenance/submit'
import type { MaintenanceOperation, MaintenanceSession, MaintenanceTarget } from '../../../collectors/postgres/maintenance/types'
import type { ScheduledScope } from '../../../collectors/postgres/maintenance/scheduler'
import { instanceIdOf, onInstance, targetOf, type AgentDeps } from './scope'

const OPERATIONS: readonly MaintenanceOperation[] = ['vacuum', 'analyze', 'reindex']

type Params = { db: string; schema: string; table: string; index: string; id: string }

/**
 * Why a bloat figure is null (the role may not read pg_stats, the table was never analyzed):
 * said in a Warning header, so the body stays the documented one.
 */
function warn(reply: FastifyReply, warnings: readonly string[]): void {
  if (warnings.length > 0) reply.header('Warning', warnings.map((text) => `199 vigil "${text.replace(/["\\\r\n]/g, ' ')}"`).join(', '))
}

export function maintenanceRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  /** Runs fn on a session of its own on the database named in the URL. */
  const onDatabase = async <T>(request: FastifyRequest, database: string, fn: (db: MaintenanceSession) => Promise<T>): Promise<T> => {
    const session = await deps.pools.connectDedicated(targetOf(request, deps), database)
    try {
      return await fn(session)
    } finally {
      await session.end().catch(() => undefined)
    }
  }

  scope.get('/maintenance', async (request, reply) => {
    const target = targetOf(request, deps)
    const { body, warnings } = await onInstance(request, deps, (db) => instanceView(db, (database) => deps.pools.connectDedicated(target, database)))
    warn(reply, warnings)
    return body
  })
  scope.get<{ Params: Params }>('/maintenance/:db', async (request, reply) => {
    const { body, warnings } = await onDatabase(request, request.params.db, (db) => databaseView(db))
    warn(reply, warnings)
    return body
  })
  scope.get<{ Params: Params }>('/maintenance/:db/schema/:schema', async (request, reply) => {
    const { body, warnings } = await onDatabase(request, request.params.db, (db) => schemaView(db, request.params.schema))
    warn(reply, warnings)
    return body
  })
  scope.get<{ Params: Params }>('/maintenance/:db/schema/:schema/table/:table', async (request, reply) => {
    const { params } = request
    const { body, warnings } = await onDatabase(request, params.db, (db) => tableView(db, params.schema, params.table))
    warn(reply, warnings)
    return body
  })

  const submit = async (request: FastifyRequest, operation: MaintenanceOperation, target: MaintenanceTarget) => {
    const parsed = parseOperationRequest(operation, request.body ?? null)
    return onDatabase(request, target.database, (db) =>
      submitOperation(db, deps.maintenance, { instanceId: instanceIdOf(request), operation, target, request: parsed, requestedBy: request.agentUser ?? null })
    )
  }

  for (const operation of OPERATIONS) {
    scope.post<{ Params: Params }>(`/maintenance/:db/${operation}`, async (request) =>
      submit(request, operation, { database: request.params.db, schema: null, table: null, index: null })
    )
    scope.post<{ Params: Params }>(`/maintenance/:db/schema/:schema/table/:table/${operation}`, async (request) => {
      const { db, schema, table } = request.params
      return submit(request, operation, { database: db, schema, table, index: null })
    })

    const scheduled = (request: FastifyRequest, scopeOf: ScheduledScope) => {
      targetOf(request, deps)
      return deps.maintenance.scheduledOperations(instanceIdOf(request), operation, scopeOf)
    }
    scope.get(`/maintenance/${operation}/scheduled`, async (request) => scheduled(request, {}))
    scope.get<{ Params: Params }>(`/maintenance/:db/${operation}/scheduled`, async (request) => scheduled(request, { dbname: request.params.db }))
    // The spec's table-level reindex list is its schema's (it does not filter on the table).
    scope.get<{ Params: Params }>(`/maintenance/:db/schema/:schema/table/:table/${operation}/scheduled`, async (request) => {
      const { db, schema, table } = request.params
      return scheduled(request, operation === 'reindex' ? { dbname: db, schema } : { dbname: db, schema, table })
    })

    scope.delete<{ Params: Params }>(`/maintenance/${operation}/:id`, async (request) => {
      targetOf(request, deps)
      return deps.maintenance.cancel(instanceIdOf(request), request.params.id, operation)
    })
  }
  scope.post<{ Params: Params }>('/maintenance/:db/schema/:schema/index/:index/reindex', async (request) =>
    submit(request, 'reindex', { database: request.params.db, schema: request.params.schema, table: null, index: request.params.index })
  )
  scope.get<{ Params: Params }>('/maintenance/:db/schema/:schema/reindex/scheduled', async (request) => {
    targetOf(request, deps)
    return deps.maintenance.scheduledOperations(instanceIdOf(request), 'reindex', { dbname: request.params.db, schema: request.params.schema })
  })
}
