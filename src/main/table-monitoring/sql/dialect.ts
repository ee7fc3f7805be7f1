import { AppError } from '../../../shared/errors'

/**
 * The name under which a table without a key carries its row identity (Oracle ROWID,
 * PostgreSQL ctid) in a snapshot. Leading underscores keep it apart from real column names
 * (neither database lets an unquoted name start with one) and tell the UI to hide it.
 */
export const ROW_IDENTITY_COLUMN = '__vigil_row_id'

/** The SQL that differs between the databases a table snapshot can be taken from. */
export interface SqlDialect {
  readonly name: 'oracle' | 'postgres'
  /** Longest identifier the database keeps, in UTF-8 bytes. */
  readonly maxIdentifierBytes: number
  /**
   * `"name"` exactly as the data dictionary spells it. Throws a validation AppError on `field`
   * for a name that cannot be quoted safely.
   */
  quoteIdentifier(name: string, field?: string): string
  /** `"OWNER"."TABLE"` (Oracle) or `"schema"."table"` (PostgreSQL). */
  qualifiedName(owner: string, table: string): string
  /** Placeholder for the bind value at `position` (1-based): `:1` or `$1`. */
  placeholder(position: number): string
  /** Caps the rows returned; the cap is the bind value at `position`. */
  limitClause(position: number): string
  /** For tables without a key: the select item that names each row, and how to sort by it. */
  readonly rowIdentity: { select: string; orderBy: string }
  /**
   * Select list of a fingerprint over the rows of subquery alias `alias` whose columns are
   * `quotedColumns`: a row count as "row_count" and a text fingerprint as "fingerprint".
   */
  fingerprintSelect(alias: string, quotedColumns: readonly string[]): string
}

/**
 * We always quote the exact dictionary name. Unquoted, Oracle folds names to upper case and
 * PostgreSQL to lower case, so quoting is the only way mixed-case names and names with spaces
 * or punctuation round-trip. The catch is that quoted names are case-sensitive: callers pass
 * names from ALL_TAB_COLUMNS / information_schema, never what the user typed (see
 * resolveColumn in order-by.ts).
 */
function quoteWith(maxBytes: number, name: string, field: string): string {
  if (typeof name !== 'string' || name.length === 0) throw AppError.invalidField(field, 'must not be empty')
  // Neither database can hold a NUL in a name, and a double quote would end our quoting.
  if (name.includes('\0')) throw AppError.invalidField(field, 'must not contain a NUL character')
  if (name.includes('"')) throw AppError.invalidField(field, `must not contain a double quote: ${JSON.stringify(name)}`)
  // PostgreSQL silently truncates longer names, which would then name another object.
  if (Buffer.byteLength(name, 'utf8') > maxBytes) throw AppError.invalidField(field, `must be at most ${maxBytes} bytes long`)
  return `"${name}"`
}

const quoting = (maxBytes: number) => (name: string, field = 'identifier'): string => quoteWith(maxBytes, name, field)
const qualifying = (quote: (name: string, field?: string) => string) => (owner: string, table: string): string =>
  `${quote(owner, 'schema_name')}.${quote(table, 'table_name')}`

function positionOf(position: number): number {
  if (!Number.isSafeInteger(position) || position < 1) throw new RangeError(`bind position must be a positive integer, got ${position}`)
  return position
}

/** Oracle 12.2 and later: 128-byte names (30 before 12.2, where longer names cannot exist anyway). */
export const oracleDialect: SqlDialect = {
  name: 'oracle',
  maxIdentifierBytes: 128,
  quoteIdentifier: quoting(128),
  qualifiedName: qualifying(quoting(128)),
  placeholder: (position) => `:${positionOf(position)}`,
  // Row limiting needs 12.1, which oracledb Thin mode needs too.
  limitClause: (position) => `FETCH FIRST :${positionOf(position)} ROWS ONLY`,
  // ROWID is stable across updates (unless row movement is enabled), so an update shows as a
  // change. Index-organized tables always have a primary key, so they never land here.
  rowIdentity: { select: `ROWIDTOCHAR(ROWID) AS "${ROW_IDENTITY_COLUMN}"`, orderBy: 'ROWID' },
  /**
   * Sum over rows of a hash of the row's per-column hashes. ORA_HASH works on the typed value,
   * so no NLS date or number format can hide a change (concatenating the raw columns would
   * drop the time of a DATE under the default NLS_DATE_FORMAT). Hashing per-column hashes
   * keeps the row hash position-sensitive; the sum makes it independent of row order, as the
   * keyed diff is. ORA_HASH is 32 bits, so two different row sets can collide, and LOB or
   * LONG columns make the query fail: the caller then just takes the snapshot.
   */
  fingerprintSelect(alias, quotedColumns) {
    const rowHash = quotedColumns.map((column) => `ORA_HASH(${alias}.${column})`).join(` || '|' || `)
    return `COUNT(*) AS "row_count", TO_CHAR(SUM(ORA_HASH(${rowHash}))) AS "fingerprint"`
  }
}

/** PostgreSQL: NAMEDATALEN 64 keeps 63 bytes. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  maxIdentifierBytes: 63,
  quoteIdentifier: quoting(63),
  qualifiedName: qualifying(quoting(63)),
  placeholder: (position) => `$${positionOf(position)}`,
  limitClause: (position) => `LIMIT $${positionOf(position)}`,
  // ctid moves on every UPDATE (MVCC), so without a key an updated row shows as removed + added.
  rowIdentity: { select: `ctid::text AS "${ROW_IDENTITY_COLUMN}"`, orderBy: 'ctid' },
  /**
   * md5 over the rows' text forms, sorted so row order does not matter (the diff is keyed).
   * The composite text form tells NULL from '' and keeps column positions. COLLATE "C" sorts
   * bytewise: cheaper, and the same on every server.
   */
  fingerprintSelect(alias) {
    return `count(*) AS "row_count", md5(string_agg(${alias}::text, ',' ORDER BY ${alias}::text COLLATE "C")) AS "fingerprint"`
  }
}

export const DIALECTS = { oracle: oracleDialect, postgres: postgresDialect } as const
