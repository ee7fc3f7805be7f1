// Counters the agent reports as changes between two calls of a probe (CPU time, forks, context
// switches, WAL written), with the seconds between the two samples as measure_interval.
import { AppError } from '../../../shared/errors'
import type { Clock } from '../host/clock'

/** Counters read at one moment, by key (a CPU name; a single key for host-wide counters). */
export interface CounterSample {
  /** Epoch milliseconds. */
  at: number
  counters: Record<string, Record<string, number>>
}

export interface CounterChange {
  /** Seconds between the two samples. */
  measureInterval: number
  deltas: Record<string, Record<string, number>>
}

/**
 * How much each counter grew between two samples, or null when they cannot be compared: no
 * time passed, the keys differ (a CPU went offline), or a counter went backwards (a reboot,
 * a statistics reset, a server restored from a backup).
 */
export function counterChange(previous: CounterSample, current: CounterSample): CounterChange | null {
  const measureInterval = (current.at - previous.at) / 1000
  if (!(measureInterval > 0)) return null
  const keys = Object.keys(current.counters)
  if (keys.length !== Object.keys(previous.counters).length) return null
  const deltas: Record<string, Record<string, number>> = {}
  for (const key of keys) {
    const before = previous.counters[key]
    const after = current.counters[key]
    if (!before || !after) return null
    const change: Record<string, number> = {}
    for (const [name, value] of Object.entries(after)) {
      const delta = value - (before[name] ?? Number.NaN)
      if (!(delta >= 0)) return null
      change[name] = delta
    }
    deltas[key] = change
  }
  return { measureInterval, deltas }
}

export interface Measured<T> {
  /** The latest reading, for the fields reported as they are. */
  reading: T
  /** When the latest reading started, epoch milliseconds. */
  at: number
  change: CounterChange
}

/**
 * Keeps each probe's previous counter sample (for one instance and its host) and measures the
 * change since. A call with nothing comparable before it (the first one, or one after a reset)
 * reads twice, primeWindowMs apart, so that every call answers with a change rather than the
 * empty list the agent gives then. Calls of one probe run one after the other, so that each
 * measures from the sample the previous one left.
 */
export class CounterTracker {
  private readonly previous = new Map<string, CounterSample>()
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor(
    private readonly clock: Clock,
    private readonly primeWindowMs: number
  ) {}

  measure<T>(probe: string, read: () => Promise<T>, countersOf: (reading: T) => CounterSample['counters']): Promise<Measured<T>> {
    const run = (this.queues.get(probe) ?? Promise.resolve()).then(
      () => this.measureNow(probe, read, countersOf),
      () => this.measureNow(probe, read, countersOf)
    )
    this.queues.set(probe, run)
    return run
  }

  private async measureNow<T>(probe: string, read: () => Promise<T>, countersOf: (reading: T) => CounterSample['counters']): Promise<Measured<T>> {
    const sample = async (): Promise<{ reading: T; sample: CounterSample }> => {
      const at = this.clock.now()
      const reading = await read()
      return { reading, sample: { at, counters: countersOf(reading) } }
    }
    let latest = await sample()
    const before = this.previous.get(probe)
    let change = before ? counterChange(before, latest.sample) : null
    if (!change) {
      await this.clock.wait(this.primeWindowMs)
      const first = latest
      latest = await sample()
      change = counterChange(first.sample, latest.sample)
    }
    this.previous.set(probe, latest.sample)
    if (!change) throw new AppError('unavailable', `The ${probe} counters changed shape or went backwards while being measured; try again`)
    return { reading: latest.reading, at: latest.sample.at, change }
  }
}
