import type { AppInfo, Channel, Outcome, Req, Res } from '../shared/contract'
import { AppError } from '../shared/errors'
import type { SnapshotSummary } from '../shared/oracle'
import type { ConnectionsService } from './services/connections'
import type { MetricSeriesService } from './services/metric-series'
import type { OracleDataService } from './services/oracle-data'
import type { OracleDatabasesService } from './services/oracle-databases'
import type { OracleTablesService } from './services/oracle-tables'
import type { PostgresInstancesService } from './services/postgres-instances'
import type { ServersService } from './services/servers'
import type { UsersService } from './services/users'

/** One handler per contract channel. Electron's IPC and the browser's HTTP transport both call these. */
export type Handlers = { [C in Channel]: (req: Req<C>) => Res<C> | Promise<Res<C>> }

export interface HandlerDeps {
  servers: ServersService
  connections: ConnectionsService
  metricSeries: MetricSeriesService
  postgres: PostgresInstancesService
  users: UsersService
  oracle: { databases: OracleDatabasesService; tables: OracleTablesService; data: OracleDataService }
  info: () => AppInfo
}

export function createHandlers({ servers, connections, metricSeries, postgres, users, oracle, info }: HandlerDeps): Handlers {
  return {
    'app.info': () => info(),
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
    'users.list': () => users.list(),
    'users.add': async ({ username, password }) => {
      await users.add(String(username ?? ''), String(password ?? ''))
      return users.list()
    },
    'users.setPassword': async ({ username, password }) => {
      await users.setPassword(String(username ?? ''), String(password ?? ''))
      return users.list()
    },
    'users.remove': ({ username }) => {
      users.remove(String(username ?? ''))
      return users.list()
    },
    'postgres.list': (query) => postgres.list(query ?? {}),
    'postgres.get': ({ id }) => postgres.get(id),
    'postgres.create': (input) => postgres.create(input),
    'postgres.update': ({ id, changes }) => postgres.update(id, changes),
    'postgres.delete': ({ id }) => postgres.delete(id),
    'postgres.test': ({ id }) => postgres.test(id),
    'oracle.databases.list': (query) => oracle.databases.list(query ?? {}),
    'oracle.databases.get': ({ id }) => oracle.databases.get(id),
    'oracle.databases.create': (input) => oracle.databases.create(input),
    'oracle.databases.update': ({ id, changes }) => oracle.databases.update(id, changes),
    'oracle.databases.delete': ({ id }) => oracle.databases.delete(id),
    'oracle.databases.test': ({ id }) => oracle.databases.test(id),
    'oracle.tables.get': ({ id }) => oracle.tables.get(id),
    'oracle.tables.list': (query) => oracle.tables.list(query ?? {}),
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
    'oracle.tables.tasks': ({ id, limit }) => oracle.tables.tasks(id, { limit })
  }
}

/** Runs a handler and wraps the result, turning any failure into a plain error body. */
export async function invoke<C extends Channel>(
  handlers: Handlers,
  channel: C,
  req: Req<C>,
  onUnexpected: (error: unknown) => void = () => {}
): Promise<Outcome<Res<C>>> {
  try {
    if (req !== undefined && req !== null && typeof req !== 'object') {
      throw new AppError('validation', 'Invalid input: the request must be a JSON object')
    }
    const handler = handlers[channel] as (req: Req<C>) => Res<C> | Promise<Res<C>>
    return { ok: true, value: await handler(req ?? ({} as Req<C>)) }
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toBody() }
    onUnexpected(error)
    return { ok: false, error: { code: 'internal', message: 'Internal error; see the Vigil log for details' } }
  }
}
