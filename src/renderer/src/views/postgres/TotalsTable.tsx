import type { ReactNode } from 'react'
import type { RelationTotals } from '../../../../shared/pg-agent'
import { EmptyRow } from '../../components/DataTable'
import { BloatBar } from './BloatBar'
import { formatCount } from './format'

/** A name in the maintenance browser that opens the level below it. */
export function OpenButton({ name, onOpen }: { name: string; onOpen: (name: string) => void }) {
  return (
    <button type="button" className="link-button open-button cell-primary" onClick={() => onOpen(name)}>
      {name}
    </button>
  )
}

const WORDS = {
  database: { heading: 'Database', label: 'Databases' },
  schema: { heading: 'Schema', label: 'Schemas' }
} as const

/** The instance's databases or a database's schemas: the same totals, sizes and bloat, a row each. */
export function TotalsTable({
  of,
  rows,
  onOpen,
  actions,
  empty,
  foot
}: {
  of: keyof typeof WORDS
  rows: ReadonlyArray<RelationTotals & { name: string }>
  onOpen: (name: string) => void
  /** The Maintain column's buttons for a row, when its level can be maintained. */
  actions?: (name: string) => ReactNode
  empty?: string
  foot: string
}) {
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label={WORDS[of].label}>
        <thead>
          <tr>
            <th>{WORDS[of].heading}</th>
            <th className="numeric">Size</th>
            <th className="numeric">Tables</th>
            <th className="numeric">Indexes</th>
            <th>Table bloat</th>
            <th>Index bloat</th>
            {actions ? <th className="col-actions">Maintain</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.name} {...{ [`data-${of}`]: row.name }}>
              <td>
                <OpenButton name={row.name} onOpen={onOpen} />
              </td>
              <td className="numeric">{row.total_size ?? '—'}</td>
              <td className="numeric">{formatCount(row.n_tables)}</td>
              <td className="numeric">{formatCount(row.n_indexes)}</td>
              <td>
                <BloatBar bloat={row.tables_bloat_bytes} total={row.tables_bytes} label="Table bloat" />
              </td>
              <td>
                <BloatBar bloat={row.indexes_bloat_bytes} total={row.indexes_bytes} label="Index bloat" />
              </td>
              {actions ? <td className="col-actions">{actions(row.name)}</td> : null}
            </tr>
          ))}
          {empty && rows.length === 0 ? <EmptyRow colSpan={6}>{empty}</EmptyRow> : null}
        </tbody>
      </table>
      <p className="hint table-foot">{foot}</p>
    </div>
  )
}
