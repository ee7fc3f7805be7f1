// POST /activity/kill: terminates backends with pg_terminate_backend(), one pid at a time so
// that one refusal does not stop the others. Each pid gets its own answer: `killed` as the
// agent gives it, and, when it is false, an `error` saying why (not a process of this
// instance, the session serving the request, not allowed, or PostgreSQL would not signal it).
// The UI's cancel (pg_cancel_backend(): the query stops, the session stays) goes the same way
// and answers the same per pid, with `cancelled`.
//
// Privileges: a superuser may terminate any backend. Any other role needs pg_signal_backend
// (or membership in the backend's role), and still may not terminate a superuser's backend;
// processes that run as no role (autovacuum workers, background workers) are a superuser's
// to terminate (on PostgreSQL 18, autovacuum workers also by pg_signal_autovacuum_worker).
import { AppError } from '../../../shared/errors'
import type { CancelResult, KillResult } from '../../../shared/pg-agent'
import type { Queryable } from '../queryable'

export type { CancelResult, KillResult } from '../../../shared/pg-agent'

interface TargetRow {
  pid: number
  backend_type: string | null
  user: string | null
  superuser: boolean | null
  is_self: boolean
}

const MAX_PID = 2_147_483_647

/**
 * The pids of a POST /activity/kill body `{"pids": [13309, …]}`, duplicates dropped. Anything
 * else is refused with the agent's own messages.
 */
export function parseKillRequest(body: unknown): number[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('pids' in body)) {
    throw new AppError('validation', "Parameter 'pids' not sent.", { field: 'pids' })
  }
  const { pids } = body as { pids: unknown }
  if (!Array.isArray(pids) || !pids.every((pid) => Number.isInteger(pid) && pid > 0 && pid <= MAX_PID)) {
    throw new AppError('validation', "Parameter 'pids' is malformed.", { field: 'pids' })
  }
  return [...new Set(pids as number[])]
}

const TARGETS_SQL = `
SELECT a.pid,
       a.backend_type,
       a.usename AS "user",
       r.rolsuper AS superuser,
       a.pid = pg_catalog.pg_backend_pid() AS is_self
FROM pg_catalog.pg_stat_activity a
LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid
WHERE a.pid = ANY($1::int4[])`

/** How each signal is sent, and the words its messages use. */
const SIGNALS = {
  terminate: { sql: 'SELECT pg_catalog.pg_terminate_backend($1::int4) AS signalled', verb: 'terminate it', doing: 'terminating', done: 'terminated' },
  cancel: { sql: 'SELECT pg_catalog.pg_cancel_backend($1::int4) AS signalled', verb: 'cancel its query', doing: 'cancelling the query of', done: 'cancelled' }
} as const

type Signal = keyof typeof SIGNALS

interface SignalOutcome {
  pid: number
  signalled: boolean
  error?: string
}

/** Terminates each pid's backend; see the file comment. */
export async function killBackends(db: Queryable, pids: readonly number[]): Promise<{ backends: KillResult[] }> {
  const outcomes = await signalBackends(db, pids, 'terminate')
  return { backends: outcomes.map(({ pid, signalled, error }) => (error === undefined ? { pid, killed: signalled } : { pid, killed: signalled, error })) }
}

/**
 * Cancels the running query of each pid's backend with pg_cancel_backend(), one pid at a time,
 * with the same rules and per-pid answers as killBackends: the session stays, its transaction is
 * rolled back if the query was in one. The same privileges apply (pg_signal_backend, never a
 * superuser's backend unless a superuser asks).
 */
export async function cancelBackends(db: Queryable, pids: readonly number[]): Promise<{ backends: CancelResult[] }> {
  const outcomes = await signalBackends(db, pids, 'cancel')
  return { backends: outcomes.map(({ pid, signalled, error }) => (error === undefined ? { pid, cancelled: signalled } : { pid, cancelled: signalled, error })) }
}

async function signalBackends(db: Queryable, pids: readonly number[], signal: Signal): Promise<SignalOutcome[]> {
  if (pids.length === 0) return []
  const { rows } = await db.query<TargetRow>(TARGETS_SQL, [pids])
  const targets = new Map(rows.map((row) => [row.pid, row]))
  const outcomes: SignalOutcome[] = []
  for (const pid of pids) outcomes.push(await signalOne(db, pid, targets.get(pid), signal))
  return outcomes
}

async function signalOne(db: Queryable, pid: number, target: TargetRow | undefined, signal: Signal): Promise<SignalOutcome> {
  const words = SIGNALS[signal]
  if (!target) return { pid, signalled: false, error: `PID ${pid} is not a process of this PostgreSQL instance` }
  if (target.is_self) return { pid, signalled: false, error: `PID ${pid} is the session serving this request; it was not ${words.done}` }
  try {
    const { rows } = await db.query<{ signalled: boolean }>(words.sql, [pid])
    if (rows[0]?.signalled) return { pid, signalled: true }
    return {
      pid,
      signalled: false,
      error: `PostgreSQL did not signal PID ${pid} (${describe(target)}): it is not a backend that can be ${words.done}, or it exited meanwhile`
    }
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error
    return { pid, signalled: false, error: refusal(pid, target, error as { message?: string; detail?: string }, signal) }
  }
}

/** backend_type is null to roles without pg_read_all_stats, for other roles' processes. */
function describe(target: TargetRow): string {
  return target.user === null ? (target.backend_type ?? 'background process') : `${target.backend_type ?? 'backend'} of role '${target.user}'`
}

/** Why the session's role may not signal this backend, and what it would need. */
function refusal(pid: number, target: TargetRow, error: { message?: string; detail?: string }, signal: Signal): string {
  const words = SIGNALS[signal]
  const server = [error.message, error.detail].filter(Boolean).join(' ')
  let why: string
  if (target.user === null) {
    why =
      `PID ${pid} is a ${describe(target)} that runs as no role: only a superuser may ${words.verb}` +
      ' (on PostgreSQL 18, autovacuum workers also a member of pg_signal_autovacuum_worker)'
  } else if (target.superuser) {
    why = `PID ${pid} is a session of superuser '${target.user}': only a superuser may ${words.verb}`
  } else {
    why = `${words.doing} PID ${pid} of role '${target.user}' needs membership in pg_signal_backend (or in role '${target.user}')`
  }
  return `Not allowed: ${why} (PostgreSQL: ${server})`
}
