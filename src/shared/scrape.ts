// OpenMetrics workspaces (Prometheus jobs) and collection targets as the sysmon API and the UI
// see them (sysmon-prometheus-api.md; src/main/prometheus/scrape). Field names are the spec's.

export interface Workspace {
  jobId: string
  projectId: string
  jobName: string
  metricsPath: string
  description: string | null
  lstModifier: string | null
  /** UTC, `2021-08-17T10:32:09`. */
  lstModYmdt: string
  /** Set on a system-reserved workspace (not modifiable, no targets); null on the user's own. */
  reservedJobCd: string | null
  // Vigil's additions.
  scrapeIntervalSec: number
  scrapeTimeoutSec: number
  honorLabels: boolean
  sampleLimit: number
  bodySizeLimitBytes: number
  /** Whether scrapes send `Authorization: Bearer` (the token itself is never shown). */
  hasBearerToken: boolean
}

/** What creating or modifying a workspace takes (jobName only on creation). */
export interface WorkspaceInput {
  jobName?: string
  metricsPath: string
  description?: string | null
  scrapeIntervalSec?: number
  scrapeTimeoutSec?: number
  honorLabels?: boolean
  sampleLimit?: number
  bodySizeLimitBytes?: number
  /** Sent to the targets as `Authorization: Bearer …`. Left out: kept; null or "": none. */
  bearerToken?: string | null
}

export interface CollectionTarget {
  targetId: string
  jobId: string
  hostId: string
  port: number
  /** null before the first scrape, 0 when the last one succeeded, else what failed (SCRAPE_RESULT_NAMES). */
  resultCd: number | null
  failReason: string | null
  /** 'UP' or 'DOWN' after a scrape, null before. */
  mntrnStatCd: string | null
  lstModifier: string | null
  lstModYmdt: string
  hostNm: string
  svrIp: string
  // Vigil's additions.
  scrapeUrl: string
  /** UTC, as lstModYmdt. */
  lastScrapeYmdt: string | null
  lastScrapeDurationSec: number | null
  lastScrapeSamples: number | null
}

export interface CollectionServer {
  hostId: string
  hostNm: string
  projectId: string
  svrIp: string
  instanceId: string
}

/** What each resultCd of a target means (README, "Scraping OpenMetrics targets"). */
export const SCRAPE_RESULT_NAMES: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'connection failed',
  2: 'timeout',
  3: 'HTTP error',
  4: 'invalid exposition',
  5: 'body size limit',
  6: 'sample limit',
  9: 'internal error'
}
