import { safeStorage } from 'electron'
import type { KeyWrapper } from './base/security/secrets'

/** Wraps Vigil's data key with the OS keychain (Keychain, DPAPI, libsecret) when Electron has one. */
export function safeStorageKeyWrapper(): KeyWrapper | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined
  return {
    wrap: (key) => safeStorage.encryptString(key.toString('hex')),
    unwrap: (wrapped) => Buffer.from(safeStorage.decryptString(wrapped), 'hex')
  }
}
