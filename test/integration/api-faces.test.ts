import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'

// Each face of the API answers in its own spec's envelope, unknown paths and refused
// credentials included, so a client of one spec never sees another's format.
describe('API faces', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startApi()
  })
  afterAll(async () => {
    await api?.close()
  })

  it('primary API: {error, timestamp} for unknown paths, a missing credential and bad JSON', async () => {
    const unknown = await api.request('GET', '/api/nope')
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ error: 'No route for GET /api/nope', timestamp: expect.any(String) })
    const anonymous = await api.request('GET', '/api/servers/', { anonymous: true })
    expect(anonymous.status).toBe(401)
    expect(anonymous.body).toEqual({ error: 'Authentication credentials were not provided.', timestamp: expect.any(String) })
    const badJson = await api.request('POST', '/api/servers/', { rawBody: '{bad', headers: { 'Content-Type': 'application/json' } })
    expect(badJson.status).toBe(400)
    expect(badJson.body).toMatchObject({ error: 'The request body must be valid JSON' })
  })

  it('PostgreSQL agent: {error} with the agent’s statuses, under its own authentication', async () => {
    const unknown = await api.request('GET', '/pg/1/nope')
    expect(unknown).toMatchObject({ status: 404, body: { error: 'No route for GET /pg/1/nope' } })
    const noSession = await api.request('GET', '/pg/1/activity', { anonymous: true })
    expect(noSession).toMatchObject({ status: 406, body: { error: "Parameter 'X-Session' is malformed." } })
    const wrongToken = await api.request('GET', '/pg/1/activity', { headers: { Authorization: 'Bearer nope' } })
    expect(wrongToken).toMatchObject({ status: 401, body: { error: 'Invalid token.' } })
    const badJson = await api.request('POST', '/pg/1/login', { anonymous: true, rawBody: '{bad', headers: { 'Content-Type': 'application/json' } })
    expect(badJson).toMatchObject({ status: 400, body: { error: 'Invalid json format' } })
  })

  it('RPC: the contract’s Outcome for every error', async () => {
    const unknown = await api.request('GET', '/rpc/nope')
    expect(unknown).toMatchObject({ status: 404, body: { ok: false, error: { code: 'not_found', message: 'No route for GET /rpc/nope' } } })
    const anonymous = await api.request('POST', '/rpc/app.info', { anonymous: true, body: {} })
    expect(anonymous).toMatchObject({ status: 401, body: { ok: false, error: { code: 'unauthorized' } } })
  })

  it('platform: {detail} on the paths it owns among the primary API’s, with the primary’s paths left alone', async () => {
    expect(await api.request('GET', '/api/sources/nope/details')).toMatchObject({ status: 404, body: { detail: "Source 'nope' not found" } })
    expect(await api.request('GET', '/api/sources/nope/nothing')).toMatchObject({ status: 404, body: { detail: 'No route for GET /api/sources/nope/nothing' } })
    expect(await api.request('GET', '/api/status', { anonymous: true })).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } })
    const badJson = await api.request('POST', '/api/sources/nope/sync', { rawBody: '{bad', headers: { 'Content-Type': 'application/json' } })
    expect(badJson).toMatchObject({ status: 400, body: { detail: expect.stringContaining('valid JSON') } })
    // /ws/… and /api/… paths the platform does not list stay the primary API's.
    expect((await api.request('GET', '/ws/metrics/nope/')).body).toMatchObject({ timestamp: expect.any(String) })
    expect((await api.request('GET', '/api/statusx')).body).toEqual({ error: 'No route for GET /api/statusx', timestamp: expect.any(String) })
  })

  it('answers paths no face owns in the default (primary) format', async () => {
    const unknown = await api.request('GET', '/nowhere')
    expect(unknown).toMatchObject({ status: 404, body: { error: 'No route for GET /nowhere', timestamp: expect.any(String) } })
  })
})
