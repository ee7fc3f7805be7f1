// The pgconf plugin against a real PostgreSQL cluster on loopback: reads as a pg_monitor role,
// ALTER SYSTEM round trips as the superuser and as a role granted just what it needs, and the
// proof that a refused change leaves postgresql.auto.conf as it was while the others of its
// batch are written.
import { Client, type ClientConfig } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  getCategories,
  getCategory,
  getConfiguration,
  getRestartStatus,
  updateSettings,
  type SettingChange,
  type SettingRow
} from '../../src/main/postgres/pgconf/settings'
import { settingValueProblem } from '../../src/shared/pgconf/setting-values'
import { alterSystemSql, settingsLookupSql } from '../../src/main/postgres/pgconf/update'
import { AppError } from '../../src/shared/errors'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'

/** The agent's fields of a setting, in its order. */
const ROW_KEYS = ['context', 'enumvals', 'max_val', 'vartype', 'boot_val', 'reset_val', 'unit', 'desc', 'name', 'min_val', 'setting', 'setting_raw', 'pending_restart']

describe('pgconf plugin', () => {
  let pg: Postgres
  let monitorRole: RoleCredentials
  let admin: Client
  let monitor: Client
  const clients: Client[] = []

  /** A session kept open by the test, with a listener on 'error' for its whole life (see the helper). */
  async function connect(config: ClientConfig): Promise<Client> {
    const client = new Client(config)
    clients.push(client)
    client.on('error', () => undefined)
    await client.connect()
    return client
  }

  async function autoConf(): Promise<string> {
    const { rows } = await admin.query<{ text: string }>("SELECT pg_read_file('postgresql.auto.conf') AS text")
    return rows[0]!.text
  }

  /** What PostgreSQL reads from postgresql.auto.conf (pg_file_settings reads the files as they are now). */
  async function autoConfSettings(): Promise<unknown[]> {
    const { rows } = await admin.query(
      "SELECT name, setting, applied, error FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno"
    )
    return rows
  }

  async function show(client: Client, name: string): Promise<string> {
    const { rows } = await client.query<{ value: string }>('SELECT current_setting($1) AS value', [name])
    return rows[0]!.value
  }

  async function rowOf(client: Client, name: string): Promise<SettingRow> {
    const row = (await getConfiguration(client)).flatMap((group) => group.rows).find((candidate) => candidate.name === name)
    if (!row) throw new Error(`no setting ${name}`)
    return row
  }

  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    try {
      await promise
    } catch (error) {
      if (error instanceof AppError) return error
      throw error
    }
    throw new Error('the update was accepted, a refusal was expected')
  }

  beforeAll(async () => {
    pg = await startPostgres()
    monitorRole = await pg.createRole('vigil_monitor', 'monitor-secret', ['pg_monitor'])
    admin = await connect(pg.connectionConfig())
    monitor = await connect(monitorRole.connectionConfig())
  })

  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)))
    await pg?.stop()
  })

  it('lists every setting by category as a pg_monitor role, with the documented fields and types', async () => {
    const configuration = await getConfiguration(monitor)
    const { rows: expected } = await admin.query<{ name: string; category: string }>('SELECT name, category FROM pg_settings ORDER BY category, name')
    // pg_monitor includes pg_read_all_settings: it sees the superuser-only settings too.
    expect(configuration.flatMap((group) => group.rows.map((row) => row.name))).toEqual(expected.map((row) => row.name))
    expect(configuration.map((group) => group.category)).toEqual([...new Set(expected.map((row) => row.category))])

    const rows = configuration.flatMap((group) => group.rows)
    for (const row of rows) expect(Object.keys(row)).toEqual(ROW_KEYS)
    const named = (name: string) => rows.find((row) => row.name === name)
    expect(named('autovacuum')).toEqual({
      context: 'sighup',
      enumvals: null,
      max_val: null,
      vartype: 'bool',
      boot_val: 'on',
      reset_val: 'on',
      unit: null,
      desc: 'Starts the autovacuum subprocess.',
      name: 'autovacuum',
      min_val: null,
      setting: 'on',
      setting_raw: 'on',
      pending_restart: 'f'
    })
    expect(named('shared_buffers')).toMatchObject({
      context: 'postmaster',
      vartype: 'integer',
      unit: '8kB',
      min_val: 16,
      max_val: 1073741823,
      // Compiled-in default: 8MB before 15, 128MB since (initdb has always written 128MB).
      boot_val: pg.serverVersionNum >= 150000 ? 16384 : 1024,
      reset_val: 16384,
      setting: 16384,
      setting_raw: '128MB',
      pending_restart: 'f'
    })
    expect(named('random_page_cost')).toMatchObject({ vartype: 'real', setting: 4, min_val: 0, setting_raw: '4' })
    expect(named('log_min_messages')).toMatchObject({
      vartype: 'enum',
      enumvals: '{debug5,debug4,debug3,debug2,debug1,info,notice,warning,error,log,fatal,panic}',
      setting: 'warning'
    })
    expect(named('data_directory')).toMatchObject({ setting: pg.dataDir, context: 'postmaster' })
    // desc is short_desc and extra_desc joined; 18 reworded the latter.
    expect(named('statement_timeout')?.desc).toBe(
      `Sets the maximum allowed duration of any statement. ${pg.serverVersionNum >= 180000 ? '0 disables the timeout.' : 'A value of 0 turns off the timeout.'}`
    )
  })

  it('lists the categories, and the settings of one category, as a pg_monitor role', async () => {
    const configuration = await getConfiguration(monitor)
    expect(await getCategories(monitor)).toEqual({ categories: configuration.map((group) => group.category) })
    expect(await getCategory(monitor, 'Autovacuum')).toEqual(configuration.filter((group) => group.category === 'Autovacuum'))
    const locale = await getCategory(monitor, 'Client Connection Defaults / Locale and Formatting')
    expect(locale).toHaveLength(1)
    expect(locale[0]!.rows.map((row) => row.name)).toContain('lc_messages')
    expect(await getCategory(monitor, 'No such category')).toEqual([])
  })

  it('judges values as PostgreSQL does (ALTER SYSTEM is the referee)', async () => {
    const cases: Array<[name: string, value: string]> = [
      // Not '': that is a reset (ALTER SYSTEM RESET), which any writable setting takes.
      ...['64', '4MB', '1.5GB', ' 128 MB ', '65536B', '1e3', '.5MB', '0x100', '32kB', '010', '3TB', '12XB', '4mb', '5min', 'abc', '08', ' .5MB'].map(
        (value): [string, string] => ['work_mem', value]
      ),
      ['shared_buffers', '128MB'],
      ['shared_buffers', '64kB'],
      ['shared_buffers', '1.5kB'],
      ['statement_timeout', '5min'],
      ['statement_timeout', '250us'],
      ['statement_timeout', '5m'],
      ['statement_timeout', '5 minutes'],
      ['checkpoint_timeout', '10s'],
      ['checkpoint_timeout', '2d'],
      ['checkpoint_timeout', '500ms'],
      ['checkpoint_timeout', '30000ms'],
      ['max_connections', '1.5'],
      ['max_connections', '100kB'],
      ['vacuum_cost_delay', '1.5ms'],
      ['vacuum_cost_delay', '0x10'],
      ['vacuum_cost_delay', '500us'],
      ['vacuum_cost_delay', '150'],
      ['vacuum_cost_delay', '1s'],
      ['random_page_cost', 'inf'],
      ['random_page_cost', 'nan'],
      ['random_page_cost', '0x1p2'],
      ['random_page_cost', '1ms'],
      ...['of', 'o', ' on', 'TRUE', 'tru', 'offf', '1', '2'].map((value): [string, string] => ['autovacuum', value]),
      ['log_min_messages', 'WARNING'],
      ['log_min_messages', 'fancy'],
      ['search_path', '"$user", public'],
      ['shared_preload_libraries', 'pg_stat_statements, auto_explain'],
      ['TimeZone', 'UTC'],
      ['block_size', '8192']
    ]
    const names = [...new Set(cases.map(([name]) => name.toLowerCase()))]
    const { rows } = await admin.query(settingsLookupSql(pg.serverVersionNum), [names])
    const definitions = new Map(rows.map((row) => [row.name, row]))
    const verdicts: Array<[string, string, boolean, boolean]> = []
    for (const [name, value] of cases) {
      const ours = settingValueProblem(definitions.get(name), value) === null
      const theirs = await admin.query(alterSystemSql(name, value)).then(
        () => true,
        () => false
      )
      verdicts.push([name, value, ours, theirs])
    }
    await admin.query('ALTER SYSTEM RESET ALL')
    expect(verdicts.filter(([, , ours, theirs]) => ours !== theirs)).toEqual([])
    expect(verdicts.filter(([, , ours]) => ours).length).toBeGreaterThan(10)
    expect(verdicts.filter(([, , ours]) => !ours).length).toBeGreaterThan(10)
  })

  it('changes work_mem with ALTER SYSTEM as the superuser, reloads, and answers with the previous setting', async () => {
    const before = await show(admin, 'work_mem')
    const result = await updateSettings(admin, pg.serverVersionNum, [{ name: 'work_mem', setting: '8MB' }])
    expect(result).toEqual({ settings: [{ setting: '8MB', restart: false, name: 'work_mem', previous_setting: before }] })
    expect(await autoConf()).toContain("work_mem = '8MB'")
    // The update returns once its session runs with the reloaded configuration.
    expect(await rowOf(admin, 'work_mem')).toMatchObject({ setting: 8192, setting_raw: '8MB', pending_restart: 'f' })
    // Every session gets the reload; the monitor's applies it before its next statement.
    await expect.poll(() => rowOf(monitor, 'work_mem'), { timeout: 5_000, interval: 10 }).toMatchObject({ setting: 8192, setting_raw: '8MB' })
  })

  it('changes shared_buffers: restart is true and the setting waits for a restart, until set back', async () => {
    const result = await updateSettings(admin, pg.serverVersionNum, [{ name: 'shared_buffers', setting: '256MB' }])
    expect(result).toEqual({ settings: [{ setting: '256MB', restart: true, name: 'shared_buffers', previous_setting: '128MB' }] })

    const status = await getRestartStatus(admin)
    expect(status.restart_pending).toBe(true)
    expect(status.restart_changes.map((row) => row.name)).toEqual(['shared_buffers'])
    expect(status.restart_changes[0]).toMatchObject({ setting: 16384, setting_raw: '128MB', pending_restart: 't', context: 'postmaster' })
    expect(await rowOf(admin, 'shared_buffers')).toMatchObject({ pending_restart: 't' })
    await expect.poll(() => getRestartStatus(monitor), { timeout: 5_000, interval: 10 }).toEqual(status)

    // The running value again: nothing waits for a restart any more.
    const back = await updateSettings(admin, pg.serverVersionNum, [{ name: 'shared_buffers', setting: '16384' }])
    expect(back).toEqual({ settings: [{ setting: '16384', restart: false, name: 'shared_buffers', previous_setting: '128MB' }] })
    expect(await getRestartStatus(admin)).toEqual({ restart_changes: [], restart_pending: false })
  })

  it('refuses a bad value alone without writing anything, and writes the rest of a batch around bad values', async () => {
    const fileBefore = await autoConf()
    const settingsBefore = await autoConfSettings()
    const workMemBefore = await show(admin, 'work_mem')
    const refused: Array<[SettingChange, RegExp]> = [
      [{ name: 'no_such_setting', setting: '1' }, /^Unknown setting 'no_such_setting': there is no such parameter in pg_settings \(nothing was changed\)$/],
      [{ name: 'autovacuum', setting: 'maybe' }, /^Invalid value 'maybe' for setting 'autovacuum': it must be a boolean/],
      [{ name: 'max_connections', setting: 'lots' }, /^Invalid value 'lots' for setting 'max_connections': it must be an integer \(nothing was changed\)$/],
      [{ name: 'random_page_cost', setting: 'fast' }, /^Invalid value 'fast' for setting 'random_page_cost': it must be a number \(nothing was changed\)$/],
      [{ name: 'log_min_messages', setting: 'fancy' }, /^Invalid value 'fancy' for setting 'log_min_messages': it must be one of debug5, /],
      [{ name: 'shared_buffers', setting: '64kB' }, /^Invalid value '64kB' for setting 'shared_buffers': it is 8 × 8kB, below the minimum of 16 × 8kB /],
      [{ name: 'checkpoint_timeout', setting: '2d' }, /^Invalid value '2d' for setting 'checkpoint_timeout': it is 172800 s, above the maximum of 86400 s /],
      [{ name: 'statement_timeout', setting: '5 minutes' }, /'minutes' is not a unit of this setting: valid units are d, h, min, s, ms, us /],
      [{ name: 'search_path', setting: 'public, ' }, /^Invalid value 'public, ' for setting 'search_path': it must be a comma-separated list of names/],
      // (At its own value a read-only setting is unchanged, so the round trip of its category passes.)
      [{ name: 'block_size', setting: '4096' }, /^Invalid value '4096' for setting 'block_size': the setting is read-only \(context internal/]
    ]
    for (const [bad, says] of refused) {
      const error = await refusal(updateSettings(admin, pg.serverVersionNum, [bad]))
      expect(error.code).toBe('validation')
      expect(error.message).toMatch(says)
      expect(error.issues?.map((issue) => issue.field)).toEqual([bad.name === 'no_such_setting' ? 'settings[0].name' : 'settings[0].setting'])
    }
    const both = await refusal(
      updateSettings(admin, pg.serverVersionNum, [
        { name: 'autovacuum', setting: 'maybe' },
        { name: 'work_mem', setting: '1PB' }
      ])
    )
    expect(both.issues).toHaveLength(2)
    expect(both.message).toMatch(/'autovacuum'.*; .*'work_mem'/)
    expect(await autoConf()).toBe(fileBefore)
    expect(await autoConfSettings()).toEqual(settingsBefore)
    expect(await show(admin, 'work_mem')).toBe(workMemBefore)

    const batch = await updateSettings(admin, pg.serverVersionNum, [
      { name: 'autovacuum', setting: 'maybe' },
      { name: 'work_mem', setting: '16MB' },
      { name: 'no_such_setting', setting: '1' }
    ])
    expect(batch).toEqual({
      settings: [{ setting: '16MB', restart: false, name: 'work_mem', previous_setting: workMemBefore }],
      errors: [
        { name: 'autovacuum', setting: 'maybe', error: expect.stringMatching(/^Invalid value 'maybe' for setting 'autovacuum': it must be a boolean/) },
        { name: 'no_such_setting', setting: '1', error: "Unknown setting 'no_such_setting': there is no such parameter in pg_settings" }
      ]
    })
    expect(await show(admin, 'work_mem')).toBe('16MB')
    expect(await autoConf()).toContain("work_mem = '16MB'")
    await updateSettings(admin, pg.serverVersionNum, [{ name: 'work_mem', setting: workMemBefore }])
    expect(await show(admin, 'work_mem')).toBe(workMemBefore)
  })

  it('leaves a setting already at the value asked for alone, unless forced or waiting for a restart', async () => {
    const fileBefore = await autoConf()
    const current = await show(admin, 'maintenance_work_mem')
    expect(await updateSettings(admin, pg.serverVersionNum, [{ name: 'maintenance_work_mem', setting: current }])).toEqual({ settings: [] })
    expect(await autoConf()).toBe(fileBefore)
    const forced = await updateSettings(admin, pg.serverVersionNum, [{ name: 'maintenance_work_mem', setting: current, force: true }])
    expect(forced.settings).toEqual([{ setting: current, restart: false, name: 'maintenance_work_mem', previous_setting: current }])
    expect(await autoConf()).toContain(`maintenance_work_mem = '${current}'`)
    const reset = await updateSettings(admin, pg.serverVersionNum, [{ name: 'maintenance_work_mem', setting: '' }])
    expect(reset.settings).toEqual([{ setting: '', restart: false, name: 'maintenance_work_mem', previous_setting: current }])
    expect(await autoConf()).toBe(fileBefore)
    // Nothing left to reset.
    expect(await updateSettings(admin, pg.serverVersionNum, [{ name: 'maintenance_work_mem', setting: '' }])).toEqual({ settings: [] })
  })

  it('reports a value only PostgreSQL can judge, and writes the rest of its batch', async () => {
    const fileBefore = await autoConf()
    const alone = await refusal(updateSettings(admin, pg.serverVersionNum, [{ name: 'timezone', setting: 'Nowhere/Else' }]))
    expect(alone.code).toBe('validation')
    expect(alone.message).toBe(`PostgreSQL refused 'Nowhere/Else' for setting 'TimeZone': invalid value for parameter "TimeZone": "Nowhere/Else" (nothing was changed)`)
    expect(await autoConf()).toBe(fileBefore)

    const partial = await updateSettings(admin, pg.serverVersionNum, [
      { name: 'statement_timeout', setting: '1min' },
      { name: 'TimeZone', setting: 'Nowhere/Else' }
    ])
    expect(partial.settings.map((setting) => setting.name)).toEqual(['statement_timeout'])
    expect(partial.errors).toEqual([
      { name: 'TimeZone', setting: 'Nowhere/Else', error: `PostgreSQL refused 'Nowhere/Else' for setting 'TimeZone': invalid value for parameter "TimeZone": "Nowhere/Else"` }
    ])
    expect(await autoConf()).toContain("statement_timeout = '1min'")
    await admin.query('ALTER SYSTEM RESET statement_timeout')
    await admin.query('SELECT pg_reload_conf()')
    expect(await autoConf()).toBe(fileBefore)
  })

  it("refuses a pg_monitor role's change with the privileges it lacks, changing nothing", async () => {
    const fileBefore = await autoConf()
    const error = await refusal(updateSettings(monitor, pg.serverVersionNum, [{ name: 'work_mem', setting: '16MB' }]))
    expect(error.code).toBe('forbidden')
    const alterSystem =
      pg.serverVersionNum >= 150000
        ? `ALTER SYSTEM needs superuser or GRANT ALTER SYSTEM ON PARAMETER work_mem TO "vigil_monitor"`
        : 'before PostgreSQL 15, ALTER SYSTEM needs a superuser'
    expect(error.message).toBe(
      `Nothing was changed: role 'vigil_monitor' may not change 'work_mem': ${alterSystem}; ` +
        `role 'vigil_monitor' may not reload the configuration: pg_reload_conf() needs superuser or GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO "vigil_monitor"`
    )
    expect(await autoConf()).toBe(fileBefore)
  })

  it('lets a role granted ALTER SYSTEM on one parameter and pg_reload_conf change that one only (PostgreSQL 15+)', async () => {
    // Before 15 there is no such grant: the previous test covers the superuser-only message.
    if (pg.serverVersionNum < 150000) return
    const tunerRole = await pg.createRole('vigil_tuner', 'tuner-secret', ['pg_monitor'])
    await pg.query('GRANT ALTER SYSTEM ON PARAMETER work_mem TO vigil_tuner')
    await pg.query('GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO vigil_tuner')
    const tuner = await connect(tunerRole.connectionConfig())

    const before = await show(tuner, 'work_mem')
    const result = await updateSettings(tuner, pg.serverVersionNum, [{ name: 'work_mem', setting: '12MB' }])
    expect(result).toEqual({ settings: [{ setting: '12MB', restart: false, name: 'work_mem', previous_setting: before }] })
    expect(await show(tuner, 'work_mem')).toBe('12MB')

    // One setting it may change, one it may not: the first is written, the second reported.
    const mixed = await updateSettings(tuner, pg.serverVersionNum, [
      { name: 'work_mem', setting: '16MB' },
      { name: 'maintenance_work_mem', setting: '128MB' }
    ])
    expect(mixed).toEqual({
      settings: [{ setting: '16MB', restart: false, name: 'work_mem', previous_setting: '12MB' }],
      errors: [
        {
          name: 'maintenance_work_mem',
          setting: '128MB',
          error: `Role 'vigil_tuner' may not change 'maintenance_work_mem': ALTER SYSTEM needs superuser or GRANT ALTER SYSTEM ON PARAMETER maintenance_work_mem TO "vigil_tuner"`
        }
      ]
    })
    const fileBefore = await autoConf()
    const error = await refusal(updateSettings(tuner, pg.serverVersionNum, [{ name: 'maintenance_work_mem', setting: '128MB' }]))
    expect(error.code).toBe('forbidden')
    expect(error.message).toBe(
      `Nothing was changed: role 'vigil_tuner' may not change 'maintenance_work_mem': ALTER SYSTEM needs superuser or GRANT ALTER SYSTEM ON PARAMETER maintenance_work_mem TO "vigil_tuner"`
    )
    expect(await autoConf()).toBe(fileBefore)
  })
})
