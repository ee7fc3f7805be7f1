// Password logins are no cheap denial of service and no oracle (issue 12, finding 1): scrypt
// runs one at a time with a short line, the rest are refused at once; failures back off per
// client and per user; an unknown instance id answers as a known one does. And every login face
// (the UI's, /api/v1's token, the agent's) shares the per-address limit of 5 attempts in 15 minutes.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HASHING_LIMITS } from '../../src/main/base/security/passwords'
import { startApi, type TestApi } from '../helpers/api'
import { makeTempDir } from '../helpers/temp-dir'

let api: TestApi
let instanceId: number
const renderer = makeTempDir('vigil-renderer-')
const PASSWORD = 'correct horse battery'

beforeAll(async () => {
  mkdirSync(join(renderer.dir, 'assets'))
  writeFileSync(join(renderer.dir, 'index.html'), '<!doctype html><title>Vigil</title>')
  writeFileSync(join(renderer.dir, 'assets', 'app.js'), 'console.log(1)\n'.repeat(1000))
  api = await startApi({ rendererDir: renderer.dir })
  // Nothing listens on port 1: the instance is registered, never reached.
  const created = await api.request('POST', '/api/postgres-instances/', { body: { name: 'known', host: '127.0.0.1', port: 1, username: 'x' } })
  instanceId = created.body.id
  await api.app.users.add('alice', PASSWORD)
})
afterAll(async () => {
  await api?.close()
  renderer.remove()
})

const login = (id: number | string, username: string, password: string) =>
  api.request('POST', `/pg/${id}/login`, { anonymous: true, body: { username, password } })

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now()
  const result = await run()
  return { ms: performance.now() - start, result }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

// Each test uses usernames of its own and stays within the client's 20 free failures.
describe('password logins', () => {
  it('answers a failed login to an unknown instance id as to a known one: same body, similar time', async () => {
    const known: number[] = []
    const unknown: number[] = []
    for (let round = 0; round < 4; round++) {
      const a = await timed(() => login(instanceId, `timing-known-${round}`, 'wrong password'))
      const b = await timed(() => login(999_999, `timing-unknown-${round}`, 'wrong password'))
      expect(a.result).toMatchObject({ status: 404, body: { error: 'Invalid username/password.' } })
      expect(b.result).toMatchObject({ status: 404, body: { error: 'Invalid username/password.' } })
      known.push(a.ms)
      unknown.push(b.ms)
    }
    // Both pay for a full scrypt (~0.3 s or more here); before, an unknown id answered in 2 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.6)
    expect(median(unknown)).toBeLessThan(median(known) * 1.6)
    // A good login to an id that does not exist learns that it does not.
    const good = await login(999_999, 'alice', PASSWORD)
    expect(good).toMatchObject({ status: 404, body: { error: "PostgreSQL instance with ID '999999' not found" } })
  })

  it('hashes one password at a time and refuses the excess at once: 40 parallel logins delay nothing else', async () => {
    await login(instanceId, 'alice', PASSWORD) // warm: the first scrypt of the process allocates its memory
    const rssBefore = process.memoryUsage().rss
    let rssPeak = rssBefore
    const storm = Array.from({ length: 40 }, (_, index) => timed(() => login(instanceId, `storm-${index}`, 'wrong password')))
    // While they run: the health check and a static file, one after the other.
    const latencies: number[] = []
    for (let round = 0; round < 10; round++) {
      for (const path of ['/health/', '/assets/app.js']) {
        const { ms, result } = await timed(() => api.request('GET', path, { anonymous: true }))
        expect(result.status, path).toBe(200)
        latencies.push(ms)
      }
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
    }
    const answers = await Promise.all(storm)
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss)

    const statuses = answers.map((answer) => answer.result.status)
    const checked = statuses.filter((status) => status === 404).length
    expect(checked).toBeLessThanOrEqual(HASHING_LIMITS.concurrent + HASHING_LIMITS.waiting)
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - checked)
    const refused = answers.filter((answer) => answer.result.status === 429)
    expect(refused[0]?.result.body).toEqual({ error: 'Too many password checks at once; try again in a moment.' })
    expect(refused[0]?.result.headers.get('retry-after')).toBe('1')
    expect(Math.max(...refused.map((answer) => answer.ms))).toBeLessThan(500)
    console.log(
      `40 parallel logins: ${checked} checked, ${refused.length} refused; /health/ and a static file: ` +
        `median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; ` +
        `RSS ${(rssBefore / 2 ** 20).toFixed(0)} → peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB`
    )
    // Before: the health check held, but the static file waited behind the scrypt jobs filling
    // libuv's pool — 22.8 s here. The max allows for the other test files sharing the CPU.
    expect(median(latencies)).toBeLessThan(100)
    expect(Math.max(...latencies)).toBeLessThan(500)
    // One scrypt holds 128 MiB; unbounded, 40 took RSS up by 500 MiB.
    expect(rssPeak - rssBefore).toBeLessThan(200 * 2 ** 20)
  })

  it('makes a user who keeps failing wait, 1 s after the 5th failure, doubling; the right password too', async () => {
    await api.app.users.add('bob', PASSWORD)
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await login(instanceId, 'bob', `guess ${attempt}`)).status).toBe(404)
    }
    const { ms, result } = await timed(() => login(instanceId, 'bob', PASSWORD))
    expect(result.status).toBe(429)
    expect(result.body).toEqual({ error: 'Too many failed logins; try again in 1 s.' })
    expect(result.headers.get('retry-after')).toBe('1')
    expect(ms).toBeLessThan(100)
    // Another user, from the same client, is not held back by bob's failures.
    expect((await login(instanceId, 'alice', PASSWORD)).status).toBe(200)
  })
})

describe('the address limit on every login face', () => {
  // webops-api.md's "5 attempts / 15 minutes per IP", on each way to log in (here 2, to be quick).
  // Each face gets its own Vigil: the attempts of one address count across all of them.
  const faces: Array<{ name: string; attempt: (vigil: TestApi) => ReturnType<TestApi['request']>; refused: (body: any) => void }> = [
    {
      name: 'POST /api/v1/auth/token/',
      attempt: (vigil) => vigil.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username: 'alice', password: 'wrong password' } }),
      refused: (body) => expect(body).toMatchObject({ success: false, error: { code: 'RATE_LIMIT_EXCEEDED' } })
    },
    {
      name: 'POST /pg/{id}/login',
      attempt: (vigil) => vigil.request('POST', '/pg/1/login', { anonymous: true, body: { username: 'alice', password: 'wrong password' } }),
      refused: (body) => expect(body).toEqual({ error: expect.stringMatching(/Rate limit exceeded/) })
    },
    {
      name: 'POST /auth/login (the UI)',
      attempt: (vigil) => vigil.request('POST', '/auth/login', { anonymous: true, body: { username: 'alice', password: 'wrong password' } }),
      refused: (body) => expect(body).toMatchObject({ error: expect.stringMatching(/Rate limit exceeded/), timestamp: expect.any(String) })
    },
    {
      name: 'POST /auth/session (the owner token pasted)',
      attempt: (vigil) => vigil.request('POST', '/auth/session', { anonymous: true, body: { token: 'not the token' } }),
      refused: (body) => expect(body).toMatchObject({ error: expect.stringMatching(/Rate limit exceeded/), timestamp: expect.any(String) })
    }
  ]

  for (const face of faces) {
    it(`refuses the third attempt from one address on ${face.name} with 429 and Retry-After, in that face's format`, async () => {
      const vigil = await startApi({ rateLimits: { general: { max: 100, windowSeconds: 3600 }, auth: { max: 2, windowSeconds: 900 } } })
      try {
        await vigil.app.users.add('alice', PASSWORD)
        for (let attempt = 0; attempt < 2; attempt++) expect([401, 404]).toContain((await face.attempt(vigil)).status)
        const refused = await face.attempt(vigil)
        expect(refused.status).toBe(429)
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
        expect(refused.headers.get('x-ratelimit-remaining')).toBe('0')
        face.refused(refused.body)
      } finally {
        await vigil.close()
      }
    })
  }
})
