// A family: the series Vigil keeps as one kind of group in the series store, seen as Prometheus
// series — one series per numeric column of each group, with the group's labels renamed where
// Prometheus has a convention, and labels looked up in a registry (a server's name and OS).

/** The `# TYPE` Prometheus' metadata API reports. */
export type MetricType = 'counter' | 'gauge' | 'info' | 'unknown'

/** `# HELP`, `# TYPE` and the unit, as /api/v1/metadata gives them. */
export interface MetricDoc {
  type: MetricType
  help: string
  /** Vigil's unit, as the field catalogue writes it ('KiB', '%'); '' for none. */
  unit: string
}

export interface FamilyMetric extends MetricDoc {
  /** The Prometheus metric name, e.g. vigil_vmstat_us. */
  name: string
  /** The store column it reads. */
  column: string
}

/** Where labels that are not in the store come from. */
export type RegistryLookup =
  /** `server` (the hostname) and `os` ('linux' or 'aix'), by the group's server_id. */
  | 'server'
  /** `instance` (the instance's name), by the group's instance_id. */
  | 'pg-instance'
  /** `server`, `database`, `engine`, `schema` and `table` of a watched table, by the group's table_id. */
  | 'watched-table'

export interface SeriesFamily {
  /** For the README and errors: vmstat, iostat, … */
  name: string
  /** The metric of the family's groups in the store. */
  storeMetric: string
  metrics: readonly FamilyMetric[]
  /**
   * Store label → Prometheus label, for the labels kept (renamed where Prometheus has a
   * convention: iostat's disk is `device`); null keeps every store label as it is (info series).
   */
  storeLabels: Readonly<Record<string, string>> | null
  registry: RegistryLookup
  /** What the labels are, for the README. */
  labelDocs: Readonly<Record<string, string>>
}

/** The labels a registry lookup adds. */
export const REGISTRY_LABELS: Record<RegistryLookup, readonly string[]> = {
  server: ['server', 'os'],
  'pg-instance': ['instance'],
  'watched-table': ['server', 'database', 'engine', 'schema', 'table']
}

/** The Prometheus label names a family's series can carry, or null when any (store labels kept as they are). */
export function familyLabelNames(family: SeriesFamily): ReadonlySet<string> | null {
  if (family.storeLabels === null) return null
  return new Set([...Object.values(family.storeLabels), ...REGISTRY_LABELS[family.registry]])
}
