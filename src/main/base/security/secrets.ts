import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writePrivateFile } from './private-file'

/**
 * Optional OS-level protection for the data key (Electron's safeStorage: Keychain, DPAPI,
 * libsecret). Without it the key sits in a 0600 file, like an SSH private key.
 */
export interface KeyWrapper {
  wrap(key: Buffer): Buffer
  unwrap(wrapped: Buffer): Buffer
}

const VERSION = 'v1'

/** Encrypts secrets (SSH and database passwords) at rest with AES-256-GCM. */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key')
  }

  seal(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
  }

  open(sealed: string): string {
    const [version, payload] = sealed.split(':', 2)
    if (version !== VERSION || !payload) throw new Error('Unknown secret format')
    const raw = Buffer.from(payload, 'base64')
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  }
}

/** Loads the data key from the data dir, creating it on first start. */
export function loadSecretBox(dataDir: string, wrapper?: KeyWrapper): SecretBox {
  const file = join(dataDir, wrapper ? 'secret.key.wrapped' : 'secret.key')
  if (existsSync(file)) {
    const stored = readFileSync(file)
    return new SecretBox(wrapper ? wrapper.unwrap(stored) : Buffer.from(stored.toString('utf8').trim(), 'hex'))
  }
  const key = randomBytes(32)
  writePrivateFile(file, wrapper ? wrapper.wrap(key) : key.toString('hex') + '\n')
  return new SecretBox(key)
}
