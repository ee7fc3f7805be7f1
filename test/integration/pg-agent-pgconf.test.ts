// The pgconf and statements plugins over HTTP (/pg/{id}/...), against a real cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres } from '../helpers/postgres'

let api: TestApi
let pg: Postgres
let instanceId: number

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  // ALTER SYSTEM needs a superuser (or per-parameter grants): the DBA's own instance.
  const created = await api.request('POST', '/api/postgres-instances/', {
    body: { name: 'local', host: '127.0.0.1', port: pg.port, username: pg.superuser, password: pg.password }
  })
  instanceId = created.body.id
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})

const agent = (method: string, path: string, body?: unknown) => api.request(method, `/pg/${instanceId}${path}`, { body })

describe('pgconf over HTTP', () => {
  it('lists categories and the settings of one', async () => {
    const categories = await agent('GET', '/pgconf/configuration/categories')
    // Categories are the server's own (pg_settings.category); 18 filed autovacuum under vacuuming.
    const autovacuumCategory = pg.serverVersionNum >= 180000 ? 'Vacuuming / Automatic Vacuuming' : 'Autovacuum'
    expect(categories.body.categories).toContain(autovacuumCategory)
    const autovacuum = await agent('GET', `/pgconf/configuration/category/${encodeURIComponent(autovacuumCategory)}`)
    expect(autovacuum.status).toBe(200)
    expect(autovacuum.body[0].rows.map((row: { name: string }) => row.name)).toContain('autovacuum_naptime')
    const slashed = await agent('GET', `/pgconf/configuration/category/${encodeURIComponent('Resource Usage / Memory')}`)
    expect(slashed.body[0].rows.map((row: { name: string }) => row.name)).toContain('work_mem')
  })

  it('changes a setting with ALTER SYSTEM and reload, says what it was, and keeps it in the trail', async () => {
    const { status, body } = await agent('POST', '/pgconf/configuration', { settings: [{ name: 'work_mem', setting: '8MB' }] })
    expect(status).toBe(200)
    expect(body.settings).toEqual([{ name: 'work_mem', setting: '8MB', previous_setting: '4MB', restart: false }])
    expect((await pg.query<{ work_mem: string }>('SHOW work_mem')).rows[0]?.work_mem).toBe('8MB')
    expect((await agent('GET', '/notifications')).body[0].message).toBe("ALTER SYSTEM SET work_mem = '8MB' (was '4MB')")
  })

  it('marks a postmaster setting as pending a restart', async () => {
    const { body } = await agent('POST', '/pgconf/configuration', { settings: [{ name: 'shared_buffers', setting: '64MB' }] })
    expect(body.settings[0]).toMatchObject({ name: 'shared_buffers', restart: true })
    const status = await agent('GET', '/pgconf/configuration/status')
    expect(status.body.restart_pending).toBe(true)
  })

  it('refuses a bad value with 406 and changes nothing', async () => {
    const response = await agent('POST', '/pgconf/configuration', { settings: [{ name: 'work_mem', setting: 'lots' }] })
    expect(response.status).toBe(406)
    expect(response.body.error).toMatch(/work_mem/)
    expect((await pg.query<{ work_mem: string }>('SHOW work_mem')).rows[0]?.work_mem).toBe('8MB')
  })
})

describe('statements over HTTP', () => {
  it('lists a statement the test ran, with the snapshot time', async () => {
    await pg.query('SELECT count(*) FROM pg_class WHERE relname = $1', ['vigil_statement_marker'])
    const { status, body } = await agent('GET', '/statements')
    expect(status).toBe(200)
    expect(body.snapshot_datetime).toEqual(expect.any(String))
    expect(body.data.some((row: { query: string }) => row.query.includes('pg_class WHERE relname'))).toBe(true)
  })

  it('writes queryid as a JSON number with every digit of the 64-bit hash', async () => {
    await pg.query('SELECT count(*) FROM pg_class WHERE relname = $1', ['vigil_queryid_marker'])
    const { rows } = await pg.query<{ queryid: string }>("SELECT queryid::text FROM pg_stat_statements WHERE query LIKE '%pg_class WHERE relname%' AND queryid IS NOT NULL")
    const { text } = await agent('GET', '/statements')
    expect(rows.length).toBeGreaterThan(0)
    for (const { queryid } of rows) expect(text, queryid).toContain(`"queryid":${queryid},`)
  })
})
