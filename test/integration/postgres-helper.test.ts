// The throwaway PostgreSQL cluster helper against the real thing: one cluster for the file,
// started by the system's initdb/pg_ctl on a random loopback port.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { promisify } from 'node:util'
import { Client, type ClientConfig, type DatabaseError } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findPostgresBinDir, PG_MAJOR_ENV, startPostgres, type Postgres } from '../helpers/postgres'

const run = promisify(execFile)

describe('startPostgres', () => {
  let pg: Postgres
  const clients: Client[] = []

  beforeAll(async () => {
    pg = await startPostgres()
  })
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)))
    await pg?.stop()
  })

  /**
   * A client kept open by the test. A server shutdown makes it emit 'error' more than once (the
   * server's FATAL, then the closed socket), and an unheard 'error' would crash the run: the
   * listener stays for the client's life; `firstError` is the first one.
   */
  async function connect(config: ClientConfig): Promise<{ client: Client; firstError: Promise<Error> }> {
    const client = new Client(config)
    clients.push(client)
    const firstError = new Promise<Error>((resolve) => client.on('error', resolve))
    await client.connect()
    return { client, firstError }
  }

  async function connectError(config: ClientConfig): Promise<DatabaseError & NodeJS.ErrnoException> {
    const client = new Client(config)
    try {
      await client.connect()
    } catch (err) {
      return err as DatabaseError & NodeJS.ErrnoException
    }
    await client.end()
    throw new Error('connected, but a failure was expected')
  }

  it('runs a supported server with the requested settings, scram-sha-256 over TCP', async () => {
    const version = await pg.query<{ server_version_num: string }>('SHOW server_version_num')
    expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(130000)
    expect(pg.serverVersionNum).toBe(Number(version.rows[0]?.server_version_num))
    // A run of the version matrix tests the major it is labelled with, never a fallback.
    const major = process.env[PG_MAJOR_ENV]
    if (major) expect(Math.floor(pg.serverVersionNum / 10000)).toBe(Number(major))

    const { rows } = await pg.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings
       WHERE name IN ('listen_addresses', 'port', 'max_connections', 'shared_preload_libraries', 'fsync',
                      'synchronous_commit', 'full_page_writes', 'logging_collector', 'data_directory', 'unix_socket_directories')`
    )
    expect(Object.fromEntries(rows.map((row) => [row.name, row.setting]))).toEqual({
      listen_addresses: '127.0.0.1',
      port: String(pg.port),
      max_connections: '300',
      shared_preload_libraries: 'pg_stat_statements',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      logging_collector: 'off',
      data_directory: pg.dataDir,
      unix_socket_directories: pg.socketDir
    })

    const denied = await connectError({ ...pg.connectionConfig(), password: 'not-the-password' })
    expect(denied.code).toBe('28P01') // invalid_password
  })

  it('has pg_stat_statements loaded and counting', async () => {
    await pg.query('SELECT 42 AS vigil_pgss_probe')
    const { rows } = await pg.query<{ calls: string }>(
      "SELECT calls FROM pg_stat_statements WHERE query LIKE '%vigil_pgss_probe%' AND query NOT LIKE '%pg_stat_statements%'"
    )
    expect(rows.map((row) => Number(row.calls))).toEqual([1])
    const total = await pg.query<{ count: string }>('SELECT count(*) FROM pg_stat_statements')
    expect(Number(total.rows[0]?.count)).toBeGreaterThan(0)
  })

  it('creates least-privilege roles: pg_monitor reads other sessions, but cannot ALTER SYSTEM', async () => {
    const monitor = await pg.createRole('vigil_monitor', 'monitor-secret', ['pg_monitor', 'pg_signal_backend'])
    const plain = await pg.createRole('vigil_plain', 'plain-secret')
    // An idle superuser session whose last statement only privileged roles may read.
    const { client: admin } = await connect(pg.connectionConfig())
    const adminPid = (await admin.query<{ pid: number }>("SELECT pg_backend_pid() AS pid, 'vigil-visible' AS marker")).rows[0]?.pid

    const { client: asMonitor } = await connect(monitor.connectionConfig())
    const who = await asMonitor.query<{ user: string; rolsuper: boolean }>(
      'SELECT current_user AS user, rolsuper FROM pg_roles WHERE rolname = current_user'
    )
    expect(who.rows).toEqual([{ user: 'vigil_monitor', rolsuper: false }])
    const seen = await asMonitor.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE pid = $1', [adminPid])
    expect(seen.rows[0]?.query).toContain('vigil-visible')

    const { client: asPlain } = await connect(plain.connectionConfig())
    const hidden = await asPlain.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE pid = $1', [adminPid])
    expect(hidden.rows[0]?.query).toBe('<insufficient privilege>')

    await expect(asMonitor.query("ALTER SYSTEM SET work_mem = '64MB'")).rejects.toMatchObject({ code: '42501' }) // insufficient_privilege
    expect(await connectError({ ...monitor.connectionConfig(), password: 'wrong' })).toMatchObject({ code: '28P01' })
  })

  it('creates databases owned by a given role', async () => {
    await pg.createRole('vigil_owner', 'owner-secret')
    await pg.createDatabase('vigil app', 'vigil_owner')
    const { rows } = await pg.query<{ db: string; owner: string }>('SELECT current_database() AS db, current_user AS owner', [], 'vigil app')
    expect(rows).toEqual([{ db: 'vigil app', owner: pg.superuser }])
    const owner = await pg.query<{ owner: string }>("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'vigil app'")
    expect(owner.rows).toEqual([{ owner: 'vigil_owner' }])
  })

  it('tells how to drive the cluster with pg_ctl from outside', async () => {
    expect(pg.ctl.pgCtl).toBe(`${findPostgresBinDir()}/pg_ctl`)
    expect(pg.ctl.dataDir).toBe(pg.dataDir)
    expect(pg.ctl.osUser).toBe(process.getuid?.() === 0 ? 'postgres' : (await run('id', ['-un'])).stdout.trim())
    // The data dir belongs to that account (initdb made it as that account).
    const { stdout: uid } = await run('id', ['-u', pg.ctl.osUser])
    expect(statSync(pg.dataDir).uid).toBe(Number(uid.trim()))

    const [file, ...args] = pg.ctl.argv(['status'])
    const status = await run(file as string, args)
    expect(status.stdout).toContain('server is running')
    expect(status.stdout).toContain(pg.dataDir)
    const viaShell = await run('sh', ['-c', pg.ctl.shellCommand(['status'])])
    expect(viaShell.stdout).toContain('server is running')
  })

  it('restart() terminates sessions and keeps the data', async () => {
    await pg.query('CREATE TABLE kept (id int PRIMARY KEY, note text)')
    await pg.query('INSERT INTO kept VALUES (1, $1)', ['survives a restart'])
    const { client: held, firstError } = await connect(pg.connectionConfig())
    const before = (await held.query<{ pid: number; started: Date }>('SELECT pg_backend_pid() AS pid, pg_postmaster_start_time() AS started')).rows[0]

    await pg.restart()

    // Fast shutdown tells every session why it ends: admin_shutdown.
    expect(await firstError).toMatchObject({ code: '57P01' })
    const after = (await pg.query<{ pid: number; started: Date }>('SELECT pg_backend_pid() AS pid, pg_postmaster_start_time() AS started')).rows[0]
    expect(after?.pid).not.toBe(before?.pid)
    expect(after?.started.getTime()).toBeGreaterThan(before?.started.getTime() ?? Infinity)
    expect((await pg.query('SELECT id, note FROM kept')).rows).toEqual([{ id: 1, note: 'survives a restart' }])
    // Still preloaded after the restart.
    expect((await pg.query('SELECT count(*) FROM pg_stat_statements')).rowCount).toBe(1)
  })

  it('stop() leaves no postmaster, no listener and no files; a second stop() is a no-op', async () => {
    const postmasterPid = Number(readFileSync(`${pg.dataDir}/postmaster.pid`, 'utf8').split('\n')[0])
    expect(postmasterPid).toBeGreaterThan(0)

    await pg.stop()

    const refused = await connectError({ ...pg.connectionConfig(), connectionTimeoutMillis: 5_000 })
    expect(refused.code).toBe('ECONNREFUSED')
    // A zombie waiting for its reaper has an empty command line; a live postmaster does not.
    const cmdline = existsSync(`/proc/${postmasterPid}/cmdline`) ? readFileSync(`/proc/${postmasterPid}/cmdline`, 'utf8') : ''
    expect(cmdline).not.toContain(pg.dataDir)
    expect(existsSync(pg.socketDir)).toBe(false)
    await expect(pg.stop()).resolves.toBeUndefined()
  })
})
