// A range selector's window over one series as it slides forward with the steps: [mint, maxt],
// both ends included. A point is made (as the kernels read points) when it enters the window,
// from one that left it when there is one: the kernels read a window's points during the call
// and keep none, so a window allocates only as many points as it ever holds at once. The points kept
// from one step to the next stay counted, the points left behind are let go, and the new ones
// are taken from the sample counter, as 2.42 counts them.
import type { Point } from '../kernels/values'
import type { SampleCounter } from './samples'

/** A series' samples, ascending. */
export interface Columns {
  timestamps: ArrayLike<number>
  values: ArrayLike<number>
}

export class SlidingWindow {
  /** The window holds the samples [from, to), as points. */
  private from = 0
  private to = 0
  private readonly points: Point[] = []
  /** Points that left the window, made again for the samples that enter it: no object a sample. */
  private readonly spare: Point[] = []

  constructor(
    private readonly series: Columns,
    private readonly samples: SampleCounter
  ) {}

  /**
   * The points in [mint, maxt]; both must not decrease from one call to the next. The array is
   * the window's own, valid until the next move.
   */
  moveTo(mint: number, maxt: number): readonly Point[] {
    const { timestamps, values } = this.series
    let from = this.from
    while (from < timestamps.length && (timestamps[from] as number) < mint) from++
    let to = Math.max(this.to, from)
    while (to < timestamps.length && (timestamps[to] as number) <= maxt) to++
    // 2.42 keeps the previous window's points from mint on only when its last point reaches mint.
    const kept = this.to > from ? this.to - from : 0
    this.samples.release(this.points.length - kept)
    this.samples.take(to - from - kept)
    const left = this.points.length - kept
    if (left > 0) {
      for (let i = 0; i < left; i++) this.spare.push(this.points[i] as Point)
      this.points.splice(0, left)
    }
    for (let i = from + kept; i < to; i++) {
      const point = this.spare.pop()
      if (point === undefined) this.points.push({ t: timestamps[i] as number, v: values[i] as number })
      else {
        point.t = timestamps[i] as number
        point.v = values[i] as number
        this.points.push(point)
      }
    }
    this.from = from
    this.to = to
    return this.points
  }

  /** Lets the window's points go. */
  close(): void {
    this.samples.release(this.points.length)
    this.points.length = 0
    this.from = this.to
  }
}
