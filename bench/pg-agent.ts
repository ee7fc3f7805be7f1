// PostgreSQL agent API: request latency with 200 idle backends, and what the dashboard
// collector costs the instance (and Vigil) at its default interval (2 s).
//   npm run build && npx tsx bench/pg-agent.ts [requests=200] [--idle 200] [--warmup 10]
//       [--window 60] [--baseline 60] [--settle 10]
//
// A throwaway PostgreSQL (test/helpers/postgres.ts: 127.0.0.1, fsync off, max_connections 300,
// pg_stat_statements preloaded) with `--idle` plain-role client sessions opened and left idle,
// and the built `node out/main/cli.js serve --port 0` (test/helpers/vigil-process.ts) with its
// built-in "this machine" server switched off, so that the only thing it collects is the
// instance: registered through POST /api/postgres-instances/ as a pg_monitor role of its own,
// active, so its dashboard collector runs every 2 s (sessions named 'vigil' in pg_stat_activity).
//
//   1. baseline (`--baseline` s, 0 skips it), before the instance is registered: Vigil's CPU and
//      that of every PostgreSQL process, with nothing between them.
//   2. collector (`--window` s, after `--settle` s), no API requests: statements Vigil ran, from
//      pg_stat_statements filtered on its role (calls and executor time), with pg_stat_database
//      xact_commit of the `postgres` database as a cross-check (it also counts autovacuum, and
//      PostgreSQL 15+ flushes other backends' counters up to ~10 s late); the CPU of the backends
//      whose application_name is 'vigil' (/proc/<pid>/stat utime + stime, all of them polled
//      every second: a backend that appears mid-window counts from 0); every PostgreSQL
//      process's CPU; Vigil's (all threads). The bench's own session lives in a database of its
//      own (`bench`), is not counted in the PostgreSQL figures, and runs as the superuser.
//   3. latency: `--warmup` then `requests` sequential GETs of /pg/{id}/activity, /dashboard
//      and /dashboard/live with the API token as a bearer, over one keep-alive connection.
//      /dashboard answers the collector's latest data set from memory; /dashboard/live reads
//      everything fresh (one SQL query, /proc of the host), and its host CPU figure needs two
//      readings of /proc/stat 250 ms apart: the reader keeps the last one (the collector's, or
//      the previous request's), so back-to-back calls each wait out the rest of those 250 ms
//      (src/main/postgres/dashboard/host-usage.ts). /activity samples /proc of every
//      listed backend twice ~250 ms apart on a local instance (per-backend CPU, memory, I/O:
//      see src/main/postgres/host/process-stats.ts), and that wait dominates its latency:
//      its figures are as measured, wait included.
//
// Children and temp dirs are removed however it ends (Ctrl-C included).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { Client } from 'pg'
import { startPostgres, type Postgres } from '../test/helpers/postgres'
import { CLI, startVigil, type VigilProcess } from '../test/helpers/vigil-process'

interface Options {
  requests: number
  idle: number
  warmup: number
  windowS: number
  baselineS: number
  settleS: number
}

function parseOptions(argv: string[]): Options {
  const options: Options = { requests: 200, idle: 200, warmup: 10, windowS: 60, baselineS: 60, settleS: 10 }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const value = (): number => {
      const next = Number(argv[++i])
      if (!Number.isFinite(next) || next < 0) throw new Error(`${arg} needs a number`)
      return next
    }
    if (arg === '--idle') options.idle = value()
    else if (arg === '--warmup') options.warmup = value()
    else if (arg === '--window') options.windowS = value()
    else if (arg === '--baseline') options.baselineS = value()
    else if (arg === '--settle') options.settleS = value()
    else if (/^\d+$/.test(arg)) options.requests = Number(arg)
    else throw new Error(`unknown argument ${arg}`)
  }
  if (options.requests < 1 || options.windowS <= 0) throw new Error('requests and --window must be positive')
  // 300 connections: the idle ones, Vigil's pool (4), the bench's session, and room for the superuser reserve.
  if (options.idle > 280) throw new Error('--idle is at most 280 (max_connections is 300)')
  return options
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

// --- /proc ---

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** utime + stime (all threads) and the parent pid of a process, or null once it is gone. */
function procStat(pid: number): { cpuS: number; ppid: number } | null {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // Fields after "(comm)": state ppid … utime (14th of the line) stime (15th).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { cpuS: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS, ppid: Number(fields[1]) }
}

/** The postmaster and all its children (backends, checkpointer, walwriter, autovacuum, …). */
function postgresPids(postmaster: number): number[] {
  const pids = [postmaster]
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    if (procStat(Number(name))?.ppid === postmaster) pids.push(Number(name))
  }
  return pids
}

/**
 * CPU seconds a changing set of processes used in a window: each process from its first
 * reading (0 when it appeared after the window started) to its last one. A process that
 * exits between two readings loses what it used since the previous one.
 */
class CpuTally {
  private readonly first = new Map<number, number>()
  private readonly last = new Map<number, number>()
  private started = false

  read(pids: Iterable<number>): void {
    for (const pid of pids) {
      const stat = procStat(pid)
      if (!stat) continue
      if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : stat.cpuS)
      this.last.set(pid, stat.cpuS)
    }
    this.started = true
  }

  seconds(): number {
    let total = 0
    for (const [pid, last] of this.last) total += last - (this.first.get(pid) ?? 0)
    return total
  }

  processes(): number {
    return this.last.size
  }
}

// --- the instance, seen from the bench's own session ---

interface StatementCounters {
  /** queryid → calls and total_exec_time (ms) of the role's statements. */
  byQuery: Map<string, { calls: number; ms: number; query: string }>
  xactCommit: number
}

async function readCounters(db: Client, role: string): Promise<StatementCounters> {
  const statements = await db.query<{ queryid: string; calls: number; ms: number; query: string }>(
    `SELECT s.queryid::text AS queryid, s.calls::float8 AS calls, s.total_exec_time::float8 AS ms, s.query
       FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
      WHERE r.rolname = $1`,
    [role]
  )
  const xact = await db.query<{ n: number }>("SELECT xact_commit::float8 AS n FROM pg_stat_database WHERE datname = 'postgres'")
  const byQuery = new Map<string, { calls: number; ms: number; query: string }>()
  for (const row of statements.rows) {
    const seen = byQuery.get(row.queryid)
    byQuery.set(row.queryid, { calls: (seen?.calls ?? 0) + row.calls, ms: (seen?.ms ?? 0) + row.ms, query: row.query })
  }
  return { byQuery, xactCommit: xact.rows[0]?.n ?? NaN }
}

async function vigilBackendPids(db: Client): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'vigil'")
  return rows.map((row) => row.pid)
}

interface Window {
  seconds: number
  vigilCores: number
  postgresCores: number
  postgresProcesses: number
  benchCores: number
  /** Only for the collector window. */
  collector?: {
    calls: number
    execMs: number
    statements: Array<{ calls: number; ms: number; query: string }>
    xactCommits: number
    backendCores: number
    backends: number
  }
}

/** Measures `seconds` with no API requests: see the file comment. `role` set: also Vigil's statements and backends. */
async function measureWindow(seconds: number, db: Client, benchPid: number, postmaster: number, vigilPid: number, role: string | null): Promise<Window> {
  const others = (): number[] => postgresPids(postmaster).filter((pid) => pid !== benchPid)
  const postgres = new CpuTally()
  const backends = new CpuTally()
  const before = role ? await readCounters(db, role) : null
  const vigilBackends = role ? await vigilBackendPids(db) : []
  const bench0 = process.cpuUsage()
  const started = performance.now()
  const vigil0 = procStat(vigilPid)?.cpuS ?? NaN
  postgres.read(others())
  backends.read(vigilBackends)
  const end = started + seconds * 1000
  while (performance.now() < end) {
    await sleep(Math.min(1000, end - performance.now()))
    postgres.read(others())
    if (role) backends.read(await vigilBackendPids(db))
  }
  const vigil1 = procStat(vigilPid)?.cpuS ?? NaN
  const wallS = (performance.now() - started) / 1000
  const bench = process.cpuUsage(bench0)
  const window: Window = {
    seconds: wallS,
    vigilCores: (vigil1 - vigil0) / wallS,
    postgresCores: postgres.seconds() / wallS,
    postgresProcesses: postgres.processes(),
    benchCores: (bench.user + bench.system) / 1e6 / wallS
  }
  if (role && before) {
    const after = await readCounters(db, role)
    const statements: Array<{ calls: number; ms: number; query: string }> = []
    for (const [id, now] of after.byQuery) {
      const then = before.byQuery.get(id)
      const calls = now.calls - (then?.calls ?? 0)
      if (calls > 0) statements.push({ calls, ms: now.ms - (then?.ms ?? 0), query: now.query })
    }
    statements.sort((a, b) => b.calls - a.calls)
    window.collector = {
      calls: statements.reduce((sum, s) => sum + s.calls, 0),
      execMs: statements.reduce((sum, s) => sum + s.ms, 0),
      statements,
      xactCommits: after.xactCommit - before.xactCommit,
      backendCores: backends.seconds() / wallS,
      backends: backends.processes()
    }
  }
  return window
}

// --- Vigil ---

/** Vigil's pid, from the serve.json it writes next to its database once it listens. */
function vigilPidOf(vigil: VigilProcess): number {
  const { pid } = JSON.parse(readFileSync(`${vigil.dataDir}/serve.json`, 'utf8')) as { pid: number }
  if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(vigil.dataDir)) throw new Error(`pid ${pid} from serve.json is not this vigil serve`)
  return pid
}

async function api<T>(vigil: VigilProcess, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(vigil.url + path, {
    method,
    headers: { Authorization: `Bearer ${vigil.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 500)}`)
  return (text ? JSON.parse(text) : null) as T
}

interface Latency {
  /** The endpoint, under /pg/{id}. */
  endpoint: string
  times: number[]
  /** What one answer looked like, e.g. "203 rows, 203 with cpu". */
  shape: string
}

/** `count` sequential GETs of `path`, each timed from the request to the whole body read. */
async function timeRequests(vigil: VigilProcess, instanceId: number, endpoint: string, warmup: number, count: number, describe: (body: unknown) => string): Promise<Latency> {
  const path = `/pg/${instanceId}${endpoint}`
  const get = async (): Promise<{ ms: number; body: unknown }> => {
    const started = performance.now()
    const response = await fetch(vigil.url + path, { headers: { Authorization: `Bearer ${vigil.token}` } })
    const text = await response.text()
    const ms = performance.now() - started
    if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${text.slice(0, 500)}`)
    return { ms, body: JSON.parse(text) as unknown }
  }
  for (let i = 0; i < warmup; i++) await get()
  const times: number[] = []
  let last: unknown = null
  for (let i = 0; i < count; i++) {
    const { ms, body } = await get()
    times.push(ms)
    last = body
  }
  return { endpoint, times: times.sort((a, b) => a - b), shape: describe(last) }
}

// --- cleanup, however it ends ---

let cleanupSync: () => void = () => {}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    cleanupSync()
    // test/helpers/postgres.ts stops the cluster in its 'exit' handler.
    process.exit(130)
  })
}

const f0 = (value: number): string => Math.round(value).toLocaleString('en')
const f1 = (value: number): string => value.toFixed(1)
const f2 = (value: number): string => value.toFixed(2)
const f3 = (value: number): string => value.toFixed(3)
const ms = (value: number): string => `${value.toFixed(1)} ms`

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`)

  let pg: Postgres | null = null
  let vigil: VigilProcess | null = null
  let bench: Client | null = null
  const idle: Client[] = []
  // Synchronous, for a signal or a failure: the client sockets close with this process.
  cleanupSync = () => {
    if (!vigil) return
    try {
      process.kill(vigilPidOf(vigil), 'SIGKILL')
    } catch {
      // Already gone.
    }
    rmSync(vigil.dataDir, { recursive: true, force: true })
  }
  try {
    pg = await startPostgres()
    const version = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?'
    const postmaster = Number(readFileSync(`${pg.dataDir}/postmaster.pid`, 'utf8').split('\n')[0])
    const monitor = await pg.createRole('vigil_monitor', 'bench-monitor-pw', ['pg_monitor'])
    const plain = await pg.createRole('bench_idle', 'bench-idle-pw')
    await pg.createDatabase('bench')
    await pg.query('CREATE EXTENSION pg_stat_statements', [], 'bench')

    console.log(`pg-agent: ${options.requests} requests per endpoint after ${options.warmup} warm-up, ${options.idle} idle backends; collector window ${options.windowS} s after ${options.settleS} s, baseline ${options.baselineS} s`)
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${version} (fsync off); load average ${loadavg().map(f2).join(' ')}`)

    // The idle sessions: a plain role, connected and left alone (idle_session_timeout is off).
    for (let i = 0; i < options.idle; i += 20) {
      const batch = Array.from({ length: Math.min(20, options.idle - i) }, () => new Client({ ...plain.connectionConfig('postgres'), application_name: 'bench-idle' }))
      for (const client of batch) client.on('error', () => undefined)
      idle.push(...batch)
      await Promise.all(batch.map((client) => client.connect()))
    }
    bench = new Client({ ...pg.connectionConfig('bench'), application_name: 'pg-agent-bench' })
    bench.on('error', () => undefined)
    await bench.connect()
    const benchPid = (await bench.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? -1
    const connected = (await bench.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'bench-idle'")).rows[0]?.n
    console.log(`${connected} idle sessions open as ${plain.user}`)

    vigil = await startVigil()
    const vigilPid = vigilPidOf(vigil)
    // Only the instance: switch off the built-in server that collects this machine.
    const { servers } = await api<{ servers: Array<{ id: string }> }>(vigil, 'GET', '/api/servers/?per_page=100')
    for (const server of servers) await api(vigil, 'PUT', `/api/servers/${server.id}/`, { monitoring_enabled: false })

    if (options.baselineS > 0) {
      await sleep(options.settleS * 1000)
      const base = await measureWindow(options.baselineS, bench, benchPid, postmaster, vigilPid, null)
      console.log(
        `baseline, ${f0(base.seconds)} s, no instance registered: Vigil ${f3(base.vigilCores)} cores; ` +
          `PostgreSQL ${f3(base.postgresCores)} cores (${base.postgresProcesses} processes); bench client ${f3(base.benchCores)} cores`
      )
    }

    const instance = await api<{ id: number; is_active: boolean }>(vigil, 'POST', '/api/postgres-instances/', {
      name: 'bench',
      host: '127.0.0.1',
      port: pg.port,
      username: monitor.user,
      password: monitor.password,
      maintenance_db: 'postgres'
    })
    const config = await api<{ scheduler_interval: number; history_length: number }>(vigil, 'GET', `/pg/${instance.id}/dashboard/config`)
    await sleep(options.settleS * 1000)
    const history = await api<unknown[]>(vigil, 'GET', `/pg/${instance.id}/dashboard/history`)
    console.log(
      `instance ${instance.id} registered (active: ${instance.is_active}), collector every ${config.scheduler_interval} s; ` +
        `${history.length} data sets kept after ${options.settleS} s`
    )

    const win = await measureWindow(options.windowS, bench, benchPid, postmaster, vigilPid, monitor.user)
    const c = win.collector
    if (!c) throw new Error('no collector figures')
    console.log(`collector, ${f0(win.seconds)} s, no API requests:`)
    console.log(
      `  statements from Vigil (pg_stat_statements, role ${monitor.user}): ${f0(c.calls)} calls = ${f2(c.calls / win.seconds)}/s ` +
        `(expected ${f2(1 / config.scheduler_interval)}/s), executor time ${f0(c.execMs)} ms = ${f2(c.execMs / win.seconds)} ms/s, ${f2(c.execMs / Math.max(1, c.calls))} ms per call`
    )
    for (const statement of c.statements.slice(0, 5)) {
      console.log(`    ${f0(statement.calls)} × ${f2(statement.ms / statement.calls)} ms  ${statement.query.replace(/\s+/g, ' ').slice(0, 90)}…`)
    }
    console.log(`  xact_commit delta of database postgres (all roles, autovacuum included, flushed late): ${f0(c.xactCommits)} = ${f2(c.xactCommits / win.seconds)}/s`)
    console.log(`  CPU of the ${c.backends} backend(s) with application_name 'vigil': ${f3(c.backendCores)} cores (${f1(c.backendCores * 1000)} ms per s)`)
    console.log(`  PostgreSQL, all ${win.postgresProcesses} processes but the bench's session: ${f3(win.postgresCores)} cores`)
    console.log(`  Vigil (all threads): ${f3(win.vigilCores)} cores (${f1(win.vigilCores * 1000)} ms per s); bench client ${f3(win.benchCores)} cores`)

    const rows = (body: unknown): string => {
      const list = (body as { rows?: Array<{ cpu: number | null; state: string | null }> }).rows ?? []
      return `${list.length} rows, ${list.filter((row) => row.cpu !== null).length} with per-backend cpu, ${list.filter((row) => row.state === 'idle').length} idle`
    }
    const dashboard = (body: unknown): string => {
      const d = body as { active_backends?: { nb: number }; cpu?: unknown; databases?: { databases: number } }
      return `active_backends ${d.active_backends?.nb ?? '?'}, ${d.databases?.databases ?? '?'} databases, host cpu ${d.cpu ? 'present' : 'null'}`
    }
    const results: Latency[] = []
    for (const [path, describe] of [
      ['/activity', rows],
      ['/dashboard', dashboard],
      ['/dashboard/live', dashboard]
    ] as const) {
      results.push(await timeRequests(vigil, instance.id, path, options.warmup, options.requests, describe))
    }
    console.log(`latency, ${options.requests} sequential requests each, bearer token (/activity includes its ~250 ms /proc sampling):`)
    for (const r of results) {
      console.log(
        `  GET /pg/{id}${r.endpoint.padEnd(16)} p50 ${ms(percentile(r.times, 50))}, p95 ${ms(percentile(r.times, 95))}, p99 ${ms(percentile(r.times, 99))}, max ${ms(r.times.at(-1) ?? NaN)}  (${r.shape})`
      )
    }
    console.log(`load average at the end: ${loadavg().map(f2).join(' ')}`)
  } finally {
    await Promise.all(idle.map((client) => client.end().catch(() => undefined)))
    await bench?.end().catch(() => undefined)
    await vigil?.stop()
    await pg?.stop()
    cleanupSync = () => {}
  }
}

main().catch((error: unknown) => {
  console.error(error)
  cleanupSync()
  process.exit(1)
})
