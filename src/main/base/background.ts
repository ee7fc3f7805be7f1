// Work that timers start. An exception thrown out of a timer's callback is uncaught: it ends
// `vigil serve` (and brings up Electron's crash dialog), and the feature's timer dies with it. So
// work a timer starts reports its failure to its owner instead, and the timer goes on.

/** Tells of a background task's failure. Never throws: it is what a failure ends in. */
export type FailureReport = (error: unknown) => void

/** The report for one background task, named in its lines ("metrics roll-ups failed: …"). */
export type FailureReporter = (task: string) => FailureReport

/** `work` as a timer's callback: a failure, thrown or a rejected promise, is reported, not thrown. */
export function reportingFailures(work: () => unknown, report: FailureReport): () => void {
  return () => {
    try {
      const result = work()
      if (result instanceof Promise) result.catch(report)
    } catch (error) {
      report(error)
    }
  }
}
