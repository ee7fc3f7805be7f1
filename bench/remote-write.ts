// Remote write out (issue 16): how fast one `vigil serve` catches up a backlog, and what the
// backlog costs in memory.
//
//   npm run build && npx tsx bench/remote-write.ts [--series 1000] [--samples 2000] [--receiver sink|prometheus]
//
// - Vigil: the built `vigil serve` on a temp data dir, "this machine" switched off, remote write
//   set (PUT /api/remote-write) to a receiver that answers 503 at first: the receiver is down.
// - Backlog: `series` series × `samples` samples (15 s apart, from just after the receiver was set)
//   imported through /prometheus/api/v1/import/prometheus while the receiver is down. Vigil's RSS
//   is read before and after: what waits is in the store, not in memory.
// - Catch-up: the receiver comes back; the time until Vigil reports everything sent
//   (GET /api/remote-write: samplesSent = all, backlogRows = 0) gives samples/s. Vigil's RSS and
//   CPU (utime + stime from /proc) are sampled every 20 ms meanwhile, with the largest request
//   body seen (inFlightBytes, the only queue in memory).
// - Receivers: `sink` (default) reads each body and answers 204, in this process: the figure is
//   Vigil's sending alone. `prometheus`: the real Prometheus 2.42 with
//   --web.enable-remote-write-receiver (its ingestion included), kept from receiving by switching
//   sending off while the backlog is imported.
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { startPrometheusReference } from '../test/helpers/prometheus-reference'
import { startVigil } from '../test/helpers/vigil-process'

const { values } = parseArgs({
  options: { series: { type: 'string', default: '1000' }, samples: { type: 'string', default: '2000' }, receiver: { type: 'string', default: 'sink' } }
})
const SERIES = Number(values.series)
const SAMPLES = Number(values.samples)
const STEP_MS = 15_000
const TOTAL = SERIES * SAMPLES

const log = (line: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}] ${line}`)
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

function procOf(pid: number): { rss: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  const ticks = Number(stat[11]) + Number(stat[12])
  return { rss, cpuMs: (ticks * 1000) / 100 }
}

async function main(): Promise<void> {
  let accepting = false
  let bodies = 0
  let sink: { url: string; close: () => void } | null = null
  let prometheus: Awaited<ReturnType<typeof startPrometheusReference>> | null = null
  if (values.receiver === 'prometheus') {
    prometheus = await startPrometheusReference({ dataset: null, flags: ['--web.enable-remote-write-receiver'] })
  } else {
    const server = createServer((request, response) => {
      request.resume()
      request.on('end', () => {
        bodies++
        response.writeHead(accepting ? 204 : 503).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    sink = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`, close: () => server.close() }
  }
  const vigil = await startVigil()
  const pid = (JSON.parse(readFileSync(`${vigil.dataDir}/serve.json`, 'utf8')) as { pid: number }).pid
  const api = async <T>(method: string, path: string, body?: unknown, raw?: string): Promise<T> => {
    const response = await fetch(`${vigil.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${vigil.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body))
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
    return (text ? JSON.parse(text) : null) as T
  }
  try {
    const list = await api<{ servers: Array<{ id: string }> }>('GET', '/api/servers/')
    for (const server of list.servers) await api('PUT', `/api/servers/${server.id}/`, { monitoring_enabled: false })
    // Down at first: the sink answers 503; Prometheus is kept out by switching sending off.
    const receiverUrl = prometheus ? `${prometheus.url}/api/v1/write` : (sink as { url: string }).url
    await api('PUT', '/api/remote-write', { url: receiverUrl, enabled: !prometheus })
    const base = procOf(pid)
    log(`vigil serve pid ${pid}, RSS ${mib(base.rss)}; backlog: ${SERIES} series × ${SAMPLES} samples = ${TOTAL.toLocaleString()} samples`)

    // The backlog, imported in bodies of ~400,000 samples (under the import's 32 MiB) while the receiver refuses.
    const from = Date.now() + 1000
    const importStart = performance.now()
    const perBody = Math.max(1, Math.floor(400_000 / SAMPLES))
    for (let first = 0; first < SERIES; first += perBody) {
      const lines: string[] = []
      for (let s = first; s < Math.min(SERIES, first + perBody); s++) {
        for (let i = 0; i < SAMPLES; i++) lines.push(`bench_rw_total{series="${s}",host="h${s % 50}"} ${i * 3 + s} ${from + i * STEP_MS}`)
      }
      await api('POST', '/prometheus/api/v1/import/prometheus', undefined, lines.join('\n') + '\n')
    }
    const afterImport = procOf(pid)
    const waiting = await api<{ state: string; backlogRows: number; inFlightBytes: number }>('GET', '/api/remote-write')
    log(`imported in ${((performance.now() - importStart) / 1000).toFixed(1)} s; Vigil RSS ${mib(afterImport.rss)}; remote write ${waiting.state}, ${waiting.backlogRows.toLocaleString()} rows waiting`)

    // The receiver comes back.
    let peakRss = 0
    let peakBody = 0
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, procOf(pid).rss)
    }, 20)
    const startCpu = procOf(pid).cpuMs
    const started = performance.now()
    accepting = true
    if (prometheus) await api('PUT', '/api/remote-write', { url: receiverUrl, enabled: true })
    let status: { samplesSent: number; backlogRows: number; inFlightBytes: number; requests: number; samplesRefused: number; lastError: unknown }
    for (;;) {
      status = await api('GET', '/api/remote-write')
      peakBody = Math.max(peakBody, status.inFlightBytes)
      if (status.samplesSent + status.samplesRefused >= TOTAL && status.backlogRows === 0) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    const cpuS = (procOf(pid).cpuMs - startCpu) / 1000
    log(`caught up: ${status.samplesSent.toLocaleString()} sent, ${status.samplesRefused} refused, ${status.requests} requests in ${seconds.toFixed(1)} s`)

    console.log(`\n${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, receiver: ${prometheus ? `Prometheus ${prometheus.version}` : 'sink (reads the body, answers 204)'}\n`)
    console.log('| backlog | catch-up | samples/s | Vigil CPU | CPU per 1M samples | requests | RSS idle | RSS with backlog | RSS peak (catch-up) | largest body |')
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    console.log(
      `| ${TOTAL.toLocaleString()} samples (${SERIES} × ${SAMPLES}) | ${seconds.toFixed(1)} s | ${Math.round(status.samplesSent / seconds).toLocaleString()} | ${cpuS.toFixed(1)} s | ${((cpuS * 1e6) / TOTAL).toFixed(1)} s | ${status.requests} | ${mib(base.rss)} | ${mib(afterImport.rss)} | ${mib(peakRss)} | ${(peakBody / 1024).toFixed(0)} KiB |`
    )
    if (prometheus) {
      const count = await prometheus.query(`count_over_time(bench_rw_total[${Math.ceil((SAMPLES * STEP_MS) / 3_600_000) + 1}h])`, (from + SAMPLES * STEP_MS) / 1000)
      const stored = (count.body?.data?.result ?? []).reduce((sum: number, r: { value: [number, string] }) => sum + Number(r.value[1]), 0)
      console.log(`\nPrometheus holds ${stored.toLocaleString()} of the ${TOTAL.toLocaleString()} samples`)
    } else console.log(`\nrequests answered by the sink: ${bodies}`)
  } finally {
    await vigil.stop()
    sink?.close()
    await prometheus?.stop()
  }
}

void main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
