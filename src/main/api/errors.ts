import type { FastifyError, FastifyRequest } from 'fastify'
import type { TSchema } from 'typebox'
import { AppError, type ErrorCode } from '../../shared/errors'
import { describeErrors, type SchemaError } from '../../shared/validation'

export const STATUS_OF: Record<ErrorCode, number> = {
  validation: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  unsupported_media_type: 415,
  misdirected: 421,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500
}

/**
 * A refusal by the HTTP layer itself (a foreign Host or Origin, a malformed request), before any
 * face's logic ran: every face answers it with its HTTP status, in the face's own body format.
 * (A feature's 'forbidden' — a refused database privilege — is the face's to map.)
 */
export class HttpRefusal extends AppError {}

/** Normalises anything thrown in a request (service errors, Fastify's own, bugs) into an AppError. */
export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error
  const fastifyError = error as FastifyError & { validation?: SchemaError[]; validationContext?: string }
  if (fastifyError.validation) {
    const part = (fastifyError.validationContext ?? 'body') as 'body' | 'querystring' | 'params' | 'headers'
    const schema = request.routeOptions.schema?.[part] as TSchema | undefined
    return AppError.fromIssues(describeErrors(schema ?? {}, fastifyError.validation))
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('validation', 'The request body must be valid JSON')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('too_large', 'The request body is too large')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Only application/json request bodies are accepted')
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new AppError('validation', 'The request body must be valid JSON')
  }
  if (fastifyError.statusCode === 404) return new AppError('not_found', 'Not found')
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError('validation', fastifyError.message)
  }
  return new AppError('internal', 'Internal error; see the Vigil log for details')
}
