// Series store reads: what the metrics API's queries will cost once the metrics live in the
// store. A store on a temp dir gets, through the real write path, 24 h of one server (bench/
// workload.ts at 5 s) and 1 h of 25 more (20 processes each, so ~500 process groups at any
// moment); then, with the newest hour partly in the heads as in production:
//   - read(vmstat group, last 24 h): 17,280 rows × 13 columns (the API's 24 h query);
//   - read(each of 500 process groups, last 1 h) (the process aggregation's input);
// both as SeriesStore.read() returns them, timed over --runs runs, and once more after the store
// is closed and reopened (every chunk then in SQLite, its pages in the OS cache).
//   npx tsx bench/series-read.ts [--runs 30]
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDb, type Db } from '../src/main/base/db/db'
import { SeriesStore } from '../src/main/base/series/series-store'
import { sampleGroupKey, sampleRow } from '../src/main/metrics/series-mapping'
import { createWorkload } from './workload'

const HOUR_MS = 3_600_000

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

function time(runs: number, run: () => number): { p50: number; p99: number; max: number; rows: number } {
  const times: number[] = []
  let rows = 0
  run() // warm-up
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    rows = run()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) as number, rows }
}

function main(): void {
  const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '30' } } })
  const runs = Number(args.runs)
  const dir = mkdtempSync(join(tmpdir(), 'vigil-series-read-'))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  const startMs = Date.UTC(2026, 11, 1)
  let now = startMs
  const open = (): { db: Db; store: SeriesStore } => {
    const db = openDb(join(dir, 'vigil.db'))
    return { db, store: new SeriesStore(db, { logDir: join(dir, 'series-head'), now: () => now }) }
  }
  let { db, store } = open()
  const write = (servers: number, seed: number, from: number, hours: number, skip: readonly string[] = []): string[] => {
    const workload = createWorkload({ servers, startMs: from, intervalMs: 5000, seed })
    for (let i = 0; i < (hours * HOUR_MS) / 5000; i++) {
      for (const batch of workload.nextInterval()) {
        if (skip.includes(batch.serverId)) continue
        now = Math.max(now, batch.ts)
        for (const row of batch.rows) store.append(store.groupId(sampleGroupKey(batch.metric, batch.serverId, row)), batch.ts, sampleRow(batch.metric, row))
      }
      store.flush()
    }
    return [...workload.serverIds]
  }
  const started = performance.now()
  const [dayServer] = write(1, 1, startMs, 24)
  // Other servers (another seed, so other ids) over the day's last hour.
  const endMs = startMs + 24 * HOUR_MS
  // Server ids go by index: the first is the day's server, which gets no second hour.
  const hourServers = write(26, 2, endMs - HOUR_MS, 1, [dayServer as string]).filter((id) => id !== dayServer)
  console.log(`series-read: written in ${((performance.now() - started) / 1000).toFixed(1)} s; ${cpus().length}× ${cpus()[0]?.model}, node ${process.version}`)

  const measure = (label: string): void => {
    const vmstat = store.select([{ name: '__name__', op: '=', value: 'vmstat' }, { name: 'server_id', op: '=', value: dayServer as string }])[0]
    if (!vmstat) throw new Error('no vmstat group')
    const day = time(runs, () => store.read(vmstat.id, endMs - 24 * HOUR_MS, endMs).ts.length)
    const processes = store
      .select([{ name: '__name__', op: '=', value: 'process' }, { name: 'server_id', op: '=~', value: hourServers.join('|') }])
      .filter((group) => (store.lastTs(group.id) ?? 0) >= endMs - HOUR_MS)
      .slice(0, 500)
    const hour = time(runs, () => processes.reduce((rows, group) => rows + store.read(group.id, endMs - HOUR_MS, endMs).ts.length, 0))
    const ms = (n: number): string => `${n.toFixed(1)} ms`
    console.log(`  ${label}: vmstat 24 h of one server (${day.rows} rows × 13): p50 ${ms(day.p50)}, p99 ${ms(day.p99)}, max ${ms(day.max)}`)
    console.log(`  ${label}: 1 h of ${processes.length} process groups (${hour.rows} rows × 2): p50 ${ms(hour.p50)}, p99 ${ms(hour.p99)}, max ${ms(hour.max)}`)
  }
  measure('live (newest rows in heads)')
  store.close()
  db.close()
  ;({ db, store } = open())
  measure('reopened (all in SQLite)')
  store.close()
  db.close()
}

main()
