// The metrics API's fast read paths answer what the plain ones do, on realistic data held in
// every place the series store keeps rows (chunks in SQLite, chunks waiting, heads, groups that
// ended and left memory): the process aggregation, which folds every group's chunks as it
// decodes them (SeriesStore.scan), against the same aggregation done row by row over what
// MetricsStore.read gives; and the JSON of raw rows, written straight from the columns
// (MetricsService.historicalJson), against JSON.stringify of the answer historical() builds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/base/bus'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { loadSecretBox } from '../../../src/main/base/security/secrets'
import { NeumaierSum } from '../../../src/main/base/series/neumaier-sum'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { MetricRows } from '../../../src/main/metrics/metric-rows'
import { MetricsService } from '../../../src/main/metrics/metrics-service'
import { MetricsStore } from '../../../src/main/metrics/metrics-store'
import { compareText, type ProcessAggregateRow, type SampleBatch, type SampleValues } from '../../../src/main/metrics/samples'
import { createServersRepo } from '../../../src/main/servers/servers-repo'
import { ServersService } from '../../../src/main/servers/servers-service'
import { makeTempDir } from '../../helpers/temp-dir'

const START = Date.UTC(2026, 11, 2, 21, 0, 0)
const STEP = 10_000
const STEPS = 3 * 360
const END = START + STEPS * STEP
const iso = (ms: number): string => new Date(ms).toISOString()

/** A small deterministic generator (xorshift). */
function rng(seed: number): () => number {
  let x = seed
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return ((x >>> 0) % 1_000_000) / 1_000_000
  }
}

describe('fast metrics reads answer what the plain reads do', () => {
  const temp = makeTempDir('vigil-fast-reads-')
  let db: Db
  let series: SeriesStore
  let store: MetricsStore
  let metrics: MetricsService
  let servers: ServersService
  const ids: string[] = []
  let clock = START

  beforeAll(() => {
    db = openDb(`${temp.dir}/vigil.db`)
    // Heads of 60 rows (10 minutes), written every 15 minutes, ended series out of memory after
    // 20: three hours leave rows in SQLite, waiting, in heads and in groups that left memory.
    series = new SeriesStore(db, { logDir: null, headRows: 60, endedGraceMs: 20 * 60_000, now: () => clock })
    store = new MetricsStore(series)
    servers = new ServersService(createServersRepo(db), loadSecretBox(temp.dir), new EventBus())
    ids.push(servers.create({ hostname: 'db1.example.test', alias: 'Main "DB" — prod ✓', ip_address: '192.0.2.1', ssh_username: 'u' }).id)
    ids.push(servers.create({ hostname: 'app-2', ip_address: '192.0.2.2', ssh_username: 'u' }).id)
    metrics = new MetricsService(new MetricRows(store, servers), servers, () => clock)
    const random = rng(7)
    let nextPid = 3000
    const newProcess = () => ({ pid: nextPid++, user: random() < 0.7 ? 'app' : 'postgres', command: `/opt/app/bin/worker --slot ${nextPid % 13}`, cpu: random() * 8, mem: random() * 3 })
    const fleets = ids.map(() => Array.from({ length: 30 }, newProcess))
    for (let i = 0; i < STEPS; i++) {
      const ts = START + i * STEP + (i % 7 === 3 ? 1 : 0)
      clock = ts
      const batches: SampleBatch[] = []
      ids.forEach((serverId, s) => {
        const us = Math.round(random() * 600) / 10
        batches.push({
          metric: 'vmstat',
          serverId,
          ts,
          rows: [{ r: Math.floor(random() * 4), b: 0, avm: 2_000_000 + i * 512, fre: i % 50 === 7 ? null : 900_000 - i, pi: 0, po: 0, fr: 12, interface_in: 3.25, cs: 1200 + i, us, sy: 3.5, idle: Math.round((100 - us - 3.5) * 10) / 10, wa: -0 }]
        })
        batches.push({
          metric: 'iostat',
          serverId,
          ts,
          rows: ['sda', 'nvme0n1'].map((disk) => ({ disk, tps: Math.round(random() * 900) / 100, kb_read: 4 * i, kb_wrtn: 8 * i, kb_read_rate: 0.4, kb_wrtn_rate: i % 9 === 0 ? null : 0.8, service_time: Math.round(random() * 1e6) / 1e3 }))
        })
        batches.push({
          metric: 'netstat',
          serverId,
          ts,
          rows: [{ interface: 'eth0', ipkts: 10 * i, ierrs: 0, ipkts_rate: 1, ierrs_rate: 0, opkts: 9 * i, opkts_rate: 0.9, oerrs: 0, oerrs_rate: 1e-7 }]
        })
        // Processes: a few end every interval and new pids start; pid 777 stops for 50 minutes
        // (its series ends and leaves memory) and comes back, twice; pid 4242 is reused by
        // another command; some rows lack cpu.
        const fleet = fleets[s] as ReturnType<typeof newProcess>[]
        for (let p = 0; p < fleet.length; p++) if (random() < 0.01) fleet[p] = newProcess()
        const rows: SampleValues[] = fleet.map((p) => ({
          pid: p.pid,
          user: p.user,
          command: p.command,
          cpu: random() < 0.02 ? null : Math.round(p.cpu * (0.6 + random() * 0.8) * 10) / 10,
          mem: Math.round((p.mem + random() * 0.05) * 100) / 100
        }))
        const minute = Math.floor(i / 6)
        if (minute % 70 < 20) rows.push({ pid: 777, user: 'root', command: 'cron', cpu: 0.1, mem: 0.2 })
        if (i % 11 < 5) rows.push({ pid: 4242, user: 'root', command: i % 22 < 11 ? 'sh -c backup' : 'gzip -9', cpu: 12.5, mem: 1.5 })
        rows.sort((a, b) => (b.cpu as number) - (a.cpu as number))
        batches.push({ metric: 'process', serverId, ts: ts + 3000, rows })
      })
      store.write(batches)
    }
    clock = END
  })
  afterAll(() => {
    series?.close()
    db?.close()
    temp.remove()
  })

  /** The aggregation as the plain read does it: every group's rows (markers left out) folded one by one. */
  function plainAggregates(serverId: string | undefined, start: number, end: number, intervalMs: number, pids?: number[]): ProcessAggregateRow[] {
    const names = new Map(servers.allRows().map((server) => [server.id, server]))
    const groups = store.groups('process', serverId, { start, end }).filter((group) => pids === undefined || pids.includes(Number(group.labels.pid)))
    const buckets = new Map<string, { bucket: number; serverId: string; pid: number; command: string; user: string; count: number; cpu: number[]; mem: number[] }>()
    for (const { group, serverId: server, rows } of store.read(groups, start, end)) {
      const pid = Number(group.labels.pid)
      rows.ts.forEach((ts, r) => {
        const bucket = Math.floor(ts / intervalMs) * intervalMs
        const key = `${bucket} ${server} ${pid}`
        let entry = buckets.get(key)
        if (!entry) buckets.set(key, (entry = { bucket, serverId: server, pid, command: group.labels.command ?? '', user: group.labels.user ?? '', count: 0, cpu: [], mem: [] }))
        if (compareText(group.labels.command ?? '', entry.command) > 0) entry.command = group.labels.command ?? ''
        if (compareText(group.labels.user ?? '', entry.user) > 0) entry.user = group.labels.user ?? ''
        entry.count++
        const cpu = rows.columns[0]?.[r]
        const mem = rows.columns[1]?.[r]
        if (typeof cpu === 'number') entry.cpu.push(cpu)
        if (typeof mem === 'number') entry.mem.push(mem)
      })
    }
    const stats = (values: number[]) => {
      if (values.length === 0) return { min: null, max: null, avg: null }
      const sum = new NeumaierSum()
      for (const value of values) sum.add(value)
      return { min: Math.min(...values), max: Math.max(...values), avg: sum.total() / values.length }
    }
    return [...buckets.values()]
      .sort((a, b) => a.bucket - b.bucket || compareText(a.serverId, b.serverId) || a.pid - b.pid)
      .map((entry) => {
        const cpu = stats(entry.cpu)
        const mem = stats(entry.mem)
        const server = names.get(entry.serverId)
        return {
          bucket: entry.bucket,
          server_id: entry.serverId,
          server_hostname: server?.hostname ?? '',
          server_alias: server?.alias ?? null,
          pid: entry.pid,
          command: entry.command,
          user: entry.user,
          avg_cpu: cpu.avg,
          max_cpu: cpu.max,
          min_cpu: cpu.min,
          avg_mem: mem.avg,
          max_mem: mem.max,
          min_mem: mem.min,
          count: entry.count
        }
      })
  }

  it('holds rows in every place the store keeps them, and series that ended, left memory and came back', () => {
    expect(series.stats().withHeads).toBeGreaterThan(0)
    const cron = store.groups('process', ids[0], { start: START, end: END }).filter((group) => group.labels.pid === '777')
    expect(cron.length).toBeGreaterThan(0)
    // Staleness markers are stored: the cron series ended.
    const withMarkers = store.read(cron, START, END, true)
    const plain = store.read(cron, START, END)
    expect(withMarkers.reduce((n, { rows }) => n + rows.ts.length, 0)).toBeGreaterThan(plain.reduce((n, { rows }) => n + rows.ts.length, 0))
  })

  it('aggregates processes as the row-by-row fold does: every interval, server, range and pids', () => {
    const rows = new MetricRows(store, servers)
    const ranges: Array<[number, number]> = [
      [START, END],
      [START + 17 * 60_000 + 2500, START + 95 * 60_000],
      [END - 30_000, END + 60_000]
    ]
    let compared = 0
    for (const [start, end] of ranges) {
      for (const intervalMs of [10_000, 60_000, 3_600_000]) {
        for (const serverId of [undefined, ids[0], ids[1]]) {
          for (const pids of [undefined, [777, 4242], [3001]]) {
            const expected = plainAggregates(serverId, start, end, intervalMs, pids)
            const all = rows.processAggregates({ serverId, start, end, intervalMs, pids, limit: -1, offset: 0 })
            expect(all.total).toBe(expected.length)
            expect(all.rows).toEqual(expected)
            const page = rows.processAggregates({ serverId, start, end, intervalMs, pids, limit: 37, offset: 74 })
            expect(page.rows).toEqual(expected.slice(74, 111))
            compared += expected.length
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(5_000)
  }, 60_000)

  it('writes raw rows as JSON byte for byte as JSON.stringify writes the answer: every metric, page and server', () => {
    let bytes = 0
    for (const metric of ['vmstat', 'iostat', 'netstat', 'process']) {
      for (const filter of [{}, { server_id: ids[0] as string }, { hostname: 'app-2' }]) {
        for (const [start, end] of [
          [START, END],
          [START + 61_500, START + 47 * 60_000]
        ] as Array<[number, number]>) {
          for (const perPage of ['1000', '333']) {
            for (let page = 1; page <= 2; page++) {
              const query = { metric, start: iso(start), end: iso(end), per_page: perPage, page: String(page), ...filter }
              const answer = metrics.historical(query) as { has_next: boolean }
              const json = metrics.historicalJson(query)
              expect(json.toString('utf8')).toBe(JSON.stringify(answer))
              bytes += json.length
              if (!answer.has_next) break
            }
          }
        }
      }
      const pids = { metric: 'process', start: iso(START), end: iso(END), pids: '777,4242' }
      expect(metrics.historicalJson(pids).toString('utf8')).toBe(JSON.stringify(metrics.historical(pids)))
    }
    // Roll-ups and aggregates are JSON.stringify's own.
    for (const query of [
      { metric: 'vmstat', start: iso(START), end: iso(END), resolution: '1m' },
      { metric: 'process', start: iso(START), end: iso(END), interval: '60' },
      { metric: 'vmstat', start: iso(END + 1000), end: iso(END + 2000) }
    ]) {
      expect(metrics.historicalJson(query).toString('utf8')).toBe(JSON.stringify(metrics.historical(query)))
    }
    expect(bytes).toBeGreaterThan(1_000_000)
  }, 60_000)
})
