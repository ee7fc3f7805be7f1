// Vigil's own figures for `GET /metrics` (prom-client): the process (prom-client's default
// metrics: CPU, memory, event loop, GC — their usual names, so Node.js dashboards work), and what
// Vigil does — the API's requests, its collectors and sources, the series store, scraping and
// remote write. Gauges are read when /metrics is asked for (collect()), counters are counted as
// things happen. Vigil can scrape itself (a target on its own port) or be scraped.
//
// Vigil's own names start `vigil_self_` (SELF_PREFIX): `vigil_` alone is the namespace of the
// series Vigil collects (vigil_vmstat_*, vigil_process_*, …), which scrapes and imports leave
// alone; `vigil_self_` is not one of them, so Vigil can scrape itself.
import { statSync } from 'node:fs'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { RemoteWriteStatus } from '../shared/remote-write'
import type { EventBus } from './base/bus'
import type { SeriesStore } from './base/series/series-store'
import { SELF_PREFIX, type RemoteWriter } from './prometheus'
import type { ServersService } from './servers'
import type { SourcesService } from './sources'

export interface SelfMetricsDeps {
  bus: EventBus
  servers: ServersService
  sources: SourcesService
  series: SeriesStore
  remoteWrite: RemoteWriter
  /** vigil.db; its -wal beside it is counted too. */
  dbFile: string
}

export interface SelfMetrics {
  /** The exposition (Prometheus text format 0.0.4) and its Content-Type. */
  expose(): Promise<{ contentType: string; body: string }>
  /** One API request answered: its route pattern (not the URL: bounded label values), method and status. */
  observeRequest(route: string, method: string, status: number, seconds: number): void
  close(): void
}

const PREFIX = SELF_PREFIX

export function createSelfMetrics(deps: SelfMetricsDeps): SelfMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const requests = new Counter({ name: `${PREFIX}http_requests_total`, help: 'API requests answered, by route pattern, method and status code.', labelNames: ['route', 'method', 'code'], registers })
  const latency = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'Time to answer an API request, by route pattern.',
    labelNames: ['route'],
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10],
    registers
  })
  const samples = new Counter({ name: `${PREFIX}collected_rows_total`, help: 'Metric rows collected from servers (vmstat, iostat, netstat, process), by metric.', labelNames: ['metric'], registers })
  const pgCollections = new Counter({ name: `${PREFIX}postgres_collections_total`, help: 'PostgreSQL dashboard collections, by outcome (ok, failed).', labelNames: ['outcome'], registers })
  const detach = [
    deps.bus.subscribe('metrics.samples', (event) => samples.inc({ metric: event.metric }, event.samples.length)),
    deps.bus.subscribe('postgres.collected', (event) => pgCollections.inc({ outcome: event.ok ? 'ok' : 'failed' }))
  ]

  new Gauge({
    name: `${PREFIX}servers`,
    help: 'Registered servers by collection state (collecting, unreachable, auth_failed, …).',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset()
      for (const row of deps.servers.allRows()) this.inc({ state: row.collection_state })
    }
  })
  new Gauge({
    name: `${PREFIX}sources`,
    help: 'Collectors as the platform API lists them (servers, PostgreSQL instances, watched tables, scrape targets), by type and status.',
    labelNames: ['type', 'status'],
    registers,
    collect() {
      this.reset()
      for (const source of deps.sources.list()) this.inc({ type: source.type, status: source.status })
    }
  })
  new Gauge({
    name: `${PREFIX}series_groups`,
    help: 'Series-store groups in memory; of them, those holding a head of recent rows, and those parked (ended, their rows not written yet).',
    labelNames: ['kind'],
    registers,
    collect() {
      const stats = deps.series.stats()
      this.set({ kind: 'in_memory' }, stats.groups + stats.parked)
      this.set({ kind: 'with_head' }, stats.withHeads)
      this.set({ kind: 'parked' }, stats.parked)
    }
  })
  new Gauge({
    name: `${PREFIX}database_bytes`,
    help: 'Size of the SQLite database file and its write-ahead log.',
    labelNames: ['file'],
    registers,
    collect() {
      this.set({ file: 'db' }, fileSize(deps.dbFile))
      this.set({ file: 'wal' }, fileSize(`${deps.dbFile}-wal`))
    }
  })

  // One status per exposition, read by the five remote-write series (status() looks over the
  // store's groups for the backlog: once a scrape, not once a series).
  let remoteStatus: RemoteWriteStatus | null = null
  const remote = (): RemoteWriteStatus => (remoteStatus ??= deps.remoteWrite.status())
  const remoteCounter = (name: string, help: string, read: () => number): void => {
    new Counter({
      name: `${PREFIX}remote_write_${name}`,
      help,
      registers,
      collect() {
        this.reset()
        this.inc(read())
      }
    })
  }
  remoteCounter('samples_sent_total', 'Samples the remote-write receiver took (since Vigil started).', () => remote().samplesSent)
  remoteCounter('samples_refused_total', 'Samples the receiver refused for good (400) and that were passed over.', () => remote().samplesRefused)
  remoteCounter('failed_requests_total', 'Remote-write requests that failed (and were tried again, or split after a 400).', () => remote().failedRequests)
  new Gauge({
    name: `${PREFIX}remote_write_backlog_rows`,
    help: 'Rows stored and not sent yet to the remote-write receiver (they wait in the store).',
    registers,
    collect() {
      this.set(remote().backlogRows)
    }
  })
  new Gauge({
    name: `${PREFIX}remote_write_in_flight_bytes`,
    help: 'Bytes of the remote-write request body in memory now.',
    registers,
    collect() {
      this.set(remote().inFlightBytes)
    }
  })

  return {
    async expose() {
      remoteStatus = null
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, code: String(status) })
      latency.observe({ route }, seconds)
    },
    close() {
      for (const off of detach) off()
      registry.clear()
    }
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}
