import { useEffect } from 'react'
import type { UpgradeStatus } from '../../../shared/upgrade'
import { useSession } from '../stores/session'
import { useUpgrade } from '../stores/upgrade'

const count = (n: number): string => n.toLocaleString('en-US')

function duration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

function Progress({ status }: { status: UpgradeStatus }) {
  const step =
    status.phase === 'checking'
      ? `Checking the copy against the old tables${status.table ? ` (${status.table})` : ''}`
      : `Copying ${count(status.copied)} of ${count(status.total)} rows${status.table ? ` (${status.table})` : ''}`
  return (
    <section className="upgrade-banner" role="status" aria-label="Data upgrade" data-state="converting">
      <strong>Upgrading this data directory.</strong> Vigil is moving the metrics an earlier version kept into its new store; everything works
      meanwhile, and the charts of earlier days fill in as it goes.
      <div className="upgrade-progress">
        <progress max={100} value={status.percent} aria-label={`Data upgrade: ${status.percent}%`} />
        <span>
          {step} · {status.percent.toFixed(1)}%
          {status.resumedFrom > 0 ? ` · carried on from ${count(status.resumedFrom)} rows copied before an interruption` : ''}
        </span>
      </div>
    </section>
  )
}

/** The data dir's upgrade at start: progress while it runs, its result when it ends (a failure with what to do). */
export function UpgradeBanner() {
  const initial = useSession((state) => state.info?.upgrade ?? null)
  const { status, dismissed, dismiss } = useUpgrade()
  useEffect(() => useUpgrade.getState().follow(initial), [initial])

  if (!status || dismissed) return null
  switch (status.state) {
    case 'converting':
      return <Progress status={status} />
    case 'converted':
      return (
        <section className="upgrade-banner done" role="status" aria-label="Data upgrade" data-state="converted">
          <span>
            <strong>Upgrade done:</strong> {count(status.total)} rows of metrics moved into the new store and checked in {duration(status.elapsedMs)}.
          </span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismiss}>
            ×
          </button>
        </section>
      )
    case 'failed':
      return (
        <section className="upgrade-banner failed" role="alert" aria-label="Data upgrade" data-state="failed">
          <div>
            <strong>The upgrade of this data directory did not complete:</strong> {status.error}. {status.advice}
            {status.mismatchCount > 0 ? (
              <details>
                <summary>
                  {count(status.mismatchCount)} group{status.mismatchCount === 1 ? '' : 's'} differ
                  {status.mismatchCount > status.mismatches.length ? ` (the first ${status.mismatches.length}; all are in the log)` : ''}
                </summary>
                <ul>
                  {status.mismatches.map((line) => (
                    <li key={line}>
                      <code>{line}</code>
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </div>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismiss}>
            ×
          </button>
        </section>
      )
    default:
      return null
  }
}
