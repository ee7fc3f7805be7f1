// The maintenance engine's vocabulary: operations, their targets, jobs and their states, and
// the shapes the agent API answers with for scheduled operations.
import type { ClientBase } from 'pg'
import type { Queryable } from '../queryable'

export type MaintenanceOperation = 'vacuum' | 'analyze' | 'reindex'

/**
 * What an operation works on, as the URL names it. No schema: the whole database. A schema and
 * a table: that table. A schema and an index (REINDEX only): that index.
 */
export interface MaintenanceTarget {
  database: string
  schema: string | null
  table: string | null
  index: string | null
}

/** VACUUM's options, parsed from the `mode` parameter ("full,analyze"). */
export interface VacuumOptions {
  full: boolean
  freeze: boolean
  analyze: boolean
}

/**
 * A job's life: scheduled → running → done | failed | cancelled; a scheduled job may also be
 * cancelled, or missed when Vigil could not start it in time (see scheduler.ts).
 */
export type JobStatus = 'scheduled' | 'running' | 'done' | 'failed' | 'cancelled' | 'missed'

/** Which pg_stat_progress_* view a progress sample came from. */
export type ProgressSource = 'vacuum' | 'cluster' | 'analyze' | 'create_index'

/** One sample of a running job's progress, normalised across the progress views. */
export interface MaintenanceProgress {
  source: ProgressSource
  /** The view's own phase name, e.g. 'scanning heap', 'building index: loading tuples in tree'. */
  phase: string
  /** The relation being worked on now (a database-wide job moves from one to the next). */
  relation: string | null
  /** Work done and to do in this phase, in `unit`; null when the phase does not count. */
  done: number | null
  total: number | null
  unit: 'blocks' | 'indexes' | 'tables' | 'statistics' | 'tuples' | 'lockers' | null
  /** done / total in percent, one decimal. */
  percent: number | null
  /** The view's other counters, as the server version names them (e.g. dead_tuple_bytes on 17+). */
  detail: Record<string, number | null>
  /** Epoch milliseconds. */
  sampledAt: number
}

/** A maintenance job as Vigil keeps it (times in epoch milliseconds). */
export interface MaintenanceJob {
  /** Eight hexadecimal digits, as the agent API shows operation ids. */
  id: string
  instanceId: number
  operation: MaintenanceOperation
  target: MaintenanceTarget
  /** The table of the index an index job works on: jobs on one table never overlap. */
  indexTable: string | null
  /** VACUUM's mode as given ("full,analyze"); null for a plain VACUUM and for other operations. */
  mode: string | null
  /** When it is to run: the requested `datetime`, or the time of the request. */
  scheduledAt: number
  requestedAt: number
  requestedBy: string | null
  status: JobStatus
  progress: MaintenanceProgress | null
  startedAt: number | null
  finishedAt: number | null
  error: string | null
  /** WARNINGs the server sent while the job ran, e.g. "skipping "t" --- only table or database owner can vacuum it". */
  notices: string[]
}

/** One entry of the agent API's `.../scheduled` lists, field for field. */
export interface ScheduledOperation {
  /** "2019-03-23T11:28:00Z" */
  datetime: string
  dbname: string
  id: string
  index: string | null
  mode: string | null
  schema: string | null
  /** 'todo' (waiting for its time), 'queued' (due, waiting for a job on the same relation), 'doing'. */
  status: 'todo' | 'queued' | 'doing'
  table: string | null
}

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
