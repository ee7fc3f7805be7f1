import type { ReactNode } from 'react'

/** The heading of a row-actions column: named for screen readers, blank on screen. */
export function ActionsHeader() {
  return (
    <th scope="col" className="col-actions">
      <span className="visually-hidden">Actions</span>
    </th>
  )
}

/** The row a table shows instead of rows: why it has none. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="empty">
        {children}
      </td>
    </tr>
  )
}

/** A column heading that sorts by its column, and says (aria-sort and an arrow) whether it does. */
export function SortHeader({
  label,
  descending,
  onSort,
  className
}: {
  label: string
  /** null: the table is sorted by another column. */
  descending: boolean | null
  onSort: () => void
  className?: string
}) {
  return (
    <th scope="col" className={className} aria-sort={descending === null ? 'none' : descending ? 'descending' : 'ascending'}>
      <button type="button" className="sort-button" onClick={onSort}>
        {label}
        {descending === null ? '' : descending ? ' ▼' : ' ▲'}
      </button>
    </th>
  )
}
