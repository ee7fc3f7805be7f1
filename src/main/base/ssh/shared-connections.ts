// One SSH connection per server shared by short, occasional reads (a PostgreSQL instance's host
// facts and /proc snapshots), opened on first use and closed after a while without any. The
// connection is an SshConnection: host key pinned, keepalive, and reconnects with backoff after
// a drop; reads made while it is down fail at once with the reason, rather than each opening a
// connection of its own. A refusal that retrying cannot fix (wrong credentials, changed host key)
// is kept until the server's settings change or the presented key is pinned: the next read after
// that starts a fresh connection. Nothing here retries a refused login on its own.
import { createHash } from 'node:crypto'
import { SshConnection } from './connection'
import type { HostKey, HostKeyStore } from './host-keys'
import type { ExecOptions, ExecResult, SshConnectionOptions } from './types'

export const DEFAULT_IDLE_CLOSE_MS = 60_000

export interface SharedSshConnectionsOptions {
  /** A connection unused for this long is closed. Default 60 s. */
  idleCloseMs?: number
  /** Told when a server presents a key other than the pinned one (to show the user). */
  onHostKeyMismatch?: (serverId: string, presented: HostKey) => void
}

interface Entry {
  /** A digest of the settings the connection was made with (secrets are not kept in clear twice). */
  settings: string
  connection: SshConnection
  lastUsed: number
  inFlight: number
  timer: NodeJS.Timeout | null
}

function settingsDigest(options: SshConnectionOptions): string {
  const { serverId, host, port, username, password, privateKeyPath, passphrase, useAgent } = options
  return createHash('sha256')
    .update(JSON.stringify([serverId, host, port ?? null, username, password ?? null, privateKeyPath ?? null, passphrase ?? null, useAgent ?? null]))
    .digest('hex')
}

export class SharedSshConnections {
  private readonly entries = new Map<string, Entry>()
  private readonly idleCloseMs: number

  constructor(
    private readonly hostKeys: HostKeyStore,
    private readonly options: SharedSshConnectionsOptions = {}
  ) {
    this.idleCloseMs = options.idleCloseMs ?? DEFAULT_IDLE_CLOSE_MS
  }

  /** Runs a command built by Vigil (never user text) on the server's shared connection. */
  async exec(options: SshConnectionOptions, command: string, execOptions: ExecOptions = {}): Promise<ExecResult> {
    const entry = await this.entryFor(options)
    entry.inFlight += 1
    entry.lastUsed = Date.now()
    try {
      return await entry.connection.exec(command, execOptions)
    } finally {
      entry.inFlight -= 1
      entry.lastUsed = Date.now()
      this.armIdleTimer(entry)
    }
  }

  /** Closes the server's connection (its settings or its pinned key changed, or it was deleted). */
  forget(serverId: string): void {
    const entry = this.entries.get(serverId)
    if (!entry) return
    this.entries.delete(serverId)
    this.dispose(entry)
  }

  closeAll(): void {
    for (const entry of this.entries.values()) this.dispose(entry)
    this.entries.clear()
  }

  /** Connections open or opening now. */
  get size(): number {
    return this.entries.size
  }

  private async entryFor(options: SshConnectionOptions): Promise<Entry> {
    const settings = settingsDigest(options)
    const existing = this.entries.get(options.serverId)
    if (existing && existing.settings === settings && !(await this.needsFreshStart(existing))) return existing
    // Another read may have replaced it while we looked at the pin.
    const current = this.entries.get(options.serverId)
    if (current && current !== existing && current.settings === settings) return current
    if (current) this.forget(options.serverId)

    const connection = new SshConnection(options, this.hostKeys)
    const entry: Entry = { settings, connection, lastUsed: Date.now(), inFlight: 0, timer: null }
    connection.on('state', (status) => {
      if (status.state === 'host_key_mismatch' && connection.presentedHostKey) {
        this.options.onHostKeyMismatch?.(options.serverId, connection.presentedHostKey)
      }
    })
    this.entries.set(options.serverId, entry)
    connection.start()
    this.armIdleTimer(entry)
    return entry
  }

  /** A connection stopped for good, or refused for a host key the user has since pinned. */
  private async needsFreshStart(entry: Entry): Promise<boolean> {
    const { state } = entry.connection.status
    if (state === 'stopped') return true
    if (state !== 'host_key_mismatch') return false
    const presented = entry.connection.presentedHostKey
    const pinned = await this.hostKeys.get(entry.connection.serverId)
    return presented !== null && pinned !== null && pinned.fingerprint === presented.fingerprint
  }

  private armIdleTimer(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer)
    const wait = Math.max(0, entry.lastUsed + this.idleCloseMs - Date.now())
    entry.timer = setTimeout(() => {
      entry.timer = null
      if (this.entries.get(entry.connection.serverId) !== entry) return
      if (entry.inFlight > 0 || Date.now() - entry.lastUsed < this.idleCloseMs) {
        this.armIdleTimer(entry)
        return
      }
      this.forget(entry.connection.serverId)
    }, wait)
    // An idle connection must not keep the process alive by itself.
    entry.timer.unref()
  }

  private dispose(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = null
    entry.connection.stop()
  }
}
