import type { TSchema } from 'typebox'
import { AppError } from '../../shared/errors'
import { check } from '../../shared/validation'

/**
 * The input as `schema` types it, or a validation AppError naming every bad field.
 * `extraIfMissing` joins the error body when a required field is missing (the spec's `required_fields`).
 */
export function validated<T>(schema: TSchema, value: unknown, extraIfMissing?: Record<string, unknown>): T {
  const result = check<T>(schema, value ?? {})
  if (!result.ok) {
    const requiredMissing = result.issues.some((issue) => issue.kind === 'required')
    throw AppError.fromIssues(result.issues, requiredMissing ? extraIfMissing : undefined)
  }
  return result.value
}
