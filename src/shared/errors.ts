import type { ValidationIssue } from './validation'

export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'misdirected'
  | 'too_large'
  | 'unsupported_media_type'
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
  /** Extra, spec-defined members (e.g. `required_fields`). */
  details?: Record<string, unknown>
}

/** The one error type services throw; each API surface renders it in its own spec's format. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly field?: string
  readonly issues?: ValidationIssue[]
  readonly details?: Record<string, unknown>

  constructor(code: ErrorCode, message: string, extra: Omit<ErrorBody, 'code' | 'message'> = {}) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.field = extra.field
    this.issues = extra.issues
    this.details = extra.details
  }

  static fromIssues(issues: ValidationIssue[], details?: Record<string, unknown>): AppError {
    const first = issues[0]
    return new AppError('validation', first?.message ?? 'Invalid input', { field: first?.field, issues, details })
  }

  static fromBody(body: ErrorBody): AppError {
    return new AppError(body.code, body.message, body)
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, field: this.field, issues: this.issues, details: this.details }
  }
}
