// PostgreSQL: the instance registry, one pool per instance, the agent's operations (activity,
// administration, pgconf, maintenance, monitoring, dashboard, statements) and the host side
// through linked servers. Public surface of the feature.
import type { AuditTrail } from '../audit'
import type { FailureReporter } from '../base/background'
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { SettingsRepo } from '../base/db/settings-repo'
import type { SeriesStore } from '../base/series/series-store'
import type { SecretBox } from '../base/security/secrets'
import type { ServerHostKeys, ServersService } from '../servers'
import { PgAgentService } from './agent-service'
import { LinkedHosts } from './host/linked-hosts'
import { PgInstanceEngines } from './instance-engines'
import { createPostgresInstancesRepo } from './instances-repo'
import { PostgresInstancesService } from './instances-service'
import { createPgMaintenanceJobsRepo } from './maintenance/jobs-repo'
import { MaintenanceScheduler } from './maintenance/scheduler'
import { recordMaintenance } from './maintenance/trail'
import { PostgresPools } from './pool'
import { messageOf } from '../base/text'

export { AGENT_PLUGINS, DASHBOARD_DB_PARTS, DASHBOARD_HOST_PARTS, PgAgentService } from './agent-service'
export { rowEstimateSql } from './catalog-sql'
export { pgEndpoint, pgFailure, type PgEndpoint } from './errors'
// How the dashboard history is kept in the series store, for the Prometheus series model.
export { DASHBOARD_COLUMNS, DASHBOARD_INFO_METRIC, DASHBOARD_METRIC, INSTANCE_LABEL } from './dashboard/series-mapping'
export { PostgresInstancesService } from './instances-service'
export { PostgresPools } from './pool'
export type { PgInstanceEngines } from './instance-engines'

export interface PostgresFeature {
  instances: PostgresInstancesService
  /** One pg pool per PostgreSQL instance. */
  pools: PostgresPools
  /** Every agent operation, for the /pg routes and the UI's pg.* channels alike. */
  agent: PgAgentService
  /** The dashboard collectors, one per instance. */
  engines: PgInstanceEngines
  /** Scheduled VACUUM/ANALYZE/REINDEX jobs. */
  maintenance: MaintenanceScheduler
  /** The host side of instances, through their linked servers. */
  linkedHosts: LinkedHosts
}

export interface PostgresDeps {
  db: Db
  bus: EventBus
  secrets: SecretBox
  settings: SettingsRepo
  servers: ServersService
  hostKeys: ServerHostKeys
  audit: AuditTrail
  /** Where the dashboards' history is kept (pg_dashboard and pg_dashboard_info, by instance_id). */
  series: SeriesStore
  /** How long the dashboards' series are kept: the raw metrics' retention; all of them when not given. */
  retention?: { rawDays: number }
  /** Where the failures of background work (the maintenance schedule) go. */
  failures: FailureReporter
}

const DAY_MS = 86_400_000

export function createPostgresFeature({ db, bus, secrets, settings, servers, hostKeys, audit, series, retention, failures }: PostgresDeps): PostgresFeature {
  const linkedHosts = new LinkedHosts(servers, hostKeys)
  const pools = new PostgresPools({}, (id, error) =>
    console.warn(`[vigil] PostgreSQL instance ${id}: an idle session failed: ${error.message}`)
  )
  const instances = new PostgresInstancesService(createPostgresInstancesRepo(db), servers, secrets, bus, pools)
  const retentionMs = retention ? retention.rawDays * DAY_MS : undefined
  const engines = new PgInstanceEngines(instances, pools, settings, bus, linkedHosts, series, retentionMs, (id, error) =>
    console.warn(`[vigil] PostgreSQL instance ${id}: dashboard collection failed: ${messageOf(error)}`)
  )
  // A deleted instance takes its dashboard series with it (ids are never reused: AUTOINCREMENT).
  bus.subscribe('postgres.changed', ({ ids }) => {
    const registered = new Set(instances.list({}).map((instance) => instance.id))
    for (const id of ids) if (!registered.has(id)) engines.forget(id)
  })
  const maintenance = new MaintenanceScheduler({
    repo: createPgMaintenanceJobsRepo(db),
    connect: (instanceId, database) => pools.connectDedicated(instances.target(instanceId), database),
    onError: failures('starting scheduled PostgreSQL maintenance'),
    onEvent: (event) => {
      recordMaintenance(audit, event)
      // Progress samples come every 2 s per running job; only changes of state are news (webhooks).
      if (event.type !== 'progress') bus.publish('postgres.maintenance', { type: event.type, job: event.job, description: event.description })
    }
  })
  const agent = new PgAgentService({ instances, pools, engines, hosts: linkedHosts, maintenance, audit })
  return { instances, pools, agent, engines, maintenance, linkedHosts }
}
