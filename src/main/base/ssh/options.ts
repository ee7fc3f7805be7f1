// Fills in the defaults of SshConnectionOptions.
import { DEFAULT_BACKOFF } from './backoff'
import { SSH_DEFAULTS, type ResolvedSshOptions, type SshConnectionOptions } from './types'

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback
}

export function resolveSshOptions(options: SshConnectionOptions): ResolvedSshOptions {
  const hasPassword = options.password !== undefined && options.password !== ''
  const hasKey = options.privateKeyPath !== undefined && options.privateKeyPath !== ''
  return {
    serverId: options.serverId,
    host: options.host,
    port: positive(options.port, SSH_DEFAULTS.port),
    username: options.username,
    password: options.password,
    privateKeyPath: options.privateKeyPath,
    passphrase: options.passphrase,
    // The agent is the fallback when nothing else is configured, as with the ssh command.
    useAgent: options.useAgent ?? (!hasPassword && !hasKey),
    readyTimeoutMs: positive(options.readyTimeoutMs, SSH_DEFAULTS.readyTimeoutMs),
    // 0 is meaningful here: it turns keepalives off.
    keepaliveIntervalMs: options.keepaliveIntervalMs !== undefined && options.keepaliveIntervalMs >= 0 ? options.keepaliveIntervalMs : SSH_DEFAULTS.keepaliveIntervalMs,
    keepaliveCountMax: positive(options.keepaliveCountMax, SSH_DEFAULTS.keepaliveCountMax),
    maxSessions: Math.floor(positive(options.maxSessions, SSH_DEFAULTS.maxSessions)),
    backoff: options.backoff ?? DEFAULT_BACKOFF
  }
}
