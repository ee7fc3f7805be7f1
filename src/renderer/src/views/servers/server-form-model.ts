import type { Server, ServerCreate, ServerUpdate } from '../../../../shared/servers'
import { changedFields, filledFields } from '../../forms/form-text'

/** What the form holds: text as typed, so a half-typed port is still shown as typed. */
export interface ServerFormValues {
  hostname: string
  ip_address: string
  alias: string
  os_type: string
  os_version: string
  architecture: string
  ssh_port: string
  ssh_username: string
  ssh_key_path: string
  ssh_password: string
  clear_ssh_password: boolean
  ssh_key_passphrase: string
  status: string
  monitoring_enabled: boolean
  monitoring_interval: string
  environment: string
  location: string
  description: string
}

const TEXT_FIELDS = ['hostname', 'ip_address', 'alias', 'os_type', 'os_version', 'architecture', 'ssh_username', 'ssh_key_path', 'status', 'environment', 'location', 'description'] as const
const INTEGER_FIELDS = ['ssh_port', 'monitoring_interval'] as const

export function emptyForm(): ServerFormValues {
  return {
    hostname: '',
    ip_address: '',
    alias: '',
    os_type: 'linux',
    os_version: '',
    architecture: '',
    ssh_port: '22',
    ssh_username: '',
    ssh_key_path: '',
    ssh_password: '',
    clear_ssh_password: false,
    ssh_key_passphrase: '',
    status: 'active',
    monitoring_enabled: true,
    monitoring_interval: '60',
    environment: '',
    location: '',
    description: ''
  }
}

export function formFromServer(server: Server): ServerFormValues {
  const values = emptyForm()
  for (const field of TEXT_FIELDS) values[field] = (server[field] as string | null) ?? ''
  values.ssh_port = String(server.ssh_port)
  values.monitoring_interval = String(server.monitoring_interval)
  values.monitoring_enabled = server.monitoring_enabled
  return values
}

export function toCreateInput(values: ServerFormValues): ServerCreate {
  const input: Record<string, unknown> = { monitoring_enabled: values.monitoring_enabled, ...filledFields(values, TEXT_FIELDS, INTEGER_FIELDS) }
  if (values.ssh_password) input.ssh_password = values.ssh_password
  if (values.ssh_key_passphrase) input.ssh_key_passphrase = values.ssh_key_passphrase
  return input as ServerCreate
}

/** Only what changed. Blank secrets mean "keep"; the clear box sends an empty password. */
export function toUpdateInput(values: ServerFormValues, original: Server): ServerUpdate {
  const before = formFromServer(original)
  const changes = changedFields(values, before, TEXT_FIELDS, INTEGER_FIELDS)
  if (values.monitoring_enabled !== before.monitoring_enabled) changes.monitoring_enabled = values.monitoring_enabled
  if (values.clear_ssh_password) changes.ssh_password = ''
  else if (values.ssh_password) changes.ssh_password = values.ssh_password
  if (values.ssh_key_passphrase) changes.ssh_key_passphrase = values.ssh_key_passphrase
  return changes as ServerUpdate
}
