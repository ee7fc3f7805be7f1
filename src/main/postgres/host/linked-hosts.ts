// The machine a PostgreSQL instance runs on, as Vigil reaches it: through the server the
// instance is linked to (over SSH, or by local exec for the built-in "this machine" server), or,
// for an unlinked instance on loopback, this machine. A linked server wins over the instance's
// host name: an instance reached at 127.0.0.1 through a tunnel or a published container port
// runs where its server says.
//
// Three uses, three ways to run commands:
// - host facts for the dashboard and monitoring (CommandSystemSource) and /proc snapshots for
//   activity (CommandProcReader, one command per snapshot) are short reads, made often: they share
//   one SSH connection per server (SharedSshConnections), closed after a minute without use;
// - start/stop/restart run on a connection of their own, made for the command and closed after
//   it (execOnce), with a long timeout: pg_ctl -w waits up to 60 s for a stop and as long for a start.
// Host keys: the pinned key is checked on every connection; a server that presents another one is
// refused with the two fingerprints in the message (and the presented key is recorded for the user
// to accept or not). A server with no pinned key yet has its key pinned on first use, as the
// collectors and "Test connection" do.
import { AppError } from '../../../shared/errors'
import { LocalRunner } from '../../base/exec/local-runner'
import type { ShellExec } from '../administration'
import { CommandProcReader, LocalProcReader, ProcfsProcessStats, type ProcessStatsSource } from './process-stats'
import { localSystemSource, runCommandOn } from './local'
import { CommandSystemSource, type SystemSource } from './source'
import type { CommandRunner } from '../../base/exec/runner'
import { execOnce, SharedSshConnections } from '../../base/ssh'
import { type ServerRow, sshOptionsOf, type ServerHostKeys, type ServersService } from '../../servers'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/** start/stop/restart: pg_ctl -w waits up to 60 s to stop, then as long to start. */
export const CONTROL_TIMEOUT_MS = 150_000
/** One host-fact read (uname, /proc/stat, df). */
export const SYSTEM_READ_TIMEOUT_MS = 10_000
/** One /proc snapshot for activity: the list waits for two of them. */
export const PROC_SNAPSHOT_TIMEOUT_MS = 5_000

/** Where an instance's host side is read from. */
export interface InstanceHost {
  /** 'local': this machine; 'ssh': the linked server over SSH. */
  via: 'local' | 'ssh'
  /** The linked server; null for an unlinked instance on loopback. */
  serverId: string | null
  /** Changes when the host side must be read from elsewhere (another server, another address). */
  key: string
  system: SystemSource
  processStats: ProcessStatsSource
}

interface RemoteSources {
  address: string
  system: SystemSource
  processStats: ProcessStatsSource
}

export class LinkedHosts {
  private readonly shared: SharedSshConnections
  private readonly local = { system: localSystemSource(), processStats: new ProcfsProcessStats(new LocalProcReader()) }
  private readonly remote = new Map<string, RemoteSources>()

  constructor(
    private readonly servers: ServersService,
    private readonly hostKeys: ServerHostKeys,
    options: { idleCloseMs?: number } = {}
  ) {
    this.shared = new SharedSshConnections(hostKeys, {
      idleCloseMs: options.idleCloseMs,
      onHostKeyMismatch: (serverId, presented) => hostKeys.recordPresented(serverId, presented)
    })
  }

  /** The host side of an instance: its linked server; else this machine for a loopback host; else none. */
  hostOf(instance: { host: string; server_id: string | null }): InstanceHost | null {
    const row = instance.server_id === null ? null : this.rowOrNull(instance.server_id)
    if (row && row.collector !== 'local') {
      const sources = this.remoteOf(row)
      return { via: 'ssh', serverId: row.id, key: `ssh:${row.id}:${sources.address}`, ...sources }
    }
    if (row) return { via: 'local', serverId: row.id, key: `local:${row.id}`, ...this.local }
    return LOOPBACK.has(instance.host) ? { via: 'local', serverId: null, key: 'local', ...this.local } : null
  }

  /**
   * How start/stop/restart run on the linked server: local exec for this machine, else a one-off
   * SSH connection. Null without a linked server (there is nowhere to run the command).
   */
  controlExec(serverId: string | null): ShellExec | null {
    if (serverId === null || this.rowOrNull(serverId) === null) return null
    return async (command) => {
      const row = this.servers.rowOf(serverId)
      if (row.collector === 'local') return new LocalRunner().exec(command, { timeoutMs: CONTROL_TIMEOUT_MS })
      const outcome = await execOnce(sshOptionsOf(row, this.servers), this.hostKeys, command, { timeoutMs: CONTROL_TIMEOUT_MS })
      if (!outcome.ok) {
        if (outcome.failure.state === 'host_key_mismatch' && outcome.presentedHostKey) this.hostKeys.recordPresented(row.id, outcome.presentedHostKey)
        throw new AppError('unavailable', `Cannot run the command on server '${row.hostname}': ${outcome.failure.message}`, {
          extra: { reason: outcome.failure.state }
        })
      }
      return outcome.result
    }
  }

  /** Commands on a server over its shared connection; the server's settings are read at each command. */
  sshRunner(serverId: string): Pick<CommandRunner, 'exec'> {
    return {
      exec: (command, options = {}) => this.shared.exec(sshOptionsOf(this.servers.rowOf(serverId), this.servers), command, options)
    }
  }

  /** Drops a server's shared connection and cached facts (its host key was accepted, say). */
  forget(serverId: string): void {
    this.shared.forget(serverId)
    this.remote.delete(serverId)
  }

  close(): void {
    this.shared.closeAll()
    this.remote.clear()
  }

  private remoteOf(row: ServerRow): RemoteSources {
    // Host facts read once (name, CPU count) belong to an address: a server moved starts over.
    const address = `${row.ip_address}:${row.ssh_port}`
    const existing = this.remote.get(row.id)
    if (existing && existing.address === address) return existing
    const runner = this.sshRunner(row.id)
    const sources: RemoteSources = {
      address,
      system: new CommandSystemSource(runCommandOn(runner, SYSTEM_READ_TIMEOUT_MS)),
      processStats: new ProcfsProcessStats(new CommandProcReader(runCommandOn(runner, PROC_SNAPSHOT_TIMEOUT_MS)))
    }
    this.remote.set(row.id, sources)
    return sources
  }

  private rowOrNull(serverId: string): ServerRow | null {
    try {
      return this.servers.rowOf(serverId)
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return null
      throw error
    }
  }
}
