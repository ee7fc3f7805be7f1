import type { AppInfo, Channel, Outcome, Req, Res } from '../shared/contract'
import type { ImportSourceView } from '../shared/imports'
import { AppError } from '../shared/errors'
import { CHANNEL_ACCESS } from '../shared/access'
import type { SnapshotSummary } from '../shared/oracle'
import type { ConnectionsService, ServersService } from './servers'
import type { MetricSeriesService } from './metrics'
import type { OracleDataService, OracleDatabasesService, OracleTablesService } from './table-monitoring'
import type { PgAgentService, PostgresInstancesService } from './postgres'
import { normalise, OWNER_ACTORS, ownerPrincipal, requirePermission, userChannels, type ApiTokens, type RotateOwnerToken, type Principal, type UsersService } from './users'
import type { AuditTrail } from './audit'
import { remoteWriteCall, WorkspaceError, type PrometheusFeature, type ResultName } from './prometheus'
import type { SourcesService } from './sources'
import type { ModelsService } from './models'
import { MAX_PREVIEW_ROWS } from '../shared/models'
import type { ImportsFeature, ImportSourceRow } from './imports'
import { DELIVERIES_KEPT, type WebhooksService } from './webhooks'

/**
 * One handler per contract channel. Electron's IPC and the browser's HTTP transport both call
 * these, with the caller: who acts (the trail records their name) and what they may do.
 */
export type Handlers = { [C in Channel]: (req: Req<C>, caller: Principal) => Res<C> | Promise<Res<C>> }

/** The desktop app's user: the workstation's owner. */
export const DESKTOP_OWNER: Principal = ownerPrincipal(OWNER_ACTORS.ui)

export interface HandlerDeps {
  servers: ServersService
  connections: ConnectionsService
  metricSeries: MetricSeriesService
  postgres: PostgresInstancesService
  /** The agent API's operations, acting as the caller. */
  pgAgent: PgAgentService
  users: UsersService
  tokens: ApiTokens
  /** Changes to users and tokens made in the UI. */
  audit: AuditTrail
  rotateOwnerToken: RotateOwnerToken
  oracle: { databases: OracleDatabasesService; tables: OracleTablesService; data: OracleDataService }
  prometheus: PrometheusFeature
  sources: SourcesService
  models: ModelsService
  imports: ImportsFeature
  webhooks: WebhooksService
  info: () => AppInfo
}

export function createHandlers({ servers, connections, metricSeries, postgres, pgAgent, users, tokens, audit, rotateOwnerToken, oracle, prometheus, sources, models, imports, webhooks, info }: HandlerDeps): Handlers {
  /** The instance a pg.* request names, as the registry's id (404 when it is not registered). */
  const pg = (req: { id?: unknown }): number => postgres.get(req.id as number).id
  return {
    'app.info': () => info(),
    'auth.whoami': (_req, caller) => ({
      kind: caller.kind === 'agent_key' ? 'api_token' : caller.kind,
      username: caller.username,
      isStaff: caller.isStaff,
      permissions: normalise([...caller.permissions])
    }),
    'servers.list': (query) => servers.list(query ?? {}),
    'servers.get': ({ id }) => servers.get(id),
    'servers.create': (input) => servers.create(input),
    'servers.update': ({ id, changes }) => servers.update(id, changes),
    'servers.delete': ({ id }) => servers.delete(id),
    'servers.bulkStatus': (input) => servers.bulkStatus(input),
    'servers.testConnection': ({ id }) => connections.test(id),
    'servers.hostKey': ({ id }) => connections.hostKey(id),
    'servers.acceptHostKey': ({ id, fingerprint }) => connections.acceptPresentedHostKey(id, String(fingerprint ?? '')),
    'metrics.series': (query) => metricSeries.series(query),
    'metrics.overview': (query) => metricSeries.overview(query),
    'metrics.topProcesses': (query) => metricSeries.topProcesses(query),
    'metrics.processHistory': (query) => metricSeries.processHistory(query),
    ...userChannels(users, tokens, audit, rotateOwnerToken),
    'postgres.list': (query) => postgres.list(query ?? {}),
    'postgres.get': ({ id }) => postgres.get(id),
    'postgres.create': (input) => postgres.create(input),
    'postgres.update': ({ id, changes }) => postgres.update(id, changes),
    'postgres.delete': ({ id }) => postgres.delete(id),
    'postgres.test': ({ id }) => postgres.test(id),
    'pg.activity': (req) => pgAgent.activityDetails(pg(req)),
    'pg.activity.waiting': (req) => pgAgent.waiting(pg(req)),
    'pg.activity.blocking': (req) => pgAgent.blocking(pg(req)),
    'pg.activity.lockGraph': (req) => pgAgent.lockGraph(pg(req)),
    'pg.activity.kill': (req, caller) => pgAgent.kill(pg(req), { pids: req.pids }, caller.actor),
    'pg.activity.cancel': (req, caller) => pgAgent.cancel(pg(req), { pids: req.pids }, caller.actor),
    'pg.control': (req, caller) => pgAgent.control(pg(req), { action: req.action }, caller.actor),
    'pg.dashboard.history': (req) => pgAgent.dashboardOverview(pg(req)),
    'pg.dashboard': (req) => pgAgent.dashboard(pg(req)),
    'pg.dashboard.live': (req) => pgAgent.dashboardLive(pg(req)),
    'pg.pgconf.settings': (req) => pgAgent.configuration(pg(req)),
    'pg.pgconf.status': (req) => pgAgent.restartStatus(pg(req)),
    'pg.pgconf.update': (req, caller) => pgAgent.updateSettings(pg(req), { settings: req.settings }, caller.actor),
    'pg.statements': (req) => pgAgent.statementsView(pg(req)),
    'pg.statements.reset': (req, caller) => pgAgent.resetStatements(pg(req), caller.actor),
    'pg.maintenance.instance': (req) => pgAgent.instanceView(pg(req)),
    'pg.maintenance.database': (req) => pgAgent.databaseView(pg(req), req.database),
    'pg.maintenance.schema': (req) => pgAgent.schemaBrowse(pg(req), req.database, req.schema),
    'pg.maintenance.table': (req) => pgAgent.tableView(pg(req), req.database, req.schema, req.table),
    'pg.maintenance.run': (req, caller) => pgAgent.submit(pg(req), req.operation, req.target, { mode: req.mode, datetime: req.datetime }, caller.actor),
    'pg.maintenance.jobs': (req) => pgAgent.jobs(pg(req)),
    'pg.maintenance.cancel': (req) => pgAgent.cancelJob(pg(req), req.job),
    'pg.notifications': (req) => pgAgent.notifications(pg(req)),
    'oracle.databases.list': (query) => oracle.databases.list(query ?? {}),
    'oracle.databases.get': ({ id }) => oracle.databases.get(id),
    'oracle.databases.create': (input) => oracle.databases.create(input),
    'oracle.databases.update': ({ id, changes }) => oracle.databases.update(id, changes),
    'oracle.databases.delete': ({ id }) => oracle.databases.delete(id),
    'oracle.databases.test': ({ id }) => oracle.databases.test(id),
    'oracle.tables.list': (query) => oracle.tables.list(query ?? {}),
    'oracle.tables.get': ({ id }) => oracle.tables.get(id),
    'oracle.tables.discover': ({ database_id, schema_name }) => oracle.databases.discover(database_id, { schema_name }),
    'oracle.tables.describe': ({ database_id, schema_name, table_name }) =>
      oracle.databases.describe(database_id, String(schema_name ?? ''), String(table_name ?? '')),
    'oracle.tables.add': (input) => oracle.tables.add(input),
    'oracle.tables.remove': ({ id }) => oracle.tables.remove(id),
    'oracle.tables.update': ({ id, changes }) => oracle.tables.updateConfig(id, changes),
    'oracle.tables.monitorNow': ({ id }) => oracle.tables.monitorNow(id),
    'oracle.tables.currentData': ({ id }) => oracle.tables.currentData(id),
    'oracle.tables.history': ({ id, limit }) => oracle.tables.history(id, { limit }) as SnapshotSummary[],
    'oracle.tables.diff': ({ snapshot_id }) => oracle.data.diff(snapshot_id),
    'oracle.tables.tasks': ({ id, limit }) => oracle.tables.tasks(id, { limit }),
    'prometheus.api': (request) => prometheus.read(request),
    'sources.list': () => sources.list(),
    'sources.details': ({ name }) => sources.details(String(name ?? '')),
    'sources.sync': ({ name }) => sources.sync(String(name ?? '')),
    'sources.logs': ({ name, limit }) => sources.logs(String(name ?? ''), typeof limit === 'number' ? limit : undefined),
    'activity.list': ({ limit }) => sources.activity(typeof limit === 'number' ? limit : undefined),
    'models.list': () => models.list(),
    'models.get': ({ name }) => models.get(String(name ?? '')),
    'models.save': ({ name, model }) => models.save(String(name ?? ''), model),
    'models.delete': ({ name }) => models.delete(String(name ?? '')),
    'models.run': ({ name, cascade }) => models.run(String(name ?? ''), cascade !== false),
    'models.rows': ({ name, offset, limit }) =>
      models.rows(String(name ?? ''), typeof offset === 'number' ? offset : 0, Math.min(MAX_PREVIEW_ROWS, typeof limit === 'number' ? limit : 100)),
    'models.csv': async ({ name }) => ({ filename: `${String(name ?? '')}.csv`, text: await models.csvText(String(name ?? '')) }),
    'imports.list': () => imports.service.sources().map(importView),
    'imports.create': (body) => importView(imports.createSource(body)),
    'imports.delete': async ({ name }) => {
      await imports.removeSource(String(name ?? ''))
      return { name: String(name) }
    },
    'imports.files': ({ name }) => imports.service.files(String(name ?? '')),
    'imports.deleteFile': async ({ name, file_path }) => {
      const deleted = await imports.service.deleteFile(String(name ?? ''), typeof file_path === 'string' ? file_path : undefined)
      imports.announce('csv_deleted', deleted.source_name, deleted.file_path.split('/').pop() ?? '')
      return deleted
    },
    'imports.uploadChunk': (chunk) => {
      const name = String(chunk.name ?? '')
      if (typeof chunk.data_base64 !== 'string' || typeof chunk.offset !== 'number' || typeof chunk.filename !== 'string' || typeof chunk.upload_id !== 'string') {
        throw new AppError('validation', 'An upload chunk has upload_id, filename, offset and data_base64')
      }
      const data = Buffer.from(chunk.data_base64, 'base64')
      const answer = imports.service.appendChunk(name, { upload_id: chunk.upload_id, filename: chunk.filename, offset: chunk.offset, data, last: chunk.last === true })
      if (answer.file_name !== null) imports.announce('csv_uploaded', name, answer.file_name)
      if (answer.file_name !== null && chunk.trigger_sync === true) imports.syncSoon(name)
      return answer
    },
    'scrape.workspaces': () => workspaceCall(() => prometheus.workspaces.listJobs()),
    'scrape.createWorkspace': (input) => workspaceCall(() => prometheus.workspaces.createJob(input)),
    'scrape.updateWorkspace': ({ jobId, changes }) => workspaceCall(() => prometheus.workspaces.modifyJob(String(jobId ?? ''), changes)),
    'scrape.deleteWorkspace': ({ jobId }) => workspaceCall(() => ({ jobId: prometheus.workspaces.deleteJob(String(jobId ?? '')) })),
    'scrape.targets': ({ jobId }) => workspaceCall(() => prometheus.workspaces.listTargets(String(jobId ?? ''))),
    'scrape.servers': () => workspaceCall(() => prometheus.workspaces.servers()),
    'scrape.addTarget': ({ jobId, hostId, port }) =>
      workspaceCall(() => {
        const id = String(jobId ?? '')
        return prometheus.workspaces.getTarget(id, prometheus.workspaces.createTarget(id, { hostId, port }))
      }),
    'scrape.removeTarget': ({ jobId, targetId }) => workspaceCall(() => ({ targetId: prometheus.workspaces.deleteTarget(String(jobId ?? ''), String(targetId ?? '')) })),
    'scrape.scrapeNow': async ({ jobId, targetId }) => {
      const target = workspaceCall(() => prometheus.workspaces.getTarget(String(jobId ?? ''), String(targetId ?? '')))
      await prometheus.scraper.scrapeNow(target.targetId)
      return workspaceCall(() => prometheus.workspaces.getTarget(target.jobId, target.targetId))
    },
    'remoteWrite.status': () => prometheus.remoteWrite.status(),
    'remoteWrite.configure': (input) => remoteWriteCall(() => prometheus.remoteWrite.configure(input)),
    'remoteWrite.remove': () => prometheus.remoteWrite.remove(),
    'webhooks.list': () => webhooks.list(),
    'webhooks.create': (input, caller) => webhooks.create(input, caller),
    'webhooks.update': ({ id, changes }, caller) => webhooks.update(id, changes, caller),
    'webhooks.delete': ({ id }, caller) => {
      webhooks.remove(id, caller)
      return { id }
    },
    'webhooks.test': ({ id }) => webhooks.test(id),
    'webhooks.deliveries': ({ id }) => webhooks.deliveries(id, 1, DELIVERIES_KEPT).deliveries
  }
}

const WORKSPACE_ERROR_CODES: Record<Exclude<ResultName, 'SUCCESS'>, 'validation' | 'not_found' | 'forbidden' | 'internal'> = {
  ALREADY_EXIST: 'validation',
  BAD_INPUT_VALUE: 'validation',
  INVALID_HOST_OR_PROJECT: 'validation',
  NOT_FOUND_JOB: 'not_found',
  NOT_FOUND_TARGET: 'not_found',
  SYSTEM_RESERVED_JOB: 'forbidden',
  INTERNAL_SERVER_ERROR: 'internal'
}

/** The workspaces' refusals (result codes of the sysmon API) as the contract's errors. */
function workspaceCall<T>(call: () => T): T {
  try {
    return call()
  } catch (error) {
    if (error instanceof WorkspaceError) throw new AppError(WORKSPACE_ERROR_CODES[error.result], error.message)
    throw error
  }
}

/**
 * Runs a handler for `caller` and wraps the result, turning any failure into a plain error body;
 * a channel the caller may not use (CHANNEL_ACCESS) is refused as forbidden before it runs.
 */
export async function invoke<C extends Channel>(
  handlers: Handlers,
  channel: C,
  req: Req<C>,
  caller: Principal,
  onUnexpected: (error: unknown) => void = () => {}
): Promise<Outcome<Res<C>>> {
  try {
    const rule = CHANNEL_ACCESS[channel]
    if (rule.area !== 'any') requirePermission(caller, rule.area, rule.access)
    if (req !== undefined && req !== null && typeof req !== 'object') {
      throw new AppError('validation', 'Invalid input: the request must be a JSON object')
    }
    const handler = handlers[channel] as (req: Req<C>, caller: Principal) => Res<C> | Promise<Res<C>>
    return { ok: true, value: await handler(req ?? ({} as Req<C>), caller) }
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toBody() }
    onUnexpected(error)
    return { ok: false, error: { code: 'internal', message: 'Internal error; see the Vigil log for details' } }
  }
}

const importView = (source: ImportSourceRow): ImportSourceView => {
  const { name, type, ...options } = source.options
  return { name, type, options }
}
