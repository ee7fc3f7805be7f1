import type { CollectionState } from '../../../shared/servers'
import { sshOptionsOf, type ServerHostKeys, type ServersService, type ServerRow } from '../../servers'
import type { MetricsWriter } from '../metrics-writer'
import { collectOnce } from './collect-once'
import { connectLocal, connectSsh } from './connectors'
import { HostCollector } from './host-collector'
import type { Collector } from './collector-manager'
import { detectOs, interfaceRates } from '../parsers'
import { planFor } from './plan'

export interface CollectorDeps {
  servers: ServersService
  writer: MetricsWriter
  hostKeys: ServerHostKeys
  /** Processes kept from each ps snapshot, the busiest first. */
  topProcesses: number
}

/** Builds the collector for one server row: local exec for the built-in server, SSH for the rest. */
export function createCollector(row: ServerRow, deps: CollectorDeps): Collector {
  // The closures below keep only the id: one that named `row` would keep the whole row (its
  // settings, its encrypted secrets) for as long as the server collects, ~1.5 KB a server.
  const serverId = row.id
  return new HostCollector({
    serverId,
    intervalSeconds: row.monitoring_interval,
    connect: row.collector === 'local' ? connectLocal : connectSsh(sshOptionsOf(row, deps.servers), deps.hostKeys),
    detectOs,
    planFor: (os, interval) => planFor(os, interval, deps.topProcesses),
    interfaceRates,
    record: (metric, ts, rows) => deps.writer.add({ metric, serverId, ts, rows }),
    setState: (state: CollectionState, error: string | null) => deps.servers.setCollectionState(serverId, state, error),
    collectOnce: (runner, os) => collectOnce(runner, os, deps.topProcesses)
  })
}
