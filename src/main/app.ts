import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { AppInfo } from '../shared/contract'
import { buildApi } from './api/server'
import { createAuditTrail, type AuditTrail } from './audit'
import type { FailureReporter } from './base/background'
import { EventBus } from './base/bus'
import { openDb, pingDb, type Db } from './base/db/db'
import { LOG_DIR, logLine, RotatingLogFile } from './base/log/log-file'
import { securePrivateTree } from './base/security/private-file'
import { messageOf } from './base/text'
import { createSettingsRepo } from './base/db/settings-repo'
import { loadOrCreateApiToken, rotateApiToken, TOKEN_FILE } from './base/security/api-token'
import { Authenticator } from './base/security/browser-auth'
import { createAuthRepo } from './base/security/auth-repo'
import { loadSecretBox, type KeyWrapper } from './base/security/secrets'
import { SeriesStore } from './base/series/series-store'
import type { VigilConfig } from './config'
import { createHandlers, type Handlers } from './handlers'
import { createMetricsFeature, MetricsUpgrade, ROLLED_UP, type CollectorManager, type MetricsMaintenance, type MetricsService, type MetricsWriter } from './metrics'
import { createPostgresFeature, type PostgresInstancesService, type PostgresPools } from './postgres'
import { createPrometheusFeature, externalOriginMatchers, type PrometheusFeature } from './prometheus'
import { createServersFeature, seedLocalServer, type ConnectionsService, type ServersService } from './servers'
import { createSelfMetrics } from './self-metrics'
import { createModelsFeature, type ModelsService } from './models'
import { createSourcesFeature, type SourcesFeature, type SourcesService } from './sources'
import { createImportsFeature, type ImportsFeature } from './imports'
import { createTableMonitoring, TABLE_SNAPSHOT_MATCHERS, type TableMonitoringFeature } from './table-monitoring'
import { RateLimiter } from './base/security/rate-limiter'
import { Callers } from './api/callers'
import { createUsersFeature, DEFAULT_LOGIN_LIMITS, type UsersService } from './users'
import { createWebhooksFeature, type WebhooksService } from './webhooks'

export const DB_FILE = 'vigil.db'
/** The series store's write-ahead head log, beside the database. */
export const SERIES_LOG_DIR = 'series-head'

export interface VigilApp {
  config: VigilConfig
  db: Db
  /** Every time series Vigil keeps. */
  series: SeriesStore
  bus: EventBus
  auth: Authenticator
  servers: ServersService
  metrics: MetricsService
  /** Where collectors hand their samples. */
  metricsWriter: MetricsWriter
  /** Roll-ups each minute, retention each hour; run() does both now. */
  maintenance: MetricsMaintenance
  /** The data dir's upgrade at start (metrics into the series store); maintenance starts when it completes. */
  upgrade: MetricsUpgrade
  collectors: CollectorManager
  connections: ConnectionsService
  postgres: PostgresInstancesService
  users: UsersService
  audit: AuditTrail
  /** One pg pool per PostgreSQL instance. */
  postgresPools: PostgresPools
  /** Table monitoring ("Oracle Monitoring APIs"): registry, snapshots, and the monitor that takes them. */
  oracle: Omit<TableMonitoringFeature, 'detach'>
  /** Every stored series as Prometheus series, the /prometheus API's answers, and the import. */
  prometheus: PrometheusFeature
  /** Every collector as a source, Vigil's health and the activity log (platform-api.md). */
  platform: SourcesFeature
  /** SQL models: files in <dataDir>/models built in models.db (platform-api.md, dbt Operations). */
  models: ModelsService
  /** Import sources: CSV and nmon files into the store, a server's history or imports.db. */
  imports: ImportsFeature
  /** Vigil's events posted to HTTP receivers (/api/v1/webhooks/, Settings → Webhooks). */
  webhooks: WebhooksService
  handlers: Handlers
  api: FastifyInstance
  /** The owner's API token now (it changes when rotated). */
  readonly apiToken: string
  /** What start-up changed or could not change in the data directory's modes (also in the log). */
  notices: string[]
  /** Vigil's log (errors always; requests too with --log), rotated in the data directory. */
  logFile: string
  /** Base URL once listening, e.g. http://127.0.0.1:7420 (https:// with config.tls) */
  url: string | null
  listen(): Promise<string>
  close(): Promise<void>
}

export interface AppOptions {
  /** Electron's safeStorage, when there is one. */
  keyWrapper?: KeyWrapper
  /** Where the upgrade's `upgrade:` lines go besides the log (vigil serve: stdout). */
  onUpgradeLine?: (line: string) => void
}

/** The composition root: the Electron shell and `vigil serve` both start Vigil through here. */
export async function createApp(config: VigilConfig, options: AppOptions = {}): Promise<VigilApp> {
  // Everything in the data directory is the user's alone: 0700 directories, 0600 files, even
  // when the directory existed before with looser modes (each change is reported).
  const notices = securePrivateTree(config.dataDir)
  const logFile = new RotatingLogFile(join(config.dataDir, LOG_DIR))
  let db: Db
  let series: SeriesStore
  try {
    db = openDb(join(config.dataDir, DB_FILE))
  } catch (error) {
    logFile.close()
    throw error
  }
  try {
    series = new SeriesStore(db, { logDir: join(config.dataDir, SERIES_LOG_DIR) })
  } catch (error) {
    db.close()
    logFile.close()
    throw error
  }
  try {
    const bus = new EventBus()
    const secrets = loadSecretBox(config.dataDir, options.keyWrapper)
    const apiToken = loadOrCreateApiToken(config.dataDir)
    const clock = config.clock ?? Date.now
    const auth = new Authenticator(apiToken, createAuthRepo(db), clock)
    // Every owner token this run has known, redacted from the log (a rotated one stays a secret).
    const logSecrets = [apiToken]
    const rotateOwnerToken = (keepSessionHash: string | null): string => {
      const token = rotateApiToken(config.dataDir)
      logSecrets.push(token)
      auth.replaceToken(token, keepSessionHash)
      return token
    }
    // A background task's failure (a timer's work): in Vigil's log, and in the activity log (the
    // UI’s Activity page, GET /api/logs) unless writing there is what fails.
    let activityLog: SourcesService | null = null
    const failures: FailureReporter = (task) => (error) => {
      const line = `${task} failed: ${messageOf(error)}`
      try {
        logFile.write(logLine(line, 'error'))
      } catch {
        console.error(`[vigil] ${line}`)
      }
      try {
        activityLog?.record(null, 'ERROR', line)
      } catch {
        // The database is what fails: the line is in Vigil's log.
      }
    }
    const settings = createSettingsRepo(db)
    const audit = createAuditTrail(db, bus)
    const { users, sessions, tokens } = createUsersFeature(db, DEFAULT_LOGIN_LIMITS, clock)
    const { servers, connections, hostKeys } = createServersFeature({
      db,
      secrets,
      bus,
      onHostKeyAccepted: (id) => {
        metricsFeature.collectors.restart(id)
        postgresFeature.linkedHosts.forget(id)
      }
    })
    const metricsFeature = createMetricsFeature({ series, bus, servers, hostKeys, retention: config.retention, topProcesses: config.topProcesses, failures })
    const { metrics, writer: metricsWriter, maintenance, collectors } = metricsFeature
    const postgresFeature = createPostgresFeature({ db, bus, secrets, settings, servers, hostKeys, audit, series, retention: config.retention, failures })
    const { instances: postgres, pools: postgresPools, agent: pgAgent, engines: pgEngines, maintenance: pgMaintenance, linkedHosts } = postgresFeature
    const { detach: detachTableMonitoring, ...oracle } = createTableMonitoring({ db, bus, secrets, servers, series, settings: config.snapshotMonitor })
    // A table's snapshot counts, and what scrape targets expose, are kept as long as raw metrics.
    maintenance.retainAsRaw(TABLE_SNAPSHOT_MATCHERS)
    maintenance.retainAsRaw(externalOriginMatchers('scrape'))
    const prometheus = createPrometheusFeature({
      db,
      series,
      servers,
      postgres,
      tables: oracle.counts,
      version: config.version,
      secrets,
      bus,
      remoteWrite: config.remoteWriteOptions,
      log: (message, level) => logFile.write(logLine(message, level === 'warn' ? 'error' : 'info'))
    })
    if (config.monitorLocalhost) seedLocalServer(servers, settings)
    // Created before any collector starts: what they collect from now on is told from the copy.
    const upgrade = new MetricsUpgrade({
      db,
      store: series,
      bus,
      settings: config.upgrade,
      write: (line, level) => {
        logFile.write(logLine(line, level))
        options.onUpgradeLine?.(line)
      }
    })
    const startedAt = new Date().toISOString()
    let url: string | null = null
    const info = (): AppInfo => ({
      version: config.version,
      dataDir: config.dataDir,
      apiUrl: url,
      tokenFile: join(config.dataDir, TOKEN_FILE),
      startedAt,
      upgrade: upgrade.status()
    })
    // Models read the store through the services (never vigil.db itself); their lines and events
    // join the platform's (the activity log, /ws), which is created next.
    const models = createModelsFeature({
      dataDir: config.dataDir,
      store: {
        servers: () => servers.allRows(),
        samples: (metric, start, end, serverId) => metrics.samplesBetween(metric, start, end, serverId),
        hourly: (metric, start, end, serverId) => metrics.hourlyBetween(metric, start, end, serverId)
      },
      log: (source, level, message) => platform.sources.record(source, level, message),
      event: (event) => bus.publish('platform.event', event),
      onError: failures('the models’ schedule')
    })
    const imports = createImportsFeature({
      dataDir: config.dataDir,
      db,
      series,
      bus,
      serverExists: (id) => servers.allRows().some((row) => row.id === id),
      dropDebounceMs: config.dropDebounceMs,
      maxUploadBytes: config.importMaxUploadBytes,
      onError: failures('importing from the drop folder')
    })
    const platform = createSourcesFeature({
      db,
      bus,
      audit,
      servers,
      collectors,
      postgres: { instances: postgres, engines: pgEngines },
      tables: oracle,
      scrape: prometheus,
      imports: imports.provider,
      rawRetentionDays: config.retention.rawDays,
      failures,
      health: {
        version: config.version,
        dataDir: config.dataDir,
        dbFile: join(config.dataDir, DB_FILE),
        startedAt: Date.parse(startedAt),
        collects: config.collect,
        url: () => url,
        pingDatabase: () => pingDb(db),
        upgradeStatus: () => upgrade.status(),
        maintenance,
        stagingTables: ROLLED_UP.length * 2,
        models,
        watcher: () => imports.watcher.status()
      }
    })
    activityLog = platform.sources
    const webhooksFeature = createWebhooksFeature({
      db,
      bus,
      secrets,
      audit,
      principalOf: (username) => users.principalOf(username),
      hostname: (id) => servers.allRows().find((row) => row.id === id)?.hostname ?? null,
      version: config.version,
      options: config.webhooks,
      now: clock
    })
    const webhooks = webhooksFeature.service
    const selfMetrics = createSelfMetrics({ bus, servers, sources: platform.sources, series, remoteWrite: prometheus.remoteWrite, dbFile: join(config.dataDir, DB_FILE) })
    const handlers = createHandlers({ servers, connections, metricSeries: metricsFeature.series, postgres, pgAgent, users, tokens, audit, rotateOwnerToken, oracle, prometheus, sources: platform.sources, models, imports, webhooks, info })
    const limiter = new RateLimiter(db, failures('writing rate-limit counts'), clock)
    const callers = new Callers({ auth, users, tokens, limiter, limits: config.rateLimits })
    const api = await buildApi({
      version: config.version,
      allowedHosts: config.allowedHosts,
      rendererDir: config.rendererDir,
      vendorDir: config.vendorDir,
      log: { requests: config.logRequests, file: logFile, secrets: logSecrets },
      webSockets: config.webSockets,
      auth,
      callers,
      users,
      audit,
      bus,
      handlers,
      servers,
      metrics,
      connections,
      postgres,
      agent: {
        callers,
        users,
        sessions,
        audit,
        instances: postgres,
        service: pgAgent,
        version: config.version,
        startedAt: Date.parse(startedAt),
        dataDir: config.dataDir
      },
      oracle,
      prometheus,
      platform: { ...platform, models, bus, imports },
      tls: config.tls,
      webops: { callers, audit, users, tokens, webhooks },
      pingDatabase: () => pingDb(db),
      upgradeStatus: () => upgrade.status(),
      remoteWrite: prometheus.remoteWrite,
      selfMetrics
    })

    for (const notice of notices) api.log.warn(notice)

    // Background work starts last, once nothing above can fail and leave it running.
    // Scheduled VACUUM/ANALYZE/REINDEX jobs run whether or not metrics are collected.
    pgMaintenance.start()
    // A server's address changed or it was removed: its scrape targets follow.
    const detachScrapeTargets = bus.subscribe('servers.changed', () => prometheus.scraper.sync())
    platform.sources.start(`Vigil ${config.version} started`)
    // Remote write sends whatever is stored, collected or imported, so it runs whether or not this instance collects.
    if (config.remoteWrite) await prometheus.remoteWrite.configure(config.remoteWrite)
    else prometheus.remoteWrite.start()
    models.start()
    imports.start(platform.sources)
    if (config.collect) {
      prometheus.scraper.start()
      oracle.monitor.start()
      collectors.start()
      pgEngines.start()
    }
    // A data dir of an earlier Vigil is upgraded in the background; roll-ups and retention start
    // once it has completed, never on unconverted data.
    let closing = false
    void upgrade.run().then((complete) => {
      if (complete && !closing) maintenance.start()
    })
    const app: VigilApp = {
      config,
      db,
      series,
      bus,
      auth,
      servers,
      metrics,
      metricsWriter,
      maintenance,
      upgrade,
      collectors,
      connections,
      postgres,
      users,
      audit,
      postgresPools,
      oracle,
      prometheus,
      platform,
      models,
      imports,
      webhooks,
      handlers,
      api,
      get apiToken() {
        return auth.token
      },
      notices,
      logFile: logFile.path,
      get url() {
        return url
      },
      async listen() {
        await api.listen({ host: config.host, port: config.port })
        const address = api.server.address()
        const port = typeof address === 'object' && address ? address.port : config.port
        const host = config.host.includes(':') ? `[${config.host}]` : config.host
        url = `${config.tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`
        return url
      },
      async close() {
        closing = true
        // Every step runs even when one before it fails (a database already gone, a pool that will
        // not close): a step skipped would leave its timers running in a process that goes on,
        // writing to a closed database. The first failure is thrown at the end.
        const failures: unknown[] = []
        const step = async (work: () => unknown): Promise<void> => {
          try {
            await work()
          } catch (error) {
            failures.push(error)
          }
        }
        await step(() => api.close())
        // The counts of the last second, so a restart hands nobody a fresh quota.
        await step(() => limiter.flush())
        // Before the features whose events it relays, and before the database its log is in.
        await step(() => webhooksFeature.close())
        await step(() => selfMetrics.close())
        await step(() => models.close())
        await step(() => platform.sources.stop(`Vigil ${config.version} stopping`))
        await step(() => imports.close())
        await step(() => upgrade.stop())
        await step(() => detachTableMonitoring())
        await step(() => oracle.monitor.stop())
        await step(() => oracle.sources.closeAll())
        await step(() => collectors.stop())
        await step(() => detachScrapeTargets())
        await step(() => prometheus.scraper.stop())
        await step(() => prometheus.remoteWrite.stop())
        await step(() => pgEngines.stop())
        await step(() => linkedHosts.close())
        await step(() => pgMaintenance.close())
        await step(() => postgresPools.closeAll())
        await step(() => maintenance.stop())
        await step(() => metricsWriter.close())
        await step(() => metricsFeature.detach())
        await step(() => servers.writeLastSeen())
        await step(() => series.close())
        await step(() => db.close())
        await step(() => logFile.close())
        if (failures.length > 0) throw failures[0]
      }
    }
    return app
  } catch (error) {
    series.close()
    db.close()
    logFile.close()
    throw error
  }
}
