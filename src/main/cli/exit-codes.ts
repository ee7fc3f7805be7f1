// What `vigil`'s client commands exit with, so scripts can branch on it without parsing text.
// The numbers are documented in the README ("The CLI") and must not change meaning.

export const EXIT = {
  ok: 0,
  /** A usage mistake, or input the server refused as invalid (400, the agent's 406). */
  usage: 1,
  /** No token, or the server refused it (401). */
  unauthenticated: 2,
  /** The token may not do this (403). */
  forbidden: 3,
  /** No such server, instance, user or path (404). */
  notFound: 4,
  /** Nothing answered at the URL (refused, no such host, timeout, a TLS handshake that failed). */
  unreachable: 5,
  /** 429: the answer's Retry-After is printed. */
  rateLimited: 6,
  /** Any other failure the server reported (5xx, an unexpected status, a failed connection test). */
  serverError: 7
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A failure a command reports on one line of stderr, with the exit code scripts see. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string
  ) {
    super(message)
  }
}

export const usageError = (message: string): CliError => new CliError(EXIT.usage, message)

/** The exit code of an HTTP error status, as the table above. */
export function exitCodeOfStatus(status: number): ExitCode {
  if (status === 400 || status === 406) return EXIT.usage
  if (status === 401) return EXIT.unauthenticated
  if (status === 403) return EXIT.forbidden
  if (status === 404) return EXIT.notFound
  if (status === 429) return EXIT.rateLimited
  return EXIT.serverError
}
