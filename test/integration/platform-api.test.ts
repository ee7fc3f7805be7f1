// The platform face (platform-api.md) against Vigil's real API with real collectors: this
// machine by local exec, a throwaway sshd, a throwaway PostgreSQL cluster (an instance and a
// watched table). Sync now produces rows, a second one at once is refused with 409, a stopped
// sshd turns its source failed with the reason in its log and in sync_failures, and /ws carries
// every event Vigil sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { PlatformEvent } from '../../src/shared/platform'
import { startApi, type TestApi } from '../helpers/api'
import { waitForMetrics, waitForState } from '../helpers/collection'
import { startPostgres, type Postgres } from '../helpers/postgres'
import { startSshd, type Sshd } from '../helpers/sshd'

const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

let api: TestApi
let sshd: Sshd
let pg: Postgres
let events: Events

/** Every /ws message, and a way to wait for one. */
class Events {
  readonly seen: PlatformEvent[] = []
  private waiters: Array<{ match: (event: PlatformEvent) => boolean; resolve: (event: PlatformEvent) => void }> = []

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as PlatformEvent
      this.seen.push(event)
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(event)) return true
        waiter.resolve(event)
        return false
      })
    })
  }

  /** The first event (already seen or to come) that matches. */
  next<T extends PlatformEvent['type']>(type: T, source: string, after = 0): Promise<Extract<PlatformEvent, { type: T }>> {
    const match = (event: PlatformEvent) => event.type === type && 'source' in event && event.source === source
    const found = this.seen.slice(after).find(match)
    if (found) return Promise.resolve(found as Extract<PlatformEvent, { type: T }>)
    return new Promise((resolve) => this.waiters.push({ match, resolve: resolve as (event: PlatformEvent) => void }))
  }
}

function openWs(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/ws`, { headers })
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)))
  })
}

const source = async (name: string) => {
  const list = await api.request('GET', '/api/sources')
  expect(list.status).toBe(200)
  return (list.body as Array<Record<string, any>>).find((entry) => entry.name === name)
}
const path = (name: string) => `/api/sources/${encodeURIComponent(name)}`

beforeAll(async () => {
  ;[sshd, pg] = await Promise.all([startSshd(), startPostgres()])
  api = await startApi({ collect: true, monitorLocalhost: true })
  events = new Events(await openWs({ Authorization: `Bearer ${api.token}` }))
})
afterAll(async () => {
  events?.socket.close()
  await api?.close()
  await Promise.all([sshd?.stop(), pg?.stop()])
})

describe('health and configuration', () => {
  it('answers /api/status with Vigil’s version and components', async () => {
    const status = await api.request('GET', '/api/status')
    expect(status.status).toBe(200)
    expect(status.body).toEqual({
      status: expect.stringMatching(/^(healthy|degraded)$/),
      dango_version: 'test',
      services: {
        api: 'running',
        database: 'healthy',
        collectors: expect.any(String),
        postgres_collectors: expect.any(String),
        table_monitor: expect.any(String),
        maintenance: expect.any(String),
        upgrade: expect.any(String)
      },
      uptime: expect.stringMatching(/^\d+s$|m/)
    })
  })

  it('answers /api/health/platform with real figures', async () => {
    const health = await api.request('GET', '/api/health/platform')
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({
      status: expect.any(String),
      timestamp: TIMESTAMP,
      database: { size_mb: expect.any(Number), tables: expect.any(Number), status: 'small', staging_tables: 6, marts_tables: 0 },
      disk: { status: expect.any(String), free_gb: expect.any(Number), total_gb: expect.any(Number) },
      sync_failures: expect.any(Array),
      dbt_failures: [],
      critical_issues: expect.any(Array),
      warnings: expect.any(Array)
    })
    expect(health.body.database.size_mb).toBeGreaterThan(0)
    expect(health.body.disk.total_gb).toBeGreaterThan(0)
    expect(health.body.total_sources).toBeGreaterThanOrEqual(1)
  })

  it('answers the watcher, config and metabase-config as documented', async () => {
    // The import drop folder's watcher: running, with no import source's folder to watch yet.
    expect((await api.request('GET', '/api/watcher/status')).body).toEqual({
      running: true,
      pid: process.pid,
      auto_sync_enabled: true,
      auto_dbt_enabled: false,
      debounce_seconds: 2,
      watch_patterns: ['*.csv', '*.nmon'],
      watch_directories: []
    })
    const config = await api.request('GET', '/api/config')
    expect(config.body).toMatchObject({ web_port: Number(new URL(api.url).port), web_url: api.url, api_url: `${api.url}/api`, dbt_docs_url: null })
    expect((await api.request('GET', '/api/metabase-config')).body).toEqual({ database_id: null, configured: false })
  })

  it('answers errors as {"detail"} and leaves the primary API’s paths to it', async () => {
    expect(await api.request('GET', '/api/sources/server:nope/details')).toMatchObject({ status: 404, body: { detail: "Source 'server:nope' not found" } })
    expect(await api.request('GET', '/api/sources/x/nope')).toMatchObject({ status: 404, body: { detail: 'No route for GET /api/sources/x/nope' } })
    expect(await api.request('GET', '/api/logs?limit=0')).toMatchObject({ status: 400, body: { detail: expect.stringContaining('limit') } })
    expect(await api.request('GET', '/api/sources', { anonymous: true })).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } })
    expect(await api.request('POST', '/api/sources/server:nope/sync', { body: { full_refresh: 'yes' } })).toMatchObject({ status: 400, body: { detail: expect.stringContaining('full_refresh') } })
    // The primary API keeps its own format on its paths, and for unknown /api/ paths.
    expect((await api.request('GET', '/api/nope')).body).toEqual({ error: 'No route for GET /api/nope', timestamp: TIMESTAMP })
    expect((await api.request('GET', '/api/servers/')).status).toBe(200)
    await expect(openWs({})).rejects.toThrow('HTTP 401')
  })

  it('documents the face in /api/docs', async () => {
    const docs = await api.request('GET', '/api/docs/json')
    for (const route of ['/api/status', '/api/health/platform', '/api/sources', '/api/sources/{source_name}/sync', '/api/sources/{source_name}/logs', '/api/logs']) {
      expect(Object.keys(docs.body.paths), route).toContain(route)
    }
  })
})

describe('this machine, collected by local exec', () => {
  let name: string

  it('is a source that syncs: rows, 409 while it runs, events, logs and history', async () => {
    const local = api.app.servers.list({}).servers.find((server) => server.collector === 'local')
    expect(local).toBeDefined()
    name = `server:${local?.hostname ?? ''}`
    await waitForMetrics(api.app, local?.id ?? '', ['vmstat'])
    expect(await source(name)).toMatchObject({ name, type: 'local', enabled: true, status: 'synced', state: 'collecting', last_error: null })

    const before = events.seen.length
    const started = await api.request('POST', `${path(name)}/sync`, { body: { full_refresh: false } })
    expect(started.status).toBe(200)
    expect(started.body).toEqual({ success: true, message: `Sync started for ${name}`, source_name: name, started_at: TIMESTAMP })
    const again = await api.request('POST', `${path(name)}/sync`)
    expect(again).toMatchObject({ status: 409, body: { detail: `A sync of ${name} is already running` } })
    expect((await source(name))?.status).toBe('syncing')

    expect(await events.next('sync_started', name, before)).toMatchObject({ timestamp: TIMESTAMP })
    const completed = await events.next('sync_completed', name, before)
    expect(completed.rows).toBeGreaterThan(0)
    await api.app.platform.sources.settled(name)

    const after = await source(name)
    expect(after).toMatchObject({ status: 'synced', last_sync: TIMESTAMP, freshness: { last_update: TIMESTAMP, days_old: 0 } })
    expect(after?.row_count).toBeGreaterThanOrEqual(completed.rows)
    expect(after?.tables.map((table: { name: string }) => table.name)).toEqual(['vmstat', 'iostat', 'netstat', 'process'])
    expect(after?.tables.find((table: { name: string }) => table.name === 'process').row_count).toBeGreaterThan(0)

    const logs = await api.request('GET', `${path(name)}/logs?limit=50`)
    expect(logs.body.map((line: { message: string }) => line.message)).toEqual(expect.arrayContaining([`Sync started for ${name}`, expect.stringMatching(/^Sync completed: \d+ rows in /)]))
    expect(logs.body.at(-1)).toMatchObject({ timestamp: TIMESTAMP, level: 'SUCCESS', source: name })

    const details = await api.request('GET', `${path(name)}/details`)
    expect(details.body).toMatchObject({ name, config: { name, type: 'local', collector: 'local' }, row_count: expect.any(Number) })
    expect(details.body.history[0]).toMatchObject({ status: 'success', rows_processed: completed.rows, trigger: 'manual', full_refresh: true })
  })
})

describe('a server over SSH', () => {
  it('turns failed when sshd stops, with the reason in its log and sync_failures, and comes back', async () => {
    const created = await api.request('POST', '/api/servers/create/', {
      body: { hostname: 'ssh-source', ip_address: '127.0.0.1', ssh_port: sshd.port, ssh_username: sshd.user, ssh_password: sshd.password, monitoring_interval: 2 }
    })
    const id: string = created.body.server.id
    const name = 'server:ssh-source'
    await waitForMetrics(api.app, id, ['vmstat'])
    expect(await source(name)).toMatchObject({ type: 'ssh', status: 'synced', enabled: true })
    const synced = events.seen.length
    expect((await api.request('POST', `${path(name)}/sync`)).status).toBe(200)
    expect((await events.next('sync_completed', name, synced)).rows).toBeGreaterThan(0)
    await api.app.platform.sources.settled(name)

    const before = events.seen.length
    const down = waitForState(api.app, id, 'unreachable')
    await sshd.kill()
    const reason = await down
    const failed = await source(name)
    expect(failed).toMatchObject({ status: 'failed', state: 'unreachable', last_error: reason, failing_since: TIMESTAMP })
    expect(await events.next('collector_down', name, before)).toMatchObject({ error: `unreachable: ${reason}` })
    const health = await api.request('GET', '/api/health/platform')
    expect(health.body.sync_failures).toContainEqual({ source: name, type: 'ssh', error: reason, failing_since: TIMESTAMP, last_sync: TIMESTAMP })
    expect(health.body.warnings).toContainEqual(expect.stringContaining(`${name} failing`))
    const logs = await api.request('GET', `${path(name)}/logs`)
    expect(logs.body).toContainEqual({ timestamp: TIMESTAMP, level: 'ERROR', message: `Failing: unreachable: ${reason}`, source: name })

    // Sync now fails with the reason, on the stream and in the log.
    expect((await api.request('POST', `${path(name)}/sync`)).status).toBe(200)
    expect((await events.next('sync_failed', name, before)).error).toMatch(/^not connected \((unreachable|connecting)/)
    await api.app.platform.sources.settled(name)

    await sshd.restart()
    const up = await events.next('collector_up', name, before)
    expect(up.down_seconds).toBeGreaterThanOrEqual(0)
    expect((await source(name))?.status).not.toBe('failed')
    expect((await api.request('GET', `${path(name)}/logs`)).body.at(-1).message).toMatch(/^Recovered after /)
  }, 120_000)
})

describe('PostgreSQL: an instance and a watched table', () => {
  it('syncs the instance’s dashboard and snapshots the table, with rows, and no secret in details', async () => {
    const monitor = await pg.createRole('vigil_platform', 'platform-secret-1', ['pg_monitor'])
    await pg.query('CREATE TABLE items (id int PRIMARY KEY, label text)')
    await pg.query("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 25) g")
    await pg.query('GRANT SELECT ON items TO vigil_platform')
    const instance = await api.request('POST', '/api/postgres-instances/', {
      body: { name: 'main', host: '127.0.0.1', port: pg.port, username: monitor.user, password: monitor.password }
    })
    expect(instance.status).toBe(201)
    const name = 'postgres:main'
    expect(await source(name)).toMatchObject({ type: 'postgresql', enabled: true, tables: [{ name: 'pg_dashboard', schema: 'raw', row_count: expect.any(Number) }] })

    const before = events.seen.length
    // The periodic collection may be under way: wait for it rather than racing it.
    const started = await api.request('POST', `${path(name)}/sync`)
    expect(started.status).toBe(200)
    expect((await api.request('POST', `${path(name)}/sync`)).status).toBe(409)
    expect(await events.next('sync_completed', name, before)).toMatchObject({ rows: 1 })
    await api.app.platform.sources.settled(name)
    const synced = await source(name)
    expect(synced).toMatchObject({ status: 'synced', last_error: null })
    expect(synced?.row_count).toBeGreaterThanOrEqual(1)
    const details = await api.request('GET', `${path(name)}/details`)
    expect(details.body.config).toMatchObject({ name, type: 'postgresql', host: '127.0.0.1', port: pg.port, username: monitor.user })
    expect(details.text).not.toContain('platform-secret-1')

    // The same database, watched table by table.
    const serverId = (await api.request('POST', '/api/servers/create/', { body: { hostname: 'db-host', ip_address: '192.0.2.20', ssh_username: 'x', monitoring_enabled: false } })).body.server.id
    const database = await api.request('POST', '/api/oracle-databases/', {
      body: { server_id: serverId, name: 'Shop', engine: 'postgresql', host: '127.0.0.1', port: pg.port, database: 'postgres', username: monitor.user, password: monitor.password }
    })
    expect(database.status).toBe(201)
    const table = await api.request('POST', '/api/oracle-tables/', { body: { database_id: database.body.id, schema_name: 'public', table_name: 'items', polling_interval: 3600 } })
    expect(table.status).toBe(201)
    const tableName = 'table:Shop.public.items'
    const beforeTable = events.seen.length
    await api.app.oracle.monitor.runNow(table.body.id).catch(() => undefined)
    expect((await api.request('POST', `${path(tableName)}/sync`)).status).toBe(200)
    expect(await events.next('sync_completed', tableName, beforeTable)).toMatchObject({ rows: 25 })
    await api.app.platform.sources.settled(tableName)
    expect(await source(tableName)).toMatchObject({
      type: 'postgresql_table',
      status: 'synced',
      row_count: 25,
      tables: [{ name: 'items', schema: 'public', row_count: 25 }]
    })
    const history = (await api.request('GET', `${path(tableName)}/details`)).body.history
    expect(history[0]).toMatchObject({ status: 'success', rows_processed: 25, trigger: 'manual' })
    expect((await api.request('GET', `${path(tableName)}/logs`)).body.map((line: { message: string }) => line.message)).toContain('Snapshot: 25 rows, +0 −0 ~0')
  }, 60_000)
})

describe('the activity log', () => {
  it('merges Vigil’s lines, the collectors’ and the audit trail, oldest first', async () => {
    api.app.audit.record('tester', null, 'changed something')
    const logs = await api.request('GET', '/api/logs?limit=10000')
    expect(logs.status).toBe(200)
    const messages = logs.body.map((line: { message: string }) => line.message)
    expect(messages[0]).toBe('Vigil test started')
    expect(messages).toContain('tester: changed something')
    expect(messages).toContain('Sync started for server:ssh-source')
    const times = logs.body.map((line: { timestamp: string }) => line.timestamp)
    expect([...times].sort()).toEqual(times)
    for (const line of logs.body) expect(['INFO', 'WARNING', 'ERROR', 'SUCCESS']).toContain(line.level)
    const last = await api.request('GET', '/api/logs?limit=1')
    expect(last.body).toEqual([{ timestamp: TIMESTAMP, level: 'INFO', message: 'tester: changed something', source: null }])
  })
})
