import type { CsvFiles, FileDeleted, ImportSourceView, UploadChunk } from './imports'
import type { ConnectionTestResult, HostKeyInfo, HostKeyStatus } from './connections'
import type { UpgradeStatus } from './upgrade'
import type { ModelDeleted, ModelDetail, ModelInput, ModelList, ModelRows, ModelRunStarted } from './models'
import type { LogEntry, PlatformEvent, Source, SourceDetails, SyncStarted } from './platform'
import type { PrometheusAnswer, PrometheusRequest } from './prometheus'
import type { RemoteWriteInput, RemoteWriteStatus } from './remote-write'
import type { CollectionServer, CollectionTarget, Workspace, WorkspaceInput } from './scrape'
import type { ErrorBody } from './errors'
import type { CreatedToken, CreateOwnToken, Permission, TokenInfo, UpdateUser, UserDto } from './teams'
import type { CreateWebhook, UpdateWebhook, WebhookDelivery, WebhookDto, WebhookTest } from './webhooks'
import type {
  OverviewAnswer,
  OverviewQuery,
  ProcessHistory,
  ProcessHistoryQuery,
  SeriesAnswer,
  SeriesQuery,
  TopProcesses,
  TopProcessesQuery
} from './metric-series'
import type { MetricName } from './metrics'
import type {
  CurrentData,
  DiscoveredTable,
  MonitorNowResult,
  OracleDatabase,
  OracleDatabaseCreate,
  OracleDatabaseListQuery,
  OracleDatabaseUpdate,
  OracleTable,
  OracleTableConfig,
  OracleTableCreate,
  OracleTableListQuery,
  OracleTask,
  OracleTestResult,
  SnapshotDiffView,
  SnapshotEvent,
  SnapshotSummary,
  TableColumns
} from './oracle'
import type {
  ActivityDetailRow,
  CancelResult,
  ControlAction,
  ControlResponse,
  Dashboard,
  DashboardHistory,
  DatabaseView,
  InstanceView,
  KillResult,
  LockGraph,
  LockRow,
  MaintenanceJob,
  MaintenanceJobs,
  MaintenanceRequest,
  Notification,
  RestartStatus,
  SchemaBrowse,
  SettingChange,
  SettingsCategory,
  SettingsUpdateResult,
  StatementsView,
  TableView,
  ViewResult
} from './pg-agent'
import type {
  PostgresInstance,
  PostgresInstanceCreate,
  PostgresInstanceListQuery,
  PostgresInstanceUpdate,
  PostgresTestResult
} from './postgres-instances'
import type {
  BulkStatus,
  CollectionState,
  BulkStatusResult,
  Server,
  ServerCreate,
  ServerListPage,
  ServerListQuery,
  ServerUpdate
} from './servers'

/** What the UI may learn about the running core. Never includes the token itself. */
export interface AppInfo {
  version: string
  dataDir: string
  apiUrl: string | null
  tokenFile: string
  startedAt: string
  /** The data dir's upgrade at start (metrics into the series store); live on the `app.upgrade` topic. */
  upgrade: UpgradeStatus
}

/** The caller: the owner (desktop app, API token, login link) or a named user, with their permissions now. */
export interface Whoami {
  kind: 'owner' | 'api_token' | 'session'
  username: string | null
  isStaff: boolean
  permissions: Permission[]
}

/**
 * The renderer's one contract with the core. Electron carries it over IPC (preload's
 * `invoke`), a browser over HTTP (`POST /rpc/{channel}`); both reach the same handler map.
 */
export interface Contract {
  'app.info': { req: void; res: AppInfo }
  /** Who the UI acts for, and what they may do (the UI hides the rest; the core refuses it anyway). */
  'auth.whoami': { req: void; res: Whoami }
  'servers.list': { req: ServerListQuery; res: ServerListPage }
  'servers.get': { req: { id: string }; res: Server }
  'servers.create': { req: ServerCreate; res: Server }
  'servers.update': { req: { id: string; changes: ServerUpdate }; res: Server }
  'servers.delete': { req: { id: string }; res: { id: string } }
  'servers.bulkStatus': { req: BulkStatus; res: BulkStatusResult }
  'servers.testConnection': { req: { id: string }; res: ConnectionTestResult }
  'servers.hostKey': { req: { id: string }; res: HostKeyStatus | null }
  'servers.acceptHostKey': { req: { id: string; fingerprint: string }; res: HostKeyInfo }
  'metrics.series': { req: SeriesQuery; res: SeriesAnswer }
  'metrics.overview': { req: OverviewQuery; res: OverviewAnswer }
  'metrics.topProcesses': { req: TopProcessesQuery; res: TopProcesses }
  'metrics.processHistory': { req: ProcessHistoryQuery; res: ProcessHistory }
  /** Vigil's users with their permissions (admin: the users area); never a password. */
  'users.list': { req: void; res: UserDto[] }
  'users.add': { req: { username: string; password: string }; res: UserDto[] }
  'users.setPassword': { req: { username: string; password: string }; res: UserDto[] }
  /** is_staff and permission areas (and email): the Users API's PUT. */
  'users.update': { req: { id: number; changes: UpdateUser }; res: UserDto[] }
  'users.remove': { req: { username: string }; res: UserDto[] }
  /** Live API tokens: the caller's own, or everyone's for an admin. */
  'tokens.list': { req: void; res: TokenInfo[] }
  /** A token for the caller — a user who logged in with their password — shown this once. */
  'tokens.create': { req: CreateOwnToken; res: CreatedToken }
  /** A new owner API token (shown once); the old one and the owner's other browser sessions end at once. */
  'auth.rotateOwnerToken': { req: void; res: { token: string } }
  /** Revokes one of the caller's tokens (an admin: anyone's). */
  'tokens.revoke': { req: { id: number }; res: TokenInfo[] }
  'postgres.list': { req: PostgresInstanceListQuery; res: PostgresInstance[] }
  'postgres.get': { req: { id: number }; res: PostgresInstance }
  'postgres.create': { req: PostgresInstanceCreate; res: PostgresInstance }
  'postgres.update': { req: { id: number; changes: PostgresInstanceUpdate }; res: PostgresInstance }
  'postgres.delete': { req: { id: number }; res: { id: number } }
  'postgres.test': { req: { id: number }; res: PostgresTestResult }
  // The agent API's operations on one instance (`id`), for the UI; they act as user 'ui' in the trail.
  /** Client backends with pg_stat_activity's details (application name, start times, wait event). */
  'pg.activity': { req: { id: number }; res: { rows: ActivityDetailRow[] } }
  'pg.activity.waiting': { req: { id: number }; res: { rows: LockRow[] } }
  'pg.activity.blocking': { req: { id: number }; res: { rows: LockRow[] } }
  /** Who blocks whom: waiting backends, their blockers, the lock mode, the wait time, the root blockers. */
  'pg.activity.lockGraph': { req: { id: number }; res: LockGraph }
  'pg.activity.kill': { req: { id: number; pids: number[] }; res: { backends: KillResult[] } }
  /** pg_cancel_backend: the query stops, the session stays. */
  'pg.activity.cancel': { req: { id: number; pids: number[] }; res: { backends: CancelResult[] } }
  /** reload, or start/stop/restart through the instance's control command. */
  'pg.control': { req: { id: number; action: ControlAction }; res: ControlResponse }
  /** The collector's kept history and configuration, and whether it collects. */
  'pg.dashboard.history': { req: { id: number }; res: DashboardHistory }
  /** The collector's latest data set. */
  'pg.dashboard': { req: { id: number }; res: Dashboard }
  /** Every figure read now (for an instance whose dashboard is not collected). */
  'pg.dashboard.live': { req: { id: number }; res: Dashboard }
  'pg.pgconf.settings': { req: { id: number }; res: SettingsCategory[] }
  'pg.pgconf.status': { req: { id: number }; res: RestartStatus }
  /** ALTER SYSTEM + reload, every value checked first. */
  'pg.pgconf.update': { req: { id: number; settings: SettingChange[] }; res: SettingsUpdateResult }
  'pg.statements': { req: { id: number }; res: StatementsView }
  'pg.statements.reset': { req: { id: number }; res: { reset: true } }
  'pg.maintenance.instance': { req: { id: number }; res: ViewResult<InstanceView> }
  'pg.maintenance.database': { req: { id: number; database: string }; res: ViewResult<DatabaseView> }
  'pg.maintenance.schema': { req: { id: number; database: string; schema: string }; res: ViewResult<SchemaBrowse> }
  'pg.maintenance.table': { req: { id: number; database: string; schema: string; table: string }; res: ViewResult<TableView> }
  /** VACUUM, ANALYZE or REINDEX now or at `datetime`. */
  'pg.maintenance.run': { req: { id: number } & MaintenanceRequest; res: { id: string } }
  /** Running (with progress), scheduled, and the latest finished jobs with their errors. */
  'pg.maintenance.jobs': { req: { id: number }; res: MaintenanceJobs }
  'pg.maintenance.cancel': { req: { id: number; job: string }; res: { response: 'ok' } }
  /** The trail: every action on the instance, newest first. */
  'pg.notifications': { req: { id: number }; res: Notification[] }
  'oracle.databases.list': { req: OracleDatabaseListQuery; res: OracleDatabase[] }
  'oracle.databases.get': { req: { id: number }; res: OracleDatabase }
  'oracle.databases.create': { req: OracleDatabaseCreate; res: OracleDatabase }
  'oracle.databases.update': { req: { id: number; changes: OracleDatabaseUpdate }; res: OracleDatabase }
  'oracle.databases.delete': { req: { id: number }; res: { id: number } }
  'oracle.databases.test': { req: { id: number }; res: OracleTestResult }
  'oracle.tables.list': { req: OracleTableListQuery; res: OracleTable[] }
  'oracle.tables.get': { req: { id: number }; res: OracleTable }
  /** Tables the database account can read (the data dictionary), each saying whether it is watched. */
  'oracle.tables.discover': { req: { database_id: number; schema_name?: string }; res: DiscoveredTable[] }
  /** Columns and primary key of one table, for picking columns_to_monitor. */
  'oracle.tables.describe': { req: { database_id: number; schema_name: string; table_name: string }; res: TableColumns }
  'oracle.tables.add': { req: OracleTableCreate; res: OracleTable }
  'oracle.tables.remove': { req: { id: number }; res: { id: number } }
  'oracle.tables.update': { req: { id: number; changes: OracleTableConfig }; res: OracleTable }
  'oracle.tables.monitorNow': { req: { id: number }; res: MonitorNowResult }
  /** The latest snapshot's rows; null before the first snapshot. */
  'oracle.tables.currentData': { req: { id: number }; res: CurrentData | null }
  'oracle.tables.history': { req: { id: number; limit?: number }; res: SnapshotSummary[] }
  /** A snapshot against its predecessor: rows added, removed and changed (with the changed columns). */
  'oracle.tables.diff': { req: { snapshot_id: number }; res: SnapshotDiffView }
  /** The table's newest monitoring tasks, newest first (default 20). */
  'oracle.tables.tasks': { req: { id: number; limit?: number }; res: OracleTask[] }
  /** A read of the Prometheus API (the Explore page), answered as `/prometheus/api/v1/{path}` would. */
  'prometheus.api': { req: PrometheusRequest; res: PrometheusAnswer }
  /** Every collector as a source (the Sources page; GET /api/sources). */
  'sources.list': { req: void; res: Source[] }
  'sources.details': { req: { name: string }; res: SourceDetails }
  /** Collect now; refused while a sync of the source runs. */
  'sources.sync': { req: { name: string }; res: SyncStarted }
  /** The source's own log lines, oldest first (the last `limit`, default 100). */
  'sources.logs': { req: { name: string; limit?: number }; res: LogEntry[] }
  /** The activity log (GET /api/logs): collector lines, Vigil's own, models' runs and the audit trail, oldest first. */
  'activity.list': { req: { limit?: number }; res: LogEntry[] }
  /** SQL models (GET /api/dbt/models and Vigil's extensions; the Models page). */
  'models.list': { req: void; res: ModelList }
  'models.get': { req: { name: string }; res: ModelDetail }
  'models.save': { req: { name: string; model: ModelInput }; res: ModelDetail }
  'models.delete': { req: { name: string }; res: ModelDeleted }
  /** Starts a run (with cascade, its downstream models); the outcome arrives as platform events. */
  'models.run': { req: { name: string; cascade?: boolean }; res: ModelRunStarted }
  'models.rows': { req: { name: string; offset?: number; limit?: number }; res: ModelRows }
  /** Every row the model built, as CSV text (the page saves it as a file). */
  'models.csv': { req: { name: string }; res: { filename: string; text: string } }
  /** Import sources (the Imports page): their options; their state is in sources.list. */
  'imports.list': { req: void; res: ImportSourceView[] }
  /** POST /api/sources' body: `{ name, type, …options }`. */
  'imports.create': { req: Record<string, unknown>; res: ImportSourceView }
  'imports.delete': { req: { name: string }; res: { name: string } }
  'imports.files': { req: { name: string }; res: CsvFiles }
  'imports.deleteFile': { req: { name: string; file_path: string }; res: FileDeleted }
  /** A file, chunk by chunk (the page's progress bar); the last chunk makes it an upload. */
  'imports.uploadChunk': { req: UploadChunk; res: { received: number; file_name: string | null } }
  /** OpenMetrics workspaces (Prometheus jobs), the system-reserved one included. */
  'scrape.workspaces': { req: void; res: Workspace[] }
  'scrape.createWorkspace': { req: WorkspaceInput; res: Workspace }
  'scrape.updateWorkspace': { req: { jobId: string; changes: WorkspaceInput }; res: Workspace }
  'scrape.deleteWorkspace': { req: { jobId: string }; res: { jobId: string } }
  /** A workspace's targets with the health of their last scrape. */
  'scrape.targets': { req: { jobId: string }; res: CollectionTarget[] }
  /** The registered servers a target can be on. */
  'scrape.servers': { req: void; res: CollectionServer[] }
  'scrape.addTarget': { req: { jobId: string; hostId: string; port: number }; res: CollectionTarget }
  'scrape.removeTarget': { req: { jobId: string; targetId: string }; res: { targetId: string } }
  /** Scrapes a target now (after one in flight); the target with its new health. */
  'scrape.scrapeNow': { req: { jobId: string; targetId: string }; res: CollectionTarget }
  /** The remote-write receiver and how sending goes. */
  'remoteWrite.status': { req: void; res: RemoteWriteStatus }
  'remoteWrite.configure': { req: RemoteWriteInput; res: RemoteWriteStatus }
  /** Stops sending and forgets the receiver. */
  'remoteWrite.remove': { req: void; res: RemoteWriteStatus }
  /** Webhooks (as /api/v1/webhooks/, acting as the owner): every one, by id. */
  'webhooks.list': { req: void; res: WebhookDto[] }
  /** `{url, events, secret?, name?}`, checked as the API checks it (field issues). */
  'webhooks.create': { req: CreateWebhook; res: WebhookDto }
  /** `{active: true}` re-enables a webhook Vigil disabled. */
  'webhooks.update': { req: { id: number; changes: UpdateWebhook }; res: WebhookDto }
  'webhooks.delete': { req: { id: number }; res: { id: number } }
  /** Queues a webhook.test delivery; its attempts land in the deliveries log. */
  'webhooks.test': { req: { id: number }; res: WebhookTest }
  /** The deliveries log, newest attempt first (at most 100 kept). */
  'webhooks.deliveries': { req: { id: number }; res: WebhookDelivery[] }
}

export type Channel = keyof Contract
export type Req<C extends Channel> = Contract[C]['req']
export type Res<C extends Channel> = Contract[C]['res']

export const CHANNELS: readonly Channel[] = Object.freeze([
  'app.info',
  'auth.whoami',
  'servers.list',
  'servers.get',
  'servers.create',
  'servers.update',
  'servers.delete',
  'servers.bulkStatus',
  'servers.testConnection',
  'servers.hostKey',
  'servers.acceptHostKey',
  'metrics.series',
  'metrics.overview',
  'metrics.topProcesses',
  'metrics.processHistory',
  'users.list',
  'users.add',
  'users.setPassword',
  'users.update',
  'users.remove',
  'tokens.list',
  'tokens.create',
  'tokens.revoke',
  'auth.rotateOwnerToken',
  'postgres.list',
  'postgres.get',
  'postgres.create',
  'postgres.update',
  'postgres.delete',
  'postgres.test',
  'pg.activity',
  'pg.activity.waiting',
  'pg.activity.blocking',
  'pg.activity.lockGraph',
  'pg.activity.kill',
  'pg.activity.cancel',
  'pg.control',
  'pg.dashboard.history',
  'pg.dashboard',
  'pg.dashboard.live',
  'pg.pgconf.settings',
  'pg.pgconf.status',
  'pg.pgconf.update',
  'pg.statements',
  'pg.statements.reset',
  'pg.maintenance.instance',
  'pg.maintenance.database',
  'pg.maintenance.schema',
  'pg.maintenance.table',
  'pg.maintenance.run',
  'pg.maintenance.jobs',
  'pg.maintenance.cancel',
  'pg.notifications',
  'oracle.databases.list',
  'oracle.databases.get',
  'oracle.databases.create',
  'oracle.databases.update',
  'oracle.databases.delete',
  'oracle.databases.test',
  'oracle.tables.list',
  'oracle.tables.get',
  'oracle.tables.discover',
  'oracle.tables.describe',
  'oracle.tables.add',
  'oracle.tables.remove',
  'oracle.tables.update',
  'oracle.tables.monitorNow',
  'oracle.tables.currentData',
  'oracle.tables.history',
  'oracle.tables.diff',
  'oracle.tables.tasks',
  'prometheus.api',
  'sources.list',
  'sources.details',
  'sources.sync',
  'sources.logs',
  'activity.list',
  'models.list',
  'models.get',
  'models.save',
  'models.delete',
  'models.run',
  'models.rows',
  'models.csv',
  'imports.list',
  'imports.create',
  'imports.delete',
  'imports.files',
  'imports.deleteFile',
  'imports.uploadChunk',
  'scrape.workspaces',
  'scrape.createWorkspace',
  'scrape.updateWorkspace',
  'scrape.deleteWorkspace',
  'scrape.targets',
  'scrape.servers',
  'scrape.addTarget',
  'scrape.removeTarget',
  'scrape.scrapeNow',
  'remoteWrite.status',
  'remoteWrite.configure',
  'remoteWrite.remove',
  'webhooks.list',
  'webhooks.create',
  'webhooks.update',
  'webhooks.delete',
  'webhooks.test',
  'webhooks.deliveries'
] satisfies Channel[])

/** One stored metric row as pushed live: its id, and the spec's fields under `values`. */
export interface LiveSample {
  id: number
  values: Record<string, string | number | null>
}

/** Events the core pushes to subscribers. */
export interface Topics {
  'servers.changed': { ids: string[] }
  /** A collector's state changed (connecting, collecting, unreachable, …). */
  'servers.state': { id: string; state: CollectionState; error: string | null; since: string }
  /** Rows just stored for one metric of one server, all taken at `timestamp`. */
  'metrics.samples': { metric: MetricName; serverId: string; timestamp: string; samples: LiveSample[] }
  /** PostgreSQL instances created, changed, deleted or tested. */
  'postgres.changed': { ids: number[] }
  /** An action landed in the audit trail (login, kill, reload, ALTER SYSTEM, maintenance). */
  'audit.recorded': { instanceId: number | null; username: string; message: string; date: string }
  /** Monitored databases or tables created, changed, deleted or tested. */
  'oracle.changed': { databases: number[]; tables: number[] }
  /** A table snapshot was stored (rows not included: fetch them by snapshotId). */
  'oracle.snapshot': SnapshotEvent
  /** The data dir's upgrade at start moved on (a few times a second at most) or ended. */
  'app.upgrade': UpgradeStatus
  /** A PostgreSQL instance's dashboard collection ended (stored, or failed with `error`). */
  'postgres.collected': { instanceId: number; ok: boolean; error: string | null; durationMs: number; at: number }
  /** The platform API's events (/ws): syncs started and ended, collectors down and up. */
  'platform.event': PlatformEvent
  /** A PostgreSQL maintenance job changed state (its progress samples are not published). */
  'postgres.maintenance': { type: 'scheduled' | 'started' | 'done' | 'failed' | 'cancelled' | 'missed'; job: MaintenanceJob; description: string }
  /** A scrape target's health changed: down on its first failed scrape, up again on its first good one. */
  'scrape.health': { targetId: string; job: string; instance: string; url: string; up: boolean; error: string | null; at: string }
  /** A webhook changed: made, updated, deleted, disabled, or one of its deliveries was attempted. */
  'webhooks.changed': { id: number }
}
export type Topic = keyof Topics
export const TOPICS: readonly Topic[] = Object.freeze([
  'servers.changed',
  'servers.state',
  'metrics.samples',
  'postgres.changed',
  'audit.recorded',
  'oracle.changed',
  'oracle.snapshot',
  'app.upgrade',
  'postgres.collected',
  'platform.event',
  'postgres.maintenance',
  'scrape.health',
  'webhooks.changed'
] satisfies Topic[])

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value)
}

export function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && (TOPICS as readonly string[]).includes(value)
}

/** The envelope every invoke answers with, so errors survive IPC's structured clone. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorBody }

/** What the preload exposes as `window.vigil`, and what the browser transport mimics. */
export interface VigilBridge {
  invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Outcome<Res<C>>>
  subscribe<T extends Topic>(topic: T, listener: (payload: Topics[T]) => void): () => void
}
