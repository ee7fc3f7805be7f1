// /api/v1/series, /labels and /label/{name}/values, over the series model, with 2.42's
// parameters, checks in its order and error texts. Each returns the answer's `data` as JSON.
//
// Differences from 2.42 that stay: Vigil lists a series when its group has a sample in the
// range; Prometheus when a chunk of it overlaps the range (so over a few seconds between two
// samples it lists the series and Vigil does not), and without match[] it answers labels and
// label values from whole blocks (two hours at least) that overlap the range. `limit`, which
// 2.42 does not know, is ignored as 2.42 ignores it.
import { ParseError, type LabelMatcher } from '../promql'
import { compareGoStrings, compareLabelSets, labelSetKey, NAME_LABEL, type LabelSet } from '../series/label-sets'
import type { ListedGroup, SeriesModel } from '../series/series-model'
import { badData, invalidParam, PromApiError } from './errors'
import { goJson } from './json'
import { goQuote, parseTimeBounds, type TimeBounds } from './params'
import { metricJson } from './query-result'
import type { RequestParams } from './request-params'
import { parseMatchersParam } from './selectors'

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** Every series, for labels and label values without match[]. */
const EVERY_SERIES: readonly LabelMatcher[] = []

export class SeriesEndpoints {
  constructor(private readonly model: SeriesModel) {}

  series(params: RequestParams): string {
    const selectors = params.values('match[]')
    if (selectors.length === 0) throw badData('no match[] parameter provided')
    const bounds = timeBounds(params)
    const sets = matcherSets(selectors, 'match[]')
    const unique = new Map<string, LabelSet>()
    for (const set of sets) for (const labels of this.model.seriesLabels(set, bounds.startMs, bounds.endMs)) unique.set(labelSetKey(labels), labels)
    const sorted = [...unique.values()].sort(compareLabelSets)
    return `[${sorted.map(metricJson).join(',')}]`
  }

  labels(params: RequestParams): string {
    const bounds = timeBounds(params)
    const names = new Set<string>()
    for (const group of this.groups(params, bounds)) {
      if (group.names.length > 0) names.add(NAME_LABEL)
      for (const name of Object.keys(group.labels)) names.add(name)
    }
    return goJson([...names].sort(compareGoStrings))
  }

  labelValues(name: string, params: RequestParams): string {
    if (!LABEL_NAME.test(name)) throw badData(`invalid label name: ${goQuote(name)}`)
    const bounds = timeBounds(params)
    const values = new Set<string>()
    for (const group of this.groups(params, bounds)) {
      if (name === NAME_LABEL) for (const metric of group.names) values.add(metric)
      else if (group.labels[name] !== undefined) values.add(group.labels[name])
    }
    return goJson([...values].sort(compareGoStrings))
  }

  /** The groups of every match[] set, or of every series without one. */
  private groups(params: RequestParams, bounds: TimeBounds): ListedGroup[] {
    const selectors = params.values('match[]')
    const sets = selectors.length === 0 ? [EVERY_SERIES] : matcherSets(selectors)
    return sets.flatMap((set) => this.model.listed(set, bounds.startMs, bounds.endMs))
  }
}

function timeBounds(params: RequestParams): TimeBounds {
  return parseTimeBounds({ start: params.value('start'), end: params.value('end') })
}

/** match[] as 2.42 reads it: series wraps its errors as an invalid parameter, labels and label values do not. */
function matcherSets(selectors: readonly string[], parameter?: string): LabelMatcher[][] {
  try {
    return parseMatchersParam(selectors)
  } catch (error) {
    if (!(error instanceof ParseError || error instanceof PromApiError)) throw error
    throw parameter === undefined ? badData(error.message) : invalidParam(parameter, error)
  }
}
