// OracleSource against a real Oracle Database (12.1+), when one is given:
//
//   VIGIL_TEST_ORACLE_HOST, VIGIL_TEST_ORACLE_PORT, VIGIL_TEST_ORACLE_SERVICE (or _SID),
//   VIGIL_TEST_ORACLE_USER, VIGIL_TEST_ORACLE_PASSWORD
//
// e.g. `docker run -p 1521:1521 -e ORACLE_PASSWORD=… gvenzl/oracle-free` and a user with
// CREATE SESSION and CREATE TABLE (and a quota) in its own schema. The suite creates one table
// there, reads it through the source, and drops it at the end. Without the variables it is
// skipped, and says so on stderr.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildConnectString } from '../../src/main/table-monitoring/sources/oracle/connect-descriptor'
import { oracleDialect } from '../../src/main/table-monitoring/sql/dialect'
import { loadOracleDriver, type OracleConnection } from '../../src/main/table-monitoring/sources/oracle/driver'
import { OracleSource } from '../../src/main/table-monitoring/sources/oracle/oracle-source'
import { buildFingerprintQuery, buildSnapshotQuery, type SnapshotSpec } from '../../src/main/table-monitoring/sql/snapshot-query'
import { AppError } from '../../src/shared/errors'

const env = process.env
const settings = {
  host: env.VIGIL_TEST_ORACLE_HOST ?? '',
  port: Number(env.VIGIL_TEST_ORACLE_PORT ?? ''),
  service_name: env.VIGIL_TEST_ORACLE_SERVICE || null,
  sid: env.VIGIL_TEST_ORACLE_SID || null,
  user: env.VIGIL_TEST_ORACLE_USER ?? '',
  password: env.VIGIL_TEST_ORACLE_PASSWORD ?? ''
}
const configured = Boolean(settings.host && settings.port && (settings.service_name || settings.sid) && settings.user && settings.password)
if (!configured) process.stderr.write('live Oracle suite skipped: VIGIL_TEST_ORACLE_* not set\n')

describe.skipIf(!configured)('live Oracle (set VIGIL_TEST_ORACLE_HOST, _PORT, _SERVICE or _SID, _USER, _PASSWORD to run)', () => {
  const table = `VigilLive_${randomBytes(4).toString('hex')}`
  let admin: OracleConnection
  let source: OracleSource
  let owner: string

  beforeAll(async () => {
    // DDL and DML go through a connection of the test's own: the source only ever reads.
    admin = await loadOracleDriver().getConnection({
      user: settings.user,
      password: settings.password,
      connectString: buildConnectString(settings),
      connectTimeout: 10,
      transportConnectTimeout: 10,
      retryCount: 0,
      expireTime: 0
    })
    const who = await admin.execute('SELECT USER AS "user" FROM DUAL', [], { outFormat: loadOracleDriver().OUT_FORMAT_OBJECT })
    owner = (who.rows?.[0] as { user: string }).user
    await admin.execute(`CREATE TABLE "${table}" (
      "REGION" VARCHAR2(10) NOT NULL,
      "Order No" NUMBER(12) NOT NULL,
      "AMOUNT" NUMBER,
      "BIG" NUMBER(38),
      "NOTE" CLOB,
      "PAYLOAD" BLOB,
      "CREATED" DATE,
      CONSTRAINT "${table}_PK" PRIMARY KEY ("Order No", "REGION"))`)
    await admin.execute(
      `INSERT INTO "${table}" VALUES (:1, :2, :3, :4, :5, :6, :7)`,
      ['EU', 1, 12.5, '12345678901234567890', 'a note', Buffer.from([0xde, 0xad, 0xbe, 0xef]), new Date(2024, 7, 1, 10, 30, 0)]
    )
    await admin.execute(`INSERT INTO "${table}" VALUES (:1, :2, :3, :4, :5, :6, :7)`, ['US', 2, -0.25, '42', null, null, null])
    await admin.execute('COMMIT')
    source = new OracleSource({ ...settings, connectTimeoutSeconds: 10 })
  })

  afterAll(async () => {
    await source?.close()
    if (admin) {
      await admin.execute(`DROP TABLE "${table}" PURGE`).catch(() => undefined)
      await admin.close()
    }
  })

  it('test(): connects, pings and names the version', async () => {
    const version = await source.test()
    expect(version.version).toMatch(/^Oracle/)
    expect(version.connectionTimeMs).toBeGreaterThan(0)
  })

  it('listTables: the table in its owner, and no Oracle-maintained schema without an owner', async () => {
    const mine = await source.listTables(owner)
    // NUM_ROWS stays null until statistics are gathered.
    expect(mine.find((entry) => entry.name === table)).toMatchObject({ owner, name: table })
    const all = await source.listTables()
    expect(all.some((entry) => entry.owner === 'SYS' || entry.owner === 'SYSTEM')).toBe(false)
    expect(all.some((entry) => entry.name === table)).toBe(true)
  })

  it('describeTable: columns in order, nullability, and the primary key in key order', async () => {
    const detail = await source.describeTable(owner, table)
    expect(detail.columns).toEqual([
      { name: 'REGION', type: 'VARCHAR2', nullable: false },
      { name: 'Order No', type: 'NUMBER', nullable: false },
      { name: 'AMOUNT', type: 'NUMBER', nullable: true },
      { name: 'BIG', type: 'NUMBER', nullable: true },
      { name: 'NOTE', type: 'CLOB', nullable: true },
      { name: 'PAYLOAD', type: 'BLOB', nullable: true },
      { name: 'CREATED', type: 'DATE', nullable: true }
    ])
    expect(detail.primaryKey).toEqual(['Order No', 'REGION'])
    await expect(source.describeTable(owner, table.toUpperCase())).rejects.toMatchObject({ code: 'not_found' })
  })

  it('runs a snapshot query built by snapshot-query.ts, with the documented value types', async () => {
    const spec: SnapshotSpec = {
      owner,
      table,
      columns: ['AMOUNT', 'BIG', 'NOTE', 'PAYLOAD', 'CREATED'],
      keyColumns: ['Order No', 'REGION'],
      where: '"AMOUNT" IS NOT NULL',
      maxRows: 10
    }
    const query = buildSnapshotQuery(oracleDialect, spec)
    const rows = await source.query(query.sql, query.binds, { timeoutMs: 10_000 })
    expect(rows).toEqual([
      { AMOUNT: 12.5, BIG: '12345678901234567890', NOTE: 'a note', PAYLOAD: Buffer.from([0xde, 0xad, 0xbe, 0xef]), CREATED: new Date(2024, 7, 1, 10, 30, 0), 'Order No': 1, REGION: 'EU' },
      { AMOUNT: -0.25, BIG: 42, NOTE: null, PAYLOAD: null, CREATED: null, 'Order No': 2, REGION: 'US' }
    ])

    const scalar = { ...spec, columns: ['AMOUNT', 'BIG', 'CREATED'] }
    const fingerprint = buildFingerprintQuery(oracleDialect, scalar)
    const first = await source.query(fingerprint.sql, fingerprint.binds, { timeoutMs: 10_000 })
    expect(await source.query(fingerprint.sql, fingerprint.binds, { timeoutMs: 10_000 })).toEqual(first)
    expect(first[0]?.row_count).toBe(2)
  })

  it("names the where_clause when Oracle cannot parse it, and keeps working", async () => {
    const query = buildSnapshotQuery(oracleDialect, { owner, table, columns: ['AMOUNT'], keyColumns: ['Order No', 'REGION'], where: '"NO_SUCH_COLUMN" = 1', maxRows: 10 })
    const failure = await source.query(query.sql, query.binds, { timeoutMs: 10_000 }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AppError)
    expect(failure).toMatchObject({ code: 'validation', field: 'where_clause', extra: { oracle_code: 'ORA-00904' } })
    expect(await source.query('SELECT 1 AS "one" FROM DUAL', [], { timeoutMs: 10_000 })).toEqual([{ one: 1 }])
  })

  it('cancels a query past its time limit, and the next one runs', async () => {
    const slow = 'SELECT COUNT(*) AS "n" FROM ALL_OBJECTS a CROSS JOIN ALL_OBJECTS b CROSS JOIN ALL_OBJECTS c'
    const started = performance.now()
    await expect(source.query(slow, [], { timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'unavailable', extra: { reason: 'timeout' } })
    expect(performance.now() - started).toBeLessThan(1_000 + 5_000)
    expect(await source.query('SELECT 1 AS "one" FROM DUAL', [], { timeoutMs: 10_000 })).toEqual([{ one: 1 }])
  })

  it('refuses a wrong password with a clear message', async () => {
    const wrong = new OracleSource({ ...settings, password: `${settings.password}-wrong`, connectTimeoutSeconds: 10 })
    try {
      await expect(wrong.test()).rejects.toMatchObject({ code: 'validation', field: 'password', extra: { reason: 'auth_failed', oracle_code: 'ORA-01017' } })
    } finally {
      await wrong.close()
    }
  })
})
