import { describe, expect, it } from 'vitest'
import type { PostgresInstance } from '../../../src/shared/postgres-instances'
import { controlOf, emptyInstanceForm, formFromInstance, formIssues, shortVersion, toCreateInput, toUpdateInput } from '../../../src/renderer/src/views/postgres/instance-form-model'

const instance: PostgresInstance = {
  id: 3,
  name: 'orders',
  server: null,
  server_id: null,
  server_name: null,
  host: 'db-01',
  port: 5432,
  username: 'vigil',
  password_set: true,
  agent_key_set: false,
  maintenance_db: 'postgres',
  description: null,
  is_active: true,
  control: { method: 'systemd', systemd_unit: 'postgresql@16-main.service' },
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
  last_check_at: null,
  last_status: null,
  last_error: null,
  server_version: null,
  server_version_num: null,
  in_recovery: null
}

describe('the instance form', () => {
  it('sends what was typed for a new instance, control included, and checks it with the registry’s schema', () => {
    const values = { ...emptyInstanceForm(), name: ' orders ', host: 'db-01', username: 'vigil', password: 'pw', control_method: 'pg_ctl' as const, data_dir: '/var/lib/pg', log_file: '/var/log/pg.log', run_as: 'postgres', switch_user: 'runuser' }
    expect(toCreateInput(values)).toEqual({
      name: 'orders',
      host: 'db-01',
      username: 'vigil',
      is_active: true,
      port: 5432,
      password: 'pw',
      maintenance_db: 'postgres',
      control: { method: 'pg_ctl', data_dir: '/var/lib/pg', log_file: '/var/log/pg.log', run_as: 'postgres', switch_user: 'runuser' }
    })
    expect(formIssues(values)).toEqual([])
  })

  it('names every field at fault, the control’s included, at once', () => {
    const values = { ...emptyInstanceForm(), name: 'x', host: 'not a host!', username: 'vigil', port: '70000', control_method: 'pg_ctl' as const }
    const fields = formIssues(values).map((issue) => issue.field)
    expect(fields).toEqual(expect.arrayContaining(['host', 'port', 'control.data_dir', 'control.log_file']))
    expect(formIssues({ ...emptyInstanceForm(), name: '', host: '', username: '' }).map((issue) => issue.field)).toEqual(expect.arrayContaining(['name', 'host', 'username']))
  })

  it('sends only what changed when editing: a blank password keeps it, the box forgets it, the control as a whole', () => {
    const values = formFromInstance(instance)
    expect(values).toMatchObject({ control_method: 'systemd', systemd_unit: 'postgresql@16-main.service', password: '' })
    expect(toUpdateInput(values, instance)).toEqual({})
    expect(toUpdateInput({ ...values, port: '5433', description: 'primary' }, instance)).toEqual({ port: 5433, description: 'primary' })
    expect(toUpdateInput({ ...values, clear_password: true }, instance)).toEqual({ password: '' })
    expect(toUpdateInput({ ...values, control_method: '' }, instance)).toEqual({ control: null })
    expect(toUpdateInput({ ...values, systemd_unit: 'postgresql.service' }, instance)).toEqual({ control: { method: 'systemd', systemd_unit: 'postgresql.service' } })
  })

  it('leaves out fields of other methods and switch_user without run_as', () => {
    const values = { ...emptyInstanceForm(), control_method: 'custom' as const, command: 'pgctl {action}', data_dir: '/left/over', switch_user: 'su' }
    expect(controlOf(values)).toEqual({ method: 'custom', command: 'pgctl {action}' })
    expect(controlOf(emptyInstanceForm())).toBeNull()
  })

  it('shows the short version', () => {
    expect(shortVersion('PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu')).toBe('15.8')
    expect(shortVersion('PostgreSQL 17beta1 on x86_64')).toBe('17')
    expect(shortVersion(null)).toBeNull()
  })
})
