// Host key pinning: the first key a server presents is remembered; any other key afterwards
// refuses the connection until the user accepts it.
import { createHash } from 'node:crypto'

export interface HostKey {
  /** The key type as the server names it, e.g. `ssh-ed25519`. */
  algorithm: string
  /** As OpenSSH prints it: `SHA256:` and the unpadded base64 of the key blob's SHA-256. */
  fingerprint: string
}

/** Where pinned host keys live; sync or async implementations both fit. */
export interface HostKeyStore {
  get(serverId: string): HostKey | null | Promise<HostKey | null>
  pin(serverId: string, key: HostKey): void | Promise<void>
}

/** For tests and one-shot use; the app keeps its pins in SQLite. */
export class MemoryHostKeyStore implements HostKeyStore {
  private readonly keys = new Map<string, HostKey>()

  get(serverId: string): HostKey | null {
    const key = this.keys.get(serverId)
    return key ? { ...key } : null
  }

  pin(serverId: string, key: HostKey): void {
    this.keys.set(serverId, { ...key })
  }
}

/** The fingerprint OpenSSH shows (`ssh-keygen -l`) for a public key blob in wire format. */
export function fingerprintOf(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')
}

/** The key type is the blob's first length-prefixed string (RFC 4253 §6.6). */
export function keyAlgorithmOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown'
  const length = keyBlob.readUInt32BE(0)
  if (length === 0 || length > 64 || keyBlob.length < 4 + length) return 'unknown'
  return keyBlob.subarray(4, 4 + length).toString('latin1')
}

export function hostKeyOf(keyBlob: Buffer): HostKey {
  return { algorithm: keyAlgorithmOf(keyBlob), fingerprint: fingerprintOf(keyBlob) }
}
