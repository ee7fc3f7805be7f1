import type { RateRule } from './base/security/rate-limiter'
import type { RemoteWriteInput } from '../shared/remote-write'
import type { RemoteWriterOptions } from './prometheus'
import type { MonitorSettings } from './table-monitoring'
import type { WebhooksOptions } from './webhooks'
import { DEFAULT_RETENTION, type RetentionPolicy, type UpgradeSettings } from './metrics'
import { DEFAULT_HOST, DEFAULT_PORT, defaultDataDir } from './base/locations'

export { DEFAULT_HOST, DEFAULT_PORT, defaultDataDir, SERVE_FILE } from './base/locations'

export interface VigilConfig {
  /** Where the SQLite file, the API token and the secrets key live. */
  dataDir: string
  /** Address the API binds to. 127.0.0.1 unless a team deliberately shares it from a jump host. */
  host: string
  /** 0 picks a free port (tests). */
  port: number
  /** Extra names the `Host` header may carry (e.g. the jump host's DNS name). */
  allowedHosts: string[]
  /** Built renderer to serve to browsers; null serves the API only. */
  rendererDir: string | null
  /** Vendored browser assets (the ReDoc bundle). */
  vendorDir: string | null
  version: string
  /** Fastify request logging. */
  logRequests: boolean
  /** How long samples and roll-ups are kept. */
  retention: RetentionPolicy
  /** Run the collectors (off in API tests that only need the registry). */
  collect: boolean
  /** On first start, register the host Vigil runs on as a built-in server collected by local exec. */
  monitorLocalhost: boolean
  /** Processes kept from each ps snapshot, the busiest first. */
  topProcesses: number
  /** Table snapshots: history kept per table (historyLimit, 100), time limits, fingerprint cadence. */
  snapshotMonitor?: Partial<MonitorSettings>
  /** WebSocket ping interval and slow-client limits (defaults in api/live-sockets.ts; tests shorten them). */
  webSockets?: { pingIntervalMs?: number; behindLimitMs?: number; skipBytes?: number; dropBytes?: number }
  /** The pace of a data dir's upgrade at start ($VIGIL_UPGRADE_ROWS_PER_TRANSACTION, $VIGIL_UPGRADE_PAUSE_MS). */
  upgrade: UpgradeSettings
  /** Serve HTTPS with this certificate and key (`vigil serve --tls…`); null: plain HTTP, as the desktop app always does. */
  tls: { cert: string; key: string } | null
  /** /api/v1's rate limits ($VIGIL_RATE_LIMIT_GENERAL, $VIGIL_RATE_LIMIT_AUTH as MAX/SECONDS). */
  rateLimits: ApiRateLimits
  /** The clock of users, tokens and rate limits (tests move it instead of sleeping). */
  clock?: () => number
  /** A remote-write receiver set at start (`vigil serve --remote-write URL`): saved, as the Settings page saves it. */
  remoteWrite?: RemoteWriteInput
  /** Remote write's pace (batch size, backoff; tests and benchmarks shorten them). */
  remoteWriteOptions?: RemoteWriterOptions
  /** How long the import drop folder must be quiet before its new files are imported (default 2 s). */
  dropDebounceMs?: number
  /** The largest file an import source takes by upload (default 2 GiB). */
  importMaxUploadBytes?: number
  /** Webhooks' retry waits, timeout, queue size and disabling (tests shorten the waits). */
  webhooks?: WebhooksOptions
}

/** webops-api.md, "Rate Limits". */
export interface ApiRateLimits {
  /** Per /api/v1 token: 100 requests an hour. */
  general: RateRule
  /** Per client address, every POST /api/v1/auth/token/: 5 attempts in 15 minutes. */
  auth: RateRule
}

export const DEFAULT_RATE_LIMITS: ApiRateLimits = { general: { max: 100, windowSeconds: 3600 }, auth: { max: 5, windowSeconds: 15 * 60 } }

export function resolveConfig(overrides: Partial<VigilConfig> = {}): VigilConfig {
  return {
    dataDir: overrides.dataDir ?? defaultDataDir(),
    host: overrides.host ?? DEFAULT_HOST,
    port: overrides.port ?? DEFAULT_PORT,
    allowedHosts: overrides.allowedHosts ?? [],
    rendererDir: overrides.rendererDir ?? null,
    vendorDir: overrides.vendorDir ?? null,
    version: overrides.version ?? '0.0.0',
    logRequests: overrides.logRequests ?? false,
    retention: overrides.retention ?? DEFAULT_RETENTION,
    collect: overrides.collect ?? true,
    monitorLocalhost: overrides.monitorLocalhost ?? true,
    topProcesses: overrides.topProcesses ?? 20,
    snapshotMonitor: overrides.snapshotMonitor,
    webSockets: overrides.webSockets,
    upgrade: overrides.upgrade ?? upgradeSettingsFromEnv(),
    tls: overrides.tls ?? null,
    rateLimits: overrides.rateLimits ?? rateLimitsFromEnv(),
    clock: overrides.clock,
    remoteWrite: overrides.remoteWrite,
    remoteWriteOptions: overrides.remoteWriteOptions,
    dropDebounceMs: overrides.dropDebounceMs,
    importMaxUploadBytes: overrides.importMaxUploadBytes,
    webhooks: overrides.webhooks
  }
}

/** $VIGIL_RATE_LIMIT_GENERAL and $VIGIL_RATE_LIMIT_AUTH, each `MAX/SECONDS` (e.g. 1000/3600); the spec's otherwise. */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ApiRateLimits {
  const read = (name: string, fallback: RateRule): RateRule => {
    const text = env[name]
    if (text === undefined || text === '') return fallback
    const match = /^(\d{1,9})\/(\d{1,9})$/.exec(text.trim())
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new Error(`${name} must be MAX/SECONDS, e.g. 100/3600, not '${text}'`)
    return { max: Number(match[1]), windowSeconds: Number(match[2]) }
  }
  return { general: read('VIGIL_RATE_LIMIT_GENERAL', DEFAULT_RATE_LIMITS.general), auth: read('VIGIL_RATE_LIMIT_AUTH', DEFAULT_RATE_LIMITS.auth) }
}

/**
 * The upgrade's pace from the environment (README, "Upgrading"): smaller transactions or a pause
 * after each leave more of a slow disk to other work; the upgrade then takes longer.
 */
export function upgradeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): UpgradeSettings {
  const read = (name: string, min: number, max: number): number | undefined => {
    const text = env[name]
    if (text === undefined || text === '') return undefined
    const value = Number(text)
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not '${text}'`)
    return value
  }
  return { rowsPerTransaction: read('VIGIL_UPGRADE_ROWS_PER_TRANSACTION', 1, 1_000_000), pauseMs: read('VIGIL_UPGRADE_PAUSE_MS', 0, 60_000) }
}
