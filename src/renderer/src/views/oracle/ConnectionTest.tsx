import { useEffect, useState } from 'react'
import type { OracleDatabase, OracleTestResult } from '../../../../shared/oracle'
import { Dialog } from '../../components/Dialog'
import { useOracle } from '../../stores/oracle'
import { errorMessage } from '../../transport/client'
import { describeAddress } from './database-form-model'
import { formatDuration, formatTime } from './diff-model'

/**
 * A real connection test: a new connection of its own, a ping and the version, recorded as the
 * database's connection status. A failure is the database's own words (refused, timed out,
 * unknown service, wrong password), never a generic "failed".
 */
export function ConnectionTest({ database, runOnMount }: { database: OracleDatabase; runOnMount: boolean }) {
  const [result, setResult] = useState<OracleTestResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [running, setRunning] = useState(runOnMount)

  const run = async (): Promise<void> => {
    setRunning(true)
    setError(null)
    try {
      setResult(await useOracle.getState().testDatabase(database.id))
    } catch (failure) {
      setResult(null)
      setError(errorMessage(failure))
    } finally {
      setRunning(false)
    }
  }

  useEffect(() => {
    if (!runOnMount) return
    let open = true
    useOracle
      .getState()
      .testDatabase(database.id)
      .then((answer) => open && setResult(answer))
      .catch((failure: unknown) => open && setError(errorMessage(failure)))
      .finally(() => open && setRunning(false))
    return () => {
      open = false
    }
  }, [database.id, runOnMount])

  return (
    <div className="connection">
      <p className="hint">
        {database.engine === 'postgresql' ? 'PostgreSQL' : 'Oracle'} at <span className="mono">{describeAddress(database)}</span> as {database.username}
      </p>
      {running ? <p role="status">Connecting…</p> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {result && !running ? (
        result.success ? (
          <div role="status" className="test-result">
            <p className="ok-text">Connection successful.</p>
            <dl className="facts">
              <dt>Connected in</dt>
              <dd>{formatDuration(result.connection_time)}</dd>
              <dt>Version</dt>
              <dd>{result.database_version ?? '—'}</dd>
              <dt>Tested</dt>
              <dd>{formatTime(result.tested_at)}</dd>
            </dl>
          </div>
        ) : (
          <div role="alert" className="test-result">
            <p className="form-error">The connection failed: {result.message}</p>
          </div>
        )
      ) : null}
      <p>
        <button type="button" onClick={() => void run()} disabled={running}>
          {result || error ? 'Test again' : 'Test connection'}
        </button>
      </p>
    </div>
  )
}

export function ConnectionTestDialog({ database, onClose }: { database: OracleDatabase; onClose: () => void }) {
  return (
    <Dialog title={`Connection to ${database.name}`} onClose={onClose}>
      <div className="dialog-body">
        <ConnectionTest database={database} runOnMount />
      </div>
      <footer className="dialog-footer">
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </footer>
    </Dialog>
  )
}
