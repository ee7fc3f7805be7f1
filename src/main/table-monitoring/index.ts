// Table monitoring (the spec's "Oracle Monitoring APIs"): Oracle and PostgreSQL tables
// snapshotted on a schedule and diffed by key. Public surface of the feature.
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { SecretBox } from '../base/security/secrets'
import type { ServersService } from '../servers'
import { OracleDataService } from './data-service'
import { OracleDatabasesService } from './databases-service'
import { SnapshotMonitor, type MonitorSettings } from './monitor/snapshot-monitor'
import { createOracleMonitoringRepo } from './monitoring-repo'
import { createSnapshotSource } from './sources/source-factory'
import { SnapshotSources } from './sources/sources'
import { OracleTablesService } from './tables-service'

export { OracleDataService } from './data-service'
export { OracleDatabasesService } from './databases-service'
export type { SnapshotRow } from './monitor/diff'
export { SnapshotMonitor, type MonitorSettings } from './monitor/snapshot-monitor'
export { SnapshotSources } from './sources/sources'
export { OracleTablesService } from './tables-service'

export interface TableMonitoringFeature {
  databases: OracleDatabasesService
  tables: OracleTablesService
  data: OracleDataService
  /** Takes the snapshots on each table's schedule. */
  monitor: SnapshotMonitor
  /** One open source (connection) per database. */
  sources: SnapshotSources
  /** Stops following the server register (the monitor and sources are closed by their owners). */
  detach(): void
}

export interface TableMonitoringDeps {
  db: Db
  bus: EventBus
  secrets: SecretBox
  servers: ServersService
  settings?: Partial<MonitorSettings>
}

export function createTableMonitoring({ db, bus, secrets, servers, settings }: TableMonitoringDeps): TableMonitoringFeature {
  const repo = createOracleMonitoringRepo(db)
  // The sources read each database's target (password opened) from the registry when they connect.
  const sources: SnapshotSources = new SnapshotSources((id) => databases.target(id), createSnapshotSource)
  const databases: OracleDatabasesService = new OracleDatabasesService(repo, servers, secrets, bus, sources)
  const monitor = new SnapshotMonitor(repo, sources, bus, settings, (error) => console.error('[vigil] table snapshot bookkeeping failed:', error))
  // A deleted server takes its databases with it (ON DELETE CASCADE): close their connections.
  const detach = bus.subscribe('servers.changed', () => void sources.retain(new Set(repo.databaseIds())))
  return {
    databases,
    tables: new OracleTablesService(repo, databases, sources, monitor, bus),
    data: new OracleDataService(repo, databases),
    monitor,
    sources,
    detach
  }
}
