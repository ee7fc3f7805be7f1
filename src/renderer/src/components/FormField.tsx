import type { ReactNode } from 'react'
import { AppError } from '../../../shared/errors'
import { errorMessage } from '../transport/client'

/** Messages by field name, as the forms show them under their inputs. */
export type FieldErrors = Record<string, string | undefined>

/** Issues (the schema's or the core's) keyed by field; the first message of a field wins. */
export function errorsOf(issues: ReadonlyArray<{ field: string; message: string }>): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of issues) errors[issue.field] ??= issue.message
  return errors
}

/** What a failed save shows: the core's field issues at their fields, anything else above the form. */
export function failureOf(error: unknown): { errors: FieldErrors; formError: string | null } {
  if (error instanceof AppError && error.issues?.length) return { errors: errorsOf(error.issues), formError: null }
  if (error instanceof AppError && error.field) return { errors: { [error.field]: error.message }, formError: null }
  return { errors: {}, formError: errorMessage(error) }
}

/** A labelled input with its error (or, without one, its hint) under it. */
export function FormField({ label, error, hint, errorId, children }: { label: string; error?: string; hint?: ReactNode; errorId?: string; children: ReactNode }) {
  return (
    <label className={error ? 'field field-invalid' : 'field'}>
      <span className="field-label">{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert" id={errorId}>
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </label>
  )
}
