// The lock graph engine's pure part: edges blocker → waiter, root blockers, node order, and the
// wait-time SQL chosen by server version.
import { describe, expect, it } from 'vitest'
import { buildLockGraph, waitsSql } from '../../src/main/postgres/activity/lock-graph'

const node = (pid: number, extra: Record<string, unknown> = {}) => ({
  pid,
  database: 'shop',
  user: 'app',
  state: 'active',
  query: `query of ${pid}`,
  application_name: `app-${pid}`,
  query_start: null,
  xact_start: null,
  backend_start: null,
  wait_event_type: null,
  wait_event: null,
  ...extra
})
const wait = (pid: number, blockedBy: number[], mode = 'ShareLock') => ({ pid, locktype: 'transactionid', mode, relation: null, waiting_seconds: 1.234, blocked_by: blockedBy })

describe('buildLockGraph', () => {
  it('draws an edge per blocker of each waiter, with the mode asked for and the wait rounded', () => {
    const graph = buildLockGraph([wait(20, [10]), wait(30, [10, 20], 'ExclusiveLock')], [node(10), node(20), node(30)], 5)
    expect(graph.edges).toEqual([
      { blocker: 10, waiter: 20, mode: 'ShareLock', locktype: 'transactionid', relation: null, waiting_seconds: 1.2 },
      { blocker: 10, waiter: 30, mode: 'ExclusiveLock', locktype: 'transactionid', relation: null, waiting_seconds: 1.2 },
      { blocker: 20, waiter: 30, mode: 'ExclusiveLock', locktype: 'transactionid', relation: null, waiting_seconds: 1.2 }
    ])
    expect(graph.roots).toEqual([10])
    expect(graph.nodes.map((n) => [n.pid, n.blocked_by])).toEqual([
      [10, []],
      [20, [10]],
      [30, [10, 20]]
    ])
    expect(graph.sampled_at).toBe(5)
  })

  it('has no root in a cycle (a deadlock not yet broken), and keeps a waiter nobody blocks any more', () => {
    const cycle = buildLockGraph([wait(1, [2]), wait(2, [1])], [node(1), node(2)], 0)
    expect(cycle.roots).toEqual([])
    expect(cycle.edges).toHaveLength(2)
    const lone = buildLockGraph([wait(7, [])], [node(7)], 0)
    expect(lone).toMatchObject({ edges: [], roots: [], nodes: [{ pid: 7, blocked_by: [] }] })
  })

  it('names a prepared transaction (pid 0) and a backend that ended between the two reads', () => {
    const graph = buildLockGraph([wait(5, [0]), wait(6, [99])], [node(5), node(6)], 0)
    expect(graph.roots).toEqual([0, 99])
    expect(graph.nodes.find((n) => n.pid === 0)).toMatchObject({ query: '(prepared transaction)', user: null })
    expect(graph.nodes.find((n) => n.pid === 99)).toMatchObject({ query: null, user: null })
  })

  it('keeps one wait per backend should pg_locks show two', () => {
    const graph = buildLockGraph([wait(20, [10]), wait(20, [11])], [node(10), node(11), node(20)], 0)
    expect(graph.edges.map((e) => e.blocker)).toEqual([10])
  })
})

describe('waitsSql', () => {
  it('counts the wait from pg_locks.waitstart on 14+, from the query start on 13', () => {
    expect(waitsSql(130000)).toContain('clock_timestamp() - a.query_start')
    expect(waitsSql(130000)).not.toContain('waitstart')
    for (const version of [140000, 150018, 180000]) expect(waitsSql(version)).toContain('COALESCE(l.waitstart, a.query_start)')
    expect(waitsSql(150000)).toContain('pg_catalog.pg_blocking_pids(l.pid) AS blocked_by')
    expect(waitsSql(150000)).toMatch(/WHERE NOT l\.granted/)
  })
})
