import { useMemo, useState } from 'react'
import type { StatementRow } from '../../../../shared/pg-agent'
import { EmptyRow, SortHeader } from '../../components/DataTable'
import { ConfirmDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { useCan } from '../../stores/session'
import { call } from '../../transport/client'
import { queryPreview } from './activity-filters'
import { formatCount } from './format'
import { QueryDialog } from './QueryText'
import { filterStatements, formatMs, hitRatio, sortStatements, type StatementSortKey } from './statements-model'

const COLUMNS: ReadonlyArray<{ key: StatementSortKey; label: string; numeric: boolean }> = [
  { key: 'query', label: 'Query', numeric: false },
  { key: 'calls', label: 'Calls', numeric: true },
  { key: 'total_time', label: 'Total time', numeric: true },
  { key: 'mean_time', label: 'Mean time', numeric: true },
  { key: 'rows', label: 'Rows', numeric: true },
  { key: 'hit_ratio', label: 'Hit ratio', numeric: true }
]

/** pg_stat_statements, sortable and searchable; the whole text with Copy; reset when the role may. */
export function StatementsTab({ instanceId }: { instanceId: number }) {
  const { data: view, error, reload } = useLoad(() => call('pg.statements', { id: instanceId }), [instanceId])
  const reset = useAction()
  const can = useCan()
  const [sort, setSort] = useState<{ key: StatementSortKey; descending: boolean }>({ key: 'total_time', descending: true })
  const [search, setSearch] = useState('')
  const [shown, setShown] = useState<StatementRow | null>(null)
  const [resetting, setResetting] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)

  const rows = useMemo(() => sortStatements(filterStatements(view?.data ?? [], search), sort.key, sort.descending), [view, search, sort])
  const sortBy = (key: StatementSortKey): void => setSort((current) => ({ key, descending: current.key === key ? !current.descending : key !== 'query' }))

  return (
    <div className="pg-statements">
      <div className="toolbar">
        <input type="search" aria-label="Search statements" placeholder="Query, role or database" value={search} onChange={(event) => setSearch(event.target.value)} />
        <button type="button" onClick={reload}>
          Refresh
        </button>
        {!can('pg.statements.reset') ? null : view?.may_reset ? (
          <button type="button" className="danger-text" onClick={() => setResetting(true)}>
            Reset statistics…
          </button>
        ) : view ? (
          <span className="hint">Resetting needs a superuser or EXECUTE on pg_stat_statements_reset().</span>
        ) : null}
        {view ? (
          <span className="hint">
            {rows.length} of {view.data.length} statements · snapshot {view.snapshot_datetime}
          </span>
        ) : null}
      </div>
      <Notices notice={notice} onDismiss={() => setNotice(null)} error={reset.error ?? error} />
      {view ? (
        <div className="table-wrap">
          <table className="data-table statements-table" aria-label="Statements">
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <SortHeader
                    key={column.key}
                    label={column.label}
                    className={column.numeric ? 'numeric' : undefined}
                    descending={sort.key === column.key ? sort.descending : null}
                    onSort={() => sortBy(column.key)}
                  />
                ))}
                <th>Role · database</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => {
                const ratio = hitRatio(row)
                return (
                  <tr key={`${row.queryid ?? 'hidden'}-${row.userid}-${row.dbid}-${index}`}>
                    <td className="query-cell">
                      <button type="button" className="query-button mono" onClick={() => setShown(row)} aria-label={`Show the statement ${queryPreview(row.query, 40)}`}>
                        {queryPreview(row.query, 110)}
                      </button>
                    </td>
                    <td className="numeric">{formatCount(row.calls)}</td>
                    <td className="numeric">{formatMs(row.total_time)}</td>
                    <td className="numeric">{formatMs(row.mean_time)}</td>
                    <td className="numeric">{formatCount(row.rows)}</td>
                    <td className="numeric">{ratio === null ? '—' : `${ratio.toFixed(1)}%`}</td>
                    <td className="cell-secondary">
                      {row.rolname} · {row.datname}
                    </td>
                  </tr>
                )
              })}
              {rows.length === 0 ? (
                <EmptyRow colSpan={7}>
                  {view.data.length === 0 ? 'No statement recorded since the last reset.' : 'No statement matches.'}
                </EmptyRow>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
      {shown ? (
        <QueryDialog
          title="Statement"
          query={shown.query}
          facts={[
            ['Role · database', `${shown.rolname} · ${shown.datname}`],
            ['Calls', formatCount(shown.calls)],
            ['Total · mean · max', `${formatMs(shown.total_time)} · ${formatMs(shown.mean_time)} · ${formatMs(shown.max_time)}`],
            ['Rows', formatCount(shown.rows)],
            ['Blocks hit · read · temp written', `${formatCount(shown.shared_blks_hit)} · ${formatCount(shown.shared_blks_read)} · ${formatCount(shown.temp_blks_written)}`]
          ]}
          onClose={() => setShown(null)}
        />
      ) : null}
      {resetting ? (
        <ConfirmDialog
          title="Reset pg_stat_statements?"
          message={<p>The statistics of every statement, of every role and database, are forgotten (pg_stat_statements_reset()). They start again from zero.</p>}
          confirmLabel="Reset"
          danger
          onConfirm={async () => {
            const answer = await reset.run(() => call('pg.statements.reset', { id: instanceId }))
            if (!answer.ok) return
            setNotice('Statement statistics reset.')
            reload()
          }}
          onClose={() => setResetting(false)}
        />
      ) : null}
    </div>
  )
}
