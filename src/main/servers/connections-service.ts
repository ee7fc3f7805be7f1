import type { ConnectionTestResult, HostKeyInfo, HostKeyStatus } from '../../shared/connections'
import { AppError } from '../../shared/errors'
import { isoSeconds } from '../../shared/time'
import { LocalRunner } from '../base/exec/local-runner'
import { testConnection, type HostKey, type HostKeyStore, type SshConnectionOptions } from '../base/ssh'
import type { HostKeysRepo } from './host-keys-repo'
import type { ServerRow } from './servers-repo'
import type { ServersService } from './servers-service'
import { messageOf } from '../base/text'


/** The SSH options a server row describes, secrets opened. Servers are reached by their IP address. */
export function sshOptionsOf(row: ServerRow, servers: ServersService): SshConnectionOptions {
  const { password, keyPassphrase } = servers.credentials(row.id)
  return {
    serverId: row.id,
    host: row.ip_address,
    port: row.ssh_port,
    username: row.ssh_username,
    password: password ?? undefined,
    privateKeyPath: row.ssh_key_path ?? undefined,
    passphrase: keyPassphrase ?? undefined
  }
}

/** Pins kept in SQLite; a key that does not match is remembered so the user can accept it. */
/** Pinned host keys as the SSH layer reads them, plus what a server last presented (for the UI). */
export type ServerHostKeys = HostKeyStore & { recordPresented(serverId: string, key: HostKey): void }

export function sqliteHostKeyStore(repo: HostKeysRepo): ServerHostKeys {
  return {
    get: (serverId) => repo.get(serverId),
    pin: (serverId, key) => repo.pin(serverId, key),
    recordPresented: (serverId, key) => repo.recordPresented(serverId, key)
  }
}

/** "Test Server Connection" and the host-key decisions a user makes about a server. */
export class ConnectionsService {
  private readonly store: ServerHostKeys

  constructor(
    private readonly servers: ServersService,
    private readonly hostKeys: HostKeysRepo,
    private readonly onHostKeyAccepted: (serverId: string) => void = () => {}
  ) {
    this.store = sqliteHostKeyStore(hostKeys)
  }

  /** A real connection and `uname -a`; never throws for a connection failure, only for an unknown server. */
  async test(serverId: string): Promise<ConnectionTestResult> {
    const row = this.servers.rowOf(serverId)
    const server = { id: row.id, hostname: row.hostname }
    const base = { server_id: server.id, hostname: server.hostname }
    if (row.collector === 'local') {
      try {
        const run = await new LocalRunner().exec('LC_ALL=C uname -a', { timeoutMs: 10_000 })
        if (run.code === 0) return { status: 'success', ...base, output: run.stdout.trim(), host_key: null }
        return { status: 'error', ...base, error: run.stderr.trim() || `uname exited with ${run.code}`, state: 'error', presented_host_key: null }
      } catch (error) {
        return { status: 'error', ...base, error: messageOf(error), state: 'error', presented_host_key: null }
      }
    }
    const result = await testConnection(sshOptionsOf(row, this.servers), this.store)
    if (result.ok) {
      return { status: 'success', ...base, output: result.output, host_key: this.hostKey(server.id)?.pinned ?? null }
    }
    if (result.presentedHostKey) this.store.recordPresented(server.id, result.presentedHostKey)
    return { status: 'error', ...base, error: result.error, state: result.state, presented_host_key: result.presentedHostKey }
  }

  hostKey(serverId: string): HostKeyStatus | null {
    const details = this.hostKeys.details(this.servers.get(serverId).id)
    if (!details) return null
    return { pinned: { ...details.pinned, pinned_at: isoSeconds(details.pinnedAt) }, presented: details.presented }
  }

  /**
   * Pins the key the server presented last, replacing the old pin. The caller names the
   * fingerprint it showed the user, so a key that changed again in between is not accepted blindly.
   */
  acceptPresentedHostKey(serverId: string, fingerprint: string): HostKeyInfo {
    const id = this.servers.get(serverId).id
    const presented = this.hostKeys.presented(id)
    if (!presented) throw new AppError('not_found', 'This server has not presented a different host key')
    if (presented.fingerprint !== fingerprint) {
      throw AppError.invalidField('fingerprint', `does not match the presented key ${presented.fingerprint}`)
    }
    this.hostKeys.pin(id, presented)
    this.onHostKeyAccepted(id)
    return this.hostKey(id)?.pinned ?? presented
  }
}
