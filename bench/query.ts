// Query latency through the real HTTP API: historical vmstat for 24 h of one server (5 s
// samples, 17,280 rows, fetched in pages of 10,000), and process aggregation (interval=60)
// over 1 h for 500 processes (5 s samples, 360,000 rows). Prints p50/p99 over N runs.
//   npx tsx bench/query.ts [runs]
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../src/main/app'
import { resolveConfig } from '../src/main/config'
import type { SampleBatch } from '../src/main/metrics/metrics-repo'

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 30)
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
  const app = await createApp(resolveConfig({ dataDir: dir, port: 0, collect: false, monitorLocalhost: false }))
  const url = await app.listen()
  const auth = { Authorization: `Bearer ${app.apiToken}` }
  const server = app.servers.create({ hostname: 'bench-01', ip_address: '192.0.2.1', ssh_username: 'u' })
  const end = Date.now()
  const dayStart = end - 86_400_000
  const hourStart = end - 3_600_000

  let batches: SampleBatch[] = []
  const flush = () => {
    for (const batch of batches) app.metricsWriter.add(batch)
    app.metricsWriter.flush()
    batches = []
  }
  for (let ts = dayStart; ts < end; ts += 5000) {
    batches.push({ metric: 'vmstat', serverId: server.id, ts, rows: [{ r: 1, b: 0, avm: 1e6, fre: 5e5, pi: 0, po: 0, fr: 0, interface_in: 100, cs: 900, us: 10, sy: 3, idle: 87, wa: 0 }] })
    if (batches.length >= 2000) flush()
  }
  const processes = Array.from({ length: 500 }, (_, i) => ({ pid: 1000 + i, user: 'app', cpu: (i % 50) / 10, mem: 0.5, command: `/opt/app/bin/worker --slot ${i}` }))
  for (let ts = hourStart; ts < end; ts += 5000) {
    batches.push({ metric: 'process', serverId: server.id, ts, rows: processes })
    if (batches.length >= 20) flush()
  }
  flush()

  async function time(path: string): Promise<number> {
    const started = performance.now()
    const response = await fetch(url + path, { headers: auth })
    if (response.status !== 200) throw new Error(`${path} → ${response.status}: ${await response.text()}`)
    await response.arrayBuffer()
    return performance.now() - started
  }

  const iso = (ms: number) => new Date(ms).toISOString()
  const cases: Record<string, () => Promise<number>> = {
    'historical vmstat, 24 h, one server (2 pages of 10,000)': async () => {
      const base = `/api/metrics/historical/?metric=vmstat&server_id=${server.id}&start=${iso(dayStart)}&end=${iso(end)}&per_page=10000`
      return (await time(base)) + (await time(base + '&page=2'))
    },
    'process aggregation, 1 h, 500 processes, interval=60 (page of 1,000)': () =>
      time(`/api/metrics/historical/?metric=process&server_id=${server.id}&start=${iso(hourStart)}&end=${iso(end)}&interval=60`)
  }

  console.log(`query latency, ${runs} runs each, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`)
  for (const [name, run] of Object.entries(cases)) {
    await run() // warm-up
    const times: number[] = []
    for (let i = 0; i < runs; i++) times.push(await run())
    times.sort((a, b) => a - b)
    const q = (p: number) => (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(1)
    console.log(`  ${name}: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`)
  }
  await app.close()
  rmSync(dir, { recursive: true, force: true })
}

void main()
