// The charts' contract channels over the real HTTP transport (/rpc), on stored samples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, validServer, type TestApi } from '../helpers/api'

let api: TestApi
let serverId: string
let quietId: string
const now = Date.now()
const HOUR = 3_600_000

const vmstat = (us: number) => ({ r: 2, b: 1, avm: 1024000, fre: 512000, pi: 10, po: 5, fr: 100, interface_in: 50, cs: 200, us, sy: 10, idle: 90 - us, wa: 0 })

beforeAll(async () => {
  api = await startApi()
  serverId = (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'web-01', monitoring_interval: 5 }) })).body.server.id
  quietId = (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'quiet-01' }) })).body.server.id
  const writer = api.app.metricsWriter
  // Ten minutes at 5 s ending now; two disks; two process samples.
  for (let i = 0; i < 120; i++) {
    const ts = now - (120 - i) * 5_000
    writer.add({ metric: 'vmstat', serverId, ts, rows: [vmstat(i % 50)] })
    writer.add({
      metric: 'iostat',
      serverId,
      ts,
      rows: [
        { disk: 'sda', tps: 10, kb_read: 100, kb_wrtn: 50, kb_read_rate: 20, kb_wrtn_rate: 10, service_time: 1.5 },
        { disk: 'nvme0n1', tps: 99, kb_read: 1, kb_wrtn: 2, kb_read_rate: 3, kb_wrtn_rate: 4, service_time: null }
      ]
    })
  }
  for (const [offset, cpu] of [[60_000, 5], [1_000, 40]] as const) {
    writer.add({
      metric: 'process',
      serverId,
      ts: now - offset,
      rows: [
        { pid: 42, user: 'postgres', cpu, mem: 3, command: 'postgres: checkpointer' },
        { pid: 7, user: 'root', cpu: 80, mem: 1, command: 'java -jar big.jar' }
      ]
    })
  }
  writer.flush()
  // An hour of minute roll-ups two days ago, for the long ranges.
  for (let i = 0; i < 60; i++) writer.add({ metric: 'vmstat', serverId, ts: now - 2 * 24 * HOUR + i * 60_000, rows: [vmstat(20)] })
  writer.flush()
  api.app.maintenance.run()
})
afterAll(async () => {
  await api.close()
})

const rpc = (channel: string, body: unknown) => api.request('POST', `/rpc/${channel}`, { body })

describe('metrics.series', () => {
  it('answers raw samples as columns, with the server interval as step', async () => {
    const { status, body } = await rpc('metrics.series', { serverId, metric: 'vmstat', start: now - 15 * 60_000, end: now })
    expect(status).toBe(200)
    const answer = body.value
    expect(answer).toMatchObject({ metric: 'vmstat', serverId, resolution: 'raw', stepMs: 5_000 })
    expect(answer.series).toHaveLength(1)
    const [series] = answer.series
    expect(series.key).toBeNull()
    expect(series.ts).toHaveLength(120)
    expect(series.values.us).toHaveLength(120)
    expect(series.values.us.slice(0, 3)).toEqual([0, 1, 2])
    expect(series.ts[1] - series.ts[0]).toBe(5_000)
  })

  it('splits iostat by disk and keeps nulls', async () => {
    const { body } = await rpc('metrics.series', { serverId, metric: 'iostat', start: now - 15 * 60_000, end: now })
    expect(body.value.series.map((series: { key: string }) => series.key)).toEqual(['nvme0n1', 'sda'])
    expect(body.value.series[0].values.service_time[0]).toBeNull()
    expect(body.value.series[1].values.kb_read_rate[0]).toBe(20)
  })

  it('answers only the fields asked for, and refuses unknown ones', async () => {
    const { body } = await rpc('metrics.series', { serverId, metric: 'iostat', start: now - 15 * 60_000, end: now, fields: ['tps'] })
    expect(Object.keys(body.value.series[0].values)).toEqual(['tps'])
    const wrong = await rpc('metrics.series', { serverId, metric: 'iostat', start: now - 15 * 60_000, end: now, fields: ['us'] })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.issues[0]).toMatchObject({ field: 'fields' })
  })

  it('serves roll-ups for long ranges', async () => {
    const { body } = await rpc('metrics.series', { serverId, metric: 'vmstat', start: now - 7 * 24 * HOUR, end: now })
    expect(body.value).toMatchObject({ resolution: '1m', stepMs: 60_000 })
    expect(body.value.series[0].ts.length).toBeGreaterThanOrEqual(60)
    expect(body.value.series[0].values.us[0]).toBe(20)
  })

  it('refuses bad input field by field', async () => {
    const { status, body } = await rpc('metrics.series', { serverId, metric: 'cpu', start: 'yesterday', end: now })
    expect(status).toBe(400)
    expect(body.ok).toBe(false)
    expect(body.error.code).toBe('validation')
    expect(body.error.issues.map((issue: { field: string }) => issue.field).sort()).toEqual(['metric', 'start'])
    const reversed = await rpc('metrics.series', { serverId, metric: 'vmstat', start: now, end: now - 1 })
    expect(reversed.body.error.issues[0]).toMatchObject({ field: 'end' })
    const unknown = await rpc('metrics.series', { serverId: '00000000-0000-4000-8000-000000000000', metric: 'vmstat', start: now - HOUR, end: now })
    expect(unknown.status).toBe(404)
  })
})

describe('metrics.overview', () => {
  it('gives each server with samples its four sparklines', async () => {
    const { body } = await rpc('metrics.overview', {})
    const spark = body.value.sparklines[serverId]
    expect(Object.keys(body.value.sparklines)).toEqual([serverId])
    expect(body.value.sparklines[quietId]).toBeUndefined()
    expect(spark.ts).toHaveLength(120)
    expect(spark.values.cpu[5]).toBe(5 + 10)
    expect(spark.values.paging[0]).toBe(15)
    expect(spark.values.fre[0]).toBe(512000)
  })

  it('refuses a window over an hour', async () => {
    const { status, body } = await rpc('metrics.overview', { windowMs: 24 * HOUR })
    expect(status).toBe(400)
    expect(body.error.issues[0].field).toBe('windowMs')
  })
})

describe('processes', () => {
  it('lists the latest sample, busiest first', async () => {
    const { body } = await rpc('metrics.topProcesses', { serverId })
    expect(body.value.timestamp).toBe(now - 1_000)
    expect(body.value.processes.map((process: { pid: number }) => process.pid)).toEqual([7, 42])
    const none = await rpc('metrics.topProcesses', { serverId: quietId })
    expect(none.body.value).toEqual({ serverId: quietId, timestamp: null, processes: [] })
  })

  it('gives the history of chosen pids in buckets', async () => {
    const { body } = await rpc('metrics.processHistory', { serverId, pids: [42], start: now - 15 * 60_000, end: now })
    expect(body.value.intervalMs).toBe(5_000)
    expect(body.value.processes).toHaveLength(1)
    const [process] = body.value.processes
    expect(process).toMatchObject({ pid: 42, command: 'postgres: checkpointer', user: 'postgres' })
    expect(process.avgCpu).toEqual([5, 40])
  })

  it('requires at least one pid', async () => {
    const { status, body } = await rpc('metrics.processHistory', { serverId, pids: [], start: 0, end: now })
    expect(status).toBe(400)
    expect(body.error.issues[0].field).toBe('pids')
  })
})
