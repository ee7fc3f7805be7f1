// Query latency on realistic data (bench/workload.ts), the series store against release 9's
// tables on the same rows: historical vmstat for 24 h of one server (5 s samples, 17,280 rows,
// two pages of 10,000), and process aggregation (interval=60) over 1 h of 500 processes (5 s
// samples, 360,000 rows). The series store is timed through the real HTTP API of a running
// app; both stores are also timed in-process through MetricsService (what the API calls), which
// is the like-for-like comparison ("in-process JSON bytes": what the API sends, the answer's
// JSON as bytes — MetricsService.historicalJson, or JSON.stringify's where there is none). Prints p50/p99 over N runs, and the process's CPU time per
// run (p50: user + system, every thread — the HTTP client's work included, since it runs here).
// The HTTP client is node:http reading the answer's bytes (each answer is parsed and checked
// once, before the timed runs): fetch cost ~25 ms of CPU for the two 24 h pages in this same
// process, which measured the client rather than Vigil. `only` runs the cases whose name holds it.
//   npx tsx bench/query.ts [runs] [only]
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventBus } from '../src/main/base/bus'
import { openDb } from '../src/main/base/db/db'
import { loadSecretBox } from '../src/main/base/security/secrets'
import { createApp } from '../src/main/app'
import { resolveConfig } from '../src/main/config'
import { MetricsService } from '../src/main/metrics/metrics-service'
import type { SampleBatch } from '../src/main/metrics/samples'
import { createServersRepo } from '../src/main/servers/servers-repo'
import { ServersService } from '../src/main/servers/servers-service'
import { createMetricsRepo } from '../test/legacy/metrics-repo-v9'
import { createWorkload, Rng } from './workload'

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/**
 * One server's day: the workload's vmstat for 24 h and, in the last hour, 500 processes (more
 * than the workload's servers run) with noisy CPU and memory to one decimal, as ps prints them,
 * a few ending and replaced by new pids every interval.
 */
function* workloadBatches(end: number): Generator<SampleBatch[]> {
  const workload = createWorkload({ servers: 1, startMs: end - DAY_MS, seed: 7 })
  const rng = new Rng(11)
  const rnd = (): number => rng.next()
  let nextPid = 2000
  const newProcess = () => ({ pid: nextPid++, user: rnd() < 0.7 ? 'app' : 'postgres', command: `/opt/app/bin/worker --slot ${nextPid % 97}`, cpu: rnd() * 8, mem: rnd() * 3 })
  const processes = Array.from({ length: 500 }, newProcess)
  while (workload.startMs + workload.intervals * workload.intervalMs < end) {
    const ts = workload.startMs + workload.intervals * workload.intervalMs
    const batches = workload.nextInterval().filter((batch) => batch.metric === 'vmstat')
    if (ts >= end - HOUR_MS) {
      for (let i = 0; i < processes.length; i++) if (rnd() < 0.002) processes[i] = newProcess()
      const rows = processes.map((p) => ({ pid: p.pid, user: p.user, command: p.command, cpu: Math.round(p.cpu * (0.6 + rnd() * 0.8) * 10) / 10, mem: Math.round((p.mem + rnd() * 0.05) * 10) / 10 }))
      batches.push({ metric: 'process', serverId: '', ts: ts + 3000, rows: rows.sort((a, b) => b.cpu - a.cpu) })
    }
    yield batches
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 30)
  const end = Math.floor(Date.now() / 1000) * 1000
  const dayStart = end - DAY_MS
  const hourStart = end - HOUR_MS

  // The series store, in a real app.
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
  const app = await createApp(resolveConfig({ dataDir: dir, port: 0, collect: false, monitorLocalhost: false }))
  const url = await app.listen()
  const auth = { Authorization: `Bearer ${app.apiToken}` }
  const server = app.servers.create({ hostname: 'bench-01', ip_address: '192.0.2.1', ssh_username: 'u' })

  // Release 9's tables, with the same server and rows.
  const legacyDir = mkdtempSync(join(tmpdir(), 'vigil-bench-v9-'))
  const legacyDb = openDb(join(legacyDir, 'vigil.db'))
  legacyDb
    .prepare("INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES (?, 'bench-01', '192.0.2.1', 'u', 0, 0)")
    .run(server.id)
  const legacyRepo = createMetricsRepo(legacyDb)
  const legacy = new MetricsService(legacyRepo, new ServersService(createServersRepo(legacyDb), loadSecretBox(legacyDir), new EventBus()))

  let rows = 0
  for (const batches of workloadBatches(end)) {
    const ours = batches.map((batch) => ({ ...batch, serverId: server.id }))
    for (const batch of ours) app.metricsWriter.add(batch)
    app.metricsWriter.flush()
    legacyRepo.insertBatches(ours)
    for (const batch of ours) rows += batch.rows.length
  }
  app.series.cutAll()

  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  /** GETs `path`: the answer's bytes, or only their count (what the timed runs read). */
  const get = (path: string, keep: boolean): Promise<{ status: number; bytes: number; body: Buffer | null }> =>
    new Promise((resolve, reject) => {
      const req = request(url + path, { agent, headers: auth }, (response) => {
        const chunks: Buffer[] = []
        let bytes = 0
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          if (keep) chunks.push(chunk)
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, body: keep ? Buffer.concat(chunks) : null }))
        response.on('error', reject)
      })
      req.on('error', reject)
      req.end()
    })
  const checked = new Map<string, number>()
  async function overHttp(path: string): Promise<number> {
    if (!checked.has(path)) {
      // Once, untimed: the answer parses, and holds what the in-process read answers.
      const { status, body } = await get(path, true)
      const text = (body as Buffer).toString('utf8')
      if (status !== 200) throw new Error(`${path} → ${status}: ${text}`)
      const answer = JSON.parse(text) as { data: unknown[] }
      const params = Object.fromEntries(new URL(path, url).searchParams) as Record<string, string>
      if (text !== JSON.stringify(app.metrics.historical(params))) throw new Error(`${path}: the HTTP answer is not the in-process one`)
      checked.set(path, answer.data.length)
    }
    const started = performance.now()
    const { status } = await get(path, false)
    if (status !== 200) throw new Error(`${path} → ${status}`)
    return performance.now() - started
  }
  const inProcess = (service: MetricsService, query: Record<string, string>): number => {
    const started = performance.now()
    JSON.stringify(service.historical(query))
    return performance.now() - started
  }

  // What the API sends: the answer's JSON bytes (MetricsService.historicalJson, where there is one).
  const service = app.metrics as MetricsService & { historicalJson?: (query: Record<string, string>) => Buffer }
  const inProcessJson = (query: Record<string, string>): number => {
    const started = performance.now()
    if (service.historicalJson) service.historicalJson(query)
    else Buffer.from(JSON.stringify(service.historical(query)))
    return performance.now() - started
  }

  const iso = (ms: number) => new Date(ms).toISOString()
  const vmstat = { metric: 'vmstat', server_id: server.id, start: iso(dayStart), end: iso(end), per_page: '10000' }
  const processes = { metric: 'process', server_id: server.id, start: iso(hourStart), end: iso(end), interval: '60' }
  const query = (params: Record<string, string>) => `/api/metrics/historical/?${new URLSearchParams(params)}`
  const cases: Array<[string, () => Promise<number> | number]> = [
    ['historical vmstat 24 h (2 pages) — series store, HTTP', async () => (await overHttp(query(vmstat))) + (await overHttp(query({ ...vmstat, page: '2' })))],
    ['historical vmstat 24 h (2 pages) — series store, in-process', () => inProcess(app.metrics, vmstat) + inProcess(app.metrics, { ...vmstat, page: '2' })],
    ['historical vmstat 24 h (2 pages) — series store, in-process JSON bytes', () => inProcessJson(vmstat) + inProcessJson({ ...vmstat, page: '2' })],
    ['historical vmstat 24 h (2 pages) — release 9 tables, in-process', () => inProcess(legacy, vmstat) + inProcess(legacy, { ...vmstat, page: '2' })],
    ['process aggregation 1 h × 500 — series store, HTTP', () => overHttp(query(processes))],
    ['process aggregation 1 h × 500 — series store, in-process', () => inProcess(app.metrics, processes)],
    ['process aggregation 1 h × 500 — series store, in-process JSON bytes', () => inProcessJson(processes)],
    ['process aggregation 1 h × 500 — release 9 tables, in-process', () => inProcess(legacy, processes)]
  ]

  const only = process.argv[3]
  console.log(`query latency, ${rows} rows, ${runs} runs each, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
  for (const [name, run] of cases) {
    if (only !== undefined && !name.includes(only)) continue
    await run() // warm-up
    const times: number[] = []
    const cpu: number[] = []
    for (let i = 0; i < runs; i++) {
      const before = process.cpuUsage()
      times.push(await run())
      const used = process.cpuUsage(before)
      cpu.push((used.user + used.system) / 1000)
    }
    const q = (values: number[], p: number) => {
      const sorted = [...values].sort((a, b) => a - b)
      return (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number).toFixed(1)
    }
    console.log(`  ${name}: p50 ${q(times, 0.5)} ms, p99 ${q(times, 0.99)} ms, CPU p50 ${q(cpu, 0.5)} ms`)
  }
  console.log(`load ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
  agent.destroy()
  await app.close()
  legacyDb.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(legacyDir, { recursive: true, force: true })
}

void main()
