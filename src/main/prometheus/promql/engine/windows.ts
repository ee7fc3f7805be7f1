// A range selector's window over one series as it slides forward with the steps: [mint, maxt],
// both ends included, kept as the index range of the series' samples it holds — the kernels
// read the series' columns between those indexes, so a window makes no object a sample. The
// samples kept from one step to the next stay counted, the ones left behind are let go, and
// the new ones are taken from the sample counter, as 2.42 counts them.
import type { SampleCounter } from './samples'

/** A series' samples, ascending. */
export interface Columns {
  timestamps: ArrayLike<number>
  values: ArrayLike<number>
}

export class SlidingWindow {
  /** The window holds the samples [from, to) of the series. */
  from = 0
  to = 0

  constructor(
    private readonly series: Columns,
    private readonly samples: SampleCounter
  ) {}

  /** Moves the window to [mint, maxt]; both must not decrease from one call to the next. */
  moveTo(mint: number, maxt: number): void {
    const { timestamps } = this.series
    let from = this.from
    while (from < timestamps.length && (timestamps[from] as number) < mint) from++
    let to = Math.max(this.to, from)
    while (to < timestamps.length && (timestamps[to] as number) <= maxt) to++
    // 2.42 keeps the previous window's samples from mint on only when its last one reaches mint.
    const kept = this.to > from ? this.to - from : 0
    this.samples.release(this.to - this.from - kept)
    this.samples.take(to - from - kept)
    this.from = from
    this.to = to
  }

  /** Lets the window's samples go. */
  close(): void {
    this.samples.release(this.to - this.from)
    this.from = this.to
  }
}
