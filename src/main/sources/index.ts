// Sources (platform-api.md): every collector — servers over SSH or local exec, PostgreSQL
// instances, watched tables — as a source with its state, rows, freshness, syncs and own log;
// OpenMetrics scrape targets; import sources (src/main/imports); Vigil's health and the activity log.
import type { AuditTrail } from '../audit'
import type { FailureReporter } from '../base/background'
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { CollectorManager } from '../metrics'
import type { PgInstanceEngines, PostgresInstancesService } from '../postgres'
import type { ServersService } from '../servers'
import type { OracleDatabasesService, OracleTablesService, SnapshotMonitor } from '../table-monitoring'
import { postgresSources, scrapeSources, serverSources, tableSources, type ScrapeTargets, type SourceProvider } from './collectors'
import { PlatformHealthService, type PlatformHealthDeps } from './platform-health'
import { RowCounts } from './row-counts'
import { createSourcesRepo } from './sources-repo'
import { SourcesService } from './sources-service'

export { PlatformHealthService } from './platform-health'
export { SourcesService, SyncRunning } from './sources-service'
export type { CollectorView, SourceProvider } from './collectors'

export interface SourcesFeature {
  sources: SourcesService
  health: PlatformHealthService
}

export interface SourcesDeps {
  db: Db
  bus: EventBus
  audit: AuditTrail
  servers: ServersService
  collectors: CollectorManager
  postgres: { instances: PostgresInstancesService; engines: PgInstanceEngines }
  tables: { databases: OracleDatabasesService; tables: OracleTablesService; monitor: SnapshotMonitor }
  /** The OpenMetrics collection targets (a sync scrapes one now). */
  scrape: ScrapeTargets
  /** Import sources (src/main/imports). */
  imports?: SourceProvider
  /** Rows are counted within the raw retention. */
  rawRetentionDays: number
  /** Where the failures of the sources' own background work (their periodic flush) go. */
  failures: FailureReporter
  health: Omit<PlatformHealthDeps, 'sources'>
}

export function createSourcesFeature(deps: SourcesDeps): SourcesFeature {
  const repo = createSourcesRepo(deps.db)
  const rows = new RowCounts(repo, deps.rawRetentionDays)
  const providers = [
    serverSources(deps.servers, deps.collectors),
    postgresSources(deps.postgres.instances, deps.postgres.engines, (key) => sources.track(key)),
    tableSources(deps.tables.databases, deps.tables.tables, deps.tables.monitor),
    scrapeSources(deps.scrape),
    ...(deps.imports ? [deps.imports] : [])
  ]
  const sources: SourcesService = new SourcesService({ repo, rows, bus: deps.bus, audit: deps.audit, providers, onError: deps.failures('writing the sources’ states and row counts') })
  return { sources, health: new PlatformHealthService({ ...deps.health, sources }) }
}
