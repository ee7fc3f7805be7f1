// The agent API driven the way its real clients drive it: the temboard UI posts its JSON as
// application/x-www-form-urlencoded (and `curl -d` does the same), scripts send no Content-Type,
// the UI's collector sends the agent key instead of a session, category names come with `+` for
// spaces, and the configuration page posts every setting of a category back, changed or not.
// Against a real PostgreSQL cluster and Vigil's API on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres } from '../helpers/postgres'
import { rawRequest } from '../helpers/raw-http'

let api: TestApi
let pg: Postgres
let instanceId: number
let host: string
const PASSWORD = 'correct horse battery'
const AGENT_KEY = 'f0e1d2c3b4a5968778695a4b3c2d1e0f'

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  host = new URL(api.url).host
  // The superuser: pgconf writes with ALTER SYSTEM.
  const created = await api.request('POST', '/api/postgres-instances/', {
    body: { name: 'local', host: '127.0.0.1', port: pg.port, username: pg.superuser, password: pg.password, agent_key: AGENT_KEY }
  })
  expect(created.status).toBe(201)
  instanceId = created.body.id
  await api.app.users.add('alice', PASSWORD)
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})

/** A request as a client other than fetch would send it: any Content-Type, or none. */
async function send(method: string, path: string, options: { body?: string; type?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { Host: host, ...options.headers }
  if (options.type !== null && options.body !== undefined) headers['Content-Type'] = options.type ?? 'application/x-www-form-urlencoded'
  const response = await rawRequest(api.url, `/pg/${instanceId}${path}`, headers, method, options.body)
  return { status: response.status, headers: response.headers, text: response.body, body: response.body ? JSON.parse(response.body) : null }
}

async function login(): Promise<string> {
  const answer = await send('POST', '/login', { body: JSON.stringify({ username: 'alice', password: PASSWORD }) })
  expect(answer.status).toBe(200)
  return answer.body.session
}

describe('bodies: JSON whatever the Content-Type', () => {
  it('logs in with the JSON posted as a form (the temboard UI, curl -d), as JSON, and with no Content-Type', async () => {
    const body = JSON.stringify({ username: 'alice', password: PASSWORD })
    for (const type of ['application/x-www-form-urlencoded', 'application/json', 'text/plain', null]) {
      const answer = await send('POST', '/login', { body, type })
      expect(answer, String(type)).toMatchObject({ status: 200, body: { session: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    }
  })

  it('answers 400 "Invalid json format" for a body that is not JSON, on every route that takes one', async () => {
    const session = await login()
    const posts = ['/login', '/activity/kill', '/administration/control', '/pgconf/configuration', '/dashboard/config', '/maintenance/postgres/vacuum']
    for (const path of posts) {
      for (const [body, type] of [
        ['username=alice&password=x', 'application/x-www-form-urlencoded'],
        ['{"settings": [', 'application/json'],
        ['{bad', null]
      ] as const) {
        const answer = await send('POST', path, { body, type, headers: { 'X-Session': session } })
        expect(answer, `${path} ${type}`).toMatchObject({ status: 400, body: { error: 'Invalid json format' } })
      }
    }
    const cancel = await send('DELETE', '/maintenance/vacuum/0123abcd', { body: '{', headers: { 'X-Session': session } })
    expect(cancel).toMatchObject({ status: 400, body: { error: 'Invalid json format' } })
    const notUtf8 = await rawRequest(api.url, `/pg/${instanceId}/login`, { Host: host, 'Content-Type': 'application/json' }, 'POST', Buffer.from([0x7b, 0xff, 0x7d]))
    expect(notUtf8.status).toBe(400)
    expect(JSON.parse(notUtf8.body)).toEqual({ error: 'Invalid json format' })
  })

  it('takes an empty body as none: the request then says which parameter is missing', async () => {
    const answer = await send('POST', '/login', { body: '' })
    expect(answer).toMatchObject({ status: 406, body: { error: "Parameter 'username' is malformed." } })
  })
})

describe('credentials as the agent takes them', () => {
  it('answers 406 without X-Session, as the agent does, and 401 for an unknown one', async () => {
    expect(await send('GET', '/activity')).toMatchObject({ status: 406, body: { error: "Parameter 'X-Session' is malformed." } })
    expect(await send('GET', '/activity', { headers: { 'X-Session': 'a'.repeat(64) } })).toMatchObject({ status: 401, body: { error: 'Invalid session.' } })
  })

  it('answers /discover and /status without a session, still behind the Host and Origin rules', async () => {
    const discover = await send('GET', '/discover')
    expect(discover.status).toBe(200)
    expect(discover.body).toMatchObject({ pg_port: pg.port, plugins: expect.arrayContaining(['pgconf']) })
    expect((await send('GET', '/status')).body).toMatchObject({ pid: process.pid })
    expect((await send('GET', '/discover', { headers: { Origin: 'http://evil.example' } })).status).toBe(403)
    expect((await send('GET', '/status', { headers: { Host: 'evil.example:80' } })).status).toBe(421)
    expect((await send('GET', '/notifications')).status).toBe(406)
  })

  it('takes the agent key as ?key= or X-TemBoard-Agent-Key where the spec lists it', async () => {
    for (const path of ['/dashboard', '/dashboard/hitratio', '/notifications', '/monitoring/probe/xacts', '/monitoring/probe/wal_files', '/maintenance', '/statements']) {
      expect((await send('GET', `${path}?key=${AGENT_KEY}`)).status, path).toBe(200)
      expect((await send('GET', path, { headers: { 'X-TemBoard-Agent-Key': AGENT_KEY } })).status, path).toBe(200)
      expect(await send('GET', `${path}?key=${AGENT_KEY}x`), path).toMatchObject({ status: 401, body: { error: 'Invalid key.' } })
    }
    // Not where the spec does not list it: the route asks for a session.
    for (const path of ['/activity', '/pgconf/configuration', '/profile']) {
      expect(await send('GET', `${path}?key=${AGENT_KEY}`), path).toMatchObject({ status: 406, body: { error: "Parameter 'X-Session' is malformed." } })
    }
    const control = await send('POST', `/administration/control?key=${AGENT_KEY}`, { body: '{"action": "reload"}' })
    expect(control.status).toBe(406)
    // The UI sends its key next to the session on every call: the session decides.
    const session = await login()
    expect((await send('GET', '/activity', { headers: { 'X-Session': session, 'X-TemBoard-Agent-Key': 'not the key at all' } })).status).toBe(200)
  })

  it('records what the key did as agent-key, and keeps the key hashed, write-only, replaceable and removable', async () => {
    const scheduled = await send('POST', `/maintenance/postgres/analyze?key=${AGENT_KEY}`, { body: '{"datetime": "2099-01-01T00:00:00Z"}' })
    expect(scheduled.status).toBe(200)
    const trail = await send('GET', `/notifications?key=${AGENT_KEY}`)
    expect(trail.body.some((entry: { username: string }) => entry.username === 'agent-key')).toBe(true)
    expect((await send('DELETE', `/maintenance/analyze/${scheduled.body.id}?key=${AGENT_KEY}`)).body).toEqual({ response: 'ok' })

    const shown = await api.request('GET', `/api/postgres-instances/${instanceId}/`)
    expect(shown.body.agent_key_set).toBe(true)
    expect(shown.text).not.toContain(AGENT_KEY)
    const stored = api.app.db.prepare('SELECT agent_key_hash FROM postgres_instances WHERE id = ?').get(instanceId) as { agent_key_hash: string }
    expect(stored.agent_key_hash).toMatch(/^sha256\$/)
    expect(stored.agent_key_hash).not.toContain(AGENT_KEY)

    const short = await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { agent_key: 'too short' } })
    expect(short.status).toBe(400)
    const other = 'another-key-of-16-chars-at-least'
    expect((await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { agent_key: other } })).status).toBe(200)
    expect((await send('GET', `/dashboard/hitratio?key=${AGENT_KEY}`)).status).toBe(401)
    expect((await send('GET', `/dashboard/hitratio?key=${other}`)).status).toBe(200)
    const removed = await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { agent_key: '' } })
    expect(removed.body.agent_key_set).toBe(false)
    expect((await send('GET', `/dashboard/hitratio?key=${other}`)).status).toBe(401)
    await api.request('PUT', `/api/postgres-instances/${instanceId}/`, { body: { agent_key: AGENT_KEY } })
  })
})

describe('pgconf as the temboard UI uses it', () => {
  interface Row {
    name: string
    vartype: string
    setting: string | number | null
    setting_raw: string
    enumvals: string | null
  }
  const autoConf = async (): Promise<string> =>
    (await pg.query<{ text: string }>("SELECT pg_read_file('postgresql.auto.conf') AS text")).rows[0]!.text
  const show = async (name: string): Promise<string> => (await pg.query<{ value: string }>('SELECT current_setting($1) AS value', [name])).rows[0]!.value
  /** What the UI's form holds for a row: the checkbox's on/off, the selected enum option, else the raw value. */
  const formValue = (row: Row): string => {
    if (row.vartype === 'bool' || row.vartype === 'enum') return String(row.setting)
    return row.setting === null ? '' : row.setting_raw
  }
  /** Python's quote_plus, as tornado's url_escape writes a category into the UI's URLs. */
  const quotePlus = (text: string): string => encodeURIComponent(text).replace(/%20/g, '+')

  afterAll(async () => {
    await pg?.query('ALTER SYSTEM RESET ALL').catch(() => undefined)
  })

  it('finds settings with filter, and refuses a malformed one', async () => {
    const session = await login()
    const found = await send('GET', '/pgconf/configuration?filter=WORK_MEM', { headers: { 'X-Session': session } })
    const names = found.body.flatMap((group: { rows: Row[] }) => group.rows.map((row) => row.name))
    expect(names).toEqual(expect.arrayContaining(['work_mem', 'maintenance_work_mem']))
    expect(names).not.toContain('shared_buffers')
    // The description counts too; LIKE's wildcards are plain characters.
    const byDescription = await send('GET', '/pgconf/configuration?filter=shared%20memory%20buffers', { headers: { 'X-Session': session } })
    expect(byDescription.body.flatMap((group: { rows: Row[] }) => group.rows.map((row) => row.name))).toContain('shared_buffers')
    expect((await send('GET', '/pgconf/configuration?filter=%25', { headers: { 'X-Session': session } })).body).toEqual([])
    const bad = await send('GET', '/pgconf/configuration?filter=a%0Ab', { headers: { 'X-Session': session } })
    expect(bad).toMatchObject({ status: 406, body: { error: expect.stringMatching(/^Parameter 'filter' is malformed/) } })
  })

  it('posts a whole category back unchanged but for one setting: only that one is written', async () => {
    const session = await login()
    const headers = { 'X-Session': session }
    // The category of statement_timeout ("Client Connection Defaults / Statement Behavior"), as the UI names it in its URLs.
    const located = await send('GET', '/pgconf/configuration?filter=statement_timeout', { headers })
    const category: string = located.body.find((group: { rows: Row[] }) => group.rows.some((row) => row.name === 'statement_timeout')).category
    expect(category).toContain(' / ')
    const viaPlus = await send('GET', `/pgconf/configuration/category/${quotePlus(category)}`, { headers })
    const viaSlash = await send('GET', `/pgconf/configuration/category/${category.replaceAll(' ', '+')}`, { headers })
    expect(viaPlus.status).toBe(200)
    expect(viaPlus.body).toHaveLength(1)
    expect(viaPlus.body[0].category).toBe(category)
    expect(viaSlash.body).toEqual(viaPlus.body)
    const rows: Row[] = viaPlus.body[0].rows
    expect(rows.length).toBeGreaterThan(10)

    const fileBefore = await autoConf()
    const settings = rows.map((row) => ({ name: row.name, setting: row.name === 'statement_timeout' ? '5min' : formValue(row) }))
    const posted = await send('POST', '/pgconf/configuration', { body: JSON.stringify({ settings }), headers })
    expect(posted.status).toBe(200)
    expect(posted.body).toEqual({ settings: [{ name: 'statement_timeout', setting: '5min', previous_setting: '0', restart: false }] })
    expect(await autoConf()).toBe(`${fileBefore}statement_timeout = '5min'\n`)
    expect(await show('statement_timeout')).toBe('5min')

    // The same form again: nothing to write.
    const again = rows.map((row) => ({ name: row.name, setting: row.name === 'statement_timeout' ? '5min' : formValue(row) }))
    expect((await send('POST', '/pgconf/configuration', { body: JSON.stringify({ settings: again }), headers })).body).toEqual({ settings: [] })
    const trail = await send('GET', '/notifications', { headers })
    expect(trail.body.filter((entry: { message: string }) => entry.message.startsWith('ALTER SYSTEM')).map((entry: { message: string }) => entry.message)).toEqual([
      "ALTER SYSTEM SET statement_timeout = '5min' (was '0')"
    ])
  })

  it('takes the same value in other words as unchanged: 4096kB for 4MB, TRUE for on, a quoted enum option', async () => {
    const session = await login()
    const headers = { 'X-Session': session }
    await pg.query("ALTER SYSTEM SET work_mem = '4MB'")
    await pg.query('SELECT pg_reload_conf()')
    await expect.poll(() => show('work_mem')).toBe('4MB')
    const fileBefore = await autoConf()
    const isolation = await show('default_transaction_isolation')
    const settings = [
      { name: 'work_mem', setting: '4096kB' },
      { name: 'autovacuum', setting: (await show('autovacuum')) === 'on' ? 'TRUE' : 'false' },
      { name: 'default_transaction_isolation', setting: `"${isolation}"` },
      { name: 'DateStyle', setting: await show('DateStyle') }
    ]
    expect((await send('POST', '/pgconf/configuration', { body: JSON.stringify({ settings }), headers })).body).toEqual({ settings: [] })
    expect(await autoConf()).toBe(fileBefore)
  })

  it('resets a setting posted as "" (ALTER SYSTEM RESET), and writes an unchanged one with force', async () => {
    const session = await login()
    const headers = { 'X-Session': session }
    await pg.query("ALTER SYSTEM SET lock_timeout = '7s'")
    await pg.query('SELECT pg_reload_conf()')
    await expect.poll(() => show('lock_timeout')).toBe('7s')

    const reset = await send('POST', '/pgconf/configuration', { body: '{"settings": [{"name": "lock_timeout", "setting": ""}]}', headers })
    expect(reset.body).toEqual({ settings: [{ name: 'lock_timeout', setting: '', previous_setting: '7s', restart: false }] })
    expect(await autoConf()).not.toContain('lock_timeout')
    expect(await show('lock_timeout')).toBe('0')
    // Already at its default: "" is then unchanged.
    expect((await send('POST', '/pgconf/configuration', { body: '{"settings": [{"name": "lock_timeout", "setting": ""}]}', headers })).body).toEqual({ settings: [] })

    const unchanged = '{"settings": [{"name": "lock_timeout", "setting": "0"}]}'
    expect((await send('POST', '/pgconf/configuration', { body: unchanged, headers })).body).toEqual({ settings: [] })
    const forced = await send('POST', '/pgconf/configuration', { body: '{"settings": [{"name": "lock_timeout", "setting": "0", "force": "true"}]}', headers })
    expect(forced.body).toEqual({ settings: [{ name: 'lock_timeout', setting: '0', previous_setting: '0', restart: false }] })
    expect(await autoConf()).toContain("lock_timeout = '0'")
    const badForce = await send('POST', '/pgconf/configuration', { body: '{"settings": [{"name": "lock_timeout", "setting": "0", "force": "yes"}]}', headers })
    expect(badForce).toMatchObject({ status: 406, body: { error: expect.stringContaining('"force" must be "true" or "false"') } })
  })

  it('reports an item it cannot set and sets the others', async () => {
    const session = await login()
    const headers = { 'X-Session': session }
    const before = await show('work_mem')
    const settings = [
      { name: 'block_size', setting: '4096' },
      { name: 'work_mem', setting: '9MB' },
      { name: 'TimeZone', setting: 'Nowhere/Else' },
      { name: 'no_such_setting', setting: '1' }
    ]
    const answer = await send('POST', '/pgconf/configuration', { body: JSON.stringify({ settings }), headers })
    expect(answer.status).toBe(200)
    expect(answer.body.settings).toEqual([{ name: 'work_mem', setting: '9MB', previous_setting: before, restart: false }])
    expect(answer.body.errors).toEqual([
      { name: 'block_size', setting: '4096', error: expect.stringMatching(/^Invalid value '4096' for setting 'block_size': the setting is read-only/) },
      { name: 'TimeZone', setting: 'Nowhere/Else', error: expect.stringMatching(/^PostgreSQL refused 'Nowhere\/Else' for setting 'TimeZone': invalid value for parameter "TimeZone"/) },
      { name: 'no_such_setting', setting: '1', error: "Unknown setting 'no_such_setting': there is no such parameter in pg_settings" }
    ])
    expect(await show('work_mem')).toBe('9MB')
    expect(await autoConf()).not.toMatch(/timezone|block_size/i)

    // Nothing could be set: the request fails, with every reason.
    const none = await send('POST', '/pgconf/configuration', { body: JSON.stringify({ settings: [settings[0], settings[2]] }), headers })
    expect(none).toMatchObject({ status: 406, body: { error: expect.stringMatching(/'block_size'.*; PostgreSQL refused 'Nowhere\/Else'.* \(nothing was changed\)$/) } })
  })
})

describe('the dashboard as the agent UI reads it', () => {
  it('carries notifications, timestamp, linux_distribution and cpu_models, with the host figures as numbers', async () => {
    const session = await login()
    const { body, status } = await send('GET', '/dashboard', { headers: { 'X-Session': session } })
    expect(status).toBe(200)
    expect(body.notifications[0]).toEqual({ date: expect.any(String), username: 'alice', message: 'Login' })
    expect(body.notifications.length).toBeLessThanOrEqual(15)
    expect(body.timestamp).toBeGreaterThan(Date.now() / 1000 - 600)
    expect(body.linux_distribution).toEqual(expect.any(String))
    expect(Object.values(body.cpu_models).reduce((a: number, b) => a + (b as number), 0)).toBe(body.n_cpu)
    // This machine's figures, as numbers the UI can multiply (memory.total * 1000).
    expect(body).toMatchObject({ n_cpu: expect.any(Number), loadaverage: expect.any(Number), memory: { total: expect.any(Number) } })
    for (const key of ['user', 'system', 'idle', 'iowait', 'steal']) expect(body.cpu[key], key).toEqual(expect.any(Number))
  })

  it('writes what the agent computes as floats with a decimal point (its clients are Python)', async () => {
    const session = await login()
    const headers = { 'X-Session': session }
    const { text } = await send('GET', '/dashboard', { headers })
    for (const field of ['loadaverage', 'timestamp', 'idle', 'user', 'iowait', 'steal', 'system', 'active', 'cached', 'free']) {
      expect(text, field).toMatch(new RegExp(`"${field}":-?\\d+(\\.\\d+|e[-+]\\d+)`))
    }
    expect(text).toMatch(/"hitratio":(null|\d+\.\d+)/)
    expect(text).toMatch(/"n_cpu":\d+[,}]/)
    expect(text).toMatch(/"total":\d+[,}]/)
    const hitratio = await send('GET', '/dashboard/hitratio', { headers })
    expect(hitratio.text).toMatch(/^\{"hitratio":(null|\d+\.\d+)\}$/)
    const history = await send('GET', '/dashboard/history', { headers })
    expect(history.body.length).toBeGreaterThan(0)
    expect(history.text).toMatch(/"timestamp":\d+\.\d+/)
    const wal = await send('GET', '/monitoring/probe/wal_files', { headers })
    expect(wal.text).toMatch(/"total_size":\d+\.\d+/)
    expect(wal.text).toMatch(/"measure_interval":\d+\.\d+/)
    expect(wal.text).toMatch(/"total":\d+,/)
    const bloat = await send('GET', '/monitoring/probe/heap_bloat', { headers })
    expect(bloat.body.heap_bloat.map((row: { dbname: string }) => row.dbname)).toContain('postgres')
    expect(bloat.text).toMatch(/"ratio":(null|-?\d+(\.\d+|e[-+]\d+))[,}]/)
    expect(bloat.text).not.toMatch(/"ratio":-?\d+[,}]/)
    for (const probe of ['replication_lag', 'replication_connection']) expect((await send('GET', `/monitoring/probe/${probe}`, { headers })).body).toEqual({ [probe]: [] })
    const temp = await send('GET', `/monitoring/probe/temp_files_size_delta?key=${AGENT_KEY}`)
    expect(temp.body.temp_files_size_delta[0]).toMatchObject({ dbname: expect.any(String), size: expect.any(Number), measure_interval: expect.any(Number) })
    const maintenance = await send('GET', '/maintenance', { headers })
    expect(maintenance.text).toMatch(/"instance":\{[^}]*"total_bytes":\d+\.0/)
  })
})
