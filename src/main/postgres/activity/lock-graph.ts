// The lock graph behind the UI's lock tree: for each backend waiting for a lock, who it waits for
// (pg_blocking_pids(): holders of a conflicting lock, and waiters queued ahead of it that want
// one), the mode it asked for, the relation, and how long it has waited. Edges go blocker →
// waiter; the root blockers are the blockers that wait on nobody: ending them (or their
// transaction) lets the tree beneath them move.
//
// How long a backend has waited: pg_locks.waitstart (PostgreSQL 14+; it is null for a moment
// while the wait starts, and for fast-path locks), else the start of its current query, which is
// what PostgreSQL 13 has. A prepared transaction holding a lock shows as pid 0 (no backend).
//
// Privileges: pg_locks and pg_blocking_pids() are open to every role; the details of other roles'
// sessions (query, state) need pg_read_all_stats (pg_monitor), as for the activity list.
import type { LockGraph, LockGraphEdge, LockGraphNode } from '../../../shared/pg-agent'
import { forVersion, type Queryable } from '../queryable'
import { DETAILS, relationOf } from './queries'

export type { LockGraph, LockGraphEdge, LockGraphNode } from '../../../shared/pg-agent'

/** Seconds since the wait (or, on 13, the query) started. */
const WAITED = (since: string): string => `GREATEST(0, EXTRACT(epoch FROM pg_catalog.clock_timestamp() - ${since}))::float8`

/** Every lock a backend waits for, with the pids it waits for, on the server version given. */
export function waitsSql(serverVersionNum: number): string {
  const since = forVersion(serverVersionNum, [
    [130000, 'a.query_start'],
    [140000, 'COALESCE(l.waitstart, a.query_start)']
  ])
  return `
SELECT l.pid,
       l.locktype,
       l.mode,
       ${relationOf('NULL')} AS relation,
       ${WAITED(since)} AS waiting_seconds,
       pg_catalog.pg_blocking_pids(l.pid) AS blocked_by
FROM pg_catalog.pg_locks l
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted
  AND l.pid <> pg_catalog.pg_backend_pid()
ORDER BY l.pid`
}

/** The backends of the graph, by pid. */
export const NODES_SQL = `
SELECT a.pid,
       a.datname AS database,
       a.usename AS "user",
       a.state,
       a.query,
       ${DETAILS}
FROM pg_catalog.pg_stat_activity a
WHERE a.pid = ANY($1::int4[])`

interface WaitRow {
  pid: number
  locktype: string
  mode: string
  relation: string | null
  waiting_seconds: number | null
  blocked_by: number[]
}

type NodeRow = Omit<LockGraphNode, 'blocked_by'>

/** A node for a pid pg_stat_activity no longer (or never) shows: a prepared transaction, or a backend that just ended. */
function bareNode(pid: number): NodeRow {
  return {
    pid,
    database: null,
    user: null,
    state: null,
    query: pid === 0 ? '(prepared transaction)' : null,
    application_name: null,
    query_start: null,
    xact_start: null,
    backend_start: null,
    wait_event_type: null,
    wait_event: null
  }
}

/** Builds the graph from the waits and the backends' rows: pure, for the unit tests. */
export function buildLockGraph(waits: readonly WaitRow[], nodeRows: readonly NodeRow[], sampledAt: number): LockGraph {
  // A backend waits for one lock at a time; keep the first row should the view ever show two.
  const waitOf = new Map<number, WaitRow>()
  for (const wait of waits) if (!waitOf.has(wait.pid)) waitOf.set(wait.pid, wait)
  const edges: LockGraphEdge[] = []
  const blockers = new Set<number>()
  for (const wait of waitOf.values()) {
    for (const blocker of wait.blocked_by) {
      blockers.add(blocker)
      edges.push({
        blocker,
        waiter: wait.pid,
        mode: wait.mode,
        locktype: wait.locktype,
        relation: wait.relation,
        waiting_seconds: wait.waiting_seconds === null ? null : Math.round(wait.waiting_seconds * 10) / 10
      })
    }
  }
  const roots = [...blockers].filter((pid) => (waitOf.get(pid)?.blocked_by.length ?? 0) === 0).sort((a, b) => a - b)
  const rows = new Map(nodeRows.map((row) => [row.pid, row]))
  const pids = [...new Set([...waitOf.keys(), ...blockers])]
  const rootSet = new Set(roots)
  pids.sort((a, b) => Number(rootSet.has(b)) - Number(rootSet.has(a)) || a - b)
  const nodes = pids.map((pid) => ({ ...(rows.get(pid) ?? bareNode(pid)), blocked_by: [...(waitOf.get(pid)?.blocked_by ?? [])] }))
  return { nodes, edges, roots, sampled_at: sampledAt }
}

/** Who blocks whom on the instance now; see the file comment. */
export async function getLockGraph(db: Queryable, serverVersionNum: number, now: () => number = Date.now): Promise<LockGraph> {
  const { rows: waits } = await db.query<WaitRow>(waitsSql(serverVersionNum))
  const pids = [...new Set(waits.flatMap((wait) => [wait.pid, ...wait.blocked_by]))].filter((pid) => pid > 0)
  const nodeRows = pids.length === 0 ? [] : (await db.query<NodeRow>(NODES_SQL, [pids])).rows
  return buildLockGraph(waits, nodeRows, now())
}
