// Series that arrive as Prometheus series (the import today, scraping later) are stored under
// their own names, apart from Vigil's groups: the store metric is `prom:<name>`, the labels are
// the series' own, and the one column is `value`. Vigil's features select their groups by exact
// store names (vmstat, pg_dashboard, …), and no such name starts with `prom:`, so an imported
// `vmstat` or `pg_dashboard` can never be read, rolled up or dropped as Vigil's own.
import type { GroupKey } from '../../base/series/series-store'
import type { LabelSet } from './label-sets'

export const EXTERNAL_PREFIX = 'prom:'
/** Every Prometheus name of a series Vigil collects starts so (vigil-families.ts); an import may not use it. */
export const VIGIL_PREFIX = 'vigil_'
export const EXTERNAL_COLUMNS = ['value'] as const

export function externalGroupKey(name: string, labels: LabelSet): GroupKey {
  return { metric: `${EXTERNAL_PREFIX}${name}`, labels, columns: EXTERNAL_COLUMNS }
}

/** The Prometheus name of an external group's store metric, or null for a group of Vigil's. */
export function externalName(storeMetric: string): string | null {
  return storeMetric.startsWith(EXTERNAL_PREFIX) ? storeMetric.slice(EXTERNAL_PREFIX.length) : null
}
