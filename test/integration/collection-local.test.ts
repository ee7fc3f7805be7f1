import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApi, type TestApi } from '../helpers/api'
import { waitForMetrics, waitForState } from '../helpers/collection'

let api: TestApi
let localId: string

beforeAll(async () => {
  api = await startApi({ collect: true, monitorLocalhost: true })
  const { body } = await api.request('GET', '/api/servers/')
  localId = body.servers[0].id
})
afterAll(async () => {
  await api.close()
})

describe('the built-in server (this machine, by local exec)', () => {
  it('is registered on first start and collected out of the box', async () => {
    const { body } = await api.request('GET', `/api/servers/${localId}/`)
    expect(body).toMatchObject({ collector: 'local', ip_address: '127.0.0.1', alias: 'This machine', monitoring_interval: 5 })
  })

  it('delivers every metric, with rates from the second interface sample on', async () => {
    // A 1 s interval keeps the test short; the change takes effect without a restart.
    await api.request('PUT', `/api/servers/${localId}/`, { body: { monitoring_interval: 1 } })
    const rows = await waitForMetrics(api.app, localId, ['vmstat', 'iostat', 'netstat', 'process'], (metric, values) =>
      metric === 'netstat' ? values.some((row) => row.ipkts_rate !== null) : true
    )
    const vmstat = rows.get('vmstat')?.[0]
    // fr: pages reclaimed (pgsteal of /proc/vmstat) over the interval, 0 on a host without memory pressure.
    expect(vmstat).toMatchObject({ r: expect.any(Number), us: expect.any(Number), idle: expect.any(Number), fr: expect.any(Number) })
    expect((vmstat?.us as number) + (vmstat?.sy as number) + (vmstat?.idle as number) + (vmstat?.wa as number)).toBeGreaterThan(90)
    expect(rows.get('iostat')?.[0]).toMatchObject({ disk: expect.any(String), tps: expect.any(Number), service_time: expect.any(Number) })
    expect(rows.get('netstat')?.find((row) => row.interface === 'lo')).toMatchObject({ ipkts: expect.any(Number), ipkts_rate: expect.any(Number) })
    const processes = rows.get('process') ?? []
    expect(processes.length).toBeGreaterThan(0)
    expect(processes.length).toBeLessThanOrEqual(20)
    expect(processes[0]).toMatchObject({ pid: expect.any(Number), user: expect.any(String), command: expect.any(String) })
    expect(await waitForState(api.app, localId, 'collecting')).toBeNull()
  })

  it('answers the realtime API and keeps last_seen', async () => {
    const { status, body } = await api.request('GET', `/api/metrics/realtime/?metric=vmstat&server_id=${localId}`)
    expect(status).toBe(200)
    expect(body.count).toBeGreaterThan(0)
    const server = (await api.request('GET', `/api/servers/${localId}/`)).body
    expect(server.last_seen).not.toBeNull()
  })

  it('pushes live samples to a WebSocket client', async () => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/ws/metrics/vmstat/${localId}/?token=${api.token}`)
    const message = await new Promise<Record<string, any>>((resolve, reject) => {
      socket.once('message', (data) => resolve(JSON.parse(String(data))))
      socket.once('error', reject)
    })
    socket.close()
    expect(message).toMatchObject({ metric: 'vmstat', server_id: localId, values: { us: expect.any(Number) }, id: expect.any(Number) })
  })

  it('stops when monitoring is switched off, and says so', async () => {
    await api.request('PUT', `/api/servers/${localId}/`, { body: { monitoring_enabled: false } })
    await waitForState(api.app, localId, 'disabled')
    expect(api.app.collectors.size).toBe(0)
  })

  it('tests the connection by running uname here', async () => {
    const { status, body } = await api.request('POST', `/api/servers/${localId}/test-connection/`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ status: 'success', server_id: localId, host_key: null })
    expect(body.output).toMatch(/^Linux /)
  })
})
