import { describe, expect, it } from 'vitest'
import { authFailureMessage, classifyConnectError, describeChannelError, endpoint, formatSeconds, type FailureContext } from '../../src/main/base/ssh/errors'

function context(extra: Partial<FailureContext> = {}): FailureContext {
  return {
    host: '10.0.0.5',
    port: 2222,
    username: 'ops',
    readyTimeoutMs: 10_000,
    auth: { configured: ['password'], tried: ['password'], serverMethods: ['publickey', 'password'], passwordExpired: false },
    hostKeyMismatch: null,
    hostKeyStoreError: null,
    wasConnected: false,
    ...extra
  }
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.0.0.5:2222`), { code, level: 'client-socket' })
}

describe('classifyConnectError', () => {
  it('names refused, unreachable and unresolvable hosts, and retries them', () => {
    expect(classifyConnectError(socketError('ECONNREFUSED'), context())).toEqual({ state: 'unreachable', message: 'Connection refused by 10.0.0.5:2222', retry: true })
    expect(classifyConnectError(socketError('EHOSTUNREACH'), context())).toMatchObject({ state: 'unreachable', message: 'No route to host 10.0.0.5:2222' })
    expect(classifyConnectError(socketError('ENOTFOUND'), context({ host: 'web-01.example' }))).toMatchObject({
      state: 'unreachable',
      message: "Cannot resolve host name 'web-01.example'",
      retry: true
    })
    expect(classifyConnectError(socketError('ECONNRESET'), context({ wasConnected: true }))).toMatchObject({ message: 'Connection reset by 10.0.0.5:2222' })
  })

  it('says how long it waited on a handshake timeout, and calls missed keepalives a dead connection', () => {
    const handshake = Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' })
    expect(classifyConnectError(handshake, context())).toEqual({ state: 'unreachable', message: 'Timed out connecting to 10.0.0.5:2222 after 10 s', retry: true })
    const keepalive = Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' })
    expect(classifyConnectError(keepalive, context({ wasConnected: true }))).toMatchObject({
      state: 'unreachable',
      message: 'No answer from 10.0.0.5:2222 to keepalives: the connection is considered dead'
    })
  })

  it('never retries a refused login, and says what was tried', () => {
    const err = Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' })
    expect(classifyConnectError(err, context())).toEqual({
      state: 'auth_failed',
      message: "Authentication failed for user 'ops' (tried: password; the server allows: publickey, password)",
      retry: false
    })
    // OpenSSH's MaxAuthTries ends the connection with a DISCONNECT instead.
    const disconnect = Object.assign(new Error('Too many authentication failures'), { code: 2 })
    expect(classifyConnectError(disconnect, context())).toMatchObject({ state: 'auth_failed', retry: false })
  })

  it('puts a host key mismatch before anything else and never retries it', () => {
    const pinned = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:old' }
    const presented = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:new' }
    const err = Object.assign(new Error('Host denied (verification failed)'), { level: 'handshake' })
    expect(classifyConnectError(err, context({ hostKeyMismatch: { pinned, presented } }))).toEqual({
      state: 'host_key_mismatch',
      message:
        'Host key of 10.0.0.5:2222 changed: pinned SHA256:old (ssh-ed25519), presented SHA256:new (ssh-ed25519). Accept the new key only if you know why it changed.',
      retry: false
    })
    expect(classifyConnectError(err, context({ hostKeyStoreError: 'database is locked' }))).toEqual({
      state: 'error',
      message: 'Cannot check the pinned host key of 10.0.0.5:2222: database is locked',
      retry: true
    })
  })

  it('explains a connection closed without an error, before and after it was up', () => {
    expect(classifyConnectError(null, context())).toMatchObject({ state: 'unreachable', message: '10.0.0.5:2222 closed the connection during the SSH handshake' })
    expect(classifyConnectError(null, context({ wasConnected: true }))).toMatchObject({ state: 'unreachable', message: 'Connection closed by 10.0.0.5:2222' })
    const early = Object.assign(new Error('Connection lost before handshake'), { level: 'protocol' })
    expect(classifyConnectError(early, context()).message).toMatch(/^10\.0\.0\.5:2222 closed the connection before the SSH handshake/)
  })

  it('keeps the original words of anything else, as a retryable error', () => {
    const odd = Object.assign(new Error('Handshake failed: no matching key exchange algorithm'), { level: 'handshake' })
    expect(classifyConnectError(odd, context())).toEqual({
      state: 'error',
      message: 'SSH error with 10.0.0.5:2222: Handshake failed: no matching key exchange algorithm',
      retry: true
    })
    expect(classifyConnectError('weird', context({ wasConnected: true })).message).toBe('Connection to 10.0.0.5:2222 lost: weird')
  })
})

describe('failure wording', () => {
  it('names what was configured when the server accepts none of it', () => {
    expect(authFailureMessage('ops', { configured: ['password'], tried: [], serverMethods: ['publickey'], passwordExpired: false })).toBe(
      "Cannot log in as user 'ops': the server allows publickey, but only password is configured"
    )
    expect(authFailureMessage('ops', { configured: ['password'], tried: ['password'], serverMethods: null, passwordExpired: true })).toMatch(
      /^The password of user 'ops' has expired/
    )
  })

  it('describes refused sessions and formats endpoints and durations', () => {
    expect(describeChannelError(new Error('(SSH) Channel open failure: open failed'), 'h:22')).toBe(
      'h:22 refused a new session (Channel open failure: open failed); it may allow fewer sessions per connection (sshd MaxSessions)'
    )
    expect(describeChannelError(new Error('Not connected'), 'h:22')).toBe('Not connected to h:22')
    expect(endpoint('::1', 22)).toBe('[::1]:22')
    expect(endpoint('db-01', 2222)).toBe('db-01:2222')
    expect(formatSeconds(10_000)).toBe('10 s')
    expect(formatSeconds(250)).toBe('0.25 s')
  })
})
