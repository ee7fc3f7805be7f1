import { useEffect, useState, type ReactNode } from 'react'
import { DB_ENGINES, OracleDatabaseCreateSchema, OracleDatabaseUpdateSchema, type DbEngine, type OracleDatabase } from '../../../../shared/oracle'
import { check } from '../../../../shared/validation'
import { Dialog } from '../../components/Dialog'
import { errorsOf, failureOf, FormField, type FieldErrors } from '../../components/FormField'
import { useOracle, type ServerChoice } from '../../stores/oracle'
import { errorMessage } from '../../transport/client'
import { emptyDatabaseForm, formFromDatabase, toDatabaseCreate, toDatabaseUpdate, withEngine, type DatabaseFormValues } from './database-form-model'


const ENGINE_LABELS: Record<DbEngine, string> = { oracle: 'Oracle', postgresql: 'PostgreSQL' }

/** Add or edit a monitored database. Checked with the schema the core enforces; the core's verdict wins. */
export function DatabaseForm({ database, onClose }: { database?: OracleDatabase; onClose: () => void }) {
  const [values, setValues] = useState<DatabaseFormValues>(() => (database ? formFromDatabase(database) : emptyDatabaseForm()))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [servers, setServers] = useState<ServerChoice[] | null>(null)
  const { createDatabase, updateDatabase } = useOracle()

  useEffect(() => {
    let open = true
    useOracle
      .getState()
      .loadServers()
      .then((list) => {
        if (!open) return
        setServers(list)
        // One server registered: nothing to choose.
        if (list.length === 1 && list[0]) setValues((current) => (current.server_id ? current : { ...current, server_id: list[0]?.id ?? '' }))
      })
      .catch((error: unknown) => open && setFormError(`Could not list the servers: ${errorMessage(error)}`))
    return () => {
      open = false
    }
  }, [])

  const set = <K extends keyof DatabaseFormValues>(field: K, value: DatabaseFormValues[K]): void => {
    setValues((current) => ({ ...current, [field]: value }))
    setErrors((current) => ({ ...current, [field]: undefined }))
  }

  async function submit(): Promise<void> {
    const input = database ? toDatabaseUpdate(values, database) : toDatabaseCreate(values)
    const result = check(database ? OracleDatabaseUpdateSchema : OracleDatabaseCreateSchema, input)
    if (!result.ok) {
      setErrors(errorsOf(result.issues))
      setFormError(null)
      return
    }
    setSaving(true)
    setFormError(null)
    try {
      if (database) await updateDatabase(database.id, toDatabaseUpdate(values, database))
      else await createDatabase(toDatabaseCreate(values))
      onClose()
    } catch (error) {
      const failure = failureOf(error)
      setErrors(failure.errors)
      setFormError(failure.formError)
    } finally {
      setSaving(false)
    }
  }

  const field = (name: string, label: string, control: ReactNode, hint?: string, error = errors[name]) => (
    <FormField label={label} error={error} hint={hint}>
      {control}
    </FormField>
  )
  const text = (name: keyof DatabaseFormValues, extra: Record<string, unknown> = {}) => (
    <input
      name={name}
      value={values[name] as string}
      aria-invalid={errors[name] ? true : undefined}
      onChange={(event) => set(name, event.target.value as never)}
      {...extra}
    />
  )
  // The core names 'sid' when neither is given and 'service_name' when both are: either shows at the one input.
  const addressError = errors[values.oracle_by] ?? errors[values.oracle_by === 'sid' ? 'service_name' : 'sid']
  const otherFieldErrors = Object.entries(errors).filter(
    ([name, message]) => message && !['name', 'server_id', 'engine', 'host', 'port', 'sid', 'service_name', 'database', 'username', 'password', 'connection_timeout', 'is_active'].includes(name)
  )

  return (
    <Dialog title={database ? `Edit ${database.name}` : 'Add database'} onClose={onClose} wide>
      <form
        className="dialog-body form-grid"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          void submit()
        }}
      >
        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        {otherFieldErrors.map(([name, message]) => (
          <p key={name} className="form-error" role="alert">
            {message}
          </p>
        ))}
        <fieldset>
          <legend>Database</legend>
          {field('name', 'Name *', text('name', { autoFocus: true, required: true, placeholder: 'ProductionDB' }))}
          {field(
            'engine',
            'Engine',
            <select name="engine" value={values.engine} disabled={Boolean(database)} onChange={(event) => setValues((current) => withEngine(current, event.target.value as DbEngine))}>
              {DB_ENGINES.map((engine) => (
                <option key={engine} value={engine}>
                  {ENGINE_LABELS[engine]}
                </option>
              ))}
            </select>,
            database ? 'Fixed once registered: its tables were checked against this engine.' : undefined
          )}
          {field(
            'server_id',
            'Server *',
            <select name="server_id" value={values.server_id} aria-invalid={errors.server_id ? true : undefined} onChange={(event) => set('server_id', event.target.value)}>
              <option value="">{servers === null ? 'Loading servers…' : servers.length === 0 ? 'No server registered yet' : 'Choose the server it runs on'}</option>
              {(servers ?? []).map((server) => (
                <option key={server.id} value={server.id}>
                  {server.hostname} ({server.ip_address})
                </option>
              ))}
            </select>,
            'The host the database runs on, as registered under Servers.'
          )}
          <label className="checkbox">
            <input type="checkbox" name="is_active" checked={values.is_active} onChange={(event) => set('is_active', event.target.checked)} />
            Take snapshots of its tables
          </label>
        </fieldset>
        <fieldset>
          <legend>Connection</legend>
          {field('host', 'Host *', text('host', { required: true, placeholder: '192.0.2.200', autoComplete: 'off' }))}
          {field('port', 'Port', text('port', { inputMode: 'numeric' }))}
          {values.engine === 'oracle' ? (
            <>
              <div className="field" role="radiogroup" aria-label="Connect by">
                <span className="field-label">Connect by</span>
                <div className="radio-row">
                  {(['service_name', 'sid'] as const).map((kind) => (
                    <label key={kind} className="checkbox">
                      <input
                        type="radio"
                        name="oracle_by"
                        value={kind}
                        checked={values.oracle_by === kind}
                        onChange={() => {
                          setValues((current) => ({ ...current, oracle_by: kind }))
                          setErrors((current) => ({ ...current, sid: undefined, service_name: undefined }))
                        }}
                      />
                      {kind === 'sid' ? 'SID' : 'Service name'}
                    </label>
                  ))}
                </div>
              </div>
              {values.oracle_by === 'sid'
                ? field('sid', 'SID *', text('sid', { placeholder: 'PROD', autoComplete: 'off' }), undefined, addressError)
                : field('service_name', 'Service name *', text('service_name', { placeholder: 'prod.example.com', autoComplete: 'off' }), undefined, addressError)}
            </>
          ) : (
            field('database', 'Database *', text('database', { placeholder: 'postgres', autoComplete: 'off' }))
          )}
          {field('connection_timeout', 'Connect timeout (seconds)', text('connection_timeout', { inputMode: 'numeric' }))}
        </fieldset>
        <fieldset>
          <legend>Account</legend>
          {field('username', 'User *', text('username', { required: true, autoComplete: 'off', placeholder: 'monitor_user' }))}
          {field(
            'password',
            'Password',
            text('password', {
              type: 'password',
              autoComplete: 'new-password',
              placeholder: database?.password_set ? 'stored — leave blank to keep' : '',
              disabled: values.clear_password
            }),
            database?.password_set ? 'Type a new one to change it. Stored encrypted; never shown again.' : 'Stored encrypted; never shown again.'
          )}
          {database?.password_set ? (
            <label className="checkbox">
              <input type="checkbox" name="clear_password" checked={values.clear_password} onChange={(event) => set('clear_password', event.target.checked)} />
              Forget the stored password
            </label>
          ) : null}
          <p className="field-hint">A read-only account is enough: snapshots only SELECT, in a read-only transaction.</p>
        </fieldset>
        <footer className="dialog-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Saving…' : database ? 'Save' : 'Add database'}
          </button>
        </footer>
      </form>
    </Dialog>
  )
}
