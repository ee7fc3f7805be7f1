import type { SourcesRepo } from './sources-repo'

const DAY_MS = 86_400_000

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS)

/**
 * Rows each source wrote, per table and UTC day, counted as they are written (the bus tells
 * every sample stored) and kept in SQLite every few seconds. A source's row count is the sum of
 * the days within the raw retention: what the store keeps of it, to within the day at the edge
 * (retention drops whole chunks), without reading the series store. Counting started with the
 * release that brought sources: rows written before it are not counted.
 */
export class RowCounts {
  /** source → table → day → rows */
  private readonly counts = new Map<string, Map<string, Map<number, number>>>()
  private pending = new Map<string, { source: string; table: string; day: number; rows: number }>()
  private prunedDay = -1

  constructor(
    private readonly repo: SourcesRepo,
    private readonly retentionDays: number,
    private readonly now: () => number = Date.now
  ) {
    for (const row of repo.rowsSince(this.firstDay())) this.bump(row.source, row.table_name, row.day, row.rows)
  }

  add(source: string, table: string, rows: number, at: number): void {
    if (rows <= 0) return
    const day = dayOf(at)
    this.bump(source, table, day, rows)
    const key = `${source}\u0000${table}\u0000${day}`
    const entry = this.pending.get(key)
    if (entry) entry.rows += rows
    else this.pending.set(key, { source, table, day, rows })
  }

  /** Rows of each table of the source within the retention. */
  tables(source: string): Map<string, number> {
    const first = this.firstDay()
    const answer = new Map<string, number>()
    for (const [table, days] of this.counts.get(source) ?? []) {
      let sum = 0
      for (const [day, rows] of days) if (day >= first) sum += rows
      answer.set(table, sum)
    }
    return answer
  }

  /** Writes what was counted since the last flush; drops days out of retention once a day. */
  flush(): void {
    if (this.pending.size > 0) {
      // Forgotten once written: a write that fails (the database?) leaves them for the next flush.
      this.repo.addRows(this.pending.values())
      this.pending = new Map()
    }
    const first = this.firstDay()
    if (first !== this.prunedDay) {
      this.prunedDay = first
      this.repo.dropRowsBefore(first)
      for (const tables of this.counts.values()) for (const days of tables.values()) for (const day of days.keys()) if (day < first) days.delete(day)
    }
  }

  private firstDay(): number {
    return dayOf(this.now()) - this.retentionDays
  }

  private bump(source: string, table: string, day: number, rows: number): void {
    let tables = this.counts.get(source)
    if (!tables) this.counts.set(source, (tables = new Map()))
    let days = tables.get(table)
    if (!days) tables.set(table, (days = new Map()))
    days.set(day, (days.get(day) ?? 0) + rows)
  }
}
