// One store column as a Prometheus series' samples: in time order, one sample per timestamp,
// missing values (null: a field the OS does not supply) left out, staleness markers kept.
import { STALE, type SampleValue } from '../../base/series/sample'
import type { SeriesRange } from '../../base/series/series-store'

/** A sample's value: a number, or STALE — a staleness marker, which PromQL treats as the end of the series. */
export type PromSampleValue = number | typeof STALE

export interface PromSamples {
  /** Milliseconds, strictly ascending. */
  timestamps: number[]
  values: PromSampleValue[]
}

/** A column of one group's samples, read from the store. */
export interface ColumnPart {
  range: SeriesRange
  column: number
}

interface Row {
  ts: number
  /** Which part (group) it came from: a later group of the same series wins a tie. */
  part: number
  /** The sample's sequence number in its group: the later write wins a tie. */
  seq: number
  value: PromSampleValue
}

/**
 * The samples of a series stored in one group or, rarely, several (a process back after its
 * group left memory). Two samples at one time — an import that wrote it again — keep the one
 * written last.
 */
export function columnSamples(parts: readonly ColumnPart[]): PromSamples {
  return parts.length === 1 ? onePart(parts[0] as ColumnPart) : severalParts(parts)
}

/** The common case, without a row object per sample: the store gives one group's rows in time order. */
function onePart({ range, column }: ColumnPart): PromSamples {
  const values = range.columns[column] ?? []
  if (isPlain(range.ts, values)) return { timestamps: range.ts, values: values as PromSampleValue[] }
  const out: PromSamples = { timestamps: [], values: [] }
  let lastSeq = -1
  for (let i = 0; i < range.ts.length; i++) {
    const value = values[i] as SampleValue | undefined
    if (value === null || value === undefined) continue
    const ts = range.ts[i] as number
    const seq = range.seq[i] as number
    const at = out.timestamps.length - 1
    if (at >= 0 && out.timestamps[at] === ts) {
      if (seq > lastSeq) {
        out.values[at] = value
        lastSeq = seq
      }
      continue
    }
    out.timestamps.push(ts)
    out.values.push(value)
    lastSeq = seq
  }
  return out
}

/**
 * Whether a column is already a series' samples — a value at every time, no time twice — so
 * the store's arrays can be handed on as they are, without a copy (nothing downstream writes to them).
 */
function isPlain(ts: readonly number[], values: readonly SampleValue[]): boolean {
  if (values.length !== ts.length) return false
  for (let i = 0; i < ts.length; i++) {
    const value = values[i]
    if (value === null || value === undefined) return false
    if (i > 0 && ts[i] === ts[i - 1]) return false
  }
  return true
}

function severalParts(parts: readonly ColumnPart[]): PromSamples {
  const rows: Row[] = []
  let sorted = true
  parts.forEach(({ range, column }, part) => {
    const values = range.columns[column] ?? []
    for (let i = 0; i < range.ts.length; i++) {
      const value = values[i] as SampleValue | undefined
      if (value === null || value === undefined) continue
      const ts = range.ts[i] as number
      const last = rows[rows.length - 1]
      if (last !== undefined && ts < last.ts) sorted = false
      rows.push({ ts, part, seq: range.seq[i] as number, value })
    }
  })
  if (!sorted) rows.sort((a, b) => a.ts - b.ts || a.part - b.part || a.seq - b.seq)
  const out: PromSamples = { timestamps: [], values: [] }
  let winner: Row | undefined
  for (const row of rows) {
    if (winner !== undefined && winner.ts === row.ts) {
      if (row.part > winner.part || (row.part === winner.part && row.seq > winner.seq)) {
        out.values[out.values.length - 1] = row.value
        winner = row
      }
      continue
    }
    out.timestamps.push(row.ts)
    out.values.push(row.value)
    winner = row
  }
  return out
}

export { STALE }
