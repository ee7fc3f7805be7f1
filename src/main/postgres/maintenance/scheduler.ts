// MaintenanceScheduler runs the VACUUM, ANALYZE and REINDEX jobs of every PostgreSQL instance,
// now or at their `datetime`, and keeps them in SQLite (pg_maintenance_jobs).
//
// Policy:
// - A job without a datetime, or with one already past, runs at once; the others at their time.
//   One timer waits for the next due job and is re-armed whenever the jobs change.
// - Jobs never overlap on the same relation. A job on a table waits while another job runs on
//   that table or one of its indexes; a database-wide job waits for every job in its database,
//   and they for it. Waiting jobs start in the order they were due as soon as the relation is
//   free, and a job that waited is never missed, however long it waited. Others run side by side.
// - Restart: scheduled jobs are kept and run at their time. A job whose time passed while Vigil
//   was not running (or the computer slept) runs at start if it is less than the grace period
//   late (1 hour by default), and is marked `missed` otherwise: a VACUUM FULL planned for 3 a.m.
//   must not lock a table at 9 a.m. because that is when Vigil was started again.
// - A job that was running when Vigil stopped is marked failed: "interrupted by Vigil shutdown".
//   An orderly shutdown (close()) cancels the running statements first, so that the record is
//   true: no VACUUM FULL goes on unobserved once Vigil is gone.
// - Cancel: a scheduled job is cancelled and never runs. A running one is stopped with
//   pg_cancel_backend on its backend (a role may always cancel its own sessions) and ends
//   `cancelled`; a statement that completed before the signal arrived stays `done`.
// - Asking again for the same operation on the same target at the same datetime, while the first
//   request is still scheduled, gives the same job: a retried POST does not schedule twice.
// - Finished jobs are kept for 30 days, then deleted when Vigil starts.
// - Every change of state and every progress sample is published through `onEvent`.
import { randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { FailureReport } from '../../base/background'
import type { PgMaintenanceJobFilter, PgMaintenanceJobRow, PgMaintenanceJobsRepo, PgMaintenanceJobStatus } from './jobs-repo'
import { errorText, INTERRUPTED_BY_SHUTDOWN, runJob, type JobControl, type JobOutcome } from './job-runner'
import { isMissed, jobsOverlap } from './policy'
import { formatDatetime, parseVacuumMode } from './request'
import { describeOperation } from './statements'
import type {
  ConnectInstanceDatabase,
  JobStatus,
  MaintenanceJob,
  MaintenanceOperation,
  MaintenanceProgress,
  MaintenanceTarget,
  ScheduledOperation,
  SchedulerClock
} from './types'

export type MaintenanceEventType = 'scheduled' | 'started' | 'progress' | 'done' | 'failed' | 'cancelled' | 'missed'

export interface MaintenanceEvent {
  type: MaintenanceEventType
  job: MaintenanceJob
  /** The job in words, e.g. `VACUUM (FULL) "public"."city" in database "shop"`. */
  description: string
}

export interface SchedulerOptions {
  repo: PgMaintenanceJobsRepo
  connect: ConnectInstanceDatabase
  onEvent?: (event: MaintenanceEvent) => void
  /** The timer's look at due jobs failed; it looks again RETRY_AFTER_FAILURE_MS later. */
  onError: FailureReport
  clock?: SchedulerClock
  /** How late a job may start after Vigil was down (or asleep) at its time; 1 hour by default. */
  graceMs?: number
  /** How often a running job's progress is sampled; 2 s by default. */
  progressIntervalMs?: number
  /** How long finished jobs are kept; 30 days by default. */
  historyMs?: number
  /** How long close() waits for cancelled jobs to end; 10 s by default. */
  shutdownTimeoutMs?: number
}

export interface NewMaintenanceJob {
  instanceId: number
  operation: MaintenanceOperation
  target: MaintenanceTarget
  indexTable: string | null
  mode: string | null
  /** Epoch milliseconds; null to run now. */
  datetime: number | null
  requestedBy: string | null
}

/** Which jobs a `.../scheduled` endpoint lists: the database, schema and table of its URL. */
export interface ScheduledScope {
  dbname?: string
  schema?: string
  table?: string
}

const HOUR_MS = 3_600_000
const DEFAULTS = { graceMs: HOUR_MS, progressIntervalMs: 2_000, historyMs: 30 * 24 * HOUR_MS, shutdownTimeoutMs: 10_000 }
/** setTimeout's longest delay (about 24.8 days); a later job is reached in several waits. */
const MAX_TIMER_MS = 2 ** 31 - 1
/** After the timer's look at due jobs failed (the database?), the next look is this much later. */
export const RETRY_AFTER_FAILURE_MS = 60_000
const PENDING: readonly PgMaintenanceJobStatus[] = ['scheduled', 'running']

export const SYSTEM_CLOCK: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms)
    // Pending jobs are in SQLite: a timer must not keep a process alive that is otherwise done.
    timer.unref()
    return timer
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout)
}

interface RunningJob {
  job: MaintenanceJob
  control: JobControl
  ended: Promise<void>
}

export class MaintenanceScheduler {
  private readonly repo: PgMaintenanceJobsRepo
  private readonly connect: ConnectInstanceDatabase
  private readonly onEvent: (event: MaintenanceEvent) => void
  private readonly onError: FailureReport
  private readonly clock: SchedulerClock
  private readonly settings: typeof DEFAULTS
  private readonly running = new Map<string, RunningJob>()
  /** Due jobs that found their relation busy: they wait as long as it takes, and are never missed. */
  private readonly waiting = new Set<string>()
  private timer: unknown = null
  private started = false
  private closed = false

  constructor(options: SchedulerOptions) {
    this.repo = options.repo
    this.connect = options.connect
    this.onEvent = options.onEvent ?? (() => undefined)
    this.onError = options.onError
    this.clock = options.clock ?? SYSTEM_CLOCK
    this.settings = {
      graceMs: options.graceMs ?? DEFAULTS.graceMs,
      progressIntervalMs: options.progressIntervalMs ?? DEFAULTS.progressIntervalMs,
      historyMs: options.historyMs ?? DEFAULTS.historyMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs
    }
  }

  /** Recovers from the last run (see the policy above) and starts running due jobs. */
  start(): void {
    if (this.started || this.closed) return
    this.started = true
    const now = this.clock.now()
    this.repo.purgeFinishedBefore(now - this.settings.historyMs)
    for (const row of this.repo.list({ statuses: ['running'] })) {
      this.finish(row.id, ['running'], { status: 'failed', error: INTERRUPTED_BY_SHUTDOWN }, [])
    }
    this.pump()
  }

  /** Records a job and runs it now or arms the timer for it; returns it as it stands. */
  schedule(request: NewMaintenanceJob): MaintenanceJob {
    if (this.closed) throw new AppError('unavailable', 'Vigil is shutting down')
    const now = this.clock.now()
    const row: PgMaintenanceJobRow = {
      id: '',
      instance_id: request.instanceId,
      operation: request.operation,
      dbname: request.target.database,
      schema_name: request.target.schema,
      table_name: request.target.table,
      index_name: request.target.index,
      index_table: request.indexTable,
      mode: request.operation === 'vacuum' ? request.mode : null,
      scheduled_at: request.datetime ?? now,
      requested_at: now,
      requested_by: request.requestedBy,
      status: 'scheduled',
      progress: null,
      backend_pid: null,
      started_at: null,
      finished_at: null,
      error: null,
      notices: '[]'
    }
    const twin = request.datetime === null ? undefined : this.repo.pendingTwin(row)
    if (twin) return jobOf(twin)
    row.id = this.newId()
    this.repo.insert(row)
    this.publish('scheduled', jobOf(row))
    this.pump()
    return this.get(row.id) ?? jobOf(row)
  }

  /**
   * DELETE /maintenance/{operation}/{id}: cancels a scheduled job, or stops a running one. A job of
   * another instance or operation, or one already finished, is not found (404), as in the agent.
   */
  async cancel(instanceId: number, id: string, operation?: MaintenanceOperation): Promise<{ response: 'ok' }> {
    const row = this.repo.get(id)
    if (!row || row.instance_id !== instanceId || (operation && row.operation !== operation) || !PENDING.includes(row.status)) {
      throw new AppError('not_found', 'Scheduled operation not found')
    }
    if (row.status === 'scheduled' && this.finish(id, ['scheduled'], { status: 'cancelled', error: null }, [])) {
      this.arm(this.clock.now())
      return { response: 'ok' }
    }
    const running = this.running.get(id)
    // Running in the file but not here: a job of a Vigil that stopped, recovered at start().
    if (!running) throw new AppError('not_found', 'Scheduled operation not found')
    await this.interrupt(running, 'cancel')
    return { response: 'ok' }
  }

  /** A `.../scheduled` list of the agent API: jobs not finished yet, in the order they are due. */
  scheduledOperations(instanceId: number, operation: MaintenanceOperation, scope: ScheduledScope = {}): ScheduledOperation[] {
    const now = this.clock.now()
    const rows = this.repo.list({
      instanceId,
      operation,
      dbname: scope.dbname,
      schemaName: scope.schema,
      tableName: scope.table,
      statuses: PENDING
    })
    return rows.map((row) => ({
      datetime: formatDatetime(row.scheduled_at),
      dbname: row.dbname,
      id: row.id,
      index: row.index_name,
      mode: row.mode,
      schema: row.schema_name,
      status: row.status === 'running' ? 'doing' : row.scheduled_at <= now ? 'queued' : 'todo',
      table: row.table_name
    }))
  }

  /** Jobs in every state with their progress, times and errors, for Vigil's own views. */
  jobs(filter: PgMaintenanceJobFilter = {}): MaintenanceJob[] {
    return this.repo.list(filter).map((row) => this.withLiveProgress(jobOf(row)))
  }

  get(id: string): MaintenanceJob | undefined {
    const row = this.repo.get(id)
    return row ? this.withLiveProgress(jobOf(row)) : undefined
  }

  /**
   * Stops: no job starts any more; running ones are cancelled and recorded as interrupted. Waits
   * for them to end, at most `shutdownTimeoutMs` (one left running is recovered at next start).
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.disarm()
    const running = [...this.running.values()]
    await Promise.all(running.map((job) => this.interrupt(job, 'shutdown').catch(() => undefined)))
    let timeout: unknown = null
    await Promise.race([
      Promise.all(running.map((job) => job.ended)),
      new Promise<void>((resolve) => {
        timeout = this.clock.setTimeout(resolve, this.settings.shutdownTimeoutMs)
      })
    ])
    this.clock.clearTimeout(timeout)
  }

  /** Starts every due job whose relation is free, gives up the missed ones, re-arms the timer. */
  private pump(): void {
    if (!this.started || this.closed) return
    const now = this.clock.now()
    const busy = [...this.running.values()].map((running) => running.job)
    for (const row of this.repo.due(now)) {
      const job = jobOf(row)
      if (isMissed(job, now, this.settings.graceMs, this.waiting.has(job.id))) {
        const late = Math.round((now - job.scheduledAt) / 60_000)
        this.finish(job.id, ['scheduled'], {
          status: 'missed',
          error: `Vigil could not start it at ${formatDatetime(job.scheduledAt)}: it was ${late} min late, past the grace period of ${Math.round(this.settings.graceMs / 60_000)} min`
        }, [])
        continue
      }
      if (busy.some((other) => jobsOverlap(other, job))) {
        this.waiting.add(job.id)
        continue
      }
      this.waiting.delete(job.id)
      const started = this.run(job)
      if (started) busy.push(started)
    }
    this.arm(now)
  }

  /** Marks the job running and starts it; returns it, or null if it was no longer scheduled. */
  private run(job: MaintenanceJob): MaintenanceJob | null {
    const startedAt = this.clock.now()
    if (!this.repo.transition(job.id, ['scheduled'], { status: 'running', started_at: startedAt })) return null
    const runningJob: MaintenanceJob = { ...job, status: 'running', startedAt }
    const control: JobControl = { stop: null, pid: null }
    const ended = runJob(runningJob, control, {
      connect: this.connect,
      clock: this.clock,
      progressIntervalMs: this.settings.progressIntervalMs,
      onPid: (pid) => this.repo.update(job.id, { backend_pid: pid }),
      onProgress: (progress) => this.recordProgress(runningJob, progress)
    })
      // runJob settles every failure of the job itself; this catches a bug of ours (e.g. a bad stored row).
      .catch((error: unknown): JobOutcome => ({ status: 'failed', error: errorText(error), notices: [] }))
      .then((outcome) => {
        this.running.delete(job.id)
        try {
          this.finish(job.id, ['running'], { status: outcome.status, error: outcome.error }, outcome.notices)
          this.pump()
        } catch (error) {
          // After close() gave up waiting, the store may be closed: the next start() recovers the row.
          if (!this.closed) throw error
        }
      })
    this.running.set(job.id, { job: runningJob, control, ended })
    this.publish('started', runningJob)
    return runningJob
  }

  private recordProgress(job: MaintenanceJob, progress: MaintenanceProgress): void {
    job.progress = progress
    if (this.repo.update(job.id, { progress: JSON.stringify(progress) })) this.publish('progress', job)
  }

  /** Asks a running job to stop; signals its backend once the statement may be running. */
  private async interrupt(running: RunningJob, reason: 'cancel' | 'shutdown'): Promise<void> {
    running.control.stop ??= reason
    // Without a pid the statement has not gone out: the runner sees `stop` before sending it.
    const pid = running.control.pid
    if (pid === null) return
    const session = await this.connect(running.job.instanceId, running.job.target.database)
    session.on?.('error', () => undefined)
    try {
      await session.query('SELECT pg_cancel_backend($1)', [pid])
    } finally {
      await session.end().catch(() => undefined)
    }
  }

  /** Moves a job to a final state if it is in one of `from`; publishes it. False if it was not. */
  private finish(
    id: string,
    from: readonly PgMaintenanceJobStatus[],
    end: { status: Exclude<JobStatus, 'scheduled' | 'running'>; error: string | null },
    notices: string[]
  ): boolean {
    this.waiting.delete(id)
    const moved = this.repo.transition(id, from, {
      status: end.status,
      error: end.error,
      finished_at: this.clock.now(),
      backend_pid: null,
      notices: JSON.stringify(notices)
    })
    const row = moved ? this.repo.get(id) : undefined
    if (row) this.publish(end.status, jobOf(row))
    return moved
  }

  private arm(now: number): void {
    this.disarm()
    if (this.closed) return
    const next = this.repo.nextScheduledAfter(now)
    if (next === null) return
    this.wake(Math.min(next - now, MAX_TIMER_MS))
  }

  /** Runs due jobs after `ms`; if that fails, it is reported and tried again later, not dropped. */
  private wake(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      try {
        this.pump()
      } catch (error) {
        this.onError(error)
        if (!this.closed && this.timer === null) this.wake(RETRY_AFTER_FAILURE_MS)
      }
    }, ms)
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }

  private publish(type: MaintenanceEventType, job: MaintenanceJob): void {
    const description = describeOperation(job.operation, job.target, parseVacuumMode(job.mode))
    try {
      this.onEvent({ type, job, description })
    } catch {
      // A listener's failure must not stop the jobs.
    }
  }

  /** Eight hex digits, as the agent's ids; drawn again on the rare collision. */
  private newId(): string {
    for (;;) {
      const id = randomBytes(4).toString('hex')
      if (!this.repo.get(id)) return id
    }
  }

  /** The running job's latest sample: it is in memory before it is in the file. */
  private withLiveProgress(job: MaintenanceJob): MaintenanceJob {
    const live = this.running.get(job.id)
    return live ? { ...job, progress: live.job.progress ?? job.progress } : job
  }
}

/** A row as the engine sees it. */
function jobOf(row: PgMaintenanceJobRow): MaintenanceJob {
  return {
    id: row.id,
    instanceId: row.instance_id,
    operation: row.operation,
    target: { database: row.dbname, schema: row.schema_name, table: row.table_name, index: row.index_name },
    indexTable: row.index_table,
    mode: row.mode,
    scheduledAt: row.scheduled_at,
    requestedAt: row.requested_at,
    requestedBy: row.requested_by,
    status: row.status,
    progress: row.progress ? (JSON.parse(row.progress) as MaintenanceProgress) : null,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    notices: JSON.parse(row.notices) as string[]
  }
}
