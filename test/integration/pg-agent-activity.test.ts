// The activity and administration plugins over HTTP (/pg/{id}/...), against a real cluster:
// a backend the test opened is listed and killed, a lock pair shows, every kill and reload is
// in the trail.
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres } from '../helpers/postgres'

let api: TestApi
let pg: Postgres
let instanceId: number
/** Backends of a plain role: a pg_signal_backend role may not terminate a superuser's. */
let appUser: { connectionConfig: (database?: string) => object; user: string }

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  const operator = await pg.createRole('vigil_operator', 'operator-secret-1', ['pg_monitor', 'pg_signal_backend'])
  const created = await api.request('POST', '/api/postgres-instances/', {
    body: { name: 'local', host: '127.0.0.1', port: pg.port, username: operator.user, password: operator.password }
  })
  instanceId = created.body.id
  appUser = await pg.createRole('app_user', 'app-secret-1')
  await pg.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts VALUES (1, 100); GRANT SELECT, UPDATE ON accounts TO app_user')
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})

const agent = (method: string, path: string, body?: unknown) => api.request(method, `/pg/${instanceId}${path}`, { body })

async function openClient(applicationName: string): Promise<{ client: Client; pid: number; errors: Error[] }> {
  const client = new Client({ ...appUser.connectionConfig(), application_name: applicationName })
  const errors: Error[] = []
  client.on('error', (error) => errors.push(error))
  await client.connect()
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  return { client, pid: rows[0]!.pid, errors }
}

describe('activity over HTTP', () => {
  it('lists a backend the test opened, kills it, and records the kill', async () => {
    const victim = await openClient('victim')
    const listed = await agent('GET', '/activity')
    expect(listed.status).toBe(200)
    const row = listed.body.rows.find((candidate: { pid: number }) => candidate.pid === victim.pid)
    expect(row).toMatchObject({ pid: victim.pid, database: 'postgres', user: 'app_user', wait: 'N' })
    // This instance is on this machine: /proc gives the host-side fields.
    expect(typeof row.cpu).toBe('number')

    const killed = await agent('POST', '/activity/kill', { pids: [victim.pid] })
    expect(killed.status).toBe(200)
    expect(killed.body.backends).toEqual([expect.objectContaining({ pid: victim.pid })])
    await expect(victim.client.query('SELECT 1')).rejects.toThrow()
    const trail = await agent('GET', '/notifications')
    expect(trail.body[0]).toMatchObject({ username: 'api-token', message: `Backend ${victim.pid} terminated` })
  })

  it('refuses a malformed kill with the agent’s 406', async () => {
    const response = await agent('POST', '/activity/kill', { pids: ['one'] })
    expect(response).toMatchObject({ status: 406, body: { error: "Parameter 'pids' is malformed." } })
  })

  it('shows a lock pair in waiting and blocking', async () => {
    const holder = await openClient('holder')
    const waiter = await openClient('waiter')
    await holder.client.query('BEGIN; UPDATE accounts SET balance = balance + 1 WHERE id = 1')
    const blocked = waiter.client.query('UPDATE accounts SET balance = balance - 1 WHERE id = 1')
    await expect
      .poll(async () => (await agent('GET', '/activity/waiting')).body.rows.map((entry: { pid: number }) => entry.pid))
      .toContain(waiter.pid)
    const blocking = await agent('GET', '/activity/blocking')
    expect(blocking.body.rows.map((entry: { pid: number }) => entry.pid)).toContain(holder.pid)
    await holder.client.query('COMMIT')
    await blocked
    await Promise.all([holder.client.end(), waiter.client.end()])
  })
})

describe('administration over HTTP', () => {
  it('says what reload needs when the role may not, and keeps the action in the trail once it may', async () => {
    const refused = await agent('POST', '/administration/control', { action: 'reload' })
    expect(refused.status).toBe(500)
    expect(refused.body.error).toMatch(/pg_reload_conf/)
    await pg.query('GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO vigil_operator')
    const reloaded = await agent('POST', '/administration/control', { action: 'reload' })
    expect(reloaded).toMatchObject({ status: 200, body: { action: 'reload', state: 'ok' } })
    expect((await agent('GET', '/notifications')).body[0]).toMatchObject({ message: 'PostgreSQL reload' })
  })

  it('answers 406 for a restart while no control method and server are configured', async () => {
    const response = await agent('POST', '/administration/control', { action: 'restart' })
    expect(response.status).toBe(406)
    expect(response.body.error).toMatch(/no control method is configured/)
  })
})
