// SQL models (platform-api.md "dbt Operations", issue 17 item 4) against Vigil's real API on a
// data dir with two servers' hour of metrics: models kept as files, refs run in dependency
// order, cascade, a cycle and an unknown ref refused with 400, a model that tries to write the
// store fails and the store is unchanged, view and table materializations, dbt_failures in the
// platform health, the runs in the activity log and on /ws.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { PlatformEvent } from '../../src/shared/platform'
import { startApi, type TestApi } from '../helpers/api'
import { seedHistory } from '../helpers/seed-history'
import { makeTempDir } from '../helpers/temp-dir'

type DbtEvent = Extract<PlatformEvent, { model: string }>

let api: TestApi
let temp: { dir: string; remove: () => void }
let events: Events

/** Every dbt_* message of /ws, and a way to wait for one. */
class Events {
  readonly seen: DbtEvent[] = []
  private waiters: Array<{ match: (event: DbtEvent) => boolean; resolve: (event: DbtEvent) => void }> = []

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as PlatformEvent
      if (!('model' in event)) return
      this.seen.push(event)
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(event)) return true
        waiter.resolve(event)
        return false
      })
    })
  }

  /** The first run end (completed or failed) of `model` after the `after`-th event seen. */
  end(model: string, after: number): Promise<DbtEvent> {
    const match = (event: DbtEvent) => event.model === model && (event.type === 'dbt_run_completed' || event.type === 'dbt_run_failed')
    const found = this.seen.slice(after).find(match)
    if (found) return Promise.resolve(found)
    return new Promise((resolve) => this.waiters.push({ match, resolve }))
  }
}

const put = (name: string, body: unknown) => api.request('PUT', `/api/dbt/models/${name}`, { body })
/** Runs a model and waits for `last` (default: the model itself) to end; answers the run's answer and the events since. */
async function run(name: string, options: { cascade?: boolean; last?: string } = {}) {
  const mark = events.seen.length
  const answer = await api.request('POST', `/api/dbt/models/${name}/run${options.cascade === false ? '?cascade=false' : ''}`)
  expect(answer.status).toBe(200)
  const end = await events.end(options.last ?? name, mark)
  await api.app.models.settled()
  return { answer: answer.body, end, events: events.seen.slice(mark) }
}
const model = async (name: string) => (await api.request('GET', `/api/dbt/models/${name}`)).body

beforeAll(async () => {
  temp = makeTempDir()
  const end = Date.now() - 60_000
  await seedHistory(temp.dir, { hostname: 'web-01', ip_address: '192.0.2.1', intervalSeconds: 10, spanMs: 3_600_000, end })
  await seedHistory(temp.dir, { hostname: 'db-01', ip_address: '192.0.2.2', intervalSeconds: 10, spanMs: 3_600_000, end })
  api = await startApi({ dataDir: temp.dir })
  const socket = new WebSocket(`${api.url.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${api.token}` } })
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  events = new Events(socket)
})
afterAll(async () => {
  events?.socket.close()
  await api?.close()
  temp?.remove()
})

describe('keeping models', () => {
  it('writes a model as a file with its header, and lists it in the spec’s shape', async () => {
    const saved = await put('cpu_by_server', {
      sql: 'SELECT server, avg(us) AS cpu_user, count(*) AS samples\nFROM vigil.vmstat\nGROUP BY server',
      description: 'Average user CPU per server over the last day',
      materialization: 'table'
    })
    expect(saved.status).toBe(200)
    const file = readFileSync(join(temp.dir, 'models', 'cpu_by_server.sql'), 'utf8')
    expect(file).toBe(
      '-- description: Average user CPU per server over the last day\n-- materialization: table\nSELECT server, avg(us) AS cpu_user, count(*) AS samples\nFROM vigil.vmstat\nGROUP BY server\n'
    )
    const list = await api.request('GET', '/api/dbt/models')
    expect(list.status).toBe(200)
    expect(list.body.models).toContainEqual({
      name: 'cpu_by_server',
      description: 'Average user CPU per server over the last day',
      database: 'models',
      schema: 'main',
      depends_on: [],
      materialization: 'table',
      status: 'not_run',
      file: 'models/cpu_by_server.sql',
      schedule: null,
      last_run: null,
      time_limit_seconds: 300
    })
  })

  it('lists a file written by hand (no header: a view)', async () => {
    writeFileSync(join(temp.dir, 'models', 'hand_written.sql'), 'SELECT 1 AS one\n')
    expect(await model('hand_written')).toMatchObject({ name: 'hand_written', materialization: 'view', description: '', sql: 'SELECT 1 AS one' })
    expect((await api.request('DELETE', '/api/dbt/models/hand_written')).status).toBe(200)
    expect(existsSync(join(temp.dir, 'models', 'hand_written.sql'))).toBe(false)
  })

  it('refuses bad names and bad input with 400 {"detail"}', async () => {
    for (const [name, body, detail] of [
      ['Bad-Name', { sql: 'SELECT 1' }, /not a model name/],
      ['vigil_runs', { sql: 'SELECT 1' }, /Vigil's or SQLite's own/],
      ['ok_name', { sql: '' }, /sql/],
      ['ok_name', { sql: 'SELECT 1', materialization: 'ephemeral' }, /materialization/],
      ['ok_name', { sql: 'SELECT 1', extra: 1 }, /extra/],
      ['ok_name', { sql: "SELECT * FROM {{ source('x') }}" }, /Unknown template expression/],
      ['ok_name', { sql: 'SELECT 1', schedule: 'hourly' }, /schedule/]
    ] as const) {
      const answer = await put(name, body)
      expect(answer.status, name).toBe(400)
      expect(Object.keys(answer.body)).toEqual(['detail'])
      expect(answer.body.detail).toMatch(detail)
    }
    expect((await api.request('GET', '/api/dbt/models/nope')).status).toBe(404)
  })

  it('refuses an unknown ref and a cycle with a clear 400', async () => {
    const unknown = await put('uses_missing', { sql: "SELECT * FROM {{ ref('missing_model') }}" })
    expect(unknown.status).toBe(400)
    expect(unknown.body.detail).toMatch(/'uses_missing' refers to 'missing_model', which is not a model/)

    expect((await put('cycle_a', { sql: 'SELECT 1 AS x' })).status).toBe(200)
    expect((await put('cycle_b', { sql: "SELECT x FROM {{ ref('cycle_a') }}" })).status).toBe(200)
    const cycle = await put('cycle_a', { sql: "SELECT x FROM {{ ref('cycle_b') }}" })
    expect(cycle.status).toBe(400)
    expect(cycle.body.detail).toMatch(/cycle: cycle_a → cycle_b → cycle_a/)
    const self = await put('cycle_self', { sql: "SELECT * FROM {{ ref('cycle_self') }}" })
    expect(self.status).toBe(400)
    // The refused change left the file as it was.
    expect((await model('cycle_a')).sql).toBe('SELECT 1 AS x')
    // A model others refer to is not deleted from under them.
    const refused = await api.request('DELETE', '/api/dbt/models/cycle_a')
    expect(refused.status).toBe(400)
    expect(refused.body.detail).toMatch(/referred to by cycle_b/)
    expect((await api.request('DELETE', '/api/dbt/models/cycle_b')).status).toBe(200)
    expect((await api.request('DELETE', '/api/dbt/models/cycle_a')).status).toBe(200)
  })
})

describe('running models', () => {
  it('builds a table over the store’s metrics: rows, duration, status, /ws events', async () => {
    const { answer, end, events: seen } = await run('cpu_by_server')
    expect(answer).toEqual({
      success: true,
      message: "dbt model 'cpu_by_server' run started",
      model_name: 'cpu_by_server',
      started_at: expect.stringMatching(/Z$/),
      models: ['cpu_by_server']
    })
    expect(end).toMatchObject({ type: 'dbt_run_completed', model: 'cpu_by_server', rows: 2 })
    expect(seen.map((event) => event.type)).toEqual(['dbt_run_started', 'dbt_run_completed'])
    const built = await model('cpu_by_server')
    expect(built.status).toBe('success')
    expect(built.last_run).toMatchObject({ status: 'success', rows: 2, error: null, trigger: 'manual' })
    const rows = await api.request('GET', '/api/dbt/models/cpu_by_server/rows')
    expect(rows.body.columns).toEqual(['server', 'cpu_user', 'samples'])
    expect(rows.body.total).toBe(2)
    expect(rows.body.rows.map((row: unknown[]) => row[0]).sort()).toEqual(['db-01', 'web-01'])
    // An hour at 10 s: 360 samples a server, give or take the edges.
    for (const row of rows.body.rows) expect(row[2]).toBeGreaterThanOrEqual(355)
  })

  it('runs refs in dependency order, and with cascade the models downstream', async () => {
    expect((await put('busy_servers', { sql: "SELECT server, cpu_user FROM {{ ref('cpu_by_server') }} WHERE cpu_user > 0", materialization: 'view' })).status).toBe(200)
    expect((await put('busy_count', { sql: "SELECT count(*) AS n FROM {{ ref( \"busy_servers\" ) }}", materialization: 'table' })).status).toBe(200)
    expect((await model('busy_count')).depends_on).toEqual(['busy_servers'])
    expect((await model('cpu_by_server')).dependants).toEqual(['busy_servers'])

    const cascade = await run('cpu_by_server', { last: 'busy_count' })
    expect(cascade.answer.models).toEqual(['cpu_by_server', 'busy_servers', 'busy_count'])
    expect(cascade.events.map((event) => `${event.type} ${event.model}`)).toEqual([
      'dbt_run_started cpu_by_server',
      'dbt_run_completed cpu_by_server',
      'dbt_run_started busy_servers',
      'dbt_run_completed busy_servers',
      'dbt_run_started busy_count',
      'dbt_run_completed busy_count'
    ])
    expect((await api.request('GET', '/api/dbt/models/busy_count/rows')).body.rows).toEqual([[2]])
    expect((await model('busy_servers')).last_run.trigger).toBe('cascade')

    const alone = await run('cpu_by_server', { cascade: false })
    expect(alone.answer.models).toEqual(['cpu_by_server'])
    expect(alone.events.map((event) => event.model)).toEqual(['cpu_by_server', 'cpu_by_server'])
  })

  it('materializes a view as a view and a table as a table (in models.db, apart from vigil.db)', async () => {
    const db = api.app.models.database.db
    expect(db.prepare("SELECT type FROM sqlite_temp_master WHERE name = 'busy_servers'").pluck().get()).toBe('view')
    expect(db.prepare("SELECT type FROM main.sqlite_master WHERE name = 'busy_count'").pluck().get()).toBe('table')
    expect(api.app.db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('busy_count', 'cpu_by_server')").pluck().get()).toBe(0)
    // A table keeps what it was built with; a view reads its ref at each read.
    expect((await put('busy_servers', { sql: "SELECT server FROM {{ ref('cpu_by_server') }} WHERE cpu_user < 0", materialization: 'view' })).status).toBe(200)
    await run('busy_servers', { cascade: false })
    expect((await api.request('GET', '/api/dbt/models/busy_servers/rows')).body.total).toBe(0)
    expect((await api.request('GET', '/api/dbt/models/busy_count/rows')).body.rows).toEqual([[2]])
    // Changed to a table, it is one, and the view is gone.
    expect((await put('busy_servers', { sql: "SELECT server FROM {{ ref('cpu_by_server') }}", materialization: 'table' })).status).toBe(200)
    await run('busy_servers', { last: 'busy_count' })
    expect(db.prepare("SELECT count(*) FROM sqlite_temp_master WHERE name = 'busy_servers'").pluck().get()).toBe(0)
    expect(db.prepare("SELECT type FROM main.sqlite_master WHERE name = 'busy_servers'").pluck().get()).toBe('table')
  })

  it('exports a model as CSV', async () => {
    const csv = await api.request('GET', '/api/dbt/models/busy_servers/csv')
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(csv.text.split('\r\n').filter(Boolean).sort()).toEqual(['db-01', 'server', 'web-01'])
  })

  it('a model that tries to write the store fails, and the store is unchanged', async () => {
    const servers = (await api.request('GET', '/api/servers?per_page=100')).body
    for (const sql of ['DELETE FROM vigil.servers', 'DROP TABLE vigil.servers', "INSERT INTO vigil.servers (id) VALUES ('x')", "UPDATE vigil.servers SET hostname = 'x'"]) {
      const refused = await put('vandal', { sql })
      expect(refused.status, sql).toBe(400)
      expect(refused.body.detail).toMatch(/only reads/)
    }
    // A WITH … DELETE looks like a query until SQLite compiles it: the run refuses it.
    expect((await put('vandal', { sql: 'WITH doomed AS (SELECT id FROM vigil.servers)\nDELETE FROM vigil.servers WHERE id IN (SELECT id FROM doomed)' })).status).toBe(200)
    const { end } = await run('vandal')
    expect(end).toMatchObject({ type: 'dbt_run_failed', model: 'vandal', error: expect.stringMatching(/not a SELECT: it would write/) })
    // Even a statement run on the models connection cannot reach vigil.db: `vigil` is a copy in memory.
    const db = api.app.models.database.db
    expect(db.prepare("SELECT file FROM pragma_database_list WHERE name = 'vigil'").pluck().get()).toBe('')
    expect(db.prepare('PRAGMA database_list').all().map((row: any) => row.file)).not.toContain(join(temp.dir, 'vigil.db'))
    expect((await api.request('GET', '/api/servers?per_page=100')).body).toEqual(servers)
    expect(api.app.servers.allRows().map((row) => row.hostname).sort()).toEqual(['db-01', 'web-01'])
    expect((await api.request('DELETE', '/api/dbt/models/vandal')).status).toBe(200)
  })

  it('a failing model reports SQLite’s error with its line and column, in dbt_failures and the activity log', async () => {
    expect((await put('broken', { sql: 'SELECT server,\n       avg(no_such_field) AS x\nFROM vigil.vmstat GROUP BY server', materialization: 'table' })).status).toBe(200)
    const { end } = await run('broken')
    expect(end).toMatchObject({ type: 'dbt_run_failed', error: 'no such column: no_such_field (line 2, column 12)' })
    expect((await model('broken')).last_run).toMatchObject({ status: 'error', error_position: { line: 2, column: 12 } })
    expect((await model('broken')).status).toBe('error')
    const health = await api.request('GET', '/api/health/platform')
    expect(health.body.dbt_failures).toEqual([{ model: 'broken', error: 'no such column: no_such_field (line 2, column 12)' }])
    expect(health.body.database.marts_tables).toBe(3)
    expect(health.body.warnings).toContain('Model broken failed: no such column: no_such_field (line 2, column 12)')
    const logs = (await api.request('GET', '/api/logs?limit=500')).body as Array<{ level: string; message: string; source: string | null }>
    expect(logs).toContainEqual(expect.objectContaining({ level: 'ERROR', source: 'model:broken', message: expect.stringMatching(/^Model broken failed: no such column/) }))
    expect(logs).toContainEqual(expect.objectContaining({ level: 'SUCCESS', source: 'model:cpu_by_server', message: expect.stringMatching(/^Model cpu_by_server built: 2 rows in /) }))

    // Fixed, it leaves dbt_failures.
    expect((await put('broken', { sql: 'SELECT server, avg(us) AS x FROM vigil.vmstat GROUP BY server' })).status).toBe(200)
    expect((await run('broken')).end.type).toBe('dbt_run_completed')
    expect((await api.request('GET', '/api/health/platform')).body.dbt_failures).toEqual([])
  })

  it('refuses a second run while one is under way (409)', async () => {
    const first = await api.request('POST', '/api/dbt/models/cpu_by_server/run')
    const second = await api.request('POST', '/api/dbt/models/cpu_by_server/run')
    expect(first.status).toBe(200)
    expect(second.status).toBe(409)
    expect(second.body.detail).toMatch(/already in progress/)
    await api.app.models.settled()
  })
})

describe('schedules', () => {
  it('runs a scheduled model with cascade when it is due, and not before', async () => {
    expect((await put('hourly_servers', { sql: 'SELECT count(*) AS n FROM vigil.servers', materialization: 'table', schedule: '1h' })).status).toBe(200)
    expect(readFileSync(join(temp.dir, 'models', 'hourly_servers.sql'), 'utf8')).toContain('-- schedule: 1h\n')
    expect((await model('hourly_servers')).schedule).toBe('1h')
    const mark = events.seen.length
    expect(api.app.models.runDue()).toBe('hourly_servers')
    expect((await events.end('hourly_servers', mark)).type).toBe('dbt_run_completed')
    await api.app.models.settled()
    expect((await model('hourly_servers')).last_run.trigger).toBe('schedule')
    // Not due again for an hour.
    expect(api.app.models.runDue()).toBeNull()
    expect(api.app.models.runDue(Date.now() + 3_601_000)).toBe('hourly_servers')
    await api.app.models.settled()
    // Unscheduled (null) it stays put.
    expect((await put('hourly_servers', { sql: 'SELECT count(*) AS n FROM vigil.servers', schedule: null })).status).toBe(200)
    expect(api.app.models.runDue(Date.now() + 86_400_000)).toBeNull()
    expect((await api.request('DELETE', '/api/dbt/models/hourly_servers')).status).toBe(200)
  })
})

describe('imported tables', () => {
  it('reads imports.db as the schema `imports` once it exists, and never writes it', async () => {
    // What the imports feature writes for a generic CSV: a raw table in <dataDir>/imports.db.
    const imports = new Database(join(temp.dir, 'imports.db'))
    imports.exec("CREATE TABLE sales (region TEXT, amount REAL); INSERT INTO sales VALUES ('north', 10), ('north', 5), ('south', 7)")
    imports.close()
    expect((await put('sales_by_region', { sql: 'SELECT region, sum(amount) AS total FROM imports.sales GROUP BY region ORDER BY region', materialization: 'table' })).status).toBe(200)
    expect((await run('sales_by_region')).end.type).toBe('dbt_run_completed')
    expect((await api.request('GET', '/api/dbt/models/sales_by_region/rows')).body.rows).toEqual([
      ['north', 15],
      ['south', 7]
    ])
    expect((await put('sales_vandal', { sql: 'WITH x AS (SELECT 1) DELETE FROM imports.sales' })).status).toBe(200)
    expect((await run('sales_vandal')).end.type).toBe('dbt_run_failed')
    const check = new Database(join(temp.dir, 'imports.db'), { readonly: true })
    expect(check.prepare('SELECT count(*) FROM sales').pluck().get()).toBe(3)
    check.close()
    expect((await api.request('DELETE', '/api/dbt/models/sales_vandal')).status).toBe(200)
  })
})

describe('after a restart', () => {
  it('keeps the models, their last runs, their tables, and builds their views again', async () => {
    expect((await put('server_names', { sql: 'SELECT hostname FROM vigil.servers ORDER BY hostname', materialization: 'view' })).status).toBe(200)
    await run('server_names')
    const before = (await api.request('GET', '/api/dbt/models')).body
    events.socket.close()
    await api.close()
    api = await startApi({ dataDir: temp.dir })
    expect((await api.request('GET', '/api/dbt/models')).body).toEqual(before)
    expect((await api.request('GET', '/api/dbt/models/server_names/rows')).body.rows).toEqual([['db-01'], ['web-01']])
    expect((await api.request('GET', '/api/dbt/models/busy_count/rows')).body.rows).toEqual([[2]])
  })
})
