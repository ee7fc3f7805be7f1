// The maintenance browser's small rules: when a job runs (the datetime-local picker is local time,
// the agent's datetime is UTC), VACUUM's mode, bloat as a share, which operations are destructive.
import type { MaintenanceJobView, MaintenanceOperation, MaintenanceTarget } from '../../../../shared/pg-agent'

export interface VacuumChoice {
  full: boolean
  freeze: boolean
  analyze: boolean
}

/** VACUUM's mode parameter ("full,analyze"), or null for a plain VACUUM. */
export function vacuumMode(choice: VacuumChoice): string | null {
  const words = (['full', 'freeze', 'analyze'] as const).filter((word) => choice[word])
  return words.length > 0 ? words.join(',') : null
}

/** A datetime-local value ("2024-05-01T03:00", local time) as the agent's UTC datetime ("2024-05-01T01:00:00Z"); null when invalid. */
export function agentDatetime(localValue: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(localValue)) return null
  const date = new Date(localValue)
  if (Number.isNaN(date.getTime())) return null
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The datetime-local text for an epoch time, in local time, to the minute. */
export function localInputValue(epochMs: number): string {
  const date = new Date(epochMs)
  const pad = (value: number): string => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** The next whole hour after `now`, a sensible default for a scheduled job. */
export function nextHour(now: number): number {
  const date = new Date(now)
  date.setMinutes(0, 0, 0)
  return date.getTime() + 3_600_000
}

/** Bloat as a share of the size (0..1), or null when either is unknown. */
export function bloatShare(bloatBytes: number | null, totalBytes: number | null): number | null {
  if (bloatBytes === null || totalBytes === null || totalBytes <= 0) return null
  return Math.min(1, Math.max(0, bloatBytes / totalBytes))
}

/** Operations that take a lock users will feel: VACUUM FULL (ACCESS EXCLUSIVE on the table) and REINDEX. */
export function isDestructive(operation: MaintenanceOperation, choice: VacuumChoice): boolean {
  return operation === 'reindex' || (operation === 'vacuum' && choice.full)
}

/** The target in words: `"public"."orders" in postgres`, `database postgres`. */
export function describeTarget(target: MaintenanceTarget): string {
  if (target.schema === null) return `database ${target.database}`
  return `${target.schema}.${target.table ?? target.index} in ${target.database}`
}

/** A job's progress as a percent for a progress bar (null when the phase does not count). */
export function jobPercent(job: Pick<MaintenanceJobView, 'progress'>): number | null {
  return job.progress?.percent ?? null
}

export const OPERATION_LABELS: Record<MaintenanceOperation, string> = { vacuum: 'VACUUM', analyze: 'ANALYZE', reindex: 'REINDEX' }
