import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// Shared keys a client sends on every request (the PostgreSQL agent key): stored salted and
// hashed, compared in constant time. SHA-256 rather than scrypt: a key is checked on every call
// of a dashboard or a probe (every few seconds), where a password is checked once per login;
// what keeps a short key from being guessed offline is its length (16 characters at least) and
// the data directory's 0600.

const SCHEME = 'sha256'

function digest(salt: Buffer, key: string): Buffer {
  return createHash('sha256').update(salt).update(key, 'utf8').digest()
}

/** `sha256$<salt>$<hash>`, base64. */
export function hashSharedKey(key: string): string {
  const salt = randomBytes(16)
  return [SCHEME, salt.toString('base64'), digest(salt, key).toString('base64')].join('$')
}

/** Whether `given` is the key `stored` was made from; false for a missing or malformed hash, after the same work. */
export function sharedKeyMatches(given: string, stored: string | null): boolean {
  const [scheme, salt, hash] = (stored ?? '').split('$')
  const valid = scheme === SCHEME && salt !== undefined && hash !== undefined
  const expected = valid ? Buffer.from(hash, 'base64') : Buffer.alloc(32)
  const actual = digest(valid ? Buffer.from(salt, 'base64') : Buffer.alloc(16), given)
  return expected.length === actual.length && timingSafeEqual(expected, actual) && valid
}
