import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { replacePrivateFile, writePrivateFile } from './private-file'

export const TOKEN_FILE = 'api-token'

/** The API's bearer token: 32 random bytes as hex, made on first start, kept 0600 in the data dir. */
export function loadOrCreateApiToken(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE)
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim()
    if (/^[0-9a-f]{64}$/.test(token)) return token
    throw new Error(`${file} does not hold a Vigil API token; delete it to have a new one made`)
  }
  const token = newApiToken()
  writePrivateFile(file, token + '\n')
  return token
}

/** Replaces the token file's token with a new one (atomically: `vigil token` reads the old or the new). */
export function rotateApiToken(dataDir: string): string {
  const token = newApiToken()
  replacePrivateFile(join(dataDir, TOKEN_FILE), token + '\n')
  return token
}

function newApiToken(): string {
  return randomBytes(32).toString('hex')
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function secretsEqual(expected: string, given: string): boolean {
  return timingSafeEqual(createHash('sha256').update(expected).digest(), createHash('sha256').update(given).digest())
}
