import { useMemo, useState } from 'react'
import type { SnapshotDiffView } from '../../../../shared/oracle'
import { ColumnName } from './badges'
import { DIFF_KINDS, formatTime, shapeDiff, type DiffCell, type DiffKind } from './diff-model'
import { usePage } from './shared'

const PER_PAGE = 200
const KIND_LABEL: Record<DiffKind, string> = { added: 'Added', removed: 'Removed', changed: 'Changed' }
const KIND_MARK: Record<DiffKind, string> = { added: '+', removed: '−', changed: '~' }

function Cell({ cell }: { cell: DiffCell }) {
  const value = (text: string, isNull: boolean) => (isNull ? <span className="null-value">NULL</span> : text)
  if (!cell.changed || !cell.before) {
    return <td className={cell.isNull ? undefined : 'diff-cell'}>{value(cell.text, cell.isNull)}</td>
  }
  return (
    <td className="diff-cell cell-changed" data-changed="true">
      <del className="before" title="Before">
        <span className="visually-hidden">was </span>
        {value(cell.before.text, cell.before.isNull)}
      </del>
      <span className="arrow" aria-hidden="true">
        {' → '}
      </span>
      <ins className="after" title="Now">
        <span className="visually-hidden">now </span>
        {value(cell.text, cell.isNull)}
      </ins>
    </td>
  )
}

/**
 * A snapshot against its predecessor, as one table ordered by key: added rows green, removed
 * rows red, changed rows with their changed cells marked and the value before shown. Colour is
 * never the only cue: each row says what happened to it.
 */
export function DiffView({ diff, loading, error }: { diff: SnapshotDiffView | null; loading: boolean; error: string | null }) {
  const [show, setShow] = useState<Record<DiffKind, boolean>>({ added: true, removed: true, changed: true })
  const rows = useMemo(() => (diff ? shapeDiff(diff, show) : []), [diff, show])
  const { visible, pager } = usePage(rows, PER_PAGE, `${diff?.snapshot_id ?? 0} ${JSON.stringify(show)}`)

  if (error) {
    return (
      <p className="form-error" role="alert">
        Could not compare this snapshot: {error}
      </p>
    )
  }
  if (!diff) return <p className="hint">{loading ? 'Comparing…' : 'Pick a snapshot to see what changed.'}</p>

  const counts: Record<DiffKind, number> = { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length }
  const keys = new Set(diff.key_columns)
  return (
    <div className="diff" aria-busy={loading} data-snapshot={diff.snapshot_id}>
      <h3 className="diff-title">
        Snapshot #{diff.snapshot_id} · {formatTime(diff.timestamp)}
        <span className="subtitle">{diff.previous_snapshot_id !== null ? `against #${diff.previous_snapshot_id}` : ''}</span>
      </h3>
      {diff.baseline ? (
        <p className="empty-state">
          A baseline: the first snapshot, or the first after the columns, WHERE, ORDER BY or row limit changed. Nothing to compare it with; the next
          snapshot is compared with its {diff.unchanged.toLocaleString()} rows.
        </p>
      ) : (
        <>
          <div className="diff-filters" role="group" aria-label="Show">
            {DIFF_KINDS.map((kind) => (
              <button
                key={kind}
                type="button"
                className={`diff-filter filter-${kind}`}
                aria-pressed={show[kind]}
                disabled={counts[kind] === 0}
                onClick={() => setShow((current) => ({ ...current, [kind]: !current[kind] }))}
              >
                {KIND_MARK[kind]} {counts[kind].toLocaleString()} {KIND_LABEL[kind].toLowerCase()}
              </button>
            ))}
            <span className="hint">{diff.unchanged.toLocaleString()} unchanged</span>
          </div>
          {diff.duplicate_keys > 0 ? (
            <p className="truncated-note" role="note">
              {diff.duplicate_keys} key value{diff.duplicate_keys === 1 ? ' is' : 's are'} on more than one row: those rows are compared whole, as removed and
              added.
            </p>
          ) : null}
          {counts.added + counts.removed + counts.changed === 0 ? (
            <p className="empty-state">No rows changed since the snapshot before.</p>
          ) : (
            <div className="table-wrap">
              <table className="data-table diff-table" aria-label="Changes">
                <thead>
                  <tr>
                    <th scope="col">Change</th>
                    {diff.columns.map((column) => (
                      <th key={column} scope="col">
                        <ColumnName column={column} isKey={keys.has(column)} />
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {visible.map((row) => (
                    <tr key={row.id} className={`diff-${row.kind}`} data-kind={row.kind}>
                      <td className="diff-kind">
                        <span aria-hidden="true">{KIND_MARK[row.kind]} </span>
                        {row.kind}
                      </td>
                      {row.cells.map((cell) => (
                        <Cell key={cell.column} cell={cell} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {pager}
        </>
      )}
    </div>
  )
}
