// /prometheus/api/v1/admin/tsdb/delete_series: imported series deleted whole or over a range
// (inclusive, as Prometheus deletes), kept after a restart; a match[] that selects a series Vigil
// collects is refused whole; bad parameters answer as 2.42 does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { makeTempDir } from '../helpers/temp-dir'

let api: TestApi
const T = 1_700_000_000_000

beforeAll(async () => {
  api = await startApi()
})
afterAll(async () => {
  await api?.close()
})

/** Imports samples every minute for 10 minutes of each series, value = minute. */
async function importSeries(...series: string[]): Promise<void> {
  const lines = series.flatMap((name) => Array.from({ length: 10 }, (_, minute) => `${name} ${minute} ${T + minute * 60_000}`))
  const response = await api.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: lines.join('\n') + '\n' })
  expect(response.status).toBe(200)
}

/** The minutes each series has a sample at, by its labels. */
async function minutes(selector: string): Promise<Record<string, number[]>> {
  const params = new URLSearchParams({ query: `${selector}[1h]`, time: String((T + 3_600_000) / 1000) })
  const response = await api.request('GET', `/prometheus/api/v1/query?${params}`)
  expect(response.status).toBe(200)
  const result = response.body.data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>
  return Object.fromEntries(result.map(({ metric, values }) => [JSON.stringify(metric), values.map(([ts]) => Math.round((ts * 1000 - T) / 60_000))]))
}

const deleteSeries = (params: Record<string, string | string[]>, method = 'POST', server = api) => {
  const form = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) for (const one of [value].flat()) form.append(name, one)
  return server.request(method, '/prometheus/api/v1/admin/tsdb/delete_series', { rawBody: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
}
const seconds = (minute: number) => String((T + minute * 60_000) / 1000)

describe('delete_series', () => {
  it('deletes the samples of a range, bounds included, and whole series', async () => {
    await importSeries('jobs_done{queue="a"}', 'jobs_done{queue="b"}', 'jobs_failed{queue="a"}')
    const response = await deleteSeries({ 'match[]': 'jobs_done{queue="a"}', start: seconds(2), end: seconds(4) })
    expect(response.status).toBe(204)
    expect(response.text).toBe('')
    expect(await minutes('jobs_done')).toEqual({
      '{"__name__":"jobs_done","queue":"a"}': [0, 1, 5, 6, 7, 8, 9],
      '{"__name__":"jobs_done","queue":"b"}': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    })
    // Several match[], no range: the whole of each; PUT as well as POST.
    expect((await deleteSeries({ 'match[]': ['jobs_done{queue="b"}', 'jobs_failed'] }, 'PUT')).status).toBe(204)
    expect(await minutes('{__name__=~"jobs_.*"}')).toEqual({ '{"__name__":"jobs_done","queue":"a"}': [0, 1, 5, 6, 7, 8, 9] })
    const listed = await api.request('GET', `/prometheus/api/v1/series?${new URLSearchParams({ 'match[]': '{__name__=~"jobs_.*"}' })}`)
    expect(listed.body.data).toEqual([{ __name__: 'jobs_done', queue: 'a' }])
  })

  it('keeps what it deleted deleted after a restart', async () => {
    const dir = makeTempDir()
    try {
      const first = await startApi({ dataDir: dir.dir })
      const count = async (server: TestApi) => {
        const params = new URLSearchParams({ query: 'count_over_time(restarts[1h])', time: String((T + 3_600_000) / 1000) })
        return (await server.request('GET', `/prometheus/api/v1/query?${params}`)).body.data.result
      }
      try {
        const lines = Array.from({ length: 10 }, (_, minute) => `restarts{unit="x"} ${minute} ${T + minute * 60_000}`)
        expect((await first.request('POST', '/prometheus/api/v1/import/prometheus', { rawBody: lines.join('\n') })).status).toBe(200)
        expect((await deleteSeries({ 'match[]': 'restarts', end: seconds(7) }, 'POST', first)).status).toBe(204)
        expect(await count(first)).toEqual([{ metric: { unit: 'x' }, value: [expect.any(Number), '2'] }])
      } finally {
        await first.close()
      }
      const second = await startApi({ dataDir: dir.dir })
      try {
        expect(await count(second)).toEqual([{ metric: { unit: 'x' }, value: [expect.any(Number), '2'] }])
      } finally {
        await second.close()
      }
    } finally {
      dir.remove()
    }
  })

  it('refuses a match[] that selects a series Vigil collects, deleting nothing', async () => {
    const server = (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'web-01' }) })).body.server
    api.app.metricsWriter.add({ metric: 'vmstat', serverId: server.id, ts: T, rows: [{ us: 5, sy: 1 }] })
    api.app.metricsWriter.flush()
    await importSeries('kept_too{unit="y"}')
    const response = await deleteSeries({ 'match[]': ['kept_too', '{server="web-01"}'] })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: expect.stringMatching(/^match\[\] selects vigil_vmstat_\w+\{os="linux", server="web-01", server_id="[0-9a-f-]+"\}, a series Vigil collects: .* delete_series deletes imported and scraped series only$/)
    })
    expect(Object.keys(await minutes('kept_too'))).toHaveLength(1)
  })

  it('answers bad parameters as 2.42 does', async () => {
    expect((await deleteSeries({})).body).toEqual({ status: 'error', errorType: 'bad_data', error: 'no match[] parameter provided' })
    const badSelector = await deleteSeries({ 'match[]': 'rate(x[5m])' })
    expect(badSelector.status).toBe(400)
    expect(badSelector.body.error).toMatch(/^invalid parameter "match\[\]": /)
    const badTime = await deleteSeries({ 'match[]': 'x', start: 'yesterday' })
    expect(badTime.body).toEqual({ status: 'error', errorType: 'bad_data', error: expect.stringMatching(/^invalid parameter "start": Invalid time value for 'start': /) })
    expect((await api.request('GET', '/prometheus/api/v1/admin/tsdb/delete_series?match[]=x')).status).toBe(404)
    expect((await api.request('POST', '/prometheus/api/v1/admin/tsdb/clean_tombstones')).status).toBe(204)
  })
})
