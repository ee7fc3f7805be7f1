// /api/v1/admin/tsdb/delete_series and clean_tombstones, with 2.42's parameters and checks. In
// Prometheus the admin API is off unless --web.enable-admin-api; in Vigil it is on, behind the
// API token like every route. It deletes imported and scraped series only: the series Vigil collects are kept
// by --retention-days and deleted with their server, instance or table, so a match[] that selects
// one of them (with a sample in the range) is refused whole, and nothing is deleted.
import type { SeriesStore } from '../../base/series/series-store'
import { deleteExternalSamples } from '../exposition/importer'
import type { LabelMatcher } from '../promql'
import { NAME_LABEL, type LabelSet } from '../series/label-sets'
import type { SeriesModel } from '../series/series-model'
import { badData, parseErrorAsBadData } from './errors'
import { goQuote, parseTimeBounds } from './params'
import type { RequestParams } from './request-params'
import { parseMatchersParam } from './selectors'

export class AdminEndpoints {
  constructor(
    private readonly model: SeriesModel,
    private readonly store: SeriesStore
  ) {}

  /** Deletes the samples in [start, end] (all time by default) of the imported and scraped series every match[] selects. Answers 204. */
  deleteSeries(params: RequestParams): null {
    const selectors = params.values('match[]')
    if (selectors.length === 0) throw badData('no match[] parameter provided')
    const { startMs, endMs } = parseTimeBounds({ start: params.value('start'), end: params.value('end') })
    let sets: LabelMatcher[][]
    try {
      sets = parseMatchersParam(selectors)
    } catch (error) {
      parseErrorAsBadData(error, 'match[]')
    }
    for (const set of sets) {
      const collected = this.model.firstCollected(set, startMs, endMs)
      if (collected !== null) {
        throw badData(`match[] selects ${seriesText(collected)}, a series Vigil collects: those are kept by --retention-days and go with their server, instance or table; delete_series deletes imported and scraped series only`)
      }
    }
    const ids = new Set(sets.flatMap((set) => this.model.externalGroupIds(set, startMs, endMs)))
    for (const id of ids) deleteExternalSamples(this.store, id, startMs, endMs)
    return null
  }

  /** Deletions take effect at once (no tombstones are kept): nothing to clean. Answers 204. */
  cleanTombstones(): null {
    return null
  }
}

/** `name{label="value", …}`, as PromQL selects the series. */
function seriesText(labels: LabelSet): string {
  const pairs = Object.entries(labels).filter(([name]) => name !== NAME_LABEL)
  return `${labels[NAME_LABEL] ?? ''}{${pairs.map(([name, value]) => `${name}=${goQuote(value)}`).join(', ')}}`
}
