// PgAgentService: every operation of the PostgreSQL agent API on a registered instance, once.
// The agent routes (/pg/{id}/..., api/agent/) and the UI's `pg.*` channels (handlers.ts) both
// call it; they differ only in who acts and how answers are shaped on the wire.
//
// What it owns, so that no caller repeats it:
// - resolving the instance (404 when it is not registered) and where its host side is read;
// - running an engine (postgres/<area>/) on a pooled session of the maintenance database,
//   or on a dedicated session of another database (maintenance views and jobs);
// - validating requests with the agent's own messages (bodies the routes receive, and the same
//   objects from the channels), so a bad value gets the same answer either way;
// - the trail: every action is recorded with the name of who acts (the user of the agent session,
//   API token or browser session; 'api-token' for the owner's token, 'ui' for the owner in the
//   desktop app or a login-link session) — kill, cancel, reload/start/stop/restart, ALTER SYSTEM, dashboard configuration,
//   statistics reset; maintenance jobs are recorded by the scheduler at each step of their life.
import { AppError } from '../../shared/errors'
import {
  MAINTENANCE_OPERATIONS,
  type ActivityDetailRow,
  type AgentDashboard,
  type ActivityRow,
  type CancelResult,
  type ControlResponse,
  type Dashboard,
  type DashboardConfig,
  type DashboardHistory,
  type DatabaseView,
  type InstanceView,
  type KillResult,
  type LockGraph,
  type LockRow,
  type MaintenanceJob,
  type MaintenanceJobs,
  type MaintenanceJobView,
  type MaintenanceOperation,
  type MaintenanceTarget,
  type Notification,
  type RestartStatus,
  type ScheduledOperation,
  type SchemaBrowse,
  type SchemaView,
  type SettingsCategory,
  type SettingsUpdateResult,
  type StampedDashboard,
  type StatementsSnapshot,
  type StatementsView,
  type TableView,
  type ViewResult
} from '../../shared/pg-agent'
import { getActivity, getActivityDetails, getBlockingBackends, getWaitingBackends } from './activity/backends'
import { cancelBackends, killBackends, parseKillRequest } from './activity/kill'
import { getLockGraph } from './activity/lock-graph'
import { administrationControl, type ServerCheck, type ShellExec } from './administration'
import { parseOperationRequest, parseVacuumMode } from './maintenance/request'
import type { MaintenanceScheduler, ScheduledScope } from './maintenance/scheduler'
import { describeOperation } from './maintenance/statements'
import { submitOperation } from './maintenance/submit'
import type { MaintenanceSession } from './maintenance/types'
import { databaseView, instanceView, schemaUpkeep, schemaView, tableView } from './maintenance/views'
import { isProbeName } from './monitoring'
import {
  getCategories,
  getCategory,
  getConfiguration,
  getRestartStatus,
  parseCategoryName,
  parseSettingsFilter,
  parseSettingsUpdate,
  updateSettings
} from './pgconf/settings'
import { pooledQueryLimitMs, type PgTarget, type PostgresPools } from './pool'
import { pgFailure } from './errors'
import type { ProcessStatsSource } from './host/process-stats'
import type { Queryable } from './queryable'
import { getStatements, resetStatements, statementsResetAllowed } from './statements'
import type { AuditTrail } from '../audit'
import type { LinkedHosts } from './host/linked-hosts'
import type { InstanceEngines, PgInstanceEngines } from './instance-engines'
import type { PostgresInstancesService } from './instances-service'

/** Notifications a dashboard carries, newest first: the agent's own number. */
export const DASHBOARD_NOTIFICATIONS = 15

/** Finished jobs the UI's jobs panel lists, newest first. */
export const PAST_JOBS_LIMIT = 50

/** The dashboard's sub-endpoints that read PostgreSQL (on a session) and those that read the host only. */
export const DASHBOARD_DB_PARTS = ['buffers', 'hitratio', 'active_backends', 'max_connections', 'databases', 'pg_version', 'info'] as const
export const DASHBOARD_HOST_PARTS = ['cpu', 'loadaverage', 'memory', 'hostname', 'os_version', 'n_cpu'] as const
export type DashboardPart = (typeof DASHBOARD_DB_PARTS)[number] | (typeof DASHBOARD_HOST_PARTS)[number]

type Reader = InstanceEngines['reader']

const DB_PART_READS: Record<(typeof DASHBOARD_DB_PARTS)[number], (reader: Reader, db: Queryable) => Promise<unknown>> = {
  buffers: (reader, db) => reader.buffers(db),
  hitratio: (reader, db) => reader.hitratio(db),
  active_backends: (reader, db) => reader.activeBackends(db),
  max_connections: (reader, db) => reader.maxConnections(db),
  databases: (reader, db) => reader.databases(db),
  pg_version: (reader, db) => reader.pgVersion(db),
  info: (reader, db) => reader.info(db)
}

const HOST_PART_READS: Record<(typeof DASHBOARD_HOST_PARTS)[number], (reader: Reader) => Promise<unknown>> = {
  cpu: (reader) => reader.cpu(),
  loadaverage: (reader) => reader.loadaverage(),
  memory: (reader) => reader.memory(),
  hostname: (reader) => reader.hostname(),
  os_version: (reader) => reader.osVersion(),
  n_cpu: (reader) => reader.nCpu()
}

/** The agent plugins Vigil serves for every instance (GET /discover). */
export const AGENT_PLUGINS = ['activity', 'administration', 'dashboard', 'maintenance', 'monitoring', 'pgconf', 'statements'] as const

export interface DiscoverAnswer {
  hostname: string
  pg_data: string
  pg_port: number
  plugins: string[]
  memory_size: number | null
  pg_version: string
  cpu: number | null
}

export interface PgAgentDeps {
  instances: PostgresInstancesService
  pools: PostgresPools
  /** Per-instance dashboard collectors and monitoring probes. */
  engines: PgInstanceEngines
  /** The machine each instance runs on: host facts, /proc, and where start/stop/restart run. */
  hosts: LinkedHosts
  maintenance: MaintenanceScheduler
  audit: AuditTrail
  /** How long start/stop/restart wait for the server to come back or go away (tests shorten it). */
  controlCheck?: Pick<ServerCheck, 'timeoutMs' | 'intervalMs'>
}

export class PgAgentService {
  private readonly instances: PostgresInstancesService
  private readonly pools: PostgresPools
  private readonly engines: PgInstanceEngines
  private readonly hosts: LinkedHosts
  private readonly maintenance: MaintenanceScheduler
  private readonly audit: AuditTrail
  private readonly controlCheck: Pick<ServerCheck, 'timeoutMs' | 'intervalMs'>

  constructor(deps: PgAgentDeps) {
    this.controlCheck = deps.controlCheck ?? {}
    this.instances = deps.instances
    this.pools = deps.pools
    this.engines = deps.engines
    this.hosts = deps.hosts
    this.maintenance = deps.maintenance
    this.audit = deps.audit
  }

  // ------------------------------------------------------------ sessions

  /** The instance as a connection target (404 when it is not registered). */
  target(instanceId: number): PgTarget {
    return this.instances.target(instanceId)
  }

  /** Runs `fn` on a pooled session of the instance's maintenance database. */
  private onInstance<T>(instanceId: number, fn: (db: Queryable, target: PgTarget) => Promise<T>): Promise<T> {
    const target = this.target(instanceId)
    return this.pools.withClient(target, (client) => fn(client, target))
  }

  /**
   * Runs `fn` on a session of its own on the maintenance database that leaves every setting as
   * the server's configuration has it: a pooled session carries Vigil's own statement_timeout and
   * idle_in_transaction_session_timeout, which pgconf would otherwise show, and compare with,
   * as the instance's values. Its queries are bounded on the client's side instead.
   */
  private async onPlainSession<T>(instanceId: number, fn: (db: Queryable) => Promise<T>): Promise<T> {
    const target = this.target(instanceId)
    const session = await this.pools.connectDedicated(target, target.database, { queryTimeoutMs: pooledQueryLimitMs() })
    try {
      return await fn(session)
    } catch (error) {
      throw pgFailure(error, { host: target.host, port: target.port, user: target.user, database: target.database })
    } finally {
      await session.end().catch(() => undefined)
    }
  }

  /** Runs `fn` on a session of its own on `database` (maintenance views and submissions). */
  private async onDatabase<T>(instanceId: number, database: string, fn: (db: MaintenanceSession) => Promise<T>): Promise<T> {
    const session = await this.pools.connectDedicated(this.target(instanceId), text('database', database))
    try {
      return await fn(session)
    } finally {
      await session.end().catch(() => undefined)
    }
  }

  /**
   * Per-backend CPU, memory and I/O come from /proc of PostgreSQL's host: the linked server's (over
   * SSH, one command per snapshot), or this machine's for the built-in server or an unlinked
   * instance on loopback. For other hosts they are null.
   */
  private processStats(instanceId: number): ProcessStatsSource | null {
    return this.hosts.hostOf(this.instances.get(instanceId))?.processStats ?? null
  }

  // ------------------------------------------------------------ core

  async discover(instanceId: number): Promise<DiscoverAnswer> {
    const reader = this.engines.of(instanceId).reader
    const [row, host] = await Promise.all([
      this.onInstance(instanceId, async (db) => {
        const { rows } = await db.query<{ version: string; data_directory: string; port: string }>(
          "SELECT version(), current_setting('data_directory') AS data_directory, current_setting('port') AS port"
        )
        return rows[0] as { version: string; data_directory: string; port: string }
      }),
      // The host's facts come from its linked server (or this machine); null when Vigil cannot read it.
      Promise.all([reader.hostname(), reader.memory(), reader.nCpu()]).catch(() => null)
    ])
    return {
      hostname: host?.[0].hostname ?? this.target(instanceId).host,
      pg_data: row.data_directory,
      pg_port: Number(row.port),
      plugins: [...AGENT_PLUGINS],
      // The agent gives bytes; /proc/meminfo gives kB.
      memory_size: host?.[1].memory ? host[1].memory.total * 1024 : null,
      pg_version: row.version,
      cpu: host?.[2].n_cpu ?? null
    }
  }

  /** The trail of the instance (and Vigil-wide entries), newest first. */
  notifications(instanceId: number): Notification[] {
    this.instances.get(instanceId)
    return this.audit.forInstance(instanceId)
  }

  // ------------------------------------------------------------ activity

  activity(instanceId: number): Promise<{ rows: ActivityRow[] }> {
    return this.onInstance(instanceId, (db) => getActivity(db, this.processStats(instanceId)))
  }

  /** The UI's list: the agent's rows with application name, start times and wait event. */
  activityDetails(instanceId: number): Promise<{ rows: ActivityDetailRow[] }> {
    return this.onInstance(instanceId, (db) => getActivityDetails(db, this.processStats(instanceId)))
  }

  waiting(instanceId: number): Promise<{ rows: LockRow[] }> {
    return this.onInstance(instanceId, (db) => getWaitingBackends(db, this.processStats(instanceId)))
  }

  blocking(instanceId: number): Promise<{ rows: LockRow[] }> {
    return this.onInstance(instanceId, (db) => getBlockingBackends(db, this.processStats(instanceId)))
  }

  lockGraph(instanceId: number): Promise<LockGraph> {
    return this.onInstance(instanceId, async (db) => getLockGraph(db, await serverVersion(db)))
  }

  /** Terminates backends: `request` is the agent's body, `{"pids": [...]}`. */
  async kill(instanceId: number, request: unknown, actor: string): Promise<{ backends: KillResult[] }> {
    const pids = parseKillRequest(request)
    const answer = await this.onInstance(instanceId, (db) => killBackends(db, pids))
    const killed = answer.backends.filter((backend) => backend.killed).map((backend) => backend.pid)
    if (killed.length > 0) this.audit.record(actor, instanceId, `Backend ${killed.join(', ')} terminated`)
    return answer
  }

  /** Cancels the running query of backends (the sessions stay): `{"pids": [...]}` as for kill. */
  async cancel(instanceId: number, request: unknown, actor: string): Promise<{ backends: CancelResult[] }> {
    const pids = parseKillRequest(request)
    const answer = await this.onInstance(instanceId, (db) => cancelBackends(db, pids))
    const cancelled = answer.backends.filter((backend) => backend.cancelled).map((backend) => backend.pid)
    if (cancelled.length > 0) this.audit.record(actor, instanceId, `Query of backend ${cancelled.join(', ')} cancelled`)
    return answer
  }

  /** reload, or start/stop/restart through the instance's control command on its linked server: `{"action": ...}`. */
  async control(instanceId: number, request: unknown, actor: string): Promise<ControlResponse> {
    const instance = this.instances.get(instanceId)
    const onServer = this.hosts.controlExec(instance.server_id)
    let ran = false
    const exec: ShellExec | null =
      onServer &&
      ((command) => {
        ran = true
        return onServer(command)
      })
    try {
      const answer = await administrationControl(request, {
        withSession: (fn) => this.onInstance(instanceId, (db) => fn(db)),
        control: instance.control,
        exec,
        check: { isUp: () => this.accepts(instanceId), ...this.controlCheck }
      })
      this.audit.record(actor, instanceId, `PostgreSQL ${answer.action}${answer.state === 'ko' ? ': the server did not ' + (answer.action === 'stop' ? 'stop' : 'come back') : ''}`)
      return answer
    } finally {
      // Pooled sessions of a server that stopped (or was about to) are dead: new ones are opened
      // on the next request. A start leaves no session behind, and a failed command may have
      // stopped the server halfway: closing is harmless either way.
      if (ran && (request as { action?: unknown } | null)?.action !== 'start') await this.pools.close(instanceId)
    }
  }

  /**
   * Whether the instance accepts a new session now: refused, unreachable, starting up or shutting
   * down is not up; a server that answers anything else (a refused password included) is.
   */
  private async accepts(instanceId: number): Promise<boolean> {
    const target = this.target(instanceId)
    try {
      const session = await this.pools.connectDedicated(target, target.database)
      await session.end().catch(() => undefined)
      return true
    } catch (error) {
      const reason = error instanceof AppError ? error.extra?.reason : undefined
      return !(reason === 'unreachable' || reason === 'server_unavailable' || reason === 'timeout')
    }
  }

  // ------------------------------------------------------------ dashboard

  /**
   * The collector's latest data set (collected now if there is none yet), with what the agent's
   * UI reads next to it: when it was read, the latest notifications, the distribution and CPU models.
   */
  async dashboard(instanceId: number): Promise<AgentDashboard> {
    const engines = this.engines.of(instanceId)
    const [stored, host] = await Promise.all([engines.collector.stampedCurrent(), engines.reader.hostDescription()])
    return this.withExtras(instanceId, stored.dashboard, stored.ts, host)
  }

  /** The kept data sets, oldest first, each with the time it was read (`timestamp`, which the agent's UI charts against). */
  dashboardHistory(instanceId: number): StampedDashboard[] {
    return this.engines.of(instanceId).collector.stampedHistory().map((stored) => ({ ...stored.dashboard, timestamp: stored.ts / 1000 }))
  }

  private withExtras(
    instanceId: number,
    dashboard: Dashboard,
    at: number,
    host: Pick<AgentDashboard, 'linux_distribution' | 'cpu_models'>
  ): AgentDashboard {
    return { ...dashboard, timestamp: at / 1000, notifications: this.audit.forInstance(instanceId).slice(0, DASHBOARD_NOTIFICATIONS), ...host }
  }

  /** What the UI's dashboard opens with: the kept history, the configuration, and whether collection runs. */
  dashboardOverview(instanceId: number): DashboardHistory {
    const engines = this.engines.of(instanceId)
    return { history: engines.collector.history(), config: engines.collector.config(), collecting: this.engines.collects(instanceId) }
  }

  dashboardConfig(instanceId: number): DashboardConfig {
    return this.engines.of(instanceId).collector.config()
  }

  setDashboardConfig(instanceId: number, input: unknown, actor: string): DashboardConfig {
    const collector = this.engines.of(instanceId).collector
    collector.setConfig(input)
    this.audit.record(actor, instanceId, `Dashboard configuration: ${JSON.stringify(collector.config())}`)
    return collector.config()
  }

  /** Every figure read now (GET /dashboard/live), with what /dashboard carries next to them. */
  async dashboardLive(instanceId: number): Promise<AgentDashboard> {
    const reader = this.engines.of(instanceId).reader
    const [dashboard, host] = await Promise.all([this.onInstance(instanceId, (db) => reader.dashboard(db)), reader.hostDescription()])
    return this.withExtras(instanceId, dashboard, Date.now(), host)
  }

  /** One of GET /dashboard/{part}. */
  dashboardPart(instanceId: number, part: DashboardPart): Promise<unknown> {
    const reader = this.engines.of(instanceId).reader
    if (part in HOST_PART_READS) return HOST_PART_READS[part as keyof typeof HOST_PART_READS](reader)
    const read = DB_PART_READS[part as keyof typeof DB_PART_READS]
    if (!read) throw new AppError('not_found', `Unknown dashboard figure '${part}'`)
    return this.onInstance(instanceId, (db) => read(reader, db))
  }

  /** GET /monitoring/probe/{name}. */
  probe(instanceId: number, probe: string): Promise<unknown> {
    if (!isProbeName(probe)) throw new AppError('not_found', `Unknown probe '${probe}'`)
    const probes = this.engines.of(instanceId).probes
    return this.onInstance(instanceId, (db, target) =>
      probes.run(probe, db, (database) => this.pools.connectDedicated(target, database, { queryTimeoutMs: pooledQueryLimitMs() }))
    )
  }

  // ------------------------------------------------------------ pgconf

  /** Every setting by category; `filter` (the agent's query parameter) keeps those whose name or description holds it. */
  configuration(instanceId: number, filter?: unknown): Promise<SettingsCategory[]> {
    const checked = parseSettingsFilter(filter)
    return this.onPlainSession(instanceId, (db) => getConfiguration(db, checked))
  }

  categories(instanceId: number): Promise<{ categories: string[] }> {
    return this.onPlainSession(instanceId, (db) => getCategories(db))
  }

  category(instanceId: number, category: unknown, filter?: unknown): Promise<SettingsCategory[]> {
    const checked = parseCategoryName(category)
    const found = parseSettingsFilter(filter)
    return this.onPlainSession(instanceId, (db) => getCategory(db, checked, found))
  }

  restartStatus(instanceId: number): Promise<RestartStatus> {
    return this.onPlainSession(instanceId, (db) => getRestartStatus(db))
  }

  /**
   * ALTER SYSTEM + reload: `request` is the agent's body, `{"settings": [{"name", "setting",
   * "force"?}]}`; settings already at their value are left alone, "" resets one.
   */
  async updateSettings(instanceId: number, request: unknown, actor: string): Promise<SettingsUpdateResult> {
    const changes = parseSettingsUpdate(request)
    const answer = await this.onPlainSession(instanceId, async (db) => updateSettings(db, await serverVersion(db), changes))
    for (const setting of answer.settings) {
      const restart = setting.restart ? ' (restart pending)' : ''
      const statement = setting.setting === '' ? `ALTER SYSTEM RESET ${setting.name}` : `ALTER SYSTEM SET ${setting.name} = '${setting.setting}'`
      this.audit.record(actor, instanceId, `${statement} (was '${setting.previous_setting}')${restart}`)
    }
    return answer
  }

  // ------------------------------------------------------------ statements

  statements(instanceId: number): Promise<StatementsSnapshot> {
    return this.onInstance(instanceId, (db) => getStatements(db))
  }

  /** The UI's statements: the snapshot and whether the role may reset them. */
  statementsView(instanceId: number): Promise<StatementsView> {
    return this.onInstance(instanceId, async (db) => ({ ...(await getStatements(db)), may_reset: await statementsResetAllowed(db) }))
  }

  async resetStatements(instanceId: number, actor: string): Promise<{ reset: true }> {
    const answer = await this.onInstance(instanceId, (db) => resetStatements(db))
    this.audit.record(actor, instanceId, 'pg_stat_statements reset')
    return answer
  }

  // ------------------------------------------------------------ maintenance

  instanceView(instanceId: number): Promise<ViewResult<InstanceView>> {
    return this.onInstance(instanceId, (db, target) => instanceView(db, (database) => this.pools.connectDedicated(target, database)))
  }

  databaseView(instanceId: number, database: string): Promise<ViewResult<DatabaseView>> {
    return this.onDatabase(instanceId, database, (db) => databaseView(db))
  }

  schemaView(instanceId: number, database: string, schema: string): Promise<ViewResult<SchemaView>> {
    return this.onDatabase(instanceId, database, (db) => schemaView(db, text('schema', schema)))
  }

  /** The UI's schema browser: the schema view and each table's upkeep figures, on one session. */
  schemaBrowse(instanceId: number, database: string, schema: string): Promise<ViewResult<SchemaBrowse>> {
    return this.onDatabase(instanceId, database, async (db) => {
      const view = await schemaView(db, text('schema', schema))
      return { body: { ...view.body, upkeep: await schemaUpkeep(db, schema) }, warnings: view.warnings }
    })
  }

  tableView(instanceId: number, database: string, schema: string, table: string): Promise<ViewResult<TableView>> {
    return this.onDatabase(instanceId, database, (db) => tableView(db, text('schema', schema), text('table', table)))
  }

  /**
   * VACUUM, ANALYZE or REINDEX now or at `datetime`: the target is checked on its database, then
   * the job is handed to the scheduler (which records its life in the trail under `actor`).
   * `request` is the agent's body, `{"mode"?, "datetime"?}`.
   */
  submit(instanceId: number, operation: MaintenanceOperation, target: MaintenanceTarget, request: unknown, actor: string): Promise<{ id: string }> {
    const checkedTarget = checkTarget(operation, target)
    const parsed = parseOperationRequest(operation, request ?? null)
    return this.onDatabase(instanceId, checkedTarget.database, (db) =>
      submitOperation(db, this.maintenance, { instanceId, operation, target: checkedTarget, request: parsed, requestedBy: actor })
    )
  }

  /** A `.../scheduled` list of the agent API: jobs not finished yet. */
  scheduled(instanceId: number, operation: MaintenanceOperation, scope: ScheduledScope = {}): ScheduledOperation[] {
    this.instances.get(instanceId)
    return this.maintenance.scheduledOperations(instanceId, operation, scope)
  }

  /** Cancels a scheduled job or stops a running one (404 for another instance's, another operation's, or a finished one). */
  async cancelJob(instanceId: number, jobId: unknown, operation?: MaintenanceOperation): Promise<{ response: 'ok' }> {
    this.instances.get(instanceId)
    if (typeof jobId !== 'string' || !/^[0-9a-f]{1,16}$/.test(jobId)) throw new AppError('not_found', 'Scheduled operation not found')
    return this.maintenance.cancel(instanceId, jobId, operation)
  }

  /** The UI's jobs panel: running with progress, scheduled in due order, and the latest finished (errors and notices included). */
  jobs(instanceId: number, pastLimit = PAST_JOBS_LIMIT): MaintenanceJobs {
    this.instances.get(instanceId)
    const view = (job: MaintenanceJob): MaintenanceJobView => ({
      ...job,
      description: describeOperation(job.operation, job.target, parseVacuumMode(job.mode))
    })
    const past = this.maintenance
      .jobs({ instanceId, statuses: ['done', 'failed', 'cancelled', 'missed'], limit: Math.max(1, Math.min(pastLimit, 500)) })
      .sort((a, b) => (b.finishedAt ?? b.requestedAt) - (a.finishedAt ?? a.requestedAt))
    return {
      running: this.maintenance.jobs({ instanceId, statuses: ['running'] }).map(view),
      scheduled: this.maintenance.jobs({ instanceId, statuses: ['scheduled'] }).map(view),
      past: past.map(view)
    }
  }
}

/** server_version_num of the session's server: SQL that changed between releases is chosen by it. */
async function serverVersion(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ version: number }>("SELECT current_setting('server_version_num')::int AS version")
  return rows[0]?.version ?? 0
}

/**
 * A name from a request, as text: the views answer 404 for a name no object can have (they check
 * that themselves), but anything other than a string is a malformed request.
 */
function text(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw AppError.invalidField(field, `Parameter '${field}' is malformed.`)
  return value
}

/** A name of an object from a request: a non-empty string PostgreSQL could hold (no NUL). */
function name(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024 || value.includes('\0')) {
    throw AppError.invalidField(field, `Parameter '${field}' is malformed.`)
  }
  return value
}

function optionalName(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : name(field, value)
}

/**
 * A target as the channels send it, checked: a database; a schema and a table; or (REINDEX only)
 * a schema and an index. The routes build theirs from the URL, which has the same shapes.
 */
export function checkTarget(operation: unknown, target: unknown): MaintenanceTarget {
  if (typeof operation !== 'string' || !(MAINTENANCE_OPERATIONS as readonly string[]).includes(operation)) {
    throw AppError.invalidField('operation', `Parameter 'operation' is malformed: it must be one of ${MAINTENANCE_OPERATIONS.join(', ')}.`)
  }
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw AppError.invalidField('target', "Parameter 'target' is malformed: it must be an object with database, schema, table and index.")
  }
  const fields = target as Record<string, unknown>
  const checked: MaintenanceTarget = {
    database: name('database', fields.database),
    schema: optionalName('schema', fields.schema),
    table: optionalName('table', fields.table),
    index: optionalName('index', fields.index)
  }
  const { schema, table, index } = checked
  const database = schema === null && table === null && index === null
  const onTable = schema !== null && table !== null && index === null
  const onIndex = operation === 'reindex' && schema !== null && table === null && index !== null
  if (!database && !onTable && !onIndex) {
    throw AppError.invalidField(
      'target',
      `Parameter 'target' is malformed: ${operation.toUpperCase()} works on a database, or a schema and a table${operation === 'reindex' ? ', or a schema and an index' : ''}.`
    )
  }
  return checked
}
