// The result codes of the sysmon OpenMetrics API (sysmon-prometheus-api.md): each answer is
// `{header:{isSuccessful,resultCode,resultMessage}, body}` on HTTP 200, the code saying what
// went wrong. What each means in Vigil is in the README ("Scraping OpenMetrics targets").
export const RESULT_CODES = {
  SUCCESS: 0,
  /** A workspace of that name, or that target (job, server, port), exists already. */
  ALREADY_EXIST: -40001,
  /** A field is missing or invalid; the body is not JSON. */
  BAD_INPUT_VALUE: -40002,
  /** The hostId is no registered server (the project is checked before: another one is 403). */
  INVALID_HOST_OR_PROJECT: -40004,
  /** No workspace has that jobId. */
  NOT_FOUND_JOB: -40006,
  /** The workspace has no target with that targetId. */
  NOT_FOUND_TARGET: -40007,
  /** The workspace is system-reserved: it cannot be modified or deleted, nor take targets. */
  SYSTEM_RESERVED_JOB: -40012,
  /** Anything else; the reason is in Vigil's log. */
  INTERNAL_SERVER_ERROR: -50000
} as const

export type ResultName = keyof typeof RESULT_CODES

/** A refusal the API answers with a result code on HTTP 200. */
export class WorkspaceError extends Error {
  constructor(
    readonly result: Exclude<ResultName, 'SUCCESS'>,
    message: string
  ) {
    super(message)
    this.name = 'WorkspaceError'
  }
}

/** The one project Vigil has: its id in every /v1.0/projects/{projectId} path. */
export const PROJECT_ID = 'default'
