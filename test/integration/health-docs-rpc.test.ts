import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { SourcesService } from '../../src/main/sources/sources-service'
import { startApi, validServer, type TestApi } from '../helpers/api'

let api: TestApi | undefined

afterEach(async () => {
  vi.restoreAllMocks()
  await api?.close().catch(() => {})
  api = undefined
})

describe('health', () => {
  it('reports a database it cannot reach with the spec body and a 500', async () => {
    api = await startApi()
    api.app.db.close()
    const response = await api.request('GET', '/health/', { anonymous: true })
    expect(response.status).toBe(500)
    expect(response.body).toMatchObject({ status: 'unhealthy', error: 'Database connection failed' })
    expect(response.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })
})

describe('closing', () => {
  it('stops every feature even when the database went first, and throws what failed', async () => {
    const started = await startApi()
    // Stopping the sources clears their flush timer: skipped, it threw on the closed database a
    // second later in whatever ran next in the process.
    const sourcesStop = vi.spyOn(SourcesService.prototype, 'stop')
    const seriesClose = vi.spyOn(SeriesStore.prototype, 'close')
    started.app.db.close()
    await expect(started.app.close()).rejects.toThrow(/database connection is not open/)
    expect(sourcesStop).toHaveBeenCalledTimes(1)
    expect(seriesClose).toHaveBeenCalledTimes(1)
  })
})

describe('background failures', () => {
  it('puts a background task’s failure in Vigil’s log and the activity log, and serves on', async () => {
    api = await startApi()
    // A batch with no valid time is refused by the writer's flush, which a timer runs in production.
    api.app.metricsWriter.add({ metric: 'vmstat', serverId: '1', ts: Number.NaN, rows: [{ us: 1 }] })
    expect(() => api?.app.metricsWriter.flush()).not.toThrow()
    const line = 'storing collected samples failed: a vmstat sample of server 1 has no valid time (NaN)'
    const activity = await api.request('GET', '/api/logs?limit=50')
    expect(activity.status).toBe(200)
    expect(activity.body).toContainEqual(expect.objectContaining({ level: 'ERROR', source: null, message: line }))
    expect(readFileSync(join(api.dataDir, 'logs', 'vigil.log'), 'utf8')).toContain(line)
  })
})

describe('health while upgrading', () => {
  it('carries the data dir upgrade: nothing to do on a new data dir', async () => {
    api = await startApi()
    await api.app.upgrade.run()
    const response = await api.request('GET', '/health/', { anonymous: true })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ status: 'healthy', database: 'connected' })
    expect(response.body.upgrade).toEqual({
      state: 'none',
      phase: null,
      table: null,
      rows_total: 0,
      rows_copied: 0,
      percent: 0,
      started_at: null,
      finished_at: null,
      elapsed_ms: 0,
      error: null,
      advice: null,
      differing_groups: 0
    })
    const info = await api.request('POST', '/rpc/app.info')
    expect(info.body.value.upgrade).toMatchObject({ state: 'none', mismatches: [] })
  })
})

describe('API documentation', () => {
  it('generates OpenAPI from the route schemas, without secrets in any response', async () => {
    api = await startApi()
    const { status, body } = await api.request('GET', '/api/docs/json')
    expect(status).toBe(200)
    expect(body.openapi).toMatch(/^3\./)
    for (const path of ['/api/servers/', '/api/servers/create/', '/api/servers/{server_id}/', '/api/servers/bulk-status/', '/health/']) {
      expect(Object.keys(body.paths), path).toContain(path)
    }
    const serverSchema = body.paths['/api/servers/{server_id}/'].get.responses['200'].content['application/json'].schema
    expect(Object.keys(serverSchema.properties)).toContain('hostname')
    expect(Object.keys(serverSchema.properties)).not.toContain('ssh_password')
    expect(body.paths['/rpc/{channel}']).toBeUndefined()
  })

  it('serves Swagger UI at /api/docs and ReDoc at /api/redoc, all from Vigil itself', async () => {
    api = await startApi()
    const swagger = await api.request('GET', '/api/docs/')
    expect(swagger.status).toBe(200)
    expect(swagger.text).toMatch(/swagger-ui/i)
    expect(swagger.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z]/i)
    const redoc = await api.request('GET', '/api/redoc')
    expect(redoc.status).toBe(200)
    expect(redoc.text).toContain('<redoc spec-url="/api/docs/json">')
    expect(redoc.text).toContain('src="/api/redoc/redoc.standalone.js"')
    const bundle = await api.request('GET', '/api/redoc/redoc.standalone.js')
    expect(bundle.status).toBe(200)
    expect(bundle.headers.get('content-type')).toMatch(/javascript/)
  })
})

describe('the renderer contract over HTTP', () => {
  it('answers every channel with an Outcome envelope', async () => {
    api = await startApi()
    const created = await api.request('POST', '/rpc/servers.create', { body: validServer() })
    expect(created.status).toBe(200)
    expect(created.body.ok).toBe(true)
    const id = created.body.value.id
    const list = await api.request('POST', '/rpc/servers.list', { body: { per_page: 10 } })
    expect(list.body.value.servers.map((s: { id: string }) => s.id)).toEqual([id])
    const updated = await api.request('POST', '/rpc/servers.update', { body: { id, changes: { alias: 'A' } } })
    expect(updated.body.value.alias).toBe('A')
    const bulk = await api.request('POST', '/rpc/servers.bulkStatus', { body: { server_ids: [id], status: 'error' } })
    expect(bulk.body.value).toEqual({ updated_count: 1, new_status: 'error' })
    const removed = await api.request('POST', '/rpc/servers.delete', { body: { id } })
    expect(removed.body).toEqual({ ok: true, value: { id } })
    const info = await api.request('POST', '/rpc/app.info')
    expect(info.body.value).toMatchObject({ version: 'test', apiUrl: api.url, dataDir: api.dataDir })
  })

  it('carries validation failures with every field at fault', async () => {
    api = await startApi()
    const response = await api.request('POST', '/rpc/servers.create', { body: { hostname: 'ok', ip_address: 'nope', ssh_port: 0 } })
    expect(response.status).toBe(400)
    expect(response.body.ok).toBe(false)
    expect(response.body.error.code).toBe('validation')
    expect(response.body.error.issues.map((issue: { field: string }) => issue.field)).toEqual(['ssh_username', 'ip_address', 'ssh_port'])
  })

  it('refuses an unknown channel', async () => {
    api = await startApi()
    const response = await api.request('POST', '/rpc/servers.drop', { body: {} })
    expect(response.status).toBe(404)
    expect(response.body).toEqual({ ok: false, error: { code: 'not_found', message: "Unknown channel 'servers.drop'" } })
  })
})
