import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { waitForMetrics, waitForState } from '../helpers/collection'
import { startSshd, type Sshd } from '../helpers/sshd'

let api: TestApi
let sshd: Sshd

beforeAll(async () => {
  sshd = await startSshd()
  api = await startApi({ collect: true })
})
afterAll(async () => {
  await api?.close()
  await sshd?.stop()
})

async function addServer(hostname: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await api.request('POST', '/api/servers/create/', {
    body: { hostname, ip_address: '127.0.0.1', ssh_port: sshd.port, ssh_username: sshd.user, ssh_password: sshd.password, monitoring_interval: 1, ...overrides }
  })
  expect(status).toBe(201)
  return body.server.id
}

describe('collection over SSH from a real sshd', () => {
  it('collects every metric and tests the connection', async () => {
    const id = await addServer('ssh-password')
    const rows = await waitForMetrics(api.app, id, ['vmstat', 'iostat', 'netstat', 'process'])
    expect(rows.get('vmstat')?.[0]).toMatchObject({ us: expect.any(Number), cs: expect.any(Number) })
    expect(await waitForState(api.app, id, 'collecting')).toBeNull()

    const test = await api.request('POST', `/api/servers/${id}/test-connection/`)
    expect(test.status).toBe(200)
    expect(test.body).toMatchObject({ status: 'success', server_id: id, hostname: 'ssh-password' })
    expect(test.body.output).toMatch(/^Linux /)
    expect(test.body.host_key).toMatchObject({ fingerprint: sshd.hostKeyFingerprint })

    const history = await api.request(
      'GET',
      `/api/metrics/historical/?metric=process&server_id=${id}&start=${new Date(Date.now() - 60_000).toISOString()}&end=${new Date().toISOString()}`
    )
    expect(history.body.count).toBeGreaterThan(0)
    await api.request('DELETE', `/api/servers/${id}/`)
  })

  it('collects with a passphrase-protected key', async () => {
    const id = await addServer('ssh-key', { ssh_password: '', ssh_key_path: sshd.passphraseKeyPath, ssh_key_passphrase: sshd.passphrase })
    await waitForMetrics(api.app, id, ['vmstat'])
    await api.request('DELETE', `/api/servers/${id}/`)
  })

  it('shows a wrong password as auth_failed, in the server and in the connection test', async () => {
    const id = await addServer('ssh-wrong-password', { ssh_password: 'not-the-password' })
    const error = await waitForState(api.app, id, 'auth_failed')
    expect(error).toMatch(/Authentication failed for user 'vigil-ssh-test'/)
    const test = await api.request('POST', `/api/servers/${id}/test-connection/`)
    expect(test.status).toBe(400)
    expect(test.body).toMatchObject({ status: 'error', server_id: id, hostname: 'ssh-wrong-password', state: 'auth_failed' })
    expect(test.body.error).toMatch(/Authentication failed/)
    // Fixing the password takes effect at once.
    await api.request('PUT', `/api/servers/${id}/`, { body: { ssh_password: sshd.password } })
    await waitForState(api.app, id, 'collecting')
    await api.request('DELETE', `/api/servers/${id}/`)
  })

  it('refuses a changed host key until the user accepts the one presented', async () => {
    const id = await addServer('ssh-changed-key', { monitoring_enabled: false })
    api.app.db
      .prepare("INSERT INTO host_keys (server_id, algorithm, fingerprint, pinned_at) VALUES (?, 'ssh-ed25519', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 0)")
      .run(id)
    await api.request('PUT', `/api/servers/${id}/`, { body: { monitoring_enabled: true } })
    const error = await waitForState(api.app, id, 'host_key_mismatch')
    expect(error).toContain(sshd.hostKeyFingerprint)

    const key = await api.request('GET', `/api/servers/${id}/host-key/`)
    expect(key.body).toMatchObject({ pinned: { fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, presented: { fingerprint: sshd.hostKeyFingerprint } })
    const wrong = await api.request('POST', `/api/servers/${id}/host-key/accept/`, { body: { fingerprint: 'SHA256:nope' } })
    expect(wrong.status).toBe(400)
    expect(wrong.body.details.fingerprint[0]).toMatch(/^Does not match the presented key SHA256:/)

    const accepted = await api.request('POST', `/api/servers/${id}/host-key/accept/`, { body: { fingerprint: sshd.hostKeyFingerprint } })
    expect(accepted.status).toBe(200)
    expect(accepted.body).toMatchObject({ status: 'accepted', host_key: { fingerprint: sshd.hostKeyFingerprint, algorithm: 'ssh-ed25519' } })
    await waitForState(api.app, id, 'collecting')
    await api.request('DELETE', `/api/servers/${id}/`)
  })

  it('shows the server unreachable when sshd dies, and recovers when it returns', async () => {
    const id = await addServer('ssh-flaky')
    await waitForMetrics(api.app, id, ['vmstat'])
    const down = waitForState(api.app, id, 'unreachable')
    await sshd.kill()
    expect(await down).toMatch(/127\.0\.0\.1/)
    await sshd.restart()
    await waitForState(api.app, id, 'collecting', 90_000)
    await waitForMetrics(api.app, id, ['vmstat', 'process'], undefined, 30_000)
    await api.request('DELETE', `/api/servers/${id}/`)
  }, 120_000)
})
