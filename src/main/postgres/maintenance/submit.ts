// POST .../vacuum|analyze|reindex: check that the target exists, then hand the job to the
// scheduler. The answer is the agent's `{"id": "..."}`.
import { AppError } from '../../../shared/errors'
import type { Queryable } from '../queryable'
import type { OperationRequest } from './request'
import type { MaintenanceScheduler } from './scheduler'
import { maintenanceStatement, targetLevel } from './statements'
import type { MaintenanceOperation, MaintenanceTarget } from './types'

const TABLE_SQL = `
SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'm')`

const INDEX_TABLE_SQL = `
SELECT t.relname AS table_name
FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class ci ON ci.oid = x.indexrelid
  JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = ci.relnamespace
WHERE n.nspname = $1 AND ci.relname = $2`

/**
 * The table an index job works on, after checking that the named table or index exists (404
 * otherwise, with the agent's message). `client` is a session on the target's database: having
 * connected to it proves the database exists.
 */
export async function resolveTarget(client: Queryable, operation: MaintenanceOperation, target: MaintenanceTarget): Promise<string | null> {
  // Building the statement checks the target's shape and that every name can be quoted.
  maintenanceStatement(operation, target, null)
  const level = targetLevel(operation, target)
  if (level === 'table') {
    const { rows } = await client.query(TABLE_SQL, [target.schema, target.table])
    if (rows.length === 0) throw new AppError('not_found', `Table ${target.schema}.${target.table} not found`)
  }
  if (level === 'index') {
    const { rows } = await client.query<{ table_name: string }>(INDEX_TABLE_SQL, [target.schema, target.index])
    const found = rows[0]
    if (!found) throw new AppError('not_found', `Index ${target.schema}.${target.index} not found`)
    return found.table_name
  }
  return null
}

export interface OperationSubmission {
  instanceId: number
  operation: MaintenanceOperation
  target: MaintenanceTarget
  request: OperationRequest
  /** Who asked, for the notifications trail. */
  requestedBy?: string | null
}

/** Checks the target and schedules the job (now, or at `request.datetime`); answers `{ id }`. */
export async function submitOperation(client: Queryable, scheduler: MaintenanceScheduler, submission: OperationSubmission): Promise<{ id: string }> {
  const indexTable = await resolveTarget(client, submission.operation, submission.target)
  const job = scheduler.schedule({
    instanceId: submission.instanceId,
    operation: submission.operation,
    target: submission.target,
    indexTable,
    mode: submission.request.mode,
    datetime: submission.request.datetime,
    requestedBy: submission.requestedBy ?? null
  })
  return { id: job.id }
}
