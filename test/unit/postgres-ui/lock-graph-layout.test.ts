import { describe, expect, it } from 'vitest'
import type { LockGraph, LockGraphNode } from '../../../src/shared/pg-agent'
import { clip, columnsOf, COLUMN_GAP, edgeLabel, formatWait, layoutLockGraph, MARGIN, NODE_HEIGHT, NODE_WIDTH, ROW_GAP } from '../../../src/renderer/src/views/postgres/lock-graph-layout'

const node = (pid: number, blockedBy: number[] = []): LockGraphNode => ({
  pid,
  database: 'db',
  user: 'u',
  state: 'active',
  query: 'q',
  blocked_by: blockedBy,
  application_name: null,
  query_start: null,
  xact_start: null,
  backend_start: null,
  wait_event_type: null,
  wait_event: null
})
const edge = (blocker: number, waiter: number, waiting_seconds: number | null = 3) => ({ blocker, waiter, mode: 'ShareLock', locktype: 'transactionid', relation: null, waiting_seconds })

/** 10 blocks 20 and 30; 20 blocks 40; 30 and 40 both block 50 (a diamond: 50 goes one column past 40). */
const diamond: LockGraph = {
  nodes: [node(10), node(20, [10]), node(30, [10]), node(40, [20]), node(50, [30, 40])],
  edges: [edge(10, 20), edge(10, 30), edge(20, 40), edge(30, 50), edge(40, 50)],
  roots: [10],
  sampled_at: 0
}

describe('lock graph layout', () => {
  it('puts root blockers in the first column and each waiter past its deepest blocker', () => {
    expect(Object.fromEntries(columnsOf(diamond))).toEqual({ 10: 0, 20: 1, 30: 1, 40: 2, 50: 3 })
    const layout = layoutLockGraph(diamond)
    const at = (pid: number) => layout.nodes.find((placed) => placed.node.pid === pid)
    expect(at(10)).toMatchObject({ x: MARGIN, y: MARGIN, column: 0, root: true })
    expect(at(20)).toMatchObject({ x: MARGIN + NODE_WIDTH + COLUMN_GAP, y: MARGIN, root: false })
    expect(at(30)).toMatchObject({ column: 1, y: MARGIN + NODE_HEIGHT + ROW_GAP })
    expect(at(50)?.column).toBe(3)
    expect(layout.width).toBe(MARGIN + 3 * (NODE_WIDTH + COLUMN_GAP) + NODE_WIDTH + MARGIN)
    expect(layout.height).toBe(MARGIN + 2 * NODE_HEIGHT + ROW_GAP + MARGIN)
  })

  it('draws every edge from the blocker’s right side to the waiter’s left side, labelled', () => {
    const layout = layoutLockGraph({ nodes: [node(1), node(2, [1])], edges: [edge(1, 2, 12.4)], roots: [1], sampled_at: 0 })
    const [only] = layout.edges
    const y = MARGIN + NODE_HEIGHT / 2
    expect(only?.path.startsWith(`M ${MARGIN + NODE_WIDTH} ${y} C`)).toBe(true)
    expect(only?.path.endsWith(`${MARGIN + NODE_WIDTH + COLUMN_GAP} ${y}`)).toBe(true)
    expect(only?.label).toBe('ShareLock · 12 s')
  })

  it('orders a column by its blockers’ rows, so edges cross less', () => {
    // 1 and 2 are roots; 3 waits for 2, 4 waits for 1: 4 goes above 3.
    const layout = layoutLockGraph({ nodes: [node(1), node(2), node(3, [2]), node(4, [1])], edges: [edge(2, 3), edge(1, 4)], roots: [1, 2], sampled_at: 0 })
    const rowOf = (pid: number) => layout.nodes.find((placed) => placed.node.pid === pid)?.y
    expect(rowOf(4)).toBeLessThan(rowOf(3) as number)
  })

  it('survives a cycle: depths stop, the backward edge loops below and the drawing grows for it', () => {
    const cycle: LockGraph = { nodes: [node(1, [2]), node(2, [1])], edges: [edge(1, 2), edge(2, 1)], roots: [], sampled_at: 0 }
    const columns = columnsOf(cycle)
    expect(Math.max(...columns.values())).toBeLessThanOrEqual(2)
    const layout = layoutLockGraph(cycle)
    expect(layout.edges).toHaveLength(2)
    expect(layout.height).toBeGreaterThan(MARGIN + NODE_HEIGHT + MARGIN)
  })

  it('writes waits and labels as people read them', () => {
    expect(formatWait(0.04)).toBe('0.0 s')
    expect(formatWait(75)).toBe('1 min 15 s')
    expect(formatWait(7260)).toBe('2 h 1 min')
    expect(edgeLabel(edge(1, 2, null))).toBe('ShareLock')
    expect(clip('abcdef', 4)).toBe('abc…')
    expect(clip('abc', 4)).toBe('abc')
  })
})
