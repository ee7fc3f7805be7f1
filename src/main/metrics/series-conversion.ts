// Upgrades a data dir in place: the metrics tables of the release before the series store
// (raw samples, minute and hour roll-ups) are copied into it, checked, and only then dropped.
//
// - Each table is read once, in the order of its groups and then time, through a second,
//   read-only connection (so the copy can commit as it goes while the read goes on), and its
//   rows are written as whole chunks of up to `chunkRows` straight into the store's tables
//   (SeriesStore.writeChunks): no heads, no log.
// - How far each table got is a cursor (the last row copied, in that order) kept in
//   series_conversion, written in the same transaction as the chunks it covers: a run killed at
//   any point keeps both or neither, and the next run carries on after the cursor, so no row is
//   copied twice or skipped.
// - Before anything is dropped every group is compared, old against new (series-conversion-
//   verify.ts); any difference leaves the old tables where they are and is reported.
// The caller (the migration runner, when the metrics move into the store) runs it before
// anything else writes the metrics into the store.
import Database from 'better-sqlite3'
import type { Db } from '../base/db/db'
import type { BulkChunk, SeriesStore } from '../base/series/series-store'
import type { SampleValues } from './samples'
import { OLD_BOOKKEEPING_TABLES, OLD_TABLES, type OldTable } from './series-conversion-tables'
import { verifyTable, type GroupMismatch } from './series-conversion-verify'

export { describeMismatch, type GroupMismatch, type GroupSummary } from './series-conversion-verify'

export interface ConversionProgress {
  /** The old table being copied. */
  table: string
  /** The series metric its rows become (`iostat`, `iostat:rollup`). */
  metric: string
  /** Rows of the table copied so far, and its rows in all. */
  done: number
  total: number
  /** The same over every table, for one progress bar. */
  allDone: number
  allTotal: number
}

export interface ConversionOptions {
  /** Called after each committed step (and once per table as it starts), counts only growing. */
  onProgress?: (progress: ConversionProgress) => void
  /** Rows a chunk holds at most: 720 is 12 hours at 60 s, an hour at 5 s. */
  chunkRows?: number
  /** Rows copied per transaction: fewer, larger commits; a kill loses at most this much work. */
  rowsPerTransaction?: number
}

export type ConversionResult =
  | { status: 'nothing-to-convert' }
  | { status: 'converted'; rows: number; tables: string[] }
  | { status: 'mismatch'; mismatches: GroupMismatch[] }

export const DEFAULT_CHUNK_ROWS = 720
const DEFAULT_ROWS_PER_TRANSACTION = 20_000
/** The converter's own record; dropped with the old tables. */
const PROGRESS_TABLE = 'series_conversion'

interface TableState {
  cursor: unknown[] | null
  done: number
  complete: boolean
}

/**
 * Copies, verifies, then drops the old metrics tables. Resumable: after a crash, call it again.
 * `db` must be a file (a second, read-only connection reads the old tables).
 */
export function convertMetricTables(db: Db, store: SeriesStore, options: ConversionOptions = {}): ConversionResult {
  const tables = OLD_TABLES.filter((table) => tableExists(db, table.table))
  if (tables.length === 0) return { status: 'nothing-to-convert' }
  const reader = new Database(db.name, { readonly: true, fileMustExist: true })
  try {
    const rows = copyTables(db, reader, store, tables, options)
    const mismatches = tables.flatMap((table) => verifyTable(reader, store, table))
    if (mismatches.length > 0) return { status: 'mismatch', mismatches }
    reader.close()
    dropOldTables(db, tables)
    return { status: 'converted', rows, tables: tables.map((table) => table.table) }
  } finally {
    if (reader.open) reader.close()
  }
}

/** Copies every table not yet copied, from where each stopped; returns the rows of all tables. */
export function copyMetricTables(db: Db, store: SeriesStore, options: ConversionOptions = {}): number {
  const tables = OLD_TABLES.filter((table) => tableExists(db, table.table))
  if (tables.length === 0) return 0
  const reader = new Database(db.name, { readonly: true, fileMustExist: true })
  try {
    return copyTables(db, reader, store, tables, options)
  } finally {
    reader.close()
  }
}

function copyTables(db: Db, reader: Database.Database, store: SeriesStore, tables: readonly OldTable[], options: ConversionOptions): number {
  db.exec(`CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (
    source    TEXT PRIMARY KEY,
    cursor    TEXT,
    done      INTEGER NOT NULL,
    complete  INTEGER NOT NULL
  )`)
  const totals = tables.map((table) => reader.prepare(`SELECT COUNT(*) FROM ${table.table}`).pluck().get() as number)
  const allTotal = totals.reduce((sum, total) => sum + total, 0)
  const states = tables.map((table) => readState(db, table.table))
  let allDone = states.reduce((sum, state) => sum + state.done, 0)
  tables.forEach((table, t) => {
    const state = states[t] as TableState
    const total = totals[t] as number
    const report = (done: number): void =>
      options.onProgress?.({ table: table.table, metric: table.seriesMetric, done, total, allDone, allTotal })
    report(state.done)
    if (state.complete) return
    copyTable(db, reader, store, table, state, options, (rows) => {
      allDone += rows
      report(state.done)
    })
  })
  return allTotal
}

/** Copies one table after its cursor, committing every `rowsPerTransaction` rows with the new cursor. */
function copyTable(
  db: Db,
  reader: Database.Database,
  store: SeriesStore,
  table: OldTable,
  state: TableState,
  options: ConversionOptions,
  committed: (rows: number) => void
): void {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS
  const perTransaction = options.rowsPerTransaction ?? DEFAULT_ROWS_PER_TRANSACTION
  const saveState = db.prepare(
    `INSERT INTO ${PROGRESS_TABLE} (source, cursor, done, complete) VALUES (?, ?, ?, ?)
       ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, done = excluded.done, complete = excluded.complete`
  )
  const order = table.order.join(', ')
  const after = state.cursor === null ? '' : `WHERE (${order}) > (${table.order.map(() => '?').join(', ')})`
  const rows = reader.prepare(`SELECT * FROM ${table.table} ${after} ORDER BY ${order}`).iterate(...(state.cursor ?? [])) as Iterable<SampleValues>

  let batch: BulkChunk[] = []
  let batchRows = 0
  let batchCursor: unknown[] | null = null
  const commit = (complete: boolean): void => {
    const done = state.done + batchRows
    const cursor = batchCursor ?? state.cursor
    store.writeChunks(batch, () => saveState.run(table.table, cursor === null ? null : JSON.stringify(cursor), done, complete ? 1 : 0))
    state.done = done
    state.cursor = cursor
    state.complete = complete
    const rowsCommitted = batchRows
    batch = []
    batchRows = 0
    committed(rowsCommitted)
  }

  // The rows of the group being read, not yet in a chunk.
  let groupColumns: string | null = null
  let groupId = 0
  let ts: number[] = []
  let columns: Array<ReturnType<OldTable['values']>> = []
  let lastRow: SampleValues | null = null
  const endChunk = (): void => {
    if (ts.length === 0) return
    // A chunk is stored by columns; rows were read as rows.
    const width = columns[0]?.length ?? 0
    batch.push({ groupId, ts, columns: Array.from({ length: width }, (_, c) => columns.map((row) => row[c] ?? null)) })
    batchRows += ts.length
    batchCursor = table.order.map((column) => (lastRow as SampleValues)[column])
    ts = []
    columns = []
    if (batchRows >= perTransaction) commit(false)
  }

  for (const row of rows) {
    const key = JSON.stringify(table.groupColumns.map((column) => row[column]))
    if (key !== groupColumns || ts.length >= chunkRows) {
      endChunk()
      if (key !== groupColumns) groupId = store.groupId(table.groupKey(row))
      groupColumns = key
    }
    ts.push(row[table.time] as number)
    columns.push(table.values(row))
    lastRow = row
  }
  endChunk()
  commit(true)
}

function readState(db: Db, table: string): TableState {
  const row = db.prepare(`SELECT cursor, done, complete FROM ${PROGRESS_TABLE} WHERE source = ?`).get(table) as
    | { cursor: string | null; done: number; complete: number }
    | undefined
  if (!row) return { cursor: null, done: 0, complete: false }
  return { cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as unknown[]), done: row.done, complete: row.complete === 1 }
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
}

/** Drops the old tables, the release's roll-up progress and the converter's own, in one transaction. */
function dropOldTables(db: Db, tables: readonly OldTable[]): void {
  db.transaction(() => {
    for (const table of tables) db.exec(`DROP TABLE ${table.table}`)
    for (const name of [...OLD_BOOKKEEPING_TABLES, PROGRESS_TABLE]) db.exec(`DROP TABLE IF EXISTS ${name}`)
  })()
}
