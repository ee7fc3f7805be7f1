// Fleet: how many servers at a 5 s interval one `vigil serve` sustains, at what CPU and RSS,
// and the sample-to-WebSocket latency. Goal: 1,000 servers at 5 s with under half a core and
// p99 under 250 ms.
//   npm run build && npx tsx bench/fleet.ts [--window 120] [--settle 20] [--interval 5] [--ws vmstat|all]
//       [--profile] [--profile-out PREFIX] [--memory] [--heap-snapshot PREFIX] [--node-arg FLAG]... [--env NAME=VALUE]...
//       [--cli PATH] 100 500 1000
//
// For each N: a fresh `node out/main/cli.js serve --port 0` on a temp data dir (its built-in
// "this machine" server is switched off, so only the fleet is collected); N servers registered
// through the HTTP API, all pointing at bench/fleet-sim.ts (one ssh2 server on 127.0.0.1, in its
// own process) and started together with one bulk-status call, as on a Vigil restart; one
// WebSocket client per server on /ws/metrics/vmstat/{id}/ (--ws all: /ws/metrics/{id}/, every
// metric). Once every server is `collecting` and `--settle` seconds have passed, a `--window`
// of seconds is measured: Vigil's CPU from /proc/<pid>/stat (utime + stime), its RSS from
// /proc/<pid>/status, the latency of every vmstat message (receive time minus the send time the
// simulator wrote into vmstat's `free` column, stored as `fre`), and the rows Vigil stored in
// that window (read from its SQLite file after it stopped). --profile samples Vigil's CPU
// over the window through the inspector (127.0.0.1 only) and prints where the time went; its
// figures then include the profiler's overhead. --memory reads Vigil's memory by kind at the end
// of the window (V8 heap spaces, array buffers, native) and logs its event-loop stalls and GC
// pauses over the window (a timer and a GC observer installed through the inspector);
// --heap-snapshot PREFIX writes a heap snapshot at the end and prints its largest constructors.
// --node-arg and --env pass node flags and environment variables to `vigil serve` only.
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import Database from 'better-sqlite3'
import WebSocket from 'ws'
import type { SimMessage, SimStats } from './fleet-sim'
import { summarizeHeapSnapshot } from './heap-snapshot'
import { cpuSeconds, memoryMiB, storageWrites } from './proc-stats'
import { SeriesStore } from '../src/main/base/series/series-store'
import { MetricsStore } from '../src/main/metrics/metrics-store'
import { METRICS } from '../src/shared/metrics'

let CLI = resolve('out/main/cli.js')
const SIM = resolve(__dirname, 'fleet-sim.ts')
const PASSWORD = 'fleet-bench'

interface Options {
  fleets: number[]
  windowS: number
  settleS: number
  intervalS: number
  ws: 'vmstat' | 'all'
  profile: boolean
  /** Where to keep the raw .cpuprofile (open it in Chrome DevTools); the summary is printed anyway. */
  profileOut: string | null
  /** --memory: where Vigil's memory is (V8 heap spaces, array buffers, native) and its event-loop stalls and GC pauses over the window. */
  memory: boolean
  /** --alloc-profile: where Vigil allocates over the window (V8's sampling heap profiler, collected objects included). */
  allocProfile: boolean
  /** --heap-snapshot FILE: a heap snapshot of Vigil at the end of the window, summarised by constructor. */
  heapSnapshot: string | null
  /** --node-arg ARG (repeatable): a flag for the node running `vigil serve` (e.g. --max-semi-space-size=16). */
  nodeArgs: string[]
  /** --env NAME=VALUE (repeatable): an environment variable for `vigil serve` only (e.g. MALLOC_ARENA_MAX=2). */
  env: Record<string, string>
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    fleets: [],
    windowS: 120,
    settleS: 20,
    intervalS: 5,
    ws: 'vmstat',
    profile: false,
    profileOut: null,
    memory: false,
    heapSnapshot: null,
    allocProfile: false,
    nodeArgs: [],
    env: {}
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const value = (): string => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${arg} needs a value`)
      return next
    }
    if (arg === '--window') options.windowS = Number(value())
    else if (arg === '--settle') options.settleS = Number(value())
    else if (arg === '--interval') options.intervalS = Number(value())
    else if (arg === '--ws') options.ws = value() === 'all' ? 'all' : 'vmstat'
    else if (arg === '--profile') options.profile = true
    else if (arg === '--cli') CLI = resolve(value()) // another build of cli.js, for A/B comparisons
    else if (arg === '--memory') options.memory = true
    else if (arg === '--alloc-profile') options.allocProfile = true
    else if (arg === '--heap-snapshot') options.heapSnapshot = resolve(value())
    else if (arg === '--node-arg') options.nodeArgs.push(value())
    else if (arg === '--env') {
      const [name, ...rest] = value().split('=')
      options.env[name as string] = rest.join('=')
    } else if (arg === '--profile-out') {
      options.profile = true
      options.profileOut = resolve(value())
    }
    else if (/^\d+$/.test(arg)) options.fleets.push(Number(arg))
    else throw new Error(`unknown argument ${arg}`)
  }
  if (options.fleets.length === 0) options.fleets = [100, 500, 1000]
  return options
}

// --- cleanup: every child and temp dir is registered here and removed however we exit ---

const children = new Set<ChildProcess>()
const tempDirs = new Set<string>()

function cleanupSync(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  children.clear()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

process.on('exit', cleanupSync)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    cleanupSync()
    process.exit(130)
  })
}

function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

async function stopChild(child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((done) => child.once('exit', () => done()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
  }
  children.delete(child)
}

// --- the simulator ---

interface Simulator {
  port: number
  pid: number
  stats(): Promise<SimStats>
  stop(): Promise<void>
}

async function startSimulator(): Promise<Simulator> {
  const child = fork(SIM, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  children.add(child)
  let waiting: ((stats: SimStats) => void) | null = null
  const ready = new Promise<{ port: number; pid: number }>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`fleet-sim exited with ${String(code)}`)))
    child.on('message', (message: SimMessage) => {
      if (message.type === 'ready') done(message)
      else if (message.type === 'stats' && waiting) {
        const answer = waiting
        waiting = null
        answer(message.stats)
      }
    })
  })
  const { port, pid } = await ready
  return {
    port,
    pid,
    stats: () =>
      new Promise<SimStats>((done) => {
        waiting = done
        child.send('stats')
      }),
    stop: () => stopChild(child)
  }
}

// --- Vigil ---

interface Vigil {
  pid: number
  url: string
  token: string
  dataDir: string
  inspectorUrl: string | null
  api<T>(method: string, path: string, body?: unknown): Promise<T>
  stop(): Promise<void>
  output(): string
}

async function startVigil(inspect: boolean, options: Options): Promise<Vigil> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`)
  const dataDir = makeTempDir('vigil-fleet-')
  const nodeArgs = [...options.nodeArgs, ...(inspect ? ['--inspect=127.0.0.1:0'] : [])]
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve', '--port', '0', '--data-dir', dataDir], {
    stdio: 'pipe',
    env: { ...process.env, ...options.env }
  })
  children.add(child)
  let output = ''
  const keep = (text: string): void => {
    output = (output + text).slice(-20_000)
  }
  let inspectorUrl: string | null = null
  const inspectorSeen = new Promise<void>((done) => {
    if (!inspect) return done()
    createInterface({ input: child.stderr }).on('line', (line) => {
      keep(line + '\n')
      const found = /Debugger listening on (ws:\/\/\S+)/.exec(line)
      if (found?.[1]) {
        inspectorUrl = found[1]
        done()
      }
    })
  })
  if (!inspect) child.stderr.on('data', (chunk: Buffer) => keep(chunk.toString()))
  const found: { url?: string; token?: string } = {}
  await new Promise<void>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`vigil serve exited with ${String(code)}:\n${output}`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line + '\n')
      found.url ??= /listening on (http:\/\/\S+)/.exec(line)?.[1]
      found.token ??= /API token: ([0-9a-f]{64})/.exec(line)?.[1]
      if (/log in:/.test(line)) done()
    })
  })
  await inspectorSeen
  const url = found.url as string
  const token = found.token as string
  return {
    pid: child.pid as number,
    url,
    token,
    dataDir,
    inspectorUrl,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(url + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`)
      return (text ? JSON.parse(text) : null) as T
    },
    stop: () => stopChild(child),
    output: () => output
  }
}

interface ServerState {
  id: string
  hostname: string
  alias: string | null
  collection_state: string
  collection_error: string | null
}

async function allServers(vigil: Vigil): Promise<ServerState[]> {
  const servers: ServerState[] = []
  for (let page = 1; ; page++) {
    const answer = await vigil.api<{ servers: ServerState[]; has_next: boolean }>('GET', `/api/servers/?per_page=100&page=${page}`)
    servers.push(...answer.servers)
    if (!answer.has_next) return servers
  }
}

/** Runs `task` over `items`, `concurrency` at a time. */
async function pool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await task(items[index] as T, index)
      }
    })
  )
  return results
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

// --- CPU profile through the inspector ---

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

class Inspector {
  private nextId = 1
  private readonly pending = new Map<number, (result: unknown) => void>()
  /** Listeners of protocol events (no id), by method. */
  readonly events = new Map<string, (params: unknown) => void>()

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; method?: string; params?: unknown }
      if (message.id === undefined && message.method) this.events.get(message.method)?.(message.params)
      const answer = message.id === undefined ? undefined : this.pending.get(message.id)
      if (answer && message.id !== undefined) {
        this.pending.delete(message.id)
        answer(message.result)
      }
    })
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url)
    await new Promise<void>((done, fail) => {
      socket.once('open', () => done())
      socket.once('error', fail)
    })
    return new Inspector(socket)
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((done) => {
      this.pending.set(id, (result) => done(result as T))
      this.socket.send(JSON.stringify({ id, method, params }))
    })
  }

  close(): void {
    this.socket.close()
  }
}


// --- memory, event-loop stalls and GC pauses of Vigil, through the inspector ---

/**
 * Installed in Vigil (Runtime.evaluate) at the start of the window: a 20 ms timer that records
 * every gap over 100 ms (an event-loop stall: offset and length), a PerformanceObserver of GC
 * pauses over 10 ms (offset, length, kind), and perf_hooks' event-loop delay histogram. Read
 * back by PROBE_READ at the end. Only ever runs in a bench's own `vigil serve --inspect`.
 */
const PROBE_INSTALL = `(() => {
  const { PerformanceObserver, monitorEventLoopDelay, performance } = require('node:perf_hooks')
  const probe = { t0: performance.now(), stalls: [], gcs: [], gcMs: { 1: 0, 2: 0, 4: 0, 8: 0 }, gcCount: { 1: 0, 2: 0, 4: 0, 8: 0 } }
  probe.delay = monitorEventLoopDelay({ resolution: 10 })
  probe.delay.enable()
  let last = performance.now()
  probe.timer = setInterval(() => {
    const now = performance.now()
    const gap = now - last - 20
    if (gap > 100) probe.stalls.push([Math.round(last - probe.t0), Math.round(gap)])
    last = now
  }, 20)
  probe.timer.unref()
  probe.observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail ? entry.detail.kind : entry.kind
      probe.gcMs[kind] = (probe.gcMs[kind] || 0) + entry.duration
      probe.gcCount[kind] = (probe.gcCount[kind] || 0) + 1
      if (entry.duration > 10) probe.gcs.push([Math.round(entry.startTime - probe.t0), Math.round(entry.duration), kind])
    }
  })
  probe.observer.observe({ entryTypes: ['gc'] })
  globalThis.__fleetProbe = probe
  return 'ok'
})()`

const PROBE_READ = `(() => {
  const probe = globalThis.__fleetProbe
  const v8 = require('node:v8')
  const memory = process.memoryUsage()
  const spaces = v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, used: s.space_used_size, committed: s.physical_space_size }))
  const heap = v8.getHeapStatistics()
  const result = { memory, spaces, heap, handles: process.getActiveResourcesInfo().length }
  if (probe) {
    clearInterval(probe.timer)
    probe.observer.disconnect()
    probe.delay.disable()
    Object.assign(result, {
      stalls: probe.stalls,
      gcs: probe.gcs,
      gcMs: probe.gcMs,
      gcCount: probe.gcCount,
      delay: { p50: probe.delay.percentile(50) / 1e6, p99: probe.delay.percentile(99) / 1e6, max: probe.delay.max / 1e6 }
    })
    delete globalThis.__fleetProbe
  }
  return JSON.stringify(result)
})()`

interface ProbeResult {
  memory: NodeJS.MemoryUsage
  spaces: Array<{ name: string; used: number; committed: number }>
  heap: { total_heap_size: number; used_heap_size: number; malloced_memory: number; external_memory: number }
  handles: number
  stalls?: Array<[number, number]>
  gcs?: Array<[number, number, number]>
  gcMs?: Record<string, number>
  gcCount?: Record<string, number>
  delay?: { p50: number; p99: number; max: number }
}

async function evaluate<T>(inspector: Inspector, expression: string): Promise<T> {
  const answer = await inspector.call<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
    'Runtime.evaluate',
    { expression, includeCommandLineAPI: true, returnByValue: true }
  )
  if (answer.exceptionDetails) throw new Error(`inspector: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`)
  return answer.result.value as T
}

/** RssAnon / RssFile / RssShmem of /proc/<pid>/status, in MiB. */
function rssParts(pid: number): Record<string, number> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const parts: Record<string, number> = {}
  for (const name of ['RssAnon', 'RssFile', 'RssShmem']) parts[name] = Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024
  return parts
}

const GC_KIND: Record<string, string> = { '1': 'scavenge', '2': 'mark-compact', '4': 'incremental marking', '8': 'weak callbacks' }

function memoryText(pid: number, probe: ProbeResult, windowS: number): string {
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = probe.memory
  const parts = rssParts(pid)
  const lines = [
    `  memory at the end of the window: RSS ${mib(rss)} (anon ${f1(parts.RssAnon ?? NaN)}, file ${f1(parts.RssFile ?? NaN)}, shmem ${f1(parts.RssShmem ?? NaN)} MiB); ` +
      `V8 heap ${mib(heapUsed)} used of ${mib(heapTotal)} committed; external ${mib(external)} (of which array buffers ${mib(arrayBuffers)}); ` +
      `V8 malloced ${mib(probe.heap.malloced_memory)}; RSS − heap committed − external = ${mib(rss - heapTotal - external)} (native: code, libuv, OpenSSL, SQLite, malloc arenas)`,
    `  heap spaces (used / committed): ${probe.spaces.map((s) => `${s.name.replace(/_space$/, '')} ${mib(s.used)} / ${mib(s.committed)}`).join(', ')}`,
    `  active handles and requests: ${probe.handles}`
  ]
  if (probe.delay && probe.stalls && probe.gcs && probe.gcMs && probe.gcCount) {
    lines.push(
      `  event-loop delay: p50 ${f1(probe.delay.p50)} ms, p99 ${f1(probe.delay.p99)} ms, max ${f1(probe.delay.max)} ms; ${probe.stalls.length} stalls over 100 ms: ` +
        probe.stalls.map(([at, ms]) => `+${f1(at / 1000)} s ${ms} ms`).join(', ')
    )
    lines.push(
      `  GC over the window: ` +
        Object.keys(probe.gcMs)
          .filter((kind) => (probe.gcCount?.[kind] ?? 0) > 0)
          .map((kind) => `${GC_KIND[kind] ?? kind} ${probe.gcCount?.[kind]}× ${Math.round(probe.gcMs?.[kind] ?? 0)} ms`)
          .join(', ') +
        ` (${f1((100 * Object.values(probe.gcMs).reduce((a, b) => a + b, 0)) / (windowS * 1000))} % of the window); pauses over 10 ms: ` +
        probe.gcs.map(([at, ms, kind]) => `+${f1(at / 1000)} s ${ms} ms ${GC_KIND[String(kind)] ?? kind}`).join(', ')
    )
  }
  return lines.join('\n')
}

/**
 * Takes a heap snapshot through the inspector into `file` and returns the largest constructors
 * by self size (a heap of hundreds of MiB makes a snapshot too big for one string: then only the
 * file is written).
 */
async function heapSnapshot(inspector: Inspector, file: string): Promise<string> {
  const fd = openSync(file, 'w')
  let bytes = 0
  inspector.events.set('HeapProfiler.addHeapSnapshotChunk', (params) => {
    const chunk = (params as { chunk: string }).chunk
    bytes += chunk.length
    writeSync(fd, chunk)
  })
  await inspector.call('HeapProfiler.enable')
  await inspector.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  inspector.events.delete('HeapProfiler.addHeapSnapshotChunk')
  closeSync(fd)
  if (bytes > 400 * 2 ** 20) return `  heap snapshot ${file}: ${Math.round(bytes / 2 ** 20)} MiB, too big to summarise here (open it in Chrome DevTools)`
  return summarizeHeapSnapshot(file)
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: AllocationNode[]
}

/** Bytes allocated per second over the window by function (self), and inclusive for Vigil's own functions. */
function summarizeAllocations(head: AllocationNode, seconds: number): string {
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let total = 0
  const label = (node: AllocationNode): string => {
    const { functionName, url, lineNumber } = node.callFrame
    const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/out\//, 'out/').replace(/^file:\/\//, '')
    return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim()
  }
  const walk = (node: AllocationNode, stack: string[]): number => {
    const name = label(node)
    let sum = node.selfSize
    total += node.selfSize
    self.set(name, (self.get(name) ?? 0) + node.selfSize)
    const own = node.callFrame.url.includes('out/main/') && !stack.includes(name)
    for (const child of node.children) sum += walk(child, own ? [...stack, name] : stack)
    if (own) inclusive.set(name, (inclusive.get(name) ?? 0) + sum)
    return sum
  }
  walk(head, [])
  const rate = (bytes: number): string => `${(bytes / seconds / 2 ** 20).toFixed(2).padStart(6)} MiB/s`
  const top = (map: Map<string, number>, n: number): string[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, bytes]) => `    ${rate(bytes)}  ${name}`)
  return [
    `  allocations over the window (sampled): ${rate(total)} in all`,
    '  by function (self):',
    ...top(self, 25),
    "  Vigil's own functions (inclusive):",
    ...top(inclusive, 25)
  ].join('\n')
}

const SQLITE_NATIVE = new Set(['run', 'get', 'all', 'iterate', 'exec', 'prepare', 'pragma'])
const SOCKET_NATIVE = new Set(['writeBuffer', 'writev', 'writeUtf8String', 'writeLatin1String', 'readStop', 'readStart', 'shutdown', 'close'])

/** `callerUrl`: the URL of the calling frame, which tells native functions of the same name apart. */
function category(url: string, name: string, callerUrl: string): string {
  if (name === '(garbage collector)') return 'GC'
  if (name === '(program)' || name === '(idle)') return name
  if (url === '') {
    // Native functions have no URL: name the big ones.
    if (callerUrl.startsWith('node:internal/crypto')) return 'crypto (native)'
    if (SQLITE_NATIVE.has(name)) return 'SQLite (better-sqlite3, native)'
    if (SOCKET_NATIVE.has(name)) return 'socket I/O (native)'
    if (/Cipher|Decipher|Hmac|Hash|RandomBytes|Sign|Verify|DiffieHellman|ECDH|poly1305|chacha/i.test(name)) return 'crypto (native)'
    return 'other native'
  }
  if (url.includes('node_modules/ssh2/')) return 'ssh2'
  if (url.includes('node_modules/better-sqlite3/')) return 'better-sqlite3'
  if (url.includes('node_modules/ws/') || url.includes('@fastify/websocket')) return 'ws'
  if (url.includes('node_modules/')) return 'other packages'
  if (url.includes('out/main/')) return 'vigil'
  if (url.startsWith('node:')) return 'node internals'
  return 'other'
}

/** Self time by category and by function, and inclusive time of Vigil's own functions. */
function summarizeProfile(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<number, number>()
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000))
  const total = [...self.values()].reduce((sum, ms) => sum + ms, 0)
  const idle = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((sum, [, ms]) => sum + ms, 0)
  const busy = total - idle
  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame
    const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/out\//, 'out/').replace(/^file:\/\//, '')
    return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim()
  }
  const byCategory = new Map<string, number>()
  const byFunction = new Map<string, number>()
  for (const [id, ms] of self) {
    const node = byId.get(id) as ProfileNode
    if (node.callFrame.functionName === '(idle)') continue
    const caller = byId.get(parent.get(id) ?? -1)
    const cat = category(node.callFrame.url, node.callFrame.functionName, caller?.callFrame.url ?? '')
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + ms)
    byFunction.set(label(node), (byFunction.get(label(node)) ?? 0) + ms)
  }
  // Inclusive time per Vigil function (counted once per call stack, so recursion is not doubled).
  const inclusive = new Map<string, number>()
  for (const [id, ms] of self) {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at) as ProfileNode
      if (!node.callFrame.url.includes('out/main/')) continue
      const name = label(node)
      if (seen.has(name)) continue
      seen.add(name)
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms)
    }
  }
  // Busy stretches over 100 ms (no idle sample between): the event-loop stalls, and what ran in them.
  const stretches: string[] = []
  let runStart = 0
  let at = 0
  let run: Array<[number, number]> = []
  const closeRun = (): void => {
    const ms = run.reduce((sum, [, d]) => sum + d, 0)
    if (ms > 100) {
      const inRun = new Map<string, number>()
      for (const [id, d] of run) {
        const seen = new Set<string>()
        for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
          const node = byId.get(up) as ProfileNode
          const name = node.callFrame.functionName === '(garbage collector)' ? 'GC' : node.callFrame.url.includes('out/main/') ? label(node) : null
          if (name === null || seen.has(name)) continue
          seen.add(name)
          inRun.set(name, (inRun.get(name) ?? 0) + d)
        }
      }
      // The innermost Vigil functions covering most of the stretch tell what it was.
      const names = [...inRun.entries()].filter(([, d]) => d >= 0.2 * ms).sort((a, b) => a[1] - b[1]).slice(0, 3)
      stretches.push(`    +${(runStart / 1000).toFixed(1)} s ${Math.round(ms)} ms: ${names.map(([name, d]) => `${name} ${Math.round(d)}`).join(' < ')}`)
    }
    run = []
  }
  profile.samples.forEach((id, index) => {
    const d = (profile.timeDeltas[index] ?? 0) / 1000
    at += d
    if (byId.get(id)?.callFrame.functionName === '(idle)') closeRun()
    else {
      if (run.length === 0) runStart = at
      run.push([id, d])
    }
  })
  closeRun()
  const pct = (ms: number): string => `${((100 * ms) / busy).toFixed(1).padStart(5)} %`
  const top = (map: Map<string, number>, n: number): string[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => `    ${pct(ms)}  ${name}`)
  return [
    `  profile: ${(busy / 1000).toFixed(1)} s busy of ${(total / 1000).toFixed(1)} s sampled`,
    '  self time by category:',
    ...top(byCategory, 12),
    '  self time, top functions:',
    ...top(byFunction, 25),
    "  inclusive time of Vigil's own functions (out/main):",
    ...top(inclusive, 15),
    `  busy stretches over 100 ms (offset, length: Vigil functions and GC covering ≥ 20 % of it, innermost first): ${stretches.length}`,
    ...stretches
  ].join('\n')
}

// --- one fleet size ---

interface Result {
  servers: number
  startS: number
  samplesPerS: number
  expectedPerS: number
  messagesPerS: number
  rowsPerS: number
  diskMiBPerS: number
  walMiB: number
  cores: number
  rss: number
  peak: number
  p50: number
  p99: number
  max: number
  notCollecting: number
  withError: number
  short: number
  wsClosed: number
  simCores: number
  benchCores: number
  simExecsPerS: number
  /** Every command channel the simulator opened (uname, ps, netdev, restarted streams…), per second. */
  simChannelsPerS: number
  /** Rounds of the report loop (a netstat and a ps report each) the simulator wrote, per second. */
  simLoopReportsPerS: number
  firstErrors: string[]
  /** Seconds of the window whose slowest sample took over 250 ms, and the slowest seconds. */
  slowSeconds: number
  worstSeconds: Array<[number, number]>
}

async function runFleet(sim: Simulator, n: number, options: Options): Promise<Result> {
  const vigil = await startVigil(options.profile || options.memory || options.allocProfile || options.heapSnapshot !== null, options)
  try {
    // Only the fleet: switch off the built-in server that collects this machine by local exec.
    for (const server of await allServers(vigil)) {
      await vigil.api('PUT', `/api/servers/${server.id}/`, { monitoring_enabled: false })
    }
    // Registered inactive, then started all at once by one bulk-status call (Vigil staggers them).
    const ids = await pool(
      Array.from({ length: n }, (_, i) => i),
      8,
      async (i) =>
        (
          await vigil.api<{ server: { id: string } }>('POST', '/api/servers/create/', {
            hostname: `fleet-${String(i).padStart(5, '0')}`,
            ip_address: '127.0.0.1',
            ssh_port: sim.port,
            ssh_username: 'bench',
            ssh_password: PASSWORD,
            monitoring_interval: options.intervalS,
            status: 'inactive',
            environment: 'bench'
          })
        ).server.id
    )

    // One WebSocket per server; latency from vmstat's `fre` (the simulator's send time, ms).
    const wsBase = vigil.url.replace(/^http/, 'ws')
    let measuring = false
    const latencies: number[] = []
    /** The slowest vmstat sample of each second of the window, to tell steady latency from stalls. */
    const slowestBySecond = new Map<number, number>()
    let windowStart = 0
    let messages = 0
    const received = new Map<string, number>()
    let wsClosed = 0
    const sockets = await pool(ids, 32, async (id) => {
      const path = options.ws === 'all' ? `/ws/metrics/${id}/` : `/ws/metrics/vmstat/${id}/`
      const socket = new WebSocket(`${wsBase}${path}?token=${vigil.token}`)
      await new Promise<void>((done, fail) => {
        socket.once('open', () => done())
        socket.once('error', fail)
      })
      socket.on('message', (data: WebSocket.RawData) => {
        if (!measuring) return
        const now = Date.now()
        messages++
        const message = JSON.parse(data.toString()) as { metric: string; values: { fre?: number } }
        if (message.metric !== 'vmstat' || typeof message.values.fre !== 'number') return
        const latency = now - message.values.fre
        latencies.push(latency)
        const second = Math.floor((now - windowStart) / 1000)
        slowestBySecond.set(second, Math.max(slowestBySecond.get(second) ?? 0, latency))
        received.set(id, (received.get(id) ?? 0) + 1)
      })
      socket.on('error', () => {})
      socket.on('close', () => {
        if (measuring) wsClosed++
      })
      return socket
    })

    const startedAt = performance.now()
    for (let i = 0; i < ids.length; i += 1000) {
      await vigil.api('POST', '/api/servers/bulk-status/', { server_ids: ids.slice(i, i + 1000), status: 'active' })
    }
    const deadline = Date.now() + 60_000 + n * 50
    let collecting = 0
    for (;;) {
      const fleet = (await allServers(vigil)).filter((server) => server.hostname.startsWith('fleet-'))
      collecting = fleet.filter((server) => server.collection_state === 'collecting').length
      if (collecting === n) break
      if (Date.now() > deadline) {
        const states = new Map<string, number>()
        for (const server of fleet) states.set(server.collection_state, (states.get(server.collection_state) ?? 0) + 1)
        console.error(`  only ${collecting}/${n} collecting after ${((performance.now() - startedAt) / 1000).toFixed(0)} s:`, Object.fromEntries(states))
        break
      }
      await sleep(500)
    }
    const startS = (performance.now() - startedAt) / 1000
    await sleep(options.settleS * 1000)

    // The measurement window.
    const inspector = vigil.inspectorUrl ? await Inspector.connect(vigil.inspectorUrl) : null
    if (inspector && options.memory) await evaluate(inspector, PROBE_INSTALL)
    if (inspector && options.allocProfile) {
      await inspector.call('HeapProfiler.enable')
      await inspector.call('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
    }
    if (inspector && options.profile) {
      await inspector.call('Profiler.enable')
      await inspector.call('Profiler.setSamplingInterval', { interval: 1000 })
      await inspector.call('Profiler.start')
    }
    const simBefore = await sim.stats()
    const t0 = Date.now()
    const vigilCpu0 = cpuSeconds(vigil.pid)
    const written0 = storageWrites(vigil.pid)
    const simCpu0 = cpuSeconds(sim.pid)
    const benchCpu0 = process.cpuUsage()
    const wall0 = performance.now()
    windowStart = Date.now()
    measuring = true
    await sleep(options.windowS * 1000)
    measuring = false
    const wallS = (performance.now() - wall0) / 1000
    const t1 = Date.now()
    const vigilCpu1 = cpuSeconds(vigil.pid)
    const written1 = storageWrites(vigil.pid)
    const simCpu1 = cpuSeconds(sim.pid)
    const benchCpu = process.cpuUsage(benchCpu0)
    const memory = memoryMiB(vigil.pid)
    const walMiB = statSync(join(vigil.dataDir, 'vigil.db-wal'), { throwIfNoEntry: false })?.size ?? 0
    const simAfter = await sim.stats()
    let profileText = ''
    if (inspector && options.memory) profileText += memoryText(vigil.pid, JSON.parse(await evaluate<string>(inspector, PROBE_READ)) as ProbeResult, wallS) + '\n'
    if (inspector && options.allocProfile) {
      const { profile } = await inspector.call<{ profile: { head: AllocationNode } }>('HeapProfiler.stopSampling')
      profileText += summarizeAllocations(profile.head, wallS) + '\n'
    }
    if (inspector && options.profile) {
      const { profile } = await inspector.call<{ profile: CpuProfile }>('Profiler.stop')
      profileText += summarizeProfile(profile)
      if (options.profileOut) {
        const file = `${options.profileOut}-${n}.cpuprofile`
        writeFileSync(file, JSON.stringify(profile))
        profileText += `\n  raw profile: ${file}`
      }
    }
    if (inspector && options.heapSnapshot) profileText += '\n' + (await heapSnapshot(inspector, `${options.heapSnapshot}-${n}.heapsnapshot`))
    inspector?.close()

    const fleet = (await allServers(vigil)).filter((server) => server.hostname.startsWith('fleet-'))
    const notCollecting = fleet.filter((server) => server.collection_state !== 'collecting')
    const withError = fleet.filter((server) => server.collection_error !== null)
    const expectedPerServer = wallS / options.intervalS
    const short = ids.filter((id) => (received.get(id) ?? 0) < Math.floor(expectedPerServer) - 1).length
    for (const socket of sockets) socket.terminate()
    await vigil.stop()

    // What Vigil stored in the window, read from its file once it has stopped.
    const db = new Database(join(vigil.dataDir, 'vigil.db'), { readonly: true })
    let rows = 0
    const store = new MetricsStore(new SeriesStore(db, { logDir: null }))
    for (const metric of METRICS) for (const { rows: range } of store.read(store.groups(metric), t0, t1 - 1)) rows += range.ts.length
    db.close()

    latencies.sort((a, b) => a - b)
    const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN
    const simExecs = (['ps', 'netdev'] as const).reduce((sum, kind) => sum + (simAfter.execs[kind] ?? 0) - (simBefore.execs[kind] ?? 0), 0)
    const simChannels = Object.keys(simAfter.execs).reduce((sum, kind) => sum + (simAfter.execs[kind] ?? 0) - (simBefore.execs[kind] ?? 0), 0)
    const result: Result = {
      servers: n,
      startS,
      samplesPerS: latencies.length / wallS,
      expectedPerS: n / options.intervalS,
      messagesPerS: messages / wallS,
      rowsPerS: rows / ((t1 - t0) / 1000),
      diskMiBPerS: (written1 - written0) / 2 ** 20 / wallS,
      walMiB: walMiB / 2 ** 20,
      cores: (vigilCpu1 - vigilCpu0) / wallS,
      rss: memory.rss,
      peak: memory.peak,
      p50: q(0.5),
      p99: q(0.99),
      max: latencies.at(-1) ?? NaN,
      notCollecting: notCollecting.length,
      withError: withError.length,
      short,
      wsClosed,
      simCores: (simCpu1 - simCpu0) / wallS,
      benchCores: (benchCpu.user + benchCpu.system) / 1e6 / wallS,
      simExecsPerS: simExecs / wallS,
      simChannelsPerS: simChannels / wallS,
      simLoopReportsPerS: ((simAfter.loopReports ?? 0) - (simBefore.loopReports ?? 0)) / wallS,
      slowSeconds: [...slowestBySecond.values()].filter((ms) => ms > 250).length,
      worstSeconds: [...slowestBySecond.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5),
      firstErrors: [...new Set([...withError, ...notCollecting].map((server) => `${server.collection_state}: ${server.collection_error ?? ''}`))].slice(0, 3)
    }
    printResult(result, options)
    if (profileText) console.log(profileText)
    return result
  } finally {
    await vigil.stop()
    removeTempDir(vigil.dataDir)
  }
}

const f1 = (value: number): string => value.toFixed(1)
const f2 = (value: number): string => value.toFixed(2)

function printResult(r: Result, options: Options): void {
  console.log(
    `  ${r.servers} servers: all collecting ${f1(r.startS)} s after the bulk start; vmstat ${f1(r.samplesPerS)}/s of ${f1(r.expectedPerS)} expected` +
      (options.ws === 'all' ? ` (${Math.round(r.messagesPerS)} WebSocket messages/s in all)` : '') +
      `, ${Math.round(r.rowsPerS)} rows/s stored (${f1(r.diskMiBPerS)} MiB/s written to disk, WAL ${Math.round(r.walMiB)} MiB), ${f1(r.simExecsPerS)} ps+netdev execs/s, ` +
      `${f1(r.simLoopReportsPerS)} report-loop rounds/s, ${f1(r.simChannelsPerS)} channels opened/s`
  )
  console.log(
    `    Vigil ${f2(r.cores)} cores, RSS ${Math.round(r.rss)} MiB (peak ${Math.round(r.peak)}); latency p50 ${Math.round(r.p50)} ms, p99 ${Math.round(r.p99)} ms, max ${Math.round(r.max)} ms; ` +
      `simulator ${f2(r.simCores)} cores, bench client ${f2(r.benchCores)} cores`
  )
  console.log(
    `    slowest seconds of the window (offset: slowest sample): ${r.worstSeconds.map(([s, ms]) => `+${s} s: ${ms} ms`).join(', ')}; ` +
      `${r.slowSeconds} of ${Math.round(options.windowS)} s had a sample over 250 ms`
  )
  console.log(
    `    errors: ${r.notCollecting} not collecting, ${r.withError} with a collection error, ${r.short} short of vmstat samples, ${r.wsClosed} WebSockets closed` +
      (r.firstErrors.length ? `\n      ${r.firstErrors.join('\n      ')}` : '')
  )
}

function table(results: Result[]): string {
  const lines = [
    '| servers | vmstat samples/s (expected) | rows stored/s | disk writes | Vigil CPU (cores) | Vigil RSS (peak) | latency p50 | p99 | max | errors | simulator CPU | bench client CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const r of results) {
    const errors = r.notCollecting + r.withError + r.short + r.wsClosed
    lines.push(
      `| ${r.servers} | ${f1(r.samplesPerS)} (${f1(r.expectedPerS)}) | ${Math.round(r.rowsPerS).toLocaleString('en')} | ${f1(r.diskMiBPerS)} MiB/s | ${f2(r.cores)} | ${Math.round(r.rss)} MiB (${Math.round(r.peak)}) | ` +
        `${Math.round(r.p50)} ms | ${Math.round(r.p99)} ms | ${Math.round(r.max)} ms | ${errors} | ${f2(r.simCores)} | ${f2(r.benchCores)} |`
    )
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  console.log(
    `fleet: ${options.fleets.join(', ')} servers at ${options.intervalS} s, ${options.windowS} s window after ${options.settleS} s settle, ` +
      `WebSocket per server on ${options.ws === 'all' ? 'every metric' : 'vmstat'}${options.profile ? ', CPU profile' : ''}`
  )
  console.log(`  ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`)
  const sim = await startSimulator()
  const results: Result[] = []
  try {
    for (const n of options.fleets) results.push(await runFleet(sim, n, options))
  } finally {
    await sim.stop()
  }
  console.log('\n' + table(results))
}

main().catch((error: unknown) => {
  console.error(error)
  cleanupSync()
  process.exit(1)
})
