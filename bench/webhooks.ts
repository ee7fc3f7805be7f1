// Webhooks (issue 18 item 6): one event fanned out to many receivers — how long until every
// receiver has it, each delivery's latency, and what it costs Vigil in memory.
//
//   npm run build && npx tsx bench/webhooks.ts [--receivers 100] [--rounds 5]
//
// - Vigil: the built `vigil serve` on a temp data dir (its own process; "this machine" collected
//   as always), `receivers` webhooks made through POST /api/v1/webhooks/, each subscribed to
//   server.down with a secret, each to its own HTTP receiver on 127.0.0.1 in this process (they
//   answer 200 at once and read the body).
// - One round: a server registered at a closed port of 127.0.0.1; its collector finds it
//   unreachable and the bus's servers.state becomes one server.down, delivered to every webhook.
//   A delivery's latency is its arrival here minus the payload's `created_at` (the moment Vigil
//   made the event: the same clock, one machine); "all delivered" is the last arrival's.
// - Vigil's RSS (VmRSS) is read from /proc before the webhooks exist, after they are made, and
//   every 5 ms during the rounds (its peak).
// - The publisher's share: Vigil in this process (startApi), the same webhooks, and the time one
//   bus.publish() of a server going down takes — what a collector waits for while the event is
//   matched and queued for every webhook (the deliveries themselves run after).
import { createServer, type Server } from 'node:http'
import { readFileSync } from 'node:fs'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { cpus, loadavg, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { startApi } from '../test/helpers/api'
import { startVigil } from '../test/helpers/vigil-process'

const { values } = parseArgs({ options: { receivers: { type: 'string', default: '100' }, rounds: { type: 'string', default: '5' } } })
const RECEIVERS = Number(values.receivers)
const ROUNDS = Number(values.rounds)

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN

interface Arrival {
  event: string
  hostname: string
  latencyMs: number
}

function receiver(arrivals: Arrival[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const at = Date.now()
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; created_at: string; data: { hostname: string } }
      arrivals.push({ event: body.event, hostname: body.data.hostname, latencyMs: at - Date.parse(body.created_at) })
      response.writeHead(200).end()
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` })))
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createTcpServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function main(): Promise<void> {
  const arrivals: Arrival[] = []
  const receivers = await Promise.all(Array.from({ length: RECEIVERS }, () => receiver(arrivals)))
  const vigil = await startVigil()
  const pid = (JSON.parse(readFileSync(`${vigil.dataDir}/serve.json`, 'utf8')) as { pid: number }).pid
  const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(vigil.url + path, {
      method,
      headers: { Authorization: `Bearer ${vigil.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
    return response.json()
  }
  try {
    const rssBefore = rssOf(pid)
    for (const [i, { url }] of receivers.entries()) await api('POST', '/api/v1/webhooks/', { url, events: ['server.down'], secret: `secret-${i}`, name: `r${i}` })
    const rssWithWebhooks = rssOf(pid)
    let peak = rssWithWebhooks
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 5)
    const rounds: Array<{ allMs: number; latencies: number[] }> = []
    for (let round = 0; round < ROUNDS; round++) {
      const hostname = `down-${round}`
      const port = await closedPort()
      await api('POST', '/api/servers/create/', { hostname, ip_address: '127.0.0.1', ssh_port: port, ssh_username: 'nobody', ssh_password: 'x', monitoring_interval: 5 })
      const deadline = Date.now() + 60_000
      const mine = (): Arrival[] => arrivals.filter((arrival) => arrival.hostname === hostname)
      while (mine().length < RECEIVERS) {
        if (Date.now() > deadline) throw new Error(`round ${round}: ${mine().length} of ${RECEIVERS} delivered within 60 s`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      const latencies = mine()
        .map((arrival) => arrival.latencyMs)
        .sort((a, b) => a - b)
      rounds.push({ allMs: latencies.at(-1) ?? NaN, latencies })
      console.log(`round ${round + 1}: ${RECEIVERS} delivered, all within ${latencies.at(-1)} ms (p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms)`)
    }
    clearInterval(sampler)
    const all = rounds.flatMap((round) => round.latencies).sort((a, b) => a - b)
    const allDelivered = rounds.map((round) => round.allMs).sort((a, b) => a - b)
    console.log(`\n${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${mib(totalmem())}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    console.log(`${RECEIVERS} receivers × ${ROUNDS} events: time to all delivered median ${percentile(allDelivered, 50)} ms, worst ${allDelivered.at(-1)} ms`)
    console.log(`per delivery: p50 ${percentile(all, 50)} ms, p99 ${percentile(all, 99)} ms, max ${all.at(-1)} ms`)
    console.log(`Vigil RSS: ${mib(rssBefore)} before, ${mib(rssWithWebhooks)} with ${RECEIVERS} webhooks, peak ${mib(peak)} during the rounds`)
  } finally {
    await vigil.stop()
  }
  await publisherShare(receivers.map((r) => r.url))
  for (const { server } of receivers) server.close()
}

/** How long bus.publish() holds the publisher with `urls.length` webhooks subscribed (median of 50). */
async function publisherShare(urls: string[]): Promise<void> {
  const api = await startApi({ collect: false })
  try {
    for (const [i, url] of urls.entries()) api.app.webhooks.create({ url, events: ['server.down'], secret: `secret-${i}` }, { username: null, actor: 'bench' })
    const times: number[] = []
    for (let i = 0; i < 50; i++) {
      const id = `bench-${i}`
      const started = performance.now()
      api.app.bus.publish('servers.state', { id, state: 'unreachable', error: 'bench', since: new Date().toISOString() })
      times.push(performance.now() - started)
      await api.app.webhooks.idle()
    }
    times.sort((a, b) => a - b)
    console.log(`bus.publish() of one server.down with ${urls.length} webhooks: median ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (in process)`)
  } finally {
    await api.close()
  }
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
