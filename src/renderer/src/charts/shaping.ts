// Turns columnar series into what a uPlot panel draws: aligned on one time axis, with a null
// row wherever the collector was away (uPlot breaks a line at null), padded to the range shown.
// Pure functions of arrays, so they are unit-tested in Node.
import type { Series } from '../../../shared/metric-series'

export type Column = Array<number | null>

/** One time axis and its aligned columns: uPlot's data layout minus the x array's place. */
export interface Table {
  ts: number[]
  columns: Column[]
}

/** Samples further apart than this many steps mean the collector was away: the line breaks. */
export const GAP_FACTOR = 2.5

/** The time ranges between consecutive samples that count as gaps. */
export function findGaps(ts: readonly number[], stepMs: number): Array<[from: number, to: number]> {
  const gaps: Array<[number, number]> = []
  const limit = stepMs * GAP_FACTOR
  for (let i = 1; i < ts.length; i++) {
    if ((ts[i] as number) - (ts[i - 1] as number) > limit) gaps.push([ts[i - 1] as number, ts[i] as number])
  }
  return gaps
}

/** A copy of `table` with one all-null row one step after the start of each gap. */
export function insertGaps(table: Table, stepMs: number): Table {
  const gaps = findGaps(table.ts, stepMs)
  if (gaps.length === 0) return table
  const ts: number[] = []
  const columns: Column[] = table.columns.map(() => [])
  let next = 0
  for (let i = 0; i < table.ts.length; i++) {
    const t = table.ts[i] as number
    const gap = gaps[next]
    if (gap && t === gap[1]) {
      ts.push(gap[0] + stepMs)
      for (const column of columns) column.push(null)
      next++
    }
    ts.push(t)
    table.columns.forEach((column, c) => (columns[c] as Column).push(column[i] ?? null))
  }
  return { ts, columns }
}

/**
 * Puts several series on one time axis (the union of their times), null where one has no
 * sample. Disks and interfaces of one server share sample times, so this is mostly a copy.
 */
export function alignSeries(parts: readonly Table[]): Table {
  if (parts.length === 1) return parts[0] as Table
  if (parts.length > 1 && parts.every((part) => sameTimes(part.ts, (parts[0] as Table).ts))) {
    return { ts: (parts[0] as Table).ts, columns: parts.flatMap((part) => part.columns) }
  }
  const times = new Set<number>()
  for (const part of parts) for (const t of part.ts) times.add(t)
  const ts = [...times].sort((a, b) => a - b)
  const index = new Map(ts.map((t, i) => [t, i]))
  const columns: Column[] = []
  for (const part of parts) {
    const rows = part.ts.map((t) => index.get(t) as number)
    for (const source of part.columns) {
      const column: Column = new Array<number | null>(ts.length).fill(null)
      rows.forEach((row, i) => (column[row] = source[i] ?? null))
      columns.push(column)
    }
  }
  return { ts, columns }
}

function sameTimes(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The table of one series' fields, in the order asked. */
export function tableOf(series: Series, fields: readonly string[]): Table {
  return { ts: series.ts, columns: fields.map((field) => series.values[field] ?? new Array<null>(series.ts.length).fill(null)) }
}

/** Running sums, bottom series first, for stacked areas (a null counts as 0 unless all are null). */
export function stack(columns: readonly Column[]): Column[] {
  const length = columns[0]?.length ?? 0
  const sums: Column[] = columns.map(() => new Array<number | null>(length))
  for (let i = 0; i < length; i++) {
    let sum = 0
    let any = false
    columns.forEach((column, c) => {
      const value = column[i]
      if (value !== null && value !== undefined) {
        sum += value
        any = true
      }
      ;(sums[c] as Column)[i] = any ? sum : null
    })
  }
  return sums
}

/** Adds empty rows at `start` and `end` when the data does not reach them, so the axis spans the range. */
export function padToRange(table: Table, start: number, end: number): Table {
  const first = table.ts[0]
  const last = table.ts[table.ts.length - 1]
  const head = first === undefined || first > start
  const tail = last === undefined || last < end
  if (!head && !tail) return table
  const ts = [...(head ? [start] : []), ...table.ts, ...(tail ? [end] : [])]
  const columns = table.columns.map((column) => [...(head ? [null] : []), ...column, ...(tail ? [null] : [])])
  return { ts, columns }
}

/** The last non-null value of a column, for a legend when the cursor is away. */
export function lastValue(column: Column): number | null {
  for (let i = column.length - 1; i >= 0; i--) {
    const value = column[i]
    if (value !== null && value !== undefined) return value
  }
  return null
}

/** Appends one sample to a series in place and drops what fell out of the window. */
export function appendSample(series: Series, ts: number, values: Record<string, unknown>, windowStart: number): void {
  const last = series.ts[series.ts.length - 1]
  if (last !== undefined && ts <= last) return
  series.ts.push(ts)
  for (const [field, column] of Object.entries(series.values)) {
    const value = values[field]
    column.push(typeof value === 'number' ? value : null)
  }
  let drop = 0
  while (drop < series.ts.length && (series.ts[drop] as number) < windowStart) drop++
  if (drop > 0) {
    series.ts.splice(0, drop)
    for (const column of Object.values(series.values)) column.splice(0, drop)
  }
}

/** The rows of `table` within [min, max] as CSV, a header first; times in ISO 8601 UTC. */
export function toCsv(table: Table, labels: readonly string[], min = -Infinity, max = Infinity): string {
  const quote = (text: string): string => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)
  const lines = [['time', ...labels].map(quote).join(',')]
  table.ts.forEach((t, i) => {
    if (t < min || t > max) return
    const values = table.columns.map((column) => column[i])
    if (values.every((value) => value === null || value === undefined)) return
    lines.push([new Date(t).toISOString(), ...values.map((value) => (value === null || value === undefined ? '' : String(value)))].join(','))
  })
  return `${lines.join('\n')}\n`
}
