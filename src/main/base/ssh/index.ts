// The SSH layer of agentless monitoring: one reusable connection per server, host key
// pinning, and the one-shot connection test.
export { SshConnection, type SshConnectionEvents } from './connection'
export { execOnce, type ExecOnceResult } from './exec-once'
export { SharedSshConnections, DEFAULT_IDLE_CLOSE_MS, type SharedSshConnectionsOptions } from './shared-connections'
export { testConnection, TEST_COMMAND, type TestConnectionResult } from './test-connection'
export { MemoryHostKeyStore, fingerprintOf, hostKeyOf, type HostKey, type HostKeyStore } from './host-keys'
export { DEFAULT_BACKOFF, backoffCeilingMs, backoffDelayMs, type BackoffPolicy } from './backoff'
export { SshCommandError, classifyConnectError, type CommandErrorKind, type ConnectFailure, type FailureState } from './errors'
export type {
  ConnectionState,
  ConnectionStatus,
  ExecOptions,
  ExecResult,
  SshConnectionOptions,
  StreamEndInfo,
  StreamHandle
} from './types'
