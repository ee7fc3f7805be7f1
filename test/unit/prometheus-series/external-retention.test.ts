// Series from outside keep by origin: scraped ones as long as raw metrics (--retention-days),
// imported ones (a backfill, old by nature) until deleted; both read as one Prometheus name.
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDb, type Db } from '../../../src/main/base/db/db'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { MetricsMaintenance } from '../../../src/main/metrics/metrics-maintenance'
import { MetricsStore } from '../../../src/main/metrics/metrics-store'
import { LabelMatcher } from '../../../src/main/prometheus/promql/matcher'
import { EMPTY_REGISTRY } from '../../../src/main/prometheus/series/registry'
import { externalGroupKey, externalOriginMatchers } from '../../../src/main/prometheus/series/external-series'
import { SeriesModel } from '../../../src/main/prometheus/series/series-model'
import { labelSet } from '../../../src/main/prometheus/series/label-sets'
import { makeTempDir } from '../../helpers/temp-dir'

const T0 = Date.UTC(2026, 0, 1)
const DAY = 86_400_000
let temp: ReturnType<typeof makeTempDir>
let db: Db
let store: SeriesStore

beforeEach(() => {
  temp = makeTempDir()
  db = openDb(join(temp.dir, 'vigil.db'))
  store = new SeriesStore(db, { logDir: join(temp.dir, 'series-head') })
})
afterEach(() => {
  store.close()
  db.close()
  temp.remove()
})

it('drops scraped series with raw retention and keeps imported ones; a name reads from both', () => {
  const scraped = store.groupId(externalGroupKey('scrape', 'up', labelSet([['job', 'node'], ['instance', 'a:9100']])))
  const imported = store.groupId(externalGroupKey('import', 'up', labelSet([['job', 'old'], ['instance', 'b:9100']])))
  for (const id of [scraped, imported]) store.append(id, T0, [1])
  store.cutAll()
  const model = new SeriesModel(store, EMPTY_REGISTRY)
  const jobs = () => model.seriesLabels([new LabelMatcher('=', '__name__', 'up')], 0, T0 + 10 * DAY).map((labels) => labels.job)
  expect(jobs()).toEqual(['node', 'old'])

  const maintenance = new MetricsMaintenance(new MetricsStore(store), { rawDays: 7, minuteRollupDays: 30, hourRollupDays: 400 }, () => T0 + 8 * DAY)
  maintenance.retainAsRaw(externalOriginMatchers('scrape'))
  maintenance.run()
  expect(jobs()).toEqual(['old'])
})
