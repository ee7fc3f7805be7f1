// SshConnection against a real OpenSSH sshd started by the test on a random loopback port.
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MemoryHostKeyStore, SshCommandError, SshConnection, type SshConnectionOptions, type StreamEndInfo } from '../../src/main/base/ssh'
import { freePort, recordStates, startSshd, type Sshd } from '../helpers/sshd'

const FAST = { readyTimeoutMs: 5_000, keepaliveIntervalMs: 1_000, backoff: { baseMs: 20, maxMs: 200 } }

describe('SshConnection against a real sshd', () => {
  let sshd: Sshd
  const open: SshConnection[] = []

  beforeAll(async () => {
    sshd = await startSshd()
  })
  afterAll(async () => {
    await sshd?.stop()
  })
  afterEach(() => {
    for (const connection of open.splice(0)) connection.stop()
  })

  function connect(options: Partial<SshConnectionOptions>, store = new MemoryHostKeyStore(), serverId = 'srv') {
    const connection = new SshConnection({ serverId, host: sshd.host, port: sshd.port, username: sshd.user, ...FAST, ...options }, store)
    open.push(connection)
    const states = recordStates(connection)
    connection.start()
    return { connection, states, store }
  }

  it('logs in with a key, runs a command and pins the host key on first use', async () => {
    const { connection, states, store } = connect({ privateKeyPath: sshd.clientKeyPath })
    const up = await states.next('connected')
    expect(up.error).toBeNull()
    expect(states.states()).toEqual(['connecting', 'connected'])

    const result = await connection.exec('echo hi')
    expect(result).toEqual({ stdout: 'hi\n', stderr: '', code: 0, signal: null })

    const pinned = { algorithm: sshd.hostKeyAlgorithm, fingerprint: sshd.hostKeyFingerprint }
    expect(store.get('srv')).toEqual(pinned)
    expect(connection.hostKey).toEqual(pinned)

    connection.stop()
    expect((await states.next('stopped')).error).toBeNull()
  })

  it('logs in with a password', async () => {
    const { connection, states } = connect({ password: sshd.password })
    await states.next('connected')
    expect((await connection.exec('id -un')).stdout).toBe(`${sshd.user}\n`)
  })

  it('logs in with a passphrase-protected key', async () => {
    const { connection, states } = connect({ privateKeyPath: sshd.passphraseKeyPath, passphrase: sshd.passphrase })
    await states.next('connected')
    expect((await connection.exec('echo ok')).stdout).toBe('ok\n')
  })

  it('logs in with the keys of an SSH agent when nothing else is configured', async () => {
    const socket = join(sshd.dir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'ignore'] })
    const saved = process.env.SSH_AUTH_SOCK
    try {
      await once(agent.stdout, 'data') // it prints SSH_AUTH_SOCK=… once it listens
      await promisify(execFile)('ssh-add', ['-q', sshd.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } })
      process.env.SSH_AUTH_SOCK = socket
      const { connection, states } = connect({})
      await states.next('connected')
      expect((await connection.exec('echo agent')).stdout).toBe('agent\n')
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK
      else process.env.SSH_AUTH_SOCK = saved
      agent.kill()
    }
  })

  it('queues a command given while connecting and runs it once connected', async () => {
    const { connection, states } = connect({ privateKeyPath: sshd.clientKeyPath })
    expect(connection.status.state).toBe('connecting')
    const early = connection.exec('echo early')
    expect(connection.sessions).toEqual({ active: 0, queued: 1 })
    expect((await early).stdout).toBe('early\n')
    expect(states.states()).toEqual(['connecting', 'connected'])
  })

  it('reports a wrong passphrase as such, without contacting the server in a loop', async () => {
    const { states } = connect({ privateKeyPath: sshd.passphraseKeyPath, passphrase: 'not-it' })
    const failed = await states.next('auth_failed')
    expect(failed.error).toBe(`Cannot decrypt private key ${sshd.passphraseKeyPath}: wrong passphrase`)
    expect(failed.nextAttemptAt).toBeNull()
  })

  it('stops at auth_failed on a wrong password (no retry loop) and recovers with new settings', async () => {
    const { connection, states } = connect({ password: 'wrong-password' })
    const failed = await states.next('auth_failed')
    expect(failed.error).toBe(`Authentication failed for user '${sshd.user}' (tried: password; the server allows: publickey, password)`)
    expect(failed.nextAttemptAt).toBeNull()
    expect(states.states()).toEqual(['connecting', 'auth_failed'])
    await expect(connection.exec('echo hi')).rejects.toMatchObject({ kind: 'not_connected' })

    connection.updateOptions({ password: sshd.password })
    await states.next('connected')
    expect(states.states()).toEqual(['connecting', 'auth_failed', 'connecting', 'connected'])
  })

  it('refuses a changed host key until the presented key is accepted', async () => {
    const store = new MemoryHostKeyStore()
    const stale = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:' + 'A'.repeat(43) }
    store.pin('srv', stale)
    const { connection, states } = connect({ privateKeyPath: sshd.clientKeyPath }, store)

    const refused = await states.next('host_key_mismatch')
    expect(refused.error).toContain(`pinned ${stale.fingerprint}`)
    expect(refused.error).toContain(`presented ${sshd.hostKeyFingerprint}`)
    expect(refused.error).toMatch(/^Host key of 127\.0\.0\.1:\d+ changed: /)
    expect(refused.nextAttemptAt).toBeNull()
    expect(connection.presentedHostKey?.fingerprint).toBe(sshd.hostKeyFingerprint)
    expect(store.get('srv')).toEqual(stale)

    await expect(connection.acceptPresentedHostKey('SHA256:something-else')).rejects.toThrow(/nothing was accepted/)
    expect(store.get('srv')).toEqual(stale)

    await connection.acceptPresentedHostKey(sshd.hostKeyFingerprint)
    await states.next('connected')
    expect(store.get('srv')?.fingerprint).toBe(sshd.hostKeyFingerprint)
    expect((await connection.exec('echo ok')).stdout).toBe('ok\n')
  })

  it('is unreachable on a refused port and keeps retrying with backoff', async () => {
    const port = await freePort()
    const { states } = connect({ port, privateKeyPath: sshd.clientKeyPath })
    const first = await states.next('unreachable')
    expect(first.error).toBe(`Connection refused by 127.0.0.1:${port}`)
    expect(first.nextAttemptAt).not.toBeNull()
    await states.next('connecting')
    expect((await states.next('unreachable')).error).toBe(`Connection refused by 127.0.0.1:${port}`)
  })

  it('times out a connection whose peer never speaks SSH, and names the peer that hangs up early', async () => {
    const held: Socket[] = []
    const silent: Server = createServer((socket) => held.push(socket))
    const rude: Server = createServer((socket) => socket.destroy())
    await Promise.all([silent, rude].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))))
    const portOf = (server: Server) => (server.address() as { port: number }).port
    try {
      const slow = connect({ port: portOf(silent), privateKeyPath: sshd.clientKeyPath, readyTimeoutMs: 300 }, undefined, 'silent')
      const timedOut = await slow.states.next('unreachable')
      expect(timedOut.error).toBe(`Timed out connecting to 127.0.0.1:${portOf(silent)} after 0.3 s`)

      const early = connect({ port: portOf(rude), privateKeyPath: sshd.clientKeyPath }, undefined, 'rude')
      const closed = await early.states.next('unreachable')
      expect(closed.error).toMatch(/^127\.0\.0\.1:\d+ closed the connection before the SSH handshake|^Connection reset by/)
    } finally {
      for (const connection of open.splice(0)) connection.stop()
      for (const socket of held) socket.destroy()
      await Promise.all([silent, rude].map((server) => new Promise((resolve) => server.close(resolve))))
    }
  })

  it('returns stderr and the exit code, and rejects a command that outlives its timeout', async () => {
    const { connection, states } = connect({ privateKeyPath: sshd.clientKeyPath })
    await states.next('connected')
    expect(await connection.exec('echo out; echo err >&2; exit 3')).toEqual({ stdout: 'out\n', stderr: 'err\n', code: 3, signal: null })

    const started = Date.now()
    const timedOut = await connection.exec('sleep 10', { timeoutMs: 300 }).catch((err: unknown) => err)
    expect(timedOut).toBeInstanceOf(SshCommandError)
    expect(timedOut).toMatchObject({ kind: 'timeout', message: `Command timed out after 0.3 s on 127.0.0.1:${sshd.port}: sleep 10` })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect((await connection.exec('echo after')).stdout).toBe('after\n')
  })

  it('queues commands beyond maxSessions and runs them all', async () => {
    const { connection, states } = connect({ privateKeyPath: sshd.clientKeyPath, maxSessions: 2 })
    await states.next('connected')
    const runs = [1, 2, 3, 4, 5].map((n) => connection.exec(`sleep 0.2; echo ${n}`))
    expect(connection.sessions).toEqual({ active: 2, queued: 3 })
    const outputs = (await Promise.all(runs)).map((r) => r.stdout)
    expect(outputs).toEqual(['1\n', '2\n', '3\n', '4\n', '5\n'])
    expect(connection.sessions).toEqual({ active: 0, queued: 0 })
  })

  it('runs more commands at once than sshd allows sessions (10) without a refusal', async () => {
    const { connection, states } = connect({ privateKeyPath: sshd.clientKeyPath })
    await states.next('connected')
    const runs = Array.from({ length: 14 }, (_, n) => connection.exec(`sleep 0.1; echo ${n}`))
    expect(connection.sessions).toEqual({ active: 8, queued: 6 })
    expect((await Promise.all(runs)).every((r, n) => r.stdout === `${n}\n`)).toBe(true)
  })

  it('streams the output of a long-running command as it comes', async () => {
    const { connection, states } = connect({ privateKeyPath: sshd.clientKeyPath })
    await states.next('connected')
    const chunks: string[] = []
    const ended = new Promise<StreamEndInfo>((resolve) => {
      connection.stream('for i in 1 2 3; do echo $i; sleep 0.2; done', (chunk) => chunks.push(chunk), resolve)
    })
    const info = await ended
    expect(info).toEqual({ reason: 'exited', code: 0, signal: null, error: null, stderr: '' })
    expect(chunks.join('').split('\n')).toEqual(['1', '2', '3', ''])
    // The sleeps between lines make them arrive separately.
    expect(chunks.length).toBeGreaterThanOrEqual(3)
  })

  it('closes a stream on request and frees its session', async () => {
    const { connection, states } = connect({ privateKeyPath: sshd.clientKeyPath })
    await states.next('connected')
    let handle: ReturnType<SshConnection['stream']> | null = null
    const info = await new Promise<StreamEndInfo>((resolve) => {
      handle = connection.stream('while :; do echo tick; sleep 0.1; done', () => handle?.close(), resolve)
    })
    expect(info.reason).toBe('closed')
    expect(handle!.ended).toBe(true)
    expect(connection.sessions).toEqual({ active: 0, queued: 0 })
  })

  it('copes with a server that allows fewer sessions than configured, retrying refused ones', async () => {
    const strict = await startSshd({ extraConfig: ['MaxSessions 1'] })
    const connection = new SshConnection(
      { serverId: 'strict', host: strict.host, port: strict.port, username: strict.user, privateKeyPath: strict.clientKeyPath, ...FAST },
      new MemoryHostKeyStore()
    )
    open.push(connection)
    const states = recordStates(connection)
    try {
      connection.start()
      await states.next('connected')
      const runs = [1, 2, 3, 4].map((n) => connection.exec(`echo ${n}`))
      expect((await Promise.all(runs)).map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n'])

      // With the one session held by a stream, a command waits and says why when it gives up.
      // The stream must hold the session before the command asks for one: wait for its first output.
      let holding: () => void = () => {}
      const sessionHeld = new Promise<void>((resolve) => (holding = resolve))
      const streamEnded = new Promise<StreamEndInfo>((resolve) => connection.stream('echo holding; sleep 30', () => holding(), resolve))
      await sessionHeld
      const waited = await connection.exec('echo blocked', { timeoutMs: 500 }).catch((err: unknown) => err)
      expect(waited).toMatchObject({ kind: 'timeout' })
      expect((waited as Error).message).toMatch(/\(it was waiting for a session: .*refused a new session/)
      connection.stop()
      expect((await streamEnded).reason).toBe('stopped')
    } finally {
      await strict.stop()
    }
  })
})
