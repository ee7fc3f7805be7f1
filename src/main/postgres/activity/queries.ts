// The SQL behind /activity, /activity/waiting and /activity/blocking. The columns they read
// (pg_stat_activity.backend_type, wait_event_type; pg_locks; pg_blocking_pids()) are the same
// on every supported version, 13 to 18, so there is one text per query. Everything here is
// readable by pg_monitor (pg_read_all_stats shows other roles' query, state and client);
// pg_locks and pg_blocking_pids() are open to every role.

/** Seconds since the backend's current (or last) query started; 0 before its first query. */
const DURATION = 'GREATEST(0, EXTRACT(epoch FROM clock_timestamp() - a.query_start))::float8'

/**
 * The locked relation's name as this session resolves it, ' ' (as the agent answers) when the
 * lock is on no relation. A relation OID of another database would resolve to whatever has
 * that OID here, if anything: those stay the bare OID.
 */
export const relationOf = (none: string): string => `CASE
    WHEN l.relation IS NULL THEN ${none}
    WHEN l.database = 0 OR l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      THEN l.relation::pg_catalog.regclass::text
    ELSE l.relation::text
  END`

const RELATION = relationOf("' '")

/** A timestamptz as ISO 8601 text with its offset ("2024-05-01T10:00:00.123456+02:00"), so it reads the same over IPC and JSON. */
export const isoText = (column: string): string => `pg_catalog.to_json(${column}) #>> '{}'`

/**
 * pg_stat_activity's own columns the UI shows next to the agent's row (GET /activity leaves
 * them out: its rows are the agent's, field for field).
 */
export const DETAILS = `a.application_name,
       ${isoText('a.query_start')} AS query_start,
       ${isoText('a.xact_start')} AS xact_start,
       ${isoText('a.backend_start')} AS backend_start,
       a.wait_event_type,
       a.wait_event`

/** Client backends other than this session, the longest-running query first. */
export const ACTIVITY_SQL = `
SELECT a.pid,
       a.datname AS database,
       a.usename AS "user",
       pg_catalog.host(a.client_addr) AS client,
       ${DURATION} AS duration,
       a.wait_event_type IS NOT DISTINCT FROM 'Lock' AS waiting_for_lock,
       a.state,
       a.query,
       ${DETAILS}
FROM pg_catalog.pg_stat_activity a
WHERE a.backend_type = 'client backend'
  AND a.pid <> pg_catalog.pg_backend_pid()
ORDER BY duration DESC, a.pid`

/** Every lock a backend is waiting for, the longest-running query first. */
export const WAITING_SQL = `
SELECT l.pid,
       a.datname AS database,
       a.usename AS "user",
       ${RELATION} AS relation,
       l.locktype AS type,
       l.mode,
       a.state,
       ${DURATION} AS duration,
       a.query
FROM pg_catalog.pg_locks l
JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted
  AND l.pid <> pg_catalog.pg_backend_pid()
ORDER BY duration DESC, l.pid`

/**
 * The locks by which backends block others: for each waiting lock, the backends that
 * pg_blocking_pids() names (holders of a conflicting lock, or waiters ahead in the queue), and
 * their locks on the very object waited for. Prepared transactions hold locks with no backend
 * (pg_blocking_pids() says 0): they have no row here.
 */
export const BLOCKING_SQL = `
WITH waited AS (
  SELECT w.pid, w.locktype, w.database, w.relation, w.page, w.tuple, w.virtualxid,
         w.transactionid, w.classid, w.objid, w.objsubid
  FROM pg_catalog.pg_locks w
  WHERE NOT w.granted
),
blocking AS (
  SELECT DISTINCT l.pid, l.locktype, l.mode, l.database, l.relation
  FROM waited w
  CROSS JOIN LATERAL pg_catalog.unnest(pg_catalog.pg_blocking_pids(w.pid)) AS blocker(pid)
  JOIN pg_catalog.pg_locks l
    ON l.pid = blocker.pid
   AND l.locktype = w.locktype
   AND l.database IS NOT DISTINCT FROM w.database
   AND l.relation IS NOT DISTINCT FROM w.relation
   AND l.page IS NOT DISTINCT FROM w.page
   AND l.tuple IS NOT DISTINCT FROM w.tuple
   AND l.virtualxid IS NOT DISTINCT FROM w.virtualxid
   AND l.transactionid IS NOT DISTINCT FROM w.transactionid
   AND l.classid IS NOT DISTINCT FROM w.classid
   AND l.objid IS NOT DISTINCT FROM w.objid
   AND l.objsubid IS NOT DISTINCT FROM w.objsubid
)
SELECT l.pid,
       a.datname AS database,
       a.usename AS "user",
       ${RELATION} AS relation,
       l.locktype AS type,
       l.mode,
       a.state,
       ${DURATION} AS duration,
       a.query
FROM blocking l
JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.pid <> pg_catalog.pg_backend_pid()
ORDER BY duration DESC, l.pid, l.locktype, l.mode`
