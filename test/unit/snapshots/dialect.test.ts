import { describe, expect, it } from 'vitest'
import { ROW_IDENTITY_COLUMN, oracleDialect, postgresDialect } from '../../../src/main/table-monitoring/sql/dialect'
import { AppError } from '../../../src/shared/errors'

function refusal(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected a refusal')
}

describe.each([
  [oracleDialect, 128],
  [postgresDialect, 63]
])('$name identifiers', (dialect, limit) => {
  it('quotes the exact dictionary name, so case, spaces and punctuation round-trip', () => {
    expect(dialect.quoteIdentifier('USERS')).toBe('"USERS"')
    expect(dialect.quoteIdentifier('MixedCase')).toBe('"MixedCase"')
    expect(dialect.quoteIdentifier('lower')).toBe('"lower"')
    expect(dialect.quoteIdentifier('Order Lines')).toBe('"Order Lines"')
    expect(dialect.quoteIdentifier('A$B#C')).toBe('"A$B#C"')
    expect(dialect.quoteIdentifier("it's")).toBe(`"it's"`)
    expect(dialect.quoteIdentifier('Größe')).toBe('"Größe"')
  })

  it('refuses names it cannot quote, on the field it was given', () => {
    expect(refusal(() => dialect.quoteIdentifier('a"b', 'columns_to_monitor'))).toMatchObject({ code: 'validation', field: 'columns_to_monitor' })
    expect(refusal(() => dialect.quoteIdentifier('a"b')).message).toMatch(/double quote/)
    expect(refusal(() => dialect.quoteIdentifier('a\0b')).message).toMatch(/NUL/)
    expect(refusal(() => dialect.quoteIdentifier('')).message).toMatch(/empty/)
  })

  it(`accepts up to ${limit} bytes, counting UTF-8 bytes rather than characters`, () => {
    expect(dialect.quoteIdentifier('A'.repeat(limit))).toBe(`"${'A'.repeat(limit)}"`)
    expect(refusal(() => dialect.quoteIdentifier('A'.repeat(limit + 1))).message).toBe(`must be at most ${limit} bytes long`)
    const twoByteChars = 'é'.repeat(Math.floor(limit / 2) + 1)
    expect(twoByteChars.length).toBeLessThanOrEqual(limit)
    expect(() => dialect.quoteIdentifier(twoByteChars)).toThrow(AppError)
  })

  it('qualifies owner.table and names the field at fault', () => {
    expect(dialect.qualifiedName('HR', 'Order Lines')).toBe('"HR"."Order Lines"')
    expect(refusal(() => dialect.qualifiedName('H"R', 'T')).field).toBe('schema_name')
    expect(refusal(() => dialect.qualifiedName('HR', '')).field).toBe('table_name')
  })

  it('survives being destructured', () => {
    const { qualifiedName, quoteIdentifier } = dialect
    expect(qualifiedName('a', 'b')).toBe('"a"."b"')
    expect(quoteIdentifier('c')).toBe('"c"')
  })
})

describe('dialect differences', () => {
  it('numbers bind placeholders and caps rows with a bound limit', () => {
    expect(oracleDialect.placeholder(3)).toBe(':3')
    expect(postgresDialect.placeholder(3)).toBe('$3')
    expect(oracleDialect.limitClause(1)).toBe('FETCH FIRST :1 ROWS ONLY')
    expect(postgresDialect.limitClause(2)).toBe('LIMIT $2')
    expect(() => postgresDialect.placeholder(0)).toThrow(RangeError)
  })

  it('falls back to ROWID / ctid as text when a table has no key', () => {
    expect(oracleDialect.rowIdentity).toEqual({ select: `ROWIDTOCHAR(ROWID) AS "${ROW_IDENTITY_COLUMN}"`, orderBy: 'ROWID' })
    expect(postgresDialect.rowIdentity).toEqual({ select: `ctid::text AS "${ROW_IDENTITY_COLUMN}"`, orderBy: 'ctid' })
  })

  it('fingerprints with typed hashes on Oracle and md5 of sorted row text on PostgreSQL', () => {
    expect(oracleDialect.fingerprintSelect('s', ['"ID"', '"NAME"'])).toBe(
      `COUNT(*) AS "row_count", TO_CHAR(SUM(ORA_HASH(ORA_HASH(s."ID") || '|' || ORA_HASH(s."NAME")))) AS "fingerprint"`
    )
    expect(postgresDialect.fingerprintSelect('s', ['"id"'])).toBe(
      `count(*) AS "row_count", md5(string_agg(s::text, ',' ORDER BY s::text COLLATE "C")) AS "fingerprint"`
    )
  })
})
