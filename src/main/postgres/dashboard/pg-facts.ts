// What the dashboard reads from PostgreSQL. Each fact is one SQL expression, so a sub-endpoint
// asks for its own and the full data set gets all of them in a single round trip.
import type { Queryable } from '../queryable'
import { needing } from '../monitoring/privileges'
import type { DatabasesSummary } from './types'

export interface PgFacts {
  buffers_alloc: number
  hitratio: number | null
  active_backends: number
  max_connections: number
  databases: Omit<DatabasesSummary, 'timestamp'>
  pg_version: string
  /** Null for a role that may not read data_directory (pg_monitor may, through pg_read_all_settings). */
  pg_data: string | null
  pg_port: string
  uptime_seconds: number
}

export type PgFact = keyof PgFacts

// bigint and numeric come back from node-postgres as strings: casts make them JSON numbers.
const FACT_SQL: Record<PgFact, string> = {
  // Shared buffers allocated since the statistics reset; still in pg_stat_bgwriter on 17+.
  buffers_alloc: '(SELECT buffers_alloc::float8 FROM pg_stat_bgwriter)',
  hitratio: `(SELECT CASE sum(blks_hit + blks_read) WHEN 0 THEN NULL
                 ELSE trunc(sum(blks_hit) / sum(blks_hit + blks_read) * 100)::float8 END
              FROM pg_stat_database)`,
  // Sessions doing something, or holding a transaction open; background processes have no state.
  active_backends: "(SELECT count(*)::int FROM pg_stat_activity WHERE state <> 'idle')",
  max_connections: "current_setting('max_connections')::int",
  databases: `(SELECT json_build_object(
                 'databases', count(*),
                 'total_size', pg_size_pretty(coalesce(sum(pg_database_size(d.oid)), 0)::bigint),
                 'time', to_char(now(), 'HH24:MI'),
                 'total_commit', coalesce(sum(s.xact_commit), 0),
                 'total_rollback', coalesce(sum(s.xact_rollback), 0))
               FROM pg_database d
               JOIN pg_stat_database s ON s.datid = d.oid
               WHERE NOT d.datistemplate)`,
  pg_version: 'version()',
  // pg_settings hides what the role may not see, where current_setting() would fail.
  pg_data: "(SELECT setting FROM pg_settings WHERE name = 'data_directory')",
  pg_port: "current_setting('port')",
  uptime_seconds: 'extract(epoch FROM now() - pg_postmaster_start_time())::float8'
}

export const ALL_PG_FACTS = Object.keys(FACT_SQL) as PgFact[]

/** The SELECT that reads `facts` (fixed names, nothing from a request). */
export function pgFactsSql(facts: readonly PgFact[]): string {
  return `SELECT ${facts.map((fact) => `${FACT_SQL[fact]} AS ${fact}`).join(',\n  ')}`
}

export async function readPgFacts<K extends PgFact>(db: Queryable, facts: readonly K[]): Promise<Pick<PgFacts, K>> {
  const { rows } = await needing(
    db.query<Pick<PgFacts, K>>(pgFactsSql(facts)),
    'The dashboard',
    "the pg_monitor role (its pg_read_all_stats sizes every database; without it, CONNECT on each database is needed)"
  )
  const [row] = rows
  if (!row) throw new Error('the dashboard query returned no row')
  return row
}

/**
 * Uptime as PostgreSQL prints an interval: "01:50:31.573788", "3 days 01:50:31.5"; the
 * fraction loses its trailing zeros, and goes when it is zero.
 */
export function formatUptime(seconds: number): string {
  const totalMicros = Math.max(0, Math.round(seconds * 1e6))
  const days = Math.floor(totalMicros / 86_400e6)
  let rest = totalMicros - days * 86_400e6
  const hours = Math.floor(rest / 3_600e6)
  rest -= hours * 3_600e6
  const minutes = Math.floor(rest / 60e6)
  rest -= minutes * 60e6
  const wholeSeconds = Math.floor(rest / 1e6)
  const micros = rest - wholeSeconds * 1e6
  const pad = (value: number): string => String(value).padStart(2, '0')
  const fraction = micros > 0 ? `.${String(micros).padStart(6, '0').replace(/0+$/, '')}` : ''
  const clock = `${pad(hours)}:${pad(minutes)}:${pad(wholeSeconds)}${fraction}`
  return days > 0 ? `${days} ${days === 1 ? 'day' : 'days'} ${clock}` : clock
}
