// Imports through the real API: import sources created by POST /api/sources, real multipart
// uploads, the files listing and deletion, syncs, and what was imported read back where it went
// — the Prometheus API for metrics CSVs, imports.db for raw tables, the historical metrics API
// for nmon recordings (a hand-written AIX one, and one recorded here by Debian's nmon).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { aixRecording, recordNmon, settledFile as settledFileOf, uploadFile, userPercents } from '../helpers/imports'
import { makeTempDir } from '../helpers/temp-dir'

let api: TestApi
let serverId: string
const temp = makeTempDir('vigil-imports-')

beforeAll(async () => {
  api = await startApi({ dropDebounceMs: 200, importMaxUploadBytes: 64 * 1024 })
  serverId = (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'aixdb01', monitoring_enabled: false }) })).body.server.id
})

afterAll(async () => {
  await api?.close()
  temp.remove()
})

const upload = (source: string, filename: string, content: string | Buffer, query = ''): ReturnType<typeof uploadFile> => uploadFile(api, source, filename, content, query)
const settledFile = (source: string, filename: string): Promise<any> => settledFileOf(api, source, filename)

async function promQuery(expr: string, atMs: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await api.request('GET', `/prometheus/api/v1/query?query=${encodeURIComponent(expr)}&time=${atMs / 1000}`)
  expect(response.status).toBe(200)
  return response.body.data.result
}

const source = async (name: string): Promise<any> => (await api.request('GET', '/api/sources')).body.find((candidate: { name: string }) => candidate.name === name)

describe('creating import sources', () => {
  it('refuses bad input with the spec’s error body', async () => {
    const cases = [
      { name: 'Bad Name', type: 'csv_table' },
      { name: 'ok', type: 'parquet' },
      { name: 'metrics', type: 'csv_metrics' },
      { name: 'n', type: 'nmon', server_id: 'no-such-server' },
      { name: 'x', type: 'csv_table', surprise: 1 }
    ]
    for (const body of cases) {
      const response = await api.request('POST', '/api/sources', { body })
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(Object.keys(response.body)).toEqual(['detail'])
    }
    expect((await api.request('POST', '/api/sources', { body: { name: 'dup', type: 'csv_table' } })).status).toBe(201)
    const again = await api.request('POST', '/api/sources', { body: { name: 'dup', type: 'csv_table' } })
    expect(again.status).toBe(400)
    expect(again.body.detail).toMatch(/exists already/)
    expect((await api.request('DELETE', '/api/sources/dup')).status).toBe(200)
    expect((await api.request('DELETE', '/api/sources/dup')).status).toBe(404)
  })
})

describe('a metrics CSV', () => {
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000
  const at = (minute: number): string => new Date(base + minute * 60_000).toISOString()
  const csv = ['time,host,cpu,load', `${at(0)},web1,12.5,0.5`, `${at(0)},web2,40,1.25`, `${at(1)},web1,13.5,`, `"${at(2)}","web1","14.5","0.75"`].join('\n') + '\n'

  beforeAll(async () => {
    const created = await api.request('POST', '/api/sources', {
      body: { name: 'app_metrics', type: 'csv_metrics', timestamp_column: 'time', label_columns: ['host'], metric_prefix: 'app_' }
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'app_metrics', type: 'csv_metrics', status: 'not_synced', row_count: 0 })
  })

  it('is uploaded, imported and answers Prometheus queries with the file’s values', async () => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${api.token}` } })
    const events: Array<Record<string, unknown>> = []
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as Record<string, unknown>))
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    const uploaded = await upload('app_metrics', 'hosts.csv', csv, '?trigger_sync=true')
    expect(uploaded.status).toBe(200)
    expect(uploaded.body).toMatchObject({ success: true, source_name: 'app_metrics', file_name: 'hosts.csv', auto_sync: true, file_path: join(api.dataDir, 'uploads', 'app_metrics', 'hosts.csv') })
    const file = await settledFile('app_metrics', 'hosts.csv')
    expect(file).toMatchObject({ status: 'success', loaded: true, on_disk: true, rows_loaded: 4, bad_rows: 0, errors: [] })
    await expect.poll(() => events.map((event) => event.type)).toEqual(['csv_uploaded', 'sync_started', 'sync_completed'])
    expect(events[0]).toMatchObject({ source: 'app_metrics', file: 'hosts.csv' })
    expect(events[2]).toMatchObject({ source: 'app_metrics', rows: 4 })
    socket.close()

    const cpu = await promQuery('app_cpu', base + 30_000)
    expect(cpu.map(({ metric, value }) => [metric.host, value[1]]).sort()).toEqual([
      ['web1', '12.5'],
      ['web2', '40']
    ])
    expect((await promQuery('app_cpu{host="web1"}', base + 2 * 60_000))[0]?.value[1]).toBe('14.5')
    // An empty field is no sample: at minute 1, load is still minute 0's.
    expect((await promQuery('app_load{host="web1"}', base + 60_000))[0]?.value[1]).toBe('0.5')

    expect(await source('app_metrics')).toMatchObject({ status: 'synced', row_count: 4, tables: [{ name: 'app_metrics', schema: 'csv', row_count: 4 }] })
    const logs = (await api.request('GET', '/api/sources/app_metrics/logs')).body.map((line: { message: string }) => line.message)
    expect(logs.some((line: string) => /^Imported hosts\.csv: 4 rows/.test(line))).toBe(true)
    const details = await api.request('GET', '/api/sources/app_metrics/details')
    expect(details.body.config).toMatchObject({ timestamp_column: 'time', label_columns: ['host'], upload_directory: join(api.dataDir, 'uploads', 'app_metrics') })
    expect(details.body.history[0]).toMatchObject({ status: 'success', rows_processed: 4 })
  })

  it('refuses a malformed file whole, reporting its bad rows with line numbers', async () => {
    const bad = ['time,host,cpu,load', `${at(5)},web3,1,1`, `${at(6)},web3,two,1`, `${at(7)},web3,3`, `not a time,web3,4,4`].join('\n')
    await upload('app_metrics', 'bad.csv', bad)
    expect((await api.request('POST', '/api/sources/app_metrics/sync')).status).toBe(200)
    const file = await settledFile('app_metrics', 'bad.csv')
    expect(file).toMatchObject({ status: 'failed', loaded: false, rows_loaded: 0, bad_rows: 3 })
    expect(file.errors).toEqual([
      { line: 3, message: 'app_cpu: "two" is not a number' },
      { line: 4, message: '3 fields under a header of 4 columns' },
      { line: 5, message: 'the time "not a time" cannot be read' }
    ])
    // Not even its good first row is stored.
    expect(await promQuery('app_cpu{host="web3"}', base + 5 * 60_000)).toEqual([])
    const state = await source('app_metrics')
    expect(state).toMatchObject({ status: 'failed', row_count: 4 })
    expect(state.last_error).toMatch(/bad\.csv: 3 bad rows \(line 3/)
    const history = (await api.request('GET', '/api/sources/app_metrics/details')).body.history
    expect(history[0]).toMatchObject({ status: 'failed' })
    expect(history[0].error).toMatch(/bad\.csv: refused: 3 bad rows/)
  })

  it('lists and deletes files only inside the source’s directory', async () => {
    const listing = (await api.request('GET', '/api/sources/app_metrics/csv-files')).body
    const dir = join(api.dataDir, 'uploads', 'app_metrics')
    expect(listing).toMatchObject({ source_name: 'app_metrics', directory: dir, file_pattern: '*.csv', total_files: 2, files_on_disk: 2, files_loaded: 1 })
    expect(listing.files.map((file: { filename: string }) => file.filename)).toEqual(['bad.csv', 'hosts.csv'])
    for (const path of [join(api.dataDir, 'vigil.db'), `${dir}/../../vigil.db`, '/etc/passwd', '']) {
      const refused = await api.request('DELETE', `/api/sources/app_metrics/csv-files?file_path=${encodeURIComponent(path)}`)
      expect(refused.status, path).toBe(400)
      expect(refused.body.detail).toMatch(/file_path/)
    }
    expect((await api.request('DELETE', `/api/sources/app_metrics/csv-files?file_path=${encodeURIComponent(join(dir, 'nope.csv'))}`)).status).toBe(404)
    const deleted = await api.request('DELETE', `/api/sources/app_metrics/csv-files?file_path=${encodeURIComponent(join(dir, 'bad.csv'))}`)
    expect(deleted.body).toEqual({ success: true, message: 'File deleted: bad.csv', file_path: join(dir, 'bad.csv'), source_name: 'app_metrics', background_sync: false })
    expect((await api.request('GET', '/api/sources/app_metrics/csv-files')).body.total_files).toBe(1)
    // With the refused file gone, the source is well again.
    expect((await source('app_metrics')).status).toBe('synced')
  })

  it('refuses an upload over the size limit with 413, keeping nothing of it', async () => {
    const big = await upload('app_metrics', 'big.csv', Buffer.alloc(65 * 1024, 'a'))
    expect(big.status).toBe(413)
    expect(big.body.detail).toMatch(/upload limit of 65536 bytes/)
    expect((await api.request('GET', '/api/sources/app_metrics/csv-files')).body.files.map((file: { filename: string }) => file.filename)).toEqual(['hosts.csv'])
    const notMultipart = await api.request('POST', '/api/sources/app_metrics/upload-csv', { body: { file: 'x' } })
    expect(notMultipart.status).toBe(400)
    expect((await upload('nosuch', 'x.csv', 'a')).status).toBe(404)
  })
})

describe('a generic CSV', () => {
  it('becomes a raw table of imports.db; deleting the file takes its rows', async () => {
    expect((await api.request('POST', '/api/sources', { body: { name: 'sales', type: 'csv_table', delimiter: ';' } })).status).toBe(201)
    await upload('sales', 'q1.csv', 'Region;Amount;Code\r\nnorth;12.5;007\r\n"south; east";-3;8\r\n')
    await api.request('POST', '/api/sources/sales/sync')
    expect(await settledFile('sales', 'q1.csv')).toMatchObject({ status: 'success', rows_loaded: 2 })
    expect(await source('sales')).toMatchObject({ status: 'synced', row_count: 2, tables: [{ name: 'sales', schema: 'imports', row_count: 2 }] })
    const db = new Database(join(api.dataDir, 'imports.db'), { readonly: true })
    try {
      expect(db.prepare('SELECT region, amount, code, _file, _line FROM sales ORDER BY _line').all()).toEqual([
        { region: 'north', amount: 12.5, code: '007', _file: 'q1.csv', _line: 2 },
        { region: 'south; east', amount: -3, code: 8, _file: 'q1.csv', _line: 3 }
      ])
      await api.request('DELETE', '/api/sources/sales/csv-files?file_path=q1.csv')
      expect(db.prepare('SELECT count(*) AS n FROM sales').get()).toEqual({ n: 0 })
    } finally {
      db.close()
    }
  })
})

describe('nmon recordings', () => {
  it('fill the server’s history from a hand-written AIX recording, as collected data reads', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const recording = aixRecording(Date.now())
    expect((await api.request('POST', '/api/sources', { body: { name: 'aix_history', type: 'nmon', server_id: serverId, utc_offset: '+00:00' } })).status).toBe(201)
    await upload('aix_history', 'aixdb01_0315.nmon', recording, '?trigger_sync=true')
    expect(await settledFile('aix_history', 'aixdb01_0315.nmon')).toMatchObject({ status: 'success', bad_rows: 0 })

    const range = `start=${today}T10:00:00Z&end=${today}T10:01:00Z`
    const vmstat = (await api.request('GET', `/api/metrics/historical/?metric=vmstat&server_id=${serverId}&${range}`)).body
    expect(vmstat.count).toBe(3)
    expect(vmstat.data.map((row: any) => [row.timestamp ?? row.ts, row.us, row.sy, row.wa, row.idle, row.r, row.cs, row.fre]).map((row: unknown[]) => row.slice(1))).toEqual([
      [12.5, 3.1, 0.4, 84, 2, 1800, 3686.4 * 1024],
      [20, 5, 1, 74, 3, 2100, 3604.5 * 1024],
      [8, 2, 0, 90, 1, 1500, 3768.3 * 1024]
    ])
    const iostat = (await api.request('GET', `/api/metrics/historical/?metric=iostat&server_id=${serverId}&${range}`)).body
    const hdisk0 = iostat.data.filter((row: any) => row.disk === 'hdisk0').map((row: any) => [row.tps, row.kb_read_rate, row.kb_wrtn_rate, row.service_time])
    expect(hdisk0).toEqual([
      [120, 1024, 512, 1.2],
      [200, 2048, 256, 1.5],
      [80, 512, 128, 1.1]
    ])
    const processes = (await api.request('GET', `/api/metrics/historical/?metric=process&server_id=${serverId}&${range}&pids=3932170`)).body
    expect(processes.data.map((row: any) => [row.command, row.cpu, row.mem])).toEqual([
      ['oracle', 45.1, 12.5],
      ['oracle', 50, 12.6],
      ['oracle', 30, 12.4]
    ])
  })

  it('fill it from real recordings made here by nmon with different options; deleting one takes only its history', async () => {
    // Two runs of Debian's nmon, one after the other: top processes (-t), and a snapshot more
    // with top's command lines (-T: a UARG section), NFS (-N: sections when the host has NFS)
    // and one disk per line (-l 1: DISKBUSY1, DISKBUSY2… on a host with several disks).
    const first = await recordNmon(join(temp.dir, 'vm_top.nmon'), ['-s', '1', '-c', '3', '-t'])
    const second = await recordNmon(join(temp.dir, 'vm_args.nmon'), ['-s', '1', '-c', '4', '-T', '-N', '-l', '1'])
    expect(second).toMatch(/^UARG,/m)
    const [firstUs, secondUs] = [userPercents(first), userPercents(second)]
    expect([firstUs.length, secondUs.length]).toEqual([3, 4])

    const otherId = (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'recorded-vm', monitoring_enabled: false }) })).body.server.id
    expect((await api.request('POST', '/api/sources', { body: { name: 'vm_history', type: 'nmon', server_id: otherId } })).status).toBe(201)
    for (const [name, recording] of [
      ['vm_top.nmon', first],
      ['vm_args.nmon', second]
    ] as const) {
      await upload('vm_history', name, recording, '?trigger_sync=true')
      expect(await settledFile('vm_history', name)).toMatchObject({ status: 'success', bad_rows: 0 })
    }
    const now = Date.now()
    const range = `server_id=${otherId}&start=${new Date(now - 600_000).toISOString()}&end=${new Date(now + 60_000).toISOString()}`
    const userOf = async (): Promise<number[]> => (await api.request('GET', `/api/metrics/historical/?metric=vmstat&${range}`)).body.data.map((row: { us: number }) => row.us)
    expect(await userOf()).toEqual([...firstUs, ...secondUs])
    const iostat = (await api.request('GET', `/api/metrics/historical/?metric=iostat&${range}`)).body
    expect(iostat.count).toBeGreaterThanOrEqual(7)
    const processes = (await api.request('GET', `/api/metrics/historical/?metric=process&${range}`)).body
    expect(processes.count).toBeGreaterThan(0)

    expect((await api.request('DELETE', '/api/sources/vm_history/csv-files?file_path=vm_top.nmon')).status).toBe(200)
    expect(await userOf()).toEqual(secondUs)
    expect((await api.request('DELETE', '/api/sources/vm_history')).status).toBe(200)
    expect(await userOf()).toEqual([])
    for (const metric of ['iostat', 'netstat', 'process']) expect((await api.request('GET', `/api/metrics/historical/?metric=${metric}&${range}`)).body.count, metric).toBe(0)
  })
})

describe('the drop folder', () => {
  it('imports a file dropped into a source’s folder, and the watcher says so', async () => {
    expect((await api.request('POST', '/api/sources', { body: { name: 'dropped', type: 'csv_table' } })).status).toBe(201)
    const status = (await api.request('GET', '/api/watcher/status')).body
    const folder = join(api.dataDir, 'drop', 'dropped')
    expect(status).toMatchObject({ running: true, pid: process.pid, auto_sync_enabled: true, watch_patterns: ['*.csv', '*.nmon'] })
    expect(status.watch_directories).toContain(folder)
    mkdirSync(folder, { recursive: true })
    // Written beside, then moved in: what a careful job does (a hidden file is never taken).
    writeFileSync(join(folder, '.partial'), 'a,b\n1,2\n3,4\n')
    renameSync(join(folder, '.partial'), join(folder, 'night.csv'))
    expect(await settledFile('dropped', 'night.csv')).toMatchObject({ status: 'success', rows_loaded: 2 })
    expect(await source('dropped')).toMatchObject({ status: 'synced', row_count: 2 })
  })
})
