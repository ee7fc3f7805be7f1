// The Prometheus face's errors: `{"status":"error","errorType":…,"error":…}` with the HTTP status
// 2.42 gives each errorType (bad_data 400, execution 422, timeout 503, …). Refusals of the HTTP
// layer and of Vigil's credential keep their own status, with an errorType that names them.
import { AppError, type ErrorCode } from '../../../shared/errors'
import { ApiParamError, ERROR_STATUS, ExpositionError, PromApiError, type ApiErrorType } from '../../prometheus'
import { STATUS_OF } from '../errors'

/** An error of the Prometheus API, carried through Fastify's error handling as an AppError. */
export class PrometheusHttpError extends AppError {
  constructor(
    readonly errorType: ApiErrorType,
    message: string
  ) {
    super(errorType === 'bad_data' ? 'validation' : errorType === 'not_found' ? 'not_found' : 'internal', message)
  }
}

/** The errorType of an error that is not the Prometheus API's own. */
const ERROR_TYPE_OF: Partial<Record<ErrorCode, string>> = {
  validation: 'bad_data',
  bad_request: 'bad_data',
  too_large: 'bad_data',
  not_found: 'not_found',
  unavailable: 'unavailable',
  internal: 'internal'
}

export function errorStatus(error: AppError): number {
  return error instanceof PrometheusHttpError ? ERROR_STATUS[error.errorType] : STATUS_OF[error.code]
}

export function errorBody(error: AppError): { status: 'error'; errorType: string; error: string } {
  const errorType = error instanceof PrometheusHttpError ? error.errorType : (ERROR_TYPE_OF[error.code] ?? error.code)
  return { status: 'error', errorType, error: error.message }
}

/** What the feature throws (a parameter, a query, an import body at fault) as the face's error; anything else as it is. */
export function asHttpError(error: unknown): unknown {
  if (error instanceof PromApiError) return new PrometheusHttpError(error.errorType, error.message)
  if (error instanceof ApiParamError || error instanceof ExpositionError) return new PrometheusHttpError('bad_data', error.message)
  return error
}
