// The two kinds of work a connection runs in its sessions: a command collected to the end
// (exec) and a long-running command whose output is handed over as it comes (stream).
import { StringDecoder } from 'node:string_decoder'
import type { Client, ClientChannel } from 'ssh2'
import { describeChannelError, formatSeconds, SshCommandError } from './errors'
import type { ExecOptions, ExecResult, StreamEndInfo } from './types'
import { messageOf } from '../text'

/** The session a task was given; exactly one of the two must be called, once. */
export interface SessionSlot {
  /** The channel is gone (or was never opened): the slot is free again. */
  release(): void
  /**
   * The server refused the channel. True: the task is back in the queue and will be started
   * again (the server still counts sessions that just ended); false: give up.
   */
  refused(): boolean
}

/** Work that needs one SSH session (channel); the connection decides when it may start. */
export interface SessionTask {
  start(client: Client, slot: SessionSlot): void
  /** The task cannot run or continue (not connected, connection lost, stopped). */
  abort(error: SshCommandError): void
}

export const DEFAULT_EXEC_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024
const STREAM_STDERR_TAIL = 4096

/** client.exec as a promise; it throws synchronously when the socket is already gone. */
export function openExecChannel(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (err, channel) => (err ? reject(err) : resolve(channel)))
    } catch (err) {
      reject(err)
    }
  })
}

/** OpenSSH answers "open failed" when the connection has MaxSessions sessions. */
function isSessionRefusal(err: unknown): boolean {
  return err instanceof Error && /Channel open failure/i.test(err.message)
}

/** Asks the remote command to die and closes the channel; harmless on a dead channel. */
function endChannel(channel: ClientChannel | null): void {
  if (!channel) return
  try {
    // OpenSSH (7.9+) delivers the signal; without it the session lingers until the command ends.
    channel.signal('KILL')
    channel.close()
  } catch {
    // The connection is already gone; ssh2 cleans the channel up itself.
  }
}

/**
 * Calls `onClose` once the channel has closed, with the command's exit status. ssh2 passes the
 * status to 'close' as it does to 'exit', and 'close' is the one to trust: a fast command's whole
 * answer (output, exit status, close) can arrive with the packet that opened the channel, so
 * 'exit' fires before the caller's listeners are attached (seen as a null exit code under load).
 */
export function onChannelClose(channel: ClientChannel, onClose: (code: number | null, signal: string | null) => void): void {
  let code: number | null = null
  let signal: string | null = null
  channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
    code = typeof exitCode === 'number' ? exitCode : null
    signal = exitSignal ?? null
  })
  channel.on('close', (exitCode?: number | null, exitSignal?: string) => {
    if (typeof exitCode === 'number') code = exitCode
    else if (typeof exitSignal === 'string') signal = exitSignal
    onClose(code, signal)
  })
  // Channel streams can emit 'error'; unheard, it would crash the process.
  channel.on('error', () => {})
  channel.stderr.on('error', () => {})
}

export interface ExecTask {
  task: SessionTask
  result: Promise<ExecResult>
}

/**
 * A command run to its end. The timeout runs from creation, so time spent waiting for a free
 * session counts: the caller gets an answer when it asked for one. `dequeue` removes the task
 * from the connection's queue if it has not started.
 */
export function createExecTask(command: string, options: ExecOptions, where: string, dequeue: (task: SessionTask) => boolean): ExecTask {
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
  let settle: (outcome: { ok: true; value: ExecResult } | { ok: false; error: SshCommandError }) => void = () => {}
  const result = new Promise<ExecResult>((resolve, reject) => {
    settle = (outcome) => (outcome.ok ? resolve(outcome.value) : reject(outcome.error))
  })
  let done = false
  let channel: ClientChannel | null = null
  let refusal: string | null = null
  const finish = (outcome: { ok: true; value: ExecResult } | { ok: false; error: SshCommandError }): void => {
    if (done) return
    done = true
    clearTimeout(timer)
    settle(outcome)
  }
  const fail = (error: SshCommandError): void => finish({ ok: false, error })

  const task: SessionTask = {
    start(client, slot) {
      const release = () => slot.release()
      if (done) {
        release()
        return
      }
      openExecChannel(client, command).then(
        (opened) => {
          channel = opened
          if (done) endChannel(opened)
          const stdout: Buffer[] = []
          const stderr: Buffer[] = []
          let bytes = 0
          const collect = (into: Buffer[]) => (chunk: Buffer) => {
            if (done) return
            bytes += chunk.length
            if (bytes > maxBytes) {
              endChannel(opened)
              fail(new SshCommandError('output_too_large', `Command printed more than ${maxBytes} bytes on ${where}: ${command}`))
              return
            }
            into.push(chunk)
          }
          opened.on('data', collect(stdout))
          opened.stderr.on('data', collect(stderr))
          onChannelClose(opened, (code, signal) => {
            release()
            finish({
              ok: true,
              value: { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), code, signal }
            })
          })
        },
        (err: unknown) => {
          refusal = describeChannelError(err, where)
          if (done) release()
          else if (!isSessionRefusal(err) || !slot.refused()) {
            release()
            fail(new SshCommandError('channel_failed', refusal))
          }
        }
      )
    },
    abort(error) {
      endChannel(channel)
      fail(error)
    }
  }

  const timer = setTimeout(() => {
    const stillQueued = dequeue(task)
    endChannel(channel)
    const waiting = !stillQueued ? '' : refusal ? ` (it was waiting for a session: ${refusal})` : ' (it was still waiting for a free session)'
    fail(new SshCommandError('timeout', `Command timed out after ${formatSeconds(timeoutMs)} on ${where}${waiting}: ${command}`))
  }, timeoutMs)

  return { task, result }
}

/** Runs a consumer's callback; a throw (its own bug) is reported, not let loose inside ssh2's events. */
function callSafely(callback: () => void): void {
  try {
    callback()
  } catch (err) {
    process.emitWarning(`An SSH stream callback threw: ${messageOf(err)}`)
  }
}

export interface StreamTask {
  task: SessionTask
  /** Ends the command; onEnd follows once with reason 'closed'. */
  close(): void
  isEnded(): boolean
}

/** A long-running command (`vmstat 5`): output is decoded as UTF-8 and passed on as it arrives. */
export function createStreamTask(
  command: string,
  where: string,
  onData: (chunk: string) => void,
  onEnd: (info: StreamEndInfo) => void,
  dequeue: (task: SessionTask) => boolean
): StreamTask {
  let ended = false
  let closeRequested = false
  let channel: ClientChannel | null = null
  let stderrTail = ''
  const end = (info: Omit<StreamEndInfo, 'stderr'>): void => {
    if (ended) return
    ended = true
    callSafely(() => onEnd({ ...info, stderr: stderrTail }))
  }
  const deliver = (text: string): void => {
    if (!ended && text !== '') callSafely(() => onData(text))
  }

  const task: SessionTask = {
    start(client, slot) {
      const release = () => slot.release()
      if (ended) {
        release()
        return
      }
      openExecChannel(client, command).then(
        (opened) => {
          channel = opened
          if (ended || closeRequested) endChannel(opened)
          const stdout = new StringDecoder('utf8')
          const stderr = new StringDecoder('utf8')
          opened.on('data', (chunk: Buffer) => deliver(stdout.write(chunk)))
          opened.stderr.on('data', (chunk: Buffer) => {
            stderrTail = (stderrTail + stderr.write(chunk)).slice(-STREAM_STDERR_TAIL)
          })
          onChannelClose(opened, (code, signal) => {
            release()
            deliver(stdout.end())
            end({ reason: closeRequested ? 'closed' : 'exited', code, signal, error: null })
          })
        },
        (err: unknown) => {
          if (ended) release()
          else if (!isSessionRefusal(err) || !slot.refused()) {
            release()
            end({ reason: 'failed', code: null, signal: null, error: describeChannelError(err, where) })
          }
        }
      )
    },
    abort(error) {
      endChannel(channel)
      end({ reason: error.kind === 'stopped' ? 'stopped' : 'connection_lost', code: null, signal: null, error: error.message })
    }
  }

  return {
    task,
    close() {
      if (ended || closeRequested) return
      closeRequested = true
      if (!channel) {
        // Queued, or its channel still opening (which then closes it at once): nothing to wait for.
        dequeue(task)
        end({ reason: 'closed', code: null, signal: null, error: null })
        return
      }
      endChannel(channel)
    },
    isEnded: () => ended
  }
}
