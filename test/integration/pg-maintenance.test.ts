// The maintenance engine against a real PostgreSQL: the views as a pg_monitor role, VACUUM FULL,
// ANALYZE and REINDEX run as a non-superuser database owner through the scheduler, scheduled
// jobs at their time, cancel, progress, shutdown, and restart on the same SQLite file.
import { join } from 'node:path'
import { Client, type ClientConfig } from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { readProgress } from '../../src/main/postgres/maintenance/progress'
import { formatDatetime, parseOperationRequest } from '../../src/main/postgres/maintenance/request'
import { MaintenanceScheduler, SYSTEM_CLOCK, type MaintenanceEvent } from '../../src/main/postgres/maintenance/scheduler'
import { submitOperation } from '../../src/main/postgres/maintenance/submit'
import type { ConnectInstanceDatabase, MaintenanceOperation, MaintenanceTarget } from '../../src/main/postgres/maintenance/types'
import { databaseView, instanceView, schemaView, tableView } from '../../src/main/postgres/maintenance/views'
import { openDb, type Db } from '../../src/main/base/db/db'
import { createPgMaintenanceJobsRepo } from '../../src/main/postgres/maintenance/jobs-repo'
import { unexpectedFailure } from '../helpers/failures'
import { startPostgres, statsCollectorCaughtUp, type Postgres, type RoleCredentials } from '../helpers/postgres'
import { makeTempDir } from '../helpers/temp-dir'

const BLOATED = 'Bloated Orders'
const HOUR = 3_600_000

/** Every event a scheduler published, and a way to await the one a test expects. */
class EventLog {
  readonly events: MaintenanceEvent[] = []
  private waiters: { match: (event: MaintenanceEvent) => boolean; resolve: (event: MaintenanceEvent) => void }[] = []
  readonly push = (event: MaintenanceEvent): void => {
    this.events.push(event)
    for (const waiter of this.waiters.filter((w) => w.match(event))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1)
      waiter.resolve(event)
    }
  }
  next(id: string, types: MaintenanceEvent['type'][]): Promise<MaintenanceEvent> {
    const match = (event: MaintenanceEvent) => event.job.id === id && types.includes(event.type)
    const seen = this.events.find(match)
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ match, resolve }))
  }
  /** The job's end: done, failed, cancelled or missed. */
  end(id: string): Promise<MaintenanceEvent> {
    return this.next(id, ['done', 'failed', 'cancelled', 'missed'])
  }
}

describe('PostgreSQL maintenance', () => {
  let pg: Postgres
  let owner: RoleCredentials
  let watcher: RoleCredentials
  let temp: ReturnType<typeof makeTempDir>
  let db: Db
  let scheduler: MaintenanceScheduler
  const log = new EventLog()
  const clients: Client[] = []

  async function connectAs(config: ClientConfig): Promise<Client> {
    const client = new Client(config)
    client.on('error', () => undefined)
    await client.connect()
    return client
  }
  /** A client the test keeps until the end. */
  async function kept(config: ClientConfig): Promise<Client> {
    const client = await connectAs(config)
    clients.push(client)
    return client
  }
  const ownerSessions: ConnectInstanceDatabase = (_instanceId, database) => connectAs(owner.connectionConfig(database))

  function openStore(file: string): Db {
    const store = openDb(file)
    store.prepare("INSERT OR IGNORE INTO postgres_instances (id, name, host, port, username, created_at, updated_at) VALUES (1, 'test', '127.0.0.1', 5432, 'shop_owner', 0, 0)").run()
    return store
  }

  const onTable = (table: string, schema = 'public'): MaintenanceTarget => ({ database: 'shop', schema, table, index: null })

  /** POST …/{operation} as the HTTP layer will: body validated, target checked, job scheduled. */
  async function post(operation: MaintenanceOperation, target: MaintenanceTarget, body: unknown, on = scheduler): Promise<string> {
    const session = await connectAs(owner.connectionConfig(target.database))
    try {
      const { id } = await submitOperation(session, on, { instanceId: 1, operation, target, request: parseOperationRequest(operation, body), requestedBy: 'alice' })
      return id
    } finally {
      await session.end()
    }
  }

  async function relationSize(name: string): Promise<number> {
    const { rows } = await pg.query<{ size: string }>('SELECT pg_relation_size($1::regclass) AS size', [name], 'shop')
    return Number(rows[0]?.size)
  }

  /** Whether the job's backend is waiting, on a lock or a buffer pin. */
  async function expectWaiting(id: string, waitEventType: 'Lock' | 'BufferPin'): Promise<void> {
    await vi.waitFor(async () => {
      const { rows } = await pg.query('SELECT wait_event_type FROM pg_stat_activity WHERE application_name = $1', [`vigil maintenance ${id}`])
      expect(rows[0]?.wait_event_type).toBe(waitEventType)
    }, { timeout: 10_000, interval: 20 })
  }

  /** Seconds-precision `datetime` about 1–2 s ahead. */
  function soon(extraSeconds = 0): string {
    return formatDatetime((Math.floor(Date.now() / 1000) + 2 + extraSeconds) * 1000)
  }

  beforeAll(async () => {
    pg = await startPostgres()
    owner = await pg.createRole('shop_owner', 'owner-secret')
    watcher = await pg.createRole('watcher', 'watcher-secret', ['pg_monitor'])
    await pg.createDatabase('shop', 'shop_owner')
    const shop = await connectAs(owner.connectionConfig('shop'))
    try {
      // Autovacuum off on the test tables: nothing but the test touches them.
      await shop.query(`
        CREATE TABLE "${BLOATED}" (id int PRIMARY KEY, payload text) WITH (autovacuum_enabled = off);
        INSERT INTO "${BLOATED}" SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 100000) g;
        DELETE FROM "${BLOATED}" WHERE id % 10 <> 0;
        ANALYZE "${BLOATED}";
        CREATE SCHEMA "Sales";
        CREATE TABLE "Sales"."Fresh" (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off);
        INSERT INTO "Sales"."Fresh" SELECT g, 'n' || g FROM generate_series(1, 1000) g;
        CREATE TABLE pinned (id int, v text) WITH (autovacuum_enabled = off);
        INSERT INTO pinned SELECT g, 'x' FROM generate_series(1, 20000) g;
        CREATE TABLE locked (id int) WITH (autovacuum_enabled = off);
      `)
    } finally {
      await shop.end()
    }
    // 13 and 14: the ANALYZE and the row counts show in pg_stat_user_tables a moment later.
    await statsCollectorCaughtUp(pg.serverVersionNum)
    temp = makeTempDir('vigil-maint-')
    db = openStore(join(temp.dir, 'vigil.db'))
    scheduler = new MaintenanceScheduler({ repo: createPgMaintenanceJobsRepo(db), connect: ownerSessions, onError: unexpectedFailure, onEvent: log.push, progressIntervalMs: 50 })
    scheduler.start()
  })

  afterAll(async () => {
    await scheduler?.close()
    db?.close()
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)))
    await pg?.stop()
    temp?.remove()
  })

  describe('views, as a pg_monitor role', () => {
    const watcherSessions = (database: string) => connectAs(watcher.connectionConfig(database))

    it('sizes every database of the instance', async () => {
      const session = await kept(watcher.connectionConfig('postgres'))
      const { body, warnings } = await instanceView(session, watcherSessions)
      expect(body.databases.map((d) => d.datname).sort()).toEqual(['postgres', 'shop'])
      const shop = body.databases.find((d) => d.datname === 'shop')
      // Its own four tables and two indexes, and the catalogs'.
      expect(shop?.n_tables).toBeGreaterThan(4 + 50)
      expect(shop?.n_indexes).toBeGreaterThan(2 + 50)
      expect(shop?.total_size).toMatch(/^\d+ (kB|MB)$/)
      expect(shop?.tables_bytes).toBeGreaterThan(1_000_000)
      expect(shop?.total_bytes).toBeGreaterThan(shop?.tables_bytes as number)
      expect(body.instance.total_bytes).toBe(body.databases.reduce((sum, d) => sum + (d.total_bytes as number), 0))
      // The catalogs' bloat is estimated; shop's tables' is not: pg_stats hides their statistics from the watcher.
      expect(shop?.tables_bloat_bytes).toEqual(expect.any(Number))
      expect(warnings.join('\n')).toMatch(/in database shop is unknown: estimating it reads pg_stats, which shows only the columns the role may SELECT/)
    })

    it('lists the schemas of a database with totals that add up', async () => {
      const session = await kept(watcher.connectionConfig('shop'))
      const { body } = await databaseView(session)
      expect(body.total_bytes).toBeGreaterThan(0)
      const names = body.schemas.map((s) => s.name)
      expect(names).toEqual(expect.arrayContaining(['public', 'Sales', 'pg_catalog', 'information_schema']))
      expect(names.some((name) => name.startsWith('pg_toast') || name.startsWith('pg_temp'))).toBe(false)
      const pub = body.schemas.find((s) => s.name === 'public')
      expect(pub).toMatchObject({ n_tables: 3, n_indexes: 1 })
      expect(Object.keys(pub as object)).toEqual(Object.keys(pub as object).sort())
      expect((pub?.tables_bytes as number) + (pub?.indexes_bytes as number) + (pub?.toast_bytes as number)).toBe(pub?.total_bytes)
      // Catalogs are readable by everyone: their bloat is estimated.
      expect(body.schemas.find((s) => s.name === 'pg_catalog')?.tables_bloat_bytes).toEqual(expect.any(Number))
    })

    it('shows the tables and indexes of a schema with sizes, and the bloat it may not estimate as null', async () => {
      const session = await kept(watcher.connectionConfig('shop'))
      const { body, warnings } = await schemaView(session, 'public')
      const bloated = body.tables.find((t) => t.name === BLOATED)
      expect(bloated).toMatchObject({ n_indexes: 1, row_estimate: 10000, bloat_bytes: null, bloat_size: null, index_bloat_bytes: null })
      expect(bloated?.table_size).toMatch(/^\d+ (kB|MB)$/)
      expect(body.indexes.map((i) => i.name)).toEqual([`${BLOATED}_pkey`])
      expect(body.indexes[0]).toMatchObject({ tablename: BLOATED, type: 'btree', indisunique: true, number_of_columns: 1, tablespace: null })
      expect(body.indexes[0]?.def).toBe(`CREATE UNIQUE INDEX "${BLOATED}_pkey" ON public."${BLOATED}" USING btree (id)`)
      expect(body.total_bytes).toBe(body.tables.reduce((sum, t) => sum + t.total_bytes, 0))
      expect(warnings).toEqual([expect.stringMatching(/^Bloat of 3 tables and 1 index in schema public is unknown: .*grant SELECT/)])
      await expect(schemaView(session, 'nowhere')).rejects.toMatchObject({ code: 'not_found', message: 'Schema nowhere not found' })
      await expect(schemaView(session, 'pub\0lic')).rejects.toMatchObject({ code: 'not_found' })
    })

    it('shows one table with its statistics', async () => {
      const session = await kept(watcher.connectionConfig('shop'))
      const { body } = await tableView(session, 'public', BLOATED)
      expect(body).toMatchObject({ name: BLOATED, relname: BLOATED, schemaname: 'public', fillfactor: 100, n_live_tup: 10000, n_dead_tup: 90000, analyze_count: 1 })
      expect(body.last_analyze).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00$/)
      expect(body.last_vacuum).toBeNull()
      expect(body.relid).toMatch(/^\d+$/)
      expect(Object.keys(body)).toEqual([...Object.keys(body)].sort())
      expect(Object.keys(body)).not.toContain('n_indexes')
      expect(body.indexes).toHaveLength(1)
      await expect(tableView(session, 'public', 'missing')).rejects.toMatchObject({ code: 'not_found', message: 'Table public.missing not found' })
    })

    it('estimates the bloat for a role that may read the statistics', async () => {
      const session = await kept(owner.connectionConfig('shop'))
      const { body, warnings } = await tableView(session, 'public', BLOATED)
      // 90% of the rows are gone and nothing vacuumed: most of the heap is bloat.
      expect(body.bloat_bytes).toBeGreaterThan(0.7 * body.table_bytes)
      expect(body.bloat_size).toMatch(/^\d+ (kB|MB)$/)
      expect(body.index_bloat_bytes).toEqual(expect.any(Number))
      expect(body.indexes[0]?.bloat_bytes).toEqual(expect.any(Number))
      expect(warnings).toEqual([])
    })
  })

  describe('operations, as the database owner', () => {
    it('VACUUM FULL really shrinks a bloated table', async () => {
      const before = await relationSize(`"${BLOATED}"`)
      const id = await post('vacuum', onTable(BLOATED), { mode: 'full,analyze' })
      const end = await log.end(id)
      expect(end.type).toBe('done')
      expect(end.job).toMatchObject({ status: 'done', error: null, mode: 'full,analyze', requestedBy: 'alice' })
      expect(end.description).toBe(`VACUUM (FULL, ANALYZE) "public"."${BLOATED}" in database "shop"`)
      const after = await relationSize(`"${BLOATED}"`)
      expect(after).toBeLessThan(before * 0.2)
      const session = await kept(owner.connectionConfig('shop'))
      const { body } = await tableView(session, 'public', BLOATED)
      expect(body.bloat_bytes).toBeLessThan(0.2 * body.table_bytes)
    })

    it('ANALYZE sets last_analyze', async () => {
      const session = await kept(owner.connectionConfig('shop'))
      expect((await tableView(session, 'Sales', 'Fresh')).body.last_analyze).toBeNull()
      const id = await post('analyze', onTable('Fresh', 'Sales'), {})
      expect((await log.end(id)).type).toBe('done')
      await statsCollectorCaughtUp(pg.serverVersionNum)
      const { body } = await tableView(session, 'Sales', 'Fresh')
      expect(body.last_analyze).toMatch(/\+00$/)
      expect(body.analyze_count).toBe(1)
    })

    it('REINDEXes an index, a table and the database', async () => {
      const filenode = async () => (await pg.query('SELECT pg_relation_filenode($1::regclass) AS f', ['"Sales"."Fresh_pkey"'], 'shop')).rows[0]?.f
      const first = await filenode()
      const index = await post('reindex', { database: 'shop', schema: 'Sales', table: null, index: 'Fresh_pkey' }, {})
      expect((await log.end(index)).job).toMatchObject({ status: 'done', indexTable: 'Fresh' })
      const second = await filenode()
      expect(second).not.toBe(first)
      const table = await post('reindex', onTable('Fresh', 'Sales'), {})
      expect((await log.end(table)).type).toBe('done')
      expect(await filenode()).not.toBe(second)
      const database = await post('reindex', { database: 'shop', schema: null, table: null, index: null }, {})
      expect((await log.end(database)).job).toMatchObject({ status: 'done', error: null })
    })

    it('VACUUMs the whole database, keeping the warnings about what the role may not vacuum', async () => {
      const id = await post('vacuum', { database: 'shop', schema: null, table: null, index: null }, { mode: 'analyze' })
      const end = await log.end(id)
      expect(end.job.status).toBe('done')
      // Shared catalogs need a superuser: VACUUM skips them with a WARNING.
      expect(end.job.notices.join('\n')).toMatch(/pg_authid/)
    })

    it('refuses targets that do not exist', async () => {
      await expect(post('vacuum', onTable('ghost'), {})).rejects.toMatchObject({ code: 'not_found', message: 'Table public.ghost not found' })
      await expect(post('reindex', { database: 'shop', schema: 'public', table: null, index: 'ghost_idx' }, {})).rejects.toMatchObject({
        code: 'not_found',
        message: 'Index public.ghost_idx not found'
      })
      await expect(post('analyze', onTable('gh\0st'), {})).rejects.toMatchObject({ code: 'validation' })
    })

    it('samples the progress of a running job', async () => {
      // A cursor pins the first page; an aggressive VACUUM (FREEZE) waits for that pin in 'scanning heap'.
      const holder = await kept(owner.connectionConfig('shop'))
      await holder.query('BEGIN')
      await holder.query('DECLARE c CURSOR FOR SELECT * FROM pinned')
      await holder.query('FETCH 1 FROM c')
      const id = await post('vacuum', onTable('pinned'), { mode: 'freeze' })
      await expectWaiting(id, 'BufferPin')
      const sample = await log.next(id, ['progress'])
      expect(sample.job.progress).toMatchObject({ source: 'vacuum', phase: 'scanning heap', relation: 'pinned', unit: 'blocks', done: 0, percent: 0 })
      expect(sample.job.progress?.total).toBeGreaterThan(0)
      // 17 counts dead tuples in bytes and item ids (progress.ts).
      expect(sample.job.progress?.detail).toHaveProperty(pg.serverVersionNum >= 170000 ? 'num_dead_item_ids' : 'num_dead_tuples')
      expect(scheduler.get(id)?.progress?.phase).toBe('scanning heap')
      expect(scheduler.scheduledOperations(1, 'vacuum', { dbname: 'shop', schema: 'public', table: 'pinned' })).toMatchObject([{ id, status: 'doing', mode: 'freeze' }])
      await holder.query('COMMIT')
      expect((await log.end(id)).type).toBe('done')
      // The other views' SQL for this server runs too (no backend 0: no row).
      await expect(readProgress(holder, pg.serverVersionNum, ['vacuum', 'cluster', 'analyze', 'create_index'], 0, Date.now())).resolves.toBeNull()
    })

    it('cancels a running job through pg_cancel_backend', async () => {
      const locker = await kept(pg.connectionConfig('shop'))
      await locker.query('BEGIN')
      await locker.query('LOCK TABLE locked IN ACCESS EXCLUSIVE MODE')
      const id = await post('vacuum', onTable('locked'), { mode: 'full' })
      await expectWaiting(id, 'Lock')
      await expect(scheduler.cancel(1, id, 'vacuum')).resolves.toEqual({ response: 'ok' })
      const end = await log.end(id)
      expect(end.job).toMatchObject({ status: 'cancelled', error: null })
      await locker.query('COMMIT')
      await expect(scheduler.cancel(1, id, 'vacuum')).rejects.toMatchObject({ code: 'not_found' })
    })
  })

  describe('scheduling', () => {
    it('runs a job at its time', async () => {
      const datetime = soon()
      const id = await post('analyze', onTable(BLOATED), { datetime })
      expect(scheduler.scheduledOperations(1, 'analyze', { dbname: 'shop', schema: 'public', table: BLOATED })).toEqual([
        { datetime, dbname: 'shop', id, index: null, mode: null, schema: 'public', status: 'todo', table: BLOATED }
      ])
      const end = await log.end(id)
      expect(end.type).toBe('done')
      expect(end.job.startedAt).toBeGreaterThanOrEqual(Date.parse(datetime))
      expect(scheduler.scheduledOperations(1, 'analyze')).toEqual([])
    })

    it('does not run a cancelled job', async () => {
      const cancelled = await post('vacuum', onTable(BLOATED), { datetime: soon() })
      const later = await post('vacuum', onTable('Fresh', 'Sales'), { datetime: soon(1) })
      await scheduler.cancel(1, cancelled, 'vacuum')
      // The later job's end proves the cancelled one's time has come and gone.
      expect((await log.end(later)).type).toBe('done')
      expect(scheduler.get(cancelled)).toMatchObject({ status: 'cancelled', startedAt: null })
      expect(log.events.filter((event) => event.job.id === cancelled).map((event) => event.type)).toEqual(['scheduled', 'cancelled'])
    })

    it('keeps a scheduled job across a restart and runs it', async () => {
      const file = join(temp.dir, 'restart.db')
      const events = new EventLog()
      const firstStore = openStore(file)
      const first = new MaintenanceScheduler({ repo: createPgMaintenanceJobsRepo(firstStore), connect: ownerSessions, onError: unexpectedFailure, onEvent: events.push })
      first.start()
      const id = await post('vacuum', onTable('Fresh', 'Sales'), { mode: 'analyze', datetime: soon() }, first)
      await first.close()
      firstStore.close()

      const secondStore = openStore(file)
      const second = new MaintenanceScheduler({ repo: createPgMaintenanceJobsRepo(secondStore), connect: ownerSessions, onError: unexpectedFailure, onEvent: events.push })
      second.start()
      const end = await events.end(id)
      expect(end.job).toMatchObject({ status: 'done', mode: 'analyze' })
      expect(events.events.map((event) => event.type)).toEqual(['scheduled', 'started', 'done'])
      await second.close()
      secondStore.close()
    })

    it('marks missed a job long past when Vigil starts again', async () => {
      const file = join(temp.dir, 'missed.db')
      const firstStore = openStore(file)
      const first = new MaintenanceScheduler({ repo: createPgMaintenanceJobsRepo(firstStore), connect: ownerSessions, onError: unexpectedFailure })
      first.start()
      const id = await post('vacuum', onTable(BLOATED), { mode: 'full', datetime: formatDatetime(Date.now() + 60_000) }, first)
      await first.close()
      firstStore.close()

      const events = new EventLog()
      const threeHoursLater = { ...SYSTEM_CLOCK, now: () => Date.now() + 3 * HOUR }
      const secondStore = openStore(file)
      const second = new MaintenanceScheduler({ repo: createPgMaintenanceJobsRepo(secondStore), connect: ownerSessions, onError: unexpectedFailure, onEvent: events.push, clock: threeHoursLater })
      second.start()
      const end = await events.end(id)
      expect(end.job.status).toBe('missed')
      expect(end.job.error).toMatch(/past the grace period of 60 min/)
      expect(end.job.startedAt).toBeNull()
      await second.close()
      secondStore.close()
    })

    it('cancels its running jobs on shutdown and records them as interrupted', async () => {
      const file = join(temp.dir, 'shutdown.db')
      const events = new EventLog()
      const store = openStore(file)
      const own = new MaintenanceScheduler({ repo: createPgMaintenanceJobsRepo(store), connect: ownerSessions, onError: unexpectedFailure, onEvent: events.push })
      own.start()
      const locker = await kept(pg.connectionConfig('shop'))
      await locker.query('BEGIN')
      await locker.query('LOCK TABLE locked IN ACCESS EXCLUSIVE MODE')
      const id = await post('reindex', onTable('locked'), {}, own)
      await expectWaiting(id, 'Lock')
      await own.close()
      expect((await events.end(id)).job).toMatchObject({ status: 'failed', error: 'interrupted by Vigil shutdown' })
      await locker.query('COMMIT')
      store.close()
      // A backend leaves pg_stat_activity a moment after its client has hung up.
      await expect
        .poll(async () => (await pg.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'vigil maintenance %'")).rows[0]?.n, { timeout: 5_000 })
        .toBe(0)
    })
  })
})
