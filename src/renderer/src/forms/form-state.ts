// What every entity form does with issues, pure (unit-tested): the schema's before sending,
// the core's after, each shown at its field or, when the form has no such field, above it.
import type { TSchema } from 'typebox'
import { AppError } from '../../../shared/errors'
import { check } from '../../../shared/validation'
import { errorMessage } from '../transport/client'

/** Messages by field name, as the forms show them under their inputs. */
export type FieldErrors = Record<string, string | undefined>

export interface Issue {
  field: string
  message: string
}

/** The form's name for an issue's field (the API's name); null: none of the form's fields. */
export type FieldOf = (field: string) => string | null

/** What a form shows: messages at its fields, and the rest above it. */
export interface Placed {
  errors: FieldErrors
  formErrors: string[]
}

const sameName: FieldOf = (field) => field

/** Each issue at its field, the first of a field winning; those of no field go above the form. */
export function placeIssues(issues: readonly Issue[], fieldOf: FieldOf = sameName): Placed {
  const errors: FieldErrors = {}
  const formErrors: string[] = []
  for (const issue of issues) {
    const field = fieldOf(issue.field)
    if (field) errors[field] ??= issue.message
    else formErrors.push(issue.message)
  }
  return { errors, formErrors }
}

/** What a failed save shows: the core's field issues at their fields, anything else above the form. */
export function failureOf(error: unknown, fieldOf: FieldOf = sameName): Placed {
  if (error instanceof AppError && error.issues?.length) return placeIssues(error.issues, fieldOf)
  if (error instanceof AppError && error.field) return placeIssues([{ field: error.field, message: error.message }], fieldOf)
  return { errors: {}, formErrors: [errorMessage(error)] }
}

export function hasErrors(placed: Placed): boolean {
  return placed.formErrors.length > 0 || Object.values(placed.errors).some(Boolean)
}

/** The schema's issues with an input: what the core would refuse, found before sending. */
export function schemaIssues(schema: TSchema, input: unknown): Issue[] {
  const checked = check(schema, input)
  return checked.ok ? [] : checked.issues
}

/** Field names a form shows inputs for: any other field's issue is said above the form. */
export function fieldsOf(known: readonly string[]): FieldOf {
  return (field) => (known.includes(field) ? field : null)
}
