// Commands take a server or a PostgreSQL instance by id or by name, as a person thinks of it;
// the APIs take ids. One lookup each, with the exit codes scripts expect (4 none, 1 ambiguous).
import type { Server, ServerListPage } from '../../shared/servers'
import type { ApiClient } from './api-client'
import { CliError, EXIT, usageError } from './exit-codes'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Every server, page by page (the API gives at most 100 a page). */
export async function listServers(api: ApiClient, filters: Record<string, string | undefined> = {}): Promise<Server[]> {
  const servers: Server[] = []
  for (let page = 1; ; page++) {
    const answer = await api.request<ServerListPage>('GET', '/api/servers/', { query: { ...filters, page, per_page: 100 } })
    servers.push(...answer.servers)
    if (!answer.has_next) return servers
  }
}

/** A server by its id, hostname or alias. */
export async function findServer(api: ApiClient, idOrName: string): Promise<Server> {
  if (UUID.test(idOrName)) return api.request<Server>('GET', `/api/servers/${idOrName}/`)
  const matches = (await listServers(api, { search: idOrName })).filter((server) => server.hostname === idOrName || server.alias === idOrName)
  return only(matches, idOrName, 'server', (server) => server.id)
}

interface PostgresInstance {
  id: number
  name: string
  host: string
  port: number
}

/** A registered PostgreSQL instance by its numeric id or its name. */
export async function findInstance(api: ApiClient, idOrName: string): Promise<PostgresInstance> {
  if (/^\d+$/.test(idOrName)) return api.request<PostgresInstance>('GET', `/api/postgres-instances/${idOrName}/`)
  const instances = await api.request<PostgresInstance[]>('GET', '/api/postgres-instances/')
  return only(
    instances.filter((instance) => instance.name === idOrName),
    idOrName,
    'PostgreSQL instance',
    (instance) => String(instance.id)
  )
}

function only<T>(matches: T[], name: string, what: string, idOf: (item: T) => string): T {
  const [first, second] = matches
  if (first === undefined) throw new CliError(EXIT.notFound, `no ${what} named '${name}'`)
  if (second !== undefined) throw usageError(`'${name}' names ${matches.length} of them (ids ${matches.map(idOf).join(', ')}): give the id`)
  return first
}
