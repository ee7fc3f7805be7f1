// The scheduler's two rules, as pure functions: which jobs may not run together, and when a job
// Vigil could not start in time is given up as missed. scheduler.ts explains the policy.
import type { MaintenanceJob } from './types'

type JobScope = Pick<MaintenanceJob, 'instanceId' | 'target' | 'indexTable'>

/** The table a job works on; null for a whole database. An index job works on its index's table. */
function tableOf(job: JobScope): { schema: string; table: string } | null {
  const { schema, table, index } = job.target
  if (schema === null) return null
  return { schema, table: table ?? job.indexTable ?? (index as string) }
}

/**
 * Two jobs overlap when they would work on the same relation at once: same instance and
 * database, and either one covers the whole database, or both work on the same table (through
 * the table itself or one of its indexes).
 */
export function jobsOverlap(a: JobScope, b: JobScope): boolean {
  if (a.instanceId !== b.instanceId || a.target.database !== b.target.database) return false
  const tableA = tableOf(a)
  const tableB = tableOf(b)
  if (tableA === null || tableB === null) return true
  return tableA.schema === tableB.schema && tableA.table === tableB.table
}

/**
 * Whether a due job Vigil is only now able to start is too late to run. Lateness counts from its
 * time, or from the request when it was asked for with a time already past (that runs at once).
 * A job that waited for another job on the same relation is never missed: the caller passes
 * `waitedForOverlap` for those.
 */
export function isMissed(job: Pick<MaintenanceJob, 'scheduledAt' | 'requestedAt'>, now: number, graceMs: number, waitedForOverlap: boolean): boolean {
  return !waitedForOverlap && now - Math.max(job.scheduledAt, job.requestedAt) > graceMs
}
