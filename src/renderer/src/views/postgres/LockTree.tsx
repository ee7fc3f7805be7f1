import { useMemo, type KeyboardEvent } from 'react'
import type { LockGraph } from '../../../../shared/pg-agent'
import { queryPreview } from './activity-filters'
import { clip, formatWait, layoutLockGraph, NODE_HEIGHT, NODE_WIDTH } from './lock-graph-layout'

interface Props {
  graph: LockGraph
  selected: ReadonlySet<number>
  onToggle: (pid: number) => void
}

/**
 * The lock graph as a drawing: a box per backend, an arrow from each blocker to each backend
 * waiting for it, labelled with the lock mode asked for and how long it has waited. Root blockers
 * (they wait on nobody) are first and marked. A box is a checkbox: Space or Enter (or a click)
 * selects the backend for Cancel or Terminate.
 */
export function LockTree({ graph, selected, onToggle }: Props) {
  const layout = useMemo(() => layoutLockGraph(graph), [graph])
  if (graph.nodes.length === 0) {
    return (
      <p className="empty-state lock-empty" role="status">
        No backend is waiting for a lock.
      </p>
    )
  }
  const onKey = (event: KeyboardEvent<SVGGElement>, pid: number): void => {
    if (event.key === ' ' || event.key === 'Enter') {
      event.preventDefault()
      onToggle(pid)
    }
  }
  const rootCount = graph.roots.length
  return (
    <div className="lock-tree">
      <p className="hint">
        {graph.edges.length} wait{graph.edges.length === 1 ? '' : 's'} · {rootCount} root blocker{rootCount === 1 ? '' : 's'}: ending a root blocker&apos;s
        transaction lets the backends to its right move. Select boxes to cancel or terminate them.
      </p>
      <div className="lock-canvas">
        <svg width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label="Lock tree">
          <defs>
            <clipPath id="lock-node-clip">
              <rect x={4} y={0} width={NODE_WIDTH - 10} height={NODE_HEIGHT} />
            </clipPath>
            <marker id="lock-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="lock-arrow" />
            </marker>
          </defs>
          {layout.edges.map((placed) => (
            <g key={`${placed.edge.blocker}-${placed.edge.waiter}`} className="lock-edge" data-blocker={placed.edge.blocker} data-waiter={placed.edge.waiter}>
              <title>
                {`${placed.edge.waiter} waits for ${placed.edge.blocker}: ${placed.edge.mode} on ${placed.edge.relation ?? placed.edge.locktype}`}
              </title>
              <path d={placed.path} markerEnd="url(#lock-arrow)" />
              <text x={placed.labelX} y={placed.labelY} textAnchor="middle" className="lock-edge-label">
                {placed.label}
              </text>
              <text x={placed.labelX} y={placed.labelY + 24} textAnchor="middle" className="lock-edge-relation">
                {placed.edge.relation ?? placed.edge.locktype}
              </text>
            </g>
          ))}
          {layout.nodes.map(({ node, x, y, root }) => {
            const isSelected = selected.has(node.pid)
            const who = [node.user, node.database].filter(Boolean).join('@')
            const xactStart = node.xact_start ? Date.parse(node.xact_start) : Number.NaN
            const inTransaction = Number.isFinite(xactStart) ? ` · transaction open ${formatWait(Math.max(0, (graph.sampled_at - xactStart) / 1000))}` : ''
            return (
              <g
                key={node.pid}
                transform={`translate(${x} ${y})`}
                className={['lock-node', root ? 'lock-root' : '', isSelected ? 'lock-selected' : ''].filter(Boolean).join(' ')}
                data-pid={node.pid}
                data-root={root ? 'true' : undefined}
                role="checkbox"
                aria-checked={isSelected}
                aria-label={`PID ${node.pid}${root ? ', root blocker' : ''}${who ? `, ${who}` : ''}`}
                tabIndex={0}
                onClick={() => onToggle(node.pid)}
                onKeyDown={(event) => onKey(event, node.pid)}
              >
                <title>{node.query ?? ''}</title>
                <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={8} />
                <text x={10} y={19} className="lock-node-title">
                  PID {node.pid}
                  {root ? ' · root blocker' : ''}
                </text>
                <g clipPath="url(#lock-node-clip)">
                  <text x={10} y={37} className="lock-node-line">
                    {clip([who || null, node.application_name || null].filter(Boolean).join(' · ') || '—', 38)}
                  </text>
                  <text x={10} y={55} className="lock-node-line">
                    {clip((node.state ?? 'state unknown') + inTransaction, 38)}
                  </text>
                  <text x={10} y={73} className="lock-node-line lock-node-query">
                    {queryPreview(node.query, 36)}
                  </text>
                </g>
              </g>
            )
          })}
        </svg>
      </div>
    </div>
  )
}
