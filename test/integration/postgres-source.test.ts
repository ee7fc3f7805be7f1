// PostgresSource against a throwaway PostgreSQL cluster (test/helpers/postgres.ts), as a role
// that may read some tables and not others: the catalog reads, a snapshot query built by
// snapshot-query.ts, value types, the read-only transaction, the statement timeout, and login
// failures.
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresDialect } from '../../src/main/table-monitoring/sql/dialect'
import { PostgresSource, type PostgresSourceOptions } from '../../src/main/table-monitoring/sources/postgres-source'
import { buildFingerprintQuery, buildSnapshotQuery, type SnapshotSpec } from '../../src/main/table-monitoring/sql/snapshot-query'
import { AppError } from '../../src/shared/errors'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'

describe('PostgresSource', () => {
  let pg: Postgres
  let role: RoleCredentials
  let options: PostgresSourceOptions
  let source: PostgresSource
  const sources: PostgresSource[] = []

  function open(overrides: Partial<PostgresSourceOptions> = {}): PostgresSource {
    const created = new PostgresSource({ ...options, ...overrides })
    sources.push(created)
    return created
  }

  async function failure(promise: Promise<unknown>): Promise<AppError> {
    try {
      await promise
    } catch (error) {
      expect(error).toBeInstanceOf(AppError)
      return error as AppError
    }
    throw new Error('expected a failure')
  }

  beforeAll(async () => {
    pg = await startPostgres()
    role = await pg.createRole('vigil_snap', 'snap-secret-pw')
    await pg.query('CREATE SCHEMA "Sales"')
    await pg.query(`CREATE TABLE "Sales"."Order Lines" (
      region text NOT NULL,
      "OrderNo" int8 NOT NULL,
      amount numeric(20, 4),
      qty int4,
      ratio float8,
      placed_at timestamptz,
      placed_on date,
      payload bytea,
      attrs jsonb,
      note text,
      PRIMARY KEY ("OrderNo", region) INCLUDE (qty))`)
    await pg.query(`INSERT INTO "Sales"."Order Lines" VALUES
      ('EU', 9007199254740993, 12345678901234.5678, 3, 0.5, '2024-08-01 10:30:00+00', '2024-08-01', '\\xdeadbeef', '{"b": 2, "a": [1, true]}', 'first'),
      ('US', 2, -0.25, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
    await pg.query('CREATE TABLE "Sales".audit (at timestamptz NOT NULL)')
    await pg.query(`CREATE FUNCTION "Sales".log_and_true() RETURNS boolean LANGUAGE sql VOLATILE AS $$ INSERT INTO "Sales".audit VALUES (now()) RETURNING true $$`)
    await pg.query(`CREATE TABLE "Sales".parted (id int PRIMARY KEY) PARTITION BY RANGE (id)`)
    await pg.query(`CREATE TABLE "Sales".parted_1 PARTITION OF "Sales".parted FOR VALUES FROM (0) TO (100)`)
    await pg.query('CREATE TABLE "Sales".secret (id int PRIMARY KEY)')
    await pg.query('CREATE TABLE public.no_key (v text)')
    await pg.query('ANALYZE "Sales"."Order Lines"')
    await pg.query('GRANT USAGE ON SCHEMA "Sales" TO vigil_snap')
    // INSERT on audit too: the read-only transaction, not a missing privilege, must stop the write.
    await pg.query('GRANT SELECT ON "Sales"."Order Lines", "Sales".parted, "Sales".audit, public.no_key TO vigil_snap')
    await pg.query('GRANT INSERT ON "Sales".audit TO vigil_snap')
    options = { host: pg.host, port: pg.port, database: 'postgres', user: role.user, password: role.password, connectTimeoutSeconds: 5 }
    source = open()
  })

  afterAll(async () => {
    await Promise.all(sources.map((created) => created.close()))
    await pg?.stop()
  })

  it('test(): a new session and version(), with the connection time', async () => {
    const version = await source.test()
    expect(version.version).toMatch(/^PostgreSQL \d+/)
    expect(version.connectionTimeMs).toBeGreaterThan(0)
    expect(version.connectionTimeMs).toBeLessThan(5_000)
  })

  it('listTables: readable tables and partitioned tables of user schemas, not partitions or catalogs', async () => {
    const tables = await source.listTables()
    expect(tables).toEqual([
      { owner: 'Sales', name: 'Order Lines', rowEstimate: 2 },
      { owner: 'Sales', name: 'audit', rowEstimate: null },
      { owner: 'Sales', name: 'parted', rowEstimate: null },
      { owner: 'public', name: 'no_key', rowEstimate: null }
    ])
    expect(await source.listTables('Sales')).toHaveLength(3)
    expect(await source.listTables('sales')).toEqual([])
  })

  it('describeTable: exact names, columns with their types, the primary key in key order without INCLUDE columns', async () => {
    const detail = await source.describeTable('Sales', 'Order Lines')
    expect(detail).toEqual({
      owner: 'Sales',
      name: 'Order Lines',
      rowEstimate: 2,
      columns: [
        { name: 'region', type: 'text', nullable: false },
        { name: 'OrderNo', type: 'bigint', nullable: false },
        { name: 'amount', type: 'numeric(20,4)', nullable: true },
        { name: 'qty', type: 'integer', nullable: true },
        { name: 'ratio', type: 'double precision', nullable: true },
        { name: 'placed_at', type: 'timestamp with time zone', nullable: true },
        { name: 'placed_on', type: 'date', nullable: true },
        { name: 'payload', type: 'bytea', nullable: true },
        { name: 'attrs', type: 'jsonb', nullable: true },
        { name: 'note', type: 'text', nullable: true }
      ],
      primaryKey: ['OrderNo', 'region']
    })
    expect((await source.describeTable('public', 'no_key')).primaryKey).toEqual([])
  })

  it('describeTable: not_found for a missing table, a wrongly cased name, and a table the role may not read', async () => {
    for (const [owner, table] of [['Sales', 'nope'], ['sales', 'Order Lines'], ['Sales', 'secret']] as const) {
      const error = await failure(source.describeTable(owner, table))
      expect(error.code).toBe('not_found')
      expect(error.message).toBe(
        `Table ${JSON.stringify(owner)}.${JSON.stringify(table)} was not found in database 'postgres' on 127.0.0.1:${pg.port}, or user 'vigil_snap' may not read it (names are case-sensitive)`
      )
    }
  })

  it('runs a query built by buildSnapshotQuery and returns the rows with the documented types', async () => {
    const spec: SnapshotSpec = {
      owner: 'Sales',
      table: 'Order Lines',
      columns: ['amount', 'qty', 'ratio', 'placed_at', 'placed_on', 'payload', 'attrs', 'note'],
      keyColumns: ['OrderNo', 'region'],
      where: "region IN ('EU', 'US')",
      maxRows: 10
    }
    const query = buildSnapshotQuery(postgresDialect, spec)
    const rows = await source.query(query.sql, query.binds, { timeoutMs: 5_000 })
    expect(rows).toEqual([
      { amount: '-0.2500', qty: null, ratio: null, placed_at: null, placed_on: null, payload: null, attrs: null, note: null, OrderNo: '2', region: 'US' },
      {
        amount: '12345678901234.5678',
        qty: 3,
        ratio: 0.5,
        placed_at: new Date('2024-08-01T10:30:00Z'),
        placed_on: '2024-08-01',
        payload: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
        attrs: { a: [1, true], b: 2 },
        note: 'first',
        OrderNo: '9007199254740993',
        region: 'EU'
      }
    ])

    const capped = buildSnapshotQuery(postgresDialect, { ...spec, maxRows: 1 })
    expect(await source.query(capped.sql, capped.binds, { timeoutMs: 5_000 })).toHaveLength(2)

    const fingerprint = buildFingerprintQuery(postgresDialect, spec)
    const first = await source.query(fingerprint.sql, fingerprint.binds, { timeoutMs: 5_000 })
    expect(first).toEqual([{ row_count: '2', fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) }])
  })

  it('the read-only transaction refuses a write smuggled through a function in the where_clause', async () => {
    // The function does write when called outside the source.
    const direct = new Client(role.connectionConfig())
    await direct.connect()
    try {
      expect((await direct.query('SELECT "Sales".log_and_true() AS ok')).rows).toEqual([{ ok: true }])
    } finally {
      await direct.end()
    }
    await pg.query('TRUNCATE "Sales".audit')

    const query = buildSnapshotQuery(postgresDialect, { owner: 'Sales', table: 'Order Lines', columns: ['note'], keyColumns: ['OrderNo', 'region'], where: '"Sales".log_and_true()', maxRows: 10 })
    const error = await failure(source.query(query.sql, query.binds, { timeoutMs: 5_000 }))
    expect(error).toMatchObject({ code: 'validation', field: 'where_clause', extra: { reason: 'read_only', sqlstate: '25006' } })
    expect(error.message).toBe(
      'The snapshot query tried to write to the database (cannot execute INSERT in a read-only transaction): snapshots run read-only; remove whatever writes from the where_clause'
    )
    expect((await pg.query('SELECT count(*)::int AS n FROM "Sales".audit')).rows).toEqual([{ n: 0 }])
    // The session is still good: the transaction was rolled back.
    expect(await source.query('SELECT 1 AS one', [], { timeoutMs: 5_000 })).toEqual([{ one: 1 }])
  })

  it('names the where_clause when the server cannot run it', async () => {
    const query = buildSnapshotQuery(postgresDialect, { owner: 'Sales', table: 'Order Lines', columns: ['note'], keyColumns: ['OrderNo', 'region'], where: 'no_such_column = 1', maxRows: 10 })
    const error = await failure(source.query(query.sql, query.binds, { timeoutMs: 5_000 }))
    expect(error).toMatchObject({ code: 'validation', field: 'where_clause', extra: { reason: 'invalid_where', sqlstate: '42703' } })
    expect(error.message).toBe(
      'PostgreSQL could not run the snapshot query: column "no_such_column" does not exist (SQLSTATE 42703). Check the where_clause (and that the monitored columns still exist)'
    )
  })

  it('the statement timeout cancels pg_sleep past timeoutMs, and the next query runs', async () => {
    const started = performance.now()
    const error = await failure(source.query('SELECT pg_sleep(5)', [], { timeoutMs: 300 }))
    const elapsed = performance.now() - started
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'timeout', sqlstate: '57014' } })
    expect(error.message).toBe(`The snapshot query on 127.0.0.1:${pg.port}/postgres was cancelled after 300 ms, its time limit (statement_timeout)`)
    expect(elapsed).toBeGreaterThanOrEqual(280)
    expect(elapsed).toBeLessThan(2_000)
    expect(await source.query('SELECT 2 AS two', [], { timeoutMs: 5_000 })).toEqual([{ two: 2 }])
  })

  it('each call runs read-only under its own statement_timeout and leaves the session idle (rolled back)', async () => {
    const rows = await source.query(`SELECT current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS st`, [], { timeoutMs: 1_234 })
    expect(rows).toEqual([{ ro: 'on', st: '1234ms' }])
    const direct = await pg.query<{ state: string }>(`SELECT state FROM pg_stat_activity WHERE usename = 'vigil_snap' AND application_name = 'vigil'`)
    expect(direct.rows.map((row) => row.state)).toEqual(['idle'])
  })

  it('refuses a wrong password with a clear message', async () => {
    const error = await failure(open({ password: 'wrong-password' }).test())
    expect(error).toMatchObject({ code: 'validation', extra: { reason: 'auth_failed', sqlstate: '28P01' } })
    expect(error.message).toBe(`PostgreSQL at 127.0.0.1:${pg.port} refused user 'vigil_snap': wrong password, or no such role`)
  })

  it('never falls back to PGPASSWORD when no password is stored', async () => {
    const saved = process.env.PGPASSWORD
    process.env.PGPASSWORD = role.password
    try {
      const error = await failure(open({ password: null }).test())
      expect(error).toMatchObject({ code: 'validation', extra: { reason: 'auth_failed' } })
      expect(error.message).toBe(`PostgreSQL at 127.0.0.1:${pg.port} asks user 'vigil_snap' for a password, and none is stored`)
    } finally {
      if (saved === undefined) delete process.env.PGPASSWORD
      else process.env.PGPASSWORD = saved
    }
  })

  it('says the connection was refused when nothing listens', async () => {
    const closed = open({ port: 1 })
    const error = await failure(closed.listTables())
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'unreachable' } })
    expect(error.message).toBe('Connection refused by 127.0.0.1:1: is PostgreSQL running and listening there?')
  })

  it('keeps the password out of JSON and inspection', async () => {
    const { inspect } = await import('node:util')
    expect(JSON.stringify(source)).not.toContain(role.password)
    expect(inspect(source, { depth: 6 })).not.toContain(role.password)
  })
})
