import { useState } from 'react'
import type { ConnectionTestResult, HostKeyStatus } from '../../../../shared/connections'
import type { Server } from '../../../../shared/servers'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { useCan } from '../../stores/session'
import { call } from '../../transport/client'

interface TestOutcome {
  result: ConnectionTestResult
  hostKey: HostKeyStatus | null
}

async function testServer(id: string): Promise<TestOutcome> {
  const result = await call('servers.testConnection', { id })
  return { result, hostKey: await call('servers.hostKey', { id }) }
}

/**
 * Tests a server's connection for real and shows its host key. When the server presented a
 * different key, shows both fingerprints and lets the user accept the new one — only by
 * name, so a key that changed again meanwhile is refused — or reject it, which pauses
 * monitoring so Vigil stops knocking on a host it cannot trust.
 */
export function ConnectionCheck({ server, runOnMount }: { server: Server; runOnMount: boolean }) {
  // A failed test shows its error alone, not the previous test's outcome.
  const test = useLoad(() => testServer(server.id), [server.id], { lazy: !runOnMount, failed: () => ({ data: null }) })
  const action = useAction()
  const can = useCan()
  const [rejected, setRejected] = useState(false)
  const [accepted, setAccepted] = useState<string | null>(null)
  const result = test.data?.result ?? null
  const hostKey = test.data?.hostKey ?? null
  const running = test.loading
  const error = action.error ?? test.error
  /** A new test clears what the last action said. */
  const run = (): void => {
    action.setError(null)
    test.reload()
  }

  const presented = hostKey?.presented ?? (result?.status === 'error' ? result.presented_host_key : null)

  return (
    <div className="connection">
        <p className="hint">
          {server.collector === 'local' ? 'This machine, by local exec.' : `SSH to ${server.ssh_username}@${server.ip_address}:${server.ssh_port}`}
        </p>
        {running ? <p role="status">Connecting…</p> : null}
        <Notices error={error} />
        {result?.status === 'success' ? (
          <div role="status">
            <p className="ok-text">Connection test successful.</p>
            <pre className="output">{result.output}</pre>
          </div>
        ) : null}
        {result?.status === 'error' ? (
          <div role="alert">
            <p className="form-error">
              {result.state === 'host_key_mismatch' ? 'The host key changed.' : 'The connection failed.'} {result.error}
            </p>
          </div>
        ) : null}
        {hostKey ? (
          <dl className="facts">
            <dt>Pinned host key</dt>
            <dd className="mono">
              {hostKey.pinned.algorithm} {hostKey.pinned.fingerprint}
            </dd>
            {presented ? (
              <>
                <dt>Presented now</dt>
                <dd className="mono">
                  {presented.algorithm} {presented.fingerprint}
                </dd>
              </>
            ) : null}
          </dl>
        ) : null}
        {presented && !accepted && !rejected && can('servers.acceptHostKey') ? (
          <div className="warning" role="alert">
            <p>
              Accept the new key only if the server&apos;s owner confirms this fingerprint (for instance after a
              reinstall). A key that changes unexpectedly can mean someone is impersonating the server.
            </p>
            <button
              type="button"
              className="danger"
              onClick={async () => {
                const answer = await action.run(() => call('servers.acceptHostKey', { id: server.id, fingerprint: presented.fingerprint }))
                if (!answer.ok) return
                setAccepted(answer.value.fingerprint)
                run()
              }}
            >
              Accept {presented.fingerprint}
            </button>{' '}
            {can('servers.update') && (
              <button
                type="button"
                onClick={async () => {
                  const answer = await action.run(() => call('servers.update', { id: server.id, changes: { monitoring_enabled: false } }))
                  if (answer.ok) setRejected(true)
                }}
              >
                Reject and pause monitoring
              </button>
            )}
          </div>
        ) : null}
        {accepted ? <p role="status">Accepted {accepted}; collection restarts with the new key.</p> : null}
        {rejected ? <p role="status">Kept the pinned key and paused monitoring of {server.hostname}.</p> : null}
      {can('servers.testConnection') && (
        <p>
          <button type="button" onClick={run} disabled={running}>
            {result || error ? 'Test again' : 'Test connection'}
          </button>
        </p>
      )}
    </div>
  )
}
