import { useState } from 'react'
import { DEFAULT_MODEL_TIME_LIMIT_SECONDS, MATERIALIZATIONS, MAX_MODEL_TIME_LIMIT_SECONDS, type Materialization, type ModelDetail } from '../../../../shared/models'
import { useAction } from '../../hooks/use-action'
import { useCan } from '../../stores/session'
import { call } from '../../transport/client'

const NEW_MODEL_SQL = 'SELECT server, avg(us) AS cpu_user, max(us) AS cpu_user_max\nFROM vigil.vmstat\nGROUP BY server'

interface Props {
  /** The model edited; null for a new one. */
  model: ModelDetail | null
  running: boolean
  onSaved: (model: ModelDetail) => void
  onDeleted: () => void
  onRun: (name: string, cascade: boolean) => void
}

/** One model's SQL, description and materialization: save, run (with or without its dependants), delete. Keyed by the model's name: another model is a fresh editor. */
export function ModelEditor({ model, running, onSaved, onDeleted, onRun }: Props) {
  const [name, setName] = useState(model?.name ?? '')
  const [description, setDescription] = useState(model?.description ?? '')
  const [materialization, setMaterialization] = useState<Materialization>(model?.materialization ?? 'view')
  const [sql, setSql] = useState(model?.sql ?? NEW_MODEL_SQL)
  const [schedule, setSchedule] = useState(model?.schedule ?? '')
  const savedLimit = String(model?.time_limit_seconds ?? DEFAULT_MODEL_TIME_LIMIT_SECONDS)
  const [timeLimit, setTimeLimit] = useState(savedLimit)
  const [cascade, setCascade] = useState(true)
  const action = useAction()
  const can = useCan()
  const dirty =
    model === null || sql !== model.sql || description !== model.description || materialization !== model.materialization || schedule !== (model.schedule ?? '') || timeLimit !== savedLimit

  const save = async (): Promise<void> => {
    // The limit is sent when changed only: a model left at the default follows it.
    const limit = timeLimit !== savedLimit ? { time_limit_seconds: Number(timeLimit) } : {}
    const answer = await action.run(() => call('models.save', { name: name.trim(), model: { sql, description, materialization, schedule: schedule.trim() || null, ...limit } }))
    if (answer.ok) onSaved(answer.value)
  }
  const remove = async (): Promise<void> => {
    if (!model || !window.confirm(`Delete model ${model.name}, its file and what it built?`)) return
    const answer = await action.run(() => call('models.delete', { name: model.name }))
    if (answer.ok) onDeleted()
  }
  const lastError = model?.last_run?.status === 'error' ? model.last_run : null

  return (
    <form
      className="model-editor"
      aria-label={model ? `Model ${model.name}` : 'New model'}
      onSubmit={(event) => {
        event.preventDefault()
        void save()
      }}
    >
      <div className="model-editor-fields">
        <label className="field">
          <span className="field-label">Name</span>
          <input value={name} onChange={(event) => setName(event.target.value)} readOnly={model !== null} required pattern="[a-z_][a-z0-9_]*" placeholder="cpu_by_server" />
        </label>
        <label className="field">
          <span className="field-label">Materialization</span>
          <select value={materialization} onChange={(event) => setMaterialization(event.target.value as Materialization)}>
            {MATERIALIZATIONS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Schedule</span>
          <input value={schedule} onChange={(event) => setSchedule(event.target.value)} placeholder="none (e.g. 15m, 1h, 1d)" title="Run with its dependants every N minutes, hours or days" />
        </label>
        <label className="field">
          <span className="field-label">Time limit (s)</span>
          <input
            type="number"
            min={1}
            max={MAX_MODEL_TIME_LIMIT_SECONDS}
            required
            value={timeLimit}
            onChange={(event) => setTimeLimit(event.target.value)}
            title="A build that takes longer is stopped and fails"
          />
        </label>
        <label className="field model-description">
          <span className="field-label">Description</span>
          <input value={description} onChange={(event) => setDescription(event.target.value)} />
        </label>
      </div>
      <label className="field">
        <span className="field-label">SQL</span>
        <textarea className="mono model-sql" value={sql} onChange={(event) => setSql(event.target.value)} rows={10} spellCheck={false} aria-label="SQL" />
        <span className="field-hint">
          One SELECT. Other models: <code>{"{{ ref('name') }}"}</code>. Vigil’s store: <code>vigil.servers</code>, <code>vigil.vmstat</code>, <code>vigil.iostat</code>,{' '}
          <code>vigil.netstat</code>, <code>vigil.process</code> (the last 24 h); imported CSV tables: <code>imports.&lt;table&gt;</code>.
        </span>
      </label>
      {action.error ? (
        <p className="form-error" role="alert">
          {action.error}
        </p>
      ) : null}
      {lastError ? (
        <p className="form-error model-run-error" role="status">
          Last run failed: {lastError.error}
        </p>
      ) : null}
      <div className="model-editor-actions">
        {can('models.save') && (
          <button type="submit" className="primary" disabled={action.pending || !dirty}>
            Save
          </button>
        )}
        {model ? (
          <>
            {can('models.run') && (
              <>
                <button type="button" onClick={() => onRun(model.name, cascade)} disabled={running || dirty} title={dirty ? 'Save first' : undefined}>
                  Run
                </button>
                <label className="checkbox">
                  <input type="checkbox" checked={cascade} onChange={(event) => setCascade(event.target.checked)} /> with dependants (cascade)
                </label>
              </>
            )}
            {can('models.delete') && (
              <button type="button" className="danger" onClick={() => void remove()} disabled={action.pending}>
                Delete
              </button>
            )}
          </>
        ) : null}
      </div>
    </form>
  )
}
