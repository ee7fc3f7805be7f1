// testConnection (POST /api/servers/{id}/test-connection/) against a real sshd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryHostKeyStore, testConnection, type SshConnectionOptions } from '../../src/main/base/ssh'
import { freePort, startSshd, type Sshd } from '../helpers/sshd'

describe('testConnection', () => {
  let sshd: Sshd

  beforeAll(async () => {
    sshd = await startSshd()
  })
  afterAll(async () => {
    await sshd?.stop()
  })

  const options = (extra: Partial<SshConnectionOptions> = {}): SshConnectionOptions => ({
    serverId: 'srv',
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    readyTimeoutMs: 5_000,
    ...extra
  })

  it('runs uname, detects Linux and pins the host key on first use', async () => {
    const store = new MemoryHostKeyStore()
    const first = await testConnection(options({ password: sshd.password }), store)
    expect(first).toMatchObject({ ok: true, os: 'linux', fingerprint: sshd.hostKeyFingerprint, algorithm: 'ssh-ed25519', newlyPinned: true })
    if (!first.ok) throw new Error(first.error)
    expect(first.output).toMatch(/^Linux \S+ /)
    expect(store.get('srv')?.fingerprint).toBe(sshd.hostKeyFingerprint)

    const again = await testConnection(options({ privateKeyPath: sshd.clientKeyPath }), store)
    expect(again).toMatchObject({ ok: true, newlyPinned: false })
  })

  it('answers in plain words when it cannot log in or reach the server', async () => {
    const store = new MemoryHostKeyStore()
    expect(await testConnection(options({ password: 'nope' }), store)).toEqual({
      ok: false,
      state: 'auth_failed',
      error: `Authentication failed for user '${sshd.user}' (tried: password; the server allows: publickey, password)`,
      presentedHostKey: { algorithm: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint }
    })

    const port = await freePort()
    expect(await testConnection(options({ port, password: sshd.password }), store)).toEqual({
      ok: false,
      state: 'unreachable',
      error: `Connection refused by 127.0.0.1:${port}`,
      presentedHostKey: null
    })

    expect(await testConnection(options({ privateKeyPath: '/nonexistent/id_ed25519' }), store)).toMatchObject({
      ok: false,
      state: 'auth_failed',
      error: 'Cannot read private key file /nonexistent/id_ed25519: no such file'
    })
  })

  it('reports a changed host key with the key now presented', async () => {
    const store = new MemoryHostKeyStore()
    store.pin('srv', { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:' + 'B'.repeat(43) })
    const result = await testConnection(options({ privateKeyPath: sshd.clientKeyPath }), store)
    expect(result).toMatchObject({
      ok: false,
      state: 'host_key_mismatch',
      presentedHostKey: { algorithm: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint }
    })
    if (result.ok) throw new Error('expected a mismatch')
    expect(result.error).toContain(`presented ${sshd.hostKeyFingerprint}`)
  })
})
