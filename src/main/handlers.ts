import type { AppInfo, Channel, Outcome, Req, Res } from '../shared/contract'
import { AppError } from '../shared/errors'
import type { ConnectionsService } from './services/connections'
import type { MetricSeriesService } from './services/metric-series'
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
  info: () => AppInfo
}

export function createHandlers({ servers, connections, metricSeries, postgres, users, info }: HandlerDeps): Handlers {
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
    'postgres.test': ({ id }) => postgres.test(id)
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
