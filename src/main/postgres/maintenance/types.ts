// The maintenance engine's vocabulary: operations, their targets, jobs and their states, and
// the shapes the agent API answers with for scheduled operations.
import type { ClientBase } from 'pg'
import type { Queryable } from '../queryable'

export type {
  JobStatus,
  MaintenanceJob,
  MaintenanceOperation,
  MaintenanceProgress,
  MaintenanceTarget,
  ProgressSource,
  ScheduledOperation,
  VacuumOptions
} from '../../../shared/pg-agent'

/**
 * A dedicated session on one database of an instance. pg.Client fits. Maintenance sessions are
 * not pooled: VACUUM and REINDEX DATABASE refuse to run inside a transaction block, run for as
 * long as they need (the engine lifts statement_timeout on them), and are ended after use.
 */
export type MaintenanceSession = Queryable & { end(): Promise<void> } & Partial<Pick<ClientBase, 'on'>>

/** Opens a session on `database` of the instance the caller serves. */
export type ConnectDatabase = (database: string) => Promise<MaintenanceSession>

/** Opens a session on `database` of any instance, for the scheduler that runs every instance's jobs. */
export type ConnectInstanceDatabase = (instanceId: number, database: string) => Promise<MaintenanceSession>

/** Injected time, so that tests decide when timers fire. */
export interface SchedulerClock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}
