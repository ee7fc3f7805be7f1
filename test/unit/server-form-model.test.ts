import { describe, expect, it } from 'vitest'
import type { Server } from '../../src/shared/servers'
import { emptyForm, formFromServer, toCreateInput, toUpdateInput } from '../../src/renderer/src/views/servers/server-form-model'

const server: Server = {
  id: '550e8400-e29b-41d4-a716-446655440000',
  hostname: 'web-01',
  ip_address: '192.0.2.1',
  alias: null,
  os_type: 'linux',
  os_version: null,
  architecture: null,
  ssh_port: 22,
  ssh_username: 'admin',
  ssh_key_path: null,
  ssh_password_set: true,
  ssh_key_passphrase_set: false,
  status: 'active',
  monitoring_enabled: true,
  monitoring_interval: 60,
  description: null,
  location: null,
  environment: 'production',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  last_seen: null,
  collector: 'ssh',
  collection_state: 'idle',
  collection_error: null,
  collection_state_since: null
}

describe('server form model', () => {
  it('sends only what the user filled in on create, with integers typed', () => {
    const values = { ...emptyForm(), hostname: ' web-02 ', ip_address: '192.0.2.2', ssh_username: 'u', ssh_port: '2222' }
    expect(toCreateInput(values)).toEqual({
      hostname: 'web-02',
      ip_address: '192.0.2.2',
      ssh_username: 'u',
      ssh_port: 2222,
      os_type: 'linux',
      status: 'active',
      monitoring_enabled: true,
      monitoring_interval: 60
    })
  })

  it('keeps non-numeric text so validation can name the field', () => {
    expect(toCreateInput({ ...emptyForm(), ssh_port: '22a' }).ssh_port).toBe('22a')
  })

  it('sends only the changed fields on update, and keeps a stored password unless told', () => {
    const values = { ...formFromServer(server), alias: 'Web', environment: '' }
    expect(toUpdateInput(values, server)).toEqual({ alias: 'Web', environment: '' })
    expect(toUpdateInput({ ...values, clear_ssh_password: true }, server)).toMatchObject({ ssh_password: '' })
    expect(toUpdateInput({ ...formFromServer(server), ssh_password: 'new' }, server)).toEqual({ ssh_password: 'new' })
    expect(toUpdateInput(formFromServer(server), server)).toEqual({})
  })
})
