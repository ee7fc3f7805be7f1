// The PostgreSQL instance form: what it holds (text as typed), and the create/update inputs it
// sends. Checked with the same TypeBox schemas as the registry (src/shared/postgres-instances.ts)
// and the control configuration's rules (src/shared/postgres-control.ts). Pure, unit-tested.
import { controlConfigIssues, CONTROL_METHODS, type ControlConfig } from '../../../../shared/postgres-control'
import {
  DEFAULT_MAINTENANCE_DB,
  DEFAULT_POSTGRES_PORT,
  PostgresInstanceCreateSchema,
  PostgresInstanceUpdateSchema,
  type PostgresInstance,
  type PostgresInstanceCreate,
  type PostgresInstanceUpdate
} from '../../../../shared/postgres-instances'
import type { ValidationIssue } from '../../../../shared/issues'
import { check } from '../../../../shared/validation'

export type ControlMethodChoice = '' | (typeof CONTROL_METHODS)[number]

export interface InstanceFormValues {
  name: string
  host: string
  port: string
  username: string
  password: string
  clear_password: boolean
  /** A new agent key; blank keeps the stored one. */
  agent_key: string
  clear_agent_key: boolean
  maintenance_db: string
  /** '' for none. */
  server_id: string
  description: string
  is_active: boolean
  control_method: ControlMethodChoice
  pg_ctl: string
  data_dir: string
  log_file: string
  cluster_version: string
  cluster_name: string
  systemd_unit: string
  command: string
  run_as: string
  /** '' for the default (sudo). */
  switch_user: string
}

/** The control fields each method shows (run_as and switch_user are common to all). */
export const CONTROL_FIELDS: Record<Exclude<ControlMethodChoice, ''>, ReadonlyArray<keyof InstanceFormValues>> = {
  pg_ctl: ['pg_ctl', 'data_dir', 'log_file'],
  pg_ctlcluster: ['cluster_version', 'cluster_name'],
  systemd: ['systemd_unit'],
  custom: ['command']
}

const CONTROL_TEXT = ['pg_ctl', 'data_dir', 'log_file', 'cluster_version', 'cluster_name', 'systemd_unit', 'command', 'run_as'] as const

export function emptyInstanceForm(): InstanceFormValues {
  return {
    name: '',
    host: '',
    port: String(DEFAULT_POSTGRES_PORT),
    username: '',
    password: '',
    clear_password: false,
    agent_key: '',
    clear_agent_key: false,
    maintenance_db: DEFAULT_MAINTENANCE_DB,
    server_id: '',
    description: '',
    is_active: true,
    control_method: '',
    pg_ctl: '',
    data_dir: '',
    log_file: '',
    cluster_version: '',
    cluster_name: '',
    systemd_unit: '',
    command: '',
    run_as: '',
    switch_user: ''
  }
}

export function formFromInstance(instance: PostgresInstance): InstanceFormValues {
  const values = emptyInstanceForm()
  values.name = instance.name
  values.host = instance.host
  values.port = String(instance.port)
  values.username = instance.username
  values.maintenance_db = instance.maintenance_db
  values.server_id = instance.server_id ?? ''
  values.description = instance.description ?? ''
  values.is_active = instance.is_active
  const control = instance.control
  if (control) {
    values.control_method = control.method
    for (const field of CONTROL_TEXT) values[field] = control[field] ?? ''
    values.switch_user = control.switch_user ?? ''
  }
  return values
}

/** The control configuration the form describes; null for none. Blank fields are left out. */
export function controlOf(values: InstanceFormValues): ControlConfig | null {
  if (values.control_method === '') return null
  const control: Record<string, string> = { method: values.control_method }
  const shown = new Set<string>([...CONTROL_FIELDS[values.control_method], 'run_as'])
  for (const field of CONTROL_TEXT) {
    const value = values[field].trim()
    if (shown.has(field) && value !== '') control[field] = value
  }
  if (values.switch_user !== '' && values.run_as.trim() !== '') control.switch_user = values.switch_user
  return control as unknown as ControlConfig
}

/** A port as a number when it is one; otherwise the text, so validation names the field. */
function portOf(text: string): number | string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed
}

export function toCreateInput(values: InstanceFormValues): PostgresInstanceCreate {
  const input: Record<string, unknown> = {
    name: values.name.trim(),
    host: values.host.trim(),
    username: values.username.trim(),
    is_active: values.is_active
  }
  const port = portOf(values.port)
  if (port !== undefined) input.port = port
  if (values.password) input.password = values.password
  if (values.agent_key) input.agent_key = values.agent_key
  if (values.maintenance_db.trim()) input.maintenance_db = values.maintenance_db.trim()
  if (values.server_id) input.server_id = values.server_id
  if (values.description.trim()) input.description = values.description.trim()
  const control = controlOf(values)
  if (control) input.control = control
  return input as PostgresInstanceCreate
}

/** Only what changed. A blank password keeps the stored one; the clear box sends "". */
export function toUpdateInput(values: InstanceFormValues, original: PostgresInstance): PostgresInstanceUpdate {
  const before = formFromInstance(original)
  const changes: Record<string, unknown> = {}
  for (const field of ['name', 'host', 'username', 'maintenance_db'] as const) {
    if (values[field].trim() !== before[field]) changes[field] = values[field].trim()
  }
  if (values.port.trim() !== before.port) changes.port = portOf(values.port) ?? ''
  if (values.description.trim() !== before.description) changes.description = values.description.trim()
  if (values.server_id !== before.server_id) changes.server_id = values.server_id || null
  if (values.is_active !== before.is_active) changes.is_active = values.is_active
  if (values.clear_password) changes.password = ''
  else if (values.password) changes.password = values.password
  if (values.clear_agent_key) changes.agent_key = ''
  else if (values.agent_key) changes.agent_key = values.agent_key
  const control = controlOf(values)
  if (JSON.stringify(control) !== JSON.stringify(controlOf(before))) changes.control = control
  return changes as PostgresInstanceUpdate
}

/** What the core would refuse, field by field, before anything is sent. */
export function formIssues(values: InstanceFormValues, original?: PostgresInstance): ValidationIssue[] {
  const input = original ? toUpdateInput(values, original) : toCreateInput(values)
  const checked = check(original ? PostgresInstanceUpdateSchema : PostgresInstanceCreateSchema, input)
  const issues = checked.ok ? [] : checked.issues
  // What the control's method needs, said along with the rest rather than after it.
  const control = controlOf(values)
  const seen = new Set(issues.map((issue) => issue.field))
  return control ? [...issues, ...controlConfigIssues(control, 'control.').filter((issue) => !seen.has(issue.field))] : issues
}

/** A new agent key: 32 random bytes as hex, as `openssl rand -hex 32` makes them. */
export function generateAgentKey(): string {
  const bytes = new Uint8Array(32)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** "15.8" from "PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu, …". */
export function shortVersion(version: string | null): string | null {
  if (!version) return null
  const match = /PostgreSQL (\d+(?:\.\d+)?)/.exec(version)
  return match?.[1] ?? version.split(' ')[1] ?? version
}
