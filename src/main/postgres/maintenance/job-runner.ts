// Runs one maintenance job on a session of its own: lifts the statement timeout, names the
// session in pg_stat_activity, runs the one statement outside any transaction block, samples its
// progress on a second session meanwhile, and collects the WARNINGs the server sends (VACUUM
// skips a table it may not vacuum with a warning, not an error).
import { AppError } from '../../../shared/errors'
import { progressSources, readProgress } from './progress'
import { parseVacuumMode } from './request'
import { maintenanceStatement } from './statements'
import type { ConnectInstanceDatabase, MaintenanceJob, MaintenanceProgress, MaintenanceSession, SchedulerClock } from './types'

/** Shared between the scheduler and a running job. */
export interface JobControl {
  /** Why the job is being stopped, once someone asked. */
  stop: 'cancel' | 'shutdown' | null
  /** The job's backend once known: what pg_cancel_backend signals. */
  pid: number | null
}

export interface RunnerDeps {
  connect: ConnectInstanceDatabase
  clock: SchedulerClock
  progressIntervalMs: number
  onPid(pid: number): void
  onProgress(progress: MaintenanceProgress): void
}

export interface JobOutcome {
  status: 'done' | 'failed' | 'cancelled'
  error: string | null
  notices: string[]
}

export const INTERRUPTED_BY_SHUTDOWN = 'interrupted by Vigil shutdown'
const MAX_NOTICES = 50

/** A failure in words: the server's message and SQLSTATE, or our own AppError's message. */
export function errorText(error: unknown): string {
  if (error instanceof AppError) return error.message
  const { message, code } = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; code?: unknown }
  const text = typeof message === 'string' && message ? message : String(error)
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? `${text} (SQLSTATE ${code})` : text
}

/** Raised inside the runner when a stop was asked for before the statement went out. */
class StoppedBeforeStart extends Error {}

export async function runJob(job: MaintenanceJob, control: JobControl, deps: RunnerDeps): Promise<JobOutcome> {
  const vacuum = parseVacuumMode(job.mode)
  const statement = maintenanceStatement(job.operation, job.target, vacuum)
  const notices: string[] = []
  let dropped = 0
  let session: MaintenanceSession | undefined
  let stopSampling = (): void => {}
  try {
    session = await deps.connect(job.instanceId, job.target.database)
    // An error on the socket also fails the pending query, which is where it is handled.
    session.on?.('error', () => undefined)
    session.on?.('notice', (notice) => {
      if (notice.severity !== 'WARNING') return
      if (notices.length < MAX_NOTICES) notices.push(notice.message ?? '')
      else dropped++
    })
    const { rows } = await session.query<{ pid: number; version: number }>(
      `SELECT pg_backend_pid() AS pid, current_setting('server_version_num')::int AS version,
              set_config('statement_timeout', '0', false), set_config('application_name', $1, false)`,
      [`vigil maintenance ${job.id}`]
    )
    const { pid, version } = rows[0] as { pid: number; version: number }
    control.pid = pid
    deps.onPid(pid)
    if (control.stop) throw new StoppedBeforeStart()
    stopSampling = sampleProgress(job, pid, version, progressSources(job.operation, vacuum), deps)
    await session.query(statement)
    return { status: 'done', error: null, notices: withDropped(notices, dropped) }
  } catch (error) {
    if (control.stop === 'cancel') return { status: 'cancelled', error: null, notices: withDropped(notices, dropped) }
    if (control.stop === 'shutdown') return { status: 'failed', error: INTERRUPTED_BY_SHUTDOWN, notices: withDropped(notices, dropped) }
    return { status: 'failed', error: errorText(error), notices: withDropped(notices, dropped) }
  } finally {
    stopSampling()
    await session?.end().catch(() => undefined)
  }
}

function withDropped(notices: string[], dropped: number): string[] {
  return dropped > 0 ? [...notices, `… and ${dropped} more warnings`] : notices
}

/**
 * Samples the job's progress every `progressIntervalMs` on a session of its own (the job's is
 * busy). Best effort: if that session fails, the job runs on without progress. Returns the stop.
 */
function sampleProgress(job: MaintenanceJob, pid: number, version: number, sources: ReturnType<typeof progressSources>, deps: RunnerDeps): () => void {
  let stopped = false
  let timer: unknown = null
  let monitor: MaintenanceSession | null = null
  const endMonitor = (): void => {
    void monitor?.end().catch(() => undefined)
    monitor = null
  }
  const tick = async (): Promise<void> => {
    timer = null
    try {
      if (!monitor) {
        const opened = await deps.connect(job.instanceId, job.target.database)
        opened.on?.('error', () => undefined)
        monitor = opened
      }
      if (stopped) return endMonitor()
      const progress = await readProgress(monitor, version, sources, pid, deps.clock.now())
      if (stopped) return endMonitor()
      if (progress) deps.onProgress(progress)
      timer = deps.clock.setTimeout(() => void tick(), deps.progressIntervalMs)
    } catch {
      endMonitor()
    }
  }
  timer = deps.clock.setTimeout(() => void tick(), deps.progressIntervalMs)
  return () => {
    stopped = true
    if (timer !== null) deps.clock.clearTimeout(timer)
    // A tick in flight ends the monitor itself when it sees `stopped`.
    if (monitor) endMonitor()
  }
}
