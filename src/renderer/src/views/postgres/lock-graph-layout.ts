// Where each backend of the lock graph is drawn: a layered layout, left to right, root blockers
// in the first column and each waiter one column right of the furthest blocker it waits for.
// Within a column, nodes follow the average row of their blockers (fewer crossing edges), then
// their pid. Pure: unit-tested in Node, drawn as SVG by LockTree.tsx.
import type { LockGraph, LockGraphEdge, LockGraphNode } from '../../../../shared/pg-agent'

export const NODE_WIDTH = 260
export const NODE_HEIGHT = 84
export const COLUMN_GAP = 190
export const ROW_GAP = 26
export const MARGIN = 16

export interface PlacedNode {
  node: LockGraphNode
  x: number
  y: number
  column: number
  root: boolean
}

export interface PlacedEdge {
  edge: LockGraphEdge
  /** SVG path from the blocker's right side to the waiter's left side. */
  path: string
  label: string
  labelX: number
  labelY: number
}

export interface LockGraphLayout {
  nodes: PlacedNode[]
  edges: PlacedEdge[]
  width: number
  height: number
}

/** A line of a node's box, cut to what fits (SVG text does not wrap or clip). */
export function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}

/** "ShareLock · 12.5 s" */
export function edgeLabel(edge: LockGraphEdge): string {
  const waited = edge.waiting_seconds === null ? '' : ` · ${formatWait(edge.waiting_seconds)}`
  return `${edge.mode}${waited}`
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`
}

/**
 * Each node's column: 0 for nodes nobody blocks, else one more than its deepest blocker. A cycle
 * (a deadlock, until PostgreSQL's detector breaks it) cannot deepen forever: depths stop at the
 * number of nodes.
 */
export function columnsOf(graph: Pick<LockGraph, 'nodes' | 'edges'>): Map<number, number> {
  const column = new Map(graph.nodes.map((node) => [node.pid, 0]))
  const limit = graph.nodes.length
  for (let pass = 0; pass < limit; pass++) {
    let changed = false
    for (const edge of graph.edges) {
      const want = Math.min((column.get(edge.blocker) ?? 0) + 1, limit)
      if (want > (column.get(edge.waiter) ?? 0)) {
        column.set(edge.waiter, want)
        changed = true
      }
    }
    if (!changed) break
  }
  return column
}

export function layoutLockGraph(graph: LockGraph): LockGraphLayout {
  const columns = columnsOf(graph)
  const roots = new Set(graph.roots)
  const byColumn = new Map<number, LockGraphNode[]>()
  for (const node of graph.nodes) {
    const column = columns.get(node.pid) ?? 0
    byColumn.set(column, [...(byColumn.get(column) ?? []), node])
  }
  const rowOf = new Map<number, number>()
  const blockersOf = new Map<number, number[]>()
  for (const edge of graph.edges) blockersOf.set(edge.waiter, [...(blockersOf.get(edge.waiter) ?? []), edge.blocker])
  const placed = new Map<number, PlacedNode>()
  const columnIndexes = [...byColumn.keys()].sort((a, b) => a - b)
  for (const column of columnIndexes) {
    const members = byColumn.get(column) ?? []
    const weight = (node: LockGraphNode): number => {
      const rows = (blockersOf.get(node.pid) ?? []).map((pid) => rowOf.get(pid)).filter((row): row is number => row !== undefined)
      return rows.length === 0 ? Number.POSITIVE_INFINITY : rows.reduce((sum, row) => sum + row, 0) / rows.length
    }
    const ordered = [...members].sort((a, b) => {
      const rootOrder = Number(roots.has(b.pid)) - Number(roots.has(a.pid))
      if (column === 0 && rootOrder !== 0) return rootOrder
      const byWeight = weight(a) - weight(b)
      return Number.isNaN(byWeight) || byWeight === 0 ? a.pid - b.pid : byWeight
    })
    ordered.forEach((node, row) => {
      rowOf.set(node.pid, row)
      placed.set(node.pid, {
        node,
        x: MARGIN + column * (NODE_WIDTH + COLUMN_GAP),
        y: MARGIN + row * (NODE_HEIGHT + ROW_GAP),
        column,
        root: roots.has(node.pid)
      })
    })
  }
  const edges: PlacedEdge[] = []
  let loops = false
  for (const edge of graph.edges) {
    const from = placed.get(edge.blocker)
    const to = placed.get(edge.waiter)
    if (!from || !to) continue
    const x1 = from.x + NODE_WIDTH
    const y1 = from.y + NODE_HEIGHT / 2
    const x2 = to.x
    const y2 = to.y + NODE_HEIGHT / 2
    const forward = x2 > x1
    // A waiter in the same or an earlier column (a cycle): the edge loops around below the boxes.
    const dip = forward ? 0 : NODE_HEIGHT * 1.5
    loops ||= !forward
    const path = `M ${x1} ${y1} C ${x1 + COLUMN_GAP / 2} ${y1 + dip}, ${x2 - COLUMN_GAP / 2} ${y2 + dip}, ${x2} ${y2}`
    edges.push({ edge, path, label: edgeLabel(edge), labelX: (x1 + x2) / 2, labelY: (y1 + y2) / 2 + dip * 0.75 - 6 })
  }
  const nodes = [...placed.values()]
  const width = nodes.reduce((most, node) => Math.max(most, node.x + NODE_WIDTH), 0) + MARGIN
  const height = nodes.reduce((most, node) => Math.max(most, node.y + NODE_HEIGHT), 0) + MARGIN + (loops ? NODE_HEIGHT * 1.5 : 0)
  return { nodes, edges, width, height }
}
