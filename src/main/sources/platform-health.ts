import { statfsSync, statSync } from 'node:fs'
import { hostname } from 'node:os'
import type { MetabaseConfig, PlatformConfig, PlatformHealth, PlatformStatus, WatcherStatus } from '../../shared/platform'
import { isoSeconds } from '../../shared/time'
import type { UpgradeStatus } from '../../shared/upgrade'
import type { SourcesService } from './sources-service'

const MB = 1024 * 1024
const GB = 1024 * MB
/** Below this share of free disk, a critical issue (issue 17); below twice it, a warning. */
export const DISK_FREE_CRITICAL = 0.1
/** A collector failing longer than this is a critical issue; a shorter failure a warning. */
export const FAILING_CRITICAL_MS = 5 * 60_000
/** SQLite's WAL beyond this means checkpoints do not keep up (a long reader?): a warning; 4× it, critical. */
export const WAL_WARNING_BYTES = 256 * MB
/** Retention runs hourly: not having run for this long, while it should, is a warning. */
export const RETENTION_LATE_MS = 3 * 3_600_000
/** database.status by the size of the store: small below 1 GB, medium below 10 GB, large beyond. */
const SIZE_CLASSES: Array<[number, string]> = [
  [GB, 'small'],
  [10 * GB, 'medium']
]

export interface PlatformHealthDeps {
  version: string
  dataDir: string
  dbFile: string
  startedAt: number
  /** Whether this Vigil collects (vigil serve --no-collect and the tests' API: no). */
  collects: boolean
  url: () => string | null
  pingDatabase: () => void
  upgradeStatus: () => UpgradeStatus
  maintenance: { running: boolean; lastRetentionAt: number | null }
  /** Roll-up tables: each rolled-up metric at 1 minute and at 1 hour. */
  stagingTables: number
  /** The drop folder's watcher (src/main/imports). */
  watcher?: () => WatcherStatus
  sources: SourcesService
  /** The SQL models: failing ones (dbt_failures) and table models built (marts tables). */
  models?: { failures(): Array<{ model: string; error: string | null }>; martsTables(): number }
  now?: () => number
}

/** /api/status, /api/health/platform and the configuration answers, from real figures. */
export class PlatformHealthService {
  private readonly now: () => number

  constructor(private readonly deps: PlatformHealthDeps) {
    this.now = deps.now ?? Date.now
  }

  status(): PlatformStatus {
    const database = this.databaseOk() ? 'healthy' : 'error'
    const views = this.deps.sources.views()
    const failing = views.filter((view) => view.failing)
    const kind = (prefix: string) => views.filter((view) => view.key.startsWith(prefix) && view.enabled)
    const collectorState = (prefix: string): string => {
      const mine = kind(prefix)
      if (!this.deps.collects) return 'stopped'
      if (mine.length === 0) return 'idle'
      return mine.some((view) => view.failing) ? 'degraded' : 'running'
    }
    const upgrade = this.deps.upgradeStatus()
    return {
      status: database === 'error' ? 'unhealthy' : failing.length > 0 || upgrade.state === 'failed' ? 'degraded' : 'healthy',
      dango_version: this.deps.version,
      services: {
        api: 'running',
        database,
        collectors: collectorState('server:'),
        postgres_collectors: collectorState('postgres:'),
        table_monitor: collectorState('table:'),
        maintenance: this.deps.maintenance.running ? 'running' : upgrade.state === 'converting' || upgrade.state === 'pending' ? 'waiting_for_upgrade' : 'stopped',
        upgrade: upgrade.state
      },
      uptime: duration(this.now() - this.deps.startedAt)
    }
  }

  health(): PlatformHealth {
    const now = this.now()
    const critical: string[] = []
    const warnings: string[] = []
    const dbBytes = fileSize(this.deps.dbFile)
    const walBytes = fileSize(`${this.deps.dbFile}-wal`)
    const sources = this.deps.sources.list()
    const views = new Map(this.deps.sources.views().map((view) => [view.name, view]))
    const rawTables = new Set<string>()
    for (const source of sources) for (const table of source.tables) if (table.row_count > 0) rawTables.add(`${table.schema}.${table.name}`)

    const disk = diskOf(this.deps.dataDir)
    if (disk) {
      const share = disk.total > 0 ? disk.free / disk.total : 1
      const text = `Disk of the data directory ${Math.round(share * 100)} % free (${round1(disk.free / GB)} of ${round1(disk.total / GB)} GB)`
      if (share < DISK_FREE_CRITICAL) critical.push(text)
      else if (share < 2 * DISK_FREE_CRITICAL) warnings.push(text)
    } else warnings.push('The free space of the data directory’s disk could not be read')

    const failures = sources.filter((source) => source.status === 'failed')
    for (const source of failures) {
      const view = views.get(source.name)
      if (view?.state === 'host_key_mismatch') critical.push(`${source.name}: the SSH host key changed; collection stopped until the presented key is accepted`)
      const since = source.failing_since === null ? null : Date.parse(source.failing_since)
      const forMs = since === null ? null : now - since
      const text = `${source.name} failing${forMs === null ? '' : ` for ${duration(forMs)}`}: ${source.last_error ?? 'unknown error'}`
      if (view?.state === 'host_key_mismatch') continue
      if (forMs !== null && forMs > FAILING_CRITICAL_MS) critical.push(text)
      else warnings.push(text)
    }
    for (const source of sources) {
      if (source.status !== 'failed' && source.last_error) warnings.push(`${source.name}: ${source.last_error}`)
    }

    if (walBytes > 4 * WAL_WARNING_BYTES) critical.push(`The SQLite WAL is ${Math.round(walBytes / MB)} MB: checkpoints are not keeping up`)
    else if (walBytes > WAL_WARNING_BYTES) warnings.push(`The SQLite WAL is ${Math.round(walBytes / MB)} MB: checkpoints are not keeping up`)

    const upgrade = this.deps.upgradeStatus()
    const { running, lastRetentionAt } = this.deps.maintenance
    if (upgrade.state === 'failed') warnings.push(`The data directory's upgrade failed (${upgrade.error ?? ''}): roll-ups and retention are off, the store grows`)
    else if (running && lastRetentionAt !== null && now - lastRetentionAt > RETENTION_LATE_MS) {
      warnings.push(`Retention last ran ${duration(now - lastRetentionAt)} ago (every hour expected): the store keeps more than its retention`)
    }
    const modelFailures = this.deps.models?.failures() ?? []
    for (const failure of modelFailures) warnings.push(`Model ${failure.model} failed: ${failure.error ?? 'unknown error'}`)
    const marts = this.deps.models?.martsTables() ?? 0
    let databaseOk = true
    if (!this.databaseOk()) {
      databaseOk = false
      critical.push('The database does not answer')
    }

    return {
      status: !databaseOk || critical.length > 0 ? 'unhealthy' : warnings.length > 0 ? 'degraded' : 'healthy',
      timestamp: isoSeconds(now),
      database: {
        size_mb: round1((dbBytes + walBytes) / MB),
        tables: rawTables.size + this.deps.stagingTables + marts,
        status: SIZE_CLASSES.find(([limit]) => dbBytes + walBytes < limit)?.[1] ?? 'large',
        raw_tables: rawTables.size,
        staging_tables: this.deps.stagingTables,
        marts_tables: marts,
        wal_mb: round1(walBytes / MB)
      },
      disk: disk
        ? { status: disk.free / disk.total < DISK_FREE_CRITICAL ? 'critical' : disk.free / disk.total < 2 * DISK_FREE_CRITICAL ? 'low' : 'ok', free_gb: round1(disk.free / GB), total_gb: round1(disk.total / GB) }
        : { status: 'unknown', free_gb: 0, total_gb: 0 },
      sync_failures: failures.map((source) => ({
        source: source.name,
        type: source.type,
        error: source.last_error,
        failing_since: source.failing_since,
        last_sync: source.last_sync
      })),
      dbt_failures: modelFailures,
      total_sources: sources.length,
      enabled_sources: sources.filter((source) => source.enabled).length,
      critical_issues: critical,
      warnings
    }
  }

  /** No drop folder is watched yet (imports come later): the answer says so. */
  watcher(): WatcherStatus {
    if (this.deps.watcher) return this.deps.watcher()
    return { running: false, pid: null, auto_sync_enabled: false, auto_dbt_enabled: false, debounce_seconds: 0, watch_patterns: [], watch_directories: [] }
  }

  config(): PlatformConfig {
    const url = this.deps.url()
    const port = url === null ? null : Number(new URL(url).port) || null
    return {
      web_port: port,
      web_url: url,
      // Vigil's own charts stand where Metabase's dashboards stand; no model docs yet.
      metabase_url: url === null ? null : `${url}/#/overview`,
      dbt_docs_url: null,
      api_url: url === null ? null : `${url}/api`,
      project_name: `Vigil on ${hostname()}`,
      organization: ''
    }
  }

  /** Vigil has no Metabase: its charts are built in, and its series answer PromQL under /prometheus. */
  metabaseConfig(): MetabaseConfig {
    return { database_id: null, configured: false }
  }

  private databaseOk(): boolean {
    try {
      this.deps.pingDatabase()
      return true
    } catch {
      return false
    }
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

function diskOf(dir: string): { free: number; total: number } | null {
  try {
    const stats = statfsSync(dir)
    return { free: stats.bavail * stats.bsize, total: stats.blocks * stats.bsize }
  } catch {
    return null
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}

/** "3d 4h 5m", "4h 5m 6s", "5m 6s", "6s". */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const days = Math.floor(total / 86_400)
  const hours = Math.floor(total / 3600) % 24
  const minutes = Math.floor(total / 60) % 60
  const seconds = total % 60
  if (days > 0) return `${days}d ${hours}h ${minutes}m`
  if (hours > 0) return `${hours}h ${minutes}m ${seconds}s`
  if (minutes > 0) return `${minutes}m ${seconds}s`
  return `${seconds}s`
}
