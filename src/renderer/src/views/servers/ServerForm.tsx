import {
  OS_TYPES,
  SERVER_STATUSES,
  ServerCreateSchema,
  ServerUpdateSchema,
  type Server
} from '../../../../shared/servers'
import { Dialog } from '../../components/Dialog'
import { schemaIssues } from '../../forms/form-state'
import { controlsOf, FormErrors, FormFooter } from '../../forms/FormField'
import { useForm } from '../../forms/use-form'
import { useServers } from '../../stores/servers'
import { emptyForm, formFromServer, toCreateInput, toUpdateInput, type ServerFormValues } from './server-form-model'

interface Props {
  server?: Server
  onClose: () => void
}

/** Add or edit a server. Checked with the same schema the core enforces; the core's verdict wins. */
export function ServerForm({ server, onClose }: Props) {
  const { create, update } = useServers()
  const form = useForm<ServerFormValues>({
    initial: () => (server ? formFromServer(server) : emptyForm()),
    validate: (values) => (server ? schemaIssues(ServerUpdateSchema, toUpdateInput(values, server)) : schemaIssues(ServerCreateSchema, toCreateInput(values))),
    save: async (values) => {
      if (server) await update(server.id, toUpdateInput(values, server))
      else await create(toCreateInput(values))
      onClose()
    }
  })
  const { values, set } = form
  const { field, text, checkbox, secret } = controlsOf(form)
  return (
    <Dialog title={server ? `Edit ${server.hostname}` : 'Add server'} onClose={onClose} wide>
      <form className="dialog-body form-grid" noValidate onSubmit={form.onSubmit}>
        <FormErrors messages={form.formErrors} />
        <fieldset>
          <legend>Host</legend>
          {field('hostname', 'Hostname *', text('hostname', { autoFocus: true, required: true }))}
          {field('ip_address', 'IP address *', text('ip_address', { required: true, placeholder: '192.0.2.10' }))}
          {field('alias', 'Alias', text('alias'))}
          {field(
            'os_type',
            'OS',
            <select name="os_type" value={values.os_type} onChange={(event) => set('os_type', event.target.value)}>
              {OS_TYPES.map((os) => (
                <option key={os} value={os}>
                  {os === 'aix' ? 'AIX' : 'Linux'}
                </option>
              ))}
            </select>
          )}
          {field('os_version', 'OS version', text('os_version'))}
          {field('architecture', 'Architecture', text('architecture', { placeholder: 'x86_64' }))}
        </fieldset>
        <fieldset>
          <legend>SSH</legend>
          {field('ssh_username', 'User *', text('ssh_username', { required: true, autoComplete: 'off' }))}
          {field('ssh_port', 'Port', text('ssh_port', { inputMode: 'numeric' }))}
          {field('ssh_key_path', 'Private key file', text('ssh_key_path', { placeholder: '~/.ssh/id_ed25519' }))}
          {secret('ssh_password', 'Password', { stored: Boolean(server?.ssh_password_set), hint: 'Stored encrypted; never shown again.', clear: 'clear_ssh_password' })}
          {secret('ssh_key_passphrase', 'Key passphrase', { stored: Boolean(server?.ssh_key_passphrase_set) })}
        </fieldset>
        <fieldset>
          <legend>Monitoring</legend>
          {field(
            'status',
            'Status',
            <select name="status" value={values.status} onChange={(event) => set('status', event.target.value)}>
              {SERVER_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          )}
          {checkbox('monitoring_enabled', 'Collect metrics')}
          {field('monitoring_interval', 'Interval (seconds)', text('monitoring_interval', { inputMode: 'numeric' }))}
          {field('environment', 'Environment', text('environment', { placeholder: 'production' }))}
          {field('location', 'Location', text('location'))}
          {field(
            'description',
            'Description',
            <textarea
              name="description"
              rows={2}
              value={values.description}
              onChange={(event) => set('description', event.target.value)}
            />
          )}
        </fieldset>
        <FormFooter onClose={onClose} saving={form.saving} label={server ? 'Save' : 'Add server'} />
      </form>
    </Dialog>
  )
}
