import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { utils, type AnyAuthMethod, type AuthenticationType } from 'ssh2'
import { afterAll, describe, expect, it } from 'vitest'
import { expandHome, loadCredentials, makeAuthHandler, newAuthLog, type Credentials } from '../../src/main/base/ssh/auth'
import { fingerprintOf, hostKeyOf, keyAlgorithmOf, MemoryHostKeyStore } from '../../src/main/base/ssh/host-keys'
import { resolveSshOptions } from '../../src/main/base/ssh/options'
import { ed25519KeyPair, encryptedEd25519KeyPair } from '../helpers/ssh-keys'

// A public key and the fingerprint `ssh-keygen -lf` printed for it.
const PUBLIC_KEY_BASE64 = 'AAAAC3NzaC1lZDI1NTE5AAAAIF1a3lp4x+3RDlK0BG4gbhHWKBQV4C/wE8NFaaZRvvMQ'
const OPENSSH_FINGERPRINT = 'SHA256:7nnj3GAAqtkAryqHgjjQ0kmOJLbPI3I+yLkBoL9xibc'

describe('host keys', () => {
  it('fingerprints a key blob exactly as OpenSSH prints it', () => {
    const blob = Buffer.from(PUBLIC_KEY_BASE64, 'base64')
    expect(fingerprintOf(blob)).toBe(OPENSSH_FINGERPRINT)
    expect(hostKeyOf(blob)).toEqual({ algorithm: 'ssh-ed25519', fingerprint: OPENSSH_FINGERPRINT })
  })

  it('names no algorithm for a malformed blob rather than throwing', () => {
    expect(keyAlgorithmOf(Buffer.alloc(0))).toBe('unknown')
    expect(keyAlgorithmOf(Buffer.from([0, 0, 0, 200, 1, 2]))).toBe('unknown')
  })

  it('keeps pins per server in memory, as copies', () => {
    const store = new MemoryHostKeyStore()
    expect(store.get('a')).toBeNull()
    const key = { algorithm: 'ssh-ed25519', fingerprint: OPENSSH_FINGERPRINT }
    store.pin('a', key)
    key.fingerprint = 'changed'
    expect(store.get('a')).toEqual({ algorithm: 'ssh-ed25519', fingerprint: OPENSSH_FINGERPRINT })
    expect(store.get('b')).toBeNull()
  })
})

describe('options and credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ssh-unit-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const base = { serverId: 's', host: 'h', username: 'ops' }

  it('fills in defaults and falls back to the agent only without a password or key', () => {
    const resolved = resolveSshOptions(base)
    expect(resolved).toMatchObject({ port: 22, readyTimeoutMs: 10_000, keepaliveIntervalMs: 15_000, keepaliveCountMax: 3, maxSessions: 8, useAgent: true })
    expect(resolved.backoff).toEqual({ baseMs: 1_000, maxMs: 60_000 })
    expect(resolveSshOptions({ ...base, password: 'x' }).useAgent).toBe(false)
    expect(resolveSshOptions({ ...base, privateKeyPath: '~/.ssh/id_ed25519', useAgent: true }).useAgent).toBe(true)
    expect(resolveSshOptions({ ...base, keepaliveIntervalMs: 0 }).keepaliveIntervalMs).toBe(0)
  })

  it('expands ~ to the home directory', () => {
    expect(expandHome('~/.ssh/id_rsa', '/home/ops')).toBe('/home/ops/.ssh/id_rsa')
    expect(expandHome('~', '/home/ops')).toBe('/home/ops')
    expect(expandHome('/etc/key', '/home/ops')).toBe('/etc/key')
    expect(expandHome('~other/key', '/home/ops')).toBe('~other/key')
  })

  it('reads keys up front and says what is wrong with them', async () => {
    const keys = encryptedEd25519KeyPair('secret')
    const keyPath = join(dir, 'key')
    writeFileSync(keyPath, keys.private)
    writeFileSync(join(dir, 'key.pub'), keys.public)

    const good = await loadCredentials(resolveSshOptions({ ...base, privateKeyPath: keyPath, passphrase: 'secret' }))
    expect(good.ok && good.credentials.key?.parsed.type).toBe('ssh-ed25519')

    const failure = async (extra: object) => {
      const loaded = await loadCredentials(resolveSshOptions({ ...base, ...extra }), {})
      return loaded.ok ? null : loaded.failure
    }
    expect(await failure({ privateKeyPath: keyPath })).toEqual({ state: 'auth_failed', message: `Private key ${keyPath} is encrypted: set its passphrase`, retry: false })
    expect((await failure({ privateKeyPath: keyPath, passphrase: 'wrong' }))?.message).toBe(`Cannot decrypt private key ${keyPath}: wrong passphrase`)
    expect((await failure({ privateKeyPath: join(dir, 'key.pub') }))?.message).toBe(`${join(dir, 'key.pub')} is a public key: give the private key file`)
    expect((await failure({ privateKeyPath: join(dir, 'missing') }))?.message).toBe(`Cannot read private key file ${join(dir, 'missing')}: no such file`)
    expect((await failure({}))?.message).toBe("No credentials for user 'ops': no password or key is set, and no SSH agent runs (SSH_AUTH_SOCK is not set)")

    const agent = await loadCredentials(resolveSshOptions(base), { SSH_AUTH_SOCK: '/run/agent.sock' })
    expect(agent.ok && agent.credentials.agentSocket).toBe('/run/agent.sock')
  })
})

describe('authentication handler', () => {
  function drive(credentials: Credentials, answers: Array<AuthenticationType[] | null>) {
    const log = newAuthLog(credentials)
    const handler = makeAuthHandler('ops', credentials, log)
    const sent: Array<string | false> = []
    for (const methodsLeft of answers) {
      handler(methodsLeft as AuthenticationType[], false, (method: AuthenticationType | AnyAuthMethod) => {
        sent.push(typeof method === 'object' && method ? method.type : (method as string | false))
      })
    }
    return { sent, log }
  }

  it('asks with none first, then offers only what the server accepts', () => {
    const { sent, log } = drive({ password: 'pw' }, [null, ['publickey', 'password'], ['publickey', 'password']])
    expect(sent).toEqual(['none', 'password', false])
    expect(log.tried).toEqual(['password'])
    expect(log.serverMethods).toEqual(['publickey', 'password'])
  })

  it('sends a password by keyboard-interactive only to servers that do not take it as password', () => {
    expect(drive({ password: 'pw' }, [null, ['publickey', 'keyboard-interactive'], ['publickey']]).sent).toEqual(['none', 'keyboard-interactive', false])
  })

  it('skips a key the server does not accept and records nothing tried', () => {
    const key = utils.parseKey(ed25519KeyPair().private)
    if (key instanceof Error) throw key
    const { sent, log } = drive({ key: { path: '/k', parsed: key } }, [null, ['password']])
    expect(sent).toEqual(['none', false])
    expect(log.tried).toEqual([])
  })

  it('answers keyboard-interactive prompts with the password, blank for echoed ones', () => {
    const log = newAuthLog({ password: 'pw' })
    const handler = makeAuthHandler('ops', { password: 'pw' }, log)
    let method: AnyAuthMethod | null = null
    handler(null as unknown as AuthenticationType[], false, () => {})
    handler(['keyboard-interactive'], false, (m) => (method = m as AnyAuthMethod))
    const chosen = method as AnyAuthMethod | null
    if (chosen?.type !== 'keyboard-interactive') throw new Error('expected keyboard-interactive')
    let answers: string[] = []
    chosen.prompt('', '', '', [{ prompt: 'Password: ', echo: false }, { prompt: 'Name: ', echo: true }], (a) => (answers = a))
    expect(answers).toEqual(['pw', ''])
  })
})
