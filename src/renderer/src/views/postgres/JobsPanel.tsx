import type { ReactNode } from 'react'
import type { MaintenanceJobView } from '../../../../shared/pg-agent'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { usePgMaintenance } from '../../stores/postgres-maintenance'
import { useCan } from '../../stores/session'
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

/** One of the panel's lists: a job an item, "None." once the jobs are read and there is none. */
function JobList({
  title,
  jobs,
  status,
  none = 'None.',
  children
}: {
  title: string
  jobs: readonly MaintenanceJobView[] | undefined
  status: (job: MaintenanceJobView) => string
  none?: string
  children: (job: MaintenanceJobView) => ReactNode
}) {
  return (
    <>
      <h3>{title}</h3>
      <ul className="job-list" aria-label={`${title} jobs`}>
        {jobs?.map((job) => (
          <li key={job.id} data-job={job.id} data-status={status(job)}>
            {children(job)}
          </li>
        ))}
        {jobs && jobs.length === 0 ? <li className="hint">{none}</li> : null}
      </ul>
    </>
  )
}

/** The job's description, and what can be done with it or how it ended. */
function JobHead({ job, children }: { job: MaintenanceJobView; children: ReactNode }) {
  return (
    <div className="job-head">
      <span className="mono">{job.description}</span>
      {children}
    </div>
  )
}

const STATUS_CLASS: Record<string, string> = { done: 'badge-active', failed: 'badge-error', cancelled: 'badge-inactive', missed: 'badge-maintenance' }

/** Running jobs with progress, scheduled ones with Cancel, and the latest finished ones with their errors and warnings. */
export function JobsPanel() {
  const { jobs, error } = usePgMaintenance()
  const action = useAction()
  const mayCancel = useCan()('pg.maintenance.cancel')
  const cancel = (job: MaintenanceJobView) => action.run(() => usePgMaintenance.getState().cancel(job.id))
  return (
    <section className="jobs-panel" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      <Notices error={action.error ?? error} />
      <JobList title="Running" jobs={jobs?.running} status={() => 'running'}>
        {(job) => (
          <>
            <JobHead job={job}>
              {mayCancel && (
                <button type="button" className="danger-text" onClick={() => void cancel(job)} aria-label={`Stop ${job.description}`}>
                  Stop
                </button>
              )}
            </JobHead>
            <span className="cell-secondary">
              since {localTime(job.startedAt)} · by {job.requestedBy ?? 'vigil'}
            </span>
            <Progress job={job} />
          </>
        )}
      </JobList>
      <JobList title="Scheduled" jobs={jobs?.scheduled} status={() => 'scheduled'}>
        {(job) => (
          <>
            <JobHead job={job}>
              {mayCancel && (
                <button type="button" onClick={() => void cancel(job)} aria-label={`Cancel ${job.description}`}>
                  Cancel
                </button>
              )}
            </JobHead>
            <span className="cell-secondary">
              at {localTime(job.scheduledAt)} · by {job.requestedBy ?? 'vigil'} · id {job.id}
            </span>
          </>
        )}
      </JobList>
      <JobList title="Past" jobs={jobs?.past} status={(job) => job.status} none="None yet.">
        {(job) => (
          <>
            <JobHead job={job}>
              <span className={`badge ${STATUS_CLASS[job.status] ?? ''}`}>{job.status}</span>
            </JobHead>
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
          </>
        )}
      </JobList>
    </section>
  )
}
