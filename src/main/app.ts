import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { AppInfo } from '../shared/contract'
import { buildApi } from './api/server'
import { EventBus } from './base/bus'
import type { VigilConfig } from './config'
import { createHandlers, type Handlers } from './handlers'
import { loadOrCreateApiToken, TOKEN_FILE } from './base/security/api-token'
import { Authenticator } from './base/security/browser-auth'
import { loadSecretBox, type KeyWrapper } from './base/security/secrets'
import { CollectorManager } from './metrics/collection/collector-manager'
import { createCollector } from './metrics/collection/collector-factory'
import { seedLocalServer } from './servers/local-server'
import { MaintenanceScheduler, type MaintenanceEvent } from './postgres/maintenance/scheduler'
import { PostgresPools } from './postgres/pool'
import { ConnectionsService, sqliteHostKeyStore } from './servers/connections-service'
import { MetricSeriesService } from './metrics/metric-series-service'
import { MetricsService } from './metrics/metrics-service'
import { MetricsMaintenance } from './metrics/metrics-maintenance'
import { MetricsWriter } from './metrics/metrics-writer'
import { PostgresInstancesService } from './postgres/instances-service'
import { AgentSessions } from './users/agent-sessions'
import { AuditTrail } from './audit/audit-trail'
import { LinkedHosts } from './postgres/host/linked-hosts'
import { PgAgentService } from './postgres/agent-service'
import { PgInstanceEngines } from './postgres/instance-engines'
import { ServersService } from './servers/servers-service'
import { UsersService } from './users/users-service'
import { createAuditRepo } from './audit/audit-repo'
import { createAuthRepo } from './base/security/browser-sessions-repo'
import { createPgMaintenanceJobsRepo } from './postgres/maintenance/jobs-repo'
import { openDb, pingDb, type Db } from './base/db/db'
import { createHostKeysRepo } from './servers/host-keys-repo'
import { createMetricSeriesRepo } from './metrics/metric-series-repo'
import { createMetricsRepo } from './metrics/metrics-repo'
import { createPostgresInstancesRepo } from './postgres/instances-repo'
import { createSettingsRepo } from './base/db/settings-repo'
import { createServersRepo } from './servers/servers-repo'
import { createUsersRepo } from './users/users-repo'
import { SnapshotMonitor } from './table-monitoring/monitor/snapshot-monitor'
import { createSnapshotSource } from './table-monitoring/sources/source-factory'
import { SnapshotSources } from './table-monitoring/sources/sources'
import { OracleDataService } from './table-monitoring/data-service'
import { OracleDatabasesService } from './table-monitoring/databases-service'
import { OracleTablesService } from './table-monitoring/tables-service'
import { createOracleMonitoringRepo } from './table-monitoring/monitoring-repo'

export const DB_FILE = 'vigil.db'

export interface VigilApp {
  config: VigilConfig
  db: Db
  bus: EventBus
  auth: Authenticator
  servers: ServersService
  metrics: MetricsService
  /** Where collectors hand their samples. */
  metricsWriter: MetricsWriter
  /** Roll-ups and retention (runs each minute; run() does it now). */
  maintenance: MetricsMaintenance
  collectors: CollectorManager
  connections: ConnectionsService
  postgres: PostgresInstancesService
  users: UsersService
  audit: AuditTrail
  /** One pg pool per PostgreSQL instance. */
  postgresPools: PostgresPools
  /** Table monitoring ("Oracle Monitoring APIs"): registry, snapshots, and the monitor that takes them. */
  oracle: {
    databases: OracleDatabasesService
    tables: OracleTablesService
    data: OracleDataService
    monitor: SnapshotMonitor
    sources: SnapshotSources
  }
  handlers: Handlers
  api: FastifyInstance
  apiToken: string
  /** Base URL once listening, e.g. http://127.0.0.1:7420 */
  url: string | null
  listen(): Promise<string>
  close(): Promise<void>
}

export interface AppOptions {
  /** Electron's safeStorage, when there is one. */
  keyWrapper?: KeyWrapper
}

/** The composition root: the Electron shell and `vigil serve` both start Vigil through here. */
export async function createApp(config: VigilConfig, options: AppOptions = {}): Promise<VigilApp> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const db = openDb(join(config.dataDir, DB_FILE))
  try {
    const bus = new EventBus()
    const secrets = loadSecretBox(config.dataDir, options.keyWrapper)
    const apiToken = loadOrCreateApiToken(config.dataDir)
    const auth = new Authenticator(apiToken, createAuthRepo(db))
    const servers = new ServersService(createServersRepo(db), secrets, bus)
    const metricsRepo = createMetricsRepo(db)
    const metrics = new MetricsService(metricsRepo, servers)
    const metricSeries = new MetricSeriesService(createMetricSeriesRepo(db), metricsRepo, servers)
    const metricsWriter = new MetricsWriter(metricsRepo, bus, undefined, (error) =>
      console.error('[vigil] dropped a batch of samples:', error)
    )
    const maintenance = new MetricsMaintenance(metricsRepo, config.retention, Date.now, (error) =>
      console.error('[vigil] metrics roll-up or retention failed:', error)
    )
    const hostKeys = createHostKeysRepo(db)
    const collectors = new CollectorManager(servers, bus, (row) =>
      createCollector(row, { servers, writer: metricsWriter, hostKeys: sqliteHostKeyStore(hostKeys), topProcesses: config.topProcesses })
    )
    // The host side of PostgreSQL instances, through their linked servers.
    const linkedHosts = new LinkedHosts(servers, sqliteHostKeyStore(hostKeys))
    const connections = new ConnectionsService(servers, hostKeys, (id) => {
      collectors.restart(id)
      linkedHosts.forget(id)
    })
    const postgresPools = new PostgresPools({}, (id, error) =>
      console.warn(`[vigil] PostgreSQL instance ${id}: an idle session failed: ${error.message}`)
    )
    const postgres = new PostgresInstancesService(createPostgresInstancesRepo(db), servers, secrets, bus, postgresPools)
    const settings = createSettingsRepo(db)
    const pgEngines = new PgInstanceEngines(postgres, postgresPools, settings, bus, linkedHosts, (id, error) =>
      console.warn(`[vigil] PostgreSQL instance ${id}: dashboard collection failed: ${error instanceof Error ? error.message : String(error)}`)
    )
    const usersRepo = createUsersRepo(db)
    const users = new UsersService(usersRepo)
    const audit = new AuditTrail(createAuditRepo(db), bus)
    const pgMaintenance = new MaintenanceScheduler({
      repo: createPgMaintenanceJobsRepo(db),
      connect: (instanceId, database) => postgresPools.connectDedicated(postgres.target(instanceId), database),
      onEvent: (event) => recordMaintenance(audit, event)
    })
    // Every agent operation, for the /pg routes and the UI's pg.* channels alike.
    const pgAgent = new PgAgentService({ instances: postgres, pools: postgresPools, engines: pgEngines, hosts: linkedHosts, maintenance: pgMaintenance, audit })
    if (config.monitorLocalhost) seedLocalServer(servers, settings)
    const startedAt = new Date().toISOString()
    let url: string | null = null
    const info = (): AppInfo => ({
      version: config.version,
      dataDir: config.dataDir,
      apiUrl: url,
      tokenFile: join(config.dataDir, TOKEN_FILE),
      startedAt
    })
    const oracleRepo = createOracleMonitoringRepo(db)
    // The sources read each database's target (password opened) from the registry when they connect.
    const snapshotSources: SnapshotSources = new SnapshotSources((id) => oracleDatabases.target(id), createSnapshotSource)
    const oracleDatabases: OracleDatabasesService = new OracleDatabasesService(oracleRepo, servers, secrets, bus, snapshotSources)
    const snapshotMonitor = new SnapshotMonitor(oracleRepo, snapshotSources, bus, config.snapshotMonitor, (error) =>
      console.error('[vigil] table snapshot bookkeeping failed:', error)
    )
    const oracle = {
      databases: oracleDatabases,
      tables: new OracleTablesService(oracleRepo, oracleDatabases, snapshotSources, snapshotMonitor, bus),
      data: new OracleDataService(oracleRepo, oracleDatabases),
      monitor: snapshotMonitor,
      sources: snapshotSources
    }
    // A deleted server takes its databases with it (ON DELETE CASCADE): close their connections.
    const unsubscribeOracle = bus.subscribe('servers.changed', () => void snapshotSources.retain(new Set(oracleRepo.databaseIds())))
    const handlers = createHandlers({ servers, connections, metricSeries, postgres, pgAgent, users, oracle, info })
    const api = await buildApi({
      version: config.version,
      allowedHosts: config.allowedHosts,
      rendererDir: config.rendererDir,
      vendorDir: config.vendorDir,
      logRequests: config.logRequests,
      auth,
      bus,
      handlers,
      servers,
      metrics,
      connections,
      postgres,
      agent: {
        auth,
        users,
        sessions: new AgentSessions(usersRepo),
        audit,
        instances: postgres,
        service: pgAgent,
        version: config.version,
        startedAt: Date.parse(startedAt),
        dataDir: config.dataDir
      },
      oracle,
      pingDatabase: () => pingDb(db)
    })

    // Background work starts last, once nothing above can fail and leave it running.
    maintenance.start()
    // Scheduled VACUUM/ANALYZE/REINDEX jobs run whether or not metrics are collected.
    pgMaintenance.start()
    if (config.collect) {
      snapshotMonitor.start()
      collectors.start()
      pgEngines.start()
    }
    const app: VigilApp = {
      config,
      db,
      bus,
      auth,
      servers,
      metrics,
      metricsWriter,
      maintenance,
      collectors,
      connections,
      postgres,
      users,
      audit,
      postgresPools,
      oracle,
      handlers,
      api,
      apiToken,
      get url() {
        return url
      },
      async listen() {
        await api.listen({ host: config.host, port: config.port })
        const address = api.server.address()
        const port = typeof address === 'object' && address ? address.port : config.port
        const host = config.host.includes(':') ? `[${config.host}]` : config.host
        url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`
        return url
      },
      async close() {
        await api.close()
        unsubscribeOracle()
        await snapshotMonitor.stop()
        await snapshotSources.closeAll()
        await collectors.stop()
        await pgEngines.stop()
        linkedHosts.close()
        await pgMaintenance.close()
        await postgresPools.closeAll()
        maintenance.stop()
        metricsWriter.close()
        db.close()
      }
    }
    return app
  } catch (error) {
    db.close()
    throw error
  }
}

const MAINTENANCE_VERBS: Record<Exclude<MaintenanceEvent['type'], 'progress'>, string> = {
  scheduled: 'scheduled',
  started: 'started',
  done: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
  missed: 'missed (Vigil was not running at its time)'
}

/** Every maintenance job's life in the trail (not its progress samples). */
function recordMaintenance(audit: AuditTrail, event: MaintenanceEvent): void {
  if (event.type === 'progress') return
  const error = event.type === 'failed' && event.job.error ? `: ${event.job.error}` : ''
  audit.record(event.job.requestedBy ?? 'vigil', event.job.instanceId, `${event.description} ${MAINTENANCE_VERBS[event.type]}${error}`)
}
