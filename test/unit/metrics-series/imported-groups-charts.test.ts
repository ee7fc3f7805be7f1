// The charts' reads join an imported file's groups (imported-groups.ts) to the series they belong
// to: one line per server (vmstat) or disk, its rows in time order, whatever group they came from.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { IMPORT_LABEL } from '../../../src/main/base/series/imported-groups'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { createMetricSeriesRepo } from '../../../src/main/metrics/metric-series-repo'
import { MetricsStore } from '../../../src/main/metrics/metrics-store'
import { sampleGroupKey, sampleRow } from '../../../src/main/metrics/series-mapping'
import type { SampleValues } from '../../../src/main/metrics/samples'
import { makeTempDir } from '../../helpers/temp-dir'

const S1 = '00000000-0000-4000-8000-000000000001'
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0)
let temp: ReturnType<typeof makeTempDir>
let db: Db
let store: MetricsStore

beforeEach(() => {
  temp = makeTempDir()
  db = openDb(join(temp.dir, 'vigil.db'))
  store = new MetricsStore(new SeriesStore(db, { logDir: null }))
})
afterEach(() => {
  store.series.close()
  db.close()
  temp.remove()
})

/** Rows of a file's groups, written as an import writes them (the bulk path). */
function imported(metric: 'vmstat' | 'iostat', rows: ReadonlyArray<[ts: number, row: SampleValues]>): void {
  for (const [ts, row] of rows) {
    const key = sampleGroupKey(metric, S1, row)
    const id = store.series.groupId({ ...key, labels: { ...key.labels, [IMPORT_LABEL]: '1/a.nmon' } })
    store.series.writeChunks([{ groupId: id, ts: [ts], columns: sampleRow(metric, row).map((value) => [value]) }])
  }
}

describe('charts of a server with imported history', () => {
  it('draw one line per server and per disk, collected and imported rows in time order', () => {
    store.write([
      { metric: 'vmstat', serverId: S1, ts: T0 + 10_000, rows: [{ us: 50 }] },
      { metric: 'iostat', serverId: S1, ts: T0 + 10_000, rows: [{ disk: 'sda', tps: 5 }] }
    ])
    imported('vmstat', [
      [T0, { us: 10 }],
      [T0 + 20_000, { us: 30 }]
    ])
    imported('iostat', [
      [T0, { disk: 'sda', tps: 1 }],
      [T0, { disk: 'sdb', tps: 2 }]
    ])
    const charts = createMetricSeriesRepo(store)
    const vmstat = charts.samples('vmstat', ['us'], S1, T0, T0 + 60_000)
    expect(vmstat).toEqual([{ key: null, ts: [T0, T0 + 10_000, T0 + 20_000], values: { us: [10, 50, 30] } }])
    const iostat = charts.samples('iostat', ['tps'], S1, T0, T0 + 60_000)
    expect(iostat).toEqual([
      { key: 'sda', ts: [T0, T0 + 10_000], values: { tps: [1, 5] } },
      { key: 'sdb', ts: [T0], values: { tps: [2] } }
    ])
    const sparkline = charts.sparklines(T0, T0 + 60_000).get(S1)
    expect(sparkline?.ts).toEqual([T0, T0 + 10_000, T0 + 20_000])
  })
})
