import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { HOUR_MS, MINUTE_MS, rollUp } from '../../../src/main/base/series/rollups'
import { STALE } from '../../../src/main/base/series/sample'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { NUMERIC_FIELDS } from '../../../src/shared/metrics'
import { DASHBOARD_COLUMNS } from '../../../src/main/postgres'
import { LabelMatcher, type MatchType } from '../../../src/main/prometheus/promql'
import { importExposition } from '../../../src/main/prometheus/exposition/importer'
import { SeriesModel } from '../../../src/main/prometheus/series/series-model'
import type { RegistrySnapshot } from '../../../src/main/prometheus/series/registry'

const T0 = Date.UTC(2026, 0, 1)
const SERVER_A = '0b5f3a52-0000-4000-8000-00000000000a'
const SERVER_B = '0b5f3a52-0000-4000-8000-00000000000b'

const m = (name: string, type: MatchType, value: string) => new LabelMatcher(type, name, value)
const named = (name: string) => m('__name__', '=', name)

describe('the series model', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  /** Two servers' metrics, a PostgreSQL instance's dashboard, roll-ups and an import, every 10 s for a minute. */
  function seeded() {
    const db = openDb(':memory:')
    cleanups.push(() => db.close())
    const store = new SeriesStore(db, { logDir: null })
    const registry: { current: RegistrySnapshot } = {
      current: {
        servers: new Map([
          [SERVER_A, { hostname: 'web-01', os: 'linux' }],
          [SERVER_B, { hostname: 'aix-01', os: 'aix' }]
        ]),
        pgInstances: new Map([['3', 'orders-db']]),
        tables: new Map()
      }
    }
    const vmstatColumns = NUMERIC_FIELDS.vmstat
    const vmstatA = store.groupId({ metric: 'vmstat', labels: { server_id: SERVER_A }, columns: vmstatColumns })
    const vmstatB = store.groupId({ metric: 'vmstat', labels: { server_id: SERVER_B }, columns: vmstatColumns })
    const iostat = store.groupId({ metric: 'iostat', labels: { server_id: SERVER_A, disk: 'sda' }, columns: NUMERIC_FIELDS.iostat })
    const processKey = { metric: 'process', labels: { server_id: SERVER_A, pid: '42', command: 'postgres: writer', user: 'postgres' }, columns: NUMERIC_FIELDS.process }
    const process = store.groupId(processKey)
    const pg = store.groupId({ metric: 'pg_dashboard', labels: { instance_id: '3' }, columns: DASHBOARD_COLUMNS })
    const pgInfo = store.groupId({ metric: 'pg_dashboard_info', labels: { instance_id: '3', pg_version: 'PostgreSQL 16.2', pg_port: '5432' }, columns: ['info'] })
    for (let i = 0; i < 6; i++) {
      const ts = T0 + i * 10_000
      // fr is null on Linux, as the catalogue says.
      store.append(vmstatA, ts, vmstatColumns.map((field, c) => (field === 'fr' ? null : i + c / 100)))
      store.append(vmstatB, ts, vmstatColumns.map((_, c) => 100 + i + c / 100))
      store.append(iostat, ts, NUMERIC_FIELDS.iostat.map((_, c) => i * 10 + c))
      // The process leaves the top list after the third sample: a staleness marker ends its series.
      if (i < 3) store.append(process, ts, [i, 0.5])
      if (i === 3) store.append(process, ts, [STALE, STALE])
      store.append(pg, ts, DASHBOARD_COLUMNS.map((_, c) => c))
      store.append(pgInfo, ts, [1])
    }
    for (const id of [vmstatA, vmstatB]) rollUp(store, store.group(id)!, MINUTE_MS, T0 + HOUR_MS)
    const model = new SeriesModel(store, { snapshot: () => registry.current })
    return { store, model, registry }
  }

  const names = (series: Array<{ labels: Record<string, string> }>) => series.map((s) => s.labels.__name__)

  it('gives a vmstat field as vigil_vmstat_<field>{server, server_id, os}, with its samples', () => {
    const { model } = seeded()
    const series = model.select([named('vigil_vmstat_us')], T0, T0 + MINUTE_MS)
    expect(series.map((s) => s.labels)).toEqual([
      { __name__: 'vigil_vmstat_us', os: 'aix', server: 'aix-01', server_id: SERVER_B },
      { __name__: 'vigil_vmstat_us', os: 'linux', server: 'web-01', server_id: SERVER_A }
    ])
    const us = NUMERIC_FIELDS.vmstat.indexOf('us')
    expect(series[1]?.timestamps).toEqual([0, 1, 2, 3, 4, 5].map((i) => T0 + i * 10_000))
    expect(series[1]?.values).toEqual([0, 1, 2, 3, 4, 5].map((i) => i + us / 100))
  })

  it('selects by server name and OS from the register, by RE2 regexes, and renames iostat’s disk to device', () => {
    const { model } = seeded()
    expect(model.select([m('__name__', '=~', 'vigil_iostat_kb_.*'), m('server', '=', 'web-01')], T0, T0 + MINUTE_MS).map((s) => s.labels)).toEqual(
      ['kb_read', 'kb_read_rate', 'kb_wrtn', 'kb_wrtn_rate'].map((field) => ({
        __name__: `vigil_iostat_${field}`,
        device: 'sda',
        os: 'linux',
        server: 'web-01',
        server_id: SERVER_A
      }))
    )
    expect(names(model.select([m('__name__', '=~', 'vigil_vmstat_(us|sy)'), m('os', '=', 'aix')], T0, T0 + MINUTE_MS))).toEqual(['vigil_vmstat_sy', 'vigil_vmstat_us'])
    expect(model.select([m('__name__', '=~', 'vigil_vmstat_us'), m('server', '=~', '(?i)WEB-0[1]')], T0, T0 + MINUTE_MS)).toHaveLength(1)
    expect(model.select([named('vigil_vmstat_us'), m('server', '=', 'no-such-server')], T0, T0 + MINUTE_MS)).toEqual([])
  })

  it('treats a label a family lacks as empty, as PromQL does', () => {
    const { model } = seeded()
    // vmstat has no device: device="sda" selects iostat only, device!="sda" keeps vmstat.
    const withDevice = model.select([m('__name__', '=~', 'vigil_(vmstat|iostat)_tps|vigil_vmstat_us'), m('device', '=', 'sda')], T0, T0 + MINUTE_MS)
    expect(names(withDevice)).toEqual(['vigil_iostat_tps'])
    const withoutDevice = model.select([m('__name__', '=~', 'vigil_(vmstat|iostat)_tps|vigil_vmstat_us'), m('device', '!=', 'sda')], T0, T0 + MINUTE_MS)
    expect(names(withoutDevice)).toEqual(['vigil_vmstat_us', 'vigil_vmstat_us'])
  })

  it('leaves out missing values (a series with none is not selected) and keeps staleness markers', () => {
    const { model } = seeded()
    expect(model.select([named('vigil_vmstat_fr'), m('server', '=', 'web-01')], T0, T0 + MINUTE_MS)).toEqual([])
    const [cpu] = model.select([named('vigil_process_cpu')], T0, T0 + MINUTE_MS)
    expect(cpu?.labels).toEqual({ __name__: 'vigil_process_cpu', command: 'postgres: writer', os: 'linux', pid: '42', server: 'web-01', server_id: SERVER_A, user: 'postgres' })
    expect(cpu?.values).toEqual([0, 1, 2, STALE])
  })

  it('gives the PostgreSQL dashboard history as vigil_pg_<column>{instance, instance_id} and its texts as vigil_pg_info', () => {
    const { model } = seeded()
    expect(model.select([named('vigil_pg_uptime_seconds')], T0, T0).map((s) => [s.labels, s.values])).toEqual([
      [{ __name__: 'vigil_pg_uptime_seconds', instance: 'orders-db', instance_id: '3' }, [DASHBOARD_COLUMNS.indexOf('uptime_seconds')]]
    ])
    expect(model.select([named('vigil_pg_info'), m('instance', '=', 'orders-db')], T0, T0).map((s) => s.labels)).toEqual([
      { __name__: 'vigil_pg_info', instance: 'orders-db', instance_id: '3', pg_port: '5432', pg_version: 'PostgreSQL 16.2' }
    ])
  })

  it('never shows a roll-up group, and reads only the time range asked for', () => {
    const { model } = seeded()
    const all = model.select([m('__name__', '=~', '.+')], T0 + 10_000, T0 + 20_000)
    expect(all.every((s) => !JSON.stringify(s.labels).includes('rollup') && !('__resolution__' in s.labels))).toBe(true)
    expect(all.every((s) => s.timestamps.every((t) => t >= T0 + 10_000 && t <= T0 + 20_000))).toBe(true)
    expect(model.select([m('__name__', '=~', '.+')], T0 + HOUR_MS, T0 + 2 * HOUR_MS)).toEqual([])
  })

  it('relabels history when a server is renamed in the register', () => {
    const { model, registry } = seeded()
    registry.current = { ...registry.current, servers: new Map([[SERVER_A, { hostname: 'web-01.example.net', os: 'linux' }]]) }
    expect(model.select([named('vigil_vmstat_us')], T0, T0 + MINUTE_MS).map((s) => s.labels.server ?? null)).toEqual(['web-01.example.net', null])
  })

  it('keeps imported series apart from Vigil’s own, even under the same store names', () => {
    const { store, model } = seeded()
    importExposition(store, `vmstat{server_id="${SERVER_A}"} 7 ${T0}\nup{job="node"} 1 ${T0}\n`, 'prometheus', T0)
    expect(model.select([named('vmstat')], T0, T0).map((s) => [s.labels, s.values])).toEqual([[{ __name__: 'vmstat', server_id: SERVER_A }, [7]]])
    // The metrics feature selects its groups by exact store name: the import is not one of them.
    expect(store.select([{ name: '__name__', op: '=', value: 'vmstat' }]).map((group) => group.labels.server_id).sort()).toEqual([SERVER_A, SERVER_B])
    expect(names(model.select([m('job', '=', 'node')], T0, T0))).toEqual(['up'])
  })

  it('lists label sets with a sample in the range, sorted as Prometheus sorts series', () => {
    const { model } = seeded()
    const listed = model.seriesLabels([m('__name__', '=~', 'vigil_process_.*|vigil_iostat_tps')], T0, T0 + MINUTE_MS)
    expect(listed.map((labels) => labels.__name__)).toEqual(['vigil_iostat_tps', 'vigil_process_cpu', 'vigil_process_mem'])
    // The process's last sample (its staleness marker) is at +30 s: a later range lists it no more.
    expect(model.seriesLabels([named('vigil_process_cpu')], T0 + 31_000, T0 + MINUTE_MS)).toEqual([])
    expect(model.seriesLabels([named('vigil_process_cpu')], T0 + 5_000, T0 + 6_000)).toEqual([])
    expect(model.seriesLabels([named('vigil_process_cpu')], T0 + 5_000, T0 + 10_000)).toHaveLength(1)
  })

  it('keeps the last value written at a time', () => {
    const { store, model } = seeded()
    importExposition(store, `x 1 ${T0}\nx 2 ${T0 + 1000}\n`, 'prometheus', T0)
    importExposition(store, `x 3 ${T0}\n`, 'prometheus', T0)
    expect(model.select([named('x')], T0, T0 + 1000).map((s) => [s.timestamps, s.values])).toEqual([[[T0, T0 + 1000], [3, 2]]])
  })
})
