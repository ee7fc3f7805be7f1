// What "test connection" and the host-key decisions answer, for the API and the UI alike.

export interface HostKeyInfo {
  /** The key type as the server names it, e.g. ssh-ed25519. */
  algorithm: string
  /** As `ssh-keygen -l` prints it: SHA256:<base64>. */
  fingerprint: string
  pinned_at?: string
}

export type ConnectionTestResult =
  | { status: 'success'; server_id: string; hostname: string; output: string; host_key: HostKeyInfo | null }
  | {
      status: 'error'
      server_id: string
      hostname: string
      error: string
      /** auth_failed, host_key_mismatch, unreachable or error. */
      state: string
      /** On host_key_mismatch: the key the server presents now. */
      presented_host_key: HostKeyInfo | null
    }

export interface HostKeyStatus {
  pinned: HostKeyInfo
  /** A different key the server presented, waiting for the user's decision. */
  presented: HostKeyInfo | null
}
