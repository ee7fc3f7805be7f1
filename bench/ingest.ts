// Ingest through the real path, on realistic data (bench/workload.ts: per server and interval
// one vmstat row, its disks, interfaces and 20 processes): Vigil's MetricsWriter → MetricsStore
// → the series store (heads, write-ahead log on disk, chunks into SQLite at cuts), and, on the
// same batches, release 9's writer (one transaction of multi-row INSERTs per flush). The
// batches are generated before the clock starts; each side flushes as the writer does (every
// 100 ms of collected samples, here every interval). Prints rows/s and values/s.
//   npx tsx bench/ingest.ts [servers] [intervals]
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventBus } from '../src/main/base/bus'
import { openDb, type Db } from '../src/main/base/db/db'
import { SeriesStore } from '../src/main/base/series/series-store'
import { MetricsStore } from '../src/main/metrics/metrics-store'
import { MetricsWriter } from '../src/main/metrics/metrics-writer'
import type { SampleBatch } from '../src/main/metrics/samples'
import { createMetricsRepo } from '../test/legacy/metrics-repo-v9'
import { MetricsWriter as MetricsWriterV9 } from '../test/legacy/metrics-writer-v9'
import { countValues, createWorkload } from './workload'

const servers = Number(process.argv[2] ?? 1000)
const intervals = Number(process.argv[3] ?? 20)

interface Writer {
  add(batch: SampleBatch): void
  flush(): void
}

function withDataDir(run: (db: Db, dir: string) => Timing): Timing {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
  const db = openDb(join(dir, 'vigil.db'))
  try {
    return run(db, dir)
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function addServers(db: Db, ids: readonly string[]): void {
  const insert = db.prepare("INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES (?, ?, '192.0.2.1', 'u', 0, 0)")
  db.transaction(() => ids.forEach((id, i) => insert.run(id, `host-${i}`)))()
}

/**
 * Seconds to write every interval's batches but the first, flushing after each. The first is
 * written before the clock starts: it creates every series (and its catalogue rows), which
 * happens once in a server's life, not at every sample.
 */
function timeWriter(writer: Writer, batches: readonly SampleBatch[][], close: () => void): Timing {
  for (const batch of batches[0] ?? []) writer.add(batch)
  writer.flush()
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  for (const interval of batches.slice(1)) {
    for (const batch of interval) writer.add(batch)
    writer.flush()
  }
  close()
  const cpu = process.cpuUsage(cpuStarted)
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 }
}

/** Wall time, and the process's CPU time (all threads) over the same writes: on a shared machine the wall counts what others ran. */
interface Timing {
  seconds: number
  cpuSeconds: number
}

const workload = createWorkload({ servers, startMs: Date.UTC(2026, 11, 1), seed: 3 })
const batches = Array.from({ length: intervals }, () => workload.nextInterval())
const timed = batches.slice(1).flat()
const rows = timed.reduce((sum, batch) => sum + batch.rows.length, 0)
const values = timed.reduce((sum, batch) => sum + countValues(batch), 0)
const noError = (error: unknown): never => {
  throw error
}

const seriesTiming = withDataDir((db, dir) => {
  addServers(db, workload.serverIds)
  const series = new SeriesStore(db, { logDir: join(dir, 'series-head') })
  const writer = new MetricsWriter(new MetricsStore(series), { markSeen: () => {} }, new EventBus(), { flushIntervalMs: 100, maxBufferedRows: 1e9 }, noError)
  return timeWriter(writer, batches, () => series.close())
})
const tablesTiming = withDataDir((db) => {
  addServers(db, workload.serverIds)
  const writer = new MetricsWriterV9(createMetricsRepo(db), new EventBus(), { flushIntervalMs: 100, maxBufferedRows: 1e9 }, noError)
  return timeWriter(writer, batches, () => {})
})

const rate = (count: number, seconds: number): string => Math.round(count / seconds).toLocaleString('en')
const line = ({ seconds, cpuSeconds }: Timing): string =>
  `${seconds.toFixed(2)} s, ${rate(rows, seconds)} rows/s, ${rate(values, seconds)} values/s; CPU ${cpuSeconds.toFixed(2)} s, ${rate(values, cpuSeconds)} values per CPU-second`
console.log(`ingest: ${rows.toLocaleString('en')} rows, ${values.toLocaleString('en')} values (${servers} servers × ${intervals - 1} intervals after the first, realistic)`)
console.log(`  series store:      ${line(seriesTiming)}`)
console.log(`  release 9 tables:  ${line(tablesTiming)}`)
console.log(`  on ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`)
