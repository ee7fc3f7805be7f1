// Memory of the metrics path over simulated time: the realistic workload of bench/workload.ts
// through Vigil's own MetricsWriter → MetricsStore → series store (head log and chunks on
// disk), maintenance ticked each simulated minute as its timer does. Every `--every` minutes
// it forces a GC and prints the heap, RSS and the store's group counts, so what grows with
// time (heads, the catalogue of groups that processes leave behind) shows apart from what
// grows with the fleet. `--snapshot FILE` writes a heap snapshot at the end and prints the
// largest retainers by constructor (self size). `--stalls MS` prints every writer flush and
// maintenance tick that held the thread longer than MS (a rotation's write is one of them).
//   node --expose-gc --import tsx bench/series-memory.ts [--servers 1000] [--minutes 60] [--every 10]
//     [--head-rows N] [--max-head-age MIN] [--stalls MS]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8'
import { EventBus } from '../src/main/base/bus'
import { openDb } from '../src/main/base/db/db'
import { SeriesStore } from '../src/main/base/series/series-store'
import { DEFAULT_RETENTION, MetricsMaintenance } from '../src/main/metrics/metrics-maintenance'
import { MetricsStore } from '../src/main/metrics/metrics-store'
import { DEFAULT_WRITER_OPTIONS, MetricsWriter } from '../src/main/metrics/metrics-writer'
import type { SampleBatch } from '../src/main/metrics/samples'
import { summarizeHeapSnapshot } from './heap-snapshot'
import { countValues, createWorkload } from './workload'

const MIB = 1024 * 1024
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      servers: { type: 'string', default: '1000' },
      minutes: { type: 'string', default: '60' },
      every: { type: 'string', default: '10' },
      interval: { type: 'string', default: '5' },
      seed: { type: 'string', default: '1' },
      snapshot: { type: 'string' },
      stalls: { type: 'string' },
      // The store's head knobs, to measure a policy before changing its defaults.
      'head-rows': { type: 'string' },
      'max-head-age': { type: 'string' }
    }
  })
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with node --expose-gc')
  const intervalMs = Number(args.interval) * 1000
  const intervals = Math.round((Number(args.minutes) * 60_000) / intervalMs)
  const reportEvery = Math.round((Number(args.every) * 60_000) / intervalMs)
  const startMs = Date.UTC(2026, 11, 1)
  const workload = createWorkload({ servers: Number(args.servers), startMs, intervalMs, seed: Number(args.seed) })
  const dir = mkdtempSync(join(tmpdir(), 'vigil-series-memory-'))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

  const db = openDb(join(dir, 'vigil.db'))
  let now = startMs
  const knob = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value))
  const store = new SeriesStore(db, {
    logDir: join(dir, 'series-head'),
    now: () => now,
    headRows: knob(args['head-rows']),
    maxHeadAgeMs: args['max-head-age'] === undefined ? undefined : Number(args['max-head-age']) * 60_000
  })
  const metrics = new MetricsStore(store)
  const writer = new MetricsWriter(metrics, { markSeen: () => {} }, new EventBus(), DEFAULT_WRITER_OPTIONS, (error) => {
    throw error
  })
  const maintenance = new MetricsMaintenance(metrics, DEFAULT_RETENTION, () => now)

  gc()
  const baseHeap = process.memoryUsage().heapUsed
  console.log(`series-memory: ${args.servers} servers at ${args.interval} s, ${args.minutes} simulated minutes; heap before ${mib(baseHeap)}`)
  console.log('| minute | values so far | groups | with a head | parked | heads\' buffers | log contexts | heap used (total) | array buffers | RSS | ingest CPU s |')
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  let values = 0
  let pending: SampleBatch[] = []
  let flushAt = 0
  let nextTick = startMs + 60_000
  let cpuUs = 0
  const stallMs = args.stalls === undefined ? Infinity : Number(args.stalls)
  const timed = (what: string, work: () => void): void => {
    const started = performance.now()
    work()
    const took = performance.now() - started
    if (took > stallMs) console.log(`  ${what} at minute ${((now - startMs) / 60_000).toFixed(1)}: ${took.toFixed(0)} ms`)
  }
  const flush = (): void => {
    const started = process.cpuUsage()
    for (const batch of pending) writer.add(batch)
    timed('flush', () => writer.flush())
    const used = process.cpuUsage(started)
    cpuUs += used.user + used.system
    pending = []
  }
  for (let i = 0; i < intervals; i++) {
    for (const batch of workload.nextInterval()) {
      if (pending.length > 0 && batch.ts >= flushAt) flush()
      if (pending.length === 0) flushAt = batch.ts + DEFAULT_WRITER_OPTIONS.flushIntervalMs
      now = Math.max(now, batch.ts)
      if (now >= nextTick) {
        timed('maintenance tick', () => maintenance.tick())
        nextTick += 60_000
      }
      pending.push(batch)
      values += countValues(batch)
    }
    if ((i + 1) % reportEvery === 0 || i === intervals - 1) {
      flush()
      gc()
      const { heapUsed, heapTotal, arrayBuffers, rss } = process.memoryUsage()
      const counts = store.stats()
      console.log(
        `| ${Math.round(((i + 1) * intervalMs) / 60_000)} | ${values.toLocaleString('en')} | ${counts.groups.toLocaleString('en')} | ${counts.withHeads.toLocaleString('en')} | ${counts.parked.toLocaleString('en')} | ${mib(counts.headBytes)} | ${mib(counts.logContextBytes)} | ${mib(heapUsed)} (${mib(heapTotal)}) | ${mib(arrayBuffers)} | ${mib(rss)} | ${(cpuUs / 1e6).toFixed(1)} |`
      )
    }
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  console.log('heap spaces (used / committed):')
  for (const space of getHeapSpaceStatistics()) console.log(`  ${space.space_name.padEnd(26)} ${mib(space.space_used_size).padStart(11)} / ${mib(space.physical_space_size)}`)
  if (args.snapshot) console.log(summarizeHeapSnapshot(writeHeapSnapshot(args.snapshot), 25))
  store.close()
  db.close()
}

void main()
