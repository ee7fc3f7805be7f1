// One SSH connection per server, reused for every command: keeps itself up (keepalive,
// reconnect with backoff), pins the host key, and limits how many sessions run at once.
import { EventEmitter } from 'node:events'
import type { Client } from 'ssh2'
import { backoffDelayMs } from './backoff'
import { connectOnce, type ConnectAttempt, type AttemptResult } from './connect-once'
import { classifyConnectError, endpoint, SshCommandError, type ConnectFailure } from './errors'
import type { HostKey, HostKeyStore } from './host-keys'
import { resolveSshOptions } from './options'
import { createExecTask, createStreamTask, type SessionSlot, type SessionTask } from './session-tasks'
import type {
  ConnectionState,
  ConnectionStatus,
  ExecOptions,
  ExecResult,
  ResolvedSshOptions,
  SshConnectionOptions,
  StreamEndInfo,
  StreamHandle
} from './types'
import { messageOf } from '../text'

/**
 * OpenSSH frees a session a moment after its channel closes, so a channel opened right then
 * can be refused although we are under the limit. A refused task goes back to the head of the
 * queue; with other sessions open it starts when one of them ends, otherwise after these delays.
 */
const REFUSAL_RETRY_DELAYS_MS = [25, 50, 100, 200, 400]

/**
 * The backoff starts over only after a connection stayed up this long, so a server that
 * accepts the login and drops us at once is not hammered every second.
 */
const STABLE_CONNECTION_MS = 30_000

export interface SshConnectionEvents {
  state: [ConnectionStatus]
}

/**
 * States: stopped → start() → connecting → connected. A failed attempt or a dropped
 * connection goes to unreachable or error and retries after a backoff delay (its time is in
 * `nextAttemptAt`; the delay grows with each consecutive failure); auth_failed and
 * host_key_mismatch wait for updateOptions() or acceptPresentedHostKey(). stop() returns to
 * stopped from anywhere. Every change is emitted as a 'state' event.
 */
export class SshConnection extends EventEmitter<SshConnectionEvents> {
  private given: SshConnectionOptions
  private options: ResolvedSshOptions
  private current: ConnectionStatus = { state: 'stopped', error: null, since: Date.now(), nextAttemptAt: null }
  private running = false
  /** Bumped by every attempt and by stop(), so late answers from abandoned attempts are ignored. */
  private generation = 0
  private attempt: ConnectAttempt | null = null
  private client: Client | null = null
  private connectedKey: HostKey | null = null
  private lastPresentedKey: HostKey | null = null
  /** Consecutive failures, driving the backoff; reset by a connection that stayed up. */
  private failures = 0
  private connectedAt = 0
  private retryTimer: NodeJS.Timeout | null = null
  private readonly queue: SessionTask[] = []
  private readonly started = new Set<SessionTask>()
  private activeSessions = 0
  /** Refusals met with no other session open, per task. */
  private readonly refusals = new WeakMap<SessionTask, number>()
  private drainTimer: NodeJS.Timeout | null = null

  constructor(
    options: SshConnectionOptions,
    private readonly hostKeys: HostKeyStore
  ) {
    super()
    this.given = { ...options }
    this.options = resolveSshOptions(this.given)
  }

  get serverId(): string {
    return this.options.serverId
  }

  get status(): ConnectionStatus {
    return { ...this.current }
  }

  /** The host key of the live connection. */
  get hostKey(): HostKey | null {
    return this.connectedKey
  }

  /** The key the server presented last (the one acceptPresentedHostKey() would pin). */
  get presentedHostKey(): HostKey | null {
    return this.lastPresentedKey
  }

  /** Sessions open now and commands waiting for one. */
  get sessions(): { active: number; queued: number } {
    return { active: this.activeSessions, queued: this.queue.length }
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.failures = 0
    this.connectNow()
  }

  /** Closes the connection, ends every command and stream, and cancels any retry. */
  stop(): void {
    if (!this.running && this.current.state === 'stopped') return
    this.running = false
    this.dropEverything(new SshCommandError('stopped', `The connection to ${this.where} was stopped`))
    this.setStatus('stopped', null, null)
  }

  /** New settings (e.g. a corrected password) take effect at once, with a fresh connection. */
  updateOptions(patch: Partial<Omit<SshConnectionOptions, 'serverId'>>): void {
    const previous = this.options
    this.given = { ...this.given, ...patch, serverId: this.given.serverId }
    this.options = resolveSshOptions(this.given)
    // A key presented by another address must not be the one a later accept pins.
    if (previous.host !== this.options.host || previous.port !== this.options.port) this.lastPresentedKey = null
    if (!this.running) return
    this.dropEverything(new SshCommandError('stopped', `Reconnecting to ${this.where} with new settings`))
    this.failures = 0
    this.connectNow()
  }

  /**
   * Pins the key the server presented last and reconnects: the user's answer to a
   * host_key_mismatch. Passing the fingerprint the user was shown makes sure a key that changed
   * again in the meantime is not accepted blindly.
   */
  async acceptPresentedHostKey(expectedFingerprint?: string): Promise<HostKey> {
    const key = this.lastPresentedKey
    if (!key) throw new Error(`${this.where} has not presented a host key yet`)
    if (expectedFingerprint !== undefined && expectedFingerprint !== key.fingerprint) {
      throw new Error(`${this.where} now presents ${key.fingerprint}, not ${expectedFingerprint}; nothing was accepted`)
    }
    await this.hostKeys.pin(this.options.serverId, key)
    if (this.running && this.current.state === 'host_key_mismatch') {
      this.failures = 0
      this.connectNow()
    }
    return key
  }

  /**
   * Runs a fixed command (built by Vigil, never from user text) and collects its output. Waits
   * for a free session while connecting or when all are busy; rejects with an SshCommandError.
   */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { task, result } = createExecTask(command, options, this.where, (t) => this.dequeue(t))
    this.enqueue(task)
    return result
  }

  /**
   * Starts a long-running command (`vmstat 5`). onEnd is called exactly once: when the command
   * exits, close() is called, or the connection drops or stops (start a new stream on the next
   * 'connected').
   */
  stream(command: string, onData: (chunk: string) => void, onEnd: (info: StreamEndInfo) => void): StreamHandle {
    const stream = createStreamTask(command, this.where, onData, onEnd, (t) => this.dequeue(t))
    this.enqueue(stream.task)
    return {
      close: () => stream.close(),
      get ended() {
        return stream.isEnded()
      }
    }
  }

  private get where(): string {
    return endpoint(this.options.host, this.options.port)
  }

  private setStatus(state: ConnectionState, error: string | null, nextAttemptAt: number | null): void {
    this.current = { state, error, since: Date.now(), nextAttemptAt }
    const snapshot = this.status
    // A throwing listener must neither break the state machine nor crash the process.
    try {
      this.emit('state', snapshot)
    } catch (err) {
      process.emitWarning(`An SSH state listener threw: ${messageOf(err)}`)
    }
  }

  private connectNow(): void {
    this.clearRetry()
    const generation = ++this.generation
    this.setStatus('connecting', null, null)
    // A state listener may have stopped or restarted us meanwhile.
    if (generation !== this.generation) return
    const attempt = connectOnce(this.options, this.hostKeys)
    this.attempt = attempt
    attempt.result
      .then((result) => this.onAttemptResult(generation, result))
      .catch((err: unknown) => {
        // Only a bug of ours lands here; show it rather than hang in 'connecting'.
        if (generation === this.generation) this.setStatus('error', `Internal error: ${messageOf(err)}`, null)
      })
  }

  private onAttemptResult(generation: number, result: AttemptResult): void {
    if (generation !== this.generation) {
      if (result.ok) result.client.end()
      return
    }
    this.attempt = null
    if (!result.ok) {
      if (result.presentedHostKey) this.lastPresentedKey = result.presentedHostKey
      this.rejectQueued(new SshCommandError('not_connected', result.failure.message))
      this.fail(result.failure)
      return
    }
    const client = result.client
    this.client = client
    this.connectedKey = result.hostKey
    this.lastPresentedKey = result.hostKey
    this.connectedAt = Date.now()
    this.activeSessions = 0
    let dropError: unknown = null
    client.on('error', (err: unknown) => {
      dropError ??= err
    })
    client.on('close', () => this.onDropped(client, dropError))
    this.setStatus('connected', null, null)
    this.drain()
  }

  private onDropped(client: Client, err: unknown): void {
    if (this.client !== client) return
    const failure = classifyConnectError(err, {
      host: this.options.host,
      port: this.options.port,
      username: this.options.username,
      readyTimeoutMs: this.options.readyTimeoutMs,
      auth: { configured: [], tried: [], serverMethods: null, passwordExpired: false },
      hostKeyMismatch: null,
      hostKeyStoreError: null,
      wasConnected: true
    })
    this.dropEverything(new SshCommandError('connection_lost', failure.message))
    if (Date.now() - this.connectedAt >= STABLE_CONNECTION_MS) this.failures = 0
    if (this.running) this.fail(failure)
  }

  private fail(failure: ConnectFailure): void {
    if (!failure.retry) {
      this.setStatus(failure.state, failure.message, null)
      return
    }
    const delay = backoffDelayMs(this.failures, this.options.backoff)
    this.failures += 1
    const generation = this.generation
    // Armed before the state is announced, so a listener that stops us also cancels it.
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.running && generation === this.generation) this.connectNow()
    }, delay)
    // A forgotten connection must not keep the process alive by itself.
    this.retryTimer.unref()
    this.setStatus(failure.state, failure.message, Date.now() + delay)
  }

  /** Abandons the attempt or the live client and ends every queued and running command. */
  private dropEverything(error: SshCommandError): void {
    this.generation += 1
    this.clearRetry()
    this.attempt?.cancel()
    this.attempt = null
    const client = this.client
    this.client = null
    this.connectedKey = null
    this.activeSessions = 0
    const running = [...this.started]
    this.started.clear()
    for (const task of running) task.abort(error)
    this.rejectQueued(error)
    client?.end()
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    if (this.drainTimer) clearTimeout(this.drainTimer)
    this.drainTimer = null
  }

  private enqueue(task: SessionTask): void {
    const state = this.current.state
    if (state !== 'connected' && state !== 'connecting') {
      const error =
        state === 'stopped'
          ? new SshCommandError('stopped', `The connection to ${this.where} is stopped`)
          : new SshCommandError('not_connected', `Not connected to ${this.where} (${state}: ${this.current.error ?? 'no details'})`)
      // Asynchronously, like every other outcome: callers need not handle a synchronous end.
      queueMicrotask(() => task.abort(error))
      return
    }
    this.queue.push(task)
    this.drain()
  }

  private dequeue(task: SessionTask): boolean {
    const index = this.queue.indexOf(task)
    if (index < 0) return false
    this.queue.splice(index, 1)
    return true
  }

  private rejectQueued(error: SshCommandError): void {
    const queued = this.queue.splice(0)
    for (const task of queued) task.abort(error)
  }

  private drain(): void {
    const client = this.client
    if (!client || this.current.state !== 'connected') return
    while (this.activeSessions < this.options.maxSessions) {
      const task = this.queue.shift()
      if (!task) return
      this.activeSessions += 1
      this.started.add(task)
      const slot = this.slotFor(client, task)
      try {
        task.start(client, slot)
      } catch (err) {
        slot.release()
        task.abort(new SshCommandError('channel_failed', `Cannot start a command on ${this.where}: ${messageOf(err)}`))
      }
    }
  }

  private slotFor(client: Client, task: SessionTask): SessionSlot {
    let released = false
    // Frees the slot; false when it belonged to a client that is gone (nothing to free now).
    const free = (): boolean => {
      if (released) return false
      released = true
      this.started.delete(task)
      if (this.client !== client) return false
      this.activeSessions -= 1
      return true
    }
    return {
      release: () => {
        if (free()) this.drain()
      },
      refused: () => {
        if (!free()) return false
        if (this.activeSessions > 0) {
          // One of ours ends sooner or later, and its release starts this task again.
          this.queue.unshift(task)
          return true
        }
        const count = this.refusals.get(task) ?? 0
        const delay = REFUSAL_RETRY_DELAYS_MS[count]
        if (delay === undefined) return false
        this.refusals.set(task, count + 1)
        this.queue.unshift(task)
        if (!this.drainTimer) {
          this.drainTimer = setTimeout(() => {
            this.drainTimer = null
            this.drain()
          }, delay)
          this.drainTimer.unref()
        }
        return true
      }
    }
  }
}
