// /api/v1/query and /query_range: every parameter read and checked in 2.42's order with its
// error texts, the expression parsed, then the engine (query-engine.ts) evaluates it.
import { documentedType, parseExpr, typeOf, type Expr } from '../promql'
import type { QueryEngine } from '../query-engine'
import { badData, parseErrorAsBadData } from './errors'
import { parseInstantQueryParams, parseRangeQueryParams } from './params'
import { queryDataJson } from './query-result'
import type { RequestParams } from './request-params'

export class QueryEndpoints {
  constructor(
    private readonly engine: QueryEngine,
    private readonly now: () => number = Date.now
  ) {}

  async query(params: RequestParams): Promise<string> {
    const { timeMs, timeoutMs } = parseInstantQueryParams({ time: params.value('time'), timeout: params.value('timeout') }, this.now())
    const query = params.value('query')
    const expr = parsed(query, 'query')
    return queryDataJson(await this.engine({ kind: 'instant', query, expr, timeMs, ...(timeoutMs === undefined ? {} : { timeoutMs }) }))
  }

  async queryRange(params: RequestParams): Promise<string> {
    const { startMs, endMs, stepMs, timeoutMs } = parseRangeQueryParams({
      start: params.value('start'),
      end: params.value('end'),
      step: params.value('step'),
      timeout: params.value('timeout')
    })
    const query = params.value('query')
    // 2.42 answers a range query's parse error without naming the parameter.
    const expr = parsed(query)
    const type = typeOf(expr)
    if (type !== 'vector' && type !== 'scalar') {
      throw badData(`invalid expression type ${JSON.stringify(documentedType(type))} for range query, must be Scalar or instant Vector`)
    }
    return queryDataJson(await this.engine({ kind: 'range', query, expr, startMs, endMs, stepMs, ...(timeoutMs === undefined ? {} : { timeoutMs }) }))
  }
}

function parsed(query: string, parameter?: string): Expr {
  try {
    return parseExpr(query)
  } catch (error) {
    return parseErrorAsBadData(error, parameter)
  }
}
