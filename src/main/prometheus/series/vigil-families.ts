// Every series Vigil collects, as Prometheus series. The names and labels are documented in the
// README's "Prometheus API" section, generated from this file (scripts/prometheus-series-markdown.ts).
//
//   vigil_vmstat_<field>{server, server_id, os}
//   vigil_iostat_<field>{server, server_id, os, device}
//   vigil_netstat_<field>{server, server_id, os, interface}
//   vigil_process_<field>{server, server_id, os, pid, command, user}
//   vigil_pg_<column>{instance, instance_id}                 the PostgreSQL dashboard history
//   vigil_pg_info{instance, instance_id, pg_version, …} 1    its texts
//
// `server` is the server's hostname — unique in the register, where an alias may be empty or
// repeat — and `os` its OS type; both are looked up in the register when read, so renaming a
// server relabels its history. Fields keep the catalogue's names and units (no `_total` or unit
// suffixes are invented); `# TYPE` says which are counters.
import { METRICS_CATALOGUE } from '../../../shared/metrics-catalogue'
import { METRICS, NUMERIC_FIELDS, type MetricName } from '../../../shared/metrics'
import { DASHBOARD_COLUMNS, DASHBOARD_INFO_METRIC, DASHBOARD_METRIC, INSTANCE_LABEL } from '../../postgres'
import { GROUP_LABELS } from '../../metrics'
import { VIGIL_PREFIX } from './external-series'
import type { FamilyMetric, MetricType, SeriesFamily } from './family'
import { PG_DASHBOARD_DOCS, PG_INFO_DOC } from './pg-dashboard-metrics'

/** Fields that count up since a start (boot, a reset), rather than telling a level or a rate. */
const COUNTER_FIELDS: Partial<Record<MetricName, readonly string[]>> = {
  netstat: ['ipkts', 'ierrs', 'opkts', 'oerrs']
}

/** Store label → Prometheus label: node_exporter calls a disk `device`. */
const RENAMED_LABELS: Readonly<Record<string, string>> = { disk: 'device' }

const SERVER_LABEL_DOCS = {
  server: 'the hostname, from the servers register',
  server_id: 'the server’s id',
  os: '`linux` or `aix`, from the register'
}

const EXTRA_LABEL_DOCS: Readonly<Record<string, string>> = {
  device: 'the disk, iostat’s Device',
  interface: 'the network interface',
  pid: 'the process id',
  command: 'the command line, as ps prints it',
  user: 'the process owner'
}

function metricFamily(metric: MetricName): SeriesFamily {
  const catalogue = METRICS_CATALOGUE.find((entry) => entry.metric === metric)
  const metrics: FamilyMetric[] = NUMERIC_FIELDS[metric].map((column) => {
    const field = catalogue?.fields.find((entry) => entry.field === column)
    const type: MetricType = COUNTER_FIELDS[metric]?.includes(column) ? 'counter' : 'gauge'
    return { name: `${VIGIL_PREFIX}${metric}_${column}`, column, type, help: field?.description ?? '', unit: field?.unit ?? '' }
  })
  const storeLabels = Object.fromEntries(GROUP_LABELS[metric].map((label) => [label, RENAMED_LABELS[label] ?? label]))
  const extra = Object.values(storeLabels).filter((label) => label !== 'server_id')
  return {
    name: metric,
    storeMetric: metric,
    metrics,
    storeLabels,
    registry: 'server',
    labelDocs: { ...SERVER_LABEL_DOCS, ...Object.fromEntries(extra.map((label) => [label, EXTRA_LABEL_DOCS[label] ?? label])) }
  }
}

const PG_LABEL_DOCS = {
  instance: 'the instance’s name, from the PostgreSQL register',
  instance_id: 'the instance’s id'
}

const pgDashboard: SeriesFamily = {
  name: 'pg_dashboard',
  storeMetric: DASHBOARD_METRIC,
  metrics: DASHBOARD_COLUMNS.map((column) => ({ name: `${VIGIL_PREFIX}pg_${column}`, column, ...PG_DASHBOARD_DOCS[column] })),
  storeLabels: { [INSTANCE_LABEL]: INSTANCE_LABEL },
  registry: 'pg-instance',
  labelDocs: PG_LABEL_DOCS
}

const pgInfo: SeriesFamily = {
  name: 'pg_dashboard_info',
  storeMetric: DASHBOARD_INFO_METRIC,
  metrics: [{ name: `${VIGIL_PREFIX}pg_info`, column: 'info', ...PG_INFO_DOC }],
  storeLabels: null,
  registry: 'pg-instance',
  labelDocs: { ...PG_LABEL_DOCS, 'pg_version, pg_port, pg_data, hostname, os_version': 'the texts of the dashboard' }
}

export const VIGIL_FAMILIES: readonly SeriesFamily[] = [...METRICS.map(metricFamily), pgDashboard, pgInfo]
