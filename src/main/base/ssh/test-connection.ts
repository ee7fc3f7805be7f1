// The "Test connection" button: one connection, one `uname -a`, and an answer in plain words.
import { connectOnce } from './connect-once'
import { endpoint, type FailureState } from './errors'
import type { HostKey, HostKeyStore } from './host-keys'
import { resolveSshOptions } from './options'
import { detectOs, type OsKind } from '../exec/os'
import { createExecTask } from './session-tasks'
import type { SshConnectionOptions } from './types'
import { messageOf } from '../text'

export const TEST_COMMAND = 'LC_ALL=C uname -a'

export type TestConnectionResult =
  | {
      ok: true
      /** `uname -a`, trimmed. */
      output: string
      /** From the first word of `uname -a`; 'other' for what Vigil cannot collect. */
      os: OsKind | 'other'
      fingerprint: string
      algorithm: string
      /** This test pinned the key (the server had none pinned yet). */
      newlyPinned: boolean
    }
  | {
      ok: false
      state: FailureState
      error: string
      /** On host_key_mismatch: the key the server presents now, for the user to accept or not. */
      presentedHostKey: HostKey | null
    }

/**
 * Connects once (no retries), pinning the host key on first use like the collector would, runs
 * `uname -a` and disconnects. Never rejects.
 */
export async function testConnection(
  options: SshConnectionOptions,
  hostKeyStore: HostKeyStore,
  commandTimeoutMs = 10_000
): Promise<TestConnectionResult> {
  const resolved = resolveSshOptions(options)
  const where = endpoint(resolved.host, resolved.port)
  const attempt = await connectOnce(resolved, hostKeyStore).result
  if (!attempt.ok) {
    return { ok: false, state: attempt.failure.state, error: attempt.failure.message, presentedHostKey: attempt.presentedHostKey }
  }
  const { client, hostKey, newlyPinned } = attempt
  try {
    const { task, result } = createExecTask(TEST_COMMAND, { timeoutMs: commandTimeoutMs }, where, () => false)
    task.start(client, { release: () => {}, refused: () => false })
    const run = await result
    const output = run.stdout.trim()
    if (run.code !== 0) {
      const how = run.code !== null ? `exit code ${run.code}` : run.signal !== null ? `signal ${run.signal}` : 'no exit status: the connection closed'
      const detail = run.stderr.trim() || output || 'no output'
      return { ok: false, state: 'error', error: `\`uname -a\` failed on ${where} (${how}): ${detail}`, presentedHostKey: null }
    }
    const kernel = detectOs(output.split(/\s+/, 1)[0] ?? '')
    return { ok: true, output, os: kernel.ok ? kernel.os : 'other', fingerprint: hostKey.fingerprint, algorithm: hostKey.algorithm, newlyPinned }
  } catch (err) {
    return { ok: false, state: 'error', error: messageOf(err), presentedHostKey: null }
  } finally {
    client.end()
  }
}
