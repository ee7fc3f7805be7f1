import { useMemo } from 'react'
import type { Model, ModelStatus } from '../../../../shared/models'
import { layoutModels, NODE_HEIGHT, NODE_WIDTH } from './model-graph-layout'

export const STATUS_DOT: Record<ModelStatus, string> = { success: 'dot-ok', error: 'dot-bad', running: 'dot-pending', not_run: 'dot-off' }

/** The models' dependency graph: a box per model, an arrow from each ref to the model reading it. A box selects its model. */
export function ModelGraph({ models, selected, onSelect }: { models: Model[]; selected: string | null; onSelect: (name: string) => void }) {
  const layout = useMemo(() => layoutModels(models), [models])
  const byName = useMemo(() => new Map(models.map((model) => [model.name, model])), [models])
  if (models.length === 0) return null
  return (
    <div className="model-graph">
      <svg width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label="Dependency graph">
        <defs>
          <marker id="model-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="model-arrow" />
          </marker>
        </defs>
        {layout.links.map((link) => (
          <path key={`${link.from}-${link.to}`} d={link.path} className="model-link" markerEnd="url(#model-arrow)" data-from={link.from} data-to={link.to} />
        ))}
        {layout.nodes.map((node) => {
          const model = byName.get(node.name) as Model
          return (
            <g
              key={node.name}
              transform={`translate(${node.x} ${node.y})`}
              className={`model-node${selected === node.name ? ' model-selected' : ''}`}
              data-model={node.name}
              role="button"
              tabIndex={0}
              aria-label={`Model ${node.name}, ${model.materialization}, ${model.status.replace('_', ' ')}`}
              onClick={() => onSelect(node.name)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault()
                  onSelect(node.name)
                }
              }}
            >
              <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={6} />
              <circle cx={14} cy={NODE_HEIGHT / 2} r={5} className={`model-status ${STATUS_DOT[model.status]}`} />
              <text x={26} y={17} className="model-name">
                {node.name.length > 20 ? `${node.name.slice(0, 19)}…` : node.name}
              </text>
              <text x={26} y={32} className="model-kind">
                {model.materialization}
                {model.last_run?.rows !== null && model.last_run?.rows !== undefined ? ` · ${model.last_run.rows.toLocaleString()} rows` : ''}
              </text>
            </g>
          )
        })}
      </svg>
    </div>
  )
}
