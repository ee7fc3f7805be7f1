// The activity plugin against a real PostgreSQL cluster on loopback: the reads run as a
// pg_monitor role, kill as a pg_signal_backend role, and the per-process fields come from this
// host's /proc, where the cluster runs.
import { Client, type ClientConfig } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getActivity, getBlockingBackends, getWaitingBackends } from '../../src/main/postgres/activity/backends'
import { killBackends } from '../../src/main/postgres/activity/kill'
import { LocalProcReader, ProcfsProcessStats } from '../../src/main/postgres/host/process-stats'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'

const ACTIVITY_KEYS = ['pid', 'database', 'user', 'client', 'cpu', 'memory', 'read_s', 'write_s', 'iow', 'wait', 'duration', 'state', 'query']
const LOCK_KEYS = ['pid', 'database', 'user', 'cpu', 'memory', 'read_s', 'write_s', 'iow', 'relation', 'type', 'mode', 'state', 'duration', 'query']
const BYTES_PER_SECOND = /^\d+\.\d{2}[BKMGTPEZY]$/

interface Session {
  client: Client
  pid: number
  /** The first error the client reports, e.g. the server terminating it. */
  firstError: Promise<Error & { code?: string }>
}

describe('activity plugin', () => {
  let pg: Postgres
  let monitor: RoleCredentials
  let killer: RoleCredentials
  let app: RoleCredentials
  let monitorSession: Session
  const sessions: Client[] = []
  const hostStats = new ProcfsProcessStats(new LocalProcReader())

  /** A session kept open by the test; a listener stays on 'error' for its whole life (see the helper). */
  async function open(config: ClientConfig): Promise<Session> {
    const client = new Client(config)
    sessions.push(client)
    const firstError = new Promise<Error>((resolve) => client.on('error', resolve))
    await client.connect()
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    return { client, pid: rows[0]!.pid, firstError }
  }

  /** Polls pg_stat_activity (as the superuser) until `pid` is there with `condition` (or, with `present` false, gone): the event itself, not a sleep. */
  async function untilActivity(pid: number, condition: string, present = true, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const { rows } = await pg.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND ${condition}`, [pid])
      if (rows.length > 0 === present) return
      if (Date.now() > deadline) throw new Error(`backend ${pid} never ${present ? 'matched' : 'stopped matching'} ${condition}`)
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  beforeAll(async () => {
    pg = await startPostgres()
    monitor = await pg.createRole('vigil_monitor', 'monitor-secret', ['pg_monitor'])
    killer = await pg.createRole('vigil_killer', 'killer-secret', ['pg_signal_backend'])
    app = await pg.createRole('vigil_app', 'app-secret')
    await pg.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)')
    await pg.query('INSERT INTO accounts VALUES (1, 100), (2, 200)')
    await pg.query('GRANT SELECT, UPDATE ON accounts TO vigil_app')
    monitorSession = await open(monitor.connectionConfig())
  })
  afterAll(async () => {
    await Promise.all(sessions.splice(0).map((client) => client.end().catch(() => undefined)))
    await pg?.stop()
  })

  it('lists client backends with every documented field, read as a pg_monitor role', async () => {
    const other = await open(app.connectionConfig())
    await other.client.query("SELECT 'vigil-activity-probe' AS marker")

    const { rows } = await getActivity(monitorSession.client, hostStats)
    const row = rows.find((candidate) => candidate.pid === other.pid)
    expect(Object.keys(row ?? {})).toEqual(ACTIVITY_KEYS)
    expect(row).toMatchObject({
      database: 'postgres',
      user: 'vigil_app',
      client: '127.0.0.1',
      iow: expect.stringMatching(/^[YN]$/),
      wait: 'N',
      duration: expect.stringMatching(/^\d+\.\d{3}$/),
      state: 'idle',
      query: "SELECT 'vigil-activity-probe' AS marker"
    })
    // The cluster runs on this host: /proc tells CPU, memory and (readable by root or the cluster's owner) I/O.
    expect(row?.cpu).toEqual(expect.any(Number))
    expect(row?.memory).toBeGreaterThan(0)
    expect(row?.read_s).toMatch(BYTES_PER_SECOND)
    expect(row?.write_s).toMatch(BYTES_PER_SECOND)

    // Only client backends, and not the session asking.
    expect(rows.map((candidate) => candidate.pid)).not.toContain(monitorSession.pid)
    const { rows: types } = await pg.query<{ backend_type: string }>('SELECT backend_type FROM pg_stat_activity WHERE pid = ANY($1)', [
      rows.map((candidate) => candidate.pid)
    ])
    expect(new Set(types.map((type) => type.backend_type))).toEqual(new Set(['client backend']))
  })

  it('leaves the host fields null without a /proc source', async () => {
    const other = await open(app.connectionConfig())
    const { rows } = await getActivity(monitorSession.client, null)
    expect(rows.find((row) => row.pid === other.pid)).toMatchObject({ cpu: null, memory: null, read_s: null, write_s: null, iow: null, wait: 'N' })
  })

  it('measures the CPU of a busy backend from /proc', async () => {
    const busy = await open(app.connectionConfig())
    const running = busy.client.query('SELECT count(*) FROM generate_series(1, 2000000000)').catch((error: unknown) => error as { code?: string })
    await untilActivity(busy.pid, "state = 'active'")

    const { rows } = await getActivity(monitorSession.client, hostStats)
    const row = rows.find((candidate) => candidate.pid === busy.pid)
    expect(row?.state).toBe('active')
    expect(row?.cpu).toBeGreaterThan(10)

    await pg.query('SELECT pg_cancel_backend($1)', [busy.pid])
    expect(await running).toMatchObject({ code: '57014' }) // query_canceled
  })

  it('shows a row-lock conflict in waiting and blocking, with the documented fields', async () => {
    const holder = await open(app.connectionConfig())
    const waiter = await open(app.connectionConfig())
    await holder.client.query('BEGIN')
    await holder.client.query('UPDATE accounts SET balance = balance - 10 WHERE id = 1')
    const blocked = waiter.client.query('UPDATE accounts SET balance = balance + 10 WHERE id = 1')
    await untilActivity(waiter.pid, "wait_event_type = 'Lock'")

    const waiting = await getWaitingBackends(monitorSession.client, hostStats)
    const waitRow = waiting.rows.find((row) => row.pid === waiter.pid)
    expect(Object.keys(waitRow ?? {})).toEqual(LOCK_KEYS)
    expect(waitRow).toMatchObject({
      database: 'postgres',
      user: 'vigil_app',
      relation: ' ',
      type: 'transactionid',
      mode: 'ShareLock',
      state: 'active',
      duration: expect.any(Number),
      query: 'UPDATE accounts SET balance = balance + 10 WHERE id = 1',
      iow: expect.stringMatching(/^[YN]$/)
    })
    expect(waitRow?.read_s).toMatch(BYTES_PER_SECOND)
    expect(waiting.rows.map((row) => row.pid)).not.toContain(holder.pid)

    const blocking = await getBlockingBackends(monitorSession.client, hostStats)
    expect(blocking.rows.map((row) => [row.pid, row.type, row.mode])).toEqual([[holder.pid, 'transactionid', 'ExclusiveLock']])
    const blockRow = blocking.rows[0]
    expect(Object.keys(blockRow ?? {})).toEqual(LOCK_KEYS)
    expect(blockRow).toMatchObject({
      database: 'postgres',
      user: 'vigil_app',
      relation: ' ',
      state: 'idle in transaction',
      query: 'UPDATE accounts SET balance = balance - 10 WHERE id = 1',
      cpu: expect.any(Number),
      memory: expect.any(Number)
    })
    expect(blockRow?.duration).toBeGreaterThanOrEqual(0)

    const activity = await getActivity(monitorSession.client, null)
    expect(activity.rows.find((row) => row.pid === waiter.pid)?.wait).toBe('Y')
    expect(activity.rows.find((row) => row.pid === holder.pid)?.wait).toBe('N')

    await holder.client.query('ROLLBACK')
    await blocked
    expect((await getWaitingBackends(monitorSession.client, null)).rows).toEqual([])
    expect((await getBlockingBackends(monitorSession.client, null)).rows).toEqual([])
  })

  it('names the relation of a table-lock conflict', async () => {
    const holder = await open(pg.connectionConfig())
    const waiter = await open(app.connectionConfig())
    await holder.client.query('BEGIN')
    await holder.client.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE')
    const blocked = waiter.client.query('SELECT count(*) FROM accounts')
    await untilActivity(waiter.pid, "wait_event_type = 'Lock'")

    const waiting = await getWaitingBackends(monitorSession.client, null)
    expect(waiting.rows.map((row) => [row.pid, row.relation, row.type, row.mode])).toEqual([[waiter.pid, 'accounts', 'relation', 'AccessShareLock']])
    const blocking = await getBlockingBackends(monitorSession.client, null)
    expect(blocking.rows.map((row) => [row.pid, row.relation, row.type, row.mode, row.user])).toEqual([
      [holder.pid, 'accounts', 'relation', 'AccessExclusiveLock', pg.superuser]
    ])

    await holder.client.query('ROLLBACK')
    await blocked
  })

  it('gives the OID of a relation locked in another database, which this session cannot name', async () => {
    await pg.createDatabase('vigil_shop')
    await pg.query('CREATE TABLE orders (id int)', [], 'vigil_shop')
    const oid = (await pg.query<{ oid: string }>("SELECT 'orders'::regclass::oid::text AS oid", [], 'vigil_shop')).rows[0]!.oid
    const holder = await open(pg.connectionConfig('vigil_shop'))
    const waiter = await open(pg.connectionConfig('vigil_shop'))
    await holder.client.query('BEGIN')
    await holder.client.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')
    const blocked = waiter.client.query('SELECT count(*) FROM orders')
    await untilActivity(waiter.pid, "wait_event_type = 'Lock'")

    const waiting = await getWaitingBackends(monitorSession.client, null)
    expect(waiting.rows.map((row) => [row.pid, row.database, row.relation])).toEqual([[waiter.pid, 'vigil_shop', oid]])
    const blocking = await getBlockingBackends(monitorSession.client, null)
    expect(blocking.rows.map((row) => [row.pid, row.database, row.relation])).toEqual([[holder.pid, 'vigil_shop', oid]])

    await holder.client.query('ROLLBACK')
    await blocked
  })

  it('terminates a backend as a pg_signal_backend role, and its client sees it', async () => {
    const asKiller = await open(killer.connectionConfig())
    const victim = await open(app.connectionConfig())

    expect(await killBackends(asKiller.client, [victim.pid])).toEqual({ backends: [{ pid: victim.pid, killed: true }] })
    expect(await victim.firstError).toMatchObject({ code: '57P01' }) // admin_shutdown: "terminating connection due to administrator command"
    await untilActivity(victim.pid, 'true', false)
  })

  it('reports per pid what it could not terminate, and why', async () => {
    const asKiller = await open(killer.connectionConfig())
    const superuserSession = await open(pg.connectionConfig())
    const victim = await open(app.connectionConfig())
    const { rows } = await pg.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
    const checkpointer = rows[0]!.pid

    const { backends } = await killBackends(asKiller.client, [superuserSession.pid, process.pid, asKiller.pid, checkpointer, victim.pid])
    expect(backends).toEqual([
      { pid: superuserSession.pid, killed: false, error: expect.stringMatching(new RegExp(`^Not allowed: PID ${superuserSession.pid} is a session of superuser '${pg.superuser}': only a superuser may terminate it \\(PostgreSQL: .+\\)$`)) },
      { pid: process.pid, killed: false, error: `PID ${process.pid} is not a process of this PostgreSQL instance` },
      { pid: asKiller.pid, killed: false, error: `PID ${asKiller.pid} is the session serving this request; it was not terminated` },
      { pid: checkpointer, killed: false, error: expect.stringMatching(/^(Not allowed: PID \d+ is a (checkpointer|background process) that runs as no role|PostgreSQL did not signal PID \d+ \((checkpointer|background process)\): it is not a backend that can be terminated, or it exited meanwhile$)/) },
      { pid: victim.pid, killed: true }
    ])
    expect(await victim.firstError).toMatchObject({ code: '57P01' })
    // The refused ones are still there.
    expect((await superuserSession.client.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }])
  })

  it('says that a role without pg_signal_backend needs it', async () => {
    const victim = await open(app.connectionConfig())
    const { backends } = await killBackends(monitorSession.client, [victim.pid])
    expect(backends).toEqual([
      {
        pid: victim.pid,
        killed: false,
        error: expect.stringMatching(/^Not allowed: terminating PID \d+ of role 'vigil_app' needs membership in pg_signal_backend \(or in role 'vigil_app'\) \(PostgreSQL: .+\)$/)
      }
    ])
    expect((await victim.client.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }])
  })
})
