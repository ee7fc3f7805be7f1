// Metrics: collection over SSH and local exec, the parsers, storage, roll-ups and retention.
// Public surface of the feature.
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { ServerHostKeys, ServersService } from '../servers'
import { createCollector } from './collection/collector-factory'
import { CollectorManager } from './collection/collector-manager'
import { createMetricSeriesRepo } from './metric-series-repo'
import { MetricSeriesService } from './metric-series-service'
import { MetricsMaintenance, type RetentionPolicy } from './metrics-maintenance'
import { createMetricsRepo } from './metrics-repo'
import { MetricsService } from './metrics-service'
import { MetricsWriter } from './metrics-writer'

export { CollectorManager } from './collection/collector-manager'
export { MetricSeriesService } from './metric-series-service'
export { DEFAULT_RETENTION, MetricsMaintenance, type RetentionPolicy } from './metrics-maintenance'
export { MetricsService, NoRecentData, sampleValues, type HistoricalQuery, type RealtimeQuery } from './metrics-service'
export { MetricsWriter } from './metrics-writer'
export { MAX_TOP_PROCESSES } from './parsers'
export { METRICS_IN_SERIES_STORE, MetricsUpgrade, type UpgradeSettings } from './metrics-upgrade'

export interface MetricsFeature {
  /** The seed API's realtime and historical reads. */
  metrics: MetricsService
  /** The charts' series, overview and process views. */
  series: MetricSeriesService
  /** Where collectors hand their samples. */
  writer: MetricsWriter
  /** Roll-ups and retention (runs each minute; run() does it now). */
  maintenance: MetricsMaintenance
  /** One collector per monitored server. */
  collectors: CollectorManager
}

export interface MetricsDeps {
  db: Db
  bus: EventBus
  servers: ServersService
  hostKeys: ServerHostKeys
  retention: RetentionPolicy
  /** Processes kept from each ps snapshot, the busiest first. */
  topProcesses: number
}

export function createMetricsFeature({ db, bus, servers, hostKeys, retention, topProcesses }: MetricsDeps): MetricsFeature {
  const repo = createMetricsRepo(db)
  const writer = new MetricsWriter(repo, bus, undefined, (error) => console.error('[vigil] dropped a batch of samples:', error))
  return {
    metrics: new MetricsService(repo, servers),
    series: new MetricSeriesService(createMetricSeriesRepo(db), repo, servers),
    writer,
    maintenance: new MetricsMaintenance(repo, retention, Date.now, (error) =>
      console.error('[vigil] metrics roll-up or retention failed:', error)
    ),
    collectors: new CollectorManager(servers, bus, (row) => createCollector(row, { servers, writer, hostKeys, topProcesses }))
  }
}
