// The platform API's source list: GET /api/sources latency with 1,000 sources.
//   npx tsx bench/sources.ts [sources=1000] [requests=200] [--warmup 20]
//
// Vigil's real API (createApp, as test/helpers/api.ts starts it: loopback, random port, a
// throwaway data dir, collection off so that no SSH connection is attempted) with `sources`
// registered through the API: 80 % servers, 20 % PostgreSQL instances. Each server is given
// the state of a collecting one — a 'servers.state' event and a day of samples counted per
// table (what the sources feature hears from the bus when collectors run) — and one server in
// fifty a failure, so the list carries rows, freshness and errors as in a real fleet. Then
// `--warmup` and `requests` sequential GETs over one keep-alive connection, with the API token
// as a bearer; and the same list built in-process (SourcesService.list(), no HTTP), to tell
// the service's cost from serialisation's.
import { performance } from 'node:perf_hooks'
import { cpus, loadavg, totalmem } from 'node:os'
import { startApi, type TestApi } from '../test/helpers/api'

interface Options {
  sources: number
  requests: number
  warmup: number
}

function parseOptions(argv: string[]): Options {
  const options: Options = { sources: 1000, requests: 200, warmup: 20 }
  const positional: number[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--warmup') options.warmup = Number(argv[++i])
    else positional.push(Number(arg))
  }
  if (positional[0] !== undefined) options.sources = positional[0]
  if (positional[1] !== undefined) options.requests = positional[1]
  return options
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b)
  return `${label}: p50 ${percentile(sorted, 50).toFixed(1)} ms · p95 ${percentile(sorted, 95).toFixed(1)} ms · p99 ${percentile(sorted, 99).toFixed(1)} ms · max ${(sorted.at(-1) as number).toFixed(1)} ms`
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const api: TestApi = await startApi({ collect: false, monitorLocalhost: false })
  try {
    const servers = Math.round(options.sources * 0.8)
    const instances = options.sources - servers
    const setupStarted = performance.now()
    const ids: string[] = []
    for (let i = 0; i < servers; i++) {
      const created = await api.request('POST', '/api/servers/create/', {
        body: { hostname: `bench-${String(i).padStart(4, '0')}`, ip_address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, ssh_username: 'ops' }
      })
      if (created.status !== 201) throw new Error(`server ${i}: ${created.status} ${created.text}`)
      ids.push(created.body.server.id as string)
    }
    for (let i = 0; i < instances; i++) {
      const created = await api.request('POST', '/api/postgres-instances/', {
        body: { name: `pg-${String(i).padStart(4, '0')}`, host: '127.0.0.1', port: 5432, username: 'monitor', password: 'x' }
      })
      if (created.status !== 201) throw new Error(`instance ${i}: ${created.status} ${created.text}`)
    }
    // What the bus tells the sources feature when the fleet collects: states and a day of rows.
    const { bus } = api.app
    const now = Date.now()
    ids.forEach((id, i) => {
      const failing = i % 50 === 0
      api.app.servers.setCollectionState(id, failing ? 'unreachable' : 'collecting', failing ? `Connection timed out to 10.0.0.${i & 255}:22` : null)
      for (const [metric, rows] of [['vmstat', 17_280], ['iostat', 34_560], ['netstat', 34_560], ['process', 345_600]] as const) {
        bus.publish('metrics.samples', { metric, serverId: id, timestamp: new Date(now - 1000).toISOString(), samples: Array.from({ length: 1 }, () => ({ id: 0, values: {} })) })
        // The rest of the day's rows, counted as they would have been, without building them.
        ;(api.app.platform.sources as unknown as { rows: { add(source: string, table: string, rows: number, at: number): void } }).rows.add(`server:${id}`, metric, rows - 1, now - 1000)
      }
    })
    for (let i = 0; i < instances; i++) bus.publish('postgres.collected', { instanceId: i + 1, ok: true, error: null, durationMs: 12, at: now - 2000 })
    console.log(`set up ${servers} servers and ${instances} PostgreSQL instances in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`)

    const inProcess: number[] = []
    for (let i = 0; i < options.warmup + options.requests; i++) {
      const started = performance.now()
      const list = api.app.platform.sources.list()
      if (list.length !== options.sources) throw new Error(`listed ${list.length}`)
      if (i >= options.warmup) inProcess.push(performance.now() - started)
    }

    const http: number[] = []
    let bytes = 0
    for (let i = 0; i < options.warmup + options.requests; i++) {
      const started = performance.now()
      const response = await fetch(`${api.url}/api/sources`, { headers: { Authorization: `Bearer ${api.token}` } })
      const text = await response.text()
      if (response.status !== 200) throw new Error(`GET /api/sources: ${response.status}`)
      if (i >= options.warmup) http.push(performance.now() - started)
      bytes = text.length
    }
    const list = JSON.parse(await (await fetch(`${api.url}/api/sources`, { headers: { Authorization: `Bearer ${api.token}` } })).text()) as Array<{ status: string }>
    const statuses = list.reduce<Record<string, number>>((counts, source) => ({ ...counts, [source.status]: (counts[source.status] ?? 0) + 1 }), {})

    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`)
    console.log(`${options.sources} sources (${JSON.stringify(statuses)}), ${options.requests} requests after ${options.warmup} warm-up, answer ${(bytes / 1024).toFixed(0)} KiB`)
    console.log(summary('GET /api/sources (HTTP, JSON)', http))
    console.log(summary('SourcesService.list() in-process', inProcess))
    const providers = (api.app.platform.sources as unknown as { providers: Array<{ list(): unknown[] }> }).providers
    providers.forEach((provider, index) => {
      const times: number[] = []
      for (let i = 0; i < 50; i++) {
        const started = performance.now()
        provider.list()
        times.push(performance.now() - started)
      }
      console.log(summary(`  provider ${['servers', 'postgres', 'tables'][index] ?? index}.list()`, times))
    })
  } finally {
    await api.close()
  }
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
