import { useEffect, useMemo, useState } from 'react'
import type { ActivityDetailRow, LockRow } from '../../../../shared/pg-agent'
import { BulkBar } from '../../components/BulkBar'
import { EmptyRow } from '../../components/DataTable'
import { ConfirmDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { usePgActivity, type ActivityView, type BackendAction } from '../../stores/postgres-activity'
import { useCan } from '../../stores/session'
import { distinct, filterActivity, filtering, formatDuration, queryPreview, queryStartOf } from './activity-filters'
import { localTime } from './format'
import { LockTree } from './LockTree'
import { QueryDialog } from './QueryText'

/** What the confirmation and the results name a backend by. */
interface BackendFacts {
  pid: number
  user: string | null
  database: string | null
  application: string | null
  queryStart: number | null
  query: string | null
}

const ACTION_WORDS: Record<BackendAction, { title: string; button: string; done: string; explain: string }> = {
  cancel: {
    title: 'Cancel the query',
    button: 'Cancel query',
    done: 'cancelled',
    explain: 'Each backend’s running query stops (pg_cancel_backend); its session stays connected, and an open transaction is rolled back to its start.'
  },
  kill: {
    title: 'Terminate',
    button: 'Terminate',
    done: 'terminated',
    explain: 'Each backend’s session ends (pg_terminate_backend): its transaction is rolled back and its client is disconnected.'
  }
}

/** A backend's query, cut short: a button that opens the whole text. */
function QueryCell({ pid, query, onShow }: { pid: number; query: string | null; onShow: () => void }) {
  return (
    <td className="query-cell">
      {query ? (
        <button type="button" className="query-button mono" onClick={onShow} aria-label={`Show the query of PID ${pid}`}>
          {queryPreview(query)}
        </button>
      ) : (
        '—'
      )}
    </td>
  )
}

function LockTable({ rows, selected, onToggle, onShow, label }: { rows: LockRow[]; selected: ReadonlySet<number>; onToggle: (pid: number) => void; onShow: (row: LockRow) => void; label: string }) {
  return (
    <div className="table-wrap">
      <table className="data-table pg-locks" aria-label={label}>
        <thead>
          <tr>
            <th className="col-check">
              <span className="visually-hidden">Select</span>
            </th>
            <th className="numeric">PID</th>
            <th>Database</th>
            <th>User</th>
            <th>Relation</th>
            <th>Lock</th>
            <th>Mode</th>
            <th>State</th>
            <th className="numeric">Duration</th>
            <th>Query</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={`${row.pid}-${row.type}-${row.mode}-${index}`} data-pid={row.pid}>
              <td className="col-check">
                <input type="checkbox" aria-label={`Select PID ${row.pid}`} checked={selected.has(row.pid)} onChange={() => onToggle(row.pid)} />
              </td>
              <td className="numeric mono">{row.pid}</td>
              <td>{row.database ?? '—'}</td>
              <td>{row.user ?? '—'}</td>
              <td className="mono">{row.relation.trim() || '—'}</td>
              <td>{row.type}</td>
              <td>{row.mode}</td>
              <td>{row.state ?? '—'}</td>
              <td className="numeric">{formatDuration(row.duration)}</td>
              <QueryCell pid={row.pid} query={row.query} onShow={() => onShow(row)} />
            </tr>
          ))}
          {rows.length === 0 ? (
            <EmptyRow colSpan={10}>
              {label === 'Waiting backends' ? 'No backend is waiting for a lock.' : 'No backend is blocking another.'}
            </EmptyRow>
          ) : null}
        </tbody>
      </table>
    </div>
  )
}

/** Live backends, their locks and who blocks whom; cancel or terminate, with a confirmation that names them. */
export function ActivityTab({ instanceId }: { instanceId: number }) {
  const state = usePgActivity()
  const [confirming, setConfirming] = useState<BackendAction | null>(null)
  const [shown, setShown] = useState<BackendFacts | null>(null)
  const can = useCan()
  const canCancel = can('pg.activity.cancel')
  const canKill = can('pg.activity.kill')

  useEffect(() => {
    usePgActivity.getState().open(instanceId)
    return () => usePgActivity.getState().close()
  }, [instanceId])

  const fetchedAt = state.fetchedAt ?? 0
  const visible = useMemo(() => filterActivity(state.rows, state.filters), [state.rows, state.filters])
  const databases = useMemo(() => distinct(state.rows, 'database'), [state.rows])
  const users = useMemo(() => distinct(state.rows, 'user'), [state.rows])
  const states = useMemo(() => distinct(state.rows, 'state'), [state.rows])
  const waitingCount = state.graph?.nodes.filter((node) => node.blocked_by.length > 0).length ?? 0
  const blockingCount = state.graph?.roots.length ?? 0

  /** Every backend the page knows, by pid: from the list, then the lock graph (which may show others). */
  const facts = useMemo(() => {
    const known = new Map<number, BackendFacts>()
    for (const node of state.graph?.nodes ?? []) {
      known.set(node.pid, { pid: node.pid, user: node.user, database: node.database, application: node.application_name, queryStart: node.query_start ? Date.parse(node.query_start) : null, query: node.query })
    }
    for (const row of state.rows) {
      known.set(row.pid, { pid: row.pid, user: row.user, database: row.database, application: row.application_name, queryStart: queryStartOf(row, fetchedAt), query: row.query })
    }
    return known
  }, [state.rows, state.graph, fetchedAt])

  const selected = [...state.selected]
  const allVisibleSelected = visible.length > 0 && visible.every((row) => state.selected.has(row.pid))
  const showRow = (row: ActivityDetailRow | LockRow): void => {
    setShown(facts.get(row.pid) ?? { pid: row.pid, user: row.user, database: row.database, application: null, queryStart: null, query: row.query })
  }
  const views: Array<{ id: ActivityView; label: string }> = [
    { id: 'all', label: `Backends (${state.rows.length})` },
    { id: 'waiting', label: `Waiting (${waitingCount})` },
    { id: 'blocking', label: `Blocking (${blockingCount})` },
    { id: 'locks', label: 'Lock tree' }
  ]

  return (
    <div className="pg-activity">
      <div className="toolbar activity-toolbar">
        <div className="segmented" role="group" aria-label="Activity views">
          {views.map((view) => (
            <button key={view.id} type="button" aria-pressed={state.view === view.id} onClick={() => state.setView(view.id)}>
              {view.label}
            </button>
          ))}
        </div>
        <button type="button" onClick={() => state.setPaused(!state.paused)} aria-pressed={state.paused}>
          {state.paused ? 'Resume' : 'Pause'}
        </button>
        <span className="hint" role="status" aria-live="off">
          {state.paused ? 'Paused' : 'Live, every 2 s'}
          {state.fetchedAt ? ` · read ${new Date(state.fetchedAt).toLocaleTimeString()}` : ''}
        </span>
      </div>

      {state.view === 'all' ? (
        <div className="toolbar" role="search" aria-label="Filter backends">
          <select aria-label="Database filter" value={state.filters.database} onChange={(event) => state.setFilters({ database: event.target.value })}>
            <option value="">Any database</option>
            {databases.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
          <select aria-label="User filter" value={state.filters.user} onChange={(event) => state.setFilters({ user: event.target.value })}>
            <option value="">Any user</option>
            {users.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
          <select aria-label="State filter" value={state.filters.state} onChange={(event) => state.setFilters({ state: event.target.value })}>
            <option value="">Any state</option>
            {states.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
          <label className="inline-field">
            Running over
            <input
              type="number"
              min={0}
              step="any"
              className="narrow"
              aria-label="Minimum duration in seconds"
              value={state.filters.minDuration}
              onChange={(event) => state.setFilters({ minDuration: event.target.value })}
            />
            s
          </label>
          <input type="search" aria-label="Search query, application or client" placeholder="Query, application, client" value={state.filters.text} onChange={(event) => state.setFilters({ text: event.target.value })} />
          {filtering(state.filters) ? (
            <button type="button" className="link-button" onClick={() => state.setFilters({ database: '', user: '', state: '', minDuration: '', text: '' })}>
              Clear filters
            </button>
          ) : null}
        </div>
      ) : null}

      <Notices error={state.error} />

      {selected.length > 0 && (canCancel || canKill) ? (
        <BulkBar label="Actions on the selected backends" onClear={state.clearSelection}>
          <span>
            {selected.length} selected: PID {selected.join(', ')}
          </span>
          {canCancel && (
            <button type="button" onClick={() => setConfirming('cancel')}>
              Cancel query…
            </button>
          )}
          {canKill && (
            <button type="button" className="danger" onClick={() => setConfirming('kill')}>
              Terminate…
            </button>
          )}
        </BulkBar>
      ) : null}

      {state.outcome ? (
        <div className="notice outcome" role="status" aria-label="Result per backend">
          <ul>
            {state.outcome.backends.map((backend) => (
              <li key={backend.pid} className={backend.ok ? 'ok-text' : 'form-error'}>
                PID {backend.pid}: {backend.ok ? ACTION_WORDS[state.outcome!.action].done : `not ${ACTION_WORDS[state.outcome!.action].done} — ${backend.error}`}
              </li>
            ))}
          </ul>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={state.dismissOutcome}>
            ×
          </button>
        </div>
      ) : null}

      {state.view === 'all' ? (
        <div className="table-wrap">
          <table className="data-table pg-backends" aria-label="Backends" aria-busy={state.fetchedAt === null}>
            <thead>
              <tr>
                <th className="col-check">
                  <input type="checkbox" aria-label="Select every backend shown" checked={allVisibleSelected} onChange={() => state.setSelected(allVisibleSelected ? [] : visible.map((row) => row.pid))} />
                </th>
                <th className="numeric">PID</th>
                <th>Database</th>
                <th>User</th>
                <th>Application</th>
                <th>Client</th>
                <th>State</th>
                <th>Wait</th>
                <th className="numeric">Duration</th>
                <th className="numeric">CPU</th>
                <th className="numeric">Mem</th>
                <th>Query</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((row) => (
                <tr key={row.pid} data-pid={row.pid} className={row.wait === 'Y' ? 'row-waiting' : undefined}>
                  <td className="col-check">
                    <input type="checkbox" aria-label={`Select PID ${row.pid}`} checked={state.selected.has(row.pid)} onChange={() => state.toggle(row.pid)} />
                  </td>
                  <td className="numeric mono">{row.pid}</td>
                  <td>{row.database ?? '—'}</td>
                  <td>{row.user ?? '—'}</td>
                  <td>{row.application_name || '—'}</td>
                  <td className="mono">{row.client ?? 'local'}</td>
                  <td>
                    <span className={`pg-state pg-state-${(row.state ?? 'unknown').replace(/[^a-z]+/g, '-')}`}>{row.state ?? '—'}</span>
                  </td>
                  <td>{row.wait === 'Y' ? <span className="tone-warn">{row.wait_event ?? 'lock'}</span> : (row.wait_event ?? '')}</td>
                  <td className="numeric">{formatDuration(row.duration)}</td>
                  <td className="numeric">{row.cpu === null ? '—' : `${row.cpu.toFixed(1)}%`}</td>
                  <td className="numeric">{row.memory === null ? '—' : `${row.memory.toFixed(1)}%`}</td>
                  <QueryCell pid={row.pid} query={row.query} onShow={() => showRow(row)} />
                </tr>
              ))}
              {state.fetchedAt !== null && visible.length === 0 ? (
                <EmptyRow colSpan={12}>
                  {state.rows.length === 0 ? 'No client backend besides Vigil’s own.' : 'No backend matches these filters.'}
                </EmptyRow>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
      {state.view === 'waiting' ? <LockTable rows={state.waiting} selected={state.selected} onToggle={state.toggle} onShow={showRow} label="Waiting backends" /> : null}
      {state.view === 'blocking' ? <LockTable rows={state.blocking} selected={state.selected} onToggle={state.toggle} onShow={showRow} label="Blocking backends" /> : null}
      {state.view === 'locks' ? state.graph ? <LockTree graph={state.graph} selected={state.selected} onToggle={state.toggle} /> : <p className="hint">Reading the locks…</p> : null}

      {shown?.query ? (
        <QueryDialog
          title={`Query of PID ${shown.pid}`}
          query={shown.query}
          facts={[
            ['User', shown.user ?? '—'],
            ['Database', shown.database ?? '—'],
            ['Application', shown.application || '—'],
            ['Query start', localTime(shown.queryStart)]
          ]}
          onClose={() => setShown(null)}
        />
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`${ACTION_WORDS[confirming].title}: ${selected.length} backend${selected.length === 1 ? '' : 's'}?`}
          message={
            <>
              <p>{ACTION_WORDS[confirming].explain}</p>
              <table className="data-table confirm-list">
                <thead>
                  <tr>
                    <th className="numeric">PID</th>
                    <th>User</th>
                    <th>Application</th>
                    <th>Query start</th>
                    <th>Query</th>
                  </tr>
                </thead>
                <tbody>
                  {selected.map((pid) => {
                    const backend = facts.get(pid)
                    return (
                      <tr key={pid}>
                        <td className="numeric mono">{pid}</td>
                        <td>{backend?.user ?? '—'}</td>
                        <td>{backend?.application || '—'}</td>
                        <td>{localTime(backend?.queryStart ?? null)}</td>
                        <td className="mono">{queryPreview(backend?.query ?? null, 40) || '—'}</td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </>
          }
          confirmLabel={ACTION_WORDS[confirming].button}
          danger
          wide
          onConfirm={() => state.act(confirming, selected)}
          onClose={() => setConfirming(null)}
        />
      ) : null}
    </div>
  )
}
