// Store size: bytes per value, ingest rate and write amplification of the metrics store on the
// realistic workload of bench/workload.ts. The batches reach the store as in production:
// MetricsWriter flushes 100 ms after the first sample it buffers (or at 5,000 rows), so the
// run replays that timer in simulated time and hands the store one flush's batches at a time;
// only those writes are timed. Then the store does once what production does in the
// background (roll-ups, retention), and its files are measured. Disk writes are the process's
// own (/proc/self/io): write_bytes (what reached the page cache as new dirty pages, i.e. what
// the disk will get) and wchar (bytes passed to write calls).
//   npx tsx bench/store-size.ts [--servers 50] [--hours 24 | --days 7] [--interval 5] [--seed 1]
//     [--values realistic|constant] [--flush-ms 100] [--store row] [--dir PATH] [--keep] [--account]
// --flush-ms replays another writer flush interval (how many rows each commit carries).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { EventBus } from '../src/main/base/bus'
import { openDb } from '../src/main/base/db/db'
import { DEFAULT_RETENTION } from '../src/main/metrics/metrics-maintenance'
import { MetricsMaintenance } from '../test/legacy/metrics-maintenance-v9'
import { createMetricsRepo } from '../test/legacy/metrics-repo-v9'
import type { SampleBatch } from '../src/main/metrics/samples'
import { DEFAULT_WRITER_OPTIONS, MetricsWriter } from '../test/legacy/metrics-writer-v9'
import { METRICS, type MetricName } from '../src/shared/metrics'
import { seriesStore } from './series-store-adapter'
import { countValues, createWorkload, type ServerProfile } from './workload'

/** A metrics store as this benchmark drives it; the current row store is the first. */
export interface StoreUnderTest {
  readonly name: string
  /** Batches as the collectors hand them over (MetricsWriter.add). */
  write(batches: readonly SampleBatch[]): void
  /** The writer's flush: what was handed over is written (committed) when it returns. */
  flush(): void
  /** Moves everything written into the store's own files (SQLite: the WAL into the database). */
  checkpoint(): void
  /** What production would have done in the background by `nowMs`: roll-ups, retention, compaction. */
  maintain(nowMs: number): void
  bytesOnDisk(): StoreBytes
  /** With --account: where the disk writes went, as lines to print. */
  report?(): string[]
  close(): void
}

export interface StoreBytes {
  total: number
  parts: StorePart[]
}

export interface StorePart {
  name: string
  /** Raw samples, what indexes them, roll-ups, everything else; `free` is allocated but unused. */
  kind: 'samples' | 'samples-index' | 'rollups' | 'other' | 'free'
  /** The metric whose data it holds, if one. */
  metric: MetricName | null
  bytes: number
}

export type StoreFactory = (dir: string, servers: readonly ServerProfile[], options?: { account: boolean }) => StoreUnderTest

/** Today's store: one SQLite row per sample (migration 003), through MetricsWriter and the repo. */
export const rowStore: StoreFactory = (dir, servers) => {
  const file = join(dir, 'vigil.db')
  const db = openDb(file)
  const insertServer = db.prepare(
    "INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES (?, ?, '192.0.2.1', 'u', 0, 0)"
  )
  db.transaction(() => servers.forEach((server) => insertServer.run(server.id, server.hostname)))()
  const repo = createMetricsRepo(db)
  // A batch the store refuses is a broken benchmark, not a sample to drop.
  const writer = new MetricsWriter(repo, new EventBus(), DEFAULT_WRITER_OPTIONS, (error) => {
    throw error
  })
  return {
    name: 'row store (SQLite, one row per sample)',
    write: (batches) => batches.forEach((batch) => writer.add(batch)),
    flush: () => writer.flush(),
    checkpoint: () => void db.pragma('wal_checkpoint(TRUNCATE)'),
    maintain: (nowMs) => new MetricsMaintenance(repo, DEFAULT_RETENTION, () => nowMs).run(),
    bytesOnDisk() {
      const total = statSync(file).size
      const owners = new Map(
        (db.prepare('SELECT name, tbl_name AS tableName FROM sqlite_schema').all() as Array<{ name: string; tableName: string }>).map((row) => [row.name, row.tableName])
      )
      // dbstat reads every page: seconds on a large file, and only after the checkpoint.
      const pages = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{ name: string; bytes: number }>
      const parts = pages.map(({ name, bytes }): StorePart => {
        const table = owners.get(name) ?? name
        const metric = METRICS.find((m) => table === `${m}_samples` || table === `${m}_rollups`) ?? null
        const kind = table.endsWith('_samples') ? (name === table ? 'samples' : 'samples-index') : table.endsWith('_rollups') ? 'rollups' : 'other'
        return { name, kind, metric, bytes }
      })
      parts.push({ name: '(free pages)', kind: 'free', metric: null, bytes: total - pages.reduce((sum, part) => sum + part.bytes, 0) })
      return { total, parts }
    },
    close() {
      writer.close()
      db.close()
    }
  }
}

const STORES: Record<string, StoreFactory> = { row: rowStore, series: seriesStore }

interface Io {
  writeBytes: number
  wchar: number
}

function readIo(): Io {
  const fields = new Map(
    readFileSync('/proc/self/io', 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': ') as [string, string])
  )
  return { writeBytes: Number(fields.get('write_bytes')), wchar: Number(fields.get('wchar')) }
}

const ioSince = (before: Io): Io => {
  const now = readIo()
  return { writeBytes: now.writeBytes - before.writeBytes, wchar: now.wchar - before.wchar }
}

const MIB = 1024 * 1024
const int = (n: number): string => Math.round(n).toLocaleString('en')
const mib = (bytes: number): string => `${(bytes / MIB).toLocaleString('en', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MiB`
const fixed = (n: number, digits = 1): string => n.toFixed(digits)

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      servers: { type: 'string', default: '50' },
      hours: { type: 'string' },
      days: { type: 'string' },
      interval: { type: 'string', default: '5' },
      seed: { type: 'string', default: '1' },
      values: { type: 'string', default: 'realistic' },
      'flush-ms': { type: 'string', default: String(DEFAULT_WRITER_OPTIONS.flushIntervalMs) },
      store: { type: 'string', default: 'row' },
      dir: { type: 'string', default: tmpdir() },
      keep: { type: 'boolean', default: false },
      account: { type: 'boolean', default: false }
    }
  })
  const servers = Number(args.servers)
  const intervalMs = Number(args.interval) * 1000
  const durationMs = args.days !== undefined ? Number(args.days) * 86_400_000 : Number(args.hours ?? 24) * 3_600_000
  const intervals = Math.round(durationMs / intervalMs)
  const flushMs = Number(args['flush-ms'])
  const factory = STORES[args.store]
  if (!factory) throw new Error(`--store must be one of ${Object.keys(STORES).join(', ')}`)
  if (args.values !== 'realistic' && args.values !== 'constant') throw new Error('--values must be realistic or constant')
  // A fixed start (midnight UTC) keeps runs comparable: the daily cycle starts at the same hour.
  const startMs = Date.UTC(2026, 11, 1)
  const workload = createWorkload({ servers, startMs, intervalMs, seed: Number(args.seed), values: args.values })
  const dir = mkdtempSync(join(args.dir, 'vigil-store-size-'))
  // A run leaves gigabytes behind: remove them on exit, Ctrl-C included (the loop yields once
  // per interval so the signal handlers get to run).
  const removeDir = (): void => {
    if (!args.keep) rmSync(dir, { recursive: true, force: true })
  }
  process.on('exit', removeDir)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      removeDir()
      process.exit(130)
    })
  }
  const store = factory(dir, workload.servers, { account: args.account })

  const rows = new Map<MetricName, number>(METRICS.map((m) => [m, 0]))
  const values = new Map<MetricName, number>(METRICS.map((m) => [m, 0]))
  let writeMs = 0
  // CPU time of the writes too: on a shared machine the wall time counts the time others ran.
  let writeCpuUs = 0
  let flushes = 0
  let pending: SampleBatch[] = []
  let flushAt = 0
  const flush = (): void => {
    const started = performance.now()
    const cpuStarted = process.cpuUsage()
    store.write(pending)
    store.flush()
    writeMs += performance.now() - started
    const cpu = process.cpuUsage(cpuStarted)
    writeCpuUs += cpu.user + cpu.system
    flushes++
    pending = []
  }

  console.log(`store-size: ${store.name}, ${args.values} workload, seed ${args.seed}, writer flush every ${flushMs} ms, data in ${dir}`)
  const ingestIo = readIo()
  const wallStarted = performance.now()
  for (let i = 0; i < intervals; i++) {
    for (const batch of workload.nextInterval()) {
      // MetricsWriter's timer: it flushes flushIntervalMs after the first sample of an empty buffer.
      if (pending.length > 0 && batch.ts >= flushAt) flush()
      if (pending.length === 0) flushAt = batch.ts + flushMs
      pending.push(batch)
      rows.set(batch.metric, (rows.get(batch.metric) ?? 0) + batch.rows.length)
      values.set(batch.metric, (values.get(batch.metric) ?? 0) + countValues(batch))
    }
    if ((i + 1) % Math.ceil(intervals / 10) === 0) {
      process.stderr.write(`  ${Math.round(((i + 1) / intervals) * 100)}% (${fixed((performance.now() - wallStarted) / 1000)} s, ${fixed(writeMs / 1000)} s writing)\n`)
    }
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  if (pending.length > 0) flush()
  const checkpointStarted = performance.now()
  store.checkpoint()
  const checkpointMs = performance.now() - checkpointStarted
  const ingestWritten = ioSince(ingestIo)

  const maintainIo = readIo()
  const maintainStarted = performance.now()
  const endMs = startMs + intervals * intervalMs
  // A minute past the end, so the last minute (and hour) is past the roll-up's lateness allowance.
  store.maintain(endMs + 60_000)
  store.checkpoint()
  const maintainMs = performance.now() - maintainStarted
  const maintainWritten = ioSince(maintainIo)
  const bytes = store.bytesOnDisk()
  const report = store.report?.() ?? []
  store.close()
  removeDir()

  const sum = (map: Map<MetricName, number>): number => [...map.values()].reduce((a, b) => a + b, 0)
  const totalRows = sum(rows)
  const totalValues = sum(values)
  const partBytes = (test: (part: StorePart) => boolean): number => bytes.parts.filter(test).reduce((a, part) => a + part.bytes, 0)
  const samples = partBytes((p) => p.kind === 'samples')
  const samplesIndex = partBytes((p) => p.kind === 'samples-index')
  const rollups = partBytes((p) => p.kind === 'rollups')
  const other = partBytes((p) => p.kind === 'other' || p.kind === 'free')
  const seconds = writeMs / 1000
  const hours = (intervals * intervalMs) / 3_600_000

  console.log(`  ${servers} servers × ${int(intervals)} intervals at ${intervalMs / 1000} s = ${fixed(hours)} h simulated, from ${new Date(startMs).toISOString()}`)
  console.log(`  ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, wall ${fixed((performance.now() - wallStarted) / 1000)} s`)
  console.log(`  rows ${int(totalRows)}, numeric values ${int(totalValues)} (${fixed(totalValues / totalRows, 2)} per row)`)
  console.log(`  ingest: ${fixed(seconds, 2)} s in ${int(flushes)} writes (${int(totalRows / flushes)} rows each) → ${int(totalValues / seconds)} values/s, ${int(totalRows / seconds)} rows/s; final checkpoint ${fixed(checkpointMs / 1000, 2)} s`)
  console.log(`  ingest CPU: ${fixed(writeCpuUs / 1e6, 2)} s (user + system, all threads) → ${int(totalValues / (writeCpuUs / 1e6))} values per CPU-second`)
  console.log(`  on disk: ${mib(bytes.total)} = raw samples ${mib(samples)} + their indexes ${mib(samplesIndex)} + roll-ups ${mib(rollups)} + other/free ${mib(other)}`)
  console.log(`  bytes/value: ${fixed(bytes.total / totalValues, 2)} (whole file), ${fixed((samples + samplesIndex) / totalValues, 2)} (raw samples with indexes), ${fixed(samples / totalValues, 2)} (raw tables only)`)
  console.log('  per metric (raw table + indexes):')
  for (const metric of METRICS) {
    const metricBytes = partBytes((p) => p.metric === metric && (p.kind === 'samples' || p.kind === 'samples-index'))
    const metricRows = rows.get(metric) ?? 0
    const metricValues = values.get(metric) ?? 0
    console.log(
      `    ${metric.padEnd(8)} ${int(metricRows).padStart(13)} rows ${int(metricValues).padStart(14)} values ${mib(metricBytes).padStart(13)}  ${fixed(metricBytes / metricRows).padStart(6)} B/row ${fixed(metricBytes / metricValues, 2).padStart(6)} B/value`
    )
  }
  console.log('  per table/index:')
  const sorted = [...bytes.parts].sort((a, b) => b.bytes - a.bytes)
  const shown = sorted.filter((part) => part.kind !== 'other')
  for (const part of shown) {
    console.log(`    ${part.name.padEnd(26)} ${part.kind.padEnd(13)} ${mib(part.bytes).padStart(13)} ${fixed((part.bytes / bytes.total) * 100).padStart(5)} %`)
  }
  const rest = sorted.filter((part) => part.kind === 'other')
  console.log(`    ${`${rest.length} other tables/indexes`.padEnd(26)} ${'other'.padEnd(13)} ${mib(rest.reduce((a, part) => a + part.bytes, 0)).padStart(13)}`)
  console.log(
    `  disk writes during ingest: ${mib(ingestWritten.writeBytes)} write_bytes (${fixed(ingestWritten.writeBytes / bytes.total, 2)}× the file, ${fixed(ingestWritten.writeBytes / totalValues, 1)} B/value), ${mib(ingestWritten.wchar)} wchar`
  )
  for (const line of report) console.log(line)
  console.log(`  maintenance (roll-ups, retention) + checkpoint: ${fixed(maintainMs / 1000, 2)} s, ${mib(maintainWritten.writeBytes)} write_bytes, ${mib(maintainWritten.wchar)} wchar`)
  console.log(
    `| ${args.values} | ${servers} × ${fixed(hours, hours < 10 ? 1 : 0)} h | ${int(totalRows)} | ${int(totalValues)} | ${int(totalRows / flushes)} | ${int(totalValues / seconds)} (${int(totalRows / seconds)}) | ` +
      `${mib(bytes.total)} | ${mib(samples)} / ${mib(samplesIndex)} / ${mib(rollups)} | **${fixed(bytes.total / totalValues, 2)}** | ${fixed((samples + samplesIndex) / totalValues, 2)} | ` +
      `${mib(ingestWritten.writeBytes)} | ${fixed(ingestWritten.writeBytes / bytes.total, 2)}× |`
  )
}

void main()
