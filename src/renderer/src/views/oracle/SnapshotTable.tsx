import { useMemo, useState } from 'react'
import type { CurrentData, OracleTable } from '../../../../shared/oracle'
import { EmptyRow } from '../../components/DataTable'
import { ColumnName } from './badges'
import { cellText, formatDuration, formatTime } from './diff-model'
import { usePage } from './shared'

const PER_PAGE = 100

/** A value cell: NULL drawn apart from the text 'NULL', long text cut with the whole of it in the title. */
export function Value({ value }: { value: unknown }) {
  const { text, isNull } = cellText(value)
  return isNull ? <span className="null-value">NULL</span> : <span title={text.length > 60 ? text : undefined}>{text}</span>
}

/** The latest snapshot's rows, columns in the order they are read, the key marked. */
export function SnapshotTable({ current, table }: { current: CurrentData | null; table: OracleTable }) {
  const [filter, setFilter] = useState('')
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase()
    const all = current?.data ?? []
    if (!needle) return all
    return all.filter((row) => current?.columns.some((column) => cellText(row[column]).text.toLowerCase().includes(needle)))
  }, [current, filter])
  const { visible, pager } = usePage(rows, PER_PAGE, `${current?.snapshot_id ?? 0} ${filter}`)

  if (!current) {
    return <p className="empty-state">No snapshot yet. “Monitor now” takes the first one, or wait for the schedule.</p>
  }
  const keys = new Set(current.key_columns)
  return (
    <div className="snapshot">
      <div className="toolbar snapshot-toolbar">
        <span className="snapshot-summary" data-testid="snapshot-summary">
          <strong>{current.record_count.toLocaleString()}</strong> row{current.record_count === 1 ? '' : 's'} · snapshot #{current.snapshot_id} taken{' '}
          {formatTime(current.timestamp)} in {formatDuration(current.collection_duration)}
        </span>
        <input type="search" aria-label="Filter rows" placeholder="Filter rows" value={filter} onChange={(event) => setFilter(event.target.value)} />
      </div>
      {current.truncated ? (
        <p className="truncated-note" role="note">
          Truncated: more rows match than the limit of {table.max_rows.toLocaleString()}. Only the first {current.record_count.toLocaleString()} (in key
          {table.order_by ? ' and ORDER BY' : ''} order) are kept and compared; raise “At most (rows)” or narrow the WHERE to see them all.
        </p>
      ) : null}
      <div className="table-wrap snapshot-wrap">
        <table className="data-table snapshot-table" aria-label="Current snapshot">
          <thead>
            <tr>
              {current.columns.map((column) => (
                <th key={column} scope="col" title={keys.has(column) ? 'Key column' : undefined}>
                  <ColumnName column={column} isKey={keys.has(column)} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.map((row, index) => (
              // By position: a key need not be unique (a table without a real one).
              <tr key={index}>
                {current.columns.map((column) => (
                  <td key={column} className={typeof row[column] === 'number' ? 'numeric' : undefined}>
                    <Value value={row[column]} />
                  </td>
                ))}
              </tr>
            ))}
            {visible.length === 0 ? (
              <EmptyRow colSpan={current.columns.length || 1}>
                {current.data.length === 0 ? 'The snapshot has no rows.' : 'No row matches the filter.'}
              </EmptyRow>
            ) : null}
          </tbody>
        </table>
      </div>
      {pager}
    </div>
  )
}
