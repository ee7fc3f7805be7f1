// /api/v1/webhooks/ against a real Vigil, delivering to a real HTTP receiver on 127.0.0.1: the
// spec's envelope and errors, signed deliveries verified as a receiver would, retries with their
// attempts logged, disabling after failures, the monitoring permission, the creator's areas
// filtering what is sent, and a real server going down. Retry waits are shortened through the
// config; nothing sleeps — deliveries are awaited at the receiver or through webhooks.idle().
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver'

const PASSWORD = 'correct horse battery'
let api: TestApi
let receiver: WebhookReceiver
let closedPort: number

beforeAll(async () => {
  // Collection on (for a real server.down) but no local server: only what the tests register.
  ;[api, receiver] = await Promise.all([
    startApi({ collect: true, webhooks: { sender: { backoffMs: (retry) => 10 * retry, timeoutMs: 3000 }, disableAfter: 3 } }),
    startWebhookReceiver()
  ])
  closedPort = await freePort()
})
afterAll(async () => {
  await api?.close()
  await receiver?.close()
})

/** A port nothing listens on: bound, then closed. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function createWebhook(body: Record<string, unknown>, token?: string): Promise<any> {
  const response = await api.request('POST', '/api/v1/webhooks/', { body, ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}) })
  expect(response.status, JSON.stringify(response.body)).toBe(201)
  return response.body.data
}

async function userToken(username: string, permissions: string[]): Promise<string> {
  expect((await api.request('POST', '/api/v1/users/', { body: { username, password: PASSWORD, permissions } })).status).toBe(201)
  const token = await api.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username, password: PASSWORD } })
  expect(token.status).toBe(201)
  return token.body.data.token
}

describe('webhooks CRUD', () => {
  it('creates (secret never returned), lists with pagination, gets, updates and deletes, each change in the trail', async () => {
    const created = await createWebhook({ url: receiver.url, events: ['server.down', 'server.up', 'server.down'], secret: 's3cret', name: 'ops' })
    expect(created).toEqual({
      id: expect.any(Number),
      name: 'ops',
      url: receiver.url,
      events: ['server.down', 'server.up'],
      has_secret: true,
      active: true,
      disabled_reason: null,
      consecutive_failures: 0,
      created_by: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      last_delivery_at: null,
      queued: 0,
      dropped: 0
    })
    expect(JSON.stringify(created)).not.toContain('s3cret')
    const stored = api.app.db.prepare('SELECT secret_sealed FROM webhooks WHERE id = ?').get(created.id) as { secret_sealed: string }
    expect(stored.secret_sealed).toMatch(/^v1:/)
    expect(stored.secret_sealed).not.toContain('s3cret')

    const list = await api.request('GET', '/api/v1/webhooks/?per_page=1')
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ success: true, message: expect.any(String), data: [expect.objectContaining({ has_secret: expect.any(Boolean) })], pagination: { page: 1, per_page: 1, total: expect.any(Number) } })

    const one = await api.request('GET', `/api/v1/webhooks/${created.id}/`)
    expect(one.body.data).toMatchObject({ id: created.id, recent_deliveries: [] })

    const renamed = await api.request('PUT', `/api/v1/webhooks/${created.id}/`, { body: { name: 'ops-2', secret: null } })
    expect(renamed.body.data).toMatchObject({ name: 'ops-2', has_secret: false })

    expect((await api.request('DELETE', `/api/v1/webhooks/${created.id}/`)).body).toEqual({ success: true, data: null, message: 'Webhook deleted' })
    const gone = await api.request('GET', `/api/v1/webhooks/${created.id}/`)
    expect(gone.status).toBe(404)
    expect(gone.body.error.code).toBe('RESOURCE_NOT_FOUND')
    const trail = api.app.audit.recent(20).map((row) => row.message)
    expect(trail).toContain(`Created webhook ${created.id} 'ops' to ${new URL(receiver.url).origin} for server.down, server.up`)
    expect(trail).toContain(`Deleted webhook ${created.id} 'ops-2' to ${new URL(receiver.url).origin}`)
  })

  it('refuses bad input with VALIDATION_ERROR and details per field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'ftp://example.com/hook', events: ['server.down'] }, 'url'],
      [{ url: 'javascript:alert(1)', events: ['server.down'] }, 'url'],
      [{ url: receiver.url, events: ['deployment.completed'] }, 'events.0'],
      [{ url: receiver.url, events: [] }, 'events'],
      [{ events: ['server.down'] }, 'url']
    ]
    for (const [body, field] of cases) {
      const response = await api.request('POST', '/api/v1/webhooks/', { body })
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.body).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'Invalid input data', details: { [field]: [expect.any(String)] } } })
    }
    const unknown = await api.request('POST', '/api/v1/webhooks/', { body: { url: receiver.url, events: ['deployment.failed'] } })
    expect(unknown.body.error.details['events.0'][0]).toContain('server.down, server.up, collection.failed')
    const missing = await api.request('POST', '/api/v1/webhooks/', { body: { events: ['*'] } })
    expect(missing.body.error.details).toEqual({ url: ['This field is required.'] })
  })

  it('needs the monitoring area: read for GET, write for the rest', async () => {
    const none = await userToken('no-monitoring', ['servers'])
    for (const [method, path] of [['GET', '/api/v1/webhooks/'], ['POST', '/api/v1/webhooks/']] as const) {
      const response = await api.request(method, path, { headers: { Authorization: `Bearer ${none}` }, body: method === 'POST' ? { url: receiver.url, events: ['*'] } : undefined })
      expect(response.status).toBe(403)
      expect(response.body.error.code).toBe('PERMISSION_DENIED')
    }
    const reader = await userToken('monitoring-reader', ['monitoring:read'])
    expect((await api.request('GET', '/api/v1/webhooks/', { headers: { Authorization: `Bearer ${reader}` } })).status).toBe(200)
    const write = await api.request('POST', '/api/v1/webhooks/', { headers: { Authorization: `Bearer ${reader}` }, body: { url: receiver.url, events: ['*'] } })
    expect(write.status).toBe(403)
  })
})

describe('deliveries', () => {
  it('signs the test delivery so that a receiver can verify it with node:crypto', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['*'], secret: 'verify-me' })
    const queued = await api.request('POST', `/api/v1/webhooks/${hook.id}/test/`)
    expect(queued.status).toBe(202)
    expect(queued.body.data).toEqual({ delivery_id: expect.any(String), event: 'webhook.test' })
    const delivery = await receiver.next((d) => d.json.id === queued.body.data.delivery_id)
    expect(delivery.headers['content-type']).toBe('application/json')
    expect(delivery.headers['x-vigil-event']).toBe('webhook.test')
    expect(delivery.headers['x-vigil-delivery']).toBe(queued.body.data.delivery_id)
    expect(delivery.json).toEqual({ id: queued.body.data.delivery_id, event: 'webhook.test', created_at: expect.any(String), data: expect.objectContaining({ webhook_id: hook.id }) })
    const timestamp = delivery.headers['x-vigil-timestamp'] as string
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60)
    // What the README tells a receiver to do:
    const expected = 'sha256=' + createHmac('sha256', 'verify-me').update(`${timestamp}.${delivery.body}`).digest('hex')
    const sent = delivery.headers['x-vigil-signature'] as string
    expect(timingSafeEqual(Buffer.from(sent), Buffer.from(expected))).toBe(true)
  })

  it('retries a 500 and logs both attempts under one delivery id', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['*'] })
    let calls = 0
    receiver.answerWith(() => (++calls === 1 ? 500 : 200))
    try {
      const queued = await api.request('POST', `/api/v1/webhooks/${hook.id}/test/`)
      const id = queued.body.data.delivery_id
      await receiver.next((d) => d.json.id === id && d !== receiver.received.find((first) => first.json.id === id))
      await api.app.webhooks.idle()
    } finally {
      receiver.answerWith(200)
    }
    expect(receiver.received.at(-1)?.headers['x-vigil-signature']).toBeUndefined()
    const log = await api.request('GET', `/api/v1/webhooks/${hook.id}/deliveries/`)
    expect(log.body.pagination).toMatchObject({ page: 1, per_page: 20, total: 2 })
    const [second, first] = log.body.data
    expect(first).toMatchObject({ event: 'webhook.test', attempt: 1, success: false, status_code: 500, error: 'HTTP 500', response_time_ms: expect.any(Number) })
    expect(second).toMatchObject({ event: 'webhook.test', attempt: 2, success: true, status_code: 200, error: null, delivery_id: first.delivery_id })
    const detail = await api.request('GET', `/api/v1/webhooks/${hook.id}/`)
    expect(detail.body.data).toMatchObject({ consecutive_failures: 0, last_delivery_at: expect.any(String), recent_deliveries: [second, first] })
  })

  it('disables a webhook after failed deliveries in a row, and PUT {active: true} re-enables it', async () => {
    const hook = await createWebhook({ url: `http://127.0.0.1:${closedPort}/hook`, events: ['*'] })
    for (let i = 0; i < 3; i++) {
      expect((await api.request('POST', `/api/v1/webhooks/${hook.id}/test/`)).status).toBe(202)
    }
    await api.app.webhooks.idle()
    const disabled = (await api.request('GET', `/api/v1/webhooks/${hook.id}/`)).body.data
    expect(disabled).toMatchObject({ active: false, consecutive_failures: 3, disabled_reason: expect.stringContaining('Disabled after 3 failed deliveries in a row') })
    expect(disabled.disabled_reason).toContain('ECONNREFUSED')
    const log = (await api.request('GET', `/api/v1/webhooks/${hook.id}/deliveries/?per_page=100`)).body
    expect(log.pagination.total).toBe(15)
    expect(log.data.map((row: any) => row.attempt).slice(0, 5)).toEqual([5, 4, 3, 2, 1])
    expect(log.data[0]).toMatchObject({ success: false, status_code: null, error: expect.stringContaining('ECONNREFUSED') })

    const enabled = await api.request('PUT', `/api/v1/webhooks/${hook.id}/`, { body: { active: true } })
    expect(enabled.body.data).toMatchObject({ active: true, disabled_reason: null, consecutive_failures: 0 })
    await api.request('DELETE', `/api/v1/webhooks/${hook.id}/`)
  })
})

describe('events', () => {
  it('sends a real server.down, and nothing of servers to a webhook whose creator cannot read servers', async () => {
    const narrow = await startWebhookReceiver()
    try {
      const userToken_ = await userToken('hooks-only', ['monitoring'])
      const blind = await createWebhook({ url: narrow.url, events: ['*'] }, userToken_)
      expect(blind.created_by).toBe('hooks-only')
      const seeing = await createWebhook({ url: receiver.url, events: ['server.down'] })
      // The narrow webhook works: its test arrives (a test carries no area's data).
      const test = await api.request('POST', `/api/v1/webhooks/${blind.id}/test/`)
      await narrow.next((d) => d.json.id === test.body.data.delivery_id)

      const server = await api.request('POST', '/api/servers/create/', {
        body: { hostname: 'gone-01', ip_address: '127.0.0.1', ssh_port: closedPort, ssh_username: 'nobody', ssh_password: 'x', monitoring_interval: 1 }
      })
      expect(server.status).toBe(201)
      const down = await receiver.next((d) => d.json.event === 'server.down' && d.json.data.server_id === server.body.server.id, 20_000)
      expect(down.headers['x-vigil-event']).toBe('server.down')
      expect(down.json.data).toMatchObject({ hostname: 'gone-01', state: 'unreachable', error: expect.any(String), since: expect.any(String) })
      await api.app.webhooks.idle()
      expect(narrow.received.map((d) => d.json.event)).toEqual(['webhook.test'])
      await api.request('DELETE', `/api/v1/webhooks/${seeing.id}/`)
    } finally {
      await narrow.close()
    }
  })

  it('judges the creator’s areas when the event happens, not when the webhook was made', async () => {
    const own = await startWebhookReceiver()
    try {
      const token = await userToken('hooks-later', ['monitoring'])
      const hook = await createWebhook({ url: own.url, events: ['server.down'] }, token)
      const down = (id: string) => api.app.bus.publish('servers.state', { id, state: 'unreachable', error: 'refused', since: new Date().toISOString() })
      down('fake-before')
      await api.app.webhooks.idle()
      expect(own.received).toEqual([])
      const user = (await api.request('GET', '/api/v1/users/?per_page=100')).body.data.find((u: { username: string }) => u.username === 'hooks-later')
      expect((await api.request('PUT', `/api/v1/users/${user.id}/permissions/`, { body: { permissions: ['monitoring', 'servers:read'] } })).status).toBe(200)
      down('fake-after')
      expect((await own.next((d) => d.json.event === 'server.down')).json.data).toMatchObject({ server_id: 'fake-after' })
      await api.request('DELETE', `/api/v1/webhooks/${hook.id}/`)
    } finally {
      await own.close()
    }
  })

  it('maps the bus’s news to events: maintenance, table changes, scrape targets, collectors', async () => {
    // A receiver of its own: earlier tests' webhooks (events: *) get these too.
    const own = await startWebhookReceiver()
    const hook = await createWebhook({ url: own.url, events: ['maintenance.failed', 'table.changed', 'scrape.target_down', 'collection.failed'] })
    const bus = api.app.bus
    const job = { id: 'abcd1234', instanceId: 7, operation: 'vacuum', startedAt: 0, finishedAt: 1000, error: 'canceling statement', requestedBy: 'alice' }
    bus.publish('postgres.maintenance', { type: 'failed', job: job as never, description: 'VACUUM "public"."t" in database "shop"' })
    bus.publish('postgres.maintenance', { type: 'done', job: job as never, description: 'not subscribed' })
    bus.publish('scrape.health', { targetId: 't1', job: 'node', instance: 'web-01:9100', url: 'http://web-01:9100/metrics', up: false, error: 'connection refused', at: new Date().toISOString() })
    const snapshot = { snapshotId: 9, taskId: 1, tableId: 3, tableName: 'ORDERS', schemaName: 'SHOP', databaseId: 2, databaseName: 'prod', serverId: 'x', serverName: 'db-01', timestamp: new Date().toISOString(), recordCount: 10, truncated: false }
    const changes = { added: 1, removed: 0, changed: 2, baseline: false, keys: { added: [], removed: [], changed: [] }, keys_truncated: false }
    bus.publish('oracle.snapshot', { ...snapshot, snapshotId: 8, changesDetected: false, changes: { ...changes, added: 0, changed: 0 } })
    bus.publish('oracle.snapshot', { ...snapshot, changesDetected: true, changes })
    bus.publish('platform.event', { type: 'collector_down', source: 'postgres:main', error: 'password authentication failed', timestamp: new Date().toISOString() })
    // The failing server of the test before may add its own collection.failed: match on content.
    const events = await Promise.all([
      own.next((d) => d.json.event === 'maintenance.failed' && d.json.data.job_id === 'abcd1234'),
      own.next((d) => d.json.event === 'scrape.target_down' && d.json.data.target_id === 't1'),
      own.next((d) => d.json.event === 'collection.failed' && d.json.data.source === 'postgres:main'),
      own.next((d) => d.json.event === 'table.changed')
    ])
    expect(events[0]?.json.data).toMatchObject({ job_id: 'abcd1234', instance_id: 7, error: 'canceling statement', description: 'VACUUM "public"."t" in database "shop"' })
    expect(events[1]?.json.data).toMatchObject({ job: 'node', instance: 'web-01:9100', error: 'connection refused' })
    expect(events[2]?.json.data).toMatchObject({ source: 'postgres:main' })
    expect(events[3]?.json.data).toMatchObject({ snapshot_id: 9, table: 'SHOP.ORDERS', database: 'prod', changes: { added: 1, removed: 0, changed: 2 } })
    await api.app.webhooks.idle()
    expect(own.received.filter((d) => d.json.event === 'maintenance.finished')).toEqual([])
    expect(own.received.filter((d) => d.json.event === 'table.changed')).toHaveLength(1)
    await api.request('DELETE', `/api/v1/webhooks/${hook.id}/`)
    await own.close()
  })
})
