// WebSocket clients cannot hold memory or sockets forever (issue 12, finding 5): a client that
// never reads is dropped when it stops answering pings; one that falls behind is skipped, then
// closed once behind for a set time; a healthy one is pinged and stays.
import type { Socket } from 'node:net'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { VigilConfig } from '../../src/main/config'
import { startApi, type TestApi } from '../helpers/api'

let api: TestApi | null = null
afterEach(async () => {
  await api?.close()
  api = null
})

async function withServer(webSockets: VigilConfig['webSockets']): Promise<{ api: TestApi; serverId: string }> {
  api = await startApi({ webSockets })
  const created = await api.request('POST', '/api/servers/create/', { body: { hostname: 'ws-slow', ip_address: '192.0.2.3', ssh_username: 'u' } })
  return { api, serverId: created.body.server.id as string }
}

/** A client on /ws/metrics/{id}/, and the server's end of it. */
async function connect(test: TestApi, serverId: string): Promise<{ client: WebSocket; server: WebSocket }> {
  const serverSide = new Promise<WebSocket>((resolve) => test.app.api.websocketServer.once('connection', resolve))
  const client = new WebSocket(`${test.url.replace('http', 'ws')}/ws/metrics/${serverId}/?token=${test.token}`)
  await new Promise((resolve, reject) => {
    client.once('open', resolve)
    client.once('error', reject)
  })
  return { client, server: await serverSide }
}

/** Stops reading: nothing the server sends is taken off the socket, pings included. */
const stopReading = (client: WebSocket): void => void (client as unknown as { _socket: Socket })._socket.pause()

const closed = (socket: WebSocket) => new Promise<void>((resolve) => socket.once('close', () => resolve()))

function publishBatch(test: TestApi, serverId: string, rows: number, firstId: number): void {
  test.app.bus.publish('metrics.samples', {
    metric: 'vmstat',
    serverId,
    timestamp: new Date().toISOString(),
    samples: Array.from({ length: rows }, (_, index) => ({
      id: firstId + index,
      values: { r: 1, b: 0, avm: 123456, fre: 654321, pi: 0, po: 0, fr: null, interface_in: 1000, cs: 2000, us: 12, sy: 3, idle: 85, wa: 0 }
    }))
  })
}

describe('slow WebSocket clients', () => {
  it('drops a client that never reads once it leaves a ping unanswered', async () => {
    const { api: test, serverId } = await withServer({ pingIntervalMs: 100 })
    const { client, server } = await connect(test, serverId)
    stopReading(client)
    const started = performance.now()
    await closed(server)
    expect(performance.now() - started).toBeLessThan(2_000)
    expect(test.app.api.liveSockets.size).toBe(0)
    const log = readFileSync(test.app.logFile, 'utf8')
    expect(log).toContain('no answer to a ping')
    expect(log).toContain('?token=[REDACTED]')
    expect(log).not.toContain(test.token)
    client.terminate()
  })

  it('skips a client that falls behind, keeping what waits for it bounded, and closes it when it stays behind', async () => {
    const skipBytes = 1 << 20
    const { api: test, serverId } = await withServer({ pingIntervalMs: 60_000, behindLimitMs: 300, skipBytes })
    const { client, server } = await connect(test, serverId)
    stopReading(client)
    const serverClosed = closed(server)
    // Publish until the kernel's buffers are full and the backlog passes skipBytes, then more.
    let batchBytes = 0
    let maxBuffered = 0
    let behindFor = 0
    for (let batch = 0; batch < 400 && behindFor < 20; batch++) {
      const before = server.bufferedAmount
      publishBatch(test, serverId, 1000, batch * 1000)
      batchBytes = Math.max(batchBytes, server.bufferedAmount - before)
      maxBuffered = Math.max(maxBuffered, server.bufferedAmount)
      if (server.bufferedAmount > skipBytes) behindFor++
    }
    expect(behindFor, 'the client never fell behind').toBe(20)
    // Skipped past skipBytes: at most one batch more than that ever waits.
    expect(maxBuffered).toBeLessThanOrEqual(skipBytes + batchBytes)
    await serverClosed
    const log = readFileSync(test.app.logFile, 'utf8')
    expect(log).toMatch(/closing a slow WebSocket client: \d+ bytes waiting for over 300 ms/)
    client.terminate()
  })

  it('pings a healthy client and keeps it', async () => {
    const { api: test, serverId } = await withServer({ pingIntervalMs: 50 })
    const { client } = await connect(test, serverId)
    let pings = 0
    await new Promise<void>((resolve) =>
      client.on('ping', () => {
        if (++pings === 3) resolve()
      })
    )
    expect(client.readyState).toBe(WebSocket.OPEN)
    expect(test.app.api.liveSockets.size).toBe(1)
    const received = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))))
    publishBatch(test, serverId, 1, 1)
    expect(JSON.parse(await received)).toMatchObject({ metric: 'vmstat', server_id: serverId, id: 1 })
    client.close()
  })
})
