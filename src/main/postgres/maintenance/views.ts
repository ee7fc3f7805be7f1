// GET /maintenance, /maintenance/{db}, /maintenance/{db}/schema/{schema} and
// /maintenance/{db}/schema/{schema}/table/{table}: sizes, bloat estimates and table statistics,
// in the agent API's shapes. Each answer comes with `warnings`: what the body cannot say (bloat
// the role may not estimate, a database it may not enter), for the HTTP layer to pass on (e.g. a
// `Warning: 199` header) without changing the documented body.
import { AppError } from '../../../shared/errors'
import type {
  DatabaseSummary,
  DatabaseView,
  IndexSummary,
  InstanceView,
  RelationTotals,
  SchemaView,
  TableSummary,
  TableUpkeep,
  TableView,
  ViewResult
} from '../../../shared/pg-agent'
import type { Queryable } from '../queryable'
import type { ConnectDatabase } from './types'
import {
  DATABASE_SIZE_SQL,
  DATABASE_TOTALS_SQL,
  DATABASES_SQL,
  SCHEMA_EXISTS_SQL,
  SCHEMA_INDEXES_SQL,
  SCHEMA_TABLES_SQL,
  SCHEMA_UPKEEP_SQL,
  SCHEMAS_SQL,
  TABLE_INDEXES_SQL,
  TABLE_SQL
} from './views-sql'
import { messageOf } from '../../base/text'

export type {
  DatabaseSummary,
  DatabaseView,
  IndexSummary,
  InstanceView,
  RelationTotals,
  SchemaSummary,
  SchemaView,
  TableSummary,
  TableView,
  ViewResult
} from '../../../shared/pg-agent'

type Row = Record<string, unknown>

/** node-postgres hands bigint and numeric over as strings. */
function num(value: unknown): number {
  return Number(value)
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value)
}

/** Relations whose bloat is unknown, and why. */
interface UnknownBloat {
  tablesUnreadable: number
  indexesUnreadable: number
  tablesUnanalyzed: number
  indexesUnanalyzed: number
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

function relations(tables: number, indexes: number): string {
  return [tables > 0 && plural(tables, 'table', 'tables'), indexes > 0 && plural(indexes, 'index', 'indexes')].filter(Boolean).join(' and ')
}

/** The sentences that explain null bloat estimates, naming what is missing. */
function bloatWarnings(where: string, unknown: UnknownBloat): string[] {
  const warnings: string[] = []
  if (unknown.tablesUnreadable + unknown.indexesUnreadable > 0) {
    warnings.push(
      `Bloat of ${relations(unknown.tablesUnreadable, unknown.indexesUnreadable)} ${where} is unknown: estimating it reads ` +
        'pg_stats, which shows only the columns the role may SELECT (grant SELECT on those tables, or pg_read_all_data ' +
        'on PostgreSQL 14+, or connect as their owner or a superuser)'
    )
  }
  if (unknown.tablesUnanalyzed + unknown.indexesUnanalyzed > 0) {
    warnings.push(
      `Bloat of ${relations(unknown.tablesUnanalyzed, unknown.indexesUnanalyzed)} ${where} is unknown: ` +
        'some of their columns have no statistics yet (run ANALYZE)'
    )
  }
  return warnings
}

function unknownFromTotals(row: Row): UnknownBloat {
  return {
    tablesUnreadable: num(row.tables_unreadable),
    indexesUnreadable: num(row.indexes_unreadable),
    tablesUnanalyzed: num(row.tables_unanalyzed),
    indexesUnanalyzed: num(row.indexes_unanalyzed)
  }
}

function unknownFromTables(rows: Row[]): UnknownBloat {
  const unknown: UnknownBloat = { tablesUnreadable: 0, indexesUnreadable: 0, tablesUnanalyzed: 0, indexesUnanalyzed: 0 }
  for (const row of rows) {
    const tables = row.table_bloat_unknown ? 1 : 0
    const indexes = num(row.index_bloat_unknown)
    if (row.readable) {
      unknown.tablesUnanalyzed += tables
      unknown.indexesUnanalyzed += indexes
    } else {
      unknown.tablesUnreadable += tables
      unknown.indexesUnreadable += indexes
    }
  }
  return unknown
}

function totalsOf(row: Row): RelationTotals {
  return {
    indexes_bloat_bytes: numOrNull(row.indexes_bloat_bytes),
    indexes_bloat_size: textOrNull(row.indexes_bloat_size),
    indexes_bytes: num(row.indexes_bytes),
    indexes_size: textOrNull(row.indexes_size),
    n_indexes: num(row.n_indexes),
    n_tables: num(row.n_tables),
    tables_bloat_bytes: numOrNull(row.tables_bloat_bytes),
    tables_bloat_size: textOrNull(row.tables_bloat_size),
    tables_bytes: num(row.tables_bytes),
    tables_size: textOrNull(row.tables_size),
    toast_bytes: num(row.toast_bytes),
    toast_size: textOrNull(row.toast_size),
    total_bytes: num(row.total_bytes),
    total_size: textOrNull(row.total_size)
  }
}

const UNKNOWN_TOTALS: RelationTotals = {
  indexes_bloat_bytes: null,
  indexes_bloat_size: null,
  indexes_bytes: null,
  indexes_size: null,
  n_indexes: null,
  n_tables: null,
  tables_bloat_bytes: null,
  tables_bloat_size: null,
  tables_bytes: null,
  tables_size: null,
  toast_bytes: null,
  toast_size: null,
  total_bytes: null,
  total_size: null
}

function tableOf(row: Row): TableSummary {
  return {
    bloat_bytes: numOrNull(row.bloat_bytes),
    bloat_size: textOrNull(row.bloat_size),
    index_bloat_bytes: numOrNull(row.index_bloat_bytes),
    index_bloat_size: textOrNull(row.index_bloat_size),
    index_bytes: num(row.index_bytes),
    index_size: String(row.index_size),
    n_indexes: num(row.n_indexes),
    name: String(row.name),
    row_estimate: numOrNull(row.row_estimate),
    table_bytes: num(row.table_bytes),
    table_size: String(row.table_size),
    toast_bytes: num(row.toast_bytes),
    toast_size: String(row.toast_size),
    total_bytes: num(row.total_bytes),
    total_size: String(row.total_size)
  }
}

function indexOf(row: Row): IndexSummary {
  return {
    bloat_bytes: numOrNull(row.bloat_bytes),
    bloat_size: textOrNull(row.bloat_size),
    def: String(row.def),
    idx_tup_fetch: numOrNull(row.idx_tup_fetch),
    idx_tup_read: numOrNull(row.idx_tup_read),
    indexrelname: String(row.indexrelname),
    indisunique: row.indisunique === true,
    name: String(row.name),
    number_of_columns: num(row.number_of_columns),
    scans: numOrNull(row.scans),
    tablename: String(row.tablename),
    tablespace: textOrNull(row.tablespace),
    total_bytes: num(row.total_bytes),
    total_size: String(row.total_size),
    type: String(row.type)
  }
}

/**
 * GET /maintenance: every database's size and totals. `client` is a session of the instance (any
 * database); `connect` opens one on each database in turn, since bloat and relation counts can
 * only be read from inside a database. A database the role may not enter keeps its size and gets
 * null totals, with a warning that says why.
 */
export async function instanceView(client: Queryable, connect: ConnectDatabase): Promise<ViewResult<InstanceView>> {
  const { rows } = await client.query(DATABASES_SQL)
  const warnings: string[] = []
  const databases: DatabaseSummary[] = []
  let totalBytes = 0
  for (const row of rows as Row[]) {
    const datname = String(row.datname)
    totalBytes += num(row.total_bytes)
    const size = { total_bytes: num(row.total_bytes), total_size: String(row.total_size) }
    try {
      const session = await connect(datname)
      try {
        const totals = ((await session.query(DATABASE_TOTALS_SQL)).rows as Row[])[0] as Row
        databases.push(sortedKeys({ datname, ...totalsOf(totals), ...size }))
        warnings.push(...bloatWarnings(`in database ${datname}`, unknownFromTotals(totals)))
      } finally {
        await session.end().catch(() => undefined)
      }
    } catch (error) {
      databases.push(sortedKeys({ datname, ...UNKNOWN_TOTALS, ...size }))
      warnings.push(`Totals of database ${datname} are unknown: ${messageOf(error)}`)
    }
  }
  const { rows: pretty } = await client.query('SELECT pg_size_pretty($1::numeric) AS total_size', [totalBytes])
  return {
    body: { databases, instance: { total_bytes: totalBytes, total_size: String((pretty[0] as Row).total_size) } },
    warnings
  }
}

/** GET /maintenance/{db}: the database's size and every schema's totals; `client` is on that database. */
export async function databaseView(client: Queryable): Promise<ViewResult<DatabaseView>> {
  const size = ((await client.query(DATABASE_SIZE_SQL)).rows as Row[])[0] as Row
  const { rows } = await client.query(SCHEMAS_SQL)
  const warnings: string[] = []
  const schemas = (rows as Row[]).map((row) => {
    warnings.push(...bloatWarnings(`in schema ${String(row.name)}`, unknownFromTotals(row)))
    return sortedKeys({ name: String(row.name), ...totalsOf(row) })
  })
  return { body: { schemas, total_bytes: num(size.total_bytes), total_size: String(size.total_size) }, warnings }
}

/** GET /maintenance/{db}/schema/{schema}: its tables and indexes; `client` is on that database. */
export async function schemaView(client: Queryable, schema: string): Promise<ViewResult<SchemaView>> {
  if (!nameable(schema) || (await client.query(SCHEMA_EXISTS_SQL, [schema])).rows.length === 0) {
    throw new AppError('not_found', `Schema ${schema} not found`)
  }
  const tableRows = (await client.query(SCHEMA_TABLES_SQL, [schema])).rows as Row[]
  const indexRows = (await client.query(SCHEMA_INDEXES_SQL, [schema])).rows as Row[]
  const tables = tableRows.map(tableOf)
  const totalBytes = tables.reduce((sum, table) => sum + table.total_bytes, 0)
  const { rows: pretty } = await client.query('SELECT pg_size_pretty($1::numeric) AS size', [totalBytes])
  return {
    body: { indexes: indexRows.map(indexOf), size: String((pretty[0] as Row).size), tables, total_bytes: totalBytes },
    warnings: bloatWarnings(`in schema ${schema}`, unknownFromTables(tableRows))
  }
}

/** The upkeep figures of each table of the schema (Vigil's own, for the UI); `client` is on that database. */
export async function schemaUpkeep(client: Queryable, schema: string): Promise<TableUpkeep[]> {
  if (!nameable(schema)) return []
  const rows = (await client.query(SCHEMA_UPKEEP_SQL, [schema])).rows as Row[]
  return rows.map((row) => ({
    name: String(row.name),
    n_live_tup: numOrNull(row.n_live_tup),
    n_dead_tup: numOrNull(row.n_dead_tup),
    last_vacuum: textOrNull(row.last_vacuum),
    last_autovacuum: textOrNull(row.last_autovacuum),
    last_analyze: textOrNull(row.last_analyze),
    last_autoanalyze: textOrNull(row.last_autoanalyze)
  }))
}

/** GET /maintenance/{db}/schema/{schema}/table/{table}; `client` is on that database. */
export async function tableView(client: Queryable, schema: string, table: string): Promise<ViewResult<TableView>> {
  const row = nameable(schema) && nameable(table) ? ((await client.query(TABLE_SQL, [schema, table])).rows as Row[])[0] : undefined
  if (!row) throw new AppError('not_found', `Table ${schema}.${table} not found`)
  const indexRows = (await client.query(TABLE_INDEXES_SQL, [schema, table])).rows as Row[]
  const { n_indexes: _notInTableView, ...summary } = tableOf(row)
  const body: TableView = {
    ...summary,
    analyze_count: numOrNull(row.analyze_count),
    autoanalyze_count: numOrNull(row.autoanalyze_count),
    autovacuum_count: numOrNull(row.autovacuum_count),
    fillfactor: num(row.fillfactor),
    idx_scan: numOrNull(row.idx_scan),
    idx_tup_fetch: numOrNull(row.idx_tup_fetch),
    indexes: indexRows.map(indexOf),
    last_analyze: textOrNull(row.last_analyze),
    last_autoanalyze: textOrNull(row.last_autoanalyze),
    last_autovacuum: textOrNull(row.last_autovacuum),
    last_vacuum: textOrNull(row.last_vacuum),
    n_dead_tup: numOrNull(row.n_dead_tup),
    n_live_tup: numOrNull(row.n_live_tup),
    n_mod_since_analyze: numOrNull(row.n_mod_since_analyze),
    n_tup_del: numOrNull(row.n_tup_del),
    n_tup_hot_upd: numOrNull(row.n_tup_hot_upd),
    n_tup_ins: numOrNull(row.n_tup_ins),
    n_tup_upd: numOrNull(row.n_tup_upd),
    relid: String(row.relid),
    relname: String(row.relname),
    schemaname: String(row.schemaname),
    seq_scan: numOrNull(row.seq_scan),
    seq_tup_read: numOrNull(row.seq_tup_read),
    vacuum_count: numOrNull(row.vacuum_count)
  }
  return { body: sortedKeys(body), warnings: bloatWarnings(`of table ${schema}.${table}`, unknownFromTables([row])) }
}

/** Whether an object could have this name: PostgreSQL text cannot hold a NUL (it would fail the query). */
function nameable(name: string): boolean {
  return name.length > 0 && !name.includes('\0')
}

/** The agent answers with keys in alphabetical order; some objects here are built from two lists. */
function sortedKeys<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T
}
