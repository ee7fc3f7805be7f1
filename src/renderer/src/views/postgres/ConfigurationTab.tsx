import { useEffect, useMemo, useState } from 'react'
import type { SettingRow } from '../../../../shared/pg-agent'
import type { PostgresInstance } from '../../../../shared/postgres-instances'
import { ActionsHeader } from '../../components/DataTable'
import { ConfirmDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { usePgConfig } from '../../stores/postgres-config'
import { useCan } from '../../stores/session'
import { call } from '../../transport/client'
import { enumChoices, isReadOnly, needsRestart, rangeText, searchSettings, valueProblem } from './settings-model'

interface Pending {
  row: SettingRow
  value: string
  /** Reverting to the value before this window's change. */
  revert: boolean
}

function ValueEditor({ row, value, onChange, invalid }: { row: SettingRow; value: string; onChange: (value: string) => void; invalid: boolean }) {
  const label = `New value of ${row.name}`
  if (row.vartype === 'bool') {
    return (
      <select aria-label={label} value={['on', 'true', 'yes', '1'].includes(value.toLowerCase()) ? 'on' : 'off'} onChange={(event) => onChange(event.target.value)}>
        <option value="on">on</option>
        <option value="off">off</option>
      </select>
    )
  }
  if (row.vartype === 'enum') {
    return (
      <select aria-label={label} value={value} onChange={(event) => onChange(event.target.value)}>
        {enumChoices(row).map((choice) => (
          <option key={choice}>{choice}</option>
        ))}
      </select>
    )
  }
  return <input aria-label={label} className="mono" value={value} aria-invalid={invalid || undefined} onChange={(event) => onChange(event.target.value)} autoFocus />
}

/** Settings by category, searchable; edit with the core's own checks, ALTER SYSTEM + reload; restart pending; revert. */
export function ConfigurationTab({ instanceId, instance }: { instanceId: number; instance: PostgresInstance | null }) {
  const state = usePgConfig()
  const [search, setSearch] = useState('')
  const [category, setCategory] = useState<string | null>(null)
  const [editing, setEditing] = useState<{ name: string; value: string } | null>(null)
  const [pending, setPending] = useState<Pending | null>(null)
  const [restarting, setRestarting] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const action = useAction()
  const can = useCan()
  const canEdit = can('pg.pgconf.update')

  useEffect(() => {
    void usePgConfig.getState().open(instanceId)
  }, [instanceId])

  const shown = useMemo(() => {
    const found = searchSettings(state.categories, search)
    return search.trim() || category === null ? found : found.filter((group) => group.category === category)
  }, [state.categories, search, category])
  const changes = state.changes[instanceId] ?? {}
  const restartList = state.status?.restart_changes ?? []
  const editedRow = editing ? state.categories.flatMap((group) => group.rows).find((row) => row.name === editing.name) : undefined
  const problem = editing && editedRow ? valueProblem(editedRow, editing.value) : null

  const save = async (): Promise<void> => {
    if (!pending) return
    const answer = await action.run(() => state.save(pending.row.name, pending.value))
    if (!answer.ok) return
    const update = answer.value
    setEditing(null)
    setNotice(`${update.name} is now ${update.setting} (was ${update.previous_setting})${update.restart ? ': the new value applies after a restart' : ', applied by a reload'}.`)
  }
  const restart = async (): Promise<void> => {
    await action.run(async () => {
      await call('pg.control', { id: instanceId, action: 'restart' })
      setNotice('PostgreSQL restarted.')
      await state.reload()
    })
  }

  return (
    <div className="pg-config">
      <div className="toolbar">
        <input type="search" aria-label="Search settings" placeholder="Search name or description (work_mem, vacuum…)" value={search} onChange={(event) => setSearch(event.target.value)} />
        <select aria-label="Category" value={category ?? ''} onChange={(event) => setCategory(event.target.value || null)} disabled={search.trim() !== ''}>
          <option value="">All categories</option>
          {state.categories.map((group) => (
            <option key={group.category} value={group.category}>
              {group.category} ({group.rows.length})
            </option>
          ))}
        </select>
        {state.status?.restart_pending ? (
          <span className="badge badge-maintenance restart-badge" role="status">
            Restart pending: {restartList.length} setting{restartList.length === 1 ? '' : 's'}
          </span>
        ) : (
          <span className="hint">No change waits for a restart.</span>
        )}
      </div>
      {state.status?.restart_pending ? (
        <div className="warning restart-panel" aria-label="Settings waiting for a restart">
          <p>
            These settings changed but the server still runs with their old value:{' '}
            {restartList.map((row, index) => (
              <span key={row.name}>
                {index > 0 ? ', ' : ''}
                <code>{row.name}</code> (running {row.setting_raw})
              </span>
            ))}
            .
          </p>
          {!can('pg.control') ? null : instance?.control ? (
            <button type="button" className="danger" onClick={() => setRestarting(true)}>
              Restart PostgreSQL…
            </button>
          ) : (
            <p className="hint">Set a control method (and a linked server) on the instance to restart it from Vigil.</p>
          )}
        </div>
      ) : null}
      <Notices notice={notice} onDismiss={() => setNotice(null)} error={action.error ?? state.error} />
      {state.loading && state.categories.length === 0 ? <p className="hint">Reading pg_settings…</p> : null}

      {shown.map((group) => (
        <section key={group.category} className="settings-group" aria-label={group.category}>
          <h3>{group.category}</h3>
          <div className="table-wrap">
            <table className="data-table settings-table">
              <thead>
                <tr>
                  <th>Setting</th>
                  <th>Value</th>
                  <th>Allowed</th>
                  <th>Applies</th>
                  <ActionsHeader />
                </tr>
              </thead>
              <tbody>
                {group.rows.map((row) => {
                  const isEditing = editing?.name === row.name
                  const changed = changes[row.name]
                  return (
                    <tr key={row.name} data-setting={row.name}>
                      <td className="setting-name">
                        <div className="cell-primary mono">{row.name}</div>
                        <div className="cell-secondary setting-desc">{row.desc}</div>
                      </td>
                      <td className="setting-value">
                        {isEditing && editing ? (
                          <form
                            className="setting-editor"
                            onSubmit={(event) => {
                              event.preventDefault()
                              if (!problem) setPending({ row, value: editing.value, revert: false })
                            }}
                          >
                            <ValueEditor row={row} value={editing.value} invalid={problem !== null} onChange={(value) => setEditing({ name: row.name, value })} />
                            {row.unit && row.vartype !== 'bool' ? <span className="hint"> base unit {row.unit}</span> : null}
                            {problem ? (
                              <span className="field-error" role="alert">
                                {problem}
                              </span>
                            ) : null}
                            <span className="editor-buttons">
                              <button type="submit" className="primary" disabled={problem !== null || editing.value === row.setting_raw}>
                                Save…
                              </button>
                              <button type="button" onClick={() => setEditing(null)}>
                                Cancel
                              </button>
                            </span>
                          </form>
                        ) : (
                          <>
                            <span className="mono current-value">{row.setting_raw}</span>
                            {row.pending_restart === 't' ? <span className="badge badge-maintenance">restart pending</span> : null}
                            {changed ? <div className="cell-secondary">changed here from {changed.previous_setting}</div> : null}
                          </>
                        )}
                      </td>
                      <td className="cell-secondary">{rangeText(row)}</td>
                      <td>
                        <span className={needsRestart(row) ? 'tone-warn' : undefined}>{row.context}</span>
                      </td>
                      <td className="col-actions">
                        {canEdit && !isReadOnly(row) && !isEditing ? (
                          <button type="button" onClick={() => setEditing({ name: row.name, value: row.setting_raw })} aria-label={`Edit ${row.name}`}>
                            Edit
                          </button>
                        ) : null}
                        {canEdit && changed && !isEditing ? (
                          <button type="button" onClick={() => setPending({ row, value: changed.previous_setting, revert: true })} aria-label={`Revert ${row.name}`}>
                            Revert
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {!state.loading && shown.length === 0 && state.categories.length > 0 ? <p className="empty-state">No setting matches “{search}”.</p> : null}

      {pending ? (
        <ConfirmDialog
          title={`${pending.revert ? 'Revert' : 'Change'} ${pending.row.name}?`}
          message={
            <>
              <p>
                <code>{pending.row.name}</code>: <span className="mono">{pending.row.setting_raw}</span> → <span className="mono">{pending.value}</span>
              </p>
              <p>
                Vigil runs <code>ALTER SYSTEM SET {pending.row.name}</code> (written to postgresql.auto.conf) and reloads the configuration.
                {needsRestart(pending.row) ? ' This setting only takes effect after a restart of PostgreSQL.' : ' New sessions, and running ones at their next statement, use the new value.'}
              </p>
            </>
          }
          confirmLabel={pending.revert ? 'Revert' : 'Apply'}
          danger
          onConfirm={save}
          onClose={() => setPending(null)}
        />
      ) : null}
      {restarting ? (
        <ConfirmDialog
          title={`Restart ${instance?.name ?? 'PostgreSQL'}?`}
          message={
            <p>
              Every session is disconnected and running transactions are rolled back (a fast shutdown), then the server starts again with the pending settings:{' '}
              {restartList.map((row) => row.name).join(', ')}.
            </p>
          }
          confirmLabel="Restart"
          danger
          onConfirm={restart}
          onClose={() => setRestarting(false)}
        />
      ) : null}
    </div>
  )
}
