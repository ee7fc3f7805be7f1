import { DB_ENGINES, OracleDatabaseCreateSchema, OracleDatabaseUpdateSchema, type DbEngine, type OracleDatabase } from '../../../../shared/oracle'
import { Dialog } from '../../components/Dialog'
import { fieldsOf, schemaIssues } from '../../forms/form-state'
import { controlsOf, FormErrors, FormFooter } from '../../forms/FormField'
import { useForm } from '../../forms/use-form'
import { useLoad } from '../../hooks/use-load'
import { useCan } from '../../stores/session'
import { useOracle } from '../../stores/oracle'
import { emptyDatabaseForm, formFromDatabase, toDatabaseCreate, toDatabaseUpdate, withEngine, type DatabaseFormValues } from './database-form-model'

const ENGINE_LABELS: Record<DbEngine, string> = { oracle: 'Oracle', postgresql: 'PostgreSQL' }
/** The fields with an input; another field's issue is said above the form. */
const FIELDS = fieldsOf(['name', 'server_id', 'engine', 'host', 'port', 'sid', 'service_name', 'database', 'username', 'password', 'connection_timeout', 'is_active'])

/** Add or edit a monitored database. Checked with the schema the core enforces; the core's verdict wins. */
export function DatabaseForm({ database, onClose }: { database?: OracleDatabase; onClose: () => void }) {
  const { createDatabase, updateDatabase } = useOracle()
  const form = useForm<DatabaseFormValues>({
    initial: () => (database ? formFromDatabase(database) : emptyDatabaseForm()),
    validate: (values) =>
      database ? schemaIssues(OracleDatabaseUpdateSchema, toDatabaseUpdate(values, database)) : schemaIssues(OracleDatabaseCreateSchema, toDatabaseCreate(values)),
    save: async (values) => {
      if (database) await updateDatabase(database.id, toDatabaseUpdate(values, database))
      else await createDatabase(toDatabaseCreate(values))
      onClose()
    },
    fieldOf: FIELDS
  })
  const { values, setValues, errors, set } = form
  const { field, text, checkbox, secret } = controlsOf(form)
  // Without servers:read the register cannot be listed: the database keeps its server, no new one can be chosen.
  const mayListServers = useCan()('servers.list')
  const servers = useLoad(
    async () => {
      const list = await useOracle.getState().loadServers()
      // One server registered: nothing to choose.
      const only = list.length === 1 ? list[0] : undefined
      if (only) setValues((current) => (current.server_id ? current : { ...current, server_id: only.id }))
      return list
    },
    [setValues],
    { lazy: !mayListServers }
  )

  // The core names 'sid' when neither is given and 'service_name' when both are: either shows at the one input.
  const addressError = errors[values.oracle_by] ?? errors[values.oracle_by === 'sid' ? 'service_name' : 'sid']

  return (
    <Dialog title={database ? `Edit ${database.name}` : 'Add database'} onClose={onClose} wide>
      <form className="dialog-body form-grid" noValidate onSubmit={form.onSubmit}>
        <FormErrors messages={servers.error ? [`Could not list the servers: ${servers.error}`, ...form.formErrors] : form.formErrors} />
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
            mayListServers ? (
              <select name="server_id" value={values.server_id} aria-invalid={errors.server_id ? true : undefined} onChange={(event) => set('server_id', event.target.value)}>
                <option value="">{servers.data === null ? 'Loading servers…' : servers.data.length === 0 ? 'No server registered yet' : 'Choose the server it runs on'}</option>
                {(servers.data ?? []).map((server) => (
                  <option key={server.id} value={server.id}>
                    {server.hostname} ({server.ip_address})
                  </option>
                ))}
              </select>
            ) : (
              <select name="server_id" value={values.server_id} disabled>
                <option value={values.server_id}>{database?.server.hostname ?? '—'}</option>
              </select>
            ),
            mayListServers ? 'The host the database runs on, as registered under Servers.' : 'Choosing a server needs read access to Servers: ask an admin.'
          )}
          {checkbox('is_active', 'Take snapshots of its tables')}
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
                          form.clearErrors('sid', 'service_name')
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
          {secret('password', 'Password', {
            stored: Boolean(database?.password_set),
            hint: database?.password_set ? 'Type a new one to change it. Stored encrypted; never shown again.' : 'Stored encrypted; never shown again.',
            clear: 'clear_password'
          })}
          <p className="field-hint">A read-only account is enough: snapshots only SELECT, in a read-only transaction.</p>
        </fieldset>
        <FormFooter onClose={onClose} saving={form.saving} label={database ? 'Save' : 'Add database'} savingLabel={database ? 'Saving…' : 'Adding and testing…'} />
      </form>
    </Dialog>
  )
}
