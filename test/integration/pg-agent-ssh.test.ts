// The agent API for an instance linked to a server reached over SSH, against a real sshd and a
// real cluster on loopback owned by the SSH test account: start/stop/restart run pg_ctl through
// an SSH login, and the host's side (dashboard, monitoring probes, per-backend /proc figures)
// is read over SSH too. The instance is reached at 127.0.0.1, as is the server: the link, not
// the address, decides where the host's side comes from. Which way each read went shows in
// sshd's log, which lists every login.
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres } from '../helpers/postgres'
import { canRunSshd, startSshd, type Sshd } from '../helpers/sshd'

let sshd: Sshd
let pg: Postgres
let api: TestApi
let serverId: string
let instanceId: number
let control: Record<string, string>

const BOGUS_KEY = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

async function addServer(hostname: string): Promise<string> {
  const { status, body } = await api.request('POST', '/api/servers/create/', {
    body: { hostname, ip_address: '127.0.0.1', ssh_port: sshd.port, ssh_username: sshd.user, ssh_password: sshd.password, monitoring_enabled: false }
  })
  expect(status).toBe(201)
  return body.server.id
}

async function addInstance(name: string, server: string | null): Promise<number> {
  const { status, body } = await api.request('POST', '/api/postgres-instances/', {
    body: { name, host: '127.0.0.1', port: pg.port, username: pg.superuser, password: pg.password, server_id: server, control }
  })
  expect(status, JSON.stringify(body)).toBe(201)
  return body.id
}

const agent = (id: number, method: string, path: string, body?: unknown) => api.request(method, `/pg/${id}${path}`, { body })

/** Logins sshd accepted so far. */
function logins(): number {
  return sshd.log().match(/Accepted (password|publickey) for vigil-ssh-test from 127\.0\.0\.1/g)?.length ?? 0
}

async function postmasterStartedAt(): Promise<number> {
  const { rows } = await pg.query<{ started: string }>('SELECT extract(epoch FROM pg_postmaster_start_time())::text AS started')
  return Number(rows[0]?.started)
}

beforeAll(async () => {
  if (!canRunSshd()) throw new Error('These tests start a throwaway sshd: they need root and OpenSSH’s server (bash scripts/install-test-deps.sh)')
  // The SSH test account must exist before a cluster can belong to it.
  sshd = await startSshd()
  ;[pg, api] = await Promise.all([startPostgres({ osUser: sshd.user }), startApi()])
  control = { method: 'pg_ctl', pg_ctl: pg.ctl.pgCtl, data_dir: pg.ctl.dataDir, log_file: pg.ctl.logFile }
  serverId = await addServer('pg-host')
  instanceId = await addInstance('over-ssh', serverId)
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
  await sshd?.stop()
})

describe('the control configuration of an instance', () => {
  it('is stored and returned with the instance, and checked for what its method needs', async () => {
    expect(pg.ctl.osUser).toBe(sshd.user)
    const got = await api.request('GET', `/api/postgres-instances/${instanceId}/`)
    expect(got.body).toMatchObject({ server_id: serverId, host: '127.0.0.1', control })

    const incomplete = await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { control: { method: 'pg_ctl', data_dir: pg.ctl.dataDir } } })
    expect(incomplete.status).toBe(400)
    expect(Object.keys(incomplete.body.details)).toEqual(['control.log_file'])
    const relative = await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { control: { ...control, data_dir: 'data' } } })
    expect(relative.status).toBe(400)
    expect(relative.body.details['control.data_dir'][0]).toMatch(/absolute path of the data directory/)
    const unknown = await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { control: { ...control, shell: '/bin/bash' } } })
    expect(unknown.status).toBe(400)
    // Nothing was changed by the refused updates.
    expect((await api.request('GET', `/api/postgres-instances/${instanceId}/`)).body.control).toEqual(control)
  })
})

describe('administration over SSH', () => {
  it('restarts the cluster with pg_ctl run through an SSH login', async () => {
    expect((await agent(instanceId, 'GET', '/discover')).status).toBe(200) // a pooled session to the old postmaster
    const before = await postmasterStartedAt()
    const loginsBefore = logins()

    const restarted = await agent(instanceId, 'POST', '/administration/control', { action: 'restart' })
    expect(restarted).toMatchObject({ status: 200, body: { action: 'restart', state: 'ok' } })

    expect(await postmasterStartedAt()).toBeGreaterThan(before)
    // The pool was closed: the next request gets a session of the new postmaster.
    expect((await agent(instanceId, 'GET', '/discover')).body).toMatchObject({ pg_port: pg.port, pg_data: pg.dataDir })
    // The restart's own login (the shared connection /discover reads the host through may log in
    // again if it was idle-closed meanwhile).
    await expect.poll(logins).toBeGreaterThanOrEqual(loginsBefore + 1)
  })

  it('stops, then starts the cluster', async () => {
    expect(await agent(instanceId, 'POST', '/administration/control', { action: 'stop' })).toMatchObject({ status: 200, body: { action: 'stop', state: 'ok' } })
    await expect(pg.query('SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect((await agent(instanceId, 'GET', '/discover')).status).toBe(500)

    expect(await agent(instanceId, 'POST', '/administration/control', { action: 'start' })).toMatchObject({ status: 200, body: { action: 'start', state: 'ok' } })
    expect((await pg.query('SELECT 1 AS up')).rows).toEqual([{ up: 1 }])
    expect((await agent(instanceId, 'GET', '/discover')).status).toBe(200)
  })

  it('keeps every action in the notifications trail', async () => {
    const trail = await agent(instanceId, 'GET', '/notifications')
    expect(trail.body.slice(0, 3).map((entry: { message: string }) => entry.message)).toEqual(['PostgreSQL start', 'PostgreSQL stop', 'PostgreSQL restart'])
    expect(trail.body[0]).toMatchObject({ username: 'api-token' })
  })
})

describe('the host side over SSH', () => {
  it('reads the dashboard, the host probes and per-backend figures over one shared SSH connection', async () => {
    const loginsBefore = logins()
    const dashboard = await agent(instanceId, 'GET', '/dashboard')
    expect(dashboard.status).toBe(200)
    expect(dashboard.body).toMatchObject({ hostname: expect.any(String), n_cpu: expect.any(Number), os_version: expect.stringMatching(/^Linux /) })
    expect(dashboard.body.n_cpu).toBeGreaterThan(0)
    expect((await agent(instanceId, 'GET', '/dashboard/hostname')).body.hostname).toEqual(dashboard.body.hostname)

    const load = await agent(instanceId, 'GET', '/monitoring/probe/loadavg')
    const figure = expect.stringMatching(/^\d+\.\d{2}$/) // as /proc/loadavg writes them, which the agent passes on
    expect(load.body.loadavg).toEqual([expect.objectContaining({ load1: figure, load5: figure, load15: figure })])
    const memory = await agent(instanceId, 'GET', '/monitoring/probe/memory')
    expect(memory.body.memory).toEqual([expect.objectContaining({ mem_total: expect.any(Number) })])
    expect(memory.body.memory[0].mem_total).toBeGreaterThan(0)

    const client = new Client({ ...pg.connectionConfig(), application_name: 'ssh-activity' })
    client.on('error', () => {})
    await client.connect()
    try {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
      const activity = await agent(instanceId, 'GET', '/activity')
      expect(activity.status).toBe(200)
      const row = activity.body.rows.find((candidate: { pid: number }) => candidate.pid === pid)
      expect(row).toMatchObject({ pid, cpu: expect.any(Number), memory: expect.any(Number), iow: 'N' })
      expect(row.memory).toBeGreaterThan(0)
      // The SSH account owns the cluster, so /proc/<pid>/io is readable to it.
      expect(row.read_s).toEqual(expect.any(String))
    } finally {
      await client.end()
    }
    // Every read above went over SSH through one shared login (already open when /discover read the host).
    expect(logins() - loginsBefore).toBeLessThanOrEqual(1)
  })

  it('does not fall back to this machine while the server cannot be reached', async () => {
    const client = new Client({ ...pg.connectionConfig(), application_name: 'ssh-down' })
    client.on('error', () => {})
    await client.connect()
    await sshd.kill()
    try {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
      // The backends are still listed, from PostgreSQL; the host's figures are unknown.
      const activity = await agent(instanceId, 'GET', '/activity')
      expect(activity.status).toBe(200)
      expect(activity.body.rows.find((candidate: { pid: number }) => candidate.pid === pid)).toMatchObject({ pid, cpu: null, memory: null, read_s: null })
      const load = await agent(instanceId, 'GET', '/monitoring/probe/loadavg')
      expect(load.status).toBe(500)
      expect(load.body.error).toMatch(/^Could not read the load average \(\/proc\/loadavg\): .*127\.0\.0\.1:\d+/)
    } finally {
      await sshd.restart()
      await client.end()
    }
  })
})

describe('refusals', () => {
  it('refuses to restart through a server that presents another host key than the pinned one', async () => {
    const rekeyed = await addServer('pg-host-rekeyed')
    api.app.db
      .prepare("INSERT INTO host_keys (server_id, algorithm, fingerprint, pinned_at) VALUES (?, 'ssh-ed25519', ?, 0)")
      .run(rekeyed, BOGUS_KEY)
    const id = await addInstance('over-rekeyed-ssh', rekeyed)
    const before = await postmasterStartedAt()

    const refused = await agent(id, 'POST', '/administration/control', { action: 'restart' })
    expect(refused.status).toBe(500)
    expect(refused.body.error).toContain("Cannot run the command on server 'pg-host-rekeyed': Host key of 127.0.0.1:")
    expect(refused.body.error).toContain(`pinned ${BOGUS_KEY}`)
    expect(refused.body.error).toContain(`presented ${sshd.hostKeyFingerprint}`)

    expect(await postmasterStartedAt()).toBe(before)
    // The pin stays; the presented key is kept for the user to accept or not.
    const key = await api.request('GET', `/api/servers/${rekeyed}/host-key/`)
    expect(key.body).toMatchObject({ pinned: { fingerprint: BOGUS_KEY }, presented: { fingerprint: sshd.hostKeyFingerprint } })
    expect((await agent(id, 'GET', '/notifications')).body).toEqual([])
  })

  it('answers 406 when no server is linked to run the command on', async () => {
    const id = await addInstance('unlinked', null)
    const refused = await agent(id, 'POST', '/administration/control', { action: 'restart' })
    expect(refused.status).toBe(406)
    expect(refused.body.error).toMatch(/no server is linked to it/)
  })
})
