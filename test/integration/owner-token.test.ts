// The owner's API token can be rotated on a running Vigil (issue 18): the old token stops at once,
// the file holds the new one, and the owner's browser sessions end — but the one that asked.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'

let api: TestApi
beforeAll(async () => {
  api = await startApi()
})
afterAll(async () => {
  await api.close()
})

async function ownerSession(token: string): Promise<string> {
  const response = await fetch(`${api.url}/auth/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) })
  expect(response.status).toBe(200)
  return (response.headers.get('set-cookie') ?? '').split(';')[0] as string
}

it('replaces the token at once, in the file too, and ends the other owner sessions but the caller’s', async () => {
  const old = api.token
  const asking = await ownerSession(old)
  const other = await ownerSession(old)
  const rotated = await api.request('POST', '/rpc/auth.rotateOwnerToken', { anonymous: true, headers: { Cookie: asking }, body: {} })
  expect(rotated.status).toBe(200)
  const token = rotated.body.value.token as string
  expect(token).toMatch(/^[0-9a-f]{64}$/)
  expect(token).not.toBe(old)
  expect(readFileSync(join(api.dataDir, 'api-token'), 'utf8').trim()).toBe(token)
  expect(api.app.apiToken).toBe(token)

  expect((await api.request('GET', '/api/servers/', { headers: { Authorization: `Bearer ${old}` } })).status).toBe(401)
  expect((await api.request('GET', '/api/servers/', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200)
  expect((await api.request('GET', '/api/servers/', { anonymous: true, headers: { Cookie: asking } })).status).toBe(200)
  expect((await api.request('GET', '/api/servers/', { anonymous: true, headers: { Cookie: other } })).status).toBe(401)
  const trail = await api.request('GET', '/api/logs', { headers: { Authorization: `Bearer ${token}` } })
  expect(JSON.stringify(trail.body)).toMatch(/Rotated the owner's API token/)
})
