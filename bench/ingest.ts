// Ingest through the real path, on realistic data (bench/workload.ts: per server and interval
// one vmstat row, its disks, interfaces and 20 processes): Vigil's MetricsWriter → MetricsStore
// → the series store (heads, write-ahead log on disk, chunks into SQLite at cuts), and, on the
// same batches, release 9's writer (one transaction of
// multi-row INSERTs per flush). Each side flushes as the writer does (every 100 ms of collected
// samples, here every interval). The first interval (which creates every series) is written
// before the clock starts.
//
// Each interval's batches are generated just before they are written (the same seed gives both
// sides the same batches): holding all of them (1.1 M row objects, ~250 MiB at 1,000 × 41) made
// every full GC in the timed window mark them. The generation is inside the timed window and
// counted apart: the store's figures are the window less the generation's wall and CPU time
// (while a generation runs the store does nothing: all of its work is on this thread). The window
// ends after close(), once every chunk is encoded and committed. Prints rows/s and values/s, per
// wall second and per CPU-second (process.cpuUsage, all threads).
//   npx tsx bench/ingest.ts [servers] [intervals] [--series-only]
//   (--series-only: not release 9's tables)
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

const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))
const seriesOnly = process.argv.includes('--series-only')
const servers = Number(args[0] ?? 1000)
const intervals = Number(args[1] ?? 20)

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

/** Wall and CPU time (process.cpuUsage: all threads) of the window, and of the generation within it. */
interface Timing {
  seconds: number
  cpuSeconds: number
  generationSeconds: number
  generationCpuSeconds: number
}

const cpuNow = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

let counted: { rows: number; values: number } | null = null

/**
 * Writes every interval's batches, flushing after each, the first before the clock starts: it
 * creates every series (and its catalogue rows), which happens once in a server's life, not at
 * every sample.
 */
function timeWriter(writer: Writer, close: () => void): Timing {
  const workload = createWorkload({ servers, startMs: START_MS, seed: 3 })
  for (const batch of workload.nextInterval()) writer.add(batch)
  writer.flush()
  let generationSeconds = 0
  let generationCpuSeconds = 0
  let rows = 0
  let values = 0
  const started = performance.now()
  const cpuStarted = cpuNow()
  for (let i = 1; i < intervals; i++) {
    const generating = performance.now()
    const generatingCpu = cpuNow()
    const interval = workload.nextInterval()
    for (const batch of interval) {
      rows += batch.rows.length
      values += countValues(batch)
    }
    generationCpuSeconds += cpuNow() - generatingCpu
    generationSeconds += (performance.now() - generating) / 1000
    for (const batch of interval) writer.add(batch)
    writer.flush()
  }
  close()
  const cpuSeconds = cpuNow() - cpuStarted
  const seconds = (performance.now() - started) / 1000
  counted ??= { rows, values }
  return { seconds, cpuSeconds, generationSeconds, generationCpuSeconds }
}

const START_MS = Date.UTC(2026, 11, 1)
const serverIds = createWorkload({ servers, startMs: START_MS, seed: 3 }).serverIds
const noError = (error: unknown): never => {
  throw error
}

const seriesTiming = withDataDir((db, dir) => {
  addServers(db, serverIds)
  const series = new SeriesStore(db, { logDir: join(dir, 'series-head') })
  const writer = new MetricsWriter(new MetricsStore(series), { markSeen: () => {} }, new EventBus(), { flushIntervalMs: 100, maxBufferedRows: 1e9 }, noError)
  return timeWriter(writer, () => series.close())
})
const tablesTiming = seriesOnly ? null : withDataDir((db) => {
  addServers(db, serverIds)
  const writer = new MetricsWriterV9(createMetricsRepo(db), new EventBus(), { flushIntervalMs: 100, maxBufferedRows: 1e9 }, noError)
  return timeWriter(writer, () => {})
})
const { rows, values } = counted as unknown as { rows: number; values: number }

const rate = (count: number, seconds: number): string => Math.round(count / seconds).toLocaleString('en')
const line = (timing: Timing): string => {
  const seconds = timing.seconds - timing.generationSeconds
  const cpuSeconds = timing.cpuSeconds - timing.generationCpuSeconds
  return (
    `${seconds.toFixed(2)} s, ${rate(rows, seconds)} rows/s, ${rate(values, seconds)} values/s; CPU ${cpuSeconds.toFixed(2)} s, ${rate(values, cpuSeconds)} values per CPU-second\n` +
    `                     with the generation: ${timing.seconds.toFixed(2)} s, ${rate(values, timing.seconds)} values/s; CPU ${timing.cpuSeconds.toFixed(2)} s, ${rate(values, timing.cpuSeconds)} values per CPU-second`
  )
}
console.log(`ingest: ${rows.toLocaleString('en')} rows, ${values.toLocaleString('en')} values (${servers} servers × ${intervals - 1} intervals after the first, realistic)`)
console.log(`  series store:      ${line(seriesTiming)}`)
if (tablesTiming) console.log(`  release 9 tables:  ${line(tablesTiming)}`)
console.log(`  on ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`)
