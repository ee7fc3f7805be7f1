// Table monitoring (the spec's "Oracle Monitoring APIs"): Oracle and PostgreSQL tables
// snapshotted on a schedule and diffed by key. Public surface of the feature.
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { SecretBox } from '../base/security/secrets'
import type { SeriesStore } from '../base/series/series-store'
import type { ServersService } from '../servers'
import { OracleDataService } from './data-service'
import { OracleDatabasesService } from './databases-service'
import { SnapshotMonitor, type MonitorSettings } from './monitor/snapshot-monitor'
import { createOracleMonitoringRepo } from './monitoring-repo'
import { SnapshotCountSeries } from './snapshot-series'
import { createSnapshotSource } from './sources/source-factory'
import { SnapshotSources } from './sources/sources'
import { OracleTablesService } from './tables-service'

export { OracleDataService } from './data-service'
export { OracleDatabasesService } from './databases-service'
export type { SnapshotRow } from './monitor/diff'
export { SnapshotMonitor, type MonitorSettings } from './monitor/snapshot-monitor'
export { SnapshotSources } from './sources/sources'
export { OracleTablesService } from './tables-service'
export { DATABASE_ID_LABEL, SnapshotCountSeries, TABLE_ID_LABEL, TABLE_SNAPSHOT_COLUMNS, TABLE_SNAPSHOT_MATCHERS, TABLE_SNAPSHOT_METRIC, type WatchedTableLabels } from './snapshot-series'

export interface TableMonitoringFeature {
  databases: OracleDatabasesService
  tables: OracleTablesService
  data: OracleDataService
  /** Takes the snapshots on each table's schedule. */
  monitor: SnapshotMonitor
  /** One open source (connection) per database. */
  sources: SnapshotSources
  /** Each table's snapshot counts as series (vigil_table_*). */
  counts: SnapshotCountSeries
  /** Stops following the server register (the monitor and sources are closed by their owners). */
  detach(): void
}

export interface TableMonitoringDeps {
  db: Db
  bus: EventBus
  secrets: SecretBox
  servers: ServersService
  /** Where each snapshot's counts go. */
  series: SeriesStore
  settings?: Partial<MonitorSettings>
}

export function createTableMonitoring({ db, bus, secrets, servers, series, settings }: TableMonitoringDeps): TableMonitoringFeature {
  const repo = createOracleMonitoringRepo(db)
  // The sources read each database's target (password opened) from the registry when they connect.
  const sources: SnapshotSources = new SnapshotSources((id) => databases.target(id), createSnapshotSource)
  const databases: OracleDatabasesService = new OracleDatabasesService(repo, servers, secrets, bus, sources)
  const reportError = (error: unknown) => console.error('[vigil] table snapshot bookkeeping failed:', error)
  const monitor = new SnapshotMonitor(repo, sources, bus, settings, reportError)
  const counts = new SnapshotCountSeries(series, repo)
  const safely = (work: () => void) => {
    try {
      work()
    } catch (error) {
      reportError(error)
    }
  }
  // Snapshots taken before the counts were series, or lost from them by a crash.
  safely(() => counts.catchUp())
  const detachers = [
    bus.subscribe('oracle.snapshot', ({ tableId }) => safely(() => counts.catchUp([tableId]))),
    bus.subscribe('oracle.changed', () => safely(() => counts.forgetDeleted())),
    // A deleted server takes its databases with it (ON DELETE CASCADE): close their connections.
    bus.subscribe('servers.changed', () => {
      void sources.retain(new Set(repo.databaseIds()))
      safely(() => counts.forgetDeleted())
    })
  ]
  return {
    databases,
    tables: new OracleTablesService(repo, databases, sources, monitor, bus),
    data: new OracleDataService(repo, databases),
    monitor,
    sources,
    counts,
    detach: () => detachers.forEach((detach) => detach())
  }
}
