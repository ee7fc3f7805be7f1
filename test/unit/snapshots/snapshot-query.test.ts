import { describe, expect, it } from 'vitest'
import { oracleDialect, postgresDialect } from '../../../src/main/table-monitoring/sql/dialect'
import { validateOrderBy } from '../../../src/main/table-monitoring/sql/order-by'
import { buildFingerprintQuery, buildProbeQuery, buildSnapshotQuery, type SnapshotSpec } from '../../../src/main/table-monitoring/sql/snapshot-query'
import { AppError } from '../../../src/shared/errors'

const USERS: SnapshotSpec = {
  owner: 'HR',
  table: 'USERS',
  columns: ['ID', 'NAME', 'EMAIL'],
  keyColumns: ['ID'],
  where: 'CREATED_DATE > SYSDATE - 1',
  orderBy: validateOrderBy('ID DESC', ['ID', 'NAME', 'EMAIL', 'CREATED_DATE']),
  maxRows: 1000
}

const NO_KEY: SnapshotSpec = { owner: 'app', table: 'Event Log', columns: ['kind', 'Message'], keyColumns: [], maxRows: 50 }

describe('buildSnapshotQuery', () => {
  it('builds the Oracle query with quoted names, the user filter in parentheses and a bound cap', () => {
    expect(buildSnapshotQuery(oracleDialect, USERS)).toEqual({
      sql: 'SELECT "ID", "NAME", "EMAIL" FROM "HR"."USERS" WHERE (CREATED_DATE > SYSDATE - 1) ORDER BY "ID" DESC FETCH FIRST :1 ROWS ONLY',
      binds: [1001],
      columns: ['ID', 'NAME', 'EMAIL'],
      keyColumns: ['ID']
    })
  })

  it('builds the PostgreSQL query the same way', () => {
    const spec: SnapshotSpec = { ...USERS, owner: 'public', table: 'users', columns: ['id', 'name'], keyColumns: ['id'], where: "created > now() - interval '1 day'", orderBy: [] }
    expect(buildSnapshotQuery(postgresDialect, spec)).toEqual({
      sql: `SELECT "id", "name" FROM "public"."users" WHERE (created > now() - interval '1 day') ORDER BY "id" LIMIT $1`,
      binds: [1001],
      columns: ['id', 'name'],
      keyColumns: ['id']
    })
  })

  it('selects the row identity and orders by it when the table has no key', () => {
    expect(buildSnapshotQuery(oracleDialect, NO_KEY)).toEqual({
      sql: 'SELECT "kind", "Message", ROWIDTOCHAR(ROWID) AS "__vigil_row_id" FROM "app"."Event Log" ORDER BY ROWID FETCH FIRST :1 ROWS ONLY',
      binds: [51],
      columns: ['kind', 'Message', '__vigil_row_id'],
      keyColumns: ['__vigil_row_id']
    })
    expect(buildSnapshotQuery(postgresDialect, { ...NO_KEY, orderBy: [{ column: 'kind', direction: 'ASC', nulls: 'FIRST' }] }).sql).toBe(
      'SELECT "kind", "Message", ctid::text AS "__vigil_row_id" FROM "app"."Event Log" ORDER BY "kind" ASC NULLS FIRST, ctid LIMIT $1'
    )
  })

  it('selects key columns the user left out, and breaks order ties with the key', () => {
    const spec: SnapshotSpec = {
      ...USERS,
      columns: ['NAME'],
      keyColumns: ['ORG_ID', 'ID'],
      where: '',
      orderBy: [{ column: 'NAME', direction: 'ASC' }, { column: 'ID', direction: 'DESC' }]
    }
    expect(buildSnapshotQuery(oracleDialect, spec)).toMatchObject({
      sql: 'SELECT "NAME", "ORG_ID", "ID" FROM "HR"."USERS" ORDER BY "NAME" ASC, "ID" DESC, "ORG_ID" FETCH FIRST :1 ROWS ONLY',
      columns: ['NAME', 'ORG_ID', 'ID'],
      keyColumns: ['ORG_ID', 'ID']
    })
  })

  it('drops a leading WHERE keyword and keeps literals intact', () => {
    expect(buildSnapshotQuery(postgresDialect, { ...USERS, where: "WHERE note = 'a;b'", orderBy: [] }).sql).toBe(
      `SELECT "ID", "NAME", "EMAIL" FROM "HR"."USERS" WHERE (note = 'a;b') ORDER BY "ID" LIMIT $1`
    )
  })

  it("checks the where_clause with the target's own literal rules", () => {
    const where = "note = q'[it's]'"
    expect(buildSnapshotQuery(oracleDialect, { ...USERS, where }).sql).toContain(`WHERE (${where})`)
    expect(() => buildSnapshotQuery(postgresDialect, { ...USERS, where })).toThrow(/never closed/)
  })

  it('refuses a bad where_clause, columns or cap with the field at fault', () => {
    const field = (spec: Partial<SnapshotSpec>): string | undefined => {
      try {
        buildSnapshotQuery(oracleDialect, { ...USERS, ...spec })
      } catch (error) {
        expect(error).toBeInstanceOf(AppError)
        return (error as AppError).field
      }
      return undefined
    }
    expect(field({ where: '1 = 1; DROP TABLE x' })).toBe('where_clause')
    expect(field({ columns: [] })).toBe('columns_to_monitor')
    expect(field({ columns: ['ID', 'ID'] })).toBe('columns_to_monitor')
    expect(field({ columns: ['A"B'] })).toBe('columns_to_monitor')
    expect(field({ columns: ['__vigil_row_id'] })).toBe('columns_to_monitor')
    expect(field({ owner: '' })).toBe('schema_name')
    expect(field({ table: 'T"' })).toBe('table_name')
    expect(field({ maxRows: 0 })).toBe('max_rows')
    expect(field({ maxRows: 1.5 })).toBe('max_rows')
  })
})

describe('buildProbeQuery', () => {
  it('adds AND 1 = 0 so the database checks the statement without reading rows', () => {
    expect(buildProbeQuery(oracleDialect, USERS)).toMatchObject({
      sql: 'SELECT "ID", "NAME", "EMAIL" FROM "HR"."USERS" WHERE (CREATED_DATE > SYSDATE - 1) AND 1 = 0 ORDER BY "ID" DESC FETCH FIRST :1 ROWS ONLY',
      binds: [1001]
    })
    expect(buildProbeQuery(postgresDialect, NO_KEY).sql).toBe(
      'SELECT "kind", "Message", ctid::text AS "__vigil_row_id" FROM "app"."Event Log" WHERE 1 = 0 ORDER BY ctid LIMIT $1'
    )
  })
})

describe('buildFingerprintQuery', () => {
  it('fingerprints exactly the rows the snapshot would return, per dialect', () => {
    expect(buildFingerprintQuery(oracleDialect, { ...USERS, columns: ['ID', 'NAME'] })).toEqual({
      sql:
        `SELECT COUNT(*) AS "row_count", TO_CHAR(SUM(ORA_HASH(ORA_HASH(s."ID") || '|' || ORA_HASH(s."NAME")))) AS "fingerprint" ` +
        'FROM (SELECT "ID", "NAME" FROM "HR"."USERS" WHERE (CREATED_DATE > SYSDATE - 1) ORDER BY "ID" DESC FETCH FIRST :1 ROWS ONLY) s',
      binds: [1001]
    })
    expect(buildFingerprintQuery(postgresDialect, NO_KEY)).toEqual({
      sql:
        `SELECT count(*) AS "row_count", md5(string_agg(s::text, ',' ORDER BY s::text COLLATE "C")) AS "fingerprint" ` +
        'FROM (SELECT "kind", "Message", ctid::text AS "__vigil_row_id" FROM "app"."Event Log" ORDER BY ctid LIMIT $1) s',
      binds: [51]
    })
  })

  it('includes the row identity in the Oracle hash, so a no-key table still fingerprints every row', () => {
    expect(buildFingerprintQuery(oracleDialect, NO_KEY).sql).toContain(`ORA_HASH(s."__vigil_row_id")`)
  })
})
