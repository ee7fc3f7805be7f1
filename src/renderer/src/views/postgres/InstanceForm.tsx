import { useEffect } from 'react'
import { CONTROL_METHODS, SWITCH_USER_WAYS } from '../../../../shared/postgres-control'
import type { PostgresInstance } from '../../../../shared/postgres-instances'
import { Dialog } from '../../components/Dialog'
import { controlsOf, FormErrors, FormFooter } from '../../forms/FormField'
import { useForm } from '../../forms/use-form'
import { usePostgres } from '../../stores/postgres'
import { useCan } from '../../stores/session'
import {
  CONTROL_FIELDS,
  emptyInstanceForm,
  formFromInstance,
  formIssues,
  generateAgentKey,
  toCreateInput,
  toUpdateInput,
  type ControlMethodChoice,
  type InstanceFormValues
} from './instance-form-model'

interface Props {
  instance?: PostgresInstance
  onClose: () => void
}

const CONTROL_LABELS: Record<string, { label: string; placeholder?: string }> = {
  pg_ctl: { label: 'pg_ctl program', placeholder: '/usr/lib/postgresql/16/bin/pg_ctl (blank: on PATH)' },
  data_dir: { label: 'Data directory *', placeholder: '/var/lib/postgresql/16/main' },
  log_file: { label: 'Server log file *', placeholder: '/var/log/postgresql/postgresql-16-main.log' },
  cluster_version: { label: 'Cluster version *', placeholder: '16' },
  cluster_name: { label: 'Cluster name *', placeholder: 'main' },
  systemd_unit: { label: 'systemd unit *', placeholder: 'postgresql@16-main.service' },
  command: { label: 'Command *', placeholder: '/usr/local/bin/pgctl.sh {action}' }
}

const FORM_FIELDS = new Set(Object.keys(emptyInstanceForm()))

/** Form fields are named as the API's; the control's as `control.<field>`. Any other is said above the form. */
function fieldOf(field: string): string | null {
  const control = field.startsWith('control.') ? field.slice('control.'.length) : null
  const key = control === 'method' ? 'control_method' : (control ?? field)
  return FORM_FIELDS.has(key) ? key : null
}

/** Add or edit a PostgreSQL instance, checked with the registry's own schemas before it is sent. */
export function InstanceForm({ instance, onClose }: Props) {
  const { create, update, servers } = usePostgres()
  const form = useForm<InstanceFormValues>({
    initial: () => (instance ? formFromInstance(instance) : emptyInstanceForm()),
    validate: (values) => formIssues(values, instance),
    save: async (values) => {
      if (instance) await update(instance.id, toUpdateInput(values, instance))
      else await create(toCreateInput(values))
      onClose()
    },
    fieldOf
  })
  const { values, set } = form
  const { field, text, checkbox, secret } = controlsOf(form)

  // Without servers:read the register cannot be listed: the instance keeps its link, no new one can be chosen.
  const mayListServers = useCan()('servers.list')
  useEffect(() => {
    if (mayListServers) void usePostgres.getState().loadServers()
  }, [mayListServers])

  const method = values.control_method

  return (
    <Dialog title={instance ? `Edit ${instance.name}` : 'Add PostgreSQL instance'} onClose={onClose} wide>
      <form className="dialog-body form-grid" noValidate onSubmit={form.onSubmit}>
        <FormErrors messages={form.formErrors} />
        <fieldset>
          <legend>Instance</legend>
          {field('name', 'Name *', text('name', { autoFocus: true, required: true, placeholder: 'orders-prod' }))}
          {field('host', 'Host *', text('host', { required: true, placeholder: 'db-01.example.com' }))}
          {field('port', 'Port', text('port', { inputMode: 'numeric' }))}
          {field('maintenance_db', 'Maintenance database', text('maintenance_db'))}
          {checkbox('is_active', 'Active (dashboard collected)')}
          {field(
            'description',
            'Description',
            <textarea name="description" rows={2} value={values.description} onChange={(event) => set('description', event.target.value)} />
          )}
        </fieldset>
        <fieldset>
          <legend>Login</legend>
          {field('username', 'Role *', text('username', { required: true, autoComplete: 'off', placeholder: 'vigil_monitor' }))}
          {secret('password', 'Password', {
            stored: Boolean(instance?.password_set),
            hint: 'Stored encrypted; never shown again. pg_monitor is enough to watch.',
            clear: 'clear_password'
          })}
          {field(
            'server_id',
            'Runs on server',
            <select name="server_id" value={values.server_id} disabled={!mayListServers} onChange={(event) => set('server_id', event.target.value)}>
              <option value="">— not linked —</option>
              {!mayListServers && values.server_id ? <option value={values.server_id}>linked (server {values.server_id.slice(0, 8)}…)</option> : null}
              {servers.map((server) => (
                <option key={server.id} value={server.id}>
                  {server.hostname}
                  {server.alias ? ` (${server.alias})` : ''}
                </option>
              ))}
            </select>,
            mayListServers ? 'Host CPU, memory, per-backend figures and start/stop come from this server.' : 'Linking a server needs read access to Servers: ask an admin.'
          )}
        </fieldset>
        <fieldset>
          <legend>Agent key</legend>
          {field(
            'agent_key',
            'Agent key',
            <div className="input-with-button">
              {text('agent_key', {
                autoComplete: 'off',
                spellCheck: false,
                placeholder: instance?.agent_key_set ? 'set — leave blank to keep' : 'none',
                disabled: values.clear_agent_key
              })}
              <button type="button" onClick={() => set('agent_key', generateAgentKey())} disabled={values.clear_agent_key}>
                Generate
              </button>
            </div>,
            'What scripts and the temboard UI may send instead of a session (?key= or X-TemBoard-Agent-Key) on the agent routes that take one. Stored hashed: copy it before saving.'
          )}
          {instance?.agent_key_set ? checkbox('clear_agent_key', 'Remove the agent key') : null}
        </fieldset>
        <fieldset>
          <legend>Start, stop, restart</legend>
          {field(
            'control_method',
            'Control method',
            <select name="control_method" value={method} onChange={(event) => set('control_method', event.target.value as ControlMethodChoice)}>
              <option value="">— none —</option>
              {CONTROL_METHODS.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>,
            method === '' ? 'Without one, Vigil can reload but not restart the server.' : 'Run on the linked server.'
          )}
          {method !== ''
            ? CONTROL_FIELDS[method].map((name) => (
                <div key={name}>{field(name, CONTROL_LABELS[name]?.label ?? name, text(name, { placeholder: CONTROL_LABELS[name]?.placeholder }))}</div>
              ))
            : null}
          {method !== '' ? field('run_as', 'Run as OS user', text('run_as', { placeholder: 'postgres (blank: the SSH user)' })) : null}
          {method !== '' && values.run_as.trim() !== ''
            ? field(
                'switch_user',
                'Become that user with',
                <select name="switch_user" value={values.switch_user} onChange={(event) => set('switch_user', event.target.value)}>
                  <option value="">sudo -n (default)</option>
                  {SWITCH_USER_WAYS.map((way) => (
                    <option key={way} value={way}>
                      {way}
                    </option>
                  ))}
                </select>
              )
            : null}
        </fieldset>
        <FormFooter onClose={onClose} saving={form.saving} label={instance ? 'Save' : 'Add instance'} savingLabel={instance ? 'Saving…' : 'Adding and testing…'} />
      </form>
    </Dialog>
  )
}
