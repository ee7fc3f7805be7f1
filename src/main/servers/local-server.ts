import { hostname, userInfo } from 'node:os'
import type { ServersService } from './servers-service'
import type { SettingsRepo } from '../base/db/settings-repo'

const SEEDED = 'local_server_seeded'

/**
 * Registers the host Vigil runs on as a server collected by local exec, once per data dir,
 * so a first start shows live data. Deleting it is respected: it is not re-created.
 * Only Linux and AIX have the commands the parsers read.
 */
export function seedLocalServer(servers: ServersService, settings: SettingsRepo, platform: NodeJS.Platform = process.platform): void {
  if (settings.get(SEEDED)) return
  const os = platform === 'linux' ? 'linux' : platform === 'aix' ? 'aix' : null
  if (!os) return
  const name = hostname().replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'localhost'
  const taken = servers.list({ search: name }).servers.some((server) => server.hostname.toLowerCase() === name.toLowerCase())
  servers.createLocal(taken ? `${name}-local` : name, userInfo().username, os)
  settings.set(SEEDED, new Date().toISOString())
}
