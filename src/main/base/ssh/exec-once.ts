// One command on a connection of its own: connect (host key checked against the pin, pinned on
// first use as everywhere else), run, disconnect. For rare, long commands (starting or stopping a
// server) that should neither wait behind nor hold up a server's shared connection.
import { connectOnce } from './connect-once'
import { endpoint, type ConnectFailure } from './errors'
import type { HostKey, HostKeyStore } from './host-keys'
import { resolveSshOptions } from './options'
import { createExecTask } from './session-tasks'
import type { ExecOptions, ExecResult, SshConnectionOptions } from './types'

export type ExecOnceResult =
  | { ok: true; result: ExecResult }
  | {
      ok: false
      /** Why the connection could not be made; the command did not run. */
      failure: ConnectFailure
      /** On host_key_mismatch: the key the server presents now. */
      presentedHostKey: HostKey | null
    }

/**
 * Connects once (no retries) and runs `command`. A connection that cannot be made is a value;
 * a command that cannot run or finish on the connection made (timeout, channel refused, lost
 * connection) rejects with an SshCommandError, as SshConnection.exec does.
 */
export async function execOnce(
  options: SshConnectionOptions,
  hostKeyStore: HostKeyStore,
  command: string,
  execOptions: ExecOptions = {}
): Promise<ExecOnceResult> {
  const resolved = resolveSshOptions(options)
  const attempt = await connectOnce(resolved, hostKeyStore).result
  if (!attempt.ok) return { ok: false, failure: attempt.failure, presentedHostKey: attempt.presentedHostKey }
  const { client } = attempt
  try {
    const { task, result } = createExecTask(command, execOptions, endpoint(resolved.host, resolved.port), () => false)
    // A dropped connection ends the channel, which settles the task with what it had.
    task.start(client, { release: () => {}, refused: () => false })
    return { ok: true, result: await result }
  } finally {
    client.end()
  }
}
