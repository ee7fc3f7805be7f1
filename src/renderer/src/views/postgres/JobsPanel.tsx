import type { MaintenanceJobView } from '../../../../shared/pg-agent'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { usePgMaintenance } from '../../stores/postgres-maintenance'
import { localTime } from './format'

function Progress({ job }: { job: MaintenanceJobView }) {
  const progress = job.progress
  if (!progress) return <span className="hint">starting…</span>
  const counted = progress.done !== null && progress.total !== null ? ` · ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} ${progress.unit ?? ''}` : ''
  return (
    <div className="job-progress">
      {progress.percent !== null ? <progress max={100} value={progress.percent} aria-label={`${job.description}: ${progress.percent}%`} /> : <progress aria-label={`${job.description}: in progress`} />}
      <span className="cell-secondary">
        {progress.phase}
        {progress.relation ? ` · ${progress.relation}` : ''}
        {counted}
        {progress.percent !== null ? ` · ${progress.percent}%` : ''}
      </span>
    </div>
  )
}

const STATUS_CLASS: Record<string, string> = { done: 'badge-active', failed: 'badge-error', cancelled: 'badge-inactive', missed: 'badge-maintenance' }

/** Running jobs with progress, scheduled ones with Cancel, and the latest finished ones with their errors and warnings. */
export function JobsPanel() {
  const { jobs, error } = usePgMaintenance()
  const action = useAction()
  const cancel = (job: MaintenanceJobView) => action.run(() => usePgMaintenance.getState().cancel(job.id))
  return (
    <section className="jobs-panel" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      <Notices error={action.error ?? error} />
      <h3>Running</h3>
      <ul className="job-list" aria-label="Running jobs">
        {jobs?.running.map((job) => (
          <li key={job.id} data-job={job.id} data-status="running">
            <div className="job-head">
              <span className="mono">{job.description}</span>
              <button type="button" className="danger-text" onClick={() => void cancel(job)} aria-label={`Stop ${job.description}`}>
                Stop
              </button>
            </div>
            <span className="cell-secondary">
              since {localTime(job.startedAt)} · by {job.requestedBy ?? 'vigil'}
            </span>
            <Progress job={job} />
          </li>
        ))}
        {jobs && jobs.running.length === 0 ? <li className="hint">None.</li> : null}
      </ul>
      <h3>Scheduled</h3>
      <ul className="job-list" aria-label="Scheduled jobs">
        {jobs?.scheduled.map((job) => (
          <li key={job.id} data-job={job.id} data-status="scheduled">
            <div className="job-head">
              <span className="mono">{job.description}</span>
              <button type="button" onClick={() => void cancel(job)} aria-label={`Cancel ${job.description}`}>
                Cancel
              </button>
            </div>
            <span className="cell-secondary">
              at {localTime(job.scheduledAt)} · by {job.requestedBy ?? 'vigil'} · id {job.id}
            </span>
          </li>
        ))}
        {jobs && jobs.scheduled.length === 0 ? <li className="hint">None.</li> : null}
      </ul>
      <h3>Past</h3>
      <ul className="job-list" aria-label="Past jobs">
        {jobs?.past.map((job) => (
          <li key={job.id} data-job={job.id} data-status={job.status}>
            <div className="job-head">
              <span className="mono">{job.description}</span>
              <span className={`badge ${STATUS_CLASS[job.status] ?? ''}`}>{job.status}</span>
            </div>
            <span className="cell-secondary">
              {job.startedAt ? `${localTime(job.startedAt)} → ${localTime(job.finishedAt)}` : `due ${localTime(job.scheduledAt)}`}
              {job.startedAt && job.finishedAt ? ` (${((job.finishedAt - job.startedAt) / 1000).toFixed(1)} s)` : ''} · by {job.requestedBy ?? 'vigil'}
            </span>
            {job.error ? <p className="form-error job-error">{job.error}</p> : null}
            {job.notices.map((notice, index) => (
              <p key={index} className="tone-warn job-notice">
                {notice}
              </p>
            ))}
          </li>
        ))}
        {jobs && jobs.past.length === 0 ? <li className="hint">None yet.</li> : null}
      </ul>
    </section>
  )
}
