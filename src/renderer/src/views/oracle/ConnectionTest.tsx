import type { OracleDatabase } from '../../../../shared/oracle'
import { InfoDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useLoad } from '../../hooks/use-load'
import { useOracle } from '../../stores/oracle'
import { describeAddress } from './database-form-model'
import { formatDuration, formatTime } from './diff-model'

/**
 * A real connection test: a new connection of its own, a ping and the version, recorded as the
 * database's connection status. A failure is the database's own words (refused, timed out,
 * unknown service, wrong password), never a generic "failed".
 */
export function ConnectionTest({ database, runOnMount }: { database: OracleDatabase; runOnMount: boolean }) {
  // A test starts without the last one's error; a failed one shows its error alone.
  const test = useLoad(() => useOracle.getState().testDatabase(database.id), [database.id], {
    lazy: !runOnMount,
    begin: { error: null },
    failed: () => ({ data: null })
  })
  const { data: result, error, loading: running } = test

  return (
    <div className="connection">
      <p className="hint">
        {database.engine === 'postgresql' ? 'PostgreSQL' : 'Oracle'} at <span className="mono">{describeAddress(database)}</span> as {database.username}
      </p>
      {running ? <p role="status">Connecting…</p> : null}
      <Notices error={error} />
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
        <button type="button" onClick={test.reload} disabled={running}>
          {result || error ? 'Test again' : 'Test connection'}
        </button>
      </p>
    </div>
  )
}

export function ConnectionTestDialog({ database, onClose }: { database: OracleDatabase; onClose: () => void }) {
  return (
    <InfoDialog title={`Connection to ${database.name}`} onClose={onClose}>
      <ConnectionTest database={database} runOnMount />
    </InfoDialog>
  )
}
