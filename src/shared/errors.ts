import { sentence, type ValidationIssue } from './issues'

export type ErrorCode =
  | 'validation'
  /** A request HTTP itself forbids (two Host headers, an undecodable URL): 400 on every face. */
  | 'bad_request'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'misdirected'
  | 'too_large'
  | 'unsupported_media_type'
  /** Refused before any work: too many attempts (logins), or too many at once. */
  | 'too_many_requests'
  | 'unavailable'
  | 'internal'

/** How a failure travels over IPC and the RPC endpoint: plain data, no class. */
export interface ErrorBody {
  code: ErrorCode
  message: string
  /** The first field at fault, for forms. */
  field?: string
  /** Every field at fault. */
  issues?: ValidationIssue[]
  /** Extra, spec-defined members of the error body (e.g. `required_fields`). */
  extra?: Record<string, unknown>
  /** When to try again (too_many_requests); HTTP sends it as Retry-After. */
  retryAfterSeconds?: number
}

/** The one error type services throw; each API surface renders it in its own spec's format. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly field?: string
  readonly issues?: ValidationIssue[]
  readonly extra?: Record<string, unknown>
  readonly retryAfterSeconds?: number

  constructor(code: ErrorCode, message: string, extra: Omit<ErrorBody, 'code' | 'message'> = {}) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.field = extra.field
    this.issues = extra.issues
    this.extra = extra.extra
    this.retryAfterSeconds = extra.retryAfterSeconds
  }

  static fromIssues(issues: ValidationIssue[], extra?: Record<string, unknown>): AppError {
    const first = issues[0]
    return new AppError('validation', first?.message ?? 'Invalid input', { field: first?.field, issues, extra })
  }

  /** A rule broken by one field, found by a service rather than a schema (e.g. a duplicate). */
  static invalidField(field: string, rule: string, extra?: Record<string, unknown>): AppError {
    return AppError.fromIssues([{ field, kind: 'invalid', message: rule, rule: sentence(rule) }], extra)
  }

  static fromBody(body: ErrorBody): AppError {
    return new AppError(body.code, body.message, body)
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, field: this.field, issues: this.issues, extra: this.extra, retryAfterSeconds: this.retryAfterSeconds }
  }
}
