import { utils } from 'ssh2'
import { describe, expect, it } from 'vitest'
import { ed25519KeyPair, encryptedEd25519KeyPair } from '../helpers/ssh-keys'

// ssh2's utils.generateKeyPairSync('ed25519') drops the leading zero bytes of the public key, so
// about one key in 256 is rejected by its own parser (mscdex/ssh2#1513). Tests and benchmarks
// make their keys with test/helpers/ssh-keys.ts instead.
describe('test key generation', () => {
  const publicKeyOf = (line: string): Buffer => {
    const parsed = utils.parseKey(line)
    if (parsed instanceof Error) throw parsed
    return (Array.isArray(parsed) ? parsed[0] : parsed)?.getPublicSSH() ?? Buffer.alloc(0)
  }

  it('makes Ed25519 keys ssh2 reads back, comment and all', () => {
    for (let index = 0; index < 100; index++) {
      const pair = ed25519KeyPair(`key-${index}`)
      const parsed = utils.parseKey(pair.private)
      if (parsed instanceof Error) throw parsed
      const key = Array.isArray(parsed) ? parsed[0] : parsed
      expect(key?.type).toBe('ssh-ed25519')
      expect(key?.comment).toBe(`key-${index}`)
      expect(key?.getPublicSSH().equals(publicKeyOf(pair.public))).toBe(true)
    }
  })

  it('keeps a public key that starts with a zero byte whole (the keys ssh2 gets wrong)', () => {
    // About one key in 256 starts with 0x00; 5,000 tries miss one with odds of 3 in a billion.
    for (let tries = 0; tries < 5000; tries++) {
      const pair = ed25519KeyPair()
      const blob = publicKeyOf(pair.public)
      // string "ssh-ed25519" (4 + 11 bytes), then string key (4 + 32 bytes).
      expect(blob.length).toBe(51)
      if (blob[19] === 0) return
    }
    throw new Error('no key with a leading zero byte in 5,000')
  })

  it('makes passphrase-protected keys with ssh-keygen', () => {
    const pair = encryptedEd25519KeyPair('secret')
    expect(pair.private).toContain('BEGIN OPENSSH PRIVATE KEY')
    expect(utils.parseKey(pair.private)).toBeInstanceOf(Error)
    expect(utils.parseKey(pair.private, 'secret')).not.toBeInstanceOf(Error)
  })
})
