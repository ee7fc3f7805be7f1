// SQL of the maintenance views. Everything here reads catalogs, statistics views and size
// functions that a pg_monitor role may use; only the bloat estimates depend on what pg_stats
// shows the role (see bloat-sql.ts). Sizes are pretty-printed by the server's pg_size_pretty,
// so "8192 bytes" and "16 kB" read exactly as the agent API shows them.
//
// Definitions, the same at every level so that the parts add up to the total:
//   a table    relkind 'r' or 'p' (as pg_tables lists them), outside pg_toast and temp schemas
//   total      pg_total_relation_size(table): heap, indexes and TOAST
//   index      pg_indexes_size(table), or pg_total_relation_size(index) for one index
//   toast      pg_total_relation_size(the table's TOAST table), 0 without one
//   table      total − index − toast: the heap with its free space and visibility maps
// An aggregate's `*_bytes` is 0 and its `*_size` null when there was nothing to add up, as the
// agent API's own examples show (information_schema: indexes_bytes 0, indexes_size null).
import { rowEstimateSql } from '../catalog-sql'
import { BTREE_BLOAT_CTE, fillfactor, TABLE_BLOAT_CTE } from './bloat-sql'

/** Which tables the `tables` CTE holds: $1 is the schema, $2 the table. */
type RelationScope = 'database' | 'schema' | 'table'

const SCOPE_FILTER: Record<RelationScope, string> = {
  // pg_toast, pg_toast_temp_N and pg_temp_N: other sessions' temporary tables are not ours to list.
  database: `n.nspname !~ '^pg_(temp|toast)'`,
  schema: 'n.nspname = $1',
  table: 'n.nspname = $1 AND c.relname = $2'
}

/** tables(oid, nspname, relname, relkind, reltuples, row_estimate, readable, total_bytes, index_bytes, toast_bytes, table_bytes) */
function tablesCte(scope: RelationScope): string {
  return `
tables AS (
  SELECT oid, nspname, relname, relkind, reltuples, row_estimate, readable, total_bytes, index_bytes, toast_bytes,
    total_bytes - index_bytes - toast_bytes AS table_bytes
  FROM (
    SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples, ${rowEstimateSql('c')} AS row_estimate,
      has_table_privilege(c.oid, 'SELECT') AS readable,
      coalesce(pg_total_relation_size(c.oid), 0) AS total_bytes,
      coalesce(pg_indexes_size(c.oid), 0) AS index_bytes,
      coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast_bytes
    FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND ${SCOPE_FILTER[scope]}
  ) AS sized
)`
}

/**
 * The share of bloat in the current database's tables (heap) or B-tree indexes (btree), in %:
 * the estimated bloat over the pages it was estimated on, over every relation with an estimate
 * (a relation whose statistics the role may not read has none, and counts for neither). Null
 * when no relation has one. For the monitoring probes heap_bloat and btree_bloat.
 */
export function bloatRatioSql(kind: 'heap' | 'btree'): string {
  const ratio =
    kind === 'heap'
      ? `SELECT sum(b.bloat_bytes)::float8 * 100
         / nullif(sum((c.relpages + coalesce(t.relpages, 0))::float8 * current_setting('block_size')::float8), 0)
    FROM table_bloat b
      JOIN pg_catalog.pg_class c ON c.oid = b.tblid
      LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
   WHERE b.bloat_bytes IS NOT NULL`
      : `SELECT sum(b.bloat_bytes)::float8 * 100 / nullif(sum(c.relpages::float8 * current_setting('block_size')::float8), 0)
    FROM index_bloat b
      JOIN pg_catalog.pg_class c ON c.oid = b.idxoid
   WHERE b.bloat_bytes IS NOT NULL`
  return `WITH ${tablesCte('database')},
${kind === 'heap' ? TABLE_BLOAT_CTE : BTREE_BLOAT_CTE}
SELECT current_database() AS dbname, (${ratio}) AS ratio`
}

/** The tables of the scope with their bloat estimates (null when unknown). */
function relationCtes(scope: RelationScope): string {
  return `WITH ${tablesCte(scope)},
${TABLE_BLOAT_CTE},
${BTREE_BLOAT_CTE},
table_indexes AS (
  SELECT x.indrelid AS tbloid,
    count(*) AS n_indexes,
    sum(pg_total_relation_size(x.indexrelid)) AS indexes_bytes,
    sum(ib.bloat_bytes) AS bloat_bytes,
    count(*) FILTER (WHERE am.amname = 'btree' AND ib.idxoid IS NOT NULL AND ib.bloat_bytes IS NULL) AS unknown_bloat
  FROM tables t
    JOIN pg_catalog.pg_index x ON x.indrelid = t.oid
    JOIN pg_catalog.pg_class ci ON ci.oid = x.indexrelid
    JOIN pg_catalog.pg_am am ON am.oid = ci.relam
    LEFT JOIN index_bloat ib ON ib.idxoid = x.indexrelid
  GROUP BY x.indrelid
),
per_table AS (
  SELECT t.*,
    -- A partitioned table stores nothing itself: its partitions are tables of their own.
    CASE WHEN t.relkind = 'p' THEN 0 ELSE tb.bloat_bytes END AS bloat_bytes,
    ti.n_indexes, ti.indexes_bytes, ti.bloat_bytes AS index_bloat_bytes,
    -- Bloat unknown for want of statistics: whether the role may read them says why.
    (tb.bloat_bytes IS NULL AND tb.tblid IS NOT NULL) AS table_bloat_unknown,
    coalesce(ti.unknown_bloat, 0) AS index_bloat_unknown
  FROM tables t
    LEFT JOIN table_bloat tb ON tb.tblid = t.oid
    LEFT JOIN table_indexes ti ON ti.tbloid = t.oid
)`
}

/** PostgreSQL's own text form of a timestamptz in UTC ("2019-03-22 10:37:19.577101+00"), whatever the session's DateStyle. */
export function timestampText(column: string): string {
  return `rtrim(rtrim(to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '0'), '.') || '+00'`
}

/**
 * Totals of the tables in `per_table p`: per schema (database view) or for a whole database
 * (instance view). The last four count the relations whose bloat is unknown, and why.
 */
function aggregates(): string {
  return `
    count(p.oid) AS n_tables,
    coalesce(sum(p.total_bytes), 0) AS total_bytes,
    pg_size_pretty(sum(p.total_bytes)) AS total_size,
    coalesce(sum(p.table_bytes), 0) AS tables_bytes,
    pg_size_pretty(sum(p.table_bytes)) AS tables_size,
    coalesce(sum(p.n_indexes), 0) AS n_indexes,
    coalesce(sum(p.indexes_bytes), 0) AS indexes_bytes,
    pg_size_pretty(sum(p.indexes_bytes)) AS indexes_size,
    sum(p.bloat_bytes) AS tables_bloat_bytes,
    pg_size_pretty(sum(p.bloat_bytes)) AS tables_bloat_size,
    sum(p.index_bloat_bytes) AS indexes_bloat_bytes,
    pg_size_pretty(sum(p.index_bloat_bytes)) AS indexes_bloat_size,
    coalesce(sum(p.toast_bytes), 0) AS toast_bytes,
    pg_size_pretty(sum(nullif(p.toast_bytes, 0))) AS toast_size,
    count(*) FILTER (WHERE p.table_bloat_unknown AND p.readable) AS tables_unanalyzed,
    count(*) FILTER (WHERE p.table_bloat_unknown AND NOT p.readable) AS tables_unreadable,
    coalesce(sum(p.index_bloat_unknown) FILTER (WHERE p.readable), 0) AS indexes_unanalyzed,
    coalesce(sum(p.index_bloat_unknown) FILTER (WHERE NOT p.readable), 0) AS indexes_unreadable`
}

/** Instance view: the databases a session may list (templates excluded) with their sizes. */
export const DATABASES_SQL = `
SELECT datname, pg_database_size(oid) AS total_bytes, pg_size_pretty(pg_database_size(oid)) AS total_size
FROM pg_catalog.pg_database
WHERE NOT datistemplate
ORDER BY datname`

/** Instance view: one database's totals, run on a session of that database. */
export const DATABASE_TOTALS_SQL = `${relationCtes('database')}
SELECT ${aggregates()}
FROM per_table p`

/** Database view: the size of the session's database. */
export const DATABASE_SIZE_SQL = `
SELECT pg_database_size(current_database()) AS total_bytes,
  pg_size_pretty(pg_database_size(current_database())) AS total_size`

/** Database view: every schema, with the totals of its tables. */
export const SCHEMAS_SQL = `${relationCtes('database')}
SELECT n.nspname AS name, ${aggregates()}
FROM pg_catalog.pg_namespace n
  LEFT JOIN per_table p ON p.nspname = n.nspname
WHERE n.nspname !~ '^pg_(temp|toast)'
GROUP BY n.nspname
ORDER BY n.nspname`

export const SCHEMA_EXISTS_SQL = 'SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1'

/** The table columns of the schema and table views. */
const TABLE_COLUMNS = `
    p.relname AS name,
    p.total_bytes, pg_size_pretty(p.total_bytes) AS total_size,
    p.index_bytes, pg_size_pretty(p.index_bytes) AS index_size,
    p.toast_bytes, pg_size_pretty(p.toast_bytes) AS toast_size,
    p.table_bytes, pg_size_pretty(p.table_bytes) AS table_size,
    coalesce(p.n_indexes, 0) AS n_indexes,
    p.bloat_bytes, pg_size_pretty(p.bloat_bytes) AS bloat_size,
    p.index_bloat_bytes, pg_size_pretty(p.index_bloat_bytes) AS index_bloat_size,
    p.row_estimate,
    p.readable, p.table_bloat_unknown, p.index_bloat_unknown`

/** Schema view: its tables ($1 = schema). */
export const SCHEMA_TABLES_SQL = `${relationCtes('schema')}
SELECT ${TABLE_COLUMNS}
FROM per_table p
ORDER BY p.relname`

/** Schema and table views: the indexes of the scope's tables, with their usage and bloat. */
function indexesSql(scope: 'schema' | 'table'): string {
  return `WITH ${tablesCte(scope)},
${BTREE_BLOAT_CTE}
SELECT t.relname AS tablename,
  ci.relname AS name,
  ts.spcname AS tablespace,
  x.indnatts AS number_of_columns,
  s.idx_scan AS scans,
  s.idx_tup_read,
  s.idx_tup_fetch,
  ci.relname AS indexrelname,
  x.indisunique,
  pg_get_indexdef(x.indexrelid) AS def,
  pg_total_relation_size(x.indexrelid) AS total_bytes,
  pg_size_pretty(pg_total_relation_size(x.indexrelid)) AS total_size,
  am.amname AS type,
  ib.bloat_bytes,
  pg_size_pretty(ib.bloat_bytes) AS bloat_size
FROM tables t
  JOIN pg_catalog.pg_index x ON x.indrelid = t.oid
  JOIN pg_catalog.pg_class ci ON ci.oid = x.indexrelid
  JOIN pg_catalog.pg_am am ON am.oid = ci.relam
  LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = ci.reltablespace
  LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
  LEFT JOIN index_bloat ib ON ib.idxoid = x.indexrelid
ORDER BY t.relname, ci.relname`
}

/** Schema view: its indexes ($1 = schema). */
export const SCHEMA_INDEXES_SQL = indexesSql('schema')

/** Table view: the table's indexes ($1 = schema, $2 = table). */
export const TABLE_INDEXES_SQL = indexesSql('table')

/** Table view: sizes, bloat and pg_stat_all_tables' counters ($1 = schema, $2 = table). */
export const TABLE_SQL = `${relationCtes('table')}
SELECT ${TABLE_COLUMNS},
  ${fillfactor('c.reloptions', 100)} AS fillfactor,
  p.oid::text AS relid,
  p.relname,
  p.nspname AS schemaname,
  s.seq_scan, s.seq_tup_read, s.idx_scan, s.idx_tup_fetch,
  s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_tup_hot_upd,
  s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze,
  ${timestampText('s.last_vacuum')} AS last_vacuum,
  ${timestampText('s.last_autovacuum')} AS last_autovacuum,
  ${timestampText('s.last_analyze')} AS last_analyze,
  ${timestampText('s.last_autoanalyze')} AS last_autoanalyze,
  s.vacuum_count, s.autovacuum_count, s.analyze_count, s.autoanalyze_count
FROM per_table p
  JOIN pg_catalog.pg_class c ON c.oid = p.oid
  LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = p.oid`

/**
 * The upkeep figures of a schema's tables ($1), for the UI's browser next to the schema view:
 * live and dead tuples and when each was last vacuumed and analyzed, by hand or by autovacuum.
 * pg_stat_all_tables is open to every role.
 */
export const SCHEMA_UPKEEP_SQL = `
SELECT s.relname AS name,
  s.n_live_tup::float8 AS n_live_tup, s.n_dead_tup::float8 AS n_dead_tup,
  ${timestampText('s.last_vacuum')} AS last_vacuum,
  ${timestampText('s.last_autovacuum')} AS last_autovacuum,
  ${timestampText('s.last_analyze')} AS last_analyze,
  ${timestampText('s.last_autoanalyze')} AS last_autoanalyze
FROM pg_catalog.pg_stat_all_tables s
WHERE s.schemaname = $1
ORDER BY s.relname`
