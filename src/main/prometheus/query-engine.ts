// THE SEAM between the Prometheus API and the PromQL engine (in progress on its own branch).
//
// The API has already read and checked everything a query carries, as 2.42 does (time, start,
// end, step, timeout; the expression parsed and type-checked; a range query's expression is an
// instant vector or a scalar). The engine gets that, reads series through the model
// (SeriesModel.select(matchers, startMs, endMs): labels, timestamps, values with staleness
// markers), and answers a QueryValue (api/query-result.ts writes it) or throws a PromApiError
// ('execution' → 422, 'timeout' → 503, …). Until it lands, every evaluation answers that it is
// not implemented: createQueryEngine is the one function the engine replaces.
import type { Expr } from './promql'
import { PromApiError } from './api/errors'
import type { QueryValue } from './api/query-result'
import type { SeriesModel } from './series/series-model'

export interface QueryLimits {
  /** The request's `timeout`, ms, when given (0 or negative: the query times out). */
  timeoutMs?: number
}

export interface InstantQuery extends QueryLimits {
  kind: 'instant'
  /** The query as sent, for error messages that quote it. */
  query: string
  expr: Expr
  timeMs: number
}

export interface RangeQuery extends QueryLimits {
  kind: 'range'
  query: string
  expr: Expr
  startMs: number
  endMs: number
  /** 0 for a step under a millisecond (2.42 takes it, then fails the evaluation: integer divide by zero). */
  stepMs: number
}

export type QueryRequest = InstantQuery | RangeQuery

export type QueryEngine = (request: QueryRequest) => Promise<QueryValue>

export const NOT_IMPLEMENTED = 'query evaluation is not implemented yet: the PromQL engine is in progress (series, labels, label values and metadata work)'

/** The engine over the series model. A placeholder until the engine lands: replace this function. */
export function createQueryEngine(_series: SeriesModel): QueryEngine {
  return async () => {
    throw new PromApiError('execution', NOT_IMPLEMENTED)
  }
}
