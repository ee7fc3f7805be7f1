import Type, { type TSchema } from 'typebox'
import type { AppError } from '../../../shared/errors'
import { isoSeconds } from '../../../shared/time'

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

/**
 * A status a route answers with a body of its own (a failed connection test's 400) that also
 * carries the API's error body when the request itself is at fault (a malformed JSON body):
 * declared as either, so the documentation tells both and each serialises.
 */
export const orPrimaryError = <T extends TSchema>(schema: T) => Type.Union([schema, PrimaryErrorSchema])
