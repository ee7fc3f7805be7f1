import { useEffect, useState } from 'react'
import { DetailHeader } from '../../components/DetailHeader'
import { Notices } from '../../components/Notices'
import { TabList, tabId, tabPanelId } from '../../components/TabList'
import { useAction } from '../../hooks/use-action'
import { useOracle } from '../../stores/oracle'
import { useOracleTable } from '../../stores/oracle-table'
import { useCan } from '../../stores/session'
import { MonitoringBadge } from './badges'
import { changeSentence, columnLabel, formatAgo, formatInterval, formatTime } from './diff-model'
import { DiffView } from './DiffView'
import { useNow } from './shared'
import { SnapshotTable } from './SnapshotTable'
import { StopWatchingDialog } from './StopWatchingDialog'
import { TableForm } from './TableForm'
import { TasksPanel } from './TasksPanel'
import { Timeline } from './Timeline'

const TABS = [
  { id: 'current', label: 'Current data' },
  { id: 'changes', label: 'Changes' },
  { id: 'tasks', label: 'Tasks' },
  { id: 'config', label: 'Configuration' }
] as const
type TabId = (typeof TABS)[number]['id']

/** One watched table: its rows now, what changed snapshot by snapshot, its runs; live. */
export function TableView({ tableId }: { tableId: number }) {
  const state = useOracleTable()
  const [tab, setTab] = useState<TabId>('current')
  const [editing, setEditing] = useState(false)
  const [removing, setRemoving] = useState(false)
  const action = useAction()
  const can = useCan()
  const now = useNow(5_000)

  useEffect(() => {
    void useOracleTable.getState().open(tableId)
    return () => useOracleTable.getState().close()
  }, [tableId])

  const { table, database, update } = state
  const showSnapshot = (snapshotId: number): void => {
    setTab('changes')
    void state.select(snapshotId)
  }

  return (
    <section className="view oracle table-view" aria-labelledby="table-title">
      <DetailHeader
        back={table ? `#/oracle/databases/${table.database_id}` : '#/oracle'}
        backLabel={table ? table.database_name : 'Databases'}
        titleId="table-title"
        title={table?.full_table_name ?? 'Table'}
        subtitle={
          table ? (
            <span className="subtitle">
              {database?.engine === 'postgresql' ? 'PostgreSQL' : 'Oracle'} {table.database_name} on {table.server_name}
            </span>
          ) : null
        }
      >
        {table ? (
          <div className="header-actions">
            {can('oracle.tables.monitorNow') && (
              <button type="button" className="primary" disabled={state.running} onClick={() => void state.monitorNow()}>
                {state.running ? 'Monitoring…' : 'Monitor now'}
              </button>
            )}
            {can('oracle.tables.update') && (
              <button type="button" onClick={() => setEditing(true)}>
                Configure
              </button>
            )}
            {can('oracle.tables.update') && (
              <button
                type="button"
                onClick={() => void action.run(() => useOracle.getState().updateTable(table.id, { is_active: !table.is_active }).then(() => state.reload()))}
              >
                {table.is_active ? 'Pause' : 'Resume'}
              </button>
            )}
            {can('oracle.tables.remove') && (
              <button type="button" className="danger-text" onClick={() => setRemoving(true)}>
                Remove
              </button>
            )}
          </div>
        ) : null}
      </DetailHeader>

      {table ? (
        <div className="detail-facts table-facts">
          <MonitoringBadge table={table} />
          <span className="hint">
            {table.is_active ? formatInterval(table.polling_interval) : 'paused'} · last snapshot{' '}
            <span title={formatTime(table.last_snapshot_at)}>{formatAgo(table.last_snapshot_at, now)}</span>
            {table.last_record_count !== null ? ` · ${table.last_record_count.toLocaleString()} rows` : ''} · key{' '}
            {table.key_columns.length > 0 ? table.key_columns.map(columnLabel).join(', ') : 'row identity'}
          </span>
        </div>
      ) : null}

      {update ? (
        <p className="notice live-notice" role="status">
          <span>
            <span className="live-dot" aria-hidden="true" />
            Updated {formatTime(update.timestamp)}: new snapshot of {update.recordCount.toLocaleString()} rows — {changeSentence(update.changes).toLowerCase()}.
          </span>
          <span>
            {tab !== 'changes' ? (
              <button type="button" className="link-button" onClick={() => showSnapshot(update.snapshotId)}>
                Show changes
              </button>
            ) : null}
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={state.dismissUpdate}>
              ×
            </button>
          </span>
        </p>
      ) : null}
      {state.error || action.error ? (
        <p className="form-error" role="alert">
          {action.error ?? state.error}{' '}
          {state.gone ? (
            <a href="#/oracle">Back to the databases</a>
          ) : (
            <button type="button" onClick={() => void state.reload()}>
              Retry
            </button>
          )}
        </p>
      ) : null}
      <Notices error={state.runError} />
      {table?.last_error && !state.runError ? (
        <p className="form-error" role="alert">
          The last run failed: {table.last_error}
        </p>
      ) : null}

      {table ? (
        <>
          <TabList
            label="Table views"
            tabs={TABS.map((candidate) => ({
              id: candidate.id,
              label:
                candidate.id === 'changes' && state.history.length > 0 ? (
                  <>
                    {candidate.label}
                    <span className="tab-count">{state.history.length}</span>
                  </>
                ) : (
                  candidate.label
                )
            }))}
            active={tab}
            onSelect={setTab}
          />
          <div role="tabpanel" id={tabPanelId('', tab)} aria-labelledby={tabId('', tab)}>
            {tab === 'current' ? <SnapshotTable current={state.current} table={table} /> : null}
            {tab === 'changes' ? (
              <div className="changes-layout">
                <Timeline history={state.history} selectedId={state.selectedId} onSelect={(id) => void state.select(id)} />
                <DiffView diff={state.diff} loading={state.diffLoading} error={state.diffError} />
              </div>
            ) : null}
            {tab === 'tasks' ? <TasksPanel tasks={state.tasks} onShowSnapshot={showSnapshot} /> : null}
            {tab === 'config' ? (
              <dl className="facts">
                <dt>Columns</dt>
                <dd>{table.columns_to_monitor.length === 0 ? 'all columns' : <span className="mono">{table.columns_to_monitor.join(', ')}</span>}</dd>
                <dt>Key</dt>
                <dd className="mono">{table.key_columns.length > 0 ? table.key_columns.join(', ') : 'row identity (no primary key)'}</dd>
                <dt>WHERE</dt>
                <dd className="mono">{table.where_clause ?? '—'}</dd>
                <dt>ORDER BY</dt>
                <dd className="mono">{table.order_by ?? '— (the key)'}</dd>
                <dt>Schedule</dt>
                <dd>{table.is_active ? formatInterval(table.polling_interval) : `paused (${formatInterval(table.polling_interval)} when resumed)`}</dd>
                <dt>Row limit</dt>
                <dd>{table.max_rows.toLocaleString()}</dd>
                <dt>Skip unchanged</dt>
                <dd>{table.skip_unchanged ? 'yes: a fingerprint query first' : 'no'}</dd>
                <dt>Watched since</dt>
                <dd>{formatTime(table.created_at)}</dd>
                <dt>Changed</dt>
                <dd>{formatTime(table.updated_at)}</dd>
              </dl>
            ) : null}
          </div>
        </>
      ) : state.loading ? (
        <p className="hint">Loading…</p>
      ) : null}

      {editing && table && database ? (
        <TableForm database={database} table={table} onClose={() => setEditing(false)} onSaved={() => void state.reload()} />
      ) : null}
      {removing && table ? (
        <StopWatchingDialog
          table={table}
          onConfirm={() =>
            action.run(async () => {
              await useOracle.getState().removeTable(table.id)
              window.location.hash = `#/oracle/databases/${table.database_id}`
            })
          }
          onClose={() => setRemoving(false)}
        />
      ) : null}
    </section>
  )
}
