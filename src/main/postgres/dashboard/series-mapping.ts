// How a dashboard data set becomes series in the series store, and back — exactly: a data set
// rebuilt from its samples gives the same JSON as the one collected, key order included.
//
// Each data set of an instance is one sample, at the same time, of two groups:
//   pg_dashboard{instance_id="3"}                  every number, one column each (DASHBOARD_COLUMNS)
//   pg_dashboard_info{instance_id="3", pg_version="PostgreSQL 15.4 …", pg_port="5432",
//                     pg_data="/srv/pg", hostname="db1", os_version="Linux 6.1.0"}   info = 1
// The info group is Prometheus's "info metric": the texts are its labels, so a new text (an
// upgrade, another host) starts a new group and an unchanged one costs a bit a sample. A text
// that is null (pg_data for a role without pg_monitor; the host's fields when Vigil cannot read
// the host) is a label left out.
//
// Texts that are numbers in disguise are kept as numbers, so that they are series too:
//   pg_uptime ("3 days 01:50:31.5")   uptime_seconds
//   databases.time ("17:54")          server_clock_minutes (minutes since the server's midnight)
//   databases.total_size ("158 MB")   databases_size_bytes (as pg_size_pretty rounded it: 158 MiB)
// Each is kept so only when printing the number gives the text back; otherwise its column is
// null and the text is an info label (pg_uptime, databases_time, databases_total_size).
// memory.total is in kB, its column in bytes; a total too large to scale (no host has one) is an
// info label too (memory_total). An object that is null (cpu, memory) has all its columns null.
import { numberOrNull, type SampleValue } from '../../base/series/sample'
import type { GroupKey } from '../../base/series/series-store'
import { formatUptime } from './pg-facts'
import type { Dashboard } from './types'

export const DASHBOARD_METRIC = 'pg_dashboard'
export const DASHBOARD_INFO_METRIC = 'pg_dashboard_info'
/** The label that names the instance, its id in decimal. */
export const INSTANCE_LABEL = 'instance_id'

/**
 * pg_dashboard's columns, in the order of its rows. A group keeps the columns it was created
 * with: append new ones at the end, never rename or reorder.
 */
export const DASHBOARD_COLUMNS = [
  'buffers_alloc', // buffers.nb: pg_stat_bgwriter.buffers_alloc, a counter
  'buffers_timestamp_seconds', // buffers.time
  'hitratio_percent', // hitratio
  'active_backends', // active_backends.nb
  'active_backends_timestamp_seconds', // active_backends.time
  'max_connections',
  'databases', // databases.databases
  'databases_size_bytes', // databases.total_size
  'xact_commit_total', // databases.total_commit
  'xact_rollback_total', // databases.total_rollback
  'databases_timestamp_seconds', // databases.timestamp
  'server_clock_minutes', // databases.time
  'uptime_seconds', // pg_uptime
  'host_cpus', // n_cpu
  'host_cpu_user_percent',
  'host_cpu_system_percent',
  'host_cpu_idle_percent',
  'host_cpu_iowait_percent',
  'host_cpu_steal_percent',
  'host_load1', // loadaverage
  'host_memory_total_bytes', // memory.total, which is in kB
  'host_memory_active_percent',
  'host_memory_cached_percent',
  'host_memory_free_percent'
] as const

export const DASHBOARD_INFO_COLUMNS = ['info'] as const

/** The info labels that hold the data set's texts (see the top of this file). */
const TEXT_LABELS = ['pg_version', 'pg_data', 'pg_port', 'hostname', 'os_version'] as const
const UPTIME_LABEL = 'pg_uptime'
const CLOCK_LABEL = 'databases_time'
const SIZE_LABEL = 'databases_total_size'
const MEMORY_TOTAL_LABEL = 'memory_total'

export function dashboardGroupKey(instanceId: number): GroupKey {
  return { metric: DASHBOARD_METRIC, labels: { [INSTANCE_LABEL]: String(instanceId) }, columns: DASHBOARD_COLUMNS }
}

/** The info group of a data set's texts; labels are always named in the same order. */
export function dashboardInfoGroupKey(instanceId: number, labels: Readonly<Record<string, string>>): GroupKey {
  return { metric: DASHBOARD_INFO_METRIC, labels: { [INSTANCE_LABEL]: String(instanceId), ...labels }, columns: DASHBOARD_INFO_COLUMNS }
}

/** One data set as a row of pg_dashboard and the labels of its info group (instance_id aside). */
export interface DashboardSample {
  row: SampleValue[]
  info: Record<string, string>
}

export function dashboardSample(dashboard: Dashboard): DashboardSample {
  const info: Record<string, string> = {}
  for (const label of TEXT_LABELS) {
    const text = dashboard[label]
    if (text !== null) info[label] = text
  }
  const kept = (text: string, label: string, toNumber: (text: string) => number | null, toText: (value: number) => string): number | null => {
    const value = toNumber(text)
    if (value !== null && toText(value) === text) return value
    info[label] = text
    return null
  }
  const { buffers, active_backends: backends, databases, cpu, memory } = dashboard
  const row: SampleValue[] = [
    buffers.nb,
    buffers.time,
    dashboard.hitratio,
    backends.nb,
    backends.time,
    dashboard.max_connections,
    databases.databases,
    kept(databases.total_size, SIZE_LABEL, parseSizePretty, sizePretty),
    databases.total_commit,
    databases.total_rollback,
    databases.timestamp,
    kept(databases.time, CLOCK_LABEL, parseClock, clock),
    kept(dashboard.pg_uptime, UPTIME_LABEL, parseUptime, formatUptime),
    dashboard.n_cpu,
    cpu?.user ?? null,
    cpu?.system ?? null,
    cpu?.idle ?? null,
    cpu?.iowait ?? null,
    cpu?.steal ?? null,
    dashboard.loadaverage,
    memory ? totalBytes(memory.total, info) : null,
    memory?.active ?? null,
    memory?.cached ?? null,
    memory?.free ?? null
  ]
  return { row, info }
}

/** The data set a row of pg_dashboard and the labels of its info group were made from. */
export function dashboardFromSample(row: readonly SampleValue[], info: Readonly<Record<string, string>>): Dashboard {
  const at = (column: number): number | null => numberOrNull(row[column])
  // Columns that are never null in a data set: a missing value can only come from a damaged store.
  const num = (column: number): number => at(column) ?? Number.NaN
  const text = (label: string, column: number, toText: (value: number) => string): string => {
    const value = at(column)
    return info[label] ?? (value === null ? '' : toText(value))
  }
  const hostCpu = [14, 15, 16, 17, 18].map(at)
  const memory = [20, 21, 22, 23].map(at)
  const memoryTotal = info[MEMORY_TOTAL_LABEL]
  return {
    buffers: { nb: num(0), time: num(1) },
    hitratio: at(2),
    active_backends: { nb: num(3), time: num(4) },
    max_connections: num(5),
    databases: {
      databases: num(6),
      total_size: text(SIZE_LABEL, 7, sizePretty),
      time: text(CLOCK_LABEL, 11, clock),
      total_commit: num(8),
      total_rollback: num(9),
      timestamp: num(10)
    },
    pg_version: info.pg_version ?? '',
    pg_data: info.pg_data ?? null,
    pg_port: info.pg_port ?? '',
    pg_uptime: text(UPTIME_LABEL, 12, formatUptime),
    hostname: info.hostname ?? null,
    os_version: info.os_version ?? null,
    n_cpu: at(13),
    cpu: allNull(hostCpu) ? null : { user: num(14), system: num(15), idle: num(16), iowait: num(17), steal: num(18) },
    loadaverage: at(19),
    memory:
      allNull(memory) && memoryTotal === undefined
        ? null
        : { total: memoryTotal === undefined ? num(20) / 1024 : Number(memoryTotal), active: num(21), cached: num(22), free: num(23) }
  }
}

/** kB to bytes, a power of two: exact unless it overflows (then the text of the number, which is). */
function totalBytes(kB: number, info: Record<string, string>): number | null {
  const bytes = kB * 1024
  if (bytes / 1024 === kB || Number.isNaN(kB)) return bytes
  info[MEMORY_TOTAL_LABEL] = String(kB)
  return null
}

const allNull = (values: ReadonlyArray<number | null>): boolean => values.every((value) => value === null)

/** "3 days 01:50:31.5" (formatUptime's form) → seconds; null for anything else. */
export function parseUptime(text: string): number | null {
  const match = /^(?:(\d+) days? )?(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/.exec(text)
  if (!match) return null
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match
  const wholeSeconds = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)
  // In whole microseconds, so that the division is the only rounding.
  return (wholeSeconds * 1e6 + Number(fraction.padEnd(6, '0'))) / 1e6
}

/** "HH24:MI" → minutes since midnight; null for anything else. */
export function parseClock(text: string): number | null {
  const match = /^(\d\d):(\d\d)$/.exec(text)
  return match ? Number(match[1]) * 60 + Number(match[2]) : null
}

export function clock(minutes: number): string {
  const pad = (value: number): string => String(value).padStart(2, '0')
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
}

const SIZE_UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'] as const
/** pg_size_pretty moves to the next unit at 10240 of one (10239 kB, then 10 MB). */
const SIZE_UNIT_LIMIT = 10 * 1024

/** pg_size_pretty's text ("158 MB") → the bytes it stands for (158 × 1024²); null for anything else. */
export function parseSizePretty(text: string): number | null {
  const match = /^(\d+) (bytes|kB|MB|GB|TB|PB)$/.exec(text)
  if (!match) return null
  return Number(match[1]) * 1024 ** SIZE_UNITS.indexOf(match[2] as (typeof SIZE_UNITS)[number])
}

/** Bytes as pg_size_pretty prints a size it has rounded to them: the smallest unit below its limit. */
export function sizePretty(bytes: number): string {
  let unit = 0
  while (unit < SIZE_UNITS.length - 1 && Math.abs(bytes) / 1024 ** unit >= SIZE_UNIT_LIMIT) unit++
  return `${bytes / 1024 ** unit} ${SIZE_UNITS[unit]}`
}
