// The SQL of the monitoring probes that read PostgreSQL, kept as data and keyed by the oldest
// server_version_num each text runs on (see forVersion). Every variant of a probe returns the
// same columns, named as the agent API names the fields.
//
// Types: node-postgres returns bigint and numeric as strings, so counters and sizes are cast to
// float8 (exact below 2^53) or int and arrive as JSON numbers; timestamps are formatted here.
import { forVersion, type Queryable } from '../queryable'

export type SqlProbeName =
  | 'sessions'
  | 'xacts'
  | 'locks'
  | 'blocks'
  | 'bgwriter'
  | 'db_size'
  | 'tblspc_size'
  | 'wal_files'
  | 'replication_lag'
  | 'replication_connection'
  | 'temp_files_size_delta'

type Variants = ReadonlyArray<readonly [minVersion: number, sql: string]>

/** How the agent prints a probe's time: PostgreSQL's own timestamptz text, e.g. 2017-04-21 08:24:45.003511+02. */
const PG_DATETIME_FORMAT = 'YYYY-MM-DD HH24:MI:SS.USOF'

/** The first two fields of every per-database and per-instance SQL probe row. */
export const PROBE_STAMP = `to_char(current_timestamp, '${PG_DATETIME_FORMAT}') AS datetime, current_setting('port')::int AS port`

const SESSIONS = `SELECT ${PROBE_STAMP},
  d.datname AS dbname,
  count(*) FILTER (WHERE a.state = 'active' AND a.wait_event_type IS DISTINCT FROM 'Lock')::int AS active,
  count(*) FILTER (WHERE a.state = 'active' AND a.wait_event_type = 'Lock')::int AS waiting,
  count(*) FILTER (WHERE a.state = 'idle')::int AS idle,
  count(*) FILTER (WHERE a.state = 'idle in transaction')::int AS idle_in_xact,
  count(*) FILTER (WHERE a.state = 'idle in transaction (aborted)')::int AS idle_in_xact_aborted,
  count(*) FILTER (WHERE a.state = 'fastpath function call')::int AS fastpath,
  count(*) FILTER (WHERE a.state = 'disabled')::int AS disabled,
  count(*) FILTER (WHERE a.query = '<insufficient privilege>')::int AS no_priv
FROM pg_database d
LEFT JOIN pg_stat_activity a ON a.datid = d.oid
WHERE d.datallowconn
GROUP BY d.datname
ORDER BY d.datname`

const XACTS = `SELECT ${PROBE_STAMP},
  d.datname AS dbname,
  s.xact_commit::float8 AS n_commit,
  s.xact_rollback::float8 AS n_rollback
FROM pg_database d
JOIN pg_stat_database s ON s.datid = d.oid
WHERE d.datallowconn
ORDER BY d.datname`

const LOCK_MODES = [
  ['AccessShareLock', 'access_share'],
  ['RowShareLock', 'row_share'],
  ['RowExclusiveLock', 'row_exclusive'],
  ['ShareUpdateExclusiveLock', 'share_update_exclusive'],
  ['ShareLock', 'share'],
  ['ShareRowExclusiveLock', 'share_row_exclusive'],
  ['ExclusiveLock', 'exclusive'],
  ['AccessExclusiveLock', 'access_exclusive']
] as const

const LOCK_COUNTS = [
  ...LOCK_MODES.flatMap(([mode, field]) => [
    `count(*) FILTER (WHERE l.mode = '${mode}' AND l.granted)::int AS ${field}`,
    `count(*) FILTER (WHERE l.mode = '${mode}' AND NOT l.granted)::int AS waiting_${field}`
  ]),
  // Predicate locks are never waited for.
  `count(*) FILTER (WHERE l.mode = 'SIReadLock')::int AS siread`
].join(',\n  ')

// Granted locks count for the database whose objects they lock. A waiting lock counts for the
// waiter's database even when it waits on a transaction id (pg_locks.database is null then):
// that is how a row-lock wait shows, and it is the wait a DBA most needs to see.
const LOCKS = `SELECT ${PROBE_STAMP},
  d.datname AS dbname,
  ${LOCK_COUNTS}
FROM pg_database d
LEFT JOIN (
  SELECT l.mode, l.granted, CASE WHEN l.granted THEN l.database ELSE coalesce(l.database, a.datid) END AS datid
  FROM pg_locks l
  LEFT JOIN pg_stat_activity a ON a.pid = l.pid AND NOT l.granted
) l ON l.datid = d.oid
WHERE d.datallowconn
GROUP BY d.datname
ORDER BY d.datname`

const BLOCKS = `SELECT ${PROBE_STAMP},
  d.datname AS dbname,
  s.blks_read::float8 AS blks_read,
  s.blks_hit::float8 AS blks_hit,
  coalesce(s.blks_hit::float8 * 100 / nullif(s.blks_read + s.blks_hit, 0), 0) AS hitmiss_ratio
FROM pg_database d
JOIN pg_stat_database s ON s.datid = d.oid
WHERE d.datallowconn
ORDER BY d.datname`

const BGWRITER_UNTIL_16 = `SELECT ${PROBE_STAMP},
  checkpoints_timed::float8 AS checkpoints_timed,
  checkpoints_req::float8 AS checkpoints_req,
  checkpoint_write_time,
  checkpoint_sync_time,
  buffers_checkpoint::float8 AS buffers_checkpoint,
  buffers_clean::float8 AS buffers_clean,
  maxwritten_clean::float8 AS maxwritten_clean,
  buffers_backend::float8 AS buffers_backend,
  buffers_backend_fsync::float8 AS buffers_backend_fsync,
  buffers_alloc::float8 AS buffers_alloc,
  to_char(stats_reset, '${PG_DATETIME_FORMAT}') AS stats_reset
FROM pg_stat_bgwriter`

// PostgreSQL 17 moved the checkpoint counters to pg_stat_checkpointer and dropped the backend
// ones, which pg_stat_io (16+) counts per backend type: the shared-buffer writes and fsyncs of
// every process that is neither the background writer nor the checkpointer. The counters were
// reset at different times, so stats_reset is the latest of the three resets.
const BGWRITER_SINCE_17 = `SELECT ${PROBE_STAMP},
  c.num_timed::float8 AS checkpoints_timed,
  c.num_requested::float8 AS checkpoints_req,
  c.write_time AS checkpoint_write_time,
  c.sync_time AS checkpoint_sync_time,
  c.buffers_written::float8 AS buffers_checkpoint,
  b.buffers_clean::float8 AS buffers_clean,
  b.maxwritten_clean::float8 AS maxwritten_clean,
  io.writes AS buffers_backend,
  io.fsyncs AS buffers_backend_fsync,
  b.buffers_alloc::float8 AS buffers_alloc,
  to_char(greatest(b.stats_reset, c.stats_reset, io.stats_reset), '${PG_DATETIME_FORMAT}') AS stats_reset
FROM pg_stat_bgwriter b
CROSS JOIN pg_stat_checkpointer c
CROSS JOIN (
  SELECT coalesce(sum(writes), 0)::float8 AS writes, coalesce(sum(fsyncs), 0)::float8 AS fsyncs, max(stats_reset) AS stats_reset
  FROM pg_stat_io
  WHERE object = 'relation' AND backend_type NOT IN ('background writer', 'checkpointer')
) io`

const DB_SIZE = `SELECT ${PROBE_STAMP},
  datname AS dbname,
  pg_database_size(oid)::float8 AS size
FROM pg_database
WHERE datallowconn
ORDER BY datname`

/**
 * A tablespace's size is null where the server would refuse to compute it (as the agent
 * documents for a tablespace it may not read), rather than failing the whole probe: it takes
 * pg_read_all_stats, CREATE on the tablespace, or being the current database's default.
 * PostgreSQL 15 checks pg_read_all_stats by its privileges (USAGE: inherited, so a NOINHERIT
 * member must SET ROLE) where 13 and 14 check membership (MEMBER); the test follows the server's.
 */
function tablespaceSize(readAllStats: 'MEMBER' | 'USAGE'): string {
  return `SELECT ${PROBE_STAMP},
  spcname,
  CASE WHEN pg_has_role('pg_read_all_stats', '${readAllStats}')
         OR has_tablespace_privilege(oid, 'CREATE')
         OR oid = (SELECT dattablespace FROM pg_database WHERE datname = current_database())
       THEN pg_tablespace_size(oid)::float8
  END AS size
FROM pg_tablespace
ORDER BY spcname`
}

// pg_ls_waldir() and pg_ls_archive_statusdir() are granted to pg_monitor, where pg_ls_dir()
// needs a superuser. A standby has no insert position: it reports how far it has received WAL
// (or replayed it, when it restores from an archive), so written_size is its receive rate.
const WAL_FILES = `SELECT current_setting('port')::int AS port,
  w.total,
  w.total_size,
  a.archive_ready,
  p.lsn::text AS current_location,
  pg_wal_lsn_diff(p.lsn, '0/0')::float8 AS position
FROM (
  SELECT count(*)::int AS total, coalesce(sum(size), 0)::float8 AS total_size
  FROM pg_ls_waldir()
  WHERE name ~ '^[0-9A-F]{24}$'
) w
CROSS JOIN (
  SELECT count(*)::int AS archive_ready FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'
) a
CROSS JOIN (
  SELECT CASE WHEN pg_is_in_recovery()
              THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
              ELSE pg_current_wal_lsn()
         END AS lsn
) p`

// A standby's lag, as the bytes of WAL it has yet to replay: the primary's flushed position as its
// WAL sender last said it (pg_stat_wal_receiver.latest_end_lsn, set from every message the
// standby receives) less the position replayed. The agent asks the primary itself over a
// replication connection, which needs its password from primary_conninfo; the standby's own
// view needs nothing but pg_monitor. No row on a primary, or a standby without a WAL receiver
// (restoring from an archive), as the agent gives none.
const REPLICATION_LAG = `SELECT ${PROBE_STAMP},
  greatest(pg_wal_lsn_diff(r.latest_end_lsn, pg_last_wal_replay_lsn()), 0)::float8 AS lag
FROM pg_stat_wal_receiver r
WHERE pg_is_in_recovery() AND r.latest_end_lsn IS NOT NULL AND pg_last_wal_replay_lsn() IS NOT NULL`

// The primary a standby follows — the host its WAL receiver is connected to, else the host of
// primary_conninfo (hidden from roles without pg_read_all_settings, which pg_monitor has) — and
// whether it streams from it now. No row on a primary.
const REPLICATION_CONNECTION = `SELECT ${PROBE_STAMP},
  coalesce(r.sender_host, substring((SELECT setting FROM pg_settings WHERE name = 'primary_conninfo') FROM '(?:^|\\s)host\\s*=\\s*''?([^''\\s]+)')) AS upstream,
  CASE WHEN r.status = 'streaming' THEN 1 ELSE 0 END AS connected
FROM (SELECT 1) AS one
LEFT JOIN pg_stat_wal_receiver r ON true
WHERE pg_is_in_recovery()`

/** Temporary file bytes per database since the statistics reset; the probe reports their change. */
const TEMP_FILES = `SELECT ${PROBE_STAMP},
  d.datname AS dbname,
  s.temp_bytes::float8 AS size
FROM pg_database d
JOIN pg_stat_database s ON s.datid = d.oid
WHERE d.datallowconn
ORDER BY d.datname`

export const PROBE_SQL: Record<SqlProbeName, Variants> = {
  sessions: [[130000, SESSIONS]],
  xacts: [[130000, XACTS]],
  locks: [[130000, LOCKS]],
  blocks: [[130000, BLOCKS]],
  bgwriter: [
    [130000, BGWRITER_UNTIL_16],
    [170000, BGWRITER_SINCE_17]
  ],
  db_size: [[130000, DB_SIZE]],
  tblspc_size: [
    [130000, tablespaceSize('MEMBER')],
    [150000, tablespaceSize('USAGE')]
  ],
  wal_files: [[130000, WAL_FILES]],
  replication_lag: [[130000, REPLICATION_LAG]],
  replication_connection: [[130000, REPLICATION_CONNECTION]],
  temp_files_size_delta: [[130000, TEMP_FILES]]
}

export function probeSql(name: SqlProbeName, serverVersionNum: number): string {
  return forVersion(serverVersionNum, PROBE_SQL[name])
}

export async function readServerVersionNum(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ version: number }>("SELECT current_setting('server_version_num')::int AS version")
  return rows[0]?.version ?? 0
}
