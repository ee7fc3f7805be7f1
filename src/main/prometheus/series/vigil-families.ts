// Every series Vigil collects, as Prometheus series. The names and labels are documented in the
// README's "Prometheus API" section, generated from this file (scripts/prometheus-series-markdown.ts).
//
//   vigil_vmstat_<field>{server, server_id, os}
//   vigil_iostat_<field>{server, server_id, os, device}
//   vigil_netstat_<field>{server, server_id, os, interface}
//   vigil_process_<field>{server, server_id, os, pid, command, user}
//   vigil_pg_<column>{instance, instance_id}                 the PostgreSQL dashboard history
//   vigil_pg_info{instance, instance_id, pg_version, …} 1    its texts
//   vigil_table_<count>{server, database, engine, schema, table, table_id, database_id}
//                                                            each watched table's snapshots
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
import { DATABASE_ID_LABEL, TABLE_ID_LABEL, TABLE_SNAPSHOT_METRIC, type TABLE_SNAPSHOT_COLUMNS } from '../../table-monitoring'

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

/** Each watched table's snapshot counts, by store column (a column added fails the type check until it is named here). */
const TABLE_METRICS: Record<(typeof TABLE_SNAPSHOT_COLUMNS)[number], Omit<FamilyMetric, 'column'>> = {
  rows: { name: `${VIGIL_PREFIX}table_rows`, type: 'gauge', unit: 'rows', help: 'Rows the snapshot selected (its WHERE clause applied), at most the table’s max_rows.' },
  added: { name: `${VIGIL_PREFIX}table_rows_added`, type: 'gauge', unit: 'rows', help: 'Rows whose key was not in the snapshot before. No sample for a baseline (the first snapshot of a table or of a changed configuration).' },
  removed: { name: `${VIGIL_PREFIX}table_rows_removed`, type: 'gauge', unit: 'rows', help: 'Rows of the snapshot before whose key is gone (none for a baseline).' },
  changed: { name: `${VIGIL_PREFIX}table_rows_changed`, type: 'gauge', unit: 'rows', help: 'Rows whose key was there before with another value in a monitored column (none for a baseline).' },
  duration_seconds: { name: `${VIGIL_PREFIX}table_snapshot_duration_seconds`, type: 'gauge', unit: 'seconds', help: 'How long the snapshot took, query and transfer.' },
  truncated: { name: `${VIGIL_PREFIX}table_snapshot_truncated`, type: 'gauge', unit: '', help: '1 when the snapshot stopped at max_rows (the table holds more), else 0.' }
}

const tableSnapshots: SeriesFamily = {
  name: TABLE_SNAPSHOT_METRIC,
  storeMetric: TABLE_SNAPSHOT_METRIC,
  metrics: Object.entries(TABLE_METRICS).map(([column, metric]) => ({ ...metric, column })),
  storeLabels: { [TABLE_ID_LABEL]: TABLE_ID_LABEL, [DATABASE_ID_LABEL]: DATABASE_ID_LABEL },
  registry: 'watched-table',
  labelDocs: {
    server: 'the hostname of the database’s server, from the servers register',
    database: 'the database’s name in Vigil',
    engine: '`oracle` or `postgresql`',
    schema: 'the table’s schema',
    table: 'the table’s name',
    table_id: 'the watched table’s id',
    database_id: 'the database’s id'
  }
}

export const VIGIL_FAMILIES: readonly SeriesFamily[] = [...METRICS.map(metricFamily), pgDashboard, pgInfo, tableSnapshots]
