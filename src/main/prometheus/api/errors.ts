// The errors of Prometheus' HTTP API: an errorType, the HTTP status 2.42 answers it with, and
// the message. The API face writes them as {"status":"error","errorType":…,"error":…}.
import { ParseError } from '../promql'
import { goQuote } from './params'

export type ApiErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found'

/** 2.42's respondError. */
export const ERROR_STATUS: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 503,
  internal: 500,
  unavailable: 503,
  not_found: 404
}

export class PromApiError extends Error {
  constructor(
    readonly errorType: ApiErrorType,
    message: string
  ) {
    super(message)
    this.name = 'PromApiError'
  }

  get status(): number {
    return ERROR_STATUS[this.errorType]
  }
}

export const badData = (message: string): PromApiError => new PromApiError('bad_data', message)

/** 2.42's invalidParamError: bad_data, `invalid parameter "<name>": <message>`. */
export function invalidParam(name: string, error: unknown): PromApiError {
  return badData(`invalid parameter ${goQuote(name)}: ${(error as Error).message}`)
}

/** A parse error as bad_data with its own message; anything else thrown again. */
export function parseErrorAsBadData(error: unknown, parameter?: string): never {
  if (!(error instanceof ParseError)) throw error
  throw parameter === undefined ? badData(error.message) : invalidParam(parameter, error)
}
