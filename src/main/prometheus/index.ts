// Prometheus: everything the series store keeps as Prometheus series (series/), the import of
// the text formats (exposition/), what the /prometheus/api/v1 endpoints answer (api/), PromQL
// (promql/, its engine in promql/engine/) and where the query endpoints meet the engine
// (query-engine.ts). Public surface of the feature.
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { SecretBox } from '../base/security/secrets'
import type { SeriesStore } from '../base/series/series-store'
import type { PostgresInstancesService } from '../postgres'
import type { PrometheusAnswer, PrometheusRequest } from '../../shared/prometheus'
import type { ServersService } from '../servers'
import type { SnapshotCountSeries } from '../table-monitoring'
import { AdminEndpoints } from './api/admin-endpoints'
import { QueryEndpoints } from './api/query-endpoints'
import { prometheusRead } from './api/reads'
import { SeriesEndpoints } from './api/series-endpoints'
import { StatusEndpoints, vigilBuildInfo } from './api/status-endpoints'
import { importExposition, type ImportResult } from './exposition/importer'
import type { ExpositionFormat } from './exposition/text-parser'
import { createQueryEngine } from './query-engine'
import { createJobsRepo } from './scrape/jobs-repo'
import { scrapeHealthReporter } from './scrape/scrape-health'
import { ScrapeManager } from './scrape/scrape-manager'
import { WorkspacesService } from './scrape/workspaces-service'
import { createRemoteWriteRepo } from './remote-write/remote-write-repo'
import { RemoteWriter, type RemoteWriterOptions } from './remote-write/remote-writer'
import type { SeriesRegistry } from './series/registry'
import { SeriesModel } from './series/series-model'

export { ERROR_STATUS, PromApiError, type ApiErrorType } from './api/errors'
export { ApiParamError } from './api/params'
export { goJson, successBody } from './api/json'
export { parseForm, requestParams, type RequestParams } from './api/request-params'
export { IMPORT_TIME_RANGE, parseImport, type ImportResult } from './exposition/importer'
export { ExpositionError, parseExposition, type ExpositionFormat, type ParsedSeries } from './exposition/text-parser'
export { writePrometheusText } from './exposition/text-writer'
export type { SeriesModel } from './series/series-model'
export { externalGroupKey, externalOriginMatchers, SELF_PREFIX, VIGIL_PREFIX } from './series/external-series'
export { labelSet } from './series/label-sets'
export { PROJECT_ID, RESULT_CODES, WorkspaceError, type ResultName } from './scrape/result-codes'
export { SCRAPE_RESULT, type ScrapeResultCode } from './scrape/http-scrape'
export { ScrapeManager, type ScrapeTimers } from './scrape/scrape-manager'
export type { ScrapeReport } from './scrape/target-scrape'
export { RemoteWriteInputError, RemoteWriter, remoteWriteCall, receiverUrl, type RemoteWriterOptions } from './remote-write/remote-writer'
export { encodeWriteRequest, decodeWriteRequest, REMOTE_WRITE_HEADERS, type RemoteSeries } from './remote-write/write-request'
export { WorkspacesService, type CollectionServer, type CollectionTarget, type Workspace } from './scrape/workspaces-service'

export interface PrometheusFeature {
  /** Every stored series as a Prometheus series: what the engine reads. */
  model: SeriesModel
  series: SeriesEndpoints
  status: StatusEndpoints
  query: QueryEndpoints
  /** Deletion of imported series. */
  admin: AdminEndpoints
  /** One read of the API (query, series, labels, …) as the HTTP face answers it: the UI's channel. */
  read(request: PrometheusRequest): Promise<PrometheusAnswer>
  /** Writes a whole body of Prometheus text (or OpenMetrics) into the store; throws ExpositionError, writing nothing. */
  importText(body: Buffer | string, format: ExpositionFormat): ImportResult
  /** OpenMetrics workspaces (jobs) and their collection targets, as the sysmon API shows them. */
  workspaces: WorkspacesService
  /** Scrapes the collection targets (started by the app when it collects). */
  scraper: ScrapeManager
  /** Pushes every stored series to a remote-write receiver, when one is set. */
  remoteWrite: RemoteWriter
}

export interface PrometheusDeps {
  db: Db
  series: SeriesStore
  servers: ServersService
  postgres: PostgresInstancesService
  /** The watched tables' snapshot counts: their labels. */
  tables: Pick<SnapshotCountSeries, 'tableLabels'>
  version: string
  /** Seals the remote-write receiver's token. */
  secrets: SecretBox
  remoteWrite?: RemoteWriterOptions
  log?: (message: string, level: 'info' | 'warn') => void
  /** Where a scrape target's changes of health are published (scrape.health). */
  bus?: EventBus
}

export function createPrometheusFeature({ db, series, servers, postgres, tables, version, secrets, remoteWrite, log, bus }: PrometheusDeps): PrometheusFeature {
  const model = new SeriesModel(series, registryOf(servers, postgres, tables))
  const jobs = createJobsRepo(db)
  const workspaces = new WorkspacesService(jobs, servers, secrets)
  const onReport = bus ? scrapeHealthReporter(workspaces, (change) => bus.publish('scrape.health', change)) : undefined
  const scraper = new ScrapeManager({ repo: jobs, secrets, store: series, userAgent: `Vigil/${version}`, onReport })
  workspaces.onChange({ changed: () => scraper.sync() })
  const endpoints = {
    series: new SeriesEndpoints(model),
    status: new StatusEndpoints(model, vigilBuildInfo(version), () => scraper.metadata()),
    query: new QueryEndpoints(createQueryEngine(model))
  }
  return {
    model,
    ...endpoints,
    admin: new AdminEndpoints(model, series),
    read: (request) => prometheusRead(endpoints, request),
    importText: (body, format) => importExposition(series, body, format, Date.now()),
    workspaces,
    scraper,
    remoteWrite: new RemoteWriter({ repo: createRemoteWriteRepo(db, secrets), store: series, model, userAgent: `Vigil/${version}`, log }, remoteWrite)
  }
}

/** The labels the registers give: a server's hostname and OS type, an instance's name, a watched table's names. */
function registryOf(servers: ServersService, postgres: PostgresInstancesService, tables: PrometheusDeps['tables']): SeriesRegistry {
  return {
    snapshot: () => ({
      servers: new Map(servers.allRows().map((row) => [row.id, { hostname: row.hostname, os: row.os_type }])),
      pgInstances: new Map(postgres.list().map((instance) => [String(instance.id), instance.name])),
      tables: tables.tableLabels()
    })
  }
}
