import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApi, validServer, type TestApi } from '../helpers/api'

let api: TestApi
let serverId: string
let otherId: string
const now = Date.now()

const vmstat = (us: number) => ({ r: 2, b: 0, avm: 1024000, fre: 512000, pi: 10, po: 5, fr: 100, interface_in: 50, cs: 200, us, sy: 15.2, idle: 100 - us - 15.2, wa: 0 })

beforeAll(async () => {
  api = await startApi()
  serverId = (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'web-server-01', alias: 'Web Server 1' }) })).body.server.id
  otherId = (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'db-01' }) })).body.server.id
  const writer = api.app.metricsWriter
  // One recent vmstat sample, and an hour of history two hours ago.
  writer.add({ metric: 'vmstat', serverId, ts: now - 10_000, rows: [vmstat(25.5)] })
  for (let i = 0; i < 60; i++) {
    const ts = now - 2 * 3600_000 + i * 60_000
    writer.add({ metric: 'vmstat', serverId, ts, rows: [vmstat(i)] })
    writer.add({ metric: 'vmstat', serverId: otherId, ts, rows: [vmstat(50)] })
    writer.add({
      metric: 'process',
      serverId,
      ts,
      rows: [
        { pid: 1234, user: 'root', cpu: 10 + (i % 5), mem: 8, command: '/usr/bin/python app.py' },
        { pid: 5678, user: 'www', cpu: 1, mem: 2, command: 'nginx: worker' },
        { pid: 9, user: 'root', cpu: 0, mem: 0.1, command: 'kthreadd' }
      ]
    })
  }
  writer.flush()
})
afterAll(async () => {
  await api.close()
})

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

describe('realtime', () => {
  it('answers the last minute in the spec shape', async () => {
    const { status, body } = await api.request('GET', `/api/metrics/realtime/?metric=vmstat&server_id=${serverId}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ count: 1, server_id: serverId, hostname: null })
    expect(body.data[0]).toMatchObject({
      server_id: serverId,
      server_hostname: 'web-server-01',
      server_alias: 'Web Server 1',
      timestamp: iso(now - 10_000),
      r: 2,
      avm: 1024000,
      interface_in: 50,
      us: 25.5
    })
    expect(typeof body.data[0].id).toBe('number')
    expect(Date.parse(body.end_time) - Date.parse(body.start_time)).toBe(60_000)
  })

  it('finds the server by hostname', async () => {
    const { body } = await api.request('GET', '/api/metrics/realtime/?metric=vmstat&hostname=web-server-01')
    expect(body).toMatchObject({ count: 1, server_id: null, hostname: 'web-server-01' })
  })

  it('answers 400 with the available metrics', async () => {
    for (const query of ['', '?metric=cpu']) {
      const { status, body } = await api.request('GET', `/api/metrics/realtime/${query}`)
      expect(status).toBe(400)
      expect(body).toMatchObject({ error: 'Invalid or missing metric parameter', available_metrics: ['vmstat', 'iostat', 'netstat', 'process'] })
    }
  })

  it('answers the spec 404 body when nothing is recent', async () => {
    const { status, body } = await api.request('GET', `/api/metrics/realtime/?metric=iostat&server_id=${serverId}`)
    expect(status).toBe(404)
    expect(body).toMatchObject({ message: 'No recent data available for metric: iostat', server_id: serverId, hostname: null })
    expect(body.start_time).toMatch(/Z$/)
  })

  it('caps a realtime answer and says so', async () => {
    const rows = Array.from({ length: 50_001 }, (_, i) => ({ interface: `if${i}`, ipkts: i, ierrs: 0, opkts: i, oerrs: 0 }))
    api.app.metricsWriter.add({ metric: 'netstat', serverId: otherId, ts: Date.now() - 1000, rows })
    api.app.metricsWriter.flush()
    const { body } = await api.request('GET', `/api/metrics/realtime/?metric=netstat&server_id=${otherId}`)
    expect(body).toMatchObject({ count: 50_000, truncated: true, total: 50_001 })
    expect(body.data).toHaveLength(50_000)
  })

  it('says so when the server does not exist', async () => {
    const { status, body } = await api.request('GET', '/api/metrics/realtime/?metric=vmstat&hostname=nope')
    expect(status).toBe(404)
    expect(body.error).toBe("Server with hostname 'nope' not found")
  })
})

describe('historical', () => {
  const start = iso(now - 3 * 3600_000)
  const end = iso(now - 3600_000)

  it('lists raw rows in the range, paged', async () => {
    const { status, body } = await api.request('GET', `/api/metrics/historical/?metric=vmstat&server_id=${serverId}&start=${start}&end=${end}&per_page=50`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ count: 60, page: 1, total_pages: 2, has_next: true, metric: 'VMStat Metric', start_time: start, end_time: end })
    expect(body.data).toHaveLength(50)
    expect(body.data[0].us).toBe(0)
    const second = await api.request('GET', `/api/metrics/historical/?metric=vmstat&server_id=${serverId}&start=${start}&end=${end}&per_page=50&page=2`)
    expect(second.body.data.map((row: { us: number }) => row.us)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59])
  })

  it('sends raw rows as the bytes JSON.stringify writes of the answer, as JSON', async () => {
    for (const query of [
      `metric=vmstat&server_id=${serverId}&start=${start}&end=${end}&per_page=7&page=3`,
      `metric=vmstat&start=${start}&end=${end}`,
      `metric=process&start=${start}&end=${end}&pids=1234,9`,
      `metric=process&start=${start}&end=${end}&interval=300`,
      `metric=vmstat&start=${start}&end=${end}&resolution=1m`
    ]) {
      const { status, headers, text } = await api.request('GET', `/api/metrics/historical/?${query}`)
      expect(status).toBe(200)
      expect(headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(Number(headers.get('content-length'))).toBe(Buffer.byteLength(text))
      expect(text).toBe(JSON.stringify(api.app.metrics.historical(Object.fromEntries(new URLSearchParams(query)))))
    }
  })

  it('covers every server without a filter', async () => {
    const { body } = await api.request('GET', `/api/metrics/historical/?metric=vmstat&start=${start}&end=${end}`)
    expect(body.count).toBe(120)
  })

  it('returns raw process rows, filtered by pids', async () => {
    const { body } = await api.request('GET', `/api/metrics/historical/?metric=process&start=${start}&end=${end}&pids=1234`)
    expect(body.metric).toBe('Process Metric')
    expect(body.count).toBe(60)
    expect(body.data[0]).toMatchObject({ server_hostname: 'web-server-01', pid: 1234, user: 'root', cpu: 10, mem: 8, command: '/usr/bin/python app.py' })
  })

  it('aggregates process metrics per interval and process', async () => {
    const { status, body } = await api.request(
      'GET',
      `/api/metrics/historical/?metric=process&start=${start}&end=${end}&interval=300&pids=1234,5678`
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({ metric: 'process', interval_seconds: 300, pids_filtered: [1234, 5678] })
    const python = body.data.filter((row: { pid: number }) => row.pid === 1234)
    expect(python.length).toBeGreaterThanOrEqual(12)
    const full = python.find((row: { count: number }) => row.count === 5)
    expect(full).toMatchObject({
      command: '/usr/bin/python app.py',
      user: 'root',
      avg_cpu: 12,
      max_cpu: 14,
      min_cpu: 10,
      avg_mem: 8,
      server: { server_id: serverId, hostname: 'web-server-01', alias: 'Web Server 1' }
    })
    expect(body.data.some((row: { pid: number }) => row.pid === 9)).toBe(false)
    expect(Date.parse(full.timestamp) % 300_000).toBe(0)
  })

  it('names the missing required parameters', async () => {
    const { status, body } = await api.request('GET', '/api/metrics/historical/?metric=vmstat')
    expect(status).toBe(400)
    expect(body).toMatchObject({ error: 'Missing required parameters', required: ['metric', 'start', 'end'] })
  })

  it.each([
    ['start=yesterday', 'start'],
    ['end=2024-13-45T00:00:00Z', 'end'],
    ['interval=0', 'interval'],
    ['pids=1,x', 'pids'],
    ['page=0', 'page']
  ])('refuses %s', async (bad, field) => {
    const params = new URLSearchParams({ metric: 'process', start, end })
    const [name, value] = bad.split('=') as [string, string]
    params.set(name, value)
    const { status, body } = await api.request('GET', `/api/metrics/historical/?${params}`)
    expect(status).toBe(400)
    expect(body.error).toBe('Validation error')
    expect(Object.keys(body.details)).toEqual([field])
  })

  it('refuses an interval for other metrics and an end before the start', async () => {
    const interval = await api.request('GET', `/api/metrics/historical/?metric=vmstat&start=${start}&end=${end}&interval=60`)
    expect(interval.body.details).toEqual({ interval: ['Applies to the process metric only.'] })
    const backwards = await api.request('GET', `/api/metrics/historical/?metric=vmstat&start=${end}&end=${start}`)
    expect(backwards.body.details).toEqual({ end: ['Must not be before start.'] })
  })
})

describe('roll-ups in the historical API', () => {
  const start = iso(now - 3 * 3600_000)
  const end = iso(now - 3600_000)

  it('serves 1-minute roll-ups: averages under the field names, with min, max and sample count', async () => {
    api.app.maintenance.run()
    const { status, body } = await api.request('GET', `/api/metrics/historical/?metric=vmstat&server_id=${serverId}&start=${start}&end=${end}&resolution=1m`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ count: 60, resolution: '1m', metric: 'VMStat Metric' })
    expect(body.data[0]).toMatchObject({ server_hostname: 'web-server-01', resolution: '1m', samples: 1, us: 0, us_min: 0, us_max: 0, r: 2 })
    expect(Date.parse(body.data[0].timestamp) % 60_000).toBe(0)
    const hourly = await api.request('GET', `/api/metrics/historical/?metric=vmstat&server_id=${serverId}&start=${start}&end=${end}&resolution=1h`)
    const samples = hourly.body.data.reduce((sum: number, row: { samples: number }) => sum + row.samples, 0)
    expect(samples).toBe(60)
  })

  it('picks the resolution from the range with resolution=auto', async () => {
    const twoHours = await api.request('GET', `/api/metrics/historical/?metric=vmstat&server_id=${serverId}&start=${start}&end=${end}&resolution=auto`)
    expect(twoHours.body.data[0].samples).toBeUndefined()
    const threeDays = await api.request(
      'GET',
      `/api/metrics/historical/?metric=vmstat&server_id=${serverId}&start=${iso(now - 3 * 86_400_000)}&end=${iso(now)}&resolution=auto`
    )
    expect(threeDays.body.resolution).toBe('1m')
  })

  it('refuses roll-ups of process samples and unknown resolutions', async () => {
    const process = await api.request('GET', `/api/metrics/historical/?metric=process&start=${start}&end=${end}&resolution=1m`)
    expect(process.status).toBe(400)
    expect(Object.keys(process.body.details)).toEqual(['resolution'])
    const bad = await api.request('GET', `/api/metrics/historical/?metric=vmstat&start=${start}&end=${end}&resolution=5m`)
    expect(bad.body.details).toEqual({ resolution: ['Must be one of: raw, 1m, 1h, auto.'] })
  })
})

describe('live WebSockets', () => {
  const open = (path: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`${api.url.replace('http', 'ws')}${path}`, { headers: { Authorization: `Bearer ${api.token}` } })
      socket.once('open', () => resolve(socket))
      socket.once('error', reject)
    })
  const nextMessage = (socket: WebSocket) =>
    new Promise<any>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))))

  it('pushes one metric of one server in the spec message shape', async () => {
    const socket = await open(`/ws/metrics/vmstat/${serverId}/`)
    const message = nextMessage(socket)
    api.app.metricsWriter.add({ metric: 'vmstat', serverId: otherId, ts: Date.now(), rows: [vmstat(1)] })
    api.app.metricsWriter.add({ metric: 'iostat', serverId, ts: Date.now(), rows: [{ disk: 'sda', tps: 1 }] })
    api.app.metricsWriter.add({ metric: 'vmstat', serverId, ts: Date.now(), rows: [vmstat(42)] })
    const received = await message
    expect(received).toMatchObject({ metric: 'vmstat', server_id: serverId, values: { r: 2, us: 42, cs: 200 } })
    expect(typeof received.id).toBe('number')
    expect(received.timestamp).toMatch(/Z$/)
    socket.close()
  })

  it('pushes every metric of a server on the general endpoint, netstat with its time', async () => {
    const socket = await open(`/ws/metrics/${serverId}/`)
    const messages: any[] = []
    const two = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        messages.push(JSON.parse(String(data)))
        if (messages.length === 2) resolve()
      })
    )
    const ts = Date.now()
    api.app.metricsWriter.add({
      metric: 'netstat',
      serverId,
      ts,
      rows: [{ interface: 'eth0', ipkts: 1000, ierrs: 1, opkts: 900, oerrs: 0, ipkts_rate: 10.5, ierrs_rate: 0, opkts_rate: 9, oerrs_rate: 0 }]
    })
    api.app.metricsWriter.add({ metric: 'process', serverId, ts, rows: [{ pid: 1, user: 'root', cpu: 0.1, mem: 0.2, command: 'init' }] })
    await two
    expect(messages[0]).toMatchObject({ metric: 'netstat', values: { interface: 'eth0', ipkts_rate: 10.5, time: Math.floor(ts / 1000) } })
    expect(messages[1]).toMatchObject({ metric: 'process', values: { pid: 1, user: 'root', command: 'init' } })
    socket.close()
  })

  it('refuses an unknown server or metric before upgrading', async () => {
    await expect(open('/ws/metrics/vmstat/550e8400-e29b-41d4-a716-446655440000/')).rejects.toThrow(/404/)
    await expect(open(`/ws/metrics/cpu/${serverId}/`)).rejects.toThrow(/404/)
  })
})
