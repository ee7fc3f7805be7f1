// What the permission check costs a request (issue 18): p50/p99 latency at a steady 1,000
// requests/s on loopback, the same route asked with different credentials.
//
//   npx tsx bench/permissions.ts [--rate 1000] [--seconds 10]
//
// - Vigil in this process (startApi: the real server on a random port, collection off, the
//   general limit raised so that the bench measures the check, not a 429).
// - The client: an open loop sending GET /debug/ (area monitoring, a constant text answer: the
//   cheapest guarded route, so the credential's cost is what differs) every 1/rate s on a
//   keep-alive agent (16 sockets), timed to the last byte.
// - Credentials: none on GET /health/ (no credential, no check: the floor); the owner's token
//   (token compared, area checked); a user's `vgl_` token (its hash looked up in SQLite, the
//   user's areas read, last use and the general limit's counter written — the whole cost of a
//   user's token); a user's browser session (its hash and the user's areas read).
// - In-process: the check alone (requirePermission on a principal), a million times.
import { request, Agent } from 'node:http'
import { cpus, loadavg, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { requirePermission, userPrincipal } from '../src/main/users'
import type { Permission } from '../src/shared/teams'
import { DEFAULT_RATE_LIMITS } from '../src/main/config'
import { startApi } from '../test/helpers/api'

const { values } = parseArgs({ options: { rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' } } })
const RATE = Number(values.rate)
const SECONDS = Number(values.seconds)
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN

async function steadyLoad(url: string, headers: Record<string, string>): Promise<{ latencies: number[]; failed: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  const latencies: number[] = []
  let failed = 0
  const total = RATE * SECONDS
  const started = performance.now()
  const pending: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE
    const wait = due - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    pending.push(
      new Promise<void>((resolve) => {
        const sent = performance.now()
        const req = request(url, { agent, headers }, (response) => {
          response.resume()
          response.on('end', () => {
            if (response.statusCode === 200) latencies.push(performance.now() - sent)
            else failed++
            resolve()
          })
        })
        req.on('error', () => {
          failed++
          resolve()
        })
        req.end()
      })
    )
  }
  await Promise.all(pending)
  agent.destroy()
  return { latencies: latencies.sort((a, b) => a - b), failed }
}

async function main(): Promise<void> {
  console.log(`${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB · Node ${process.version} · load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  const api = await startApi({ rateLimits: { ...DEFAULT_RATE_LIMITS, general: { max: 10_000_000, windowSeconds: 3600 } } })
  try {
    const password = 'bench password 1'
    await api.request('POST', '/api/v1/users/', { body: { username: 'viewer', password, permissions: ['monitoring:read'] } })
    const minted = await api.request('POST', '/api/v1/auth/token/', { anonymous: true, body: { username: 'viewer', password } })
    const login = await fetch(`${api.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'viewer', password }) })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string
    const host = new URL(api.url).host
    const cases: Array<[string, string, Record<string, string>]> = [
      ['GET /health/, no credential (floor)', '/health/', { Host: host }],
      ['GET /debug/, owner token', '/debug/', { Host: host, Authorization: `Bearer ${api.token}` }],
      ['GET /debug/, user vgl_ token', '/debug/', { Host: host, Authorization: `Bearer ${minted.body.data.token as string}` }],
      ['GET /debug/, user session', '/debug/', { Host: host, Cookie: cookie }]
    ]
    // Warm up every path once (JIT, statement cache).
    for (const [, path, headers] of cases) await steadyLoad(api.url + path, headers).catch(() => undefined)
    console.log(`\n${RATE} requests/s for ${SECONDS} s each\n`)
    console.log('| request | p50 | p99 | max | non-200 | load |')
    console.log('| --- | --- | --- | --- | --- | --- |')
    for (const [label, path, headers] of cases) {
      const { latencies, failed } = await steadyLoad(api.url + path, headers)
      const ms = (value: number): string => `${value.toFixed(2)} ms`
      console.log(`| ${label} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 99))} | ${ms(latencies[latencies.length - 1] ?? NaN)} | ${failed} | ${loadavg()[0]?.toFixed(1)} |`)
    }
  } finally {
    await api.close()
  }
  const principal = userPrincipal('viewer', { isStaff: false, permissions: new Set<Permission>(['servers:read', 'metrics']) })
  const started = performance.now()
  for (let i = 0; i < 1_000_000; i++) requirePermission(principal, i % 2 ? 'servers' : 'metrics', 'read')
  console.log(`\nrequirePermission alone: ${((performance.now() - started) * 1000 / 1_000_000).toFixed(3)} µs a check`)
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
