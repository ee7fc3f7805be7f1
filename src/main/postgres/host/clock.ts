// Time as the plugins see it: epoch milliseconds for timestamps and intervals, and a pause for
// the rare case where a rate needs two samples a moment apart. Tests pass their own.
export interface Clock {
  now(): number
  wait(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}
