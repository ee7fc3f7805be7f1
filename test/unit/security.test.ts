import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadOrCreateApiToken, secretsEqual } from '../../src/main/base/security/api-token'
import { Authenticator, LOGIN_CODE_TTL_MS, SESSION_TTL_MS } from '../../src/main/base/security/browser-auth'
import { loadSecretBox, SecretBox, type KeyWrapper } from '../../src/main/base/security/secrets'
import { createAuthRepo } from '../../src/main/base/security/auth-repo'
import { openDb } from '../../src/main/base/db/db'
import { makeTempDir } from '../helpers/temp-dir'

let temp: ReturnType<typeof makeTempDir>
beforeEach(() => {
  temp = makeTempDir()
})
afterEach(() => temp.remove())

describe('SecretBox', () => {
  it('round-trips, uses a fresh nonce each time, and detects tampering', () => {
    const box = loadSecretBox(temp.dir)
    const sealed = box.seal('s3cret – ünïcode')
    expect(sealed).not.toContain('s3cret')
    expect(box.seal('s3cret – ünïcode')).not.toBe(sealed)
    expect(box.open(sealed)).toBe('s3cret – ünïcode')
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    expect(() => box.open(tampered)).toThrow()
    expect(() => new SecretBox(Buffer.alloc(32, 1)).open(sealed)).toThrow()
  })

  it('keeps its key across restarts in a 0600 file', () => {
    const sealed = loadSecretBox(temp.dir).seal('pw')
    expect(loadSecretBox(temp.dir).open(sealed)).toBe('pw')
    expect(statSync(join(temp.dir, 'secret.key')).mode & 0o777).toBe(0o600)
  })

  it('stores only the wrapped key when the OS keychain wraps it', () => {
    const xor = (buffer: Buffer) => Buffer.from(buffer.map((byte) => byte ^ 0x5a))
    const wrapper: KeyWrapper = { wrap: xor, unwrap: xor }
    const sealed = loadSecretBox(temp.dir, wrapper).seal('pw')
    expect(loadSecretBox(temp.dir, wrapper).open(sealed)).toBe('pw')
    expect(readFileSync(join(temp.dir, 'secret.key.wrapped')).length).toBe(32)
  })
})

describe('API token', () => {
  it('is 32 random bytes, made once and kept', () => {
    const token = loadOrCreateApiToken(temp.dir)
    expect(token).toMatch(/^[0-9a-f]{64}$/)
    expect(loadOrCreateApiToken(temp.dir)).toBe(token)
    expect(statSync(join(temp.dir, 'api-token')).mode & 0o777).toBe(0o600)
  })

  it('refuses a token file that does not hold a token', () => {
    writeFileSync(join(temp.dir, 'api-token'), 'hello')
    expect(() => loadOrCreateApiToken(temp.dir)).toThrow(/does not hold a Vigil API token/)
  })

  it('compares in constant time whatever the lengths', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true)
    expect(secretsEqual('abc', 'abd')).toBe(false)
    expect(secretsEqual('abc', '')).toBe(false)
  })
})

describe('Authenticator', () => {
  it('expires login codes and sessions on time, and codes work once', () => {
    const db = openDb(join(temp.dir, 'vigil.db'))
    let now = 1_000_000
    const auth = new Authenticator('t'.repeat(64), createAuthRepo(db), () => now)
    const stale = auth.createLoginCode()
    now += LOGIN_CODE_TTL_MS + 1
    expect(auth.redeemLoginCode(stale)).toBeNull()
    const code = auth.createLoginCode()
    const session = auth.redeemLoginCode(code)
    expect(session).toMatch(/^[0-9a-f]{64}$/)
    expect(auth.redeemLoginCode(code)).toBeNull()
    expect(auth.session(session as string)).toEqual({ username: null, hash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    now += SESSION_TTL_MS
    expect(auth.session(session as string)).toBeNull()
    expect(auth.session('../etc')).toBeNull()
    db.close()
  })
})
