// What each column of the PostgreSQL dashboard history means, for its Prometheus metadata. Keyed
// by the store's columns, so a column added to the dashboard fails the type check until it is
// documented here.
import type { DASHBOARD_COLUMNS } from '../../postgres'
import type { MetricDoc } from './family'

type DashboardColumn = (typeof DASHBOARD_COLUMNS)[number]

const gauge = (help: string, unit: string): MetricDoc => ({ type: 'gauge', help, unit })
const counter = (help: string, unit: string): MetricDoc => ({ type: 'counter', help, unit })

export const PG_DASHBOARD_DOCS: Record<DashboardColumn, MetricDoc> = {
  buffers_alloc: counter('Shared buffers allocated since the statistics were reset (pg_stat_bgwriter.buffers_alloc).', 'buffers'),
  buffers_timestamp_seconds: gauge('When buffers_alloc was read (Vigil’s clock, unix time).', 'seconds'),
  hitratio_percent: gauge('Buffer cache hit ratio over every database (blks_hit of blks_hit + blks_read), truncated.', '%'),
  active_backends: gauge('Sessions not idle (running a query or holding a transaction open).', 'count'),
  active_backends_timestamp_seconds: gauge('When active_backends was read (Vigil’s clock, unix time).', 'seconds'),
  max_connections: gauge('The max_connections setting.', 'count'),
  databases: gauge('Databases of the instance, templates left out.', 'count'),
  databases_size_bytes: gauge('Size of those databases together, as pg_size_pretty rounded it.', 'bytes'),
  xact_commit_total: counter('Transactions committed in those databases (pg_stat_database.xact_commit).', 'transactions'),
  xact_rollback_total: counter('Transactions rolled back in those databases (pg_stat_database.xact_rollback).', 'transactions'),
  databases_timestamp_seconds: gauge('When the database figures were read (Vigil’s clock, unix time).', 'seconds'),
  server_clock_minutes: gauge('The PostgreSQL server’s clock, in minutes since its midnight.', 'minutes'),
  uptime_seconds: gauge('Time since the PostgreSQL server started.', 'seconds'),
  host_cpus: gauge('CPUs of the instance’s host (through its linked server).', 'count'),
  host_cpu_user_percent: gauge('Share of the host’s CPU time in user mode.', '%'),
  host_cpu_system_percent: gauge('Share of the host’s CPU time in the kernel.', '%'),
  host_cpu_idle_percent: gauge('Share of the host’s CPU time idle.', '%'),
  host_cpu_iowait_percent: gauge('Share of the host’s CPU time idle with disk I/O outstanding.', '%'),
  host_cpu_steal_percent: gauge('Share of the host’s CPU time taken by the hypervisor.', '%'),
  host_load1: gauge('The host’s load average over one minute.', 'count'),
  host_memory_total_bytes: gauge('The host’s memory.', 'bytes'),
  host_memory_active_percent: gauge('Share of the host’s memory active.', '%'),
  host_memory_cached_percent: gauge('Share of the host’s memory used as cache.', '%'),
  host_memory_free_percent: gauge('Share of the host’s memory free.', '%')
}

export const PG_INFO_DOC: MetricDoc = {
  type: 'info',
  help: 'Always 1: the instance’s texts as labels (pg_version, pg_port, pg_data, hostname, os_version; a figure whose text is not a number, such as pg_uptime, too).',
  unit: ''
}
