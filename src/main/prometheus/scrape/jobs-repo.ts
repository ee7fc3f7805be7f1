// The scrape_jobs and scrape_targets tables (015-scrape-jobs.ts): the only code that reads or
// writes them.
import type { Db } from '../../base/db/db'

export interface JobRow {
  id: string
  job_name: string
  metrics_path: string
  description: string | null
  scrape_interval_ms: number
  scrape_timeout_ms: number
  honor_labels: number
  sample_limit: number
  body_size_limit: number
  reserved_job_cd: string | null
  /** The targets' bearer token, sealed (016-remote-write.ts); null: none. */
  bearer_sealed: string | null
  lst_modifier: string | null
  lst_mod_at: number
  created_at: number
}

export interface TargetRow {
  id: string
  job_id: string
  host_id: string
  port: number
  lst_modifier: string | null
  lst_mod_at: number
  created_at: number
  result_cd: number | null
  fail_reason: string | null
  mntrn_stat_cd: string | null
  last_scrape_at: number | null
  last_duration_ms: number | null
  last_samples: number | null
}

/** A target with what it is scraped through: its server's name and address. */
export interface TargetView extends TargetRow {
  hostname: string
  ip_address: string
}

/** What one scrape left on its target's row. */
export interface ScrapeOutcome {
  resultCd: number
  failReason: string | null
  statusCd: string
  at: number
  durationMs: number
  samples: number
}

export type JobsRepo = ReturnType<typeof createJobsRepo>

const TARGET_VIEW = `
  SELECT t.*, s.hostname AS hostname, s.ip_address AS ip_address
  FROM scrape_targets t JOIN servers s ON s.id = t.host_id`

export function createJobsRepo(db: Db) {
  const jobs = db.prepare('SELECT * FROM scrape_jobs ORDER BY created_at, job_name')
  const jobById = db.prepare('SELECT * FROM scrape_jobs WHERE id = ?')
  const jobByName = db.prepare('SELECT * FROM scrape_jobs WHERE job_name = ?')
  const insertJob = db.prepare(
    `INSERT INTO scrape_jobs (id, job_name, metrics_path, description, scrape_interval_ms, scrape_timeout_ms, honor_labels,
       sample_limit, body_size_limit, reserved_job_cd, bearer_sealed, lst_modifier, lst_mod_at, created_at)
     VALUES (@id, @job_name, @metrics_path, @description, @scrape_interval_ms, @scrape_timeout_ms, @honor_labels,
       @sample_limit, @body_size_limit, @reserved_job_cd, @bearer_sealed, @lst_modifier, @lst_mod_at, @created_at)`
  )
  const updateJob = db.prepare(
    `UPDATE scrape_jobs SET metrics_path = @metrics_path, description = @description, scrape_interval_ms = @scrape_interval_ms,
       scrape_timeout_ms = @scrape_timeout_ms, honor_labels = @honor_labels, sample_limit = @sample_limit,
       body_size_limit = @body_size_limit, bearer_sealed = @bearer_sealed, lst_modifier = @lst_modifier, lst_mod_at = @lst_mod_at WHERE id = @id`
  )
  const deleteJob = db.prepare('DELETE FROM scrape_jobs WHERE id = ?')
  const targetsOfJob = db.prepare(`${TARGET_VIEW} WHERE t.job_id = ? ORDER BY t.created_at, t.id`)
  const allTargets = db.prepare(`${TARGET_VIEW} ORDER BY t.created_at, t.id`)
  const targetById = db.prepare(`${TARGET_VIEW} WHERE t.id = ?`)
  const insertTarget = db.prepare(
    `INSERT INTO scrape_targets (id, job_id, host_id, port, lst_modifier, lst_mod_at, created_at)
     VALUES (@id, @job_id, @host_id, @port, @lst_modifier, @lst_mod_at, @created_at)`
  )
  const targetByAddress = db.prepare('SELECT id FROM scrape_targets WHERE job_id = ? AND host_id = ? AND port = ?')
  const deleteTarget = db.prepare('DELETE FROM scrape_targets WHERE id = ?')
  const recordScrape = db.prepare(
    `UPDATE scrape_targets SET result_cd = @resultCd, fail_reason = @failReason, mntrn_stat_cd = @statusCd,
       last_scrape_at = @at, last_duration_ms = @durationMs, last_samples = @samples WHERE id = @id`
  )

  return {
    jobs: (): JobRow[] => jobs.all() as JobRow[],
    job: (id: string): JobRow | undefined => jobById.get(id) as JobRow | undefined,
    jobByName: (name: string): JobRow | undefined => jobByName.get(name) as JobRow | undefined,
    insertJob: (row: JobRow): void => void insertJob.run(row),
    updateJob: (row: JobRow): void => void updateJob.run(row),
    deleteJob: (id: string): boolean => deleteJob.run(id).changes > 0,
    targetsOf: (jobId: string): TargetView[] => targetsOfJob.all(jobId) as TargetView[],
    allTargets: (): TargetView[] => allTargets.all() as TargetView[],
    target: (id: string): TargetView | undefined => targetById.get(id) as TargetView | undefined,
    targetAt: (jobId: string, hostId: string, port: number): string | undefined =>
      (targetByAddress.get(jobId, hostId, port) as { id: string } | undefined)?.id,
    insertTarget: (row: Pick<TargetRow, 'id' | 'job_id' | 'host_id' | 'port' | 'lst_modifier' | 'lst_mod_at' | 'created_at'>): void =>
      void insertTarget.run(row),
    deleteTarget: (id: string): boolean => deleteTarget.run(id).changes > 0,
    recordScrape: (id: string, outcome: ScrapeOutcome): void => void recordScrape.run({ id, ...outcome })
  }
}
