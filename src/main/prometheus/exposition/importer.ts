// Writes imported series into the series store (the import endpoint; `vigil import-metrics`
// sends its batches there too). The whole body is read and checked first: a body with one bad
// line writes nothing.
//
// Where they go: each series is one group of its own, `prom:<name>{its labels}` with one column
// (external-series.ts), so imports never mix with the groups Vigil collects.
// Order and repeats: samples may come in any order, also older than what is stored (reads put
// them in time order). A sample at a time the series already has: the same value is skipped (so
// importing a file twice stores it once); another value replaces it — the last one written wins,
// within a body too.
import { isUtf8 } from 'node:buffer'
import type { SampleValue } from '../../base/series/sample'
import type { SeriesStore } from '../../base/series/series-store'
import { externalGroupKey, isReservedName, VIGIL_PREFIX } from '../series/external-series'
import { labelSet } from '../series/label-sets'
import { ExpositionError, parseExposition, type ExpositionFormat, type ParsedExposition, type ParsedSeries } from './text-parser'

/** Timestamps an import takes: 1970 to the end of 9999. */
export const IMPORT_TIME_RANGE = { min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }

export interface ImportResult {
  series: number
  /** Samples written. */
  samples: number
  /** Samples already stored with the same value, not written again. */
  unchanged: number
}

/** Parses and checks a whole body as the import takes it; throws ExpositionError at the first fault. */
export function parseImport(body: Buffer | string, format: ExpositionFormat): ParsedExposition {
  const parsed = parseExposition(decodeUtf8(body), format, { timestampRange: IMPORT_TIME_RANGE })
  for (const series of parsed.series) checkImportable(series)
  return parsed
}

/** Parses, checks and writes a whole body; throws ExpositionError (nothing written) when any of it is bad. */
export function importExposition(store: SeriesStore, body: Buffer | string, format: ExpositionFormat, nowMs: number): ImportResult {
  const parsed = parseImport(body, format)
  const result: ImportResult = { series: parsed.series.length, samples: 0, unchanged: 0 }
  for (const series of parsed.series) {
    const written = writeSeries(store, series, nowMs)
    result.samples += written
    result.unchanged += series.values.length - written
  }
  store.flush()
  return result
}

/** Names and labels an import may not use: Vigil's own names, and Prometheus' reserved labels. */
function checkImportable(series: ParsedSeries): void {
  if (isReservedName(series.name)) {
    throw new ExpositionError(series.line, 1, `the name ${JSON.stringify(series.name)} is reserved: names starting with ${VIGIL_PREFIX} are the series Vigil collects`)
  }
  const reserved = Object.keys(series.labels).find((name) => name.startsWith('__'))
  if (reserved !== undefined) throw new ExpositionError(series.line, 1, `the label name ${JSON.stringify(reserved)} is reserved: names starting with __ are Prometheus' own`)
}

/** Writes one series' samples in time order (the last of a time as written); returns how many were new. */
function writeSeries(store: SeriesStore, series: ParsedSeries, nowMs: number): number {
  const samples = series.values.map((value, i) => ({ ts: series.timestamps[i] ?? nowMs, value, order: i }))
  samples.sort((a, b) => a.ts - b.ts || a.order - b.order)
  const latest = samples.filter((sample, i) => samples[i + 1]?.ts !== sample.ts)
  const id = store.groupId(externalGroupKey('import', series.name, labelSet(Object.entries(series.labels))))
  const stored = storedValues(store, id, latest[0]?.ts ?? 0, latest[latest.length - 1]?.ts ?? 0)
  let written = 0
  for (const { ts, value } of latest) {
    const known = stored.get(ts)
    if (known !== undefined && Object.is(known, value)) continue
    store.append(id, ts, [value])
    written++
  }
  return written
}

/**
 * Deletes an imported or scraped series' samples with times in [startMs, endMs]: the whole group
 * when that is all of it, else the group written again with the samples outside the range (the
 * last written of each time, as reads answer).
 */
export function deleteExternalSamples(store: SeriesStore, id: number, startMs: number, endMs: number): void {
  const group = store.group(id)
  const first = store.firstTs(id)
  const last = store.lastTs(id)
  if (group === undefined || first === null || last === null || last < startMs || first > endMs) return
  const kept = [...storedValues(store, id, first, last)].filter(([ts]) => ts < startMs || ts > endMs).sort(([a], [b]) => a - b)
  store.deleteGroupIds([id])
  if (kept.length === 0) return
  const { metric, labels, columns } = group
  const rewritten = store.groupId({ metric, labels, columns })
  for (const [ts, value] of kept) store.append(rewritten, ts, [value as SampleValue])
  store.flush()
}

/** What a group holds in [from, to], by time (the last written of a time). */
function storedValues(store: SeriesStore, id: number, from: number, to: number): Map<number, unknown> {
  const values = new Map<number, unknown>()
  const last = store.lastTs(id)
  if (last === null || last < from) return values
  const range = store.read(id, from, to)
  const newestSeq = new Map<number, number>()
  range.ts.forEach((ts, i) => {
    const seq = range.seq[i] as number
    if ((newestSeq.get(ts) ?? -1) < seq) {
      newestSeq.set(ts, seq)
      values.set(ts, range.columns[0]?.[i])
    }
  })
  return values
}

/** The body as text; bytes that are not UTF-8 are refused with where they are. */
function decodeUtf8(body: Buffer | string): string {
  if (typeof body === 'string') return body
  if (isUtf8(body)) return body.toString('utf8')
  const bad = firstInvalidUtf8(body)
  const before = body.subarray(0, bad)
  const lineStart = before.lastIndexOf(0x0a) + 1
  const line = before.toString('latin1').split('\n').length
  const column = before.subarray(lineStart).toString('utf8').length + 1
  throw new ExpositionError(line, column, 'the text is not valid UTF-8')
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const length = sequenceLength(bytes, i)
    if (length === 0) return i
    i += length
  }
  return bytes.length
}

/** The length of the well-formed UTF-8 sequence at i, or 0 (RFC 3629: no overlongs, surrogates or values past U+10FFFF). */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number
  if (b0 < 0x80) return 1
  const continuation = (k: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[i + k]
    return b !== undefined && b >= low && b <= high
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) return continuation(1) ? 2 : 0
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf]
    return continuation(1, low, high) && continuation(2) ? 3 : 0
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf]
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0
  }
  return 0
}
