// Ed25519 key pairs for tests and benchmarks, made without ssh2's utils.generateKeyPairSync:
// that one strips leading zero bytes from the public key, so about one key in 256 is one its own
// parser rejects (mscdex/ssh2#1513). Here Node's crypto makes the key, this file writes the
// OpenSSH encoding, and every key is checked (parsed by ssh2, a signature made and verified)
// before it is handed out. Keys with a passphrase come from ssh-keygen, which alone does the
// bcrypt KDF OpenSSH uses.
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { utils } from 'ssh2'

export interface SshKeyPair {
  /** OpenSSH private key file (-----BEGIN OPENSSH PRIVATE KEY-----). */
  private: string
  /** authorized_keys line: `ssh-ed25519 AAAA… comment`. */
  public: string
}

const ED25519 = 'ssh-ed25519'

/** A new unencrypted Ed25519 key pair in OpenSSH's formats, checked before it is returned. */
export function ed25519KeyPair(comment = 'vigil-test'): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  const seed = Buffer.from(jwk.d ?? '', 'base64url')
  const pub = Buffer.from(jwk.x ?? '', 'base64url')
  if (seed.length !== 32 || pub.length !== 32) throw new Error('Node returned an Ed25519 key of an unexpected size')
  const pair = encodeOpenSsh(seed, pub, comment)
  checkKeyPair(pair, publicKey)
  return pair
}

/** A passphrase-protected Ed25519 key pair, made by ssh-keygen (bcrypt KDF, `rounds` rounds). */
export function encryptedEd25519KeyPair(passphrase: string, rounds = 4, comment = 'vigil-test'): SshKeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-keygen-'))
  try {
    const file = join(dir, 'key')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', String(rounds), '-N', passphrase, '-C', comment, '-f', file], { stdio: 'pipe' })
    const pair = { private: readFileSync(file, 'utf8'), public: readFileSync(`${file}.pub`, 'utf8').trim() }
    const parsed = utils.parseKey(pair.private, passphrase)
    if (parsed instanceof Error) throw new Error(`ssh2 cannot read the key ssh-keygen made: ${parsed.message}`)
    return pair
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** PROTOCOL.key: "openssh-key-v1\0", cipher and KDF "none", one public key, the private section padded to 8. */
function encodeOpenSsh(seed: Buffer, pub: Buffer, comment: string): SshKeyPair {
  const publicBlob = Buffer.concat([sshString(ED25519), sshString(pub)])
  const check = randomBytes(4)
  let section = Buffer.concat([check, check, sshString(ED25519), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)])
  const padding = Buffer.from(Array.from({ length: (8 - (section.length % 8)) % 8 }, (_, index) => index + 1))
  section = Buffer.concat([section, padding])
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(section)
  ])
  const lines = body.toString('base64').match(/.{1,70}/g) ?? []
  return {
    private: ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n'),
    public: `${ED25519} ${publicBlob.toString('base64')} ${comment}`
  }
}

/** Both halves parse, name the same public key, and a signature by the private one verifies. */
function checkKeyPair(pair: SshKeyPair, nodePublicKey: KeyObject): void {
  const privateKey = utils.parseKey(pair.private)
  const publicKey = utils.parseKey(pair.public)
  if (privateKey instanceof Error || publicKey instanceof Error) {
    throw new Error(`Generated key does not parse: ${(privateKey instanceof Error ? privateKey : (publicKey as Error)).message}`)
  }
  const parsedPrivate = Array.isArray(privateKey) ? privateKey[0] : privateKey
  const parsedPublic = Array.isArray(publicKey) ? publicKey[0] : publicKey
  if (!parsedPrivate || !parsedPublic) throw new Error('Generated key does not parse')
  if (!parsedPrivate.getPublicSSH().equals(parsedPublic.getPublicSSH())) throw new Error('Generated key halves do not match')
  const data = randomBytes(32)
  const signature = parsedPrivate.sign(data)
  if (signature instanceof Error || !parsedPublic.verify(data, signature) || !verify(null, data, nodePublicKey, signature)) {
    throw new Error('Generated key does not sign and verify')
  }
  // The public half as OpenSSH would read it back.
  const spki = nodePublicKey.export({ format: 'der', type: 'spki' })
  if (!spki.subarray(-32).equals(parsedPublic.getPublicSSH().subarray(-32))) throw new Error('Generated public key differs from Node’s')
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  return Buffer.concat([uint32(bytes.length), bytes])
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32BE(value)
  return buffer
}
