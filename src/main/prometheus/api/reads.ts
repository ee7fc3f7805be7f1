// The reads the UI makes through its own channel (`prometheus.api`): the same endpoints, the same
// JSON and HTTP status as the /prometheus face answers them (api/prometheus in the HTTP layer).
import type { PrometheusAnswer, PrometheusRequest } from '../../../shared/prometheus'
import { ERROR_STATUS, PromApiError, type ApiErrorType } from './errors'
import { goJson, successBody } from './json'
import { ApiParamError } from './params'
import type { QueryEndpoints } from './query-endpoints'
import { requestParams, type RequestParams } from './request-params'
import type { SeriesEndpoints } from './series-endpoints'
import type { StatusEndpoints } from './status-endpoints'

export interface ReadEndpoints {
  series: SeriesEndpoints
  status: StatusEndpoints
  query: QueryEndpoints
}

/** Reads `request` (as a channel receives it: checked here, not trusted to be of its type). */
export async function prometheusRead(endpoints: ReadEndpoints, request: PrometheusRequest): Promise<PrometheusAnswer> {
  const path = typeof request?.path === 'string' ? request.path : ''
  const read = readerOf(path, endpoints)
  if (!read) return errorAnswer('not_found', `no such endpoint: ${path}`)
  try {
    return { status: 200, body: successBody(await read(requestParams(stringParams(request.params)))) }
  } catch (error) {
    if (error instanceof PromApiError) return errorAnswer(error.errorType, error.message)
    if (error instanceof ApiParamError) return errorAnswer('bad_data', error.message)
    throw error
  }
}

function readerOf(path: string, { series, status, query }: ReadEndpoints): ((params: RequestParams) => string | Promise<string>) | null {
  const labelValues = /^label\/([^/]+)\/values$/.exec(path)
  if (labelValues) return (params) => series.labelValues(labelValues[1] as string, params)
  switch (path) {
    case 'query':
      return (params) => query.query(params)
    case 'query_range':
      return (params) => query.queryRange(params)
    case 'series':
      return (params) => series.series(params)
    case 'labels':
      return (params) => series.labels(params)
    case 'metadata':
      return (params) => status.metadata(params)
    case 'format_query':
      return (params) => status.formatQuery(params)
    default:
      return null
  }
}

/** The parameters that are strings or lists of strings; anything else is not sent by a form. */
function stringParams(params: unknown): Record<string, string[]> {
  const strings: Record<string, string[]> = {}
  if (typeof params !== 'object' || params === null) return strings
  for (const [name, value] of Object.entries(params)) {
    const list: unknown[] = Array.isArray(value) ? value : [value]
    strings[name] = list.filter((item): item is string => typeof item === 'string')
  }
  return strings
}

function errorAnswer(errorType: ApiErrorType, message: string): PrometheusAnswer {
  return { status: ERROR_STATUS[errorType], body: goJson({ status: 'error', errorType, error: message }) }
}
