// Compensated summation (Kahan–Babuška–Neumaier), as 2.42 sums over time and fits lines: the
// running sum plus the low-order bits it lost, added back at the end.

export class CompensatedSum {
  /** The plain running sum. */
  sum = 0
  /** What rounding took off it so far. */
  compensation = 0

  add(increment: number): void {
    const total = this.sum + increment
    // The smaller of the two addends is the one whose low bits got lost.
    if (Math.abs(this.sum) >= Math.abs(increment)) this.compensation += this.sum - total + increment
    else this.compensation += increment - total + this.sum
    this.sum = total
  }

  /** The compensated sum. */
  get value(): number {
    return this.sum + this.compensation
  }
}
