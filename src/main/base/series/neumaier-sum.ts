// A sum that adds up floats as SQLite's SUM and AVG do, so averages read from the series store
// equal those SQL computed over the same values (the metrics before and after the store).

/**
 * Kahan–Babuška–Neumaier summation, as SQLite's SUM and AVG add up: adds `value` to the sum
 * kept in cells[at], its running compensation in cells[at + 1]. On cells of a typed array, so
 * that totals kept by the thousand (process buckets) add up without allocating.
 */
export function addCompensated(cells: Float64Array, at: number, value: number): void {
  const sum = cells[at] as number
  const total = sum + value
  const lost = Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum
  cells[at + 1] = (cells[at + 1] as number) + lost
  cells[at] = total
}

/** The sum kept in cells[at] (addCompensated), its compensation added. */
export function compensatedTotal(cells: Float64Array, at: number): number {
  return (cells[at] as number) + (cells[at + 1] as number)
}

/** One compensated sum. */
export class NeumaierSum {
  private readonly cells = new Float64Array(2)

  add(value: number): void {
    addCompensated(this.cells, 0, value)
  }

  total(): number {
    return compensatedTotal(this.cells, 0)
  }
}
