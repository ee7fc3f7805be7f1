// The maintenance plugin over HTTP (/pg/{id}/maintenance...), against a real cluster: views,
// a VACUUM FULL that really shrinks a table, a scheduled job listed, kept across a restart of
// Vigil, and cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, statsCollectorCaughtUp, type Postgres } from '../helpers/postgres'

let api: TestApi
let pg: Postgres
let instanceId: number

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  const created = await api.request('POST', '/api/postgres-instances/', {
    body: { name: 'local', host: '127.0.0.1', port: pg.port, username: pg.superuser, password: pg.password }
  })
  instanceId = created.body.id
  await pg.query(`CREATE TABLE bloated (id int PRIMARY KEY, filler text);
    INSERT INTO bloated SELECT g, repeat('x', 200) FROM generate_series(1, 50000) g;
    DELETE FROM bloated WHERE id % 10 <> 0; ANALYZE bloated`)
  // 13 and 14: the ANALYZE and the row counts show in pg_stat_user_tables a moment later.
  await statsCollectorCaughtUp(pg.serverVersionNum)
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})

const agent = (method: string, path: string, body?: unknown) => api.request(method, `/pg/${instanceId}${path}`, { body })
const tableSize = async (): Promise<number> => Number((await pg.query<{ size: string }>("SELECT pg_relation_size('bloated') AS size")).rows[0]?.size)

describe('maintenance over HTTP', () => {
  it('shows the instance, the database, the schema and the table with sizes', async () => {
    const instance = await agent('GET', '/maintenance')
    expect(instance.status).toBe(200)
    expect(JSON.stringify(instance.body)).toContain('postgres')
    const table = await agent('GET', '/maintenance/postgres/schema/public/table/bloated')
    expect(table.status).toBe(200)
    expect(table.body).toMatchObject({ name: 'bloated', analyze_count: 1 })
    const missing = await agent('GET', '/maintenance/postgres/schema/public/table/nope')
    expect(missing).toMatchObject({ status: 404, body: { error: 'Table public.nope not found' } })
  })

  it('runs a VACUUM FULL now that really shrinks the table, and records it', async () => {
    const before = await tableSize()
    const { status, body } = await agent('POST', '/maintenance/postgres/schema/public/table/bloated/vacuum', { mode: 'full' })
    expect(status).toBe(200)
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}$/) })
    await expect
      .poll(async () => (await agent('GET', '/notifications')).body.map((entry: { message: string }) => entry.message).join('\n'), { timeout: 20_000 })
      .toMatch(/VACUUM \(FULL\) "public"."bloated".* finished/)
    expect(await tableSize()).toBeLessThan(before / 4)
  })

  it('refuses a malformed mode or datetime with 406', async () => {
    expect(await agent('POST', '/maintenance/postgres/vacuum', { mode: 'fast' })).toMatchObject({ status: 406, body: { error: "Parameter 'mode' is malformed." } })
    expect(await agent('POST', '/maintenance/postgres/analyze', { datetime: 'tomorrow' })).toMatchObject({
      status: 406,
      body: { error: "Parameter 'datetime' is malformed." }
    })
  })

  it('lists a scheduled job, keeps it across a restart of Vigil, and cancels it', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const { body } = await agent('POST', '/maintenance/postgres/schema/public/table/bloated/analyze', { datetime: at })
    const listed = await agent('GET', '/maintenance/analyze/scheduled')
    expect(listed.body.map((job: { id: string }) => job.id)).toContain(body.id)

    // Vigil stops and starts again on the same data directory.
    const dataDir = api.dataDir
    await api.app.close()
    api = await startApi({ dataDir })
    const kept = await agent('GET', '/maintenance/postgres/analyze/scheduled')
    expect(kept.body.map((job: { id: string }) => job.id)).toContain(body.id)

    expect((await agent('DELETE', `/maintenance/analyze/${body.id}`)).body).toEqual({ response: 'ok' })
    expect((await agent('GET', '/maintenance/analyze/scheduled')).body).toEqual([])
    expect((await agent('DELETE', `/maintenance/analyze/${body.id}`)).status).toBe(404)
  })
})
