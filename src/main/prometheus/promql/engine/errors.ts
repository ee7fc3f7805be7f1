// The errors a query can end with, worded as Prometheus 2.42 words them, and the `errorType`
// its HTTP API reports for each (bad_data 400, execution 422, timeout 503, internal 500).
import { PromqlExecutionError } from '../kernels/values'
import { ParseError } from '../parse-error'

export { PromqlExecutionError }

export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'internal'

/** A query the engine refuses before evaluating it (a range query over a range vector). */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError'
}

/** The query ran past its deadline; `where` is the phase it was in, as in "query timed out in expression evaluation". */
export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError'
  constructor(where: string) {
    super(`query timed out in ${where}`)
  }
}

/** More samples in memory at once than the engine's maxSamples. */
export class TooManySamplesError extends PromqlExecutionError {
  constructor() {
    super('query processing would load too many samples into memory in query execution')
  }
}

/** The series source failed. */
export class StorageError extends Error {
  override readonly name = 'StorageError'
}

/** The errorType of Prometheus's API for an error a query ended with. */
export function queryErrorType(err: unknown): QueryErrorType {
  if (err instanceof ParseError || err instanceof InvalidQueryError) return 'bad_data'
  if (err instanceof QueryTimeoutError) return 'timeout'
  if (err instanceof StorageError) return 'internal'
  return 'execution'
}

/** A deadline checked at the points where 2.42 checks its context. */
export class Deadline {
  constructor(private readonly atMs: number) {}

  check(where = 'expression evaluation'): void {
    if (Date.now() >= this.atMs) throw new QueryTimeoutError(where)
  }
}
