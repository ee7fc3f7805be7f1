// The labels that come from Vigil's registers rather than the store: a server's name and OS, a
// PostgreSQL instance's name. Read once per request, so one answer sees one state of them.
import type { WatchedTableLabels } from '../../table-monitoring'
import { REGISTRY_LABELS, type RegistryLookup } from './family'

export interface RegistrySnapshot {
  /** server_id → the server's hostname and OS type, for every registered server. */
  servers: ReadonlyMap<string, { hostname: string; os: string }>
  /** instance_id (decimal) → the instance's name, for every registered PostgreSQL instance. */
  pgInstances: ReadonlyMap<string, string>
  /** table_id (decimal) → the watched table's server, database, engine, schema and table names. */
  tables: ReadonlyMap<string, WatchedTableLabels>
}

export interface SeriesRegistry {
  snapshot(): RegistrySnapshot
}

export const EMPTY_REGISTRY: SeriesRegistry = { snapshot: () => ({ servers: new Map(), pgInstances: new Map(), tables: new Map() }) }

/** The labels a lookup adds to a group with these store labels ('' where the register has no entry). */
export function registryLabels(lookup: RegistryLookup, storeLabels: Readonly<Record<string, string>>, registry: RegistrySnapshot): Array<[string, string]> {
  if (lookup === 'server') {
    const server = registry.servers.get(storeLabels.server_id ?? '')
    return [
      ['server', server?.hostname ?? ''],
      ['os', server?.os ?? '']
    ]
  }
  if (lookup === 'pg-instance') return [['instance', registry.pgInstances.get(storeLabels.instance_id ?? '') ?? '']]
  const table = registry.tables.get(storeLabels.table_id ?? '')
  return REGISTRY_LABELS['watched-table'].map((label) => [label, table?.[label as keyof WatchedTableLabels] ?? ''])
}

/**
 * The store label and values that a registry label's value stands for: `server="web-01"` is
 * server_id = that server's id. Null when the label is not a registry label of this lookup.
 */
export function registryIds(lookup: RegistryLookup, label: string, value: string, registry: RegistrySnapshot): { storeLabel: string; ids: string[] } | null {
  if (lookup === 'server' && label === 'server') {
    return { storeLabel: 'server_id', ids: [...registry.servers].filter(([, server]) => server.hostname === value).map(([id]) => id) }
  }
  if (lookup === 'pg-instance' && label === 'instance') {
    return { storeLabel: 'instance_id', ids: [...registry.pgInstances].filter(([, name]) => name === value).map(([id]) => id) }
  }
  if (lookup === 'watched-table' && REGISTRY_LABELS[lookup].includes(label)) {
    const named = (table: WatchedTableLabels) => table[label as keyof WatchedTableLabels] === value
    return { storeLabel: 'table_id', ids: [...registry.tables].filter(([, table]) => named(table)).map(([id]) => id) }
  }
  return null
}
