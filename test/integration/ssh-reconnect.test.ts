// What happens when the server dies, comes back, or goes silent: states, reconnects, and no
// crash (vitest fails the run on any uncaught exception or unhandled rejection).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemoryHostKeyStore, SshConnection, type StreamEndInfo } from '../../src/main/base/ssh'
import { recordStates, startSshd, type Sshd } from '../helpers/sshd'

describe('SshConnection when the server goes away', () => {
  let sshd: Sshd
  let connection: SshConnection | null = null

  beforeEach(async () => {
    sshd = await startSshd()
  })
  afterEach(async () => {
    connection?.stop()
    connection = null
    sshd.resume()
    await sshd.stop()
  })

  function connect(keepaliveIntervalMs = 1_000) {
    connection = new SshConnection(
      {
        serverId: 'srv',
        host: sshd.host,
        port: sshd.port,
        username: sshd.user,
        privateKeyPath: sshd.clientKeyPath,
        readyTimeoutMs: 5_000,
        keepaliveIntervalMs,
        keepaliveCountMax: 2,
        backoff: { baseMs: 20, maxMs: 200 }
      },
      new MemoryHostKeyStore()
    )
    const states = recordStates(connection)
    connection.start()
    return { connection, states }
  }

  it('survives sshd being killed mid-stream and reconnects when it is back on the same port', async () => {
    const { connection, states } = connect()
    await states.next('connected')

    let firstTick: () => void = () => {}
    const ticking = new Promise<void>((resolve) => (firstTick = resolve))
    const streamEnded = new Promise<StreamEndInfo>((resolve) => {
      connection.stream('while :; do echo tick; sleep 0.1; done', () => firstTick(), resolve)
    })
    await ticking
    const running = connection.exec('sleep 30', { timeoutMs: 60_000 }).catch((err: unknown) => err)

    await sshd.kill()
    const lost = await states.next('unreachable')
    expect(lost.error).toMatch(/^Connection (closed|reset) by 127\.0\.0\.1:\d+$/)
    expect(lost.nextAttemptAt).not.toBeNull()
    expect(await streamEnded).toMatchObject({ reason: 'connection_lost', error: lost.error })
    expect(await running).toMatchObject({ kind: 'connection_lost' })

    // While sshd is down, attempts are refused and retried.
    await states.next('connecting')
    expect((await states.next('unreachable')).error).toBe(`Connection refused by 127.0.0.1:${sshd.port}`)

    await sshd.restart()
    await states.next('connected')
    expect((await connection.exec('echo back')).stdout).toBe('back\n')
    expect(states.states().slice(0, 3)).toEqual(['connecting', 'connected', 'unreachable'])
  })

  it('notices a peer that went silent through keepalives', async () => {
    const { connection, states } = connect(200)
    await states.next('connected')
    const streamEnded = new Promise<StreamEndInfo>((resolve) => {
      connection.stream('sleep 60', () => {}, resolve)
    })

    sshd.pause()
    const dead = await states.next('unreachable')
    expect(dead.error).toBe(`No answer from 127.0.0.1:${sshd.port} to keepalives: the connection is considered dead`)
    expect((await streamEnded).reason).toBe('connection_lost')

    sshd.resume()
    await states.next('connected')
    expect((await connection.exec('echo alive')).stdout).toBe('alive\n')
  })

  it('stops cleanly while an attempt is under way', async () => {
    const { connection, states } = connect()
    expect(connection.status.state).toBe('connecting')
    connection.stop()
    await states.next('stopped')
    await expect(connection.exec('echo hi')).rejects.toMatchObject({ kind: 'stopped' })
    // Starting again works from scratch.
    connection.start()
    await states.next('connected')
  })
})
