// A dashboard data set as series (pg_dashboard, pg_dashboard_info) and back: the numbers a
// PromQL query will see, and the texts that ride along as info labels.
import { describe, expect, it } from 'vitest'
import { formatUptime } from '../../src/main/postgres/dashboard/pg-facts'
import {
  DASHBOARD_COLUMNS,
  dashboardFromSample,
  dashboardSample,
  parseSizePretty,
  sizePretty
} from '../../src/main/postgres/dashboard/series-mapping'
import type { Dashboard } from '../../src/main/postgres/dashboard/types'
import { dashboardAt, randomDashboards } from '../helpers/dashboard-data'

const column = (row: readonly unknown[], name: (typeof DASHBOARD_COLUMNS)[number]): unknown => row[DASHBOARD_COLUMNS.indexOf(name)]

describe('dashboard series mapping', () => {
  it('makes every number of a data set a column, and its texts info labels', () => {
    const dashboard = dashboardAt(5)
    const { row, info } = dashboardSample(dashboard)
    expect(row).toHaveLength(DASHBOARD_COLUMNS.length)
    expect(column(row, 'buffers_alloc')).toBe(1035)
    expect(column(row, 'max_connections')).toBe(5)
    expect(column(row, 'databases_size_bytes')).toBe(158 * 1024 ** 2)
    expect(column(row, 'server_clock_minutes')).toBe(17 * 60 + 54)
    expect(column(row, 'uptime_seconds')).toBe(6641.573788)
    expect(column(row, 'host_cpu_idle_percent')).toBe(97.5)
    expect(column(row, 'host_memory_total_bytes')).toBe(8_082_124 * 1024)
    expect(info).toEqual({
      pg_version: dashboard.pg_version,
      pg_data: '/var/lib/postgresql/15/main',
      pg_port: '5432',
      hostname: 'db1.example.org',
      os_version: 'Linux 6.1.0-18-amd64'
    })
    expect(JSON.stringify(dashboardFromSample(row, info))).toBe(JSON.stringify(dashboard))
  })

  it('leaves out the labels of null texts, and the host columns of a host Vigil cannot read', () => {
    const dashboard: Dashboard = { ...dashboardAt(1), pg_data: null, hostname: null, os_version: null, n_cpu: null, cpu: null, loadaverage: null, memory: null }
    const { row, info } = dashboardSample(dashboard)
    expect(Object.keys(info)).toEqual(['pg_version', 'pg_port'])
    expect(DASHBOARD_COLUMNS.filter((name) => name.startsWith('host_')).map((name) => column(row, name))).toEqual(Array(11).fill(null))
    expect(JSON.stringify(dashboardFromSample(row, info))).toBe(JSON.stringify(dashboard))
  })

  it('keeps a text PostgreSQL would not print as it is, in a label', () => {
    const dashboard: Dashboard = {
      ...dashboardAt(1),
      pg_uptime: '00:00:00.000000',
      databases: { ...dashboardAt(1).databases, total_size: '5 MB', time: '7:05' }
    }
    const { row, info } = dashboardSample(dashboard)
    expect([column(row, 'uptime_seconds'), column(row, 'databases_size_bytes'), column(row, 'server_clock_minutes')]).toEqual([null, null, null])
    expect(info).toMatchObject({ pg_uptime: '00:00:00.000000', databases_total_size: '5 MB', databases_time: '7:05' })
    expect(JSON.stringify(dashboardFromSample(row, info))).toBe(JSON.stringify(dashboard))
  })

  it('gives back every data set, odd ones included, as the same JSON', () => {
    for (const dashboard of randomDashboards(3, 2000)) {
      const { row, info } = dashboardSample(dashboard)
      expect(JSON.stringify(dashboardFromSample(row, info))).toBe(JSON.stringify(dashboard))
    }
  })

  it('reads pg_size_pretty and prints it back as PostgreSQL does', () => {
    for (const text of ['0 bytes', '10239 bytes', '10 kB', '10239 kB', '10 MB', '158 MB', '3072 GB', '10 TB', '10239 TB', '11 PB', '20000 PB']) {
      expect(sizePretty(parseSizePretty(text) as number)).toBe(text)
    }
    expect(sizePretty(10_240)).toBe('10 kB')
    // PostgreSQL prints 3 TiB as "3072 GB": "3 TB" is not its text, and is kept as a label.
    expect(sizePretty(parseSizePretty('3 TB') as number)).toBe('3072 GB')
    expect(dashboardSample({ ...dashboardAt(1), databases: { ...dashboardAt(1).databases, total_size: '3 TB' } }).info.databases_total_size).toBe('3 TB')
    expect(parseSizePretty('1.5 GB')).toBeNull()
  })

  it('reads formatUptime back', () => {
    for (const seconds of [0, 0.5, 59.999999, 6631.573788, 86_400, 3 * 86_400 + 0.000001, 1e9 + 0.25]) {
      const text = formatUptime(seconds)
      const { row } = dashboardSample({ ...dashboardAt(1), pg_uptime: text })
      expect(formatUptime(column(row, 'uptime_seconds') as number)).toBe(text)
    }
  })
})
