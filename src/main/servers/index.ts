// Servers: the register, connection tests and pinned host keys. Public surface of the feature.
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { SecretBox } from '../base/security/secrets'
import { ConnectionsService, sqliteHostKeyStore, type ServerHostKeys } from './connections-service'
import { createHostKeysRepo } from './host-keys-repo'
import { createServersRepo } from './servers-repo'
import { ServersService } from './servers-service'

export { ConnectionsService, sshOptionsOf, type ServerHostKeys } from './connections-service'
export { seedLocalServer } from './local-server'
export type { ServerRow } from './servers-repo'
export { ServersService } from './servers-service'

export interface ServersFeature {
  servers: ServersService
  connections: ConnectionsService
  /** Pinned host keys, for every SSH connection Vigil opens to a registered server. */
  hostKeys: ServerHostKeys
}

export interface ServersDeps {
  db: Db
  secrets: SecretBox
  bus: EventBus
  /** The user accepted a server's new host key: reconnect whatever uses that server. */
  onHostKeyAccepted: (serverId: string) => void
}

export function createServersFeature({ db, secrets, bus, onHostKeyAccepted }: ServersDeps): ServersFeature {
  const servers = new ServersService(createServersRepo(db), secrets, bus)
  const hostKeysRepo = createHostKeysRepo(db)
  return {
    servers,
    connections: new ConnectionsService(servers, hostKeysRepo, onHostKeyAccepted),
    hostKeys: sqliteHostKeyStore(hostKeysRepo)
  }
}
