// SQL fragments over the catalogs whose meaning changed between supported majors.

/**
 * pg_class.reltuples of the row aliased `pgClass` as a row estimate, NULL when it was never
 * counted (no VACUUM or ANALYZE yet). 14+ says so with -1. Before 14 such a table reads 0 rows
 * in 0 pages whatever it holds, as a vacuumed empty table does and as a partitioned table always
 * does; those servers' own planner takes relpages = 0 as "never vacuumed", and so does this.
 */
export function rowEstimateSql(pgClass: string): string {
  return `CASE WHEN ${pgClass}.reltuples < 0
    OR (${pgClass}.reltuples = 0 AND ${pgClass}.relpages = 0 AND current_setting('server_version_num')::int < 140000)
    THEN NULL ELSE ${pgClass}.reltuples END`
}
