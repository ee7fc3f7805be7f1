// Workspaces (Prometheus jobs) and collection targets as the sysmon OpenMetrics API shows them
// (sysmon-prometheus-api.md, "OpenMetrics Dashboard Workspace API" and "… Collection Target
// API"), field by field, plus Vigil's scrape settings (interval, timeout, honor_labels, limits),
// which the spec leaves out: optional in requests, added to answers. Refusals are
// WorkspaceErrors carrying the spec's result code; the face turns them into its envelope.
import { randomUUID } from 'node:crypto'
import type { CollectionServer, CollectionTarget, Workspace } from '../../../shared/scrape'
import type { SecretBox } from '../../base/security/secrets'
import type { ServersService } from '../../servers'
import type { JobRow, JobsRepo, TargetView } from './jobs-repo'
import { PROJECT_ID, WorkspaceError } from './result-codes'

export type { CollectionServer, CollectionTarget, Workspace }

/** Vigil's defaults (those of Prometheus where it has one; limits so that no target takes unbounded memory). */
export const JOB_DEFAULTS = {
  scrapeIntervalSec: 15,
  scrapeTimeoutSec: 10,
  honorLabels: false,
  sampleLimit: 200_000,
  bodySizeLimitBytes: 16 << 20
}
const MAX_BODY_SIZE_LIMIT = 256 << 20
const MAX_SAMPLE_LIMIT = 5_000_000

/** What the scraper needs to hear: the jobs or targets changed. */
export interface WorkspaceListener {
  changed(): void
}

export class WorkspacesService {
  private listener: WorkspaceListener | null = null

  constructor(
    private readonly repo: JobsRepo,
    private readonly registry: ServersService,
    /** Seals the workspaces' bearer tokens. */
    private readonly secrets: SecretBox,
    private readonly now: () => number = Date.now
  ) {}

  onChange(listener: WorkspaceListener): void {
    this.listener = listener
  }

  listJobs(): Workspace[] {
    return this.repo.jobs().map(workspaceOf)
  }

  getJob(jobId: string): Workspace {
    return workspaceOf(this.jobOrFail(jobId))
  }

  createJob(input: unknown): Workspace {
    const body = objectOf(input)
    const jobName = requiredText(body, 'jobName', 100)
    if (hasControlCharacters(jobName)) throw bad('jobName must not hold control characters')
    const metricsPath = pathOf(body)
    if (this.repo.jobByName(jobName)) throw new WorkspaceError('ALREADY_EXIST', `A workspace named ${JSON.stringify(jobName)} exists already`)
    const settings = settingsOf(body, JOB_DEFAULTS)
    const now = this.now()
    const row: JobRow = {
      id: randomUUID(),
      job_name: jobName,
      metrics_path: metricsPath,
      description: descriptionOf(body, null),
      ...settingsRow(settings),
      reserved_job_cd: null,
      bearer_sealed: this.bearerOf(body, null),
      lst_modifier: null,
      lst_mod_at: now,
      created_at: now
    }
    this.repo.insertJob(row)
    this.listener?.changed()
    return workspaceOf(row)
  }

  modifyJob(jobId: string, input: unknown): Workspace {
    const body = objectOf(input)
    const job = this.jobOrFail(jobId)
    if (job.reserved_job_cd !== null) throw new WorkspaceError('SYSTEM_RESERVED_JOB', `The workspace ${JSON.stringify(job.job_name)} is system-reserved and cannot be modified`)
    if ('jobName' in body && body.jobName !== job.job_name) throw bad('jobName cannot be changed')
    const settings = settingsOf(body, settingsFromRow(job))
    const row: JobRow = {
      ...job,
      metrics_path: pathOf(body),
      description: descriptionOf(body, job.description),
      ...settingsRow(settings),
      bearer_sealed: this.bearerOf(body, job.bearer_sealed),
      lst_mod_at: this.now()
    }
    this.repo.updateJob(row)
    this.listener?.changed()
    return workspaceOf(row)
  }

  /** `bearerToken` of a request: left out keeps `current`, null or "" removes it, a string is sealed. */
  private bearerOf(body: Record<string, unknown>, current: string | null): string | null {
    const value = body.bearerToken
    if (value === undefined) return current
    if (value === null || value === '') return null
    if (typeof value !== 'string' || value.length > 4096 || hasControlCharacters(value)) throw bad('bearerToken must be a string of at most 4096 characters, without control characters')
    return this.secrets.seal(value)
  }

  deleteJob(jobId: string): string {
    const job = this.jobOrFail(jobId)
    if (job.reserved_job_cd !== null) throw new WorkspaceError('SYSTEM_RESERVED_JOB', `The workspace ${JSON.stringify(job.job_name)} is system-reserved and cannot be deleted`)
    this.repo.deleteJob(job.id)
    this.listener?.changed()
    return job.id
  }

  servers(): CollectionServer[] {
    return this.servers_().map((row) => ({ hostId: row.id, hostNm: row.hostname, projectId: PROJECT_ID, svrIp: row.ip_address, instanceId: row.id }))
  }

  listTargets(jobId: string): CollectionTarget[] {
    const job = this.jobOrFail(jobId)
    return this.repo.targetsOf(job.id).map((target) => targetOf(target, job))
  }

  /** Every target of every workspace, with its workspace (the platform's sources). */
  allTargets(): Array<{ workspace: Workspace; target: CollectionTarget }> {
    const jobs = new Map(this.repo.jobs().map((job) => [job.id, job]))
    return this.repo.allTargets().flatMap((target) => {
      const job = jobs.get(target.job_id)
      return job ? [{ workspace: workspaceOf(job), target: targetOf(target, job) }] : []
    })
  }

  getTarget(jobId: string, targetId: string): CollectionTarget {
    const job = this.jobOrFail(jobId)
    return targetOf(this.targetOrFail(job, targetId), job)
  }

  createTarget(jobId: string, input: unknown): string {
    const body = objectOf(input)
    const job = this.jobOrFail(jobId)
    if (job.reserved_job_cd !== null) throw new WorkspaceError('SYSTEM_RESERVED_JOB', `Targets cannot be added to the system-reserved workspace ${JSON.stringify(job.job_name)}`)
    const hostId = requiredText(body, 'hostId', 200)
    const port = portOf(body.port)
    if (!this.servers_().some((row) => row.id === hostId)) {
      throw new WorkspaceError('INVALID_HOST_OR_PROJECT', `No registered server has the hostId ${JSON.stringify(hostId)} (GET /v1.0/projects/${PROJECT_ID}/servers lists them)`)
    }
    if (this.repo.targetAt(job.id, hostId, port) !== undefined) throw new WorkspaceError('ALREADY_EXIST', `The workspace already scrapes port ${port} of that server`)
    const now = this.now()
    const id = randomUUID()
    this.repo.insertTarget({ id, job_id: job.id, host_id: hostId, port, lst_modifier: null, lst_mod_at: now, created_at: now })
    this.listener?.changed()
    return id
  }

  deleteTarget(jobId: string, targetId: string): string {
    const job = this.jobOrFail(jobId)
    if (job.reserved_job_cd !== null) throw new WorkspaceError('SYSTEM_RESERVED_JOB', `The system-reserved workspace ${JSON.stringify(job.job_name)} has no targets to delete`)
    const target = this.targetOrFail(job, targetId)
    this.repo.deleteTarget(target.id)
    this.listener?.changed()
    return target.id
  }

  private servers_() {
    return this.registry.allRows()
  }

  private jobOrFail(jobId: string): JobRow {
    const job = this.repo.job(jobId)
    if (!job) throw new WorkspaceError('NOT_FOUND_JOB', `No workspace has the jobId ${JSON.stringify(jobId)}`)
    return job
  }

  private targetOrFail(job: JobRow, targetId: string): TargetView {
    const target = this.repo.target(targetId)
    if (!target || target.job_id !== job.id) throw new WorkspaceError('NOT_FOUND_TARGET', `The workspace has no target with the targetId ${JSON.stringify(targetId)}`)
    return target
  }
}

/** The spec's dates: `2021-08-17T10:32:09`, here in UTC. */
export function ymdt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19)
}

export function scrapeUrlOf(target: Pick<TargetView, 'ip_address' | 'port'>, job: Pick<JobRow, 'metrics_path'>): string {
  return `http://${hostPart(target.ip_address)}:${target.port}${job.metrics_path}`
}

/** The `instance` label, as Prometheus writes a static target's address. */
export function instanceOf(target: Pick<TargetView, 'ip_address' | 'port'>): string {
  return `${hostPart(target.ip_address)}:${target.port}`
}

function hostPart(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address
}

function workspaceOf(row: JobRow): Workspace {
  return {
    jobId: row.id,
    projectId: PROJECT_ID,
    jobName: row.job_name,
    metricsPath: row.metrics_path,
    description: row.description,
    lstModifier: row.lst_modifier,
    lstModYmdt: ymdt(row.lst_mod_at),
    reservedJobCd: row.reserved_job_cd,
    ...settingsFromRow(row),
    hasBearerToken: row.bearer_sealed !== null
  }
}

function targetOf(row: TargetView, job: JobRow): CollectionTarget {
  return {
    targetId: row.id,
    jobId: row.job_id,
    hostId: row.host_id,
    port: row.port,
    resultCd: row.result_cd,
    failReason: row.fail_reason,
    mntrnStatCd: row.mntrn_stat_cd,
    lstModifier: row.lst_modifier,
    lstModYmdt: ymdt(row.lst_mod_at),
    hostNm: row.hostname,
    svrIp: row.ip_address,
    scrapeUrl: scrapeUrlOf(row, job),
    lastScrapeYmdt: row.last_scrape_at === null ? null : ymdt(row.last_scrape_at),
    lastScrapeDurationSec: row.last_duration_ms === null ? null : row.last_duration_ms / 1000,
    lastScrapeSamples: row.last_samples
  }
}

type Settings = typeof JOB_DEFAULTS

function settingsFromRow(row: JobRow): Settings {
  return {
    scrapeIntervalSec: row.scrape_interval_ms / 1000,
    scrapeTimeoutSec: row.scrape_timeout_ms / 1000,
    honorLabels: row.honor_labels === 1,
    sampleLimit: row.sample_limit,
    bodySizeLimitBytes: row.body_size_limit
  }
}

function settingsRow(settings: Settings): Pick<JobRow, 'scrape_interval_ms' | 'scrape_timeout_ms' | 'honor_labels' | 'sample_limit' | 'body_size_limit'> {
  return {
    scrape_interval_ms: Math.round(settings.scrapeIntervalSec * 1000),
    scrape_timeout_ms: Math.round(settings.scrapeTimeoutSec * 1000),
    honor_labels: settings.honorLabels ? 1 : 0,
    sample_limit: settings.sampleLimit,
    body_size_limit: settings.bodySizeLimitBytes
  }
}

/** The optional settings of a request over `base`; a timeout longer than the interval is refused, as Prometheus refuses it. */
function settingsOf(body: Record<string, unknown>, base: Settings): Settings {
  const number = (name: keyof Settings, min: number, max: number, integer: boolean): number => {
    const value = body[name]
    if (value === undefined || value === null) return base[name] as number
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw bad(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`)
    }
    return value
  }
  const scrapeIntervalSec = number('scrapeIntervalSec', 1, 3600, false)
  const timeoutGiven = body.scrapeTimeoutSec !== undefined && body.scrapeTimeoutSec !== null
  const scrapeTimeoutSec = timeoutGiven ? number('scrapeTimeoutSec', 0.1, 3600, false) : Math.min(base.scrapeTimeoutSec, scrapeIntervalSec)
  if (scrapeTimeoutSec > scrapeIntervalSec) throw bad('scrapeTimeoutSec must not be longer than scrapeIntervalSec')
  const honor = body.honorLabels
  if (honor !== undefined && honor !== null && typeof honor !== 'boolean') throw bad('honorLabels must be true or false')
  return {
    scrapeIntervalSec,
    scrapeTimeoutSec,
    honorLabels: typeof honor === 'boolean' ? honor : base.honorLabels,
    sampleLimit: number('sampleLimit', 1, MAX_SAMPLE_LIMIT, true),
    bodySizeLimitBytes: number('bodySizeLimitBytes', 1024, MAX_BODY_SIZE_LIMIT, true)
  }
}

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

function bad(message: string): WorkspaceError {
  return new WorkspaceError('BAD_INPUT_VALUE', message)
}

function objectOf(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('The request body must be a JSON object')
  return input as Record<string, unknown>
}

function requiredText(body: Record<string, unknown>, name: string, max: number): string {
  const value = body[name]
  if (typeof value !== 'string' || value.trim() === '') throw bad(`${name} is required`)
  if (value.length > max) throw bad(`${name} must be at most ${max} characters`)
  return value
}

function pathOf(body: Record<string, unknown>): string {
  const path = requiredText(body, 'metricsPath', 1024)
  if (!path.startsWith('/') || /[\s#]/.test(path) || hasControlCharacters(path)) throw bad('metricsPath must be a URL path starting with "/" (e.g. /metrics), without blanks or "#"')
  return path
}

function descriptionOf(body: Record<string, unknown>, current: string | null): string | null {
  const value = body.description
  if (value === undefined) return current
  if (value === null) return null
  if (typeof value !== 'string') throw bad('description must be a string')
  if (value.length > 1000) throw bad('description must be at most 1000 characters')
  return value
}

/** A port, as a number or (as the spec's example sends it) a string of digits. */
function portOf(value: unknown): number {
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : value
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw bad('port must be an integer from 1 to 65535')
  return port
}
