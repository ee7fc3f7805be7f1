// The monitoring probes against a real throwaway cluster and this host's /proc, read as a
// pg_monitor role (no superuser), after making some activity of our own.
import { cpus, totalmem } from 'node:os'
import { Client, type ClientConfig } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MonitoringProbes, PROBE_NAMES } from '../../src/main/postgres/monitoring'
import { localSystemSource } from '../../src/main/postgres/host/local'
import { AppError } from '../../src/shared/errors'
import { flushStats, startPostgres, statsCollectorCaughtUp, type Postgres, type RoleCredentials } from '../helpers/postgres'

const PRIME_WINDOW_MS = 150
const SQL_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}[+-]\d\d(:\d\d)?$/
const HOST_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/
const LSN = /^[0-9A-F]+\/[0-9A-F]+$/

// The fields of each probe's rows, as the agent API documents them.
const DOCUMENTED_FIELDS: Record<string, string[]> = {
  sessions: ['idle_in_xact', 'idle_in_xact_aborted', 'no_priv', 'idle', 'datetime', 'disabled', 'waiting', 'port', 'active', 'dbname', 'fastpath'],
  xacts: ['port', 'n_commit', 'n_rollback', 'dbname', 'datetime'],
  locks: [
    'exclusive', 'waiting_share_row_exclusive', 'waiting_share', 'row_share', 'waiting_row_exclusive', 'share_row_exclusive', 'port', 'share',
    'waiting_access_share', 'dbname', 'row_exclusive', 'share_update_exclusive', 'access_share', 'access_exclusive', 'waiting_exclusive', 'siread',
    'datetime', 'waiting_share_update_exclusive', 'waiting_row_share', 'waiting_access_exclusive'
  ],
  blocks: ['blks_read', 'dbname', 'hitmiss_ratio', 'blks_hit', 'datetime', 'port'],
  bgwriter: [
    'checkpoint_write_time', 'checkpoints_timed', 'buffers_alloc', 'buffers_clean', 'buffers_backend_fsync', 'checkpoint_sync_time', 'checkpoints_req',
    'port', 'buffers_backend', 'maxwritten_clean', 'datetime', 'buffers_checkpoint', 'stats_reset'
  ],
  db_size: ['port', 'size', 'dbname', 'datetime'],
  tblspc_size: ['size', 'port', 'spcname', 'datetime'],
  filesystems_size: ['device', 'total', 'mount_point', 'used', 'datetime'],
  cpu: ['time_system', 'time_steal', 'time_iowait', 'datetime', 'measure_interval', 'time_idle', 'cpu', 'time_user'],
  process: ['measure_interval', 'procs_total', 'forks', 'procs_blocked', 'context_switches', 'procs_running', 'datetime'],
  memory: ['mem_used', 'swap_used', 'swap_total', 'mem_total', 'mem_cached', 'mem_free', 'mem_buffers', 'datetime'],
  loadavg: ['load1', 'load15', 'load5', 'datetime'],
  wal_files: ['archive_ready', 'total_size', 'written_size', 'datetime', 'measure_interval', 'current_location', 'total', 'port'],
  // The probes the agent's UI polls besides the documented ones, as temboard-agent names their fields.
  replication_lag: ['datetime', 'port', 'lag'],
  replication_connection: ['datetime', 'port', 'upstream', 'connected'],
  temp_files_size_delta: ['datetime', 'port', 'dbname', 'size', 'measure_interval'],
  heap_bloat: ['datetime', 'port', 'dbname', 'ratio'],
  btree_bloat: ['datetime', 'port', 'dbname', 'ratio']
}

/** The probes that answer only on a standby: the cluster of these tests is a primary. */
const STANDBY_ONLY = new Set(['replication_lag', 'replication_connection'])

let pg: Postgres
let monitorRole: RoleCredentials
let plainRole: RoleCredentials
let monitor: Client
let plain: Client
let probes: MonitoringProbes
const clients: Client[] = []

async function connect(config: ClientConfig): Promise<Client> {
  const client = new Client(config)
  clients.push(client)
  // A backend we terminate on purpose must not crash the run.
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/** Resolves once `check` holds: for states the server reaches on its own time (a lock wait). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function rowOf<T extends { dbname: string }>(rows: T[], dbname: string): T {
  const row = rows.find((candidate) => candidate.dbname === dbname)
  if (!row) throw new Error(`no row for ${dbname} in ${JSON.stringify(rows)}`)
  return row
}

function expectDocumentedFields(probe: string, rows: object[]): void {
  if (STANDBY_ONLY.has(probe)) {
    expect(rows, probe).toEqual([])
    return
  }
  expect(rows.length, probe).toBeGreaterThan(0)
  for (const row of rows) expect(Object.keys(row).sort()).toEqual([...(DOCUMENTED_FIELDS[probe] ?? [])].sort())
}

beforeAll(async () => {
  pg = await startPostgres()
  monitorRole = await pg.createRole('vigil_monitor', 'monitor-secret-1', ['pg_monitor'])
  plainRole = await pg.createRole('vigil_plain', 'plain-secret-1')
  await pg.createDatabase('shop')
  await pg.query('CREATE TABLE items (id int PRIMARY KEY, name text, qty int)', [], 'shop')
  await pg.query('GRANT SELECT, UPDATE ON items TO vigil_monitor', [], 'shop')
  monitor = await connect(monitorRole.connectionConfig('postgres'))
  plain = await connect(plainRole.connectionConfig('postgres'))
  probes = new MonitoringProbes(localSystemSource(), { primeWindowMs: PRIME_WINDOW_MS })
})
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)))
  await pg?.stop()
})

describe('SQL probes as a pg_monitor role', () => {
  it('sessions: a row per database, counting an idle transaction and our own query', async () => {
    const idleInXact = await connect(pg.connectionConfig('shop'))
    await idleInXact.query('BEGIN')
    await idleInXact.query('SELECT count(*) FROM items')
    const { sessions } = await probes.run('sessions', monitor)
    expectDocumentedFields('sessions', sessions)
    expect(sessions.map((row) => row.dbname)).toEqual(['postgres', 'shop', 'template1'])
    expect(rowOf(sessions, 'shop')).toMatchObject({ port: pg.port, idle_in_xact: 1, active: 0, no_priv: 0 })
    expect(rowOf(sessions, 'postgres').active).toBeGreaterThanOrEqual(1)
    expect(rowOf(sessions, 'postgres').datetime).toMatch(SQL_DATETIME)
    await idleInXact.query('ROLLBACK')
    await idleInXact.end()
  })

  it('xacts and blocks: cumulative counters that count our commits, rollbacks and reads', async () => {
    // 13 and 14: the earlier tests' sessions (one ended with a ROLLBACK) must have been counted already.
    await statsCollectorCaughtUp(pg.serverVersionNum)
    const before = rowOf((await probes.run('xacts', monitor)).xacts, 'shop')
    const worker = await connect(pg.connectionConfig('shop'))
    for (let i = 1; i <= 50; i++) await worker.query('INSERT INTO items VALUES ($1, $2, $3)', [i, `item ${i}`, i])
    for (let i = 0; i < 3; i++) {
      await worker.query('BEGIN')
      await worker.query('UPDATE items SET qty = qty + 1 WHERE id = 1')
      await worker.query('ROLLBACK')
    }
    await worker.query('SELECT sum(qty) FROM items')
    await flushStats(worker, pg.serverVersionNum)

    const after = rowOf((await probes.run('xacts', monitor)).xacts, 'shop')
    expect(after.n_commit - before.n_commit).toBeGreaterThanOrEqual(51)
    expect(after.n_rollback - before.n_rollback).toBe(3)
    expect(after).toMatchObject({ port: pg.port, dbname: 'shop' })

    const { blocks } = await probes.run('blocks', monitor)
    expectDocumentedFields('blocks', blocks)
    const shop = rowOf(blocks, 'shop')
    expect(shop.blks_hit).toBeGreaterThan(0)
    expect(shop.hitmiss_ratio).toBeCloseTo((shop.blks_hit * 100) / (shop.blks_hit + shop.blks_read), 6)
    expect(shop.hitmiss_ratio).toBeGreaterThan(0)
    expect(shop.hitmiss_ratio).toBeLessThanOrEqual(100)
  })

  it('locks: granted table locks, and a row-lock wait counted for the waiting database', async () => {
    const holder = await connect(pg.connectionConfig('shop'))
    const waiter = await connect(pg.connectionConfig('shop'))
    await holder.query('BEGIN')
    await holder.query('UPDATE items SET qty = 0 WHERE id = 2')
    await holder.query('LOCK TABLE items IN SHARE ROW EXCLUSIVE MODE')
    const waiterPid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid
    const waiting = waiter.query('SELECT id FROM items WHERE id = 2 FOR UPDATE')
    await until('the row lock wait', async () => {
      const { rows } = await monitor.query('SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted', [waiterPid])
      return rows.length > 0
    })

    const { locks } = await probes.run('locks', monitor)
    expectDocumentedFields('locks', locks)
    const shop = rowOf(locks, 'shop')
    expect(shop.share_row_exclusive).toBe(1)
    expect(shop.row_exclusive).toBeGreaterThanOrEqual(1)
    // FOR UPDATE takes RowShareLock on the table, then waits for the holder's transaction id.
    expect(shop.row_share).toBeGreaterThanOrEqual(1)
    expect(shop.waiting_share + shop.waiting_exclusive).toBeGreaterThanOrEqual(1)
    expect(rowOf(locks, 'template1')).toMatchObject({ access_share: 0, waiting_share: 0, access_exclusive: 0 })

    await holder.query('ROLLBACK')
    await waiting
  })

  it('bgwriter: the documented counters, which a checkpoint moves', async () => {
    const before = (await probes.run('bgwriter', monitor)).bgwriter
    expectDocumentedFields('bgwriter', before)
    await pg.query('INSERT INTO items SELECT g, NULL, g FROM generate_series(1000, 3000) g', [], 'shop')
    await pg.query('CHECKPOINT')
    const [first] = before
    if (!first) throw new Error('bgwriter returned no row')
    // The checkpointer releases CHECKPOINT's caller before it reports its counters.
    let after = first
    await until('the checkpointer reports the checkpoint', async () => {
      after = (await probes.run('bgwriter', monitor)).bgwriter[0] ?? first
      return after.checkpoints_req > first.checkpoints_req
    })
    expect(after.checkpoints_req).toBeGreaterThan(first.checkpoints_req)
    expect(after.buffers_checkpoint).toBeGreaterThan(first.buffers_checkpoint)
    expect(after.buffers_alloc).toBeGreaterThan(0)
    for (const field of ['checkpoint_write_time', 'checkpoint_sync_time', 'buffers_clean', 'maxwritten_clean', 'buffers_backend', 'buffers_backend_fsync'] as const) {
      expect(after[field]).toBeGreaterThanOrEqual(0)
    }
    expect(after.port).toBe(pg.port)
    expect(after.stats_reset === null || SQL_DATETIME.test(after.stats_reset)).toBe(true)
  })

  it('db_size and tblspc_size: sizes in bytes for every database and tablespace', async () => {
    const { db_size } = await probes.run('db_size', monitor)
    expectDocumentedFields('db_size', db_size)
    const [postgresSize] = (await pg.query<{ size: string }>("SELECT pg_database_size('shop') AS size")).rows
    expect(rowOf(db_size, 'shop').size).toBe(Number(postgresSize?.size))
    expect(rowOf(db_size, 'template1').size).toBeGreaterThan(1_000_000)

    const { tblspc_size } = await probes.run('tblspc_size', monitor)
    expectDocumentedFields('tblspc_size', tblspc_size)
    expect(tblspc_size.map((row) => row.spcname)).toEqual(['pg_default', 'pg_global'])
    for (const row of tblspc_size) expect(row.size).toBeGreaterThan(0)
  })

  it('wal_files: segments on disk, and the WAL written since the previous call', async () => {
    const [first] = (await probes.run('wal_files', monitor)).wal_files
    if (!first) throw new Error('wal_files returned no row')
    expectDocumentedFields('wal_files', [first])
    expect(first.total).toBeGreaterThanOrEqual(1)
    expect(first.total_size).toBeGreaterThanOrEqual(first.total * 1024 * 1024)
    expect(first.archive_ready).toBe(0)
    expect(first.current_location).toMatch(LSN)
    expect(first.datetime).toMatch(HOST_DATETIME)
    // The first call measures over the priming window.
    expect(first.measure_interval).toBeGreaterThanOrEqual(PRIME_WINDOW_MS / 1000 - 0.01)

    const start = (await pg.query<{ lsn: string }>('SELECT pg_current_wal_lsn() AS lsn')).rows[0]?.lsn
    await pg.query("INSERT INTO items SELECT g, repeat('x', 200), g FROM generate_series(10000, 12000) g", [], 'shop')
    const end = (await pg.query<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes', [start])).rows[0]?.bytes
    const [second] = (await probes.run('wal_files', monitor)).wal_files
    expect(second?.written_size).toBeGreaterThanOrEqual(Number(end))
    expect(second?.measure_interval).toBeGreaterThan(0)
  })
})

describe('the probes the agent UI polls', () => {
  it('temp_files_size_delta: temporary file bytes per database since the previous call', async () => {
    const shop = await connect(pg.connectionConfig('shop'))
    const first = (await probes.run('temp_files_size_delta', monitor)).temp_files_size_delta
    expect(first.map((row) => row.dbname)).toEqual(expect.arrayContaining(['postgres', 'shop']))
    expect(rowOf(first, 'shop')).toMatchObject({ datetime: expect.stringMatching(SQL_DATETIME), port: pg.port, size: 0, measure_interval: expect.any(Number) })
    // A sort that spills to disk.
    await shop.query("SET work_mem = '64kB'")
    await shop.query('SELECT count(*) FROM (SELECT g FROM generate_series(1, 200000) AS g ORDER BY g DESC) AS sorted')
    await flushStats(shop, pg.serverVersionNum)
    const second = (await probes.run('temp_files_size_delta', monitor)).temp_files_size_delta
    expect(rowOf(second, 'shop').size).toBeGreaterThan(1_000_000)
    expect(rowOf(second, 'shop').measure_interval).toBeGreaterThan(0)
    expect(rowOf(second, 'postgres').size).toBe(0)
  })

  it('heap_bloat and btree_bloat: the estimated share of bloat per database (catalogs included), which a mass DELETE raises', async () => {
    const superuser = await connect(pg.connectionConfig('shop'))
    await superuser.query('CREATE TABLE bloated (id int PRIMARY KEY, name text)')
    await superuser.query('GRANT SELECT ON bloated TO vigil_monitor')
    const connectAs = (database: string) => connect(monitorRole.connectionConfig(database))
    type Row = { dbname: string; ratio: number | null; datetime: string; port: number }
    const read = async (probe: 'heap_bloat' | 'btree_bloat'): Promise<Row[]> => (await probes.run(probe, monitor, connectAs))[probe]
    const before = { heap_bloat: await read('heap_bloat'), btree_bloat: await read('btree_bloat') }
    await superuser.query("INSERT INTO bloated SELECT g, repeat('x', 40) FROM generate_series(1, 20000) AS g")
    await superuser.query('DELETE FROM bloated WHERE id % 10 <> 0')
    await superuser.query('ANALYZE bloated')
    for (const probe of ['heap_bloat', 'btree_bloat'] as const) {
      const rows = await read(probe)
      expect(rows.map((row) => row.dbname), probe).toEqual(['postgres', 'shop', 'template1'])
      for (const row of rows) expect(row, probe).toMatchObject({ datetime: expect.stringMatching(SQL_DATETIME), port: pg.port, ratio: expect.any(Number) })
      // Nine rows in ten gone from pages that stay: the table's share of bloat dominates what the
      // catalogs (the same in every database) have.
      // (The index's figures are ANALYZE's estimate from the table's sample, so it moves less.)
      const margin = probe === 'heap_bloat' ? 10 : 1
      const shop = rowOf(rows, 'shop').ratio as number
      expect(shop, probe).toBeGreaterThan((rowOf(before[probe], 'shop').ratio as number) + margin)
      expect(shop, probe).toBeGreaterThan((rowOf(rows, 'postgres').ratio as number) + margin)
      expect(shop, probe).toBeLessThanOrEqual(100)
    }
    await superuser.query('DROP TABLE bloated')
  })

  it('replication_lag and replication_connection answer nothing on a primary, as the agent does', async () => {
    expect(await probes.run('replication_lag', monitor)).toEqual({ replication_lag: [] })
    expect(await probes.run('replication_connection', monitor)).toEqual({ replication_connection: [] })
  })
})

describe('privileges', () => {
  it('every probe answers the documented fields for pg_monitor', async () => {
    for (const name of PROBE_NAMES) {
      const result: Record<string, object[]> = await probes.run(name, monitor, (database) => connect(monitorRole.connectionConfig(database)))
      expect(Object.keys(result)).toEqual([name])
      expectDocumentedFields(name, result[name] ?? [])
    }
  })

  it('a superuser gets the same fields', async () => {
    const superuser = await connect(pg.connectionConfig('postgres'))
    for (const name of PROBE_NAMES) {
      const result: Record<string, object[]> = await probes.run(name, superuser, (database) => connect(pg.connectionConfig(database)))
      expectDocumentedFields(name, result[name] ?? [])
    }
  })

  it('wal_files without pg_monitor says what it needs', async () => {
    const error = await probes.run('wal_files', plain).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'forbidden' })
    expect((error as AppError).message).toMatch(/^The wal_files probe needs the pg_monitor role .*: permission denied for function pg_ls_waldir/)
  })

  it('tblspc_size reports null for what a role may not size, instead of failing', async () => {
    const { tblspc_size } = await probes.run('tblspc_size', plain)
    expect(Object.fromEntries(tblspc_size.map((row) => [row.spcname, row.size === null]))).toEqual({ pg_default: false, pg_global: true })
  })

  it('db_size without pg_monitor names the database it may not connect to', async () => {
    await pg.query('REVOKE CONNECT ON DATABASE shop FROM PUBLIC')
    try {
      const error = await probes.run('db_size', plain).catch((caught: unknown) => caught)
      expect(error).toMatchObject({ code: 'forbidden' })
      expect((error as AppError).message).toMatch(/^The db_size probe needs the pg_monitor role .*CONNECT on every database: permission denied for database "?shop"?/)
      // pg_monitor sizes it all the same.
      expect(rowOf((await probes.run('db_size', monitor)).db_size, 'shop').size).toBeGreaterThan(0)
    } finally {
      await pg.query('GRANT CONNECT ON DATABASE shop TO PUBLIC')
    }
  })
})

describe('host probes on this machine', () => {
  it('cpu: milliseconds per state per CPU over the measured interval', async () => {
    const fresh = new MonitoringProbes(localSystemSource(), { primeWindowMs: PRIME_WINDOW_MS })
    const { cpu } = await fresh.run('cpu', monitor)
    expectDocumentedFields('cpu', cpu)
    expect(cpu.map((row) => row.cpu)).toEqual(cpus().map((_, index) => `cpu${index}`))
    for (const row of cpu) {
      expect(row.datetime).toMatch(HOST_DATETIME)
      expect(row.measure_interval).toBeGreaterThanOrEqual(PRIME_WINDOW_MS / 1000 - 0.01)
      const spent = row.time_user + row.time_system + row.time_idle + row.time_iowait + row.time_steal
      // One CPU spends about measure_interval seconds in some state (ticks are 10 ms; reads take time).
      expect(spent).toBeGreaterThanOrEqual(0)
      expect(spent).toBeLessThanOrEqual(row.measure_interval * 1000 + 200)
    }
    const [again] = (await fresh.run('cpu', monitor)).cpu
    expect(again?.measure_interval).toBeGreaterThan(0)
  })

  it('process: forks and context switches since the previous call, process counts now', async () => {
    const [first] = (await probes.run('process', monitor)).process
    if (!first) throw new Error('process returned no row')
    expectDocumentedFields('process', [first])
    expect(first.procs_total).toMatch(/^\d+$/)
    expect(Number(first.procs_total)).toBeGreaterThan(0)
    expect(first.procs_running).toBeGreaterThanOrEqual(1)
    expect(first.procs_blocked).toBeGreaterThanOrEqual(0)
    // A new backend is a fork on this host.
    await pg.query('SELECT 1')
    const [second] = (await probes.run('process', monitor)).process
    expect(second?.forks).toBeGreaterThanOrEqual(1)
    expect(second?.context_switches).toBeGreaterThan(0)
  })

  it('memory, loadavg and filesystems_size: the host now', async () => {
    const [mem] = (await probes.run('memory', monitor)).memory
    if (!mem) throw new Error('memory returned no row')
    expectDocumentedFields('memory', [mem])
    expect(mem.mem_total).toBe(totalmem())
    expect(mem.mem_used + mem.mem_free).toBe(mem.mem_total)
    expect(mem.swap_used).toBeLessThanOrEqual(mem.swap_total)

    const { loadavg } = await probes.run('loadavg', monitor)
    expectDocumentedFields('loadavg', loadavg)
    for (const value of [loadavg[0]?.load1, loadavg[0]?.load5, loadavg[0]?.load15]) expect(value).toMatch(/^\d+\.\d\d$/)

    const { filesystems_size } = await probes.run('filesystems_size', monitor)
    expectDocumentedFields('filesystems_size', filesystems_size)
    const root = filesystems_size.find((fs) => fs.mount_point === '/')
    expect(root?.total).toBeGreaterThan(0)
    expect(root?.used).toBeLessThanOrEqual(root?.total ?? 0)
    expect(root?.datetime).toMatch(HOST_DATETIME)
  })

  it('without a system source the host probes answer empty lists and the SQL ones still work', async () => {
    const remote = new MonitoringProbes(null)
    for (const name of ['filesystems_size', 'cpu', 'process', 'memory', 'loadavg'] as const) {
      expect(await remote.run(name, monitor)).toEqual({ [name]: [] })
    }
    expect((await remote.run('db_size', monitor)).db_size.length).toBe(3)
  })
})
