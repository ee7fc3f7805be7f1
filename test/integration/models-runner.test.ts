// The models runner (issue 17): models are built in a child process that is killed at the
// model's time limit. A runaway model (a recursive CTE without an end) is stopped within its
// limit, fails with a clear error in the API, the platform health, the activity log and /ws, and
// leaves models.db as it was; the API answers while it runs; a normal model builds the rows the
// same SQL gives on Vigil's own `vigil` tables; a million-row model's CSV is streamed. Against
// Vigil's API in-process (the runner from the sources, through tsx) and the built `vigil serve`.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { PlatformEvent } from '../../src/shared/platform'
import { startApi, type TestApi } from '../helpers/api'
import { seedHistory } from '../helpers/seed-history'
import { makeTempDir } from '../helpers/temp-dir'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

type DbtEvent = Extract<PlatformEvent, { model: string }>

const RUNAWAY = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) AS n FROM r'
const MILLION = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000000) SELECT n, n * 2 AS twice, 'row ' || n AS label FROM r"

/** The models runners this process has started and that are still there (Linux: /proc). */
function runnerProcesses(): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('runner-child')) continue
      const parent = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1])
      if (parent === process.pid) found.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return found
}

/** The dbt_* messages of a /ws connection, and the first of a kind to come. */
async function watchEvents(url: string, token: string) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${token}` } })
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  const seen: Array<DbtEvent & { at: number }> = []
  let waiters: Array<{ match: (event: DbtEvent) => boolean; resolve: (event: DbtEvent & { at: number }) => void }> = []
  socket.on('message', (data) => {
    const event = JSON.parse(String(data)) as PlatformEvent
    if (!('model' in event)) return
    const timed = { ...event, at: performance.now() }
    seen.push(timed)
    waiters = waiters.filter((waiter) => (waiter.match(event) ? (waiter.resolve(timed), false) : true))
  })
  return {
    socket,
    mark: () => seen.length,
    /** The first event of `type` for `model` after the mark. */
    next(model: string, types: Array<DbtEvent['type']>, after: number): Promise<DbtEvent & { at: number }> {
      const match = (event: DbtEvent) => event.model === model && types.includes(event.type)
      const found = seen.slice(after).find(match)
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ match, resolve }))
    }
  }
}

describe('models in the runner (in-process API)', () => {
  let api: TestApi
  let temp: { dir: string; remove: () => void }
  let events: Awaited<ReturnType<typeof watchEvents>>
  const put = (name: string, body: unknown) => api.request('PUT', `/api/dbt/models/${name}`, { body })

  beforeAll(async () => {
    temp = makeTempDir()
    await seedHistory(temp.dir, { hostname: 'web-01', ip_address: '192.0.2.1', intervalSeconds: 10, spanMs: 3_600_000, end: Date.now() - 60_000 })
    api = await startApi({ dataDir: temp.dir })
    events = await watchEvents(api.url, api.token)
  })
  afterAll(async () => {
    events?.socket.close()
    await api?.close()
    temp?.remove()
  })

  it('validates the time limit with 400 {"detail"}, and keeps it in the file', async () => {
    for (const bad of [0, -1, 86_401, 1.5, 'soon']) {
      const answer = await put('limited', { sql: 'SELECT 1', time_limit_seconds: bad })
      expect(answer.status, String(bad)).toBe(400)
      expect(answer.body.detail, String(bad)).toMatch(/time_limit_seconds/)
    }
    const saved = await put('limited', { sql: 'SELECT 1', time_limit_seconds: 45 })
    expect(saved.body.time_limit_seconds).toBe(45)
    // Saved again without it, it keeps it; null is the default again.
    expect((await put('limited', { sql: 'SELECT 2' })).body.time_limit_seconds).toBe(45)
    expect((await put('limited', { sql: 'SELECT 2', time_limit_seconds: null })).body.time_limit_seconds).toBe(300)
    expect((await api.request('DELETE', '/api/dbt/models/limited')).status).toBe(200)
  })

  it('builds the rows the same SQL gives on Vigil’s own `vigil` tables', async () => {
    const sql = "SELECT server, substr(ts, 1, 13) AS hour, count(*) AS samples, round(avg(us), 6) AS cpu_user FROM vigil.vmstat GROUP BY server, hour ORDER BY server, hour"
    expect((await put('cpu_hours', { sql, materialization: 'table' })).status).toBe(200)
    const mark = events.mark()
    expect((await api.request('POST', '/api/dbt/models/cpu_hours/run')).status).toBe(200)
    expect((await events.next('cpu_hours', ['dbt_run_completed', 'dbt_run_failed'], mark)).type).toBe('dbt_run_completed')
    await api.app.models.settled()
    const built = (await api.request('GET', '/api/dbt/models/cpu_hours/rows?limit=1000')).body
    // The main thread's copy of the store, filled for the run, read directly.
    const direct = api.app.models.database.db.prepare(sql).raw(true).all()
    expect(direct.length).toBeGreaterThan(0)
    expect(built.rows).toEqual(direct)
    expect(built.total).toBe(direct.length)
  })

  it('reads the hourly roll-ups as `vigil.vmstat_hourly`, as the metrics API answers them at resolution=1h', async () => {
    const sql = 'SELECT server_id, ts_ms, n, us_min, us_avg, us_max FROM vigil.vmstat_hourly ORDER BY ts_ms'
    expect((await put('cpu_hourly', { sql, materialization: 'table' })).status).toBe(200)
    const mark = events.mark()
    expect((await api.request('POST', '/api/dbt/models/cpu_hourly/run')).status).toBe(200)
    expect((await events.next('cpu_hourly', ['dbt_run_completed', 'dbt_run_failed'], mark)).type).toBe('dbt_run_completed')
    await api.app.models.settled()
    const built = (await api.request('GET', '/api/dbt/models/cpu_hourly/rows?limit=1000')).body as { rows: unknown[][] }

    const serverId = (await api.request('GET', '/api/servers/')).body.servers[0].id as string
    const range = `start=${new Date(Date.now() - 31 * 86_400_000).toISOString()}&end=${new Date().toISOString()}`
    const hourly = (await api.request('GET', `/api/metrics/historical/?metric=vmstat&server_id=${serverId}&${range}&resolution=1h`)).body
    const expected = (hourly.data as Array<Record<string, number | string>>).map((row) => [serverId, Date.parse(row.timestamp as string), row.samples, row.us_min, row.us, row.us_max])
    expect(expected.length).toBeGreaterThan(0)
    expect(built.rows).toEqual(expected)
    expect((await api.request('DELETE', '/api/dbt/models/cpu_hourly')).status).toBe(200)
  })

  it('stops a runaway model at its time limit, answering the API meanwhile, and keeps the last good table', async () => {
    // A good build first: the table the stopped run must leave in place.
    expect((await put('runaway', { sql: 'SELECT 7 AS n', materialization: 'table' })).status).toBe(200)
    let mark = events.mark()
    await api.request('POST', '/api/dbt/models/runaway/run')
    expect((await events.next('runaway', ['dbt_run_completed', 'dbt_run_failed'], mark)).type).toBe('dbt_run_completed')
    await api.app.models.settled()

    expect((await put('runaway', { sql: RUNAWAY, materialization: 'table', time_limit_seconds: 1 })).status).toBe(200)
    mark = events.mark()
    expect((await api.request('POST', '/api/dbt/models/runaway/run')).status).toBe(200)
    const started = await events.next('runaway', ['dbt_run_started'], mark)
    // The main thread is free while the model runs: a request is answered at once.
    const asked = performance.now()
    const answer = await api.request('GET', '/api/dbt/models/runaway')
    const answeredMs = performance.now() - asked
    expect(answer.body.status).toBe('running')
    expect(answeredMs).toBeLessThan(500)

    const failed = await events.next('runaway', ['dbt_run_completed', 'dbt_run_failed'], mark)
    await api.app.models.settled()
    const error = "Stopped after 1 s: the model's time limit"
    expect(failed).toMatchObject({ type: 'dbt_run_failed', error })
    // The limit and the kill (the runner started before the model did), with slack for a loaded machine.
    expect(failed.at - started.at).toBeGreaterThanOrEqual(1000)
    expect(failed.at - started.at).toBeLessThan(2500)
    expect((await api.request('GET', '/api/dbt/models/runaway')).body.last_run).toMatchObject({ status: 'error', error, error_position: null })
    const health = (await api.request('GET', '/api/health/platform')).body
    expect(health.dbt_failures).toContainEqual({ model: 'runaway', error })
    const logs = (await api.request('GET', '/api/logs?limit=500')).body as Array<{ level: string; message: string; source: string | null }>
    expect(logs).toContainEqual(expect.objectContaining({ level: 'ERROR', source: 'model:runaway', message: `Model runaway failed: ${error}` }))

    // models.db: the last good table, whole; nothing half-built; the file sound.
    expect((await api.request('GET', '/api/dbt/models/runaway/rows')).body.rows).toEqual([[7]])
    const check = new Database(join(temp.dir, 'models.db'), { readonly: true })
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(check.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").pluck().all()).toEqual(['cpu_hours', 'runaway', 'vigil_model_runs'])
    } finally {
      check.close()
    }

    // The next run starts a runner of its own and builds.
    expect((await put('runaway', { sql: 'SELECT 8 AS n' })).status).toBe(200)
    mark = events.mark()
    await api.request('POST', '/api/dbt/models/runaway/run')
    expect((await events.next('runaway', ['dbt_run_completed', 'dbt_run_failed'], mark)).type).toBe('dbt_run_completed')
    await api.app.models.settled()
    expect((await api.request('GET', '/api/dbt/models/runaway/rows')).body.rows).toEqual([[8]])
    expect((await api.request('GET', '/api/health/platform')).body.dbt_failures).toEqual([])
  })

  it('stops reading a view that outgrew its time limit, answering 502 {"detail"}', async () => {
    const build = async (name: string, cascade: boolean) => {
      const mark = events.mark()
      await api.request('POST', `/api/dbt/models/${name}/run${cascade ? '' : '?cascade=false'}`)
      expect((await events.next(name, ['dbt_run_completed', 'dbt_run_failed'], mark)).type).toBe('dbt_run_completed')
      await api.app.models.settled()
    }
    expect((await put('size', { sql: 'SELECT 10 AS n', materialization: 'table' })).status).toBe(200)
    const counting = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < (SELECT n FROM {{ ref('size') }})) SELECT n FROM r"
    expect((await put('counting', { sql: counting, time_limit_seconds: 1 })).status).toBe(200)
    await build('counting', false)
    expect((await api.request('GET', '/api/dbt/models/counting/rows?limit=3')).body).toMatchObject({ rows: [[1], [2], [3]], total: 10 })
    // Its source grows without it being run again: reading it now would take hours.
    expect((await put('size', { sql: 'SELECT 1000000000000 AS n', materialization: 'table' })).status).toBe(200)
    await build('size', false)
    const asked = performance.now()
    const answer = await api.request('GET', '/api/dbt/models/counting/rows?limit=3')
    expect(answer.status).toBe(502)
    expect(answer.body).toEqual({ detail: "Reading model counting: Stopped after 1 s: the model's time limit" })
    expect(performance.now() - asked).toBeLessThan(4000)
  })

  it('streams a million-row model as CSV', async () => {
    expect((await put('million', { sql: MILLION, materialization: 'table' })).status).toBe(200)
    const mark = events.mark()
    await api.request('POST', '/api/dbt/models/million/run')
    expect(await events.next('million', ['dbt_run_completed', 'dbt_run_failed'], mark)).toMatchObject({ type: 'dbt_run_completed', rows: 1_000_000 })
    await api.app.models.settled()

    const response = await fetch(`${api.url}/api/dbt/models/million/csv`, { headers: { Authorization: `Bearer ${api.token}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
    // Read as it comes: count the lines and keep a few, never the whole file.
    const kept = new Map<number, string>()
    const wanted = new Set([0, 1, 2, 500_000, 1_000_000])
    let lines = 0
    let partial = ''
    const decoder = new TextDecoder()
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const parts = (partial + decoder.decode(chunk, { stream: true })).split('\r\n')
      partial = parts.pop() as string
      for (const line of parts) {
        if (wanted.has(lines)) kept.set(lines, line)
        lines++
      }
    }
    expect(partial).toBe('')
    expect(lines).toBe(1_000_001)
    expect(Object.fromEntries(kept)).toEqual({ 0: 'n,twice,label', 1: '1,2,row 1', 2: '2,4,row 2', 500000: '500000,1000000,row 500000', 1000000: '1000000,2000000,row 1000000' })
  })

  it('stops the export’s runner when the client goes away', async () => {
    const controller = new AbortController()
    const response = await fetch(`${api.url}/api/dbt/models/million/csv`, { headers: { Authorization: `Bearer ${api.token}` }, signal: controller.signal })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    expect((await reader.read()).done).toBe(false)
    expect(runnerProcesses()).toHaveLength(1)
    controller.abort()
    // The runner is killed with the reply (no event tells it: its process is watched going).
    for (let waited = 0; runnerProcesses().length > 0 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(runnerProcesses()).toEqual([])
    const again = await fetch(`${api.url}/api/dbt/models/runaway/csv`, { headers: { Authorization: `Bearer ${api.token}` } })
    expect(await again.text()).toBe('n\r\n8\r\n')
  })
})

describe('closing Vigil during a run', () => {
  it('stops the model under way rather than wait out its time limit, and records it', async () => {
    const temp = makeTempDir()
    try {
      let api = await startApi({ dataDir: temp.dir })
      const events = await watchEvents(api.url, api.token)
      expect((await api.request('PUT', '/api/dbt/models/endless', { body: { sql: RUNAWAY } })).body.time_limit_seconds).toBe(300)
      await api.request('POST', '/api/dbt/models/endless/run')
      await events.next('endless', ['dbt_run_started'], 0)
      events.socket.close()
      const closing = performance.now()
      await api.close()
      expect(performance.now() - closing).toBeLessThan(3000)
      api = await startApi({ dataDir: temp.dir })
      try {
        expect((await api.request('GET', '/api/dbt/models/endless')).body.last_run).toMatchObject({ status: 'error', error: 'Vigil stopped before the run ended' })
      } finally {
        await api.close()
      }
    } finally {
      temp.remove()
    }
  })
})

describe('models in the runner (the built `vigil serve`)', () => {
  let vigil: VigilProcess
  let events: Awaited<ReturnType<typeof watchEvents>>
  const request = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(vigil.url + path, {
      method,
      headers: { Authorization: `Bearer ${vigil.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    return { status: response.status, body: (await response.json()) as any }
  }

  beforeAll(async () => {
    vigil = await startVigil()
    events = await watchEvents(vigil.url, vigil.token)
  })
  afterAll(async () => {
    events?.socket.close()
    await vigil?.stop()
  })

  it('builds a model and stops a runaway one at its limit, answering meanwhile', async () => {
    expect((await request('PUT', '/api/dbt/models/servers_known', { sql: 'SELECT count(*) AS n FROM vigil.servers', materialization: 'table' })).status).toBe(200)
    expect((await request('PUT', '/api/dbt/models/runaway', { sql: RUNAWAY, time_limit_seconds: 1 })).status).toBe(200)
    let mark = events.mark()
    expect((await request('POST', '/api/dbt/models/servers_known/run')).status).toBe(200)
    expect(await events.next('servers_known', ['dbt_run_completed', 'dbt_run_failed'], mark)).toMatchObject({ type: 'dbt_run_completed', rows: 1 })

    mark = events.mark()
    expect((await request('POST', '/api/dbt/models/runaway/run')).status).toBe(200)
    const started = await events.next('runaway', ['dbt_run_started'], mark)
    const asked = performance.now()
    expect((await request('GET', '/api/health/platform')).status).toBe(200)
    expect(performance.now() - asked).toBeLessThan(500)
    const failed = await events.next('runaway', ['dbt_run_completed', 'dbt_run_failed'], mark)
    expect(failed).toMatchObject({ type: 'dbt_run_failed', error: "Stopped after 1 s: the model's time limit" })
    expect(failed.at - started.at).toBeLessThan(2500)
    expect((await request('GET', '/api/health/platform')).body.dbt_failures).toEqual([{ model: 'runaway', error: "Stopped after 1 s: the model's time limit" }])
  })
})
