// A page of one group's rows — its samples in a time range, staleness markers left out
// (isStaleRow), from the offset-th, `limit` of them — and how many there are, for the APIs that
// page rows. A day of one server is about 24 chunks, and a page of 10,000 rows reaches 15 of
// them: every chunk's times are decoded to count its rows in the range (and its first column's
// presence bits, to tell whether it may hold a staleness marker), but only the chunks the
// page reaches are decoded whole.
import { decodeChunk, decodeTimes } from './chunk-codec'
import { isStaleRow, type SampleValue } from './sample'
import type { SeriesRange } from './series-store'

/** Where a group's rows are, in the order the store keeps them: chunks still encoded, and the head's rows in the range. */
export type RowSource = { data: Uint8Array; firstSeq: number } | SeriesRange

export interface RowPage {
  rows: SeriesRange
  /** The group's rows in the range, on every page. */
  total: number
}

export interface PageQuery {
  start: number
  end: number
  offset: number
  /** -1: every row from the offset. */
  limit: number
}

/** One source's rows in the range, counted; its values decoded only when the page reaches it. */
interface Stretch {
  ts: readonly number[]
  /** Row i's sequence number: seq[i], or firstSeq + i for a chunk. */
  seq: readonly number[] | null
  firstSeq: number
  /** Its rows in the range are from ≤ i < to… */
  from: number
  to: number
  /** …or, when some of those are staleness markers, these (ascending). */
  kept: number[] | null
  columns: SampleValue[][] | null
  data: Uint8Array | null
}

/**
 * The page of the sources' rows, or null when the sources overlap in time (a late sample
 * started a chunk of its own): their rows must then be merged in time order, as SeriesStore.read
 * does, before they can be paged (pageOfRange).
 */
export function pageOfSources(sources: readonly RowSource[], columnCount: number, query: PageQuery): RowPage | null {
  const stretches = sources.map((source) => stretchOf(source, query))
  if (!inTimeOrder(stretches)) return null
  let total = 0
  for (const stretch of stretches) total += rowCount(stretch)
  return { rows: rowsAt(stretches, columnCount, query.offset, query.limit), total }
}

/** The page of rows read already, in time order (SeriesStore.read). */
export function pageOfRange(range: SeriesRange, columnCount: number, query: PageQuery): RowPage {
  return pageOfSources([range], columnCount, query) as RowPage
}

function stretchOf(source: RowSource, { start, end }: PageQuery): Stretch {
  let ts: readonly number[]
  let columns: SampleValue[][] | null
  if ('data' in source) {
    const times = decodeTimes(source.data)
    ts = times.ts
    // Telling a marker from a sample takes every column: a chunk that may hold one is decoded now.
    columns = times.mayHoldStaleRows ? decodeChunk(source.data).columns : null
  } else ({ ts, columns } = source)
  const from = firstAtOrAfter(ts, start)
  const to = firstAfter(ts, end, from)
  return {
    ts,
    seq: 'data' in source ? null : source.seq,
    firstSeq: 'data' in source ? source.firstSeq : 0,
    from,
    to,
    kept: columns === null ? null : keptRows(columns, from, to),
    columns,
    data: 'data' in source ? source.data : null
  }
}

/** The rows in [from, to) that are samples, or null when none is a staleness marker. */
function keptRows(columns: readonly SampleValue[][], from: number, to: number): number[] | null {
  let kept: number[] | null = null
  for (let r = from; r < to; r++) {
    if (isStaleRow(columns, r)) kept ??= Array.from({ length: r - from }, (_, i) => from + i)
    else kept?.push(r)
  }
  return kept
}

const rowCount = (stretch: Stretch): number => (stretch.kept === null ? stretch.to - stretch.from : stretch.kept.length)

/** Whether each source's rows come at or after the previous one's (as SeriesStore.read tells it). */
function inTimeOrder(stretches: readonly Stretch[]): boolean {
  let previousEnd = -Infinity
  for (const { ts } of stretches) {
    if (ts.length === 0) continue
    if ((ts[0] as number) < previousEnd) return false
    previousEnd = ts[ts.length - 1] as number
  }
  return true
}

/** Rows offset to offset + limit of the stretches, decoding only the stretches they are in. */
function rowsAt(stretches: readonly Stretch[], columnCount: number, offset: number, limit: number): SeriesRange {
  const pieces: SeriesRange[] = []
  let skip = offset
  let left = limit < 0 ? Infinity : limit
  for (const stretch of stretches) {
    if (left === 0) break
    const count = rowCount(stretch)
    if (skip >= count) {
      skip -= count
      continue
    }
    const take = Math.min(count - skip, left)
    pieces.push(piece(stretch, columnCount, skip, take))
    left -= take
    skip = 0
  }
  return joined(pieces, columnCount)
}

/** `take` of a stretch's rows, after skipping `skip` of them. */
function piece(stretch: Stretch, columnCount: number, skip: number, take: number): SeriesRange {
  const columns = (stretch.columns ??= decodeChunk(stretch.data as Uint8Array).columns)
  const missing = (): SampleValue[] => new Array<SampleValue>(take).fill(null)
  if (stretch.kept === null) {
    // Slices keep the decoded arrays' element kinds: numbers stay unboxed doubles or small integers.
    const from = stretch.from + skip
    const to = from + take
    return {
      ts: stretch.ts.slice(from, to),
      seq: stretch.seq === null ? Array.from({ length: take }, (_, i) => stretch.firstSeq + from + i) : stretch.seq.slice(from, to),
      columns: Array.from({ length: columnCount }, (_, c) => columns[c]?.slice(from, to) ?? missing())
    }
  }
  const rows = stretch.kept.slice(skip, skip + take)
  const seqOf = (r: number): number => (stretch.seq === null ? stretch.firstSeq + r : (stretch.seq[r] as number))
  return {
    ts: rows.map((r) => stretch.ts[r] as number),
    seq: rows.map(seqOf),
    columns: Array.from({ length: columnCount }, (_, c) => {
      const column = columns[c]
      return column === undefined ? missing() : rows.map((r) => column[r] as SampleValue)
    })
  }
}

function joined(pieces: readonly SeriesRange[], columnCount: number): SeriesRange {
  if (pieces.length === 1) return pieces[0] as SeriesRange
  const ts: number[] = []
  const seq: number[] = []
  return {
    ts: ts.concat(...pieces.map((part) => part.ts)),
    seq: seq.concat(...pieces.map((part) => part.seq)),
    columns: Array.from({ length: columnCount }, (_, c) => ([] as SampleValue[]).concat(...pieces.map((part) => part.columns[c] as SampleValue[])))
  }
}

/** The first index whose time is at or after `time` (times ascending). */
function firstAtOrAfter(ts: readonly number[], time: number): number {
  let low = 0
  let high = ts.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((ts[middle] as number) < time) low = middle + 1
    else high = middle
  }
  return low
}

/** The first index from `low` whose time is after `time`. */
function firstAfter(ts: readonly number[], time: number, low: number): number {
  let high = ts.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((ts[middle] as number) <= time) low = middle + 1
    else high = middle
  }
  return low
}
