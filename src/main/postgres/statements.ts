// The agent's statements plugin: GET /statements, a snapshot of pg_stat_statements with role and
// database names, in the database the session is connected to.
//
// The answer keeps the agent's field names on every PostgreSQL version. Which columns hold them
// depends on the version of the extension installed in the database, not on the server's:
// CREATE EXTENSION installs the server's newest (1.8 on PostgreSQL 13 ... 1.12 on 18), but a
// cluster upgraded with pg_upgrade keeps the old one until ALTER EXTENSION ... UPDATE, and its
// view keeps the old columns. So the SQL is chosen by pg_extension.extversion:
//   before 1.8   total_time, min_time, ...          blk_read_time, blk_write_time
//   1.8 (PG 13)  total_exec_time, min_exec_time...  (planning time is apart, as total_time never had it)
//   1.11 (PG 17) shared_blk_read_time, shared_blk_write_time (renamed; local_blk_*_time are new)
//
// Privileges: the view is readable by every role, but without pg_read_all_stats (pg_monitor has
// it) PostgreSQL shows other roles' statements with the query text '<insufficient privilege>' and
// a null queryid; they are passed on as PostgreSQL gives them. Statements of a role or database
// dropped since are left out: they have no name to give.
//
// queryid is a 64-bit hash: most values are past 2^53, where a JavaScript number would round off
// its last digits. It is read as text and kept as its decimal digits; the agent face writes those
// digits as the JSON number the agent sends (statementsJson in api/agent).
import { escapeIdentifier } from 'pg'
import { AppError } from '../../shared/errors'
import type { StatementRow, StatementsSnapshot } from '../../shared/pg-agent'
import { forVersion, type Queryable } from './queryable'

export type { StatementRow, StatementsSnapshot } from '../../shared/pg-agent'

/** The view's column behind each renamed field. */
interface RenamedColumns {
  total_time: string
  min_time: string
  max_time: string
  mean_time: string
  stddev_time: string
  blk_read_time: string
  blk_write_time: string
}

const BEFORE_1_8: RenamedColumns = {
  total_time: 'total_time',
  min_time: 'min_time',
  max_time: 'max_time',
  mean_time: 'mean_time',
  stddev_time: 'stddev_time',
  blk_read_time: 'blk_read_time',
  blk_write_time: 'blk_write_time'
}

const FROM_1_8: RenamedColumns = {
  ...BEFORE_1_8,
  total_time: 'total_exec_time',
  min_time: 'min_exec_time',
  max_time: 'max_exec_time',
  mean_time: 'mean_exec_time',
  stddev_time: 'stddev_exec_time'
}

const FROM_1_11: RenamedColumns = { ...FROM_1_8, blk_read_time: 'shared_blk_read_time', blk_write_time: 'shared_blk_write_time' }

/** bigint counters, cast so they arrive as numbers rather than node-postgres' strings. */
const COUNTERS = [
  'calls',
  'rows',
  'shared_blks_hit',
  'shared_blks_read',
  'shared_blks_dirtied',
  'shared_blks_written',
  'local_blks_hit',
  'local_blks_read',
  'local_blks_dirtied',
  'local_blks_written',
  'temp_blks_read',
  'temp_blks_written'
] as const

/** '1.10' → 110, so that extension versions order as numbers for forVersion. */
export function extensionVersionNum(extversion: string): number {
  const match = /^(\d+)\.(\d+)/.exec(extversion)
  if (!match) throw new AppError('internal', `Unexpected pg_stat_statements version '${extversion}'`)
  return Number(match[1]) * 100 + Number(match[2])
}

/** The snapshot's SELECT for the extension version installed, reading the view in its schema. */
export function statementsSql(schema: string, extversion: string): string {
  const renamed = forVersion(extensionVersionNum(extversion), [
    [0, BEFORE_1_8],
    [108, FROM_1_8],
    [111, FROM_1_11]
  ])
  const column = (field: keyof RenamedColumns): string => `s.${renamed[field]} AS ${field}`
  const counter = (name: (typeof COUNTERS)[number]): string => `s.${name}::float8 AS ${escapeIdentifier(name)}`
  const [calls, rows, ...blocks] = COUNTERS.map(counter)
  return `SELECT r.rolname, d.datname, s.userid, s.dbid, s.queryid::text AS queryid, s.query, ${calls},
       ${column('total_time')}, ${column('min_time')}, ${column('max_time')}, ${column('mean_time')}, ${column('stddev_time')},
       ${rows}, ${blocks.join(', ')},
       ${column('blk_read_time')}, ${column('blk_write_time')}
  FROM ${escapeIdentifier(schema)}.pg_stat_statements AS s
  JOIN pg_catalog.pg_roles AS r ON r.oid = s.userid
  JOIN pg_catalog.pg_database AS d ON d.oid = s.dbid
 ORDER BY s.${renamed.total_time} DESC, s.dbid, s.userid, s.queryid`
}

interface Prerequisites {
  database: string
  role: string
  snapshot_datetime: string
  extversion: string | null
  schema: string | null
}

/**
 * The time (PostgreSQL's text form, whatever the session's DateStyle: trailing zeros of the
 * fraction dropped, offset as +01 or +05:30) and where the extension is, if it is created here.
 */
const PREREQUISITES_SQL = `SELECT pg_catalog.current_database() AS database, current_user AS role,
       regexp_replace(to_char(now(), 'YYYY-MM-DD HH24:MI:SS.US'), '[.]?0+$', '') || to_char(now(), 'OF') AS snapshot_datetime,
       e.extversion, n.nspname AS schema
  FROM (SELECT) AS here
  LEFT JOIN pg_catalog.pg_extension AS e ON e.extname = 'pg_stat_statements'
  LEFT JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace`

/**
 * A snapshot of pg_stat_statements. AppError('not_found') (the agent's 404) when the extension is
 * not created in this database or its module is not loaded, saying what to do; AppError('forbidden')
 * when the extension's schema is closed to the role.
 */
export async function getStatements(db: Queryable): Promise<StatementsSnapshot> {
  const { rows } = await db.query<Prerequisites>(PREREQUISITES_SQL)
  const here = rows[0]
  if (!here) throw new AppError('internal', 'PostgreSQL returned no row for the pg_stat_statements check')
  if (here.extversion === null || here.schema === null) throw notCreated(here.database)
  try {
    const result = await db.query<StatementRow>(statementsSql(here.schema, here.extversion))
    return { snapshot_datetime: here.snapshot_datetime, data: result.rows }
  } catch (error) {
    const code = (error as { code?: unknown }).code
    // 55000: "pg_stat_statements must be loaded via shared_preload_libraries".
    if (code === '55000') throw notLoaded(here.database)
    // Dropped between the two queries.
    if (code === '42P01') throw notCreated(here.database)
    // The view is granted to PUBLIC, but the schema it was created in may not be.
    if (code === '42501') throw noSchemaUsage(here.schema, here.role)
    throw error
  }
}

function notCreated(database: string): AppError {
  return new AppError(
    'not_found',
    `pg_stat_statements not enabled on database ${database}: the extension is not created there. ` +
      `Run CREATE EXTENSION pg_stat_statements; in database ${escapeIdentifier(database)} as a superuser ` +
      `(the module must also be listed in shared_preload_libraries)`
  )
}

function noSchemaUsage(schema: string, role: string): AppError {
  return new AppError(
    'forbidden',
    `Role '${role}' may not read pg_stat_statements: it needs USAGE on schema ${escapeIdentifier(schema)}, where the extension is installed ` +
      `(GRANT USAGE ON SCHEMA ${escapeIdentifier(schema)} TO ${escapeIdentifier(role)})`,
    { extra: { reason: 'insufficient_privilege', sqlstate: '42501' } }
  )
}

function notLoaded(database: string): AppError {
  return new AppError(
    'not_found',
    `pg_stat_statements not enabled on database ${database}: the module is not loaded. ` +
      `Add pg_stat_statements to shared_preload_libraries in postgresql.conf and restart PostgreSQL`
  )
}

/**
 * Whether the session's role may reset the statistics: EXECUTE on pg_stat_statements_reset(),
 * which the extension grants to superusers only (a superuser may GRANT it). False when the
 * extension is not created in this database. Its signature changed with the extension's versions
 * (none before 1.7, (userid, dbid, queryid) from 1.7, and minmax_only from 1.11): any of them counts.
 */
const RESET_PRIVILEGE_SQL = `SELECT COALESCE(bool_or(pg_catalog.has_function_privilege(p.oid, 'EXECUTE')), false) AS may_reset
  FROM pg_catalog.pg_extension AS e
  JOIN pg_catalog.pg_proc AS p ON p.pronamespace = e.extnamespace AND p.proname = 'pg_stat_statements_reset'
 WHERE e.extname = 'pg_stat_statements'`

export async function statementsResetAllowed(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ may_reset: boolean }>(RESET_PRIVILEGE_SQL)
  return rows[0]?.may_reset === true
}

/**
 * pg_stat_statements_reset(): forgets every statement's statistics (all roles, all databases).
 * Called without arguments, which every version of the extension takes. AppError('forbidden')
 * naming the grant when the role may not; AppError('not_found') as getStatements when the
 * extension is not created or not loaded.
 */
export async function resetStatements(db: Queryable): Promise<{ reset: true }> {
  const { rows } = await db.query<Prerequisites>(PREREQUISITES_SQL)
  const here = rows[0]
  if (!here) throw new AppError('internal', 'PostgreSQL returned no row for the pg_stat_statements check')
  if (here.extversion === null || here.schema === null) throw notCreated(here.database)
  try {
    await db.query(`SELECT ${escapeIdentifier(here.schema)}.pg_stat_statements_reset()`)
    return { reset: true }
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === '55000') throw notLoaded(here.database)
    if (code === '42883' || code === '42P01') throw notCreated(here.database)
    if (code === '42501') throw resetRefused(here.schema, here.role)
    throw error
  }
}

function resetRefused(schema: string, role: string): AppError {
  return new AppError(
    'forbidden',
    `Role '${role}' may not reset pg_stat_statements: pg_stat_statements_reset() is for superusers unless granted ` +
      `(GRANT EXECUTE ON FUNCTION ${escapeIdentifier(schema)}.pg_stat_statements_reset TO ${escapeIdentifier(role)})`,
    { extra: { reason: 'insufficient_privilege', sqlstate: '42501' } }
  )
}
