// The statements plugin against a real PostgreSQL cluster on loopback: a pg_monitor role reads
// the statements the test ran; a plain role sees others' texts hidden; a database without the
// extension, one with an old extension version, and a server without the module preloaded.
import { Client, type ClientConfig } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getStatements, type StatementRow } from '../../src/main/postgres/statements'
import { AppError } from '../../src/shared/errors'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'

/** The agent's fields, in its order. */
const STATEMENT_KEYS = [
  'rolname',
  'datname',
  'userid',
  'dbid',
  'queryid',
  'query',
  'calls',
  'total_time',
  'min_time',
  'max_time',
  'mean_time',
  'stddev_time',
  'rows',
  'shared_blks_hit',
  'shared_blks_read',
  'shared_blks_dirtied',
  'shared_blks_written',
  'local_blks_hit',
  'local_blks_read',
  'local_blks_dirtied',
  'local_blks_written',
  'temp_blks_read',
  'temp_blks_written',
  'blk_read_time',
  'blk_write_time'
]
const NUMBER_KEYS = STATEMENT_KEYS.filter((key) => !['rolname', 'datname', 'query', 'queryid'].includes(key))
/** PostgreSQL's timestamptz text: fraction without trailing zeros, offset as +00 or +05:30. */
const SNAPSHOT_TIME = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d{1,6})?)([+-]\d\d)(:\d\d)?$/

describe('statements plugin', () => {
  let pg: Postgres
  let monitorRole: RoleCredentials
  let plainRole: RoleCredentials
  const clients: Client[] = []

  /** A session kept open by the test, with a listener on 'error' for its whole life (see the helper). */
  async function connect(config: ClientConfig): Promise<Client> {
    const client = new Client(config)
    clients.push(client)
    client.on('error', () => undefined)
    await client.connect()
    return client
  }

  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    try {
      await promise
    } catch (error) {
      if (error instanceof AppError) return error
      throw error
    }
    throw new Error('statements were returned, a refusal was expected')
  }

  function probeRows(data: StatementRow[], marker: string): StatementRow[] {
    return data.filter((row) => row.query.includes(marker))
  }

  beforeAll(async () => {
    pg = await startPostgres()
    monitorRole = await pg.createRole('vigil_monitor', 'monitor-secret', ['pg_monitor'])
    plainRole = await pg.createRole('vigil_plain', 'plain-secret')
  })

  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)))
    await pg?.stop()
  })

  it('shows, to a pg_monitor role, a statement the test ran, with calls, times and names', async () => {
    const admin = await connect(pg.connectionConfig())
    await admin.query('SELECT $1::int AS vigil_statements_probe, pg_sleep(0.01)', [1])
    await admin.query('SELECT $1::int AS vigil_statements_probe, pg_sleep(0.01)', [2])
    const monitor = await connect(monitorRole.connectionConfig())

    const before = Date.now()
    const snapshot = await getStatements(monitor)
    expect(Object.keys(snapshot)).toEqual(['snapshot_datetime', 'data'])
    const [, day, time, offset, minutes] = SNAPSHOT_TIME.exec(snapshot.snapshot_datetime) ?? []
    expect(day, snapshot.snapshot_datetime).toBeDefined()
    const taken = Date.parse(`${day}T${time}${offset}${minutes ?? ':00'}`)
    expect(Math.abs(taken - before)).toBeLessThan(60_000)

    for (const row of snapshot.data) expect(Object.keys(row)).toEqual(STATEMENT_KEYS)
    const [probe, ...others] = probeRows(snapshot.data, 'vigil_statements_probe')
    expect(others).toEqual([])
    const { rows: ids } = await admin.query<{ userid: number; dbid: number }>(
      "SELECT (SELECT oid FROM pg_roles WHERE rolname = current_user) AS userid, (SELECT oid FROM pg_database WHERE datname = 'postgres') AS dbid"
    )
    expect(probe).toMatchObject({
      rolname: pg.superuser,
      datname: 'postgres',
      userid: ids[0]!.userid,
      dbid: ids[0]!.dbid,
      query: 'SELECT $1::int AS vigil_statements_probe, pg_sleep($2)',
      calls: 2,
      rows: 2
    })
    for (const key of NUMBER_KEYS) expect(typeof probe![key as keyof StatementRow], key).toBe('number')
    // Every digit of the 64-bit hash, as PostgreSQL prints it.
    const exact = await admin.query<{ queryid: string }>(`SELECT queryid::text FROM pg_stat_statements WHERE query = $1 AND userid = (SELECT oid FROM pg_roles WHERE rolname = current_user)`, [probe!.query])
    expect(exact.rows.map((row) => row.queryid)).toContain(probe!.queryid)
    // Two calls of pg_sleep(0.01): at least 20 ms in all, 10 ms each.
    expect(probe!.total_time).toBeGreaterThanOrEqual(20)
    expect(probe!.min_time).toBeGreaterThanOrEqual(10)
    expect(probe!.max_time).toBeGreaterThanOrEqual(probe!.min_time)
    expect(probe!.mean_time).toBeCloseTo(probe!.total_time / 2, 6)
    // Slowest first.
    const totals = snapshot.data.map((row) => row.total_time)
    expect(totals).toEqual([...totals].sort((a, b) => b - a))
  })

  it("passes on '<insufficient privilege>' to a role without pg_read_all_stats, for other roles' statements", async () => {
    const admin = await connect(pg.connectionConfig())
    await admin.query('SELECT 1 AS vigil_hidden_probe')
    const plain = await connect(plainRole.connectionConfig())
    await plain.query('SELECT 2 AS vigil_own_probe')

    const { data } = await getStatements(plain)
    expect(probeRows(data, 'vigil_hidden_probe')).toEqual([])
    const hidden = data.filter((row) => row.query === '<insufficient privilege>')
    expect(hidden.length).toBeGreaterThan(0)
    expect(hidden.every((row) => row.queryid === null && row.rolname !== 'vigil_plain')).toBe(true)
    expect(hidden.map((row) => row.rolname)).toContain(pg.superuser)
    expect(probeRows(data, 'vigil_own_probe')).toMatchObject([{ rolname: 'vigil_plain', calls: 1 }])
  })

  it('answers not_found (404) in a database where the extension is not created, saying what to run', async () => {
    await pg.createDatabase('no_pgss')
    const monitor = await connect(monitorRole.connectionConfig('no_pgss'))
    const error = await refusal(getStatements(monitor))
    expect(error.code).toBe('not_found')
    expect(error.message).toBe(
      'pg_stat_statements not enabled on database no_pgss: the extension is not created there. ' +
        'Run CREATE EXTENSION pg_stat_statements; in database "no_pgss" as a superuser (the module must also be listed in shared_preload_libraries)'
    )
  })

  it('reads an extension left at an old version by pg_upgrade (1.7: total_time, blk_read_time), in its own schema', async () => {
    await pg.createDatabase('legacy_pgss')
    await pg.query('CREATE SCHEMA "Stats"', [], 'legacy_pgss')
    await pg.query(`CREATE EXTENSION pg_stat_statements VERSION '1.7' SCHEMA "Stats"`, [], 'legacy_pgss')
    const { rows: columns } = await pg.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'Stats' AND table_name = 'pg_stat_statements'",
      [],
      'legacy_pgss'
    )
    expect(columns.map((column) => column.column_name)).toEqual(expect.arrayContaining(['total_time', 'blk_read_time']))
    expect(columns.map((column) => column.column_name)).not.toContain('total_exec_time')

    await pg.query('SELECT 3 AS vigil_legacy_probe', [], 'legacy_pgss')
    const monitor = await connect(monitorRole.connectionConfig('legacy_pgss'))
    // The schema is not open to everyone, as public is: the refusal names the grant.
    const error = await refusal(getStatements(monitor))
    expect(error.code).toBe('forbidden')
    expect(error.message).toBe(
      `Role 'vigil_monitor' may not read pg_stat_statements: it needs USAGE on schema "Stats", where the extension is installed (GRANT USAGE ON SCHEMA "Stats" TO "vigil_monitor")`
    )
    await pg.query('GRANT USAGE ON SCHEMA "Stats" TO vigil_monitor', [], 'legacy_pgss')
    const { data } = await getStatements(monitor)
    const [probe] = probeRows(data, 'vigil_legacy_probe')
    expect(Object.keys(probe!)).toEqual(STATEMENT_KEYS)
    expect(probe).toMatchObject({ datname: 'legacy_pgss', calls: 1, rows: 1 })
    expect(probe!.total_time).toBeGreaterThan(0)
  })

  // Last: it restarts the server without the module.
  it('answers not_found (404) when the module is not in shared_preload_libraries, saying what to change', async () => {
    await pg.query("ALTER SYSTEM SET shared_preload_libraries = 'plpgsql'")
    await pg.restart()
    const monitor = await connect(monitorRole.connectionConfig())
    const error = await refusal(getStatements(monitor))
    expect(error.code).toBe('not_found')
    expect(error.message).toBe(
      'pg_stat_statements not enabled on database postgres: the module is not loaded. ' +
        'Add pg_stat_statements to shared_preload_libraries in postgresql.conf and restart PostgreSQL'
    )
  })
})
