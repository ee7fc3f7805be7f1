// The dashboard and monitoring plugins over HTTP (/pg/{id}/...), against a real cluster on
// this machine (so the host's side is read too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres } from '../helpers/postgres'

let api: TestApi
let pg: Postgres
let instanceId: number

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  const monitor = await pg.createRole('vigil_monitor', 'monitor-secret-1', ['pg_monitor'])
  const created = await api.request('POST', '/api/postgres-instances/', {
    body: { name: 'local', host: '127.0.0.1', port: pg.port, username: monitor.user, password: monitor.password }
  })
  instanceId = created.body.id
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})

const agent = (method: string, path: string, body?: unknown) => api.request(method, `/pg/${instanceId}${path}`, { body })

describe('dashboard over HTTP', () => {
  it('answers the full set, then keeps it in the history', async () => {
    const { status, body } = await agent('GET', '/dashboard')
    expect(status).toBe(200)
    expect(body).toMatchObject({ max_connections: 300, hostname: expect.any(String), n_cpu: expect.any(Number) })
    expect(body.databases).toBeDefined()
    const history = await agent('GET', '/dashboard/history')
    expect(history.body.length).toBeGreaterThanOrEqual(1)
  })

  it('answers each sub-endpoint', async () => {
    for (const name of ['buffers', 'hitratio', 'active_backends', 'max_connections', 'databases', 'pg_version', 'info', 'cpu', 'loadaverage', 'memory', 'hostname', 'os_version', 'n_cpu']) {
      const response = await agent('GET', `/dashboard/${name}`)
      expect(response.status, name).toBe(200)
    }
    expect((await agent('GET', '/dashboard/max_connections')).body).toEqual({ max_connections: 300 })
  })

  it('reads and changes its configuration, refusing bad values with 406', async () => {
    expect((await agent('GET', '/dashboard/config')).body).toEqual({ history_length: 150, scheduler_interval: 2 })
    expect((await agent('POST', '/dashboard/config', { history_length: 10 })).body).toEqual({ history_length: 10, scheduler_interval: 2 })
    const refused = await agent('POST', '/dashboard/config', { history_length: 0 })
    expect(refused.status).toBe(406)
    expect(refused.body.error).toMatch(/history_length/)
  })
})

describe('monitoring over HTTP', () => {
  it('runs each of the 13 probes', async () => {
    for (const probe of ['bgwriter', 'blocks', 'cpu', 'db_size', 'filesystems_size', 'loadavg', 'locks', 'memory', 'process', 'sessions', 'tblspc_size', 'wal_files', 'xacts']) {
      const response = await agent('GET', `/monitoring/probe/${probe}`)
      expect(response.status, probe).toBe(200)
      expect(Object.keys(response.body)).toEqual([probe])
    }
  })

  it('answers 404 for an unknown probe', async () => {
    expect(await agent('GET', '/monitoring/probe/nope')).toMatchObject({ status: 404, body: { error: "Unknown probe 'nope'" } })
  })
})
