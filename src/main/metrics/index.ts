// Metrics: collection over SSH and local exec, the parsers, storage in the series store,
// roll-ups and retention. Public surface of the feature.
import type { FailureReporter } from '../base/background'
import type { EventBus } from '../base/bus'
import type { SeriesStore } from '../base/series/series-store'
import type { ServerHostKeys, ServersService } from '../servers'
import { createCollector } from './collection/collector-factory'
import { CollectorManager } from './collection/collector-manager'
import { createMetricSeriesRepo } from './metric-series-repo'
import { MetricSeriesService } from './metric-series-service'
import { MetricRows } from './metric-rows'
import { MetricsMaintenance, type RetentionPolicy } from './metrics-maintenance'
import { MetricsService } from './metrics-service'
import { MetricsStore } from './metrics-store'
import { MetricsWriter } from './metrics-writer'

export { CollectorManager } from './collection/collector-manager'
export { ROLLED_UP } from './samples'
export type { OnceResult } from './collection/collect-once'
export { MetricSeriesService } from './metric-series-service'
export { DEFAULT_RETENTION, MetricsMaintenance, type RetentionPolicy } from './metrics-maintenance'
export { MetricsService, NoRecentData, sampleValues, type HistoricalQuery, type RealtimeQuery } from './metrics-service'
export { MetricsWriter } from './metrics-writer'
export { MAX_TOP_PROCESSES } from './parsers'
// How the metrics are kept in the series store, for the Prometheus series model.
export { GROUP_LABELS, sampleGroupKey, sampleRow } from './series-mapping'
export type { SampleValues } from './samples'
export { MetricsUpgrade, type UpgradeSettings } from './metrics-upgrade'

export interface MetricsFeature {
  /** The seed API's realtime and historical reads. */
  metrics: MetricsService
  /** The charts' series, overview and process views. */
  series: MetricSeriesService
  /** Where collectors hand their samples. */
  writer: MetricsWriter
  /** Roll-ups each minute, retention each hour; run() does both now. */
  maintenance: MetricsMaintenance
  /** One collector per monitored server. */
  collectors: CollectorManager
  /** Stops following the servers registry. */
  detach(): void
}

export interface MetricsDeps {
  series: SeriesStore
  bus: EventBus
  servers: ServersService
  hostKeys: ServerHostKeys
  retention: RetentionPolicy
  /** Processes kept from each ps snapshot, the busiest first. */
  topProcesses: number
  /** Where the failures of background work (storing samples, roll-ups, retention) go. */
  failures: FailureReporter
}

export function createMetricsFeature({ series, bus, servers, hostKeys, retention, topProcesses, failures }: MetricsDeps): MetricsFeature {
  const store = new MetricsStore(series)
  const rows = new MetricRows(store, servers)
  const writer = new MetricsWriter(store, servers, bus, undefined, failures('storing collected samples'))
  // A deleted server's series go with it.
  const detach = bus.subscribe('servers.changed', ({ ids }) => {
    for (const id of ids) if (!servers.exists(id)) store.deleteServer(id)
  })
  return {
    metrics: new MetricsService(rows, servers),
    series: new MetricSeriesService(createMetricSeriesRepo(store), rows, servers),
    writer,
    maintenance: new MetricsMaintenance(store, retention, Date.now, failures('metrics roll-ups and retention')),
    collectors: new CollectorManager(servers, bus, (row) => createCollector(row, { servers, writer, hostKeys, topProcesses })),
    detach
  }
}
