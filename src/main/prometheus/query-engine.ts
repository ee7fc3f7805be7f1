// Where the Prometheus API meets the PromQL engine (promql/engine): a checked query in, a
// QueryValue (api/query-result.ts writes it) or a PromApiError out.
//
// The API has already read and checked everything a query carries, as 2.42 does (time, start,
// end, step, timeout; the expression parsed and type-checked; a range query's expression is an
// instant vector or a scalar). The engine reads series through the model, which is a SeriesSource
// as it is (select(matchers, minT, maxT): labels, timestamps, values with staleness markers).
//
// The reading is done before evaluation starts; the evaluation itself is synchronous, so a long
// query holds the event loop (up to its timeout, 2 minutes at most) — every other request of the
// API waits meanwhile. Running queries in a worker would lift that; it is not done yet.
import type { Expr } from './promql'
import { ENGINE_DEFAULTS, queryErrorType, queryInstant, queryRange, type EngineOptions, type SeriesSource, type Value } from './promql/engine'
import { PromApiError } from './api/errors'
import type { QueryValue } from './api/query-result'

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

/** The PromQL engine over a series source (the series model), with Prometheus 2.42's default flags. */
export function createQueryEngine(source: SeriesSource): QueryEngine {
  return async (request) => {
    const options = engineOptions(request)
    try {
      const value =
        request.kind === 'instant'
          ? await queryInstant(source, request.expr, request.timeMs, options)
          : await queryRange(source, request.expr, request.startMs, request.endMs, request.stepMs, options)
      return queryValue(value)
    } catch (error) {
      throw apiError(error)
    }
  }
}

/** The request's timeout shortens the engine's own (--query.timeout), never lengthens it. */
function engineOptions({ timeoutMs }: QueryRequest): EngineOptions {
  return { timeoutMs: timeoutMs === undefined ? ENGINE_DEFAULTS.timeoutMs : Math.min(timeoutMs, ENGINE_DEFAULTS.timeoutMs) }
}

/** The engine's value with its label sets as the records the API writes. */
function queryValue(value: Value): QueryValue {
  switch (value.type) {
    case 'scalar':
    case 'string':
      return value
    case 'vector':
      return { type: 'vector', samples: value.samples.map(({ labels, t, v }) => ({ labels: labels.toRecord(), t, v })) }
    case 'matrix':
      return { type: 'matrix', series: value.series.map(({ labels, points }) => ({ labels: labels.toRecord(), points })) }
  }
}

/**
 * An engine error as 2.42's API reports it: execution (422), timeout (503), internal (500). The
 * parse errors and the invalid range queries the engine could also throw (bad_data) never reach
 * it: the endpoints refuse those first, each with 2.42's wording (`invalid parameter "query": `
 * before an instant query's parse error, nothing before a range query's).
 */
function apiError(error: unknown): PromApiError {
  return new PromApiError(queryErrorType(error), (error as Error).message)
}
