import { useEffect, useState } from 'react'
import type { ConnectionTestResult, HostKeyStatus } from '../../../../shared/connections'
import type { Server } from '../../../../shared/servers'
import { call, errorMessage } from '../../transport/client'

interface TestOutcome {
  result: ConnectionTestResult | null
  hostKey: HostKeyStatus | null
  error: string | null
}

async function testServer(id: string): Promise<TestOutcome> {
  try {
    const result = await call('servers.testConnection', { id })
    return { result, hostKey: await call('servers.hostKey', { id }), error: null }
  } catch (failure) {
    return { result: null, hostKey: null, error: errorMessage(failure) }
  }
}

/**
 * Tests a server's connection for real and shows its host key. When the server presented a
 * different key, shows both fingerprints and lets the user accept the new one — only by
 * name, so a key that changed again meanwhile is refused — or reject it, which pauses
 * monitoring so Vigil stops knocking on a host it cannot trust.
 */
export function ConnectionCheck({ server, runOnMount }: { server: Server; runOnMount: boolean }) {
  const [result, setResult] = useState<ConnectionTestResult | null>(null)
  const [hostKey, setHostKey] = useState<HostKeyStatus | null>(null)
  const [running, setRunning] = useState(runOnMount)
  const [rejected, setRejected] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [accepted, setAccepted] = useState<string | null>(null)

  const show = (outcome: TestOutcome): void => {
    setResult(outcome.result)
    setHostKey(outcome.hostKey)
    setError(outcome.error)
    setRunning(false)
  }
  const run = async (): Promise<void> => {
    setRunning(true)
    show(await testServer(server.id))
  }

  useEffect(() => {
    if (!runOnMount) return
    let open = true
    void testServer(server.id).then((outcome) => {
      if (open) show(outcome)
    })
    return () => {
      open = false
    }
  }, [server.id, runOnMount])

  const presented = hostKey?.presented ?? (result?.status === 'error' ? result.presented_host_key : null)

  return (
    <div className="connection">
        <p className="hint">
          {server.collector === 'local' ? 'This machine, by local exec.' : `SSH to ${server.ssh_username}@${server.ip_address}:${server.ssh_port}`}
        </p>
        {running ? <p role="status">Connecting…</p> : null}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
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
        {presented && !accepted && !rejected ? (
          <div className="warning" role="alert">
            <p>
              Accept the new key only if the server&apos;s owner confirms this fingerprint (for instance after a
              reinstall). A key that changes unexpectedly can mean someone is impersonating the server.
            </p>
            <button
              type="button"
              className="danger"
              onClick={async () => {
                try {
                  const key = await call('servers.acceptHostKey', { id: server.id, fingerprint: presented.fingerprint })
                  setAccepted(key.fingerprint)
                  await run()
                } catch (failure) {
                  setError(errorMessage(failure))
                }
              }}
            >
              Accept {presented.fingerprint}
            </button>{' '}
            <button
              type="button"
              onClick={async () => {
                try {
                  await call('servers.update', { id: server.id, changes: { monitoring_enabled: false } })
                  setRejected(true)
                } catch (failure) {
                  setError(errorMessage(failure))
                }
              }}
            >
              Reject and pause monitoring
            </button>
          </div>
        ) : null}
        {accepted ? <p role="status">Accepted {accepted}; collection restarts with the new key.</p> : null}
        {rejected ? <p role="status">Kept the pinned key and paused monitoring of {server.hostname}.</p> : null}
      <p>
        <button type="button" onClick={() => void run()} disabled={running}>
          {result || error ? 'Test again' : 'Test connection'}
        </button>
      </p>
    </div>
  )
}
