// One file of an import source into where its type stores it. A file is read as a stream, never
// whole. What is stored is all or nothing: a file with bad rows is refused whole (unless the
// source says skip_bad_rows), each bad row counted and the first reported with its line.
// - csv_table: one pass inside one transaction of imports.db, rolled back if the file is refused.
// - csv_metrics, nmon: the series store is written in batches (ChunkBatcher), so the file is
//   read twice: once to check every row (nothing stored), then to store it, each batch in one
//   transaction with the file's resume line — an import cut short carries on after it. Every
//   group they write carries the file's IMPORT_LABEL (imported-groups.ts): deleting the file
//   deletes its groups, and retention leaves them alone.
import { createReadStream } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import type { CsvMetricsOptions, CsvTableOptions, FileError, ImportSourceOptions, NmonOptions } from '../../shared/imports'
import { IMPORT_LABEL } from '../base/series/imported-groups'
import type { GroupKey, SeriesStore } from '../base/series/series-store'
import { sampleGroupKey, sampleRow } from '../metrics'
import { externalGroupKey, labelSet } from '../prometheus'
import { ChunkBatcher } from './chunk-batcher'
import { metricsRow, planMetrics, type MetricsPlan } from './csv-metrics'
import { CsvReader } from './csv-reader'
import { ImportsDb } from './imports-db'
import { snapshotRows } from './nmon-mapping'
import { NmonReader, offsetMinutes, type NmonSnapshot } from './nmon-reader'
import { METRICS, type MetricName } from '../../shared/metrics'

/** Bad rows reported with their line (all are counted). */
export const MAX_REPORTED_ERRORS = 100

export interface ImportContext {
  store: SeriesStore
  tables: ImportsDb
  /** The file's name in its source's directory (csv_table rows carry it). */
  filename: string
  /** The IMPORT_LABEL value of the groups the file writes (csv_metrics, nmon). */
  importKey: string
  /** Lines up to here are stored already (an import cut short): skipped. */
  resumeLine: number
  /** Records how far the import got; called inside the transaction that stores those rows. */
  checkpoint(rows: number, line: number): void
  /** How far the reading is: the pass (1 or 2 of `passes`), bytes read. */
  progress(pass: number, passes: number, bytes: number): void
  batchRows?: number
}

export interface FileOutcome {
  rows: number
  badRows: number
  errors: FileError[]
  /** Why nothing was stored; null when the file was imported. */
  refused: string | null
}

class BadRows {
  count = 0
  readonly errors: FileError[] = []
  add(line: number, message: string): void {
    this.count++
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, message })
  }
  summary(): string {
    const first = this.errors[0]
    return `${this.count} bad row${this.count === 1 ? '' : 's'}${first ? ` (line ${first.line}: ${first.message})` : ''}`
  }
}

/** Imports `path` for a source of `options.type`. */
export async function importFile(path: string, options: ImportSourceOptions, ctx: ImportContext): Promise<FileOutcome> {
  if (options.type === 'csv_table') return importTable(path, options, ctx)
  if (options.type === 'csv_metrics') return importMetrics(path, options, ctx)
  return importNmon(path, options, ctx)
}

/** Feeds the file's text to `push` chunk by chunk (UTF-8), then calls `end`. */
export async function streamText(path: string, push: (text: string) => void, end: () => void, onBytes?: (bytes: number) => void): Promise<void> {
  const decoder = new StringDecoder('utf8')
  let bytes = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    push(decoder.write(chunk as Buffer))
    bytes += (chunk as Buffer).length
    onBytes?.(bytes)
  }
  push(decoder.end())
  end()
}

async function importTable(path: string, options: CsvTableOptions, ctx: ImportContext): Promise<FileOutcome> {
  const { tables } = ctx
  const bad = new BadRows()
  let header: string[] | null = null
  let insert: ((line: number, fields: readonly string[]) => void) | null = null
  let rows = 0
  tables.db.exec('BEGIN')
  try {
    const reader = new CsvReader(
      {
        record: ({ line, fields }) => {
          if (header === null) {
            header = ImportsDb.columnsOf(fields)
            tables.ensureTable(options.name, header)
            tables.deleteFile(options.name, ctx.filename)
            insert = tables.inserter(options.name, header, ctx.filename)
            return
          }
          if (fields.length !== header.length) return bad.add(line, `${fields.length} fields under a header of ${header.length} columns`)
          insert?.(line, fields)
          rows++
        },
        fault: ({ line, message }) => bad.add(line, message)
      },
      options.delimiter
    )
    await streamText(path, (text) => reader.push(text), () => reader.end(), (bytes) => ctx.progress(1, 1, bytes))
    const refused = header === null ? 'the file has no header line' : bad.count > 0 && options.skip_bad_rows !== true ? `refused: ${bad.summary()}` : null
    if (refused !== null) {
      tables.db.exec('ROLLBACK')
      return { rows: 0, badRows: bad.count, errors: bad.errors, refused }
    }
    tables.db.exec('COMMIT')
    return { rows, badRows: bad.count, errors: bad.errors, refused: null }
  } catch (error) {
    if (tables.db.inTransaction) tables.db.exec('ROLLBACK')
    throw error
  }
}

async function importMetrics(path: string, options: CsvMetricsOptions, ctx: ImportContext): Promise<FileOutcome> {
  // Pass 1: every row checked, nothing stored.
  const bad = new BadRows()
  let plan: MetricsPlan | null = null
  let headerError: string | null = null
  const check = new CsvReader(
    {
      record: ({ line, fields }) => {
        if (plan === null && headerError === null) {
          const planned = planMetrics(fields, options)
          if (typeof planned === 'string') {
            headerError = `line ${line}: ${planned}`
            bad.add(line, planned)
          } else plan = planned
          return
        }
        if (plan === null) return
        const row = metricsRow(plan, fields)
        if (typeof row === 'string') bad.add(line, row)
      },
      fault: ({ line, message }) => bad.add(line, message)
    },
    options.delimiter
  )
  await streamText(path, (text) => check.push(text), () => check.end(), (bytes) => ctx.progress(1, 2, bytes))
  if (headerError !== null || plan === null) return { rows: 0, badRows: bad.count, errors: bad.errors, refused: `refused: ${headerError ?? 'the file has no header line'}` }
  if (bad.count > 0 && options.skip_bad_rows !== true) return { rows: 0, badRows: bad.count, errors: bad.errors, refused: `refused: ${bad.summary()}` }

  // Pass 2: stored in batches, each with the line it reached.
  const mapped: MetricsPlan = plan
  const batcher = new ChunkBatcher(ctx.store, ctx.batchRows)
  // Each value column's groups by the row's label values.
  const groups = mapped.values.map(() => new Map<string, number>())
  let rows = 0
  let header = true
  let lastLine = ctx.resumeLine
  const write = new CsvReader(
    {
      record: ({ line, fields }) => {
        if (header) {
          header = false
          return
        }
        if (line <= ctx.resumeLine) return
        const row = metricsRow(mapped, fields)
        if (typeof row === 'string') return
        const labelKey = row.labelValues.join('\u0001')
        row.values.forEach((value, v) => {
          if (value === null) return
          const known = groups[v] as Map<string, number>
          let id = known.get(labelKey)
          if (id === undefined) {
            const { metric } = mapped.values[v] as { metric: string }
            id = ctx.store.groupId(ofFile(externalGroupKey('csv', metric, labelSet(mapped.labels.map(({ name }, l) => [name, row.labelValues[l] as string]))), ctx.importKey))
            known.set(labelKey, id)
          }
          batcher.add(id, row.ts, [value])
        })
        rows++
        lastLine = line
        if (batcher.full) batcher.flush(() => ctx.checkpoint(rows, line))
      },
      fault: () => undefined
    },
    options.delimiter
  )
  await streamText(path, (text) => write.push(text), () => write.end(), (bytes) => ctx.progress(2, 2, bytes))
  batcher.flush(() => ctx.checkpoint(rows, lastLine))
  return { rows, badRows: bad.count, errors: bad.errors, refused: null }
}

async function importNmon(path: string, options: NmonOptions & { server_id: string }, ctx: ImportContext): Promise<FileOutcome> {
  const offset = offsetMinutes(options.utc_offset)
  const bad = new BadRows()
  let snapshots = 0
  const check = new NmonReader({ snapshot: () => void snapshots++, fault: ({ line, message }) => bad.add(line, message) }, offset)
  await streamText(path, (text) => check.push(text), () => check.end(), (bytes) => ctx.progress(1, 2, bytes))
  if (snapshots === 0 && bad.count === 0) bad.add(1, 'the recording has no snapshot (ZZZZ line)')
  if (bad.count > 0 && (options.skip_bad_rows !== true || snapshots === 0)) return { rows: 0, badRows: bad.count, errors: bad.errors, refused: `refused: ${bad.summary()}` }

  const batcher = new ChunkBatcher(ctx.store, ctx.batchRows)
  let rows = 0
  let previous: number | null = null
  let lastLine = ctx.resumeLine
  const store = (snapshot: NmonSnapshot, run: Parameters<typeof snapshotRows>[1]): void => {
    const interval = previous === null ? run.interval : (snapshot.ts - previous) / 1000
    previous = snapshot.ts
    if (snapshot.line <= ctx.resumeLine) return
    const rowsOf = snapshotRows(snapshot, run, interval)
    for (const metric of METRICS as readonly MetricName[]) {
      for (const row of rowsOf[metric]) {
        const key = ofFile(sampleGroupKey(metric, options.server_id, row), ctx.importKey)
        const id = batcher.groupOf(`${metric}\u0000${JSON.stringify(key.labels)}`, () => key)
        batcher.add(id, snapshot.ts, sampleRow(metric, row))
        rows++
      }
    }
    lastLine = snapshot.line
    // Batches end between snapshots: a resumed import starts at a whole one.
    if (batcher.full) batcher.flush(() => ctx.checkpoint(rows, snapshot.line))
  }
  const write = new NmonReader({ snapshot: store, fault: () => undefined }, offset)
  await streamText(path, (text) => write.push(text), () => write.end(), (bytes) => ctx.progress(2, 2, bytes))
  batcher.flush(() => ctx.checkpoint(rows, lastLine))
  return { rows, badRows: bad.count, errors: bad.errors, refused: null }
}

/** The group of the file's samples of a series: the series' labels and the file's. */
function ofFile(key: GroupKey, importKey: string): GroupKey {
  return { ...key, labels: { ...key.labels, [IMPORT_LABEL]: importKey } }
}
