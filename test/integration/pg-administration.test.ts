// The administration plugin against a real PostgreSQL cluster: reload through SQL (as a
// superuser, and as a pg_monitor role once granted EXECUTE on pg_reload_conf), and stop, start
// and restart through the command builder's pg_ctl command run by the local runner, as the
// cluster's OS account.
import { Client, type ClientConfig } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalRunner } from '../../src/main/base/exec/local-runner'
import {
  administrationControl,
  controlServer,
  reloadConfiguration,
  type ControlConfig,
  type ShellExec
} from '../../src/main/postgres/administration'
import type { Queryable } from '../../src/main/postgres/queryable'
import type { AppError } from '../../src/shared/errors'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'

/** The error a promise rejects with; a failure if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<AppError> {
  return promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => error as AppError
  )
}

describe('administration plugin', () => {
  let pg: Postgres
  let monitor: RoleCredentials
  let control: ControlConfig
  const clients: Client[] = []
  const runner = new LocalRunner()
  // pg_ctl waits up to 60 s for the server; the runner's limit must be longer.
  const exec: ShellExec = (command) => runner.exec(command, { timeoutMs: 90_000 })

  async function open(config: ClientConfig): Promise<{ client: Client; firstError: Promise<Error & { code?: string }> }> {
    const client = new Client(config)
    clients.push(client)
    const firstError = new Promise<Error>((resolve) => client.on('error', resolve))
    await client.connect()
    return { client, firstError }
  }

  /** Runs fn on a session of its own, as the HTTP layer's pool would. */
  async function withSession<T>(fn: (db: Queryable) => Promise<T>, config: ClientConfig = pg.connectionConfig()): Promise<T> {
    const { client } = await open(config)
    try {
      return await fn(client)
    } finally {
      await client.end()
    }
  }

  async function postmasterStart(): Promise<string> {
    const { rows } = await pg.query<{ started: string }>('SELECT pg_postmaster_start_time()::text AS started')
    return rows[0]!.started
  }

  beforeAll(async () => {
    pg = await startPostgres()
    monitor = await pg.createRole('vigil_monitor', 'monitor-secret', ['pg_monitor'])
    control = {
      method: 'pg_ctl',
      pg_ctl: pg.ctl.pgCtl,
      data_dir: pg.ctl.dataDir,
      log_file: pg.ctl.logFile,
      // initdb and postgres refuse root: as root, the command runs as the cluster's account.
      ...(process.getuid?.() === 0 ? { run_as: pg.ctl.osUser, switch_user: 'runuser' as const } : {})
    }
  })
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)))
    await pg?.stop()
  })

  it('reloads the configuration through pg_reload_conf()', async () => {
    await pg.query("ALTER SYSTEM SET work_mem = '7MB'")
    expect(await withSession(reloadConfiguration)).toEqual({ action: 'reload', state: 'ok' })
    // The postmaster passes the SIGHUP on to its children: new sessions see the setting once it has.
    const deadline = Date.now() + 10_000
    let workMem = ''
    while (workMem !== '7MB' && Date.now() < deadline) workMem = (await pg.query<{ work_mem: string }>('SHOW work_mem')).rows[0]!.work_mem
    expect(workMem).toBe('7MB')
    await pg.query('ALTER SYSTEM RESET work_mem')
  })

  it('tells a pg_monitor role what reload needs, and reloads once it has it', async () => {
    await expect(withSession(reloadConfiguration, monitor.connectionConfig())).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/needs a superuser, or EXECUTE on pg_reload_conf\(\) \(GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf\(\) TO/)
    })
    await pg.query('GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO vigil_monitor')
    expect(await withSession(reloadConfiguration, monitor.connectionConfig())).toEqual({ action: 'reload', state: 'ok' })
  })

  it('answers POST /administration/control bodies as the agent does', async () => {
    const deps = { withSession: <T>(fn: (db: Queryable) => Promise<T>) => withSession(fn), control, exec }
    expect(await administrationControl({ action: 'reload' }, deps)).toEqual({ action: 'reload', state: 'ok' })
    await expect(administrationControl({ action: 'promote' }, deps)).rejects.toMatchObject({ code: 'validation', message: "Parameter 'action' is malformed." })
    await expect(administrationControl({ action: 'restart' }, { ...deps, exec: null })).rejects.toMatchObject({ code: 'validation' })
  })

  it('restarts the cluster with the pg_ctl command it builds', async () => {
    const before = await postmasterStart()
    const { firstError } = await open(pg.connectionConfig())

    expect(await controlServer('restart', control, exec)).toEqual({ action: 'restart', state: 'ok' })

    expect(await firstError).toMatchObject({ code: '57P01' }) // the fast shutdown terminated the open session
    const after = await postmasterStart()
    expect(new Date(after).getTime()).toBeGreaterThan(new Date(before).getTime())
  })

  it('stops and starts the cluster with the pg_ctl commands it builds', async () => {
    expect(await controlServer('stop', control, exec)).toEqual({ action: 'stop', state: 'ok' })
    await expect(pg.query('SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' })

    expect(await controlServer('start', control, exec)).toEqual({ action: 'start', state: 'ok' })
    expect((await pg.query('SELECT 1 AS up')).rows).toEqual([{ up: 1 }])
  })

  it('answers "ko" when PostgreSQL does not come back after a start, or does not go away after a stop, as the agent checks', async () => {
    /** Up when a session opens, or the server answers with anything but "starting up / shutting down". */
    const isUp = async (): Promise<boolean> => {
      const client = new Client(pg.connectionConfig())
      client.on('error', () => undefined)
      try {
        await client.connect()
        await client.end()
        return true
      } catch (error) {
        const code = (error as { code?: string }).code
        return code !== undefined && /^[0-9A-Z]{5}$/.test(code) && code !== '57P03'
      }
    }
    const check = { isUp, timeoutMs: 1_000, intervalMs: 50 }
    // A command that succeeds without doing anything, as a broken unit or script may.
    const noop: ControlConfig = { method: 'custom', command: 'echo {action} >/dev/null' }

    expect(await controlServer('stop', noop, exec, check)).toEqual({ action: 'stop', state: 'ko' })
    expect(await controlServer('stop', control, exec, check)).toEqual({ action: 'stop', state: 'ok' })
    expect(await controlServer('start', noop, exec, check)).toEqual({ action: 'start', state: 'ko' })
    expect(await controlServer('restart', noop, exec, check)).toEqual({ action: 'restart', state: 'ko' })
    expect(await controlServer('start', control, exec, check)).toEqual({ action: 'start', state: 'ok' })
    expect((await pg.query('SELECT 1 AS up')).rows).toEqual([{ up: 1 }])
  })

  it("reports a failing command with pg_ctl's own words", async () => {
    const missing = { ...control, data_dir: `${pg.ctl.dataDir}-missing` }
    const error = await rejection(controlServer('stop', missing, exec))
    expect(error.code).toBe('internal')
    expect(error.message).toMatch(/^The stop command exited with code 1: cd \/ && /)
    expect(error.message).toContain(`-D ${pg.ctl.dataDir}-missing`)
    expect(error.message).toMatch(/pg_ctl: directory ".*-missing" does not exist/)
  })
})
