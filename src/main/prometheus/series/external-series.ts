// Series that arrive as Prometheus series are stored under their own names, apart from Vigil's
// groups: the store metric is `<origin>:<name>` — `prom:` for the import, `scrape:` for what
// targets expose, `csv:` for the metrics CSV files of an import source — the labels are the
// series' own, and the one column is `value`. Vigil's features select their groups by exact
// store names (vmstat, pg_dashboard, …), none of which has such a prefix, so an imported or scraped `vmstat` can never be read, rolled up or dropped
// as Vigil's own. The origin decides retention: scraped series are kept `--retention-days`, like
// collected ones; an import (a backfill, old by nature), CSV ones too, until it is deleted.
import type { LabelMatcher } from '../../base/series/matchers'
import { METRIC_LABEL } from '../../base/series/group-catalog'
import type { GroupKey } from '../../base/series/series-store'
import type { LabelSet } from './label-sets'

export type ExternalOrigin = 'import' | 'scrape' | 'csv'

const PREFIXES: Record<ExternalOrigin, string> = { import: 'prom:', scrape: 'scrape:', csv: 'csv:' }
const ANY_PREFIX = /^(?:prom|scrape|csv):/

/** Every Prometheus name of a series Vigil collects starts so (vigil-families.ts); an import may not use it. */
export const VIGIL_PREFIX = 'vigil_'
/** …except Vigil's own figures (GET /metrics), which are no family: Vigil may scrape itself. */
export const SELF_PREFIX = 'vigil_self_'

/** Whether a name is in the namespace of the series Vigil collects (imports refuse it, scrapes leave it out). */
export function isReservedName(name: string): boolean {
  return name.startsWith(VIGIL_PREFIX) && !name.startsWith(SELF_PREFIX)
}
export const EXTERNAL_COLUMNS = ['value'] as const

export function externalGroupKey(origin: ExternalOrigin, name: string, labels: LabelSet): GroupKey {
  return { metric: `${PREFIXES[origin]}${name}`, labels, columns: EXTERNAL_COLUMNS }
}

/** The Prometheus name of an external group's store metric, or null for a group of Vigil's. */
export function externalName(storeMetric: string): string | null {
  const prefix = ANY_PREFIX.exec(storeMetric)
  return prefix === null ? null : storeMetric.slice(prefix[0].length)
}

/**
 * The store matcher of external groups: of the Prometheus name `name` (a metric name, which
 * holds no regex metacharacter), or of every one; every origin.
 */
export function externalMetricMatcher(name?: string): LabelMatcher {
  return { name: METRIC_LABEL, op: '=~', value: `(?:prom|scrape|csv):${name ?? '.*'}` }
}

/** The store matchers of the series of one origin (retention of scraped series). */
export function externalOriginMatchers(origin: ExternalOrigin): LabelMatcher[] {
  return [{ name: METRIC_LABEL, op: '=~', value: `${PREFIXES[origin]}.*` }]
}
