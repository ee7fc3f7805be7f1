// The UI's pg.* channels over /rpc (the browser's transport; Electron's IPC reaches the same
// handlers), against a real cluster: they call PgAgentService as the agent routes do, act as
// the caller in the trail (here the owner's API token: 'api-token'), and add what the UI needs beyond the agent API — cancelling a query,
// the lock graph, resetting pg_stat_statements (with its privilege), the maintenance jobs list.
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'

let api: TestApi
let pg: Postgres
/** Registered as the superuser: the DBA's own instance, allowed everything. */
let dba: number
/** Registered as a pg_monitor + pg_signal_backend role: watches, kills plain roles' backends, may not reset or REINDEX others' tables. */
let operator: number
let appUser: RoleCredentials
const clients: Client[] = []

interface Outcome<T = any> {
  status: number
  ok: boolean
  value: T
  error: { code: string; message: string; field?: string }
}

async function rpc<T = any>(channel: string, body: unknown): Promise<Outcome<T>> {
  const response = await api.request('POST', `/rpc/${channel}`, { body })
  return { status: response.status, ...response.body }
}

async function value<T = any>(channel: string, body: unknown): Promise<T> {
  const outcome = await rpc<T>(channel, body)
  if (!outcome.ok) throw new Error(`${channel}: ${outcome.status} ${JSON.stringify(outcome.error)}`)
  return outcome.value
}

async function open(applicationName: string, role: RoleCredentials = appUser): Promise<{ client: Client; pid: number }> {
  const client = new Client({ ...role.connectionConfig(), application_name: applicationName })
  clients.push(client)
  client.on('error', () => undefined)
  await client.connect()
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  return { client, pid: rows[0]!.pid }
}

/** Waits until pg_stat_activity shows `pid` matching `condition` (the event, not a sleep). */
async function until(pid: number, condition: string): Promise<void> {
  await expect.poll(async () => (await pg.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND ${condition}`, [pid])).rows.length, { timeout: 10_000 }).toBe(1)
}

const trail = async (id: number): Promise<Array<{ username: string; message: string }>> => value('pg.notifications', { id })

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  const register = async (name: string, username: string, password: string): Promise<number> => {
    const created = await api.request('POST', '/api/postgres-instances/', { body: { name, host: '127.0.0.1', port: pg.port, username, password } })
    expect(created.status).toBe(201)
    return created.body.id
  }
  const role = await pg.createRole('vigil_operator', 'operator-secret-1', ['pg_monitor', 'pg_signal_backend'])
  dba = await register('dba', pg.superuser, pg.password)
  operator = await register('operator', role.user, role.password)
  appUser = await pg.createRole('app_user', 'app-secret-1')
  await pg.query(`CREATE TABLE locked_table (id int PRIMARY KEY, n int);
    INSERT INTO locked_table SELECT g, g FROM generate_series(1, 1000) g;
    DELETE FROM locked_table WHERE id > 900;
    GRANT SELECT, UPDATE ON locked_table TO app_user`)
})
afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)))
  await api?.close()
  await pg?.stop()
})

describe('activity channels', () => {
  it('lists backends with their application name and query start, and 404s an unknown instance', async () => {
    const session = await open('rpc-listed')
    await session.client.query("SELECT 'rpc-listed-marker'")
    const { rows } = await value('pg.activity', { id: operator })
    const row = rows.find((candidate: { pid: number }) => candidate.pid === session.pid)
    expect(row).toMatchObject({ pid: session.pid, user: 'app_user', application_name: 'rpc-listed', state: 'idle', wait: 'N' })
    expect(Date.parse(row.query_start)).toBeGreaterThan(Date.now() - 60_000)
    expect(row.query).toContain('rpc-listed-marker')

    const unknown = await rpc('pg.activity', { id: 999 })
    expect(unknown).toMatchObject({ status: 404, ok: false, error: { code: 'not_found' } })
  })

  it('cancels a running query per pid (the session stays), refuses what it may not, and records who asked', async () => {
    const busy = await open('rpc-busy')
    const running = busy.client.query('SELECT pg_sleep(30)').catch((error: { code?: string }) => error)
    await until(busy.pid, "state = 'active' AND query LIKE '%pg_sleep%'")
    const dbaSession = await open('rpc-superuser', { user: pg.superuser, password: pg.password, connectionConfig: pg.connectionConfig })

    const { backends } = await value('pg.activity.cancel', { id: operator, pids: [busy.pid, dbaSession.pid] })
    expect(backends[0]).toEqual({ pid: busy.pid, cancelled: true })
    expect(backends[1]).toMatchObject({ pid: dbaSession.pid, cancelled: false })
    expect(backends[1].error).toMatch(/^Not allowed: PID \d+ is a session of superuser '.+': only a superuser may cancel its query/)
    expect(await running).toMatchObject({ code: '57014' }) // query_canceled
    expect((await busy.client.query('SELECT 1 AS still')).rows).toEqual([{ still: 1 }])
    expect((await trail(operator))[0]).toMatchObject({ username: 'api-token', message: `Query of backend ${busy.pid} cancelled` })

    const malformed = await rpc('pg.activity.cancel', { id: operator, pids: ['x'] })
    expect(malformed).toMatchObject({ status: 400, error: { code: 'validation', message: "Parameter 'pids' is malformed." } })
  })

  it('kills a backend and records who asked', async () => {
    const victim = await open('rpc-victim')
    const { backends } = await value('pg.activity.kill', { id: operator, pids: [victim.pid] })
    expect(backends).toEqual([{ pid: victim.pid, killed: true }])
    await expect(victim.client.query('SELECT 1')).rejects.toThrow()
    expect((await trail(operator))[0]).toMatchObject({ username: 'api-token', message: `Backend ${victim.pid} terminated` })
  })

  it('draws the lock graph: who waits for whom, the mode, the relation, the wait, the root blocker', async () => {
    const holder = await open('rpc-holder')
    const first = await open('rpc-waiter-1')
    const second = await open('rpc-waiter-2')
    await holder.client.query('BEGIN; LOCK TABLE locked_table IN ACCESS EXCLUSIVE MODE')
    await first.client.query('BEGIN')
    const firstWaits = first.client.query('LOCK TABLE locked_table IN SHARE MODE')
    await until(first.pid, "wait_event_type = 'Lock'")
    // Queued behind both: the holder's lock and the first waiter's request conflict with it.
    const secondWaits = second.client.query('UPDATE locked_table SET n = n WHERE id = 1')
    await until(second.pid, "wait_event_type = 'Lock'")

    const graph = await value('pg.activity.lockGraph', { id: operator })
    expect(graph.roots).toEqual([holder.pid])
    expect(graph.nodes[0]).toMatchObject({ pid: holder.pid, application_name: 'rpc-holder', blocked_by: [] })
    const edge = (blocker: number, waiter: number) => graph.edges.find((candidate: { blocker: number; waiter: number }) => candidate.blocker === blocker && candidate.waiter === waiter)
    expect(edge(holder.pid, first.pid)).toMatchObject({ mode: 'ShareLock', locktype: 'relation', relation: 'locked_table', waiting_seconds: expect.any(Number) })
    expect(edge(holder.pid, second.pid)).toMatchObject({ mode: 'RowExclusiveLock', relation: 'locked_table' })
    expect(edge(first.pid, second.pid)).toMatchObject({ mode: 'RowExclusiveLock' })
    expect(graph.nodes.find((node: { pid: number }) => node.pid === second.pid).blocked_by.sort()).toEqual([holder.pid, first.pid].sort())

    await holder.client.query('COMMIT')
    await firstWaits
    await first.client.query('COMMIT')
    await secondWaits
    expect((await value('pg.activity.lockGraph', { id: operator })).edges).toEqual([])
  })
})

describe('statements channels', () => {
  it('says whether the role may reset, resets as a superuser, and refuses otherwise with the grant to run', async () => {
    await pg.query('SELECT count(*) AS rpc_statement_marker FROM pg_class')
    const view = await value('pg.statements', { id: dba })
    expect(view.may_reset).toBe(true)
    expect(view.data.some((row: { query: string }) => row.query.includes('rpc_statement_marker'))).toBe(true)
    expect((await value('pg.statements', { id: operator })).may_reset).toBe(false)

    const refused = await rpc('pg.statements.reset', { id: operator })
    expect(refused).toMatchObject({ status: 403, ok: false, error: { code: 'forbidden' } })
    expect(refused.error.message).toMatch(/^Role 'vigil_operator' may not reset pg_stat_statements: .*GRANT EXECUTE ON FUNCTION "public"\.pg_stat_statements_reset TO "vigil_operator"\)$/)

    expect(await value('pg.statements.reset', { id: dba })).toEqual({ reset: true })
    const after = await value('pg.statements', { id: dba })
    expect(after.data.some((row: { query: string }) => row.query.includes('rpc_statement_marker'))).toBe(false)
    expect((await trail(dba))[0]).toMatchObject({ username: 'api-token', message: 'pg_stat_statements reset' })
  })
})

describe('configuration channels', () => {
  it('changes a setting with ALTER SYSTEM and reload, recording who asked', async () => {
    const categories = await value('pg.pgconf.settings', { id: dba })
    expect(categories.flatMap((category: { rows: Array<{ name: string }> }) => category.rows.map((row) => row.name))).toContain('work_mem')
    const { settings } = await value('pg.pgconf.update', { id: dba, settings: [{ name: 'work_mem', setting: '6MB' }] })
    expect(settings).toEqual([{ name: 'work_mem', setting: '6MB', previous_setting: '4MB', restart: false }])
    expect((await pg.query('SHOW work_mem')).rows[0].work_mem).toBe('6MB')
    expect((await trail(dba))[0]).toMatchObject({ username: 'api-token', message: "ALTER SYSTEM SET work_mem = '6MB' (was '4MB')" })
    expect((await value('pg.pgconf.status', { id: dba })).restart_pending).toBe(false)
    const refused = await rpc('pg.pgconf.update', { id: dba, settings: [{ name: 'work_mem', setting: 'lots' }] })
    expect(refused).toMatchObject({ status: 400, error: { code: 'validation' } })
  })
})

describe('maintenance channels', () => {
  it('browses the schema with each table’s dead tuples and last (auto)vacuum/analyze', async () => {
    const instance = await value('pg.maintenance.instance', { id: dba })
    expect(instance.body.databases.map((database: { datname: string }) => database.datname)).toContain('postgres')
    const schema = await value('pg.maintenance.schema', { id: dba, database: 'postgres', schema: 'public' })
    expect(schema.body.tables.map((table: { name: string }) => table.name)).toContain('locked_table')
    const upkeep = schema.body.upkeep.find((row: { name: string }) => row.name === 'locked_table')
    expect(upkeep).toMatchObject({ n_dead_tup: expect.any(Number), last_vacuum: null })
    const table = await value('pg.maintenance.table', { id: dba, database: 'postgres', schema: 'public', table: 'locked_table' })
    expect(table.body).toMatchObject({ relname: 'locked_table' })
  })

  it('runs an ANALYZE now, lists a scheduled VACUUM and cancels it, and keeps a failed REINDEX with its error', async () => {
    const analyze = await value('pg.maintenance.run', { id: dba, operation: 'analyze', target: { database: 'postgres', schema: 'public', table: 'locked_table', index: null } })
    expect(analyze.id).toMatch(/^[0-9a-f]{8}$/)
    await expect
      .poll(async () => (await value('pg.maintenance.jobs', { id: dba })).past.find((job: { id: string }) => job.id === analyze.id)?.status, { timeout: 20_000 })
      .toBe('done')
    const done = (await value('pg.maintenance.jobs', { id: dba })).past.find((job: { id: string }) => job.id === analyze.id)
    expect(done).toMatchObject({ operation: 'analyze', requestedBy: 'api-token', description: 'ANALYZE "public"."locked_table" in database "postgres"', error: null })

    const at = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const vacuum = await value('pg.maintenance.run', { id: dba, operation: 'vacuum', mode: 'full,analyze', datetime: at, target: { database: 'postgres', schema: 'public', table: 'locked_table', index: null } })
    const listed = await value('pg.maintenance.jobs', { id: dba })
    expect(listed.scheduled.map((job: { id: string }) => job.id)).toEqual([vacuum.id])
    expect(listed.scheduled[0]).toMatchObject({ mode: 'full,analyze', scheduledAt: Date.parse(at) })
    expect(await value('pg.maintenance.cancel', { id: dba, job: vacuum.id })).toEqual({ response: 'ok' })
    const cancelled = await value('pg.maintenance.jobs', { id: dba })
    expect(cancelled.scheduled).toEqual([])
    expect(cancelled.past[0]).toMatchObject({ id: vacuum.id, status: 'cancelled' })
    expect(await rpc('pg.maintenance.cancel', { id: dba, job: vacuum.id })).toMatchObject({ status: 404 })

    // The operator's role does not own the table: PostgreSQL refuses the REINDEX, and the job says why.
    const reindex = await value('pg.maintenance.run', { id: operator, operation: 'reindex', target: { database: 'postgres', schema: 'public', table: 'locked_table', index: null } })
    await expect
      .poll(async () => (await value('pg.maintenance.jobs', { id: operator })).past.find((job: { id: string }) => job.id === reindex.id)?.status, { timeout: 20_000 })
      .toBe('failed')
    const failed = (await value('pg.maintenance.jobs', { id: operator })).past.find((job: { id: string }) => job.id === reindex.id)
    // 17 added the MAINTAIN privilege, and with it another wording of the same refusal.
    expect(failed.error).toMatch(pg.serverVersionNum >= 170000 ? /permission denied for table locked_table/ : /must be owner of table locked_table/)
  })

  it('refuses a target of the wrong shape with a validation error', async () => {
    const refused = await rpc('pg.maintenance.run', { id: dba, operation: 'vacuum', target: { database: 'postgres', schema: 'public', table: null, index: null } })
    expect(refused).toMatchObject({ status: 400, error: { code: 'validation', field: 'target' } })
    const mode = await rpc('pg.maintenance.run', { id: dba, operation: 'vacuum', mode: 'fast', target: { database: 'postgres', schema: null, table: null, index: null } })
    expect(mode).toMatchObject({ status: 400, error: { message: "Parameter 'mode' is malformed." } })
  })
})

describe('dashboard channels', () => {
  it('opens with the history and says whether it is collected; reads live', async () => {
    const opened = await value('pg.dashboard.history', { id: dba })
    // startApi runs without collection.
    expect(opened).toMatchObject({ collecting: false, config: { history_length: 150, scheduler_interval: 2 } })
    const live = await value('pg.dashboard.live', { id: dba })
    expect(live).toMatchObject({ max_connections: 300, databases: { total_commit: expect.any(Number) } })
  })
})
