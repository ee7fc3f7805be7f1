// PromQL `query_range` against the real Prometheus 2.42, on the same data (issue 15): a
// dashboard-like mix of queries (rate, sum by, histogram_quantile, topk, a ratio of rates) over
// 24 h of 1,000 series scraped every 15 s (5.76 million samples), step 86 s (1,005 points a
// series, what Grafana asks for a ~1,000-pixel panel). Goal: each query within 2× Prometheus.
//
//   npm run build && npx tsx bench/promql.ts [runs=20] [--keep DIR] [--instances 20]
//
// - The data (deterministic, seeded): 20 node-exporter-like instances, each with
//   node_cpu_seconds_total{cpu,mode} (16 series), http_requests_total{handler,code} (9),
//   http_request_duration_seconds_bucket{handler,le} (3 handlers × 6 buckets, with _sum and
//   _count) and node_load1: 50 series an instance, 1,000 in all. Each instance is scraped at its
//   own phase with ±50 ms jitter. Written once, in one pass, as OpenMetrics (seconds) and as
//   Prometheus text (milliseconds), to a temp dir.
// - Prometheus: `promtool tsdb create-blocks-from openmetrics --max-block-duration=24h` (a
//   hidden flag of 2.42: one block for the day, as compaction would leave it, rather than 12
//   two-hour blocks that Prometheus would start compacting in the middle of the timing), then
//   `prometheus` over it, no scrape configs, on 127.0.0.1.
// - Vigil: the built `node out/main/cli.js serve --port 0` on a temp data dir, "this machine"
//   switched off, the Prometheus text POSTed to /prometheus/api/v1/import/prometheus in bodies
//   of at most 16 MiB (the limit is 32), then stopped (a clean stop leaves everything in SQLite
//   chunks) and started again over the same dir, so the day is read from disk like history.
// - Latency: each query 2 warm-ups, then `runs` times, Vigil and Prometheus alternating,
//   as Grafana sends it (POST form to query_range), timed in this process from the request to
//   the whole body. Before the timing, the answers are compared: same series (label sets),
//   same timestamps, values within 1e-5 (relative, for large ones), NaN where NaN.
// - Bytes per sample: Vigil's vigil.db (+ -wal) and series-head/ after the import and a clean
//   stop, less the same before the import; Prometheus's data dir (the block, plus the WAL and
//   chunks_head Prometheus creates empty). Divided by the samples imported.
// - Memory of the heaviest query (the one slowest in Vigil): each server's RSS sampled every
//   10 ms from /proc/<pid>/status during 3 more runs of it, one side at a time: RSS before,
//   the peak, and RSS after; VmHWM (the process's peak since it started, which cannot be reset)
//   too.
// The servers, the client and the machine share the CPUs: the load average is printed.
import { spawn, execFile, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { formatSampleValue, openMetricsTimestamp, timestampRoundTrips } from '../test/helpers/openmetrics-dataset'
import { seededRandom } from '../test/helpers/seeded-random'
import { freePort } from '../test/helpers/sshd'

const CLI = resolve('out/main/cli.js')
const START_MS = Date.UTC(2026, 0, 1)
const DAY_MS = 86_400_000
const SCRAPE_MS = 15_000
const JITTER_MS = 50
const STEP_S = 86
let INSTANCES = 20
const SEED = 15
const IMPORT_BODY_MAX = 16 * 1024 * 1024

const QUERIES: Array<[name: string, expr: string]> = [
  ['cpu busy by instance', 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))'],
  ['requests by code', 'sum by (code) (rate(http_requests_total[5m]))'],
  ['p99 latency by handler', 'histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))'],
  ['top 5 request rates', 'topk(5, rate(http_requests_total[5m]))'],
  ['mean latency', 'rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])'],
  ['load1 max', 'max(node_load1)']
]

// ---------------------------------------------------------------------------------------------
// The data set

function rng(...parts: Array<string | number>): { next: () => number; between: (a: number, b: number) => number; normal: () => number } {
  let h = 0x811c9dc5
  for (const c of `${SEED}/${parts.join('/')}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193)
  const next = seededRandom(h >>> 0)
  return {
    next,
    between: (a, b) => a + (b - a) * next(),
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  }
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits

/** Scrape times of one instance: its phase, ±50 ms of jitter, at times OpenMetrics seconds carry exactly. */
function scrapeTimes(instance: string): number[] {
  const r = rng('scrapes', instance)
  const phase = Math.floor(r.between(JITTER_MS, SCRAPE_MS - JITTER_MS))
  const times: number[] = []
  for (let nominal = START_MS + phase; nominal <= START_MS + DAY_MS - 1 - JITTER_MS; nominal += SCRAPE_MS) {
    let t = nominal + Math.round(r.between(-JITTER_MS, JITTER_MS))
    while (!timestampRoundTrips(t)) t++
    times.push(t)
  }
  return times
}

class TwoFormats {
  private om: string[] = []
  private prom: string[] = []
  samples = 0
  series = 0
  constructor(
    private readonly omOut: WriteStream,
    private readonly promOut: WriteStream
  ) {}

  /** Starts a family: OpenMetrics names counters without `_total`; the text format with. */
  family(omName: string, promName: string, type: string): void {
    this.om.push(`# TYPE ${omName} ${type}\n`)
    this.prom.push(`# TYPE ${promName} ${type}\n`)
  }

  sample(nameAndLabels: string, t: number, value: number): void {
    const v = formatSampleValue(value)
    this.om.push(`${nameAndLabels} ${v} ${openMetricsTimestamp(t)}\n`)
    this.prom.push(`${nameAndLabels} ${v} ${t}\n`)
    this.samples++
  }

  async drain(): Promise<void> {
    const write = (out: WriteStream, text: string): Promise<void> =>
      new Promise((done) => (out.write(text) ? done() : out.once('drain', () => done())))
    await write(this.omOut, this.om.join(''))
    await write(this.promOut, this.prom.join(''))
    this.om = []
    this.prom = []
  }

  async end(): Promise<void> {
    this.om.push('# EOF\n')
    await this.drain()
    await Promise.all([this.omOut, this.promOut].map((out) => new Promise((done) => out.end(done))))
  }
}

const CPU_MODES: Array<[string, number]> = [['idle', 0.8], ['user', 0.12], ['system', 0.05], ['iowait', 0.03]]
const HANDLERS: Array<[string, number, number]> = [['/api/query', 0.04, 4], ['/api/write', 0.2, 1.5], ['/metrics', 0.003, 0.2]]
const CODES: Array<[string, number]> = [['200', 0.93], ['400', 0.06], ['500', 0.01]]
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1]

async function writeDataset(dir: string): Promise<{ omFile: string; promFile: string; samples: number; series: number }> {
  const omFile = join(dir, 'bench.om')
  const promFile = join(dir, 'bench.prom')
  const out = new TwoFormats(createWriteStream(omFile), createWriteStream(promFile))
  const instances = Array.from({ length: INSTANCES }, (_, i) => `host-${String(i + 1).padStart(2, '0')}:9100`)
  const times = new Map(instances.map((instance) => [instance, scrapeTimes(instance)]))
  const each = async (body: (instance: string, ts: number[]) => void): Promise<void> => {
    for (const instance of instances) {
      body(instance, times.get(instance) as number[])
      await out.drain()
    }
  }

  out.family('node_cpu_seconds', 'node_cpu_seconds_total', 'counter')
  await each((instance, ts) => {
    for (let cpu = 0; cpu < 4; cpu++) {
      for (const [mode, share] of CPU_MODES) {
        const r = rng('cpu', instance, cpu, mode)
        const key = `node_cpu_seconds_total{job="node",instance="${instance}",cpu="${cpu}",mode="${mode}"}`
        let value = round(r.between(2, 30) * 86_400 * share, 2)
        for (const t of ts) {
          value = round(value + 15 * share * r.between(0.6, 1.4), 2)
          out.sample(key, t, value)
        }
        out.series++
      }
    }
  })

  out.family('http_requests', 'http_requests_total', 'counter')
  await each((instance, ts) => {
    for (const [handler, , perSecond] of HANDLERS) {
      for (const [code, share] of CODES) {
        const r = rng('requests', instance, handler, code)
        const key = `http_requests_total{job="node",instance="${instance}",handler="${handler}",code="${code}"}`
        let value = Math.floor(r.between(0, 1e6))
        for (const t of ts) {
          const mean = 15 * perSecond * share
          value += Math.max(0, Math.round(mean + Math.sqrt(mean) * r.normal()))
          out.sample(key, t, value)
        }
        out.series++
      }
    }
  })

  out.family('http_request_duration_seconds', 'http_request_duration_seconds', 'histogram')
  await each((instance, ts) => {
    for (const [handler, median, perSecond] of HANDLERS) {
      const r = rng('duration', instance, handler)
      const labels = `job="node",instance="${instance}",handler="${handler}"`
      const buckets = BUCKETS.map(() => 0)
      let count = 0
      let sum = 0
      for (const t of ts) {
        const observations = Math.max(0, Math.round(15 * perSecond + Math.sqrt(15 * perSecond) * r.normal()))
        for (let n = 0; n < observations; n++) {
          const seconds = median * Math.exp(0.8 * r.normal())
          count++
          sum += seconds
          for (let b = 0; b < BUCKETS.length; b++) if (seconds <= (BUCKETS[b] as number)) buckets[b] = (buckets[b] ?? 0) + 1
        }
        BUCKETS.forEach((le, b) => out.sample(`http_request_duration_seconds_bucket{${labels},le="${Number.isInteger(le) ? le.toFixed(1) : le}"}`, t, buckets[b] as number))
        out.sample(`http_request_duration_seconds_bucket{${labels},le="+Inf"}`, t, count)
        out.sample(`http_request_duration_seconds_count{${labels}}`, t, count)
        out.sample(`http_request_duration_seconds_sum{${labels}}`, t, sum)
      }
      out.series += BUCKETS.length + 3
    }
  })

  out.family('node_load1', 'node_load1', 'gauge')
  await each((instance, ts) => {
    const r = rng('load1', instance)
    let load = r.between(0.2, 2)
    for (const t of ts) {
      load = Math.min(8, Math.max(0, load + 0.15 * r.normal()))
      out.sample(`node_load1{job="node",instance="${instance}"}`, t, round(load, 2))
    }
    out.series++
  })

  await out.end()
  return { omFile, promFile, samples: out.samples, series: out.series }
}

// ---------------------------------------------------------------------------------------------
// The two servers

interface Server {
  name: string
  pid: number
  url: string
  headers: Record<string, string>
  child: ChildProcessWithoutNullStreams
  output: () => string
  stop(): Promise<void>
}

const children = new Set<ChildProcessWithoutNullStreams>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

function track(child: ChildProcessWithoutNullStreams): { output: () => string; exited: Promise<void>; stop: () => Promise<void> } {
  children.add(child)
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-100_000)))
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-100_000)))
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
      await exited
      clearTimeout(timer)
    }
    children.delete(child)
  }
  return { output: () => output, exited, stop }
}

async function startVigil(dataDir: string): Promise<Server> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`)
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: 'pipe' })
  const tracked = track(child)
  const found: { url?: string; token?: string } = {}
  await new Promise<void>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`vigil serve exited with ${code}:\n${tracked.output()}`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      found.url ??= /listening on (http:\/\/\S+)/.exec(line)?.[1]
      found.token ??= /API token: ([0-9a-f]{64})/.exec(line)?.[1]
      if (/log in:\s+http/.test(line)) done()
    })
  })
  if (!found.url || !found.token) throw new Error(`vigil serve printed no URL or token:\n${tracked.output()}`)
  return { name: 'Vigil', pid: child.pid as number, url: `${found.url.replace(/\/$/, '')}/prometheus`, headers: { Authorization: `Bearer ${found.token}` }, child, output: tracked.output, stop: tracked.stop }
}

async function startPrometheus(dataDir: string, configFile: string): Promise<Server> {
  const port = await freePort()
  const child = spawn('prometheus', [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDir}`, '--storage.tsdb.retention.time=100y', `--web.listen-address=127.0.0.1:${port}`], { stdio: 'pipe' })
  const tracked = track(child)
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`Prometheus not ready in 120 s:\n${tracked.output()}`)), 120_000)
    child.once('exit', (code) => fail(new Error(`prometheus exited with ${code}:\n${tracked.output()}`)))
    const check = (): void => {
      if (tracked.output().includes('Server is ready to receive web requests.')) {
        clearTimeout(timer)
        done()
      }
    }
    child.stdout.on('data', check)
    child.stderr.on('data', check)
  })
  return { name: 'Prometheus', pid: child.pid as number, url: `http://127.0.0.1:${port}`, headers: {}, child, output: tracked.output, stop: tracked.stop }
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface RangeAnswer {
  data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }
}

async function queryRange(server: Server, expr: string): Promise<{ ms: number; body: RangeAnswer }> {
  const form = new URLSearchParams({ query: expr, start: String(START_MS / 1000), end: String((START_MS + DAY_MS) / 1000), step: String(STEP_S) })
  const started = performance.now()
  const response = await fetch(`${server.url}/api/v1/query_range`, { method: 'POST', headers: server.headers, body: form })
  const text = await response.text()
  const ms = performance.now() - started
  if (response.status !== 200) throw new Error(`${server.name} ${expr} → ${response.status}: ${text.slice(0, 500)}`)
  return { ms, body: JSON.parse(text) }
}

/** Why two query_range answers differ, or undefined when they agree. */
function difference(ours: RangeAnswer, theirs: RangeAnswer): string | undefined {
  const key = (metric: Record<string, string>): string => JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : 1)))
  const a = new Map(ours.data.result.map((s) => [key(s.metric), s.values]))
  const b = new Map(theirs.data.result.map((s) => [key(s.metric), s.values]))
  if (a.size !== b.size) return `${a.size} series against ${b.size}`
  for (const [k, values] of b) {
    const mine = a.get(k)
    if (!mine) return `series ${k} missing`
    if (mine.length !== values.length) return `${k}: ${mine.length} points against ${values.length}`
    for (let i = 0; i < values.length; i++) {
      const [t1, v1] = mine[i] as [number, string]
      const [t2, v2] = values[i] as [number, string]
      if (t1 !== t2) return `${k}: point ${i} at ${t1} against ${t2}`
      const x = Number(v1)
      const y = Number(v2)
      if (Number.isNaN(x) && Number.isNaN(y)) continue
      if (x === y) continue
      if (!(Math.abs(x - y) <= 1e-5 * Math.max(1, Math.abs(x), Math.abs(y)))) return `${k}: at ${t2} ${v1} against ${v2}`
    }
  }
  return undefined
}

function rssOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 }
}

async function peakDuring(server: Server, run: () => Promise<unknown>): Promise<{ before: number; peak: number; after: number; hwm: number }> {
  const before = rssOf(server.pid).rss
  let peak = before
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(server.pid).rss)), 10)
  await run()
  clearInterval(timer)
  const last = rssOf(server.pid)
  return { before, peak: Math.max(peak, last.rss), after: last.rss, hwm: last.hwm }
}

function sizeOf(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.size
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0)
}

const vigilStoreBytes = (dir: string): number => ['vigil.db', 'vigil.db-wal', 'series-head'].reduce((sum, name) => sum + sizeOf(join(dir, name)), 0)
const quantile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ')
const log = (text: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}, load ${load()}] ${text}`)

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const keepIndex = args.indexOf('--keep')
  const keep = keepIndex >= 0 ? args.splice(keepIndex, 2)[1] : undefined
  const instancesIndex = args.indexOf('--instances')
  if (instancesIndex >= 0) INSTANCES = Number(args.splice(instancesIndex, 2)[1])
  const runs = Number(args[0] ?? 20)
  const root = keep ?? mkdtempSync(join(tmpdir(), 'vigil-bench-promql-'))
  mkdirSync(root, { recursive: true })
  const servers: Server[] = []
  try {
    log(`writing the data set into ${root}`)
    let started = performance.now()
    const data = await writeDataset(root)
    log(`${data.series} series, ${data.samples.toLocaleString('en')} samples, OpenMetrics ${mib(sizeOf(data.omFile))}, text ${mib(sizeOf(data.promFile))}, ${((performance.now() - started) / 1000).toFixed(0)} s`)

    // Prometheus: promtool's blocks, then the server.
    const promDir = join(root, 'prometheus')
    const configFile = join(root, 'prometheus.yml')
    writeFileSync(configFile, 'scrape_configs: []\n')
    started = performance.now()
    await promisify(execFile)('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', data.omFile, promDir], { maxBuffer: 16 << 20 })
    log(`promtool: ${((performance.now() - started) / 1000).toFixed(0)} s`)
    const prometheus = await startPrometheus(promDir, configFile)
    servers.push(prometheus)

    // Vigil: import, clean stop, start again over the same data dir.
    const vigilDir = join(root, 'vigil')
    mkdirSync(vigilDir, { recursive: true })
    let vigil = await startVigil(vigilDir)
    {
      const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const base = vigil.url.replace(/\/prometheus$/, '')
        const response = await fetch(base + path, { method, headers: { ...vigil.headers, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
        if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${await response.text()}`)
        return (await response.json()) as T
      }
      const list = await api<{ servers: Array<{ id: string }> }>('GET', '/api/servers/?per_page=100')
      for (const server of list.servers) await api<unknown>('PUT', `/api/servers/${server.id}/`, { monitoring_enabled: false })
    }
    await new Promise((done) => setTimeout(done, 1000))
    const vigilBefore = vigilStoreBytes(vigilDir)
    started = performance.now()
    const text = readFileSync(data.promFile)
    let stored = 0
    for (let from = 0; from < text.length; ) {
      let to = Math.min(text.length, from + IMPORT_BODY_MAX)
      if (to < text.length) to = text.lastIndexOf(10, to - 1) + 1
      const response = await fetch(`${vigil.url}/api/v1/import/prometheus`, { method: 'POST', headers: vigil.headers, body: text.subarray(from, to) })
      const answer = await response.text()
      if (response.status !== 200) throw new Error(`import → ${response.status}: ${answer.slice(0, 500)}`)
      stored += JSON.parse(answer).data.samples as number
      from = to
    }
    const importSeconds = (performance.now() - started) / 1000
    log(`Vigil import: ${stored.toLocaleString('en')} samples in ${importSeconds.toFixed(0)} s (${Math.round(stored / importSeconds).toLocaleString('en')} samples/s)`)
    if (stored !== data.samples) throw new Error(`Vigil stored ${stored} samples of ${data.samples}`)
    await vigil.stop()
    const vigilBytes = vigilStoreBytes(vigilDir) - vigilBefore
    const promBytes = sizeOf(promDir)
    const promBlockBytes = readdirSync(promDir).filter((name) => /^[0-9A-Z]{26}$/.test(name)).reduce((sum, name) => sum + sizeOf(join(promDir, name)), 0)
    vigil = await startVigil(vigilDir)
    servers.push(vigil)
    log(`on disk: Vigil ${mib(vigilBytes)}, Prometheus ${mib(promBytes)}`)

    // Agreement first, then the timing.
    for (const [name, expr] of QUERIES) {
      const ours = (await queryRange(vigil, expr)).body
      const theirs = (await queryRange(prometheus, expr)).body
      const why = difference(ours, theirs)
      if (why) throw new Error(`${name} (${expr}): Vigil and Prometheus disagree: ${why}`)
      const points = theirs.data.result.reduce((sum, s) => sum + s.values.length, 0)
      log(`${name}: agree, ${theirs.data.result.length} series, ${points} points`)
    }
    const rows: Array<{ name: string; expr: string; vigil: number[]; prometheus: number[]; load: string }> = []
    for (const [name, expr] of QUERIES) {
      for (let i = 0; i < 2; i++) {
        await queryRange(vigil, expr)
        await queryRange(prometheus, expr)
      }
      const times = { vigil: [] as number[], prometheus: [] as number[] }
      for (let i = 0; i < runs; i++) {
        times.vigil.push((await queryRange(vigil, expr)).ms)
        times.prometheus.push((await queryRange(prometheus, expr)).ms)
      }
      times.vigil.sort((a, b) => a - b)
      times.prometheus.sort((a, b) => a - b)
      rows.push({ name, expr, ...times, load: load() })
      log(`${name}: Vigil p50 ${quantile(times.vigil, 0.5).toFixed(0)} ms, Prometheus p50 ${quantile(times.prometheus, 0.5).toFixed(0)} ms`)
    }

    const heaviest = rows.reduce((a, b) => (quantile(b.vigil, 0.5) > quantile(a.vigil, 0.5) ? b : a))
    const memory = new Map<string, Awaited<ReturnType<typeof peakDuring>>>()
    for (const server of [vigil, prometheus]) {
      await new Promise((done) => setTimeout(done, 2000))
      memory.set(server.name, await peakDuring(server, async () => {
        for (let i = 0; i < 3; i++) await queryRange(server, heaviest.expr)
      }))
    }

    const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
    console.log(`\n${new Date().toISOString().slice(0, 10)}, ${machine}, ${prometheus.name} ${execFileSyncVersion()}`)
    console.log(`${data.series} series × 24 h at 15 s: ${data.samples.toLocaleString('en')} samples; query_range over 24 h, step ${STEP_S} s; ${runs} runs each after 2 warm-ups, alternating\n`)
    console.log('| query | Vigil p50 | p99 | Prometheus p50 | p99 | ratio p50 | ratio p99 | load (1/5/15 min) |')
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
    for (const row of rows) {
      const [v50, v99, p50, p99] = [quantile(row.vigil, 0.5), quantile(row.vigil, 0.99), quantile(row.prometheus, 0.5), quantile(row.prometheus, 0.99)]
      console.log(`| ${row.name}: \`${row.expr}\` | ${v50.toFixed(0)} ms | ${v99.toFixed(0)} ms | ${p50.toFixed(0)} ms | ${p99.toFixed(0)} ms | ${(v50 / p50).toFixed(1)}× | ${(v99 / p99).toFixed(1)}× | ${row.load} |`)
    }
    console.log('\n| store | on disk | bytes per sample |')
    console.log('| --- | --- | --- |')
    console.log(`| Vigil (vigil.db + series-head, after a clean stop, less before the import) | ${mib(vigilBytes)} | ${(vigilBytes / data.samples).toFixed(2)} |`)
    console.log(`| Prometheus (data dir: the 24 h block, its WAL and chunks_head) | ${mib(promBytes)} | ${(promBytes / data.samples).toFixed(2)} |`)
    console.log(`| Prometheus, the block alone (chunks + index + meta) | ${mib(promBlockBytes)} | ${(promBlockBytes / data.samples).toFixed(2)} |`)
    console.log(`\nheaviest query (slowest in Vigil): ${heaviest.name}, 3 runs, RSS sampled every 10 ms (load ${load()})\n`)
    console.log('| server | RSS before | peak | after | VmHWM (since start) |')
    console.log('| --- | --- | --- | --- | --- |')
    for (const [name, m] of memory) console.log(`| ${name} | ${mib(m.before)} | ${mib(m.peak)} (+${mib(m.peak - m.before)}) | ${mib(m.after)} | ${mib(m.hwm)} |`)
    console.log(`\nVigil import: ${Math.round(stored / importSeconds).toLocaleString('en')} samples/s`)
  } finally {
    for (const server of servers) await server.stop()
    if (!keep) rmSync(root, { recursive: true, force: true })
  }
}

function execFileSyncVersion(): string {
  return execFileSync('prometheus', ['--version'], { encoding: 'utf8' }).split('\n')[0]?.replace(/^prometheus, version (\S+).*/, '$1') ?? ''
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
