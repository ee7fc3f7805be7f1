// Table snapshots: what one snapshot + diff costs at 10k and 100k rows, through the PostgreSQL
// source (the same pipeline an Oracle table goes through).
//   node --expose-gc --import tsx bench/oracle-snapshots.ts [rows=10000,100000] [--runs 3]
//
// A throwaway PostgreSQL (test/helpers/postgres.ts, 127.0.0.1) holds a table of `rows` rows,
// 7 columns (integer key, two texts, an integer, a numeric, a timestamptz, a boolean: about 100
// bytes of JSON a row). Vigil's core runs in this process (createApp, collect off) with the
// table registered through its services as a 'postgresql' database, max_rows 100000.
//
//   1. phases: the building blocks one by one, as the monitor chains them: the query through
//      PostgresSource (describe excluded), normalizing the values, decoding the previous
//      snapshot from its stored JSON, the keyed diff, encoding for the store.
//   2. runs: SnapshotMonitor.runNow end to end (task, describe, query, diff, SQLite write,
//      pruning, the bus event): the baseline, an unchanged table, then 1% of the rows updated,
//      1% inserted and 1% deleted, and an unchanged table with skip_unchanged (fingerprint).
//      Each run's wall time is the median of `--runs`; memory is the peak heap growth over the
//      run (sampled every 5 ms, after a GC) and the process's peak RSS, and the stored JSON.
import { performance } from 'node:perf_hooks'
import { cpus, totalmem } from 'node:os'
import { createApp, type VigilApp } from '../src/main/app'
import { resolveConfig } from '../src/main/config'
import { diffSnapshots } from '../src/main/table-monitoring/monitor/diff'
import { PostgresSource } from '../src/main/table-monitoring/sources/postgres-source'
import { decodeRows, encodeRows, normalizeRows } from '../src/main/table-monitoring/monitor/rows'
import { buildSnapshotQuery } from '../src/main/table-monitoring/sql/snapshot-query'
import { startPostgres, type Postgres } from '../test/helpers/postgres'
import { makeTempDir } from '../test/helpers/temp-dir'

const args = process.argv.slice(2)
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(name)
  return at >= 0 ? Number(args[at + 1]) : fallback
}
const positional = args.filter((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'))
const sizes = (positional[0] ?? '10000,100000').split(',').map(Number)
const RUNS = flag('--runs', 3)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
if (!(globalThis as { gc?: unknown }).gc) console.warn('run with node --expose-gc for stable memory figures')

const MB = 1024 * 1024
const fmt = (ms: number) => `${ms.toFixed(0)} ms`
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

/** Peak heap growth and peak RSS (the whole process) while `work` runs, sampled every 5 ms after a GC. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; heap: number; rss: number }> {
  gc()
  const base = process.memoryUsage()
  let heap = 0
  let rss = 0
  const sample = () => {
    const now = process.memoryUsage()
    heap = Math.max(heap, now.heapUsed - base.heapUsed)
    rss = Math.max(rss, now.rss)
  }
  const timer = setInterval(sample, 5)
  const started = performance.now()
  const value = await work()
  const ms = performance.now() - started
  sample()
  clearInterval(timer)
  return { value, ms, heap, rss }
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} vCPU ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`)
  const pg: Postgres = await startPostgres()
  const temp = makeTempDir('vigil-bench-')
  let app: VigilApp | undefined
  try {
    await pg.query('CREATE DATABASE bench')
    app = await createApp(resolveConfig({ dataDir: temp.dir, port: 0, version: 'bench', collect: false, monitorLocalhost: false }))
    const server = app.servers.create({ hostname: 'bench-db', ip_address: '127.0.0.1', ssh_username: 'bench' })
    const database = await app.oracle.databases.create({
      server_id: server.id,
      name: 'Bench',
      engine: 'postgresql',
      host: '127.0.0.1',
      port: pg.port,
      database: 'bench',
      username: pg.superuser,
      password: pg.password
    })
    for (const rows of sizes) await benchSize(app, pg, database.id, rows)
  } finally {
    await app?.close()
    temp.remove()
    await pg.stop()
  }
}

async function benchSize(app: VigilApp, pg: Postgres, databaseId: number, rows: number): Promise<void> {
  const table = `items_${rows}`
  const run = (sql: string) => pg.query(sql, [], 'bench')
  await run(`CREATE TABLE ${table} (id integer PRIMARY KEY, name text NOT NULL, category text, qty integer, price numeric(12,2),
    updated timestamptz NOT NULL, active boolean NOT NULL)`)
  await run(`INSERT INTO ${table} SELECT i, 'item number ' || i, 'category ' || (i % 50), i % 1000, (i % 10000) / 100.0,
    '2024-08-07T10:30:00Z'::timestamptz + i * interval '1 second', i % 3 = 0 FROM generate_series(1, ${rows}) i`)
  await run(`ANALYZE ${table}`)
  console.log(`\n## ${rows.toLocaleString('en')} rows`)

  // 1. Phases, with the building blocks.
  const source = new PostgresSource({ host: '127.0.0.1', port: pg.port, database: 'bench', user: pg.superuser, password: pg.password, connectTimeoutSeconds: 5 })
  try {
    const detail = await source.describeTable('public', table)
    const query = buildSnapshotQuery(source.dialect, {
      owner: 'public',
      table,
      columns: detail.columns.map((c) => c.name),
      keyColumns: detail.primaryKey,
      maxRows: 100_000
    })
    const phases: Record<string, number[]> = { query: [], normalize: [], encode: [], decode: [], diff: [] }
    let json = ''
    for (let i = 0; i < RUNS; i++) {
      gc()
      let t = performance.now()
      const raw = await source.query(query.sql, query.binds, { timeoutMs: 60_000 })
      phases.query?.push(performance.now() - t)
      t = performance.now()
      const current = normalizeRows(raw, query.columns)
      phases.normalize?.push(performance.now() - t)
      t = performance.now()
      json = encodeRows(current, query.columns)
      phases.encode?.push(performance.now() - t)
      t = performance.now()
      const previous = decodeRows(json, query.columns)
      phases.decode?.push(performance.now() - t)
      t = performance.now()
      diffSnapshots(previous, current, { keyColumns: query.keyColumns, columns: query.columns })
      phases.diff?.push(performance.now() - t)
    }
    console.log(`phases (median of ${RUNS}): ` + Object.entries(phases).map(([name, values]) => `${name} ${fmt(median(values))}`).join(', '))
    console.log(`stored JSON per snapshot: ${mb(Buffer.byteLength(json))} (${(Buffer.byteLength(json) / rows).toFixed(0)} B/row)`)
  } finally {
    await source.close()
  }

  // 2. Whole runs through the monitor.
  const added = await app.oracle.tables.add({ database_id: databaseId, schema_name: 'public', table_name: table, max_rows: 100_000, polling_interval: 3600 })
  const tableId = added.id
  const monitorRun = async (label: string, before?: () => Promise<unknown>) => {
    const results: Array<{ ms: number; heap: number; rss: number }> = []
    let last: Awaited<ReturnType<typeof app.oracle.monitor.runNow>> | undefined
    for (let i = 0; i < (label === 'baseline' ? 1 : RUNS); i++) {
      await before?.()
      const { value, ms, heap, rss } = await measured(() => app.oracle.monitor.runNow(tableId))
      if (value.status !== 'completed') throw new Error(`${label}: ${value.error}`)
      results.push({ ms, heap, rss })
      last = value
    }
    const snapshot = last?.snapshotId ? app.oracle.data.list({ table_id: tableId, per_page: 1 }).results[0] : undefined
    console.log(
      `${label.padEnd(28)} ${fmt(median(results.map((r) => r.ms))).padStart(8)}  heap +${mb(median(results.map((r) => r.heap)))}  peak rss ${mb(Math.max(...results.map((r) => r.rss)))}` +
        `  records ${last?.recordsCollected}  changes ${snapshot ? `${snapshot.changes.added}/${snapshot.changes.removed}/${snapshot.changes.changed}` : '-'}`
    )
  }
  await monitorRun('baseline')
  await monitorRun('unchanged')
  let round = 0
  const onePercent = Math.max(1, Math.floor(rows / 100))
  await monitorRun('1% updated+inserted+deleted', async () => {
    round++
    const base = rows + round * onePercent
    await run(`UPDATE ${table} SET qty = qty + 1 WHERE id % 100 = ${round % 100}`)
    await run(`INSERT INTO ${table} SELECT i, 'new ' || i, NULL, 0, 0, now(), true FROM generate_series(${base + 1}, ${base + onePercent}) i`)
    await run(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} ORDER BY id LIMIT ${onePercent})`)
  })
  await app.oracle.tables.updateConfig(tableId, { skip_unchanged: true })
  await app.oracle.monitor.runNow(tableId)
  await monitorRun('unchanged, skip_unchanged', undefined)
  const size = app.db.prepare('SELECT SUM(LENGTH(rows_json)) AS bytes, COUNT(*) AS n FROM oracle_snapshot_data WHERE table_id = ?').get(tableId) as { bytes: number; n: number }
  const count = app.db.prepare('SELECT COUNT(*) AS n FROM oracle_snapshots WHERE table_id = ?').get(tableId) as { n: number }
  console.log(`store: ${count.n} snapshots sharing ${size.n} row sets, ${mb(size.bytes)} of JSON`)
  app.oracle.tables.remove(tableId)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
