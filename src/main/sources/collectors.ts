import type { LogLevel, SourceType, SyncRun } from '../../shared/platform'
import { isFailingServerState } from '../../shared/servers'
import { isoSeconds } from '../../shared/time'
import type { CollectorManager } from '../metrics'
import type { PgInstanceEngines, PostgresInstancesService } from '../postgres'
import type { ScrapeManager, WorkspacesService } from '../prometheus'
import type { ServersService } from '../servers'
import type { OracleDatabasesService, OracleTablesService, SnapshotMonitor } from '../table-monitoring'

/** What the sources service keeps of each source between events (source_state). */
export interface Tracked {
  lastOk: number | null
  failingSince: number | null
  error: string | null
}

/** One collector as the sources see it, read fresh from its feature at every request. */
export interface CollectorView {
  /** Stable storage key, the same across renames: server:<uuid>, postgres:<id>, table:<id>. */
  key: string
  /** The API's name: `<kind>:<the collector's own name>`. */
  name: string
  type: SourceType
  id: string
  enabled: boolean
  /** The collector's own state word (collecting, unreachable, …). */
  state: string
  error: string | null
  failing: boolean
  /** Its first data is on the way (a connection being made, a first run). */
  starting: boolean
  /** A run of the collector's own is going on (a scheduled table snapshot). */
  running: boolean
  lastUpdate: number | null
  /** Tables it writes, with their own row count where the collector knows it (a snapshot's rows). */
  tables: Array<{ name: string; schema: string; rows: number | null }>
  config(): Record<string, unknown>
}

export interface SyncOutcome {
  rows: number
  /** A partial success (one metric failed while the others were collected). */
  warning: string | null
}

/** One kind of collector: lists its sources and collects one now. */
export interface SourceProvider {
  list(): CollectorView[]
  /** `log`: a line in the source's own log while the sync runs (an import's progress). */
  sync(view: CollectorView, log?: (level: LogLevel, message: string) => void): Promise<SyncOutcome>
  /** The collector's own run history, when it keeps one (table tasks); else the syncs are the history. */
  history?(view: CollectorView, limit: number): SyncRun[]
}

export const SERVER_TABLES = ['vmstat', 'iostat', 'netstat', 'process'] as const
export const PG_TABLE = 'pg_dashboard'

/** Every registered server, SSH or this machine: its collector and its four metric tables. */
export function serverSources(servers: ServersService, collectors: CollectorManager): SourceProvider {
  return {
    list: () =>
      servers.allRows().map((row) => {
        const enabled = row.monitoring_enabled === 1 && row.status !== 'inactive'
        return {
          key: `server:${row.id}`,
          name: `server:${row.hostname}`,
          type: row.collector === 'local' ? 'local' : 'ssh',
          id: row.id,
          enabled,
          state: row.collection_state,
          error: row.collection_error,
          failing: enabled && isFailingServerState(row.collection_state),
          starting: enabled && (row.collection_state === 'connecting' || row.collection_state === 'collecting'),
          running: false,
          lastUpdate: row.last_seen,
          tables: SERVER_TABLES.map((name) => ({ name, schema: 'raw', rows: null })),
          config: () => ({
            hostname: row.hostname,
            alias: row.alias,
            ip_address: row.ip_address,
            ssh_port: row.ssh_port,
            ssh_username: row.ssh_username,
            ssh_key_path: row.ssh_key_path,
            collector: row.collector,
            os_type: row.os_type,
            status: row.status,
            monitoring_enabled: row.monitoring_enabled === 1,
            monitoring_interval: row.monitoring_interval,
            environment: row.environment
          })
        } satisfies CollectorView
      }),
    async sync(view) {
      const row = servers.rowOf(view.id)
      const running = collectors.collectNow(view.id)
      if (!running) throw new Error(`its collector is not running (monitoring ${row.monitoring_enabled === 1 ? 'starts shortly' : 'is off'})`)
      let results
      try {
        results = await running
      } catch {
        const now = servers.rowOf(view.id)
        throw new Error(`not connected (${now.collection_state}${now.collection_error ? `: ${now.collection_error}` : ''})`)
      }
      const rows = results.reduce((sum, result) => sum + result.rows.length, 0)
      const failed = results.filter((result) => result.error !== null).map((result) => `${result.metric}: ${result.error ?? ''}`)
      if (rows === 0) throw new Error(failed.join('; ') || 'no rows')
      return { rows, warning: failed.length > 0 ? failed.join('; ') : null }
    }
  }
}

/** Every registered PostgreSQL instance: its dashboard collector (history in pg_dashboard). */
export function postgresSources(instances: PostgresInstancesService, engines: PgInstanceEngines, tracked: (key: string) => Tracked): SourceProvider {
  return {
    list: () =>
      instances.list({}).map((instance) => {
        const key = `postgres:${instance.id}`
        const state = tracked(key)
        const failing = instance.is_active && state.failingSince !== null
        const collecting = instance.is_active && engines.collects(instance.id)
        return {
          key,
          name: `postgres:${instance.name}`,
          type: 'postgresql',
          id: String(instance.id),
          enabled: instance.is_active,
          state: !instance.is_active ? 'disabled' : failing ? 'error' : collecting ? 'collecting' : 'idle',
          error: failing ? state.error : null,
          failing,
          starting: collecting,
          running: false,
          lastUpdate: state.lastOk,
          tables: [{ name: PG_TABLE, schema: 'raw', rows: null }],
          config: () => ({
            instance_id: instance.id,
            instance_name: instance.name,
            host: instance.host,
            port: instance.port,
            username: instance.username,
            maintenance_db: instance.maintenance_db,
            server_name: instance.server_name,
            is_active: instance.is_active,
            dashboard: engines.of(instance.id).collector.config()
          })
        } satisfies CollectorView
      }),
    async sync(view) {
      await engines.of(Number(view.id)).collector.collectNow()
      return { rows: 1, warning: null }
    }
  }
}

/** Every watched table (Oracle or PostgreSQL): its snapshot monitor; the table's rows are the last snapshot's. */
export function tableSources(
  databases: OracleDatabasesService,
  tables: OracleTablesService,
  monitor: SnapshotMonitor
): SourceProvider {
  return {
    list: () => {
      const engines = new Map(databases.list({}).map((database) => [database.id, database.engine]))
      return tables.list({}).map((table) => {
        const lastUpdate = table.last_snapshot_at === null ? null : Date.parse(table.last_snapshot_at)
        return {
          key: `table:${table.id}`,
          name: `table:${table.database_name}.${table.schema_name}.${table.table_name}`,
          type: engines.get(table.database_id) === 'postgresql' ? 'postgresql_table' : 'oracle_table',
          id: String(table.id),
          enabled: table.is_active,
          state: table.monitoring_status,
          error: table.last_error,
          failing: table.is_active && table.monitoring_status === 'error',
          starting: false,
          running: monitor.isRunning(table.id),
          lastUpdate,
          tables: [{ name: table.table_name, schema: table.schema_name, rows: table.last_record_count ?? 0 }],
          config: () => ({
            database_id: table.database_id,
            database_name: table.database_name,
            server_name: table.server_name,
            schema_name: table.schema_name,
            table_name: table.table_name,
            polling_interval: table.polling_interval,
            columns_to_monitor: table.columns_to_monitor,
            where_clause: table.where_clause,
            order_by: table.order_by,
            max_rows: table.max_rows,
            skip_unchanged: table.skip_unchanged,
            is_active: table.is_active
          })
        } satisfies CollectorView
      })
    },
    async sync(view) {
      const result = await tables.monitorNow(Number(view.id))
      if (!result.success) throw new Error(result.message.replace(/^Monitoring task failed: /, ''))
      return { rows: result.records_collected, warning: null }
    },
    history: (view, limit) =>
      tables.tasks(Number(view.id), { limit }).map((task) => ({
        timestamp: task.started_at ?? task.created_at,
        status: task.status === 'completed' ? 'success' : task.status === 'failed' ? 'failed' : 'running',
        duration_seconds: task.duration,
        rows_processed: task.records_collected ?? 0,
        full_refresh: true,
        trigger: task.trigger,
        error: task.error_message
      }))
  }
}

export const iso = (ms: number | null): string | null => (ms === null ? null : isoSeconds(ms))

/** What the scrape-target provider needs of the Prometheus feature. */
export interface ScrapeTargets {
  workspaces: Pick<WorkspacesService, 'allTargets'>
  scraper: Pick<ScrapeManager, 'scrapeNow'>
}

/** Every OpenMetrics collection target (prometheus/scrape): syncing one scrapes it now. */
export function scrapeSources({ workspaces, scraper }: ScrapeTargets): SourceProvider {
  return {
    list: () =>
      workspaces.allTargets().map(({ workspace, target }) => ({
        key: `scrape:${target.targetId}`,
        name: `scrape:${workspace.jobName}@${target.hostNm}:${target.port}`,
        type: 'scrape',
        id: target.targetId,
        enabled: true,
        state: target.mntrnStatCd === null ? 'pending' : target.mntrnStatCd === 'UP' ? 'up' : 'down',
        error: target.failReason,
        failing: target.mntrnStatCd === 'DOWN',
        starting: target.mntrnStatCd === null,
        running: false,
        lastUpdate: target.lastScrapeYmdt === null ? null : Date.parse(`${target.lastScrapeYmdt}Z`),
        tables: [{ name: workspace.jobName, schema: 'prom', rows: target.lastScrapeSamples }],
        config: () => ({
          job: workspace.jobName,
          job_id: workspace.jobId,
          host_id: target.hostId,
          hostname: target.hostNm,
          port: target.port,
          url: target.scrapeUrl,
          scrape_interval_seconds: workspace.scrapeIntervalSec,
          scrape_timeout_seconds: workspace.scrapeTimeoutSec,
          honor_labels: workspace.honorLabels
        })
      })),
    async sync(view) {
      const report = await scraper.scrapeNow(view.id)
      if (report === null) throw new Error('the target is gone')
      if (!report.up) throw new Error(report.failReason ?? 'the scrape failed')
      return { rows: report.samples, warning: null }
    }
  }
}
