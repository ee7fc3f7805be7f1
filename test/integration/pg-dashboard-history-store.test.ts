// The dashboard history over HTTP now that it lives in the series store: it survives a restart
// of Vigil (same data dir), and goes with its instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DASHBOARD_METRIC, dashboardGroupsOf } from '../../src/main/postgres/dashboard'
import type { Dashboard } from '../../src/shared/pg-agent'
import { startApi, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres } from '../helpers/postgres'
import { makeTempDir } from '../helpers/temp-dir'

let pg: Postgres
const dataDir = makeTempDir('vigil-pg-history-')
const apis: TestApi[] = []

beforeAll(async () => {
  pg = await startPostgres()
})
afterAll(async () => {
  for (const api of apis) await api.close().catch(() => undefined)
  await pg?.stop()
  dataDir.remove()
})

/** Vigil on the shared data dir (collection off: data sets are collected by GET /dashboard only). */
async function startVigil(): Promise<TestApi> {
  const api = await startApi({ dataDir: dataDir.dir })
  apis.push(api)
  return api
}

async function stopVigil(api: TestApi): Promise<void> {
  await api.close()
  apis.splice(apis.indexOf(api), 1)
}

describe('dashboard history in the series store', () => {
  let instanceId: number

  it('survives a restart of Vigil, and grows on after it', async () => {
    let api = await startVigil()
    const monitor = await pg.createRole('vigil_monitor', 'monitor-secret-1', ['pg_monitor'])
    const created = await api.request('POST', '/api/postgres-instances/', {
      body: { name: 'local', host: '127.0.0.1', port: pg.port, username: monitor.user, password: monitor.password }
    })
    instanceId = created.body.id
    const agent = (path: string) => api.request('GET', `/pg/${instanceId}${path}`)

    // Without a data set yet, /dashboard collects one, which the history keeps (with its
    // timestamp; the notifications and host description are /dashboard's own, read when asked).
    const dataSet = (body: Record<string, unknown>) => {
      const { notifications: _notifications, linux_distribution: _distribution, cpu_models: _models, ...kept } = body
      return kept
    }
    const first = await agent('/dashboard')
    expect(first.status).toBe(200)
    const before = await agent('/dashboard/history')
    expect(before.body).toEqual([dataSet(first.body)])
    await stopVigil(api)

    api = await startVigil()
    const after = await agent('/dashboard/history')
    expect(after.status).toBe(200)
    expect(after.text).toBe(before.text)

    // "The dashboard now" is not the one from before the restart: it is collected anew.
    const second = await agent('/dashboard')
    expect((second.body as Dashboard).buffers.time).toBeGreaterThan((first.body as Dashboard).buffers.time)
    expect((await agent('/dashboard/history')).body).toEqual([dataSet(first.body), dataSet(second.body)])
    expect(api.app.series.select(dashboardGroupsOf(instanceId)).map((group) => group.metric).sort()).toEqual([DASHBOARD_METRIC, `${DASHBOARD_METRIC}_info`])
  })

  it('goes with its instance', async () => {
    const api = apis[0] as TestApi
    const other = await api.request('POST', '/api/postgres-instances/', {
      body: { name: 'other', host: '127.0.0.1', port: pg.port, username: pg.superuser, password: pg.password }
    })
    expect((await api.request('GET', `/pg/${other.body.id}/dashboard`)).status).toBe(200)

    expect((await api.request('DELETE', `/api/postgres-instances/${instanceId}/`)).status).toBe(204)
    expect(api.app.series.select(dashboardGroupsOf(instanceId))).toEqual([])
    // The other instance's series stay.
    expect(api.app.series.select(dashboardGroupsOf(other.body.id))).toHaveLength(2)
    expect((await api.request('GET', `/pg/${other.body.id}/dashboard/history`)).body).toHaveLength(1)
  })
})
