// The agent's activity plugin: GET /activity (client backends), GET /activity/waiting
// (backends waiting for a lock), GET /activity/blocking (backends holding the locks others
// wait for). The terminate endpoint is in activity/kill.ts.
//
// What PostgreSQL tells (pid, database, user, client, wait, duration, state, query, and for
// locks relation, type, mode) needs pg_monitor, or pg_read_all_stats: without it PostgreSQL
// shows other roles' sessions with query '<insufficient privilege>' and a null state and
// client, and so does Vigil.
//
// What the host tells (cpu, memory, read_s, write_s, iow) comes from /proc of the machine
// PostgreSQL runs on, sampled twice about 250 ms apart (see process-stats.ts). Those five
// fields are null:
//   - for every row when Vigil cannot read that host's /proc: the instance is on another
//     machine and no server is linked to it (or the link gives no /proc access);
//   - read_s and write_s only, when /proc/<pid>/io is unreadable: it is readable by the
//     process's owner (the postgres OS user) and root only, so Vigil running as another user
//     on the PostgreSQL host gets cpu, memory and iow but no I/O rates;
//   - for one row when its process ended before the second sample, or when the pid is no
//     PostgreSQL process on that host (a server in a container: its pids live in another pid
//     namespace than the host's /proc shows).
// Units as the agent gives them: cpu in percent of one CPU, memory in percent of the host's
// RAM (both with 2 decimals), read_s/write_s as human-readable bytes per second ("1.50K",
// "0.00B", binary multiples), iow "Y" when the process is in uninterruptible (I/O) sleep.
import type { ActivityDetailRow, ActivityDetails, ActivityRow, BackendHostFields, LockRow } from '../../../shared/pg-agent'
import type { Queryable } from '../queryable'
import { ACTIVITY_SQL, BLOCKING_SQL, WAITING_SQL } from './queries'
import type { ProcessStats, ProcessStatsSource } from '../host/process-stats'

type HostFields = BackendHostFields

export type { ActivityDetailRow, ActivityRow, LockRow } from '../../../shared/pg-agent'

interface ActivityResultRow extends ActivityDetails {
  pid: number
  database: string | null
  user: string | null
  client: string | null
  duration: number
  waiting_for_lock: boolean
  state: string | null
  query: string | null
}

interface LockResultRow {
  pid: number
  database: string | null
  user: string | null
  relation: string
  type: string
  mode: string
  state: string | null
  duration: number
  query: string | null
}

const BYTE_UNITS = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'] as const

/** A byte count as the agent writes it: 2 decimals and the largest binary unit it reaches, "1.50K", "0.00B". */
export function humanBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : ''
  const size = Math.abs(bytes)
  for (let power = BYTE_UNITS.length; power >= 1; power--) {
    const unit = 1024 ** power
    if (size >= unit) return `${sign}${(size / unit).toFixed(2)}${BYTE_UNITS[power - 1]}`
  }
  return `${sign}${size.toFixed(2)}B`
}

function hostFields(stats: ProcessStats | undefined): HostFields {
  return {
    cpu: stats?.cpu ?? null,
    memory: stats?.memory ?? null,
    read_s: stats?.readBytesPerSecond == null ? null : humanBytes(stats.readBytesPerSecond),
    write_s: stats?.writeBytesPerSecond == null ? null : humanBytes(stats.writeBytesPerSecond),
    iow: stats?.ioWait == null ? null : stats.ioWait ? 'Y' : 'N'
  }
}

async function sampleHost(source: ProcessStatsSource | null, pids: number[]): Promise<Map<number, ProcessStats>> {
  if (!source || pids.length === 0) return new Map()
  return source.sample([...new Set(pids)])
}

/** GET /activity: the instance's client backends, other than the session asking. */
export async function getActivity(db: Queryable, processStats: ProcessStatsSource | null): Promise<{ rows: ActivityRow[] }> {
  const rows = await activityRows(db, processStats)
  return { rows: rows.map(({ row }) => row) }
}

/** The UI's activity list: GET /activity's rows with pg_stat_activity's details (application name, start times, wait event). */
export async function getActivityDetails(db: Queryable, processStats: ProcessStatsSource | null): Promise<{ rows: ActivityDetailRow[] }> {
  const rows = await activityRows(db, processStats)
  return { rows: rows.map(({ row, details }) => ({ ...row, ...details })) }
}

async function activityRows(db: Queryable, processStats: ProcessStatsSource | null): Promise<Array<{ row: ActivityRow; details: ActivityDetails }>> {
  const { rows } = await db.query<ActivityResultRow>(ACTIVITY_SQL)
  const stats = await sampleHost(processStats, rows.map((row) => row.pid))
  return rows.map((row) => {
    const host = hostFields(stats.get(row.pid))
    return {
      row: {
        pid: row.pid,
        database: row.database,
        user: row.user,
        client: row.client,
        cpu: host.cpu,
        memory: host.memory,
        read_s: host.read_s,
        write_s: host.write_s,
        iow: host.iow,
        wait: row.waiting_for_lock ? 'Y' : 'N',
        duration: row.duration.toFixed(3),
        state: row.state,
        query: row.query
      },
      details: {
        application_name: row.application_name,
        query_start: row.query_start,
        xact_start: row.xact_start,
        backend_start: row.backend_start,
        wait_event_type: row.wait_event_type,
        wait_event: row.wait_event
      }
    }
  })
}

async function lockRows(db: Queryable, sql: string, processStats: ProcessStatsSource | null): Promise<{ rows: LockRow[] }> {
  const { rows } = await db.query<LockResultRow>(sql)
  const stats = await sampleHost(processStats, rows.map((row) => row.pid))
  return {
    rows: rows.map((row) => {
      const host = hostFields(stats.get(row.pid))
      return {
        pid: row.pid,
        database: row.database,
        user: row.user,
        cpu: host.cpu,
        memory: host.memory,
        read_s: host.read_s,
        write_s: host.write_s,
        iow: host.iow,
        relation: row.relation,
        type: row.type,
        mode: row.mode,
        state: row.state,
        duration: Math.round(row.duration * 100) / 100,
        query: row.query
      }
    })
  }
}

/** GET /activity/waiting: one row per lock a backend is waiting for. */
export function getWaitingBackends(db: Queryable, processStats: ProcessStatsSource | null): Promise<{ rows: LockRow[] }> {
  return lockRows(db, WAITING_SQL, processStats)
}

/** GET /activity/blocking: one row per lock (pid, type, mode, relation) by which a backend blocks another. */
export function getBlockingBackends(db: Queryable, processStats: ProcessStatsSource | null): Promise<{ rows: LockRow[] }> {
  return lockRows(db, BLOCKING_SQL, processStats)
}
