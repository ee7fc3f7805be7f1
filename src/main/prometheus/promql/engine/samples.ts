// How many samples a query holds in memory, against its limit, counted where Prometheus 2.42
// counts them. One counter serves a whole query: 2.42 hands its count to each subquery's and
// invariant part's evaluation and takes it back after, which is the same as sharing it.
import { TooManySamplesError } from './errors'

export class SampleCounter {
  current = 0

  constructor(readonly max: number) {}

  /** n more samples held, or the "too many samples" error if that goes over the limit. */
  take(n = 1): void {
    if (this.current + n > this.max) throw new TooManySamplesError()
    this.current += n
  }

  release(n: number): void {
    this.current -= n
  }
}
