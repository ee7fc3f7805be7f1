import { MAX_PER_PAGE } from '../../../shared/limits'
import type { Server } from '../../../shared/servers'
import { call } from '../transport/client'

/** Every registered server, page by page (the list API caps a page at 100). */
export async function allServers(): Promise<Server[]> {
  const servers: Server[] = []
  for (let page = 1; ; page++) {
    const result = await call('servers.list', { page, per_page: MAX_PER_PAGE })
    servers.push(...result.servers)
    if (page >= result.total_pages) return servers
  }
}
