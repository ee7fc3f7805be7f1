// A sum that adds up floats as SQLite's SUM and AVG do, so averages read from the series store
// equal those SQL computed over the same values (the metrics before and after the store).

/** Kahan–Babuška–Neumaier summation, as SQLite's SUM and AVG add up. */
export class NeumaierSum {
  private sum = 0
  private compensation = 0

  add(value: number): void {
    const total = this.sum + value
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - total + value
    else this.compensation += value - total + this.sum
    this.sum = total
  }

  total(): number {
    return this.sum + this.compensation
  }
}
