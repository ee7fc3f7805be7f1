import type { FailureReport } from '../../src/main/base/background'

/**
 * For background work no test expects to fail: the failure is thrown again, out of the timer, so
 * that vitest reports it as an unhandled error and the run fails.
 */
export const unexpectedFailure: FailureReport = (error) => {
  throw error
}
