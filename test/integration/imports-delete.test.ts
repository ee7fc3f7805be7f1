// What an imported file leaves behind, through the real API: deleting a file (or its source)
// deletes exactly the samples it imported — another file's and collected samples stay, even at
// the same times — and retention leaves imported history alone while it drops collected data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SampleValues } from '../../src/main/metrics/samples'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { aixRecording, settledFile, uploadFile } from '../helpers/imports'

const DAY = 86_400_000
let api: TestApi

beforeAll(async () => {
  api = await startApi()
})

afterAll(async () => {
  await api?.close()
})

async function createSource(body: Record<string, unknown>): Promise<void> {
  expect((await api.request('POST', '/api/sources', { body })).status).toBe(201)
}

async function importFile(source: string, filename: string, content: string): Promise<void> {
  expect((await uploadFile(api, source, filename, content, '?trigger_sync=true')).status).toBe(200)
  expect(await settledFile(api, source, filename)).toMatchObject({ status: 'success', bad_rows: 0 })
}

async function deleteFile(source: string, filename: string): Promise<void> {
  expect((await api.request('DELETE', `/api/sources/${source}/csv-files?file_path=${filename}`)).status).toBe(200)
}

async function createServer(hostname: string): Promise<string> {
  return (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname, monitoring_enabled: false }) })).body.server.id
}

/** Collected vmstat rows of a server at these times (us = the value given), as a collector hands them over. */
function collect(serverId: string, rows: ReadonlyArray<[ts: number, us: number]>): void {
  for (const [ts, us] of rows) api.app.metricsWriter.add({ metric: 'vmstat', serverId, ts, rows: [{ us, sy: 1, idle: 99 - us, wa: 0, r: 1 } satisfies SampleValues] })
  api.app.metricsWriter.flush()
}

/** The server's vmstat rows in [start, end] as [time, us], raw or at a roll-up resolution. */
async function vmstat(serverId: string, start: number, end: number, resolution = 'raw'): Promise<Array<[number, number]>> {
  const query = `metric=vmstat&server_id=${serverId}&start=${new Date(start).toISOString()}&end=${new Date(end).toISOString()}&resolution=${resolution}&limit=1000`
  const { status, body } = await api.request('GET', `/api/metrics/historical/?${query}`)
  expect(status).toBe(200)
  return body.data.map((row: { timestamp: string; us: number }) => [Date.parse(row.timestamp), row.us])
}

async function promValues(expr: string, atMs: number): Promise<Array<[string, string]>> {
  const { body } = await api.request('GET', `/prometheus/api/v1/query?query=${encodeURIComponent(expr)}&time=${atMs / 1000}`)
  return body.data.result.map(({ metric, value }: { metric: Record<string, string>; value: [number, string] }) => [metric.host, value[1]]).sort()
}

describe('deleting an imported file', () => {
  it('takes a metrics CSV’s samples, and leaves another file’s of the same series', async () => {
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000
    const at = (minute: number): string => new Date(base + minute * 60_000).toISOString()
    await createSource({ name: 'app', type: 'csv_metrics', timestamp_column: 'time', label_columns: ['host'], metric_prefix: 'app_' })
    // web1 is in both files (other minutes), web2 only in the first, web3 only in the second.
    await importFile('app', 'first.csv', ['time,host,cpu', `${at(0)},web1,10`, `${at(0)},web2,20`, `${at(1)},web1,11`].join('\n'))
    await importFile('app', 'second.csv', ['time,host,cpu', `${at(2)},web1,12`, `${at(2)},web3,30`].join('\n'))
    expect(await promValues('app_cpu', base + 2 * 60_000)).toEqual([
      ['web1', '12'],
      ['web2', '20'],
      ['web3', '30']
    ])
    // One series per host however many files brought it: the file is no label of the series.
    const series = (await api.request('GET', `/prometheus/api/v1/series?match[]=app_cpu&start=${base / 1000}&end=${(base + 180_000) / 1000}`)).body.data
    expect(series).toEqual([
      { __name__: 'app_cpu', host: 'web1' },
      { __name__: 'app_cpu', host: 'web2' },
      { __name__: 'app_cpu', host: 'web3' }
    ])

    await deleteFile('app', 'first.csv')
    expect(await promValues('app_cpu', base + 60_000)).toEqual([])
    expect(await promValues('count_over_time(app_cpu[10m])', base + 2 * 60_000)).toEqual([
      ['web1', '1'],
      ['web3', '1']
    ])
    // A file replaced under the same name: what its former content imported goes with it.
    await importFile('app', 'second.csv', ['time,host,cpu', `${at(3)},web4,40`].join('\n'))
    expect(await promValues('count_over_time(app_cpu[10m])', base + 3 * 60_000)).toEqual([['web4', '1']])
    // The source's deletion takes the rest.
    expect((await api.request('DELETE', '/api/sources/app')).status).toBe(200)
    expect(await promValues('app_cpu', base + 2 * 60_000)).toEqual([])
  })

  it('takes an nmon recording’s history — roll-ups too — and leaves another file’s and the collected samples, even at the same times', async () => {
    const serverId = await createServer('aixdb02')
    await createSource({ name: 'aix02', type: 'nmon', server_id: serverId, utc_offset: '+00:00' })
    const dayA = Math.floor(Date.now() / DAY) * DAY - 2 * DAY
    const dayB = dayA - DAY
    const tenAm = (day: number): number => day + 10 * 3_600_000
    // Collected samples inside recording A's span (10:00:10–10:00:30) and after it.
    collect(serverId, [
      [tenAm(dayA) + 15_000, 61],
      [tenAm(dayA) + 120_000, 62]
    ])
    await importFile('aix02', 'a.nmon', aixRecording(dayA))
    await importFile('aix02', 'b.nmon', aixRecording(dayB))
    const fixtureUs = [12.5, 20, 8]
    const spanA = [tenAm(dayA), tenAm(dayA) + 180_000] as const
    expect((await vmstat(serverId, ...spanA)).map(([, us]) => us)).toEqual([12.5, 61, 20, 8, 62])
    expect((await vmstat(serverId, tenAm(dayB), tenAm(dayB) + 60_000)).map(([, us]) => us)).toEqual(fixtureUs)
    api.app.maintenance.run()
    expect((await vmstat(serverId, tenAm(dayB), tenAm(dayB) + 60_000, '1m')).length).toBe(1)

    await deleteFile('aix02', 'a.nmon')
    expect((await vmstat(serverId, ...spanA)).map(([, us]) => us)).toEqual([61, 62])
    expect((await vmstat(serverId, tenAm(dayB), tenAm(dayB) + 60_000)).map(([, us]) => us)).toEqual(fixtureUs)
    for (const metric of ['iostat', 'netstat', 'process']) {
      const { body } = await api.request('GET', `/api/metrics/historical/?metric=${metric}&server_id=${serverId}&start=${new Date(spanA[0]).toISOString()}&end=${new Date(spanA[1]).toISOString()}`)
      expect(body.count, metric).toBe(0)
    }
    // PromQL sees the collected series alone where the file was.
    const { body } = await api.request('GET', `/prometheus/api/v1/query?query=${encodeURIComponent(`count_over_time(vigil_vmstat_us{server_id="${serverId}"}[1m])`)}&time=${(tenAm(dayA) + 40_000) / 1000}`)
    expect(body.data.result.map(({ value }: { value: [number, string] }) => value[1])).toEqual(['1'])

    expect((await api.request('DELETE', '/api/sources/aix02')).status).toBe(200)
    expect(await vmstat(serverId, tenAm(dayB), tenAm(dayB) + 60_000)).toEqual([])
    expect(await vmstat(serverId, tenAm(dayB), tenAm(dayB) + 3_600_000, '1m')).toEqual([])
    expect((await vmstat(serverId, ...spanA)).map(([, us]) => us)).toEqual([61, 62])
  })
})

describe('retention', () => {
  it('keeps imported nmon history older than the raw retention, roll-ups too, and drops collected data that old', async () => {
    const serverId = await createServer('aixdb03')
    await createSource({ name: 'aix03', type: 'nmon', server_id: serverId, utc_offset: '+00:00' })
    // Raw samples are kept 7 days, minute roll-ups 30 (the defaults): the recording is older than both.
    const day = Math.floor(Date.now() / DAY) * DAY - 40 * DAY
    const tenAm = day + 10 * 3_600_000
    await importFile('aix03', 'old.nmon', aixRecording(day))
    const collectedAt = Date.now() - 10 * DAY
    collect(serverId, [[collectedAt, 70]])
    expect(await vmstat(serverId, collectedAt - 1000, collectedAt + 1000)).toEqual([[collectedAt - (collectedAt % 1000), 70]])

    api.app.maintenance.run()
    expect((await vmstat(serverId, tenAm, tenAm + 60_000)).map(([, us]) => us)).toEqual([12.5, 20, 8])
    const minutes = await vmstat(serverId, tenAm, tenAm + 60_000, '1m')
    expect(minutes.map(([ts]) => ts)).toEqual([tenAm])
    expect(minutes[0]?.[1]).toBeCloseTo((12.5 + 20 + 8) / 3)
    expect(await vmstat(serverId, collectedAt - 1000, collectedAt + 1000)).toEqual([])

    // A second pass (retention runs hourly) changes nothing.
    api.app.maintenance.run()
    expect((await vmstat(serverId, tenAm, tenAm + 60_000)).length).toBe(3)
  })
})
