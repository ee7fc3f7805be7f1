import { AppError } from '../../../shared/errors'
import { ROW_IDENTITY_COLUMN, type SqlDialect } from './dialect'
import type { OrderItem } from './order-by'
import { validateWhereClause } from './where-clause'

/** What one monitored table's snapshot selects. Names are exact dictionary names. */
export interface SnapshotSpec {
  /** schema_name (Oracle owner). */
  owner: string
  /** table_name. */
  table: string
  /** columns_to_monitor, resolved to dictionary names (resolveColumn); at least one. */
  columns: readonly string[]
  /** Primary (or unique, not-null) key columns; [] selects the row identity instead. */
  keyColumns: readonly string[]
  /** where_clause as the user typed it; validated again here. */
  where?: string | null
  /** order_by from validateOrderBy. */
  orderBy?: readonly OrderItem[]
  /** Most rows a snapshot keeps; the query asks for one more to tell the cap was hit. */
  maxRows: number
}

export interface BuiltQuery {
  sql: string
  /** Positional bind values, for both oracledb (`:1`) and node-postgres (`$1`). */
  binds: number[]
}

export interface SnapshotQuery extends BuiltQuery {
  /** Result columns in order: the monitored columns, missing key columns, the row identity. */
  columns: string[]
  /** Result columns that key the diff: the key columns or [ROW_IDENTITY_COLUMN]. */
  keyColumns: string[]
}

/**
 * `SELECT <columns> FROM <owner.table> WHERE (<where>) ORDER BY <order> <limit>`, asking for
 * maxRows + 1 rows: a result of maxRows + 1 means the table holds more than the cap.
 *
 * Key columns the user did not pick are selected too, since the diff needs them. The order is
 * the user's order_by followed by the key (or row identity) as a tie-break: without a total
 * order the rows kept under the cap could differ between two runs of an unchanged table, and
 * the diff would report changes that never happened.
 */
export function buildSnapshotQuery(dialect: SqlDialect, spec: SnapshotSpec): SnapshotQuery {
  return build(dialect, spec, false)
}

/**
 * The snapshot query with `AND 1 = 0`: run before saving a configuration, it has the database
 * parse and type-check the user's where_clause (and the whole statement, e.g. FETCH FIRST on
 * a pre-12c Oracle) without reading a row.
 */
export function buildProbeQuery(dialect: SqlDialect, spec: SnapshotSpec): SnapshotQuery {
  return build(dialect, spec, true)
}

/**
 * A cheap fingerprint of exactly the rows the snapshot would return: one row of "row_count"
 * and "fingerprint" (text). Equal to the last run's value → skip the snapshot. It is only ever
 * used to skip work, never to report: a hash collision (Oracle's ORA_HASH is 32 bits) would
 * hide a change until the next one, so callers should still take a full snapshot now and then.
 * It saves the transfer and the diff, not the database's scan and sort.
 */
export function buildFingerprintQuery(dialect: SqlDialect, spec: SnapshotSpec): BuiltQuery {
  const inner = build(dialect, spec, false)
  const alias = 's'
  const quoted = inner.columns.map((column) => dialect.quoteIdentifier(column))
  // No AS before a table alias: Oracle refuses it.
  return { sql: `SELECT ${dialect.fingerprintSelect(alias, quoted)} FROM (${inner.sql}) ${alias}`, binds: inner.binds }
}

function build(dialect: SqlDialect, spec: SnapshotSpec, probe: boolean): SnapshotQuery {
  const { columns, keyColumns } = resultColumns(spec)
  const where = validateWhereClause(spec.where, dialect.name)
  if (!Number.isSafeInteger(spec.maxRows) || spec.maxRows < 1) throw AppError.invalidField('max_rows', 'must be an integer of at least 1')

  const selectList = columns.map((column) => (column === ROW_IDENTITY_COLUMN ? dialect.rowIdentity.select : dialect.quoteIdentifier(column, 'columns_to_monitor')))
  const conditions = [where && `(${where})`, probe && '1 = 0'].filter(Boolean).join(' AND ')
  const sql = [
    `SELECT ${selectList.join(', ')}`,
    `FROM ${dialect.qualifiedName(spec.owner, spec.table)}`,
    conditions && `WHERE ${conditions}`,
    `ORDER BY ${orderList(dialect, spec).join(', ')}`,
    dialect.limitClause(1)
  ]
    .filter(Boolean)
    .join(' ')
  return { sql, binds: [spec.maxRows + 1], columns, keyColumns }
}

function resultColumns(spec: SnapshotSpec): { columns: string[]; keyColumns: string[] } {
  if (spec.columns.length === 0) throw AppError.invalidField('columns_to_monitor', 'must list at least one column')
  const picked = new Set<string>()
  for (const column of spec.columns) {
    if (picked.has(column)) throw AppError.invalidField('columns_to_monitor', `lists column '${column}' more than once`)
    if (column === ROW_IDENTITY_COLUMN) throw AppError.invalidField('columns_to_monitor', `'${column}' is a name Vigil keeps for itself`)
    picked.add(column)
  }
  if (spec.keyColumns.length === 0) return { columns: [...spec.columns, ROW_IDENTITY_COLUMN], keyColumns: [ROW_IDENTITY_COLUMN] }
  const missingKeys = spec.keyColumns.filter((key) => !picked.has(key))
  return { columns: [...spec.columns, ...missingKeys], keyColumns: [...spec.keyColumns] }
}

function orderList(dialect: SqlDialect, spec: SnapshotSpec): string[] {
  const items = spec.orderBy ?? []
  const rendered = items.map(({ column, direction, nulls }) =>
    [dialect.quoteIdentifier(column, 'order_by'), direction, nulls && `NULLS ${nulls}`].filter(Boolean).join(' ')
  )
  if (spec.keyColumns.length === 0) return [...rendered, dialect.rowIdentity.orderBy]
  const ordered = new Set(items.map((item) => item.column))
  return [...rendered, ...spec.keyColumns.filter((key) => !ordered.has(key)).map((key) => dialect.quoteIdentifier(key, 'key_columns'))]
}
