// A running job's progress, read from the pg_stat_progress_* view its command reports to:
//   VACUUM            pg_stat_progress_vacuum
//   VACUUM FULL       pg_stat_progress_cluster (a rewrite, reported as CLUSTER's is)
//   ANALYZE (and VACUUM's ANALYZE step)  pg_stat_progress_analyze
//   REINDEX           pg_stat_progress_create_index
// All four exist on every supported version (13+). Each is read into one shape: phase, the
// relation at work, and done/total of whatever the phase counts (blocks, indexes, …); the rest of
// the view's counters go into `detail` under the names the server version uses.
//
// Version changes:
//   17  pg_stat_progress_vacuum measures dead tuples in bytes (TID store): max_dead_tuples and
//       num_dead_tuples became max_dead_tuple_bytes, dead_tuple_bytes and num_dead_item_ids; it
//       also counts indexes (indexes_total, indexes_processed), so index phases get a percent.
//   18  pg_stat_progress_vacuum and pg_stat_progress_analyze gain delay_time (ms spent sleeping
//       in cost-based delay; 0 unless track_cost_delay_timing is on).
// The row of a backend of another role shows nulls to a role without pg_read_all_stats; jobs
// run as the instance's role, so their rows are always visible to the session that polls them.
import { forVersion, type Queryable } from '../queryable'
import type { MaintenanceOperation, MaintenanceProgress, ProgressSource, VacuumOptions } from './types'

/** The relation an oid names, in the session's database; null for 0 (not known yet). */
function relationName(oidColumn: string): string {
  return `CASE WHEN ${oidColumn} = 0 THEN NULL ELSE ${oidColumn}::regclass::text END`
}

/** json_build_object('a', a, 'b', b) over the view's own column names. */
function detail(columns: readonly string[]): string {
  return `json_build_object(${columns.map((column) => `'${column}', ${column}`).join(', ')})`
}

interface Counted {
  /** Phase → [done column, total expression, unit]. */
  phases: ReadonlyArray<readonly [phase: string, done: string, total: string, unit: string]>
}

/** done/total/unit columns for the phases that count something. */
function countedColumns({ phases }: Counted): string {
  const pick = (index: 1 | 2 | 3): string =>
    `CASE phase ${phases.map((entry) => `WHEN '${entry[0]}' THEN ${index === 3 ? `'${entry[3]}'` : entry[index]}`).join(' ')} END`
  return `(${pick(1)})::float8 AS done, (${pick(2)})::float8 AS total, ${pick(3)} AS unit`
}

const HEAP_PHASES = [
  ['scanning heap', 'heap_blks_scanned', 'heap_blks_total', 'blocks'],
  ['vacuuming heap', 'heap_blks_vacuumed', 'heap_blks_total', 'blocks']
] as const

const INDEX_PHASES_17 = [
  ['vacuuming indexes', 'indexes_processed', 'indexes_total', 'indexes'],
  ['cleaning up indexes', 'indexes_processed', 'indexes_total', 'indexes']
] as const

const VACUUM_COUNTERS = ['heap_blks_total', 'heap_blks_scanned', 'heap_blks_vacuumed', 'index_vacuum_count']
const VACUUM_DEAD_TUPLES_13 = ['max_dead_tuples', 'num_dead_tuples']
const VACUUM_DEAD_TUPLES_17 = ['max_dead_tuple_bytes', 'dead_tuple_bytes', 'num_dead_item_ids', 'indexes_total', 'indexes_processed']

function vacuumSql(phases: Counted['phases'], counters: readonly string[]): string {
  return `SELECT 'vacuum' AS source, phase, ${relationName('relid')} AS relation, ${countedColumns({ phases })},
  ${detail(counters)} AS detail
FROM pg_catalog.pg_stat_progress_vacuum WHERE pid = $1`
}

const VACUUM_PROGRESS = [
  [130000, vacuumSql(HEAP_PHASES, [...VACUUM_COUNTERS, ...VACUUM_DEAD_TUPLES_13])],
  [170000, vacuumSql([...HEAP_PHASES, ...INDEX_PHASES_17], [...VACUUM_COUNTERS, ...VACUUM_DEAD_TUPLES_17])],
  [180000, vacuumSql([...HEAP_PHASES, ...INDEX_PHASES_17], [...VACUUM_COUNTERS, ...VACUUM_DEAD_TUPLES_17, 'delay_time'])]
] as const

const CLUSTER_PROGRESS = [
  [
    130000,
    `SELECT 'cluster' AS source, phase, ${relationName('relid')} AS relation, ${countedColumns({
      phases: [
        ['seq scanning heap', 'heap_blks_scanned', 'heap_blks_total', 'blocks'],
        ['rebuilding index', 'index_rebuild_count', '(SELECT count(*) FROM pg_catalog.pg_index i WHERE i.indrelid = relid)', 'indexes']
      ]
    })},
  ${detail(['heap_tuples_scanned', 'heap_tuples_written', 'heap_blks_total', 'heap_blks_scanned', 'index_rebuild_count'])} AS detail
FROM pg_catalog.pg_stat_progress_cluster WHERE pid = $1`
  ]
] as const

const ANALYZE_PHASES = [
  ['acquiring sample rows', 'sample_blks_scanned', 'sample_blks_total', 'blocks'],
  ['acquiring inherited sample rows', 'child_tables_done', 'child_tables_total', 'tables'],
  ['computing extended statistics', 'ext_stats_computed', 'ext_stats_total', 'statistics']
] as const

const ANALYZE_COUNTERS = ['sample_blks_total', 'sample_blks_scanned', 'ext_stats_total', 'ext_stats_computed', 'child_tables_total', 'child_tables_done']

function analyzeSql(counters: readonly string[]): string {
  // While it samples the children of an inheritance tree, the child is the relation at work.
  const relation = `coalesce(${relationName('current_child_table_relid')}, ${relationName('relid')})`
  return `SELECT 'analyze' AS source, phase, ${relation} AS relation, ${countedColumns({ phases: ANALYZE_PHASES })},
  ${detail(counters)} AS detail
FROM pg_catalog.pg_stat_progress_analyze WHERE pid = $1`
}

const ANALYZE_PROGRESS = [
  [130000, analyzeSql(ANALYZE_COUNTERS)],
  [180000, analyzeSql([...ANALYZE_COUNTERS, 'delay_time'])]
] as const

// CREATE INDEX and REINDEX share the view; its building phases are named after the access method
// ("building index: scanning table", "building index: loading tuples in tree"), so they are
// matched by prefix and count blocks when the method reports them, tuples otherwise.
const CREATE_INDEX_PROGRESS = [
  [
    130000,
    `SELECT 'create_index' AS source, phase,
  coalesce(${relationName('index_relid')}, ${relationName('relid')}) AS relation,
  (CASE WHEN phase LIKE 'building index%' AND blocks_total > 0 THEN blocks_done
        WHEN phase LIKE 'building index%' AND tuples_total > 0 THEN tuples_done
        WHEN phase LIKE 'waiting for%' AND lockers_total > 0 THEN lockers_done END)::float8 AS done,
  (CASE WHEN phase LIKE 'building index%' AND blocks_total > 0 THEN blocks_total
        WHEN phase LIKE 'building index%' AND tuples_total > 0 THEN tuples_total
        WHEN phase LIKE 'waiting for%' AND lockers_total > 0 THEN lockers_total END)::float8 AS total,
  CASE WHEN phase LIKE 'building index%' AND blocks_total > 0 THEN 'blocks'
       WHEN phase LIKE 'building index%' AND tuples_total > 0 THEN 'tuples'
       WHEN phase LIKE 'waiting for%' AND lockers_total > 0 THEN 'lockers' END AS unit,
  ${detail(['lockers_total', 'lockers_done', 'blocks_total', 'blocks_done', 'tuples_total', 'tuples_done', 'partitions_total', 'partitions_done'])} AS detail
FROM pg_catalog.pg_stat_progress_create_index WHERE pid = $1`
  ]
] as const

const PROGRESS_SQL: Record<ProgressSource, ReadonlyArray<readonly [number, string]>> = {
  vacuum: VACUUM_PROGRESS,
  cluster: CLUSTER_PROGRESS,
  analyze: ANALYZE_PROGRESS,
  create_index: CREATE_INDEX_PROGRESS
}

/** The views a job's command reports to, in the order it goes through them. */
export function progressSources(operation: MaintenanceOperation, vacuum: VacuumOptions | null): ProgressSource[] {
  switch (operation) {
    case 'vacuum':
      return [vacuum?.full ? 'cluster' : 'vacuum', ...(vacuum?.analyze ? (['analyze'] as const) : [])]
    case 'analyze':
      return ['analyze']
    case 'reindex':
      return ['create_index']
  }
}

/** One query over the job's views for backend $1; a backend reports to one view at a time. */
export function progressSql(versionNum: number, sources: readonly ProgressSource[]): string {
  return sources.map((source) => forVersion(versionNum, PROGRESS_SQL[source])).join('\nUNION ALL\n')
}

interface ProgressRow {
  source: ProgressSource
  phase: string | null
  relation: string | null
  done: number | null
  total: number | null
  unit: MaintenanceProgress['unit']
  detail: Record<string, number | null>
}

/** The backend's progress now, or null when it reports none (between two steps, or done). */
export async function readProgress(
  session: Queryable,
  versionNum: number,
  sources: readonly ProgressSource[],
  pid: number,
  now: number
): Promise<MaintenanceProgress | null> {
  const { rows } = await session.query<ProgressRow>(progressSql(versionNum, sources), [pid])
  const row = rows[0]
  if (!row) return null
  const percent = row.done !== null && row.total !== null && row.total > 0 ? Math.round((1000 * row.done) / row.total) / 10 : null
  return {
    source: row.source,
    phase: row.phase ?? 'unknown',
    relation: row.relation,
    done: row.done,
    total: row.total,
    unit: row.unit,
    percent,
    detail: row.detail,
    sampledAt: now
  }
}
