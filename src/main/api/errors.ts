import type { FastifyError, FastifyRequest } from 'fastify'
import Type, { type TSchema } from 'typebox'
import { AppError, type ErrorCode } from '../../shared/errors'
import { isoSeconds } from '../../shared/time'
import { describeErrors, type SchemaError } from '../../shared/validation'

export const STATUS_OF: Record<ErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  unsupported_media_type: 415,
  misdirected: 421,
  unavailable: 503,
  internal: 500
}

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

/**
 * The PostgreSQL agent API answers only 200, 401, 404, 406 (malformed input) and 500 (anything
 * else that went wrong, a refused privilege included — its message says which).
 */
const AGENT_STATUS_OF: Partial<Record<ErrorCode, number>> = { validation: 406, unauthorized: 401, not_found: 404 }

const isAgentPath = (request: FastifyRequest): boolean => request.url.startsWith('/pg/')

export function statusFor(error: AppError, request: FastifyRequest): number {
  if (isAgentPath(request) && !['too_large', 'unsupported_media_type', 'misdirected'].includes(error.code)) {
    return AGENT_STATUS_OF[error.code] ?? 500
  }
  return STATUS_OF[error.code]
}

/** Each spec keeps its own error envelope; the renderer's RPC answers the contract's `Outcome`. */
export function errorBody(error: AppError, request: FastifyRequest): unknown {
  const path = request.url.split('?')[0] ?? ''
  if (path.startsWith('/rpc/')) return { ok: false, error: error.toBody() }
  if (isAgentPath(request)) return { error: error.message }
  return primaryApiError(error)
}

/**
 * servers-metrics-oracle-api.md, "Error Handling": `{"error", "details"?, "timestamp"}`, and
 * for validation `{"error": "Validation error", "details": {"field": ["message"]}}`. A missing
 * required field keeps the headline the Create Server example shows, with `required_fields`.
 */
export function primaryApiError(error: AppError, now = Date.now()): Record<string, unknown> {
  const timestamp = isoSeconds(now)
  if (error.code === 'validation' && error.issues?.length) {
    const details: Record<string, string[]> = {}
    for (const issue of error.issues) (details[issue.field || 'non_field_errors'] ??= []).push(issue.rule)
    const headline = error.extra?.required_fields ? error.message : 'Validation error'
    return { error: headline, ...error.extra, details, timestamp }
  }
  return { error: error.message, ...error.extra, timestamp }
}

/** The bodies primaryApiError writes, for route schemas; open, so extras such as `required_fields` pass. */
export const PrimaryErrorSchema = Type.Object(
  {
    error: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
    timestamp: Type.String({ format: 'date-time' }),
    required_fields: Type.Optional(Type.Array(Type.String())),
    unknown_ids: Type.Optional(Type.Array(Type.String()))
  },
  { additionalProperties: true }
)
