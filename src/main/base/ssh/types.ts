// The public shapes of the SSH layer: options, states and command results.
import type { BackoffPolicy } from './backoff'

export interface SshConnectionOptions {
  /** The server's id in the registry; host keys are pinned under it. */
  serverId: string
  host: string
  /** Default 22. */
  port?: number
  username: string
  password?: string
  /** An OpenSSH private key file; `~` is expanded to the home directory. */
  privateKeyPath?: string
  passphrase?: string
  /**
   * Offer the keys of the SSH agent at $SSH_AUTH_SOCK. Default: only when neither a password
   * nor a key is configured.
   */
  useAgent?: boolean
  /** TCP connect + SSH handshake + authentication must finish within this. Default 10 s. */
  readyTimeoutMs?: number
  /** SSH-level keepalive period; 0 disables it. Default 15 s. */
  keepaliveIntervalMs?: number
  /** Unanswered keepalives before the connection is declared dead. Default 3. */
  keepaliveCountMax?: number
  /**
   * Sessions (exec or stream channels) open at once on the connection; more wait in a queue.
   * OpenSSH allows 10 per connection (MaxSessions); the default 8 leaves room. Default 8.
   */
  maxSessions?: number
  /** Reconnect delays. Default: 1 s doubling to 60 s, full jitter. */
  backoff?: BackoffPolicy
}

/** The options with every default filled in. */
export type ResolvedSshOptions = Required<Omit<SshConnectionOptions, 'password' | 'privateKeyPath' | 'passphrase' | 'useAgent'>> &
  Pick<SshConnectionOptions, 'password' | 'privateKeyPath' | 'passphrase'> & { useAgent: boolean }

export const SSH_DEFAULTS = {
  port: 22,
  readyTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  maxSessions: 8
} as const

export type ConnectionState =
  | 'connecting'
  | 'connected'
  | 'auth_failed'
  | 'host_key_mismatch'
  | 'unreachable'
  | 'error'
  | 'stopped'

export interface ConnectionStatus {
  state: ConnectionState
  /** Why the connection is not up, in plain words; null when connecting, connected or stopped. */
  error: string | null
  /** Epoch milliseconds when this state began. */
  since: number
  /** Epoch milliseconds of the next automatic attempt; null when none is scheduled. */
  nextAttemptAt: number | null
}

export interface ExecResult {
  stdout: string
  stderr: string
  /** The exit status; null when the command was killed by a signal or the server sent none. */
  code: number | null
  signal: string | null
}

export interface ExecOptions {
  /** From the call (queueing included) to the command's end. Default 30 s. */
  timeoutMs?: number
  /** stdout + stderr beyond this closes the channel and rejects. Default 8 MiB. */
  maxOutputBytes?: number
}

export interface StreamEndInfo {
  /**
   * exited: the command ended by itself; closed: close() was called; connection_lost: the
   * connection dropped (or was never up); stopped: the connection was stopped or reconfigured;
   * failed: the channel could not be opened.
   */
  reason: 'exited' | 'closed' | 'connection_lost' | 'stopped' | 'failed'
  code: number | null
  signal: string | null
  /** Plain-words reason for connection_lost and failed; null otherwise. */
  error: string | null
  /** The last few KiB of the command's stderr. */
  stderr: string
}

export interface StreamHandle {
  /** Ends the remote command (closes its channel); onEnd follows with reason 'closed'. */
  close(): void
  readonly ended: boolean
}
